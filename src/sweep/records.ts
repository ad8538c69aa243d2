// Sweep results: one JSON line per finished point (JSONL), the metrics kept from a SimResult, and
// reading results files back (resume, merge, report), tolerating a torn last line left by a kill.

import type { SimResult } from "../result.js";
import type { SweepOutline, SweepPoint } from "./spec.js";

/** One line of a results file. Everything but wallSeconds and worker is deterministic. */
export interface PointRecord {
  /** Point identity (hash of resolved config and seed). */
  id: string;
  /** Identity of the whole sweep (same for all of its shards). */
  sweep: string;
  name: string;
  /** Position in the full sweep and its size. */
  index: number;
  of: number;
  rep: number;
  seed: number;
  axes: Record<string, unknown>;
  /** "completed", or "errored" with `error` (a model failure, conservation failure or crash). */
  state: "completed" | "errored";
  error?: string;
  /** Kept metrics by path; null when the result has no such field. */
  metrics: Record<string, number | null>;
  /** Wall-clock seconds the point took (not deterministic). */
  wallSeconds: number;
  versions: SimResult["versions"] | null;
  config: SweepPoint["config"];
}

/** Fields that differ between two runs of the same point. */
export const NONDETERMINISTIC_FIELDS = ["wallSeconds"] as const;

/** A record with its non-deterministic fields removed, for comparing runs. */
export function deterministicPart(r: PointRecord): Omit<PointRecord, "wallSeconds"> {
  const { wallSeconds: _w, ...rest } = r;
  return rest;
}

/** Per-point summaries that are not plain result fields (metric paths `summary.*`). */
export function summaryOf(r: SimResult): Record<string, number> {
  const dom0 = r.cpu.filter((c) => c.domain === "dom0").map((c) => c.utilization);
  const guests = r.cpu.filter((c) => c.domain !== "dom0").map((c) => c.utilization);
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  return {
    dom0CpuMax: dom0.length ? Math.max(...dom0) : 0,
    dom0CpuTotal: sum(dom0),
    guestCpuMean: guests.length ? sum(guests) / guests.length : 0,
    guestCpuMax: guests.length ? Math.max(...guests) : 0,
    dropsTotal: sum(Object.values(r.drops)),
    minVmGoodputGbps: r.throughput.perVm.length ? Math.min(...r.throughput.perVm.map((v) => v.goodputGbps)) : 0,
  };
}

/** Reads a dotted path (numeric segments index arrays, e.g. "cpu.0.utilization"); undefined if absent. */
export function metricValue(r: SimResult, path: string, summary = summaryOf(r)): unknown {
  const parts = path.split(".");
  let node: unknown = parts[0] === "summary" ? summary : (r as unknown as Record<string, unknown>)[parts[0]!];
  for (const k of parts.slice(1)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

/** Metric paths that do not name a number in `r` (used to check a spec's metrics on a probe run). */
export function badMetrics(r: SimResult, metrics: readonly string[]): string[] {
  const s = summaryOf(r);
  return metrics.filter((m) => typeof metricValue(r, m, s) !== "number");
}

/** The record of a finished point. */
export function makeRecord(
  plan: Pick<SweepOutline, "sweepId" | "name" | "metrics" | "count">,
  p: SweepPoint,
  result: SimResult | null,
  error: string | null,
  wallSeconds: number,
): PointRecord {
  const metrics: Record<string, number | null> = {};
  if (result) {
    const s = summaryOf(result);
    for (const m of plan.metrics) {
      const v = metricValue(result, m, s);
      metrics[m] = typeof v === "number" && Number.isFinite(v) ? v : null;
    }
  }
  const ok = result !== null && result.state === "completed";
  const rec: PointRecord = {
    id: p.id,
    sweep: plan.sweepId,
    name: plan.name,
    index: p.index,
    of: plan.count,
    rep: p.rep,
    seed: p.seed,
    axes: p.axes,
    state: ok ? "completed" : "errored",
    metrics,
    wallSeconds,
    versions: result?.versions ?? null,
    config: p.config,
  };
  if (!ok) rec.error = error ?? result?.error ?? "unknown failure";
  return rec;
}

export interface ParsedResults {
  records: PointRecord[];
  /** Bytes of the file up to the end of its last complete line. */
  validBytes: number;
  /** A partial last line (no newline, e.g. after SIGKILL) was found and left out. */
  torn: boolean;
  /** Complete lines that are not records: {line number (1-based), why}. */
  bad: { line: number; why: string }[];
}

/** Largest `of` a record may claim: the largest sweep a spec may plan. */
const MAX_RECORD_POINTS = 1_000_000;

/** Why `x` is not a point record, or null when it is one. */
function notARecord(x: unknown): string | null {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return "not a sweep point record";
  const r = x as Record<string, unknown>;
  if (
    !(
      typeof r.id === "string" &&
      typeof r.sweep === "string" &&
      typeof r.index === "number" &&
      typeof r.of === "number" &&
      (r.state === "completed" || r.state === "errored")
    )
  ) {
    return "not a sweep point record";
  }
  if (!Number.isInteger(r.of) || r.of < 1 || r.of > MAX_RECORD_POINTS)
    return `"of": ${JSON.stringify(r.of)} is not allowed; expected an integer from 1 to ${MAX_RECORD_POINTS}`;
  if (!Number.isInteger(r.index) || r.index < 0 || r.index >= r.of)
    return `"index": ${JSON.stringify(r.index)} is not allowed; expected an integer from 0 to ${r.of - 1}`;
  if (r.metrics !== undefined && (r.metrics === null || typeof r.metrics !== "object" || Array.isArray(r.metrics)))
    return `"metrics" is not an object`;
  if (r.axes !== undefined && (r.axes === null || typeof r.axes !== "object" || Array.isArray(r.axes)))
    return `"axes" is not an object`;
  return null;
}

/** Parses the contents of a results file. */
export function parseResults(buf: Uint8Array): ParsedResults {
  const records: PointRecord[] = [];
  const bad: ParsedResults["bad"] = [];
  const dec = new TextDecoder();
  let start = 0;
  let line = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(10, start);
    if (nl < 0) break;
    line++;
    const text = dec.decode(buf.subarray(start, nl)).trim();
    start = nl + 1;
    if (text === "") continue;
    try {
      const x = JSON.parse(text) as unknown;
      const why = notARecord(x);
      if (why === null) records.push(x as PointRecord);
      else bad.push({ line, why });
    } catch {
      bad.push({ line, why: "malformed JSON" });
    }
  }
  const tail = dec.decode(buf.subarray(start)).trim();
  return { records, validBytes: start, torn: tail !== "", bad };
}

/** One JSON line (with its newline). */
export function recordLine(r: PointRecord): string {
  return JSON.stringify(r) + "\n";
}
