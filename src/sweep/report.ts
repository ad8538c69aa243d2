// `pvnetsim report`: what a sweep found, on one page.
//   results.csv       one row per point (axes and metrics as columns);
//   results-long.csv  one row per point and metric: point, axes, metric, value, unit;
//   index.html        first the main-effects summary (which axis moves which metric, as a table
//                     and a heat map), then each metric against an axis, one colour per value of a
//                     second axis, remaining axes with several values giving one chart per
//                     combination. Titles and axes carry units; intervals are 95 % t intervals of
//                     the replications, cut to the metric's physical range, and below three
//                     replications the values themselves are drawn with a note saying n.

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ResolvedConfig } from "../config/schema.js";
import type { PointRecord } from "./records.js";
import { writeFileAtomic } from "./atomic.js";
import { effectsChart, metricChartSpec, type EffectCell, type SeriesPoint } from "./charts.js";
import { renderSvg, type VegaLiteSpec } from "../report/charts.js";
import { cellStats, mainEffects, MIN_CI_REPLICATIONS, type MetricEffects } from "./analysis.js";
import { describeAxis, metricInfo, type AxisDescription, type MetricInfo } from "./metrics.js";

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
  longCsv: string;
  html: string;
  charts: number;
  notes: string[];
  /** The main-effects summary, per metric. */
  effects: MetricEffects[];
  /** What each metric chart shows: its data, the metric's physical range there, and its spec. */
  figures: ReportFigure[];
}

export interface ReportFigure {
  metric: string;
  /** Values of the remaining axes ("" without facets). */
  facet: string;
  bounds: [number | null, number | null];
  points: SeriesPoint[];
  spec: VegaLiteSpec;
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
  return [head, ...rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

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

/** A number for a table: 4 significant digits, no "-0", thousands not grouped. */
export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) < 5e-13) return "0";
  const a = Math.abs(v);
  const s = a >= 1e5 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(4);
  return String(Number(s)) === "0" ? "0" : s.includes("e") ? s : String(Number(s));
}

const pct = (x: number): string => {
  const p = Math.round(x * 1000) / 10;
  return `${p === 0 ? "0" : p.toFixed(1)}%`;
};

export async function writeReport(recordsIn: readonly PointRecord[], outDir: string, opts: ReportOptions = {}): Promise<ReportFiles> {
  const records = [...recordsIn].sort((a, b) => a.index - b.index || a.rep - b.rep);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, "results.csv");
  writeFileAtomic(csv, [resultsCsv(records)]);
  const longCsv = join(dir, "results-long.csv");
  writeFileAtomic(longCsv, [resultsLongCsv(records)]);
  const notes: string[] = [];

  const axes = axisNames(records);
  const metrics = opts.metrics ?? metricNames(records);
  const known = metricNames(records);
  for (const m of metrics) if (!known.includes(m)) throw new ReportError(`--metrics: "${m}" is not in the results; they have: ${known.join(", ")}`);
  for (const [flag, a] of [["--x", opts.x], ["--series", opts.series]] as const) {
    if (a !== undefined && !axes.includes(a)) throw new ReportError(`${flag}: "${a}" is not an axis of the results; they have: ${axes.length ? axes.join(", ") : "(no axes)"}`);
  }
  const varying = axes.filter((a) => axisValues(records, a).length > 1);
  const desc = new Map<string, AxisDescription>(axes.map((a) => [a, describeAxis(a, axisValues(records, a))]));
  // Default x: a numeric axis if there is one (lines read best over numbers), else the first.
  const x = opts.x ?? varying.find((a) => desc.get(a)!.scale !== "category") ?? varying[0] ?? axes[0];
  const series = opts.series ?? varying.find((a) => a !== x);
  if (series !== undefined && series === x) throw new ReportError(`--series: "${series}" is also the x axis; pick another axis`);
  const facets = varying.filter((a) => a !== x && a !== series);
  const completed = records.filter((r) => r.state === "completed");
  const errored = records.length - completed.length;
  const infos = new Map<string, MetricInfo>(metrics.map((m) => [m, metricInfo(m)]));

  // Main effects of every varying axis on every metric.
  const levelLabel = (r: PointRecord, a: string): string => String(axisLabel(r.axes[a]));
  const axisLevels = varying.map((a) => ({ name: a, levels: axisValues(records, a).map(String) }));
  const effects: MetricEffects[] = metrics.map((m) =>
    mainEffects(
      m,
      completed.filter((r) => typeof r.metrics[m] === "number").map((r) => ({ levels: Object.fromEntries(varying.map((a) => [a, levelLabel(r, a)])), value: r.metrics[m] as number })),
      axisLevels,
    ),
  );

  // Replications per cell (point without its seed): the smallest count decides about intervals.
  const cellKey = (r: PointRecord): string => axes.map((a) => `${a}=${levelLabel(r, a)}`).join("\u0000");
  const cellCounts = new Map<string, number>();
  for (const r of completed) cellCounts.set(cellKey(r), (cellCounts.get(cellKey(r)) ?? 0) + 1);
  const minN = cellCounts.size ? Math.min(...cellCounts.values()) : 0;
  const maxN = cellCounts.size ? Math.max(...cellCounts.values()) : 0;
  const nText = minN === maxN ? `n = ${minN}` : `n = ${minN} to ${maxN}`;
  if (minN > 0 && minN < MIN_CI_REPLICATIONS) {
    notes.push(`Only ${nText} replication${maxN === 1 ? "" : "s"} per point: points with fewer than ${MIN_CI_REPLICATIONS} show their values, not an interval. Raise the spec's replications for intervals.`);
  }

  // Group records by facet combination, then by (series, x), across replications.
  const facetKey = (r: PointRecord): string => facets.map((f) => `${f}=${axisLabel(r.axes[f])}`).join(", ");
  const facetKeys: string[] = [];
  for (const r of records) if (!facetKeys.includes(facetKey(r))) facetKeys.push(facetKey(r));
  const maxCharts = opts.maxCharts ?? 60;
  const sections: string[] = [];
  let charts = 0;
  let clippedCells = 0;
  const figures: ReportFigure[] = [];
  if (x === undefined) notes.push("The sweep has no axes: nothing to chart; see the CSV.");
  else {
    const xd = desc.get(x)!;
    const sd = series !== undefined ? desc.get(series)! : undefined;
    const xs = axisValues(records, x);
    for (const m of metrics) {
      const info = infos.get(m)!;
      for (const fk of facetKeys) {
        if (charts >= maxCharts) break;
        const groups = new Map<string, { x: string | number; series: string; vals: number[]; config: ResolvedConfig | null }>();
        for (const r of completed) {
          if (facetKey(r) !== fk) continue;
          const v = r.metrics[m];
          if (typeof v !== "number") continue;
          const xl = axisLabel(r.axes[x]);
          const sl = series === undefined ? info.label : String(axisLabel(r.axes[series]));
          const key = `${sl}\u0000${String(xl)}`;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { x: xl, series: sl, vals: [], config: (r.config as ResolvedConfig | undefined) ?? null }));
          g.vals.push(v);
        }
        if (groups.size === 0) continue;
        const data: SeriesPoint[] = [...groups.values()].map((g) => {
          const st = cellStats(g.vals, info.bounds(g.config));
          if (st.clipped) clippedCells++;
          return { x: g.x, series: g.series, mean: st.mean, lo: st.lo, hi: st.hi, n: st.n, values: g.vals };
        });
        const ns = data.map((d) => d.n);
        const lowN = Math.min(...ns);
        const chartN = lowN === Math.max(...ns) ? `n = ${lowN}` : `n = ${lowN} to ${Math.max(...ns)}`;
        const ciNote = lowN < MIN_CI_REPLICATIONS ? `${chartN} per point: each replication drawn (hollow), no interval` : `${chartN} per point: mean and 95% CI`;
        // The chart's y bounds: the loosest of its points' physical ranges.
        const bs = [...groups.values()].map((g) => info.bounds(g.config));
        const yLo = bs.every((b) => b[0] !== null) ? Math.min(...bs.map((b) => b[0]!)) : null;
        const yHi = bs.every((b) => b[1] !== null) ? Math.max(...bs.map((b) => b[1]!)) : null;
        const spec = metricChartSpec(data, {
          title: info.title,
          subtitle: [...(fk ? [fk] : []), ciNote],
          xTitle: xd.title,
          yTitle: info.title,
          ...(sd ? { legendTitle: sd.title } : {}),
          xScale: xd.scale,
          xOrder: xs,
          ...(series !== undefined ? { seriesOrder: axisValues(records, series).map(String) } : {}),
          yBounds: [yLo, yHi],
          yInteger: info.integer,
        });
        const svg = await renderSvg(spec);
        figures.push({ metric: m, facet: fk, bounds: [yLo, yHi], points: data, spec });
        const what = xd.scale === "category" ? "grouped points" : "lines";
        sections.push(
          `<figure>${svg}<figcaption>${esc(info.title)} against ${esc(xd.title)}${series ? `, one colour per ${esc(sd!.title)} (${what})` : ""}${fk ? ` at ${esc(fk)}` : ""}; ${esc(ciNote)}${lowN >= MIN_CI_REPLICATIONS ? "; intervals cut to the physical range" : ""}${xd.scale !== "category" && series ? "; series are drawn slightly apart sideways so that equal values stay visible" : ""}.</figcaption></figure>`,
        );
        charts++;
      }
    }
    if (charts >= maxCharts) notes.push(`Stopped at ${maxCharts} charts; choose --x/--series/--metrics to see others.`);
  }
  if (clippedCells > 0) notes.push(`${clippedCells} interval${clippedCells === 1 ? "" : "s"} reached past the metric's physical range (below zero, or above a link's goodput ceiling or a full VCPU) and ${clippedCells === 1 ? "was" : "were"} cut at the bound.`);

  // The main-effects summary: a table per metric (every axis ranked) and one heat map.
  let effectsHtml = "";
  const withEffects = effects.filter((e) => e.effects.length > 0);
  if (withEffects.length > 0) {
    const cells: EffectCell[] = [];
    const sources: string[] = [];
    for (const e of withEffects) {
      const col = infos.get(e.metric)!.label;
      for (const a of e.effects) {
        cells.push({ metric: col, source: a.axis, share: a.share });
        if (!sources.includes(a.axis)) sources.push(a.axis);
      }
    }
    const pairs: string[] = [];
    for (const e of withEffects) {
      for (const i of e.interactions) {
        const name = `${i.axes[0]} × ${i.axes[1]}`;
        if (!pairs.includes(name)) pairs.push(name);
      }
    }
    // Interactions of one metric's top pairs are shown for every metric that has them computed.
    for (const e of withEffects) {
      const col = infos.get(e.metric)!.label;
      for (const i of e.interactions) cells.push({ metric: col, source: `${i.axes[0]} × ${i.axes[1]}`, share: i.share });
    }
    sources.sort((a, b) => {
      const mean = (s: string): number => cells.filter((c) => c.source === s).reduce((t, c) => t + c.share, 0);
      return mean(b) - mean(a);
    });
    const heat = await effectsChart(cells, withEffects.map((e) => infos.get(e.metric)!.label), [...sources, ...pairs]);
    const tables = withEffects.map((e) => {
      const info = infos.get(e.metric)!;
      const unit = info.unit ? ` ${esc(info.unit)}` : "";
      const rows = e.effects.map((a, rank) => {
        const ordered = [...a.levelMeans].sort((p, q) => q.mean - p.mean);
        const hiL = ordered[0];
        const loL = ordered[ordered.length - 1];
        return `<tr><td>${rank + 1}</td><td>${esc(a.axis)}</td><td class="num">${esc(fmtNum(a.spread))}${unit}</td><td class="num">${esc(pct(a.share))}</td><td>${hiL ? `${esc(hiL.level)} (${esc(fmtNum(hiL.mean))})` : ""}</td><td>${loL ? `${esc(loL.level)} (${esc(fmtNum(loL.mean))})` : ""}</td></tr>`;
      });
      const inter = e.interactions.map((i) => `<tr class="pair"><td></td><td>${esc(i.axes[0])} × ${esc(i.axes[1])}</td><td class="num">(interaction)</td><td class="num">${esc(pct(i.share))}</td><td colspan="2"></td></tr>`);
      const resid = `<tr class="pair"><td></td><td>replications and the rest</td><td></td><td class="num">${esc(pct(e.residualShare))}</td><td colspan="2"></td></tr>`;
      return `<table class="effects"><caption>${esc(info.title)}: mean ${esc(fmtNum(e.mean))}${unit}, sd ${esc(fmtNum(e.sd))}, ${e.n} runs</caption><tr><th>rank</th><th>axis</th><th>effect (spread of axis-level means)</th><th>share of variance</th><th>highest level (mean)</th><th>lowest level (mean)</th></tr>${rows.join("")}${inter.join("")}${resid}</table>`;
    });
    effectsHtml = `<h2>Main effects</h2>
<p>For each metric, every axis is ranked by the share of the metric's variance it explains (the between-level sum of squares over the total, over all ${completed.length} completed runs); its effect is the spread between its highest and lowest level mean, in the metric's unit. Interactions are what the strongest pairs explain beyond their two main effects. Shares hold for the swept ranges only.</p>
<figure class="wide">${heat}</figure>
<div class="tables">${tables.join("\n")}</div>`;
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
    ["replications per point", cellCounts.size ? nText.replace("n = ", "") : String(reps)],
    ["axes", axes.map((a) => `${desc.get(a)!.title}: ${axisValues(records, a).length} ${desc.get(a)!.scale === "category" ? "categories" : "values"}`).join("; ") || "none"],
    ["sweep id", first?.sweep ?? ""],
    ["pvnetsim", first?.versions?.pvnetsim ?? ""],
  ];
  const errRows = records
    .filter((r) => r.state !== "completed")
    .slice(0, 50)
    .map((r) => `<tr><td>#${r.index}</td><td>${esc(JSON.stringify(r.axes))}</td><td>${esc(r.error ?? "")}</td></tr>`);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1500px}figure{display:inline-block;margin:0 1em 1.5em 0;vertical-align:top}figure.wide{display:block}figcaption{font-size:.85em;color:#555;max-width:520px}table{border-collapse:collapse;margin:0 1.5em 1em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;font-size:.9em}td.num{text-align:right;font-variant-numeric:tabular-nums}tr.pair td{color:#555;font-style:italic}caption{text-align:left;font-weight:600;padding:.3em 0}.tables{display:flex;flex-wrap:wrap;align-items:flex-start}.note{background:#fff6d5;border-left:4px solid #e0b000;padding:.4em .8em}</style>
</head><body>
<h1>${esc(title)}</h1>
<table>${summary.map(([k, v]) => `<tr><th>${esc(k!)}</th><td>${esc(v!)}</td></tr>`).join("")}</table>
<p>Data: <a href="results.csv">results.csv</a> (one row per point) and <a href="results-long.csv">results-long.csv</a> (one row per point and metric, with units).</p>
${notes.map((n) => `<p class="note">${esc(n)}</p>`).join("\n")}
${errRows.length ? `<h2>Errored points</h2><table><tr><th>point</th><th>axes</th><th>error</th></tr>${errRows.join("")}</table>` : ""}
${effectsHtml}
<h2>Charts</h2>
${sections.join("\n")}
</body></html>
`;
  const htmlPath = join(dir, "index.html");
  writeFileAtomic(htmlPath, [html]);
  return { csv, longCsv, html: htmlPath, charts, notes, effects, figures };
}
