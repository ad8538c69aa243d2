// Merging results files (shards of one sweep, or a run and its resumptions): one record per point,
// in sweep order, with a report of the points missing, the points found more than once, and any
// duplicate whose deterministic content differs (which would mean the runs disagree).

import { canonicalJson } from "./spec.js";
import { deterministicPart, parseResults, type PointRecord } from "./records.js";

export interface MergeInput {
  name: string;
  data: Uint8Array;
}

export interface MergeReport {
  /** One record per point, sorted by index. */
  records: PointRecord[];
  inputs: { name: string; records: number; torn: boolean; bad: { line: number; why: string }[] }[];
  /** Points found more than once: where, and whether their deterministic content differs. */
  duplicates: { id: string; index: number; copies: number; conflicting: boolean }[];
  /** Indices (0-based) of the sweep's points found in no input. */
  missing: number[];
  /** Points in the sweep (from the records' `of`), null when there were no records. */
  total: number | null;
  sweep: string | null;
  name: string | null;
  errored: number;
}

export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MergeError";
  }
}

export function mergeResults(inputs: readonly MergeInput[]): MergeReport {
  const byId = new Map<string, PointRecord>();
  const copies = new Map<string, { n: number; conflicting: boolean }>();
  const sweeps = new Map<string, string>();
  const report: MergeReport = {
    records: [],
    inputs: [],
    duplicates: [],
    missing: [],
    total: null,
    sweep: null,
    name: null,
    errored: 0,
  };
  for (const inp of inputs) {
    const parsed = parseResults(inp.data);
    report.inputs.push({ name: inp.name, records: parsed.records.length, torn: parsed.torn, bad: parsed.bad });
    for (const r of parsed.records) {
      if (!sweeps.has(r.sweep)) sweeps.set(r.sweep, inp.name);
      const prev = byId.get(r.id);
      if (!prev) {
        byId.set(r.id, r);
        continue;
      }
      const c = copies.get(r.id) ?? { n: 1, conflicting: false };
      c.n++;
      if (canonicalJson(deterministicPart(prev)) !== canonicalJson(deterministicPart(r))) c.conflicting = true;
      copies.set(r.id, c);
    }
  }
  if (sweeps.size > 1) {
    const list = [...sweeps].map(([id, file]) => `${id} (first in ${file})`).join(", ");
    throw new MergeError(
      `inputs belong to ${sweeps.size} different sweeps: ${list}; merge the shards of one sweep at a time`,
    );
  }
  if (byId.size === 0) {
    const firstBad = report.inputs.find((i) => i.bad.length > 0);
    const why = firstBad ? `; ${firstBad.name}:${firstBad.bad[0]!.line}: ${firstBad.bad[0]!.why}` : "";
    throw new MergeError(
      `no point records in ${inputs.map((i) => i.name).join(", ")}${why}; expected the results files a sweep wrote`,
    );
  }
  report.records = [...byId.values()].sort((a, b) => a.index - b.index);
  const first = report.records[0];
  if (first) {
    report.total = first.of;
    report.sweep = first.sweep;
    report.name = first.name;
    const have = new Set(report.records.map((r) => r.index));
    for (let i = 0; i < first.of; i++) if (!have.has(i)) report.missing.push(i);
  }
  for (const [id, c] of copies)
    report.duplicates.push({ id, index: byId.get(id)!.index, copies: c.n, conflicting: c.conflicting });
  report.duplicates.sort((a, b) => a.index - b.index);
  report.errored = report.records.filter((r) => r.state !== "completed").length;
  return report;
}

/** "#3, #7, #12 ... (and 40 more)" */
export function listIndices(xs: readonly number[], max = 10): string {
  const head = xs
    .slice(0, max)
    .map((i) => `#${i}`)
    .join(", ");
  return xs.length > max ? `${head} ... (and ${xs.length - max} more)` : head;
}
