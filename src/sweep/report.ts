// `pvnetsim report`: a CSV with one row per point and an HTML page of SVG charts (each metric
// against an axis, one line per value of a second axis, 95 % CIs over replications; remaining
// axes with several values give one chart per combination).

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { PointRecord } from "./records.js";
import { writeFileAtomic } from "./atomic.js";
import { meanCi, metricChart, type SeriesPoint } from "./charts.js";

export interface ReportOptions {
  /** Axis on the x axis (default: the first axis with more than one value). */
  x?: string;
  /** Axis whose values get one line each (default: the next axis with more than one value). */
  series?: string;
  /** Metrics to chart (default: every metric in the records). */
  metrics?: string[];
  /** Upper bound on the number of charts (default 60). */
  maxCharts?: number;
}

export interface ReportFiles {
  csv: string;
  html: string;
  charts: number;
  notes: string[];
}

export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportError";
  }
}

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

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The CSV text: index, id, rep, seed, state, error, one column per axis, per metric, wallSeconds. */
export function resultsCsv(records: readonly PointRecord[]): string {
  const axes = axisNames(records);
  const metrics = metricNames(records);
  const head = ["index", "id", "rep", "seed", "state", "error", ...axes, ...metrics, "wallSeconds"];
  const rows = records.map((r) => [r.index, r.id, r.rep, r.seed, r.state, r.error ?? "", ...axes.map((a) => axisLabel(r.axes[a])), ...metrics.map((m) => r.metrics[m]), r.wallSeconds]);
  return [head, ...rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

function axisNames(records: readonly PointRecord[]): string[] {
  const out: string[] = [];
  for (const r of records) for (const k of Object.keys(r.axes)) if (!out.includes(k)) out.push(k);
  return out;
}

function metricNames(records: readonly PointRecord[]): string[] {
  const out: string[] = [];
  for (const r of records) for (const k of Object.keys(r.metrics)) if (!out.includes(k)) out.push(k);
  return out;
}

/** Distinct labels of an axis, in sweep order. */
function axisValues(records: readonly PointRecord[], axis: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const r of records) {
    const l = axisLabel(r.axes[axis]);
    if (!out.includes(l)) out.push(l);
  }
  return out;
}

export async function writeReport(recordsIn: readonly PointRecord[], outDir: string, opts: ReportOptions = {}): Promise<ReportFiles> {
  const records = [...recordsIn].sort((a, b) => a.index - b.index);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, "results.csv");
  writeFileAtomic(csv, [resultsCsv(records)]);
  const notes: string[] = [];

  const axes = axisNames(records);
  const metrics = opts.metrics ?? metricNames(records);
  const known = metricNames(records);
  for (const m of metrics) if (!known.includes(m)) throw new ReportError(`--metrics: "${m}" is not in the results; they have: ${known.join(", ")}`);
  for (const [flag, a] of [["--x", opts.x], ["--series", opts.series]] as const) {
    if (a !== undefined && !axes.includes(a)) throw new ReportError(`${flag}: "${a}" is not an axis of the results; they have: ${axes.length ? axes.join(", ") : "(no axes)"}`);
  }
  const varying = axes.filter((a) => axisValues(records, a).length > 1);
  const x = opts.x ?? varying[0] ?? axes[0];
  const series = opts.series ?? varying.find((a) => a !== x);
  if (series !== undefined && series === x) throw new ReportError(`--series: "${series}" is also the x axis; pick another axis`);
  const facets = varying.filter((a) => a !== x && a !== series);
  const completed = records.filter((r) => r.state === "completed");
  const errored = records.length - completed.length;

  // Group records by facet combination, then by (series, x), across replications.
  const facetKey = (r: PointRecord): string => facets.map((f) => `${f}=${axisLabel(r.axes[f])}`).join(", ");
  const facetKeys: string[] = [];
  for (const r of records) if (!facetKeys.includes(facetKey(r))) facetKeys.push(facetKey(r));
  const maxCharts = opts.maxCharts ?? 60;
  const sections: string[] = [];
  let charts = 0;
  if (x === undefined) notes.push("The sweep has no axes: nothing to chart; see the CSV.");
  else {
    const xs = axisValues(records, x);
    for (const m of metrics) {
      for (const fk of facetKeys) {
        if (charts >= maxCharts) break;
        const groups = new Map<string, { x: string | number; series: string; vals: number[] }>();
        for (const r of completed) {
          if (facetKey(r) !== fk) continue;
          const v = r.metrics[m];
          if (typeof v !== "number") continue;
          const xl = axisLabel(r.axes[x]);
          const sl = series === undefined ? m : String(axisLabel(r.axes[series]));
          const key = `${sl}\u0000${String(xl)}`;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { x: xl, series: sl, vals: [] }));
          g.vals.push(v);
        }
        if (groups.size === 0) continue;
        const data: SeriesPoint[] = [...groups.values()].map((g) => ({ x: g.x, series: g.series, ...meanCi(g.vals) }));
        const svg = await metricChart(data, {
          title: m,
          ...(fk ? { subtitle: fk } : {}),
          xTitle: x,
          yTitle: m,
          legendTitle: series ?? "metric",
          xOrder: xs,
          ...(series !== undefined ? { seriesOrder: axisValues(records, series).map(String) } : {}),
        });
        sections.push(`<figure>${svg}<figcaption>${esc(m)} against ${esc(x)}${series ? `, one line per ${esc(series)}` : ""}${fk ? ` (${esc(fk)})` : ""}; mean of replications with 95&nbsp;% CI</figcaption></figure>`);
        charts++;
      }
    }
    if (charts >= maxCharts) notes.push(`Stopped at ${maxCharts} charts; choose --x/--series/--metrics to see others.`);
  }

  const first = records[0];
  const total = first?.of ?? 0;
  const missing = total - new Set(records.map((r) => r.index)).size;
  const title = first ? `Sweep ${first.name}` : "Sweep (no results)";
  const reps = Math.max(0, ...records.map((r) => r.rep + 1));
  const summary = [
    ["points in the sweep", String(total)],
    ["results", String(records.length)],
    ["completed", String(completed.length)],
    ["errored", String(errored)],
    ["missing", String(missing)],
    ["replications", String(reps)],
    ["axes", axes.map((a) => `${a} (${axisValues(records, a).length})`).join(", ") || "none"],
    ["sweep id", first?.sweep ?? ""],
    ["pvnetsim", first?.versions?.pvnetsim ?? ""],
  ];
  const errRows = records
    .filter((r) => r.state !== "completed")
    .slice(0, 50)
    .map((r) => `<tr><td>#${r.index}</td><td>${esc(JSON.stringify(r.axes))}</td><td>${esc(r.error ?? "")}</td></tr>`);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px}figure{display:inline-block;margin:0 1em 1.5em 0;vertical-align:top}figcaption{font-size:.85em;color:#555;max-width:480px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;font-size:.9em}</style>
</head><body>
<h1>${esc(title)}</h1>
<table>${summary.map(([k, v]) => `<tr><th>${esc(k!)}</th><td>${esc(v!)}</td></tr>`).join("")}</table>
<p>Data: <a href="results.csv">results.csv</a> (one row per point).</p>
${notes.map((n) => `<p><em>${esc(n)}</em></p>`).join("\n")}
${errRows.length ? `<h2>Errored points</h2><table><tr><th>point</th><th>axes</th><th>error</th></tr>${errRows.join("")}</table>` : ""}
<h2>Charts</h2>
${sections.join("\n")}
</body></html>
`;
  const htmlPath = join(dir, "index.html");
  writeFileAtomic(htmlPath, [html]);
  return { csv, html: htmlPath, charts, notes };
}
