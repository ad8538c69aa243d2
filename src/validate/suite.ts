// The published-results suite: one JSON file per result in validation/ at the repository root.
// This file reads and checks them (a malformed file is an error naming the file, the field and
// what is allowed) and turns a runnable result into the resolved configurations it needs.
//
// A result is "runnable" when the model can express its testbed today, or "pending" with the
// mechanism it waits for; pending results are listed, never run and never counted.

import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { packagePath } from "../package-root.js";
import { resolveConfig, type ResolvedConfig } from "../config/schema.js";

/** What is compared. */
export type Metric =
  | "aggregateGbps" // mean aggregate TCP goodput into the guests, Gb/s
  | "txGbps" // mean aggregate TCP goodput sent by the guests, Gb/s
  | "ratioAggregate" // per-seed aggregate goodput of scenario / reference, mean over seeds
  | "ratioTxGbps" // the same for transmit goodput
  | "ratioCyclesPerPacket" // total busy cycles per received packet, scenario / reference
  | "ratioCyclesPerByte" // total busy cycles per byte the guests' applications received, scenario / reference
  | "bottleneck"; // categorical: the run's bottleneck kind and domain

export const METRICS: readonly Metric[] = [
  "aggregateGbps",
  "txGbps",
  "ratioAggregate",
  "ratioTxGbps",
  "ratioCyclesPerPacket",
  "ratioCyclesPerByte",
  "bottleneck",
];

export interface ScenarioRef {
  /** Preset name (src/config/presets.ts). */
  preset: string;
  /** Dotted-path overrides, as `pvnetsim run --set`. */
  set: Record<string, unknown>;
}

export interface TestbedFact {
  fact: string;
  /** "stated": the source says it; "assumed": the file assumes it (the source is silent). */
  status: "stated" | "assumed";
}

export interface Published {
  /** Numeric results. */
  value?: number;
  unit?: string;
  /** Categorical (bottleneck) results: expected bottleneck kind and the domain it lies in. */
  kind?: string;
  domain?: string;
  /**
   * Ordering results: the source says only that the simulated value lies above (or below) `value`
   * (for a ratio of two scenarios, 1: which of the two costs more). Within when it does, strictly.
   */
  relation?: "above" | "below";
  note?: string;
}

export interface ValidationResult {
  id: string;
  title: string;
  source: { key: string; citation: string; where: string; url: string; row: string };
  status: "runnable" | "pending";
  /** For pending results: the mechanism the model needs first. */
  pendingMechanism?: string;
  metric: Metric;
  compare: string;
  scenario?: ScenarioRef;
  reference?: ScenarioRef;
  published: Published;
  tolerance: { relative: number; why: string };
  /** The cost constant fitted to this result, or false. */
  fitted: string | false;
  /** Training results may be used to fit constants; held-out results never are. */
  role: "training" | "held-out";
  testbed: TestbedFact[];
  /** File it was read from (relative to the repository). */
  file: string;
}

export class SuiteError extends Error {}

/** validation/ at the package root (the package ships it). */
export function defaultSuiteDir(): string {
  const d = packagePath("validation");
  if (!existsSync(d)) throw new SuiteError(`cannot find the validation/ directory (${d})`);
  return d;
}

function need(cond: boolean, file: string, field: string, value: unknown, allowed: string): asserts cond {
  if (!cond) throw new SuiteError(`${file}: ${field}: ${JSON.stringify(value)} is not allowed; expected ${allowed}`);
}

const str = (o: Record<string, unknown>, k: string, file: string, prefix = ""): string => {
  const v = o[k];
  need(typeof v === "string" && v.trim().length > 0, file, prefix + k, v, "a non-empty string");
  return v;
};

function scenarioRef(v: unknown, file: string, field: string): ScenarioRef {
  need(typeof v === "object" && v !== null && !Array.isArray(v), file, field, v, "an object {preset, set}");
  const o = v as Record<string, unknown>;
  const preset = str(o, "preset", file, `${field}.`);
  const set = o["set"] ?? {};
  need(
    typeof set === "object" && set !== null && !Array.isArray(set),
    file,
    `${field}.set`,
    set,
    "an object of dotted-path overrides",
  );
  return { preset, set: set as Record<string, unknown> };
}

/** Parses and checks one result file. */
export function parseResult(text: string, file: string): ValidationResult {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new SuiteError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  need(typeof o === "object" && o !== null && !Array.isArray(o), file, "(file)", "non-object", "a JSON object");
  const id = str(o, "id", file);
  need(`${id}.json` === file.split(/[\\/]/).pop(), file, "id", id, "the file name without .json");
  const src = o["source"] as Record<string, unknown>;
  need(typeof src === "object" && src !== null, file, "source", src, "an object {key, citation, where, url, row}");
  const source = {
    key: str(src, "key", file, "source."),
    citation: str(src, "citation", file, "source."),
    where: str(src, "where", file, "source."),
    url: str(src, "url", file, "source."),
    row: str(src, "row", file, "source."),
  };
  const status = o["status"];
  need(status === "runnable" || status === "pending", file, "status", status, '"runnable" or "pending"');
  const metric = o["metric"] as Metric;
  need(METRICS.includes(metric), file, "metric", metric, METRICS.map((m) => `"${m}"`).join(", "));
  const pub = o["published"] as Published;
  need(typeof pub === "object" && pub !== null, file, "published", pub, "an object");
  if (metric === "bottleneck")
    need(typeof pub.kind === "string", file, "published.kind", pub.kind, "a bottleneck kind");
  else {
    need(
      typeof pub.value === "number" && Number.isFinite(pub.value) && pub.value > 0,
      file,
      "published.value",
      pub.value,
      "a number > 0",
    );
    need(typeof pub.unit === "string" && pub.unit.length > 0, file, "published.unit", pub.unit, "a unit");
    need(
      pub.relation === undefined || pub.relation === "above" || pub.relation === "below",
      file,
      "published.relation",
      pub.relation,
      '"above" or "below" (or absent)',
    );
  }
  const tol = o["tolerance"] as Record<string, unknown>;
  need(typeof tol === "object" && tol !== null, file, "tolerance", tol, "an object {relative, why}");
  const rel = tol["relative"];
  need(typeof rel === "number" && rel >= 0 && rel < 1, file, "tolerance.relative", rel, "a number from 0 to < 1");
  const why = str(tol, "why", file, "tolerance.");
  const fitted = o["fitted"];
  need(
    fitted === false || (typeof fitted === "string" && fitted.startsWith("costs.")),
    file,
    "fitted",
    fitted,
    'false or the fitted constant ("costs.<name>")',
  );
  const role = o["role"];
  need(role === "training" || role === "held-out", file, "role", role, '"training" or "held-out"');
  need(fitted === false || role === "training", file, "role", role, '"training" for a result a constant was fitted to');
  const tb = o["testbed"];
  need(Array.isArray(tb) && tb.length > 0, file, "testbed", tb, "a non-empty list of {fact, status}");
  const testbed = (tb as Record<string, unknown>[]).map((t, i) => {
    need(
      t["status"] === "stated" || t["status"] === "assumed",
      file,
      `testbed[${i}].status`,
      t["status"],
      '"stated" or "assumed"',
    );
    return { fact: str(t, "fact", file, `testbed[${i}].`), status: t["status"] as "stated" | "assumed" };
  });
  const r: ValidationResult = {
    id,
    title: str(o, "title", file),
    source,
    status,
    metric,
    compare: str(o, "compare", file),
    published: pub,
    tolerance: { relative: rel, why },
    fitted: fitted as string | false,
    role,
    testbed,
    file,
  };
  if (status === "pending") r.pendingMechanism = str(o, "pendingMechanism", file);
  else {
    r.scenario = scenarioRef(o["scenario"], file, "scenario");
    if (metric.startsWith("ratio")) r.reference = scenarioRef(o["reference"], file, "reference");
    // Resolve now so a bad scenario fails before anything runs.
    try {
      resolveScenario(r.scenario);
      if (r.reference) resolveScenario(r.reference);
    } catch (e) {
      throw new SuiteError(`${file}: scenario: ${(e as Error).message}`);
    }
  }
  return r;
}

/** Reads every validation/*.json, sorted by id. */
export function loadSuite(dir = defaultSuiteDir()): ValidationResult[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !f.startsWith("_"))
    .sort();
  if (files.length === 0) throw new SuiteError(`${dir}: no result files (*.json)`);
  return files.map((f) => parseResult(readFileSync(join(dir, f), "utf8"), `validation/${f}`));
}

export function resolveScenario(s: ScenarioRef, runOverrides: Record<string, unknown> = {}): ResolvedConfig {
  return resolveConfig(s.preset, { ...s.set, ...runOverrides });
}
