// Sweep specifications: parsing (JSON or YAML), validation and expansion into points.
//
// A spec names a base scenario (preset or config object), overrides applied to every point, axes
// (a grid over single parameters, zipped groups of parameters that move together, and explicit
// lists of cases), replications with derived seeds, and the metrics to keep. Everything is checked
// here, before anything runs: a bad spec ends in one SpecError whose message is one line naming
// where in the spec the problem is, the value, and what is allowed.
//
// Point identity: the SHA-256 of the canonical JSON (keys sorted) of the fully resolved config,
// seed included. It does not depend on the spec's wording, on the point's position, or on how the
// sweep is sharded, so resumed runs, shards and merges agree on which point a result belongs to.

import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { resolveConfig, ConfigError, type ResolvedConfig } from "../config/schema.js";
import { canonicalJson, isObj, MAX_POINTS, show, SpecError } from "./spec-common.js";
import { expandAxis, checkOwn, checkPath, type Expanded } from "./axes.js";
import { PRESETS } from "../config/presets.js";

export { canonicalJson, MAX_POINTS, SpecError } from "./spec-common.js";

/** One grid axis over a single parameter. */
export interface ParamAxis {
  path: string;
  /** The values, or a numeric range {from, to, step} (inclusive of `to` when it lands on it). */
  values: unknown[] | { from: number; to: number; step: number };
  /** Name used in results and reports (default: the path). */
  name?: string;
}

/** Parameters that move together: the i-th point of the axis takes the i-th value of every member. */
export interface ZipAxis {
  zip: { path: string; values: unknown[] }[];
  name?: string;
}

/** An explicit list of cases, each a set of dotted-path overrides with an optional label. */
export interface CasesAxis {
  name: string;
  cases: { label?: string; set: Record<string, unknown> }[];
}

export type AxisSpec = ParamAxis | ZipAxis | CasesAxis;

export interface SweepSpec {
  /** Sweep name (used in Slurm job names and report titles). */
  name?: string;
  /** Preset name or config object (which may itself name a `preset`). Default: the built-in defaults. */
  base?: string | Record<string, unknown>;
  /** Dotted-path overrides applied to every point, e.g. {durationMs: 200}. */
  set?: Record<string, unknown>;
  /** Grid axes, outermost first; either a list or a {path: values} map. */
  axes?: AxisSpec[] | Record<string, unknown[]>;
  /** Runs per configuration, each with its own seed (default 1). */
  replications?: number;
  /** Seed of replication 0; later replications derive theirs from it (default: the base config's seed). */
  seed?: number;
  /** Explicit seeds, one per replication (instead of replications/seed). */
  seeds?: number[];
  /** Result fields to keep per point, as dotted paths (see METRIC_SECTIONS). Default: DEFAULT_METRICS. */
  metrics?: string[];
}

/** One simulation of the sweep. */
export interface SweepPoint {
  /** Stable identity: hash of the resolved config (seed included). */
  id: string;
  /** Position in the full (unsharded) sweep, 0-based. */
  index: number;
  /** Replication number, 0-based. */
  rep: number;
  seed: number;
  /** Axis name -> value (the case label for a cases axis). */
  axes: Record<string, unknown>;
  config: ResolvedConfig;
}

export interface AxisInfo {
  name: string;
  kind: "param" | "zip" | "cases";
  /** Values as they appear in point.axes, in spec order. */
  labels: unknown[];
}

/** A validated spec before its points are resolved: they come one at a time from points(). */
export interface SweepOutline {
  name: string;
  /** Identity of the sweep: the same for every shard, known before any point is resolved. */
  sweepId: string;
  axes: AxisInfo[];
  replications: number;
  metrics: string[];
  /** Points in the sweep. */
  count: number;
  /** The points in sweep order, each resolved when it is reached. */
  points: () => Generator<SweepPoint, void, undefined>;
}

/** A sweep with every point resolved up front (`count` is points.length). */
export interface SweepPlan extends Omit<SweepOutline, "points"> {
  points: SweepPoint[];
}

/** A sweep to run: every point resolved (a plan), or resolved as it is reached (an outline). */
export type PlannedSweep = SweepPlan | SweepOutline;

/** The points of a plan or an outline, in sweep order. */
export function eachPoint(plan: PlannedSweep): Iterable<SweepPoint> {
  return Array.isArray(plan.points) ? plan.points : (plan as SweepOutline).points();
}

/** Result sections a metric path may start with; `summary.*` are computed per point (records.ts). */
export const METRIC_SECTIONS = [
  "throughput",
  "cpu",
  "events",
  "derived",
  "drops",
  "latency",
  "conservation",
  "perf",
  "summary",
] as const;

export const DEFAULT_METRICS: readonly string[] = [
  "throughput.aggregateGbps",
  "summary.dom0CpuMax",
  "summary.dom0CpuTotal",
  "summary.guestCpuMean",
  "derived.notificationsPerPacket",
  "latency.p99Us",
  "summary.dropsTotal",
];

/** Parses spec text: JSON when it parses as JSON or the file ends in .json, else YAML. */
export function parseSpecText(text: string, fileName = "spec"): unknown {
  const isJson = /\.json$/i.test(fileName);
  if (isJson || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      if (isJson) throw new SpecError(`${fileName}: malformed JSON (${(e as Error).message})`);
    }
  }
  try {
    return parseYaml(text, { prettyErrors: false, uniqueKeys: true }) as unknown;
  } catch (e) {
    const first = ((e as Error).message ?? String(e)).split("\n")[0];
    throw new SpecError(`${fileName}: malformed YAML (${first})`);
  }
}

const sha = (text: string, chars = 16): string => createHash("sha256").update(text).digest("hex").slice(0, chars);

/** Identity of a point: 16 hex digits of SHA-256 over the canonical resolved config and seed. */
export function pointId(config: ResolvedConfig, seed: number): string {
  return sha(canonicalJson({ config, seed }));
}

/**
 * Seed of replication `rep`: replication 0 uses the base seed itself (so a one-replication point
 * equals `pvnetsim run` of the same config), later ones a splitmix32-style mix of (base, rep).
 * Seeds depend on the replication only, not on the point: common random numbers across points.
 */
export function deriveSeed(base: number, rep: number): number {
  if (rep === 0) return base >>> 0;
  let z = (base + Math.imul(rep, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Resolves base + overrides, turning a ConfigError into a SpecError that says where it came from. */
function resolveAt(where: string, base: unknown, overrides: Record<string, unknown>): ResolvedConfig {
  try {
    return resolveConfig(base, overrides);
  } catch (e) {
    if (e instanceof ConfigError) throw new SpecError(`${where}: ${e.message}`);
    throw e;
  }
}

const TOP_KEYS = ["name", "base", "set", "axes", "replications", "seed", "seeds", "metrics"];

/**
 * Validates a spec (parsed JSON/YAML object) up to its points: name, axes (every axis value is
 * checked on its own against the base, so an error names the axis and the value), seeds, metrics
 * and the point count, without resolving a point. `points()` then yields the points in sweep order
 * as it resolves them (so relations between axes, e.g. too few PCPUs, name the point, and a point
 * that resolves to the same simulation as an earlier one is an error there). Planning a million
 * points therefore shows its first point at once and holds one point at a time, plus a 52-bit key
 * and an index per point for the duplicate check.
 */
export function outlineSweep(input: unknown): SweepOutline {
  if (!isObj(input))
    throw new SpecError(
      `spec: ${show(input)} is not allowed; expected an object with base, axes, replications, metrics`,
    );
  for (const k of Object.keys(input)) {
    if (!TOP_KEYS.includes(k)) throw new SpecError(`spec.${k}: unknown field; allowed: ${TOP_KEYS.join(", ")}`);
  }
  const spec = input as SweepSpec;
  const name = spec.name ?? "sweep";
  if (typeof name !== "string" || !/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
    throw new SpecError(`spec.name: ${show(name)} is not allowed; expected 1-64 letters, digits, '.', '_' or '-'`);
  }

  // Base scenario.
  const base: unknown = spec.base ?? {};
  if (typeof base === "string" && !Object.hasOwn(PRESETS, base)) {
    throw new SpecError(
      `spec.base: "${base}" is not allowed; expected a preset (${Object.keys(PRESETS).join(", ")}) or a config object`,
    );
  }
  if (typeof base !== "string" && !isObj(base))
    throw new SpecError(`spec.base: ${show(base)} is not allowed; expected a preset name or a config object`);
  if (isObj(base) && "seed" in base)
    throw new SpecError(`spec.base.seed: set the seed with the spec's seed or seeds field`);
  const resolvedBase = resolveAt("spec.base", base, {});

  // Common overrides.
  const common: Record<string, unknown> = {};
  if (spec.set !== undefined) {
    if (!isObj(spec.set))
      throw new SpecError(`spec.set: ${show(spec.set)} is not allowed; expected an object of {"path": value}`);
    for (const [p, v] of Object.entries(spec.set)) {
      checkPath(`spec.set`, p);
      common[p] = v;
    }
    checkOwn((p) => `spec.set.${p}`, common);
  }

  // Seeds.
  let seeds: number[];
  const u32 = (x: unknown): boolean => typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
  if (spec.seeds !== undefined) {
    if (spec.replications !== undefined || spec.seed !== undefined)
      throw new SpecError(`spec.seeds: give either seeds or replications/seed, not both`);
    if (!Array.isArray(spec.seeds) || spec.seeds.length === 0)
      throw new SpecError(
        `spec.seeds: ${show(spec.seeds)} is not allowed; expected a non-empty list of integers from 0 to 4294967295`,
      );
    spec.seeds.forEach((s, i) => {
      if (!u32(s))
        throw new SpecError(`spec.seeds[${i}]: ${show(s)} is not allowed; expected an integer from 0 to 4294967295`);
    });
    if (new Set(spec.seeds).size !== spec.seeds.length)
      throw new SpecError(`spec.seeds: ${show(spec.seeds)} repeats a seed; replications would be identical`);
    seeds = spec.seeds.slice();
  } else {
    const reps = spec.replications ?? 1;
    if (typeof reps !== "number" || !Number.isInteger(reps) || reps < 1 || reps > 10000) {
      throw new SpecError(`spec.replications: ${show(reps)} is not allowed; expected an integer from 1 to 10000`);
    }
    const baseSeed = spec.seed ?? resolvedBase.seed;
    if (!u32(baseSeed))
      throw new SpecError(`spec.seed: ${show(baseSeed)} is not allowed; expected an integer from 0 to 4294967295`);
    seeds = Array.from({ length: reps }, (_, r) => deriveSeed(baseSeed, r));
  }

  // Metrics.
  const metrics = spec.metrics ?? [...DEFAULT_METRICS];
  if (!Array.isArray(metrics) || metrics.length === 0)
    throw new SpecError(
      `spec.metrics: ${show(metrics)} is not allowed; expected a non-empty list of result paths such as ` +
        `"throughput.aggregateGbps"`,
    );
  metrics.forEach((m, i) => {
    const head = typeof m === "string" ? m.split(".")[0] : undefined;
    if (
      typeof m !== "string" ||
      !(METRIC_SECTIONS as readonly string[]).includes(head!) ||
      m.split(".").some((s) => s === "")
    ) {
      throw new SpecError(
        `spec.metrics[${i}]: ${show(m)} is not allowed; expected a dotted result path starting with one of ` +
          `${METRIC_SECTIONS.join(", ")}`,
      );
    }
  });
  if (new Set(metrics).size !== metrics.length)
    throw new SpecError(`spec.metrics: ${show(metrics)} lists a metric twice`);

  // Axes.
  let axesIn: unknown = spec.axes ?? [];
  if (isObj(axesIn)) axesIn = Object.entries(axesIn).map(([path, values]) => ({ path, values }));
  if (!Array.isArray(axesIn))
    throw new SpecError(`spec.axes: ${show(axesIn)} is not allowed; expected a list of axes or a {path: values} map`);
  const axes: Expanded[] = axesIn.map((a, i) => expandAxis(`spec.axes[${i}]`, a));
  const names = new Set<string>();
  const paths = new Map<string, string>();
  axes.forEach((a, i) => {
    if (names.has(a.info.name))
      throw new SpecError(`spec.axes[${i}]: axis name "${a.info.name}" is used twice; give one of them a name`);
    names.add(a.info.name);
    for (const p of new Set(a.steps.flatMap((s) => Object.keys(s.set)))) {
      const other = paths.get(p);
      if (other !== undefined)
        throw new SpecError(
          `spec.axes[${i}]: "${p}" is also set by axis "${other}"; one parameter belongs to one axis (use zip or ` +
            `cases to move parameters together)`,
        );
      paths.set(p, a.info.name);
      if (p in common) throw new SpecError(`spec.axes[${i}]: "${p}" is also in spec.set; remove it from one of them`);
    }
  });

  const total = axes.reduce((n, a) => n * a.steps.length, 1) * seeds.length;
  if (total > MAX_POINTS)
    throw new SpecError(`spec.axes: the grid has ${total} points; at most ${MAX_POINTS} (split the sweep)`);

  // Points: first axis outermost, replications innermost.
  const perRep = total / seeds.length;
  const at = (n: number): { overrides: Record<string, unknown>; labels: Record<string, unknown> } => {
    const overrides: Record<string, unknown> = { ...common };
    const labels: Record<string, unknown> = {};
    let rem = n;
    const pos = axes.map(() => 0);
    for (let k = axes.length - 1; k >= 0; k--) {
      const len = axes[k]!.steps.length;
      pos[k] = rem % len;
      rem = Math.floor(rem / len);
    }
    axes.forEach((a, k) => {
      const st = a.steps[pos[k]!]!;
      Object.assign(overrides, st.set);
      labels[a.info.name] = st.label;
    });
    return { overrides, labels };
  };
  const point = (index: number): SweepPoint => {
    const rep = index % seeds.length;
    const { overrides, labels } = at(Math.floor(index / seeds.length));
    const seed = seeds[rep]!;
    const config = resolveAt(`spec point ${show(labels)}`, base, { ...overrides, seed });
    return { id: pointId(config, seed), index, rep, seed, axes: labels, config };
  };
  function* points(): Generator<SweepPoint, void, undefined> {
    // Duplicate check: the first 13 hex digits of each id (52 bits) with its index; a hit is
    // confirmed by resolving the earlier point again, so a key collision is never an error.
    const seen = new Map<number, number>();
    for (let index = 0; index < perRep * seeds.length; index++) {
      const p = point(index);
      const key = Number.parseInt(p.id.slice(0, 13), 16);
      const dup = seen.get(key);
      if (dup !== undefined) {
        const earlier = point(dup);
        if (earlier.id === p.id) {
          throw new SpecError(
            `spec point ${show(p.axes)}: resolves to the same simulation as point ${show(earlier.axes)} (same ` +
              `config and seed); an axis value has no effect here`,
          );
        }
      } else seen.set(key, index);
      yield p;
    }
  }
  // The sweep id hashes what decides the ordered points: the resolved base, the common overrides,
  // each axis's overrides in order, and the seeds. Like a point id it does not depend on wording
  // or names, and it is known before any point is resolved, so the first record can carry it.
  const sweepId = sha(
    canonicalJson({
      base: resolvedBase,
      set: common,
      axes: axes.map((a) => a.steps.map((st) => st.set)),
      seeds,
    }),
  );
  return { name, sweepId, axes: axes.map((a) => a.info), replications: seeds.length, metrics, count: total, points };
}

/**
 * Validates a spec and expands it into all its points (outlineSweep, then every point): every
 * point is checked before anything runs, at the cost of memory and time that grow with the points.
 */
export function planSweep(input: unknown): SweepPlan {
  const o = outlineSweep(input);
  const points = [...o.points()];
  const { name, sweepId, axes, replications, metrics } = o;
  return { name, sweepId, axes, replications, metrics, count: points.length, points };
}
