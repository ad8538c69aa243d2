// A sweep's results as tables: results.csv (one row per point: axes and metrics as columns) and
// results-long.csv (one row per completed point and metric, with its unit), and the axis and
// metric names and axis values, in sweep order, that the tables and the report share.

import type { PointRecord } from "./records.js";
import { metricInfo } from "./metrics.js";

/** How an axis value is shown: numbers and strings as they are, zipped groups as "a=1, b=2". */
export function axisLabel(v: unknown): string | number {
  if (typeof v === "number" || typeof v === "string") return v;
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${JSON.stringify(x)}`)
      .join(", ");
  }
  return JSON.stringify(v);
}

/** One CSV cell: empty for a missing value, quoted when it holds a quote, comma or line break. */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvText = (rows: unknown[][]): string => rows.map((row) => row.map(csvCell).join(",")).join("\n") + "\n";

/** The long CSV: one row per completed point and metric (index, id, rep, seed, axes, metric, value, unit). */
export function resultsLongCsv(records: readonly PointRecord[]): string {
  const axes = axisNames(records);
  const metrics = metricNames(records);
  const units = new Map(metrics.map((m) => [m, metricInfo(m).unit]));
  const head = ["index", "id", "rep", "seed", ...axes, "metric", "value", "unit"];
  const rows: unknown[][] = [];
  for (const r of records) {
    if (r.state !== "completed") continue;
    for (const m of metrics) {
      const v = r.metrics[m];
      if (typeof v !== "number") continue;
      rows.push([r.index, r.id, r.rep, r.seed, ...axes.map((a) => axisLabel(r.axes[a])), m, v, units.get(m)]);
    }
  }
  return csvText([head, ...rows]);
}

/** The CSV text: index, id, rep, seed, state, error, one column per axis, per metric, wallSeconds. */
export function resultsCsv(records: readonly PointRecord[]): string {
  const axes = axisNames(records);
  const metrics = metricNames(records);
  const head = ["index", "id", "rep", "seed", "state", "error", ...axes, ...metrics, "wallSeconds"];
  const rows = records.map((r) => [
    r.index,
    r.id,
    r.rep,
    r.seed,
    r.state,
    r.error ?? "",
    ...axes.map((a) => axisLabel(r.axes[a])),
    ...metrics.map((m) => r.metrics[m]),
    r.wallSeconds,
  ]);
  return csvText([head, ...rows]);
}

/** The axis names of the records, in the order they first appear. */
export function axisNames(records: readonly PointRecord[]): string[] {
  const out: string[] = [];
  for (const r of records) for (const k of Object.keys(r.axes)) if (!out.includes(k)) out.push(k);
  return out;
}

/** The metric paths of the records, in the order they first appear. */
export function metricNames(records: readonly PointRecord[]): string[] {
  const out: string[] = [];
  for (const r of records) for (const k of Object.keys(r.metrics)) if (!out.includes(k)) out.push(k);
  return out;
}

/** Distinct labels of an axis, in sweep order. */
export function axisValues(records: readonly PointRecord[], axis: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const r of records) {
    const l = axisLabel(r.axes[axis]);
    if (!out.includes(l)) out.push(l);
  }
  return out;
}
