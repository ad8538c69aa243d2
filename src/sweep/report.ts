// `pvnetsim report`: what a sweep found, on one page.
//   results.csv       one row per point (axes and metrics as columns);
//   results-long.csv  one row per point and metric: point, axes, metric, value, unit;
//   index.html        first the main-effects summary (which axis moves which metric, as a table
//                     and a heat map), then each metric against an axis, one colour per value of a
//                     second axis, remaining axes with several values giving one chart per
//                     combination. Titles and axes carry units; intervals are 95 % t intervals of
//                     the replications, cut to the metric's physical range, and below three
//                     replications the values themselves are drawn with a note saying n.
// This file decides what the page shows (which axis goes where, the metric charts and the notes);
// csv.ts writes the tables, report-effects.ts the main-effects section, report-page.ts the page.

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ResolvedConfig } from "../config/schema.js";
import { renderSvg, type VegaLiteSpec } from "../report/charts.js";
import { cellStats, MIN_CI_REPLICATIONS, mainEffects, type MetricEffects } from "./analysis.js";
import { writeFileAtomic } from "./atomic.js";
import { metricChartSpec, type SeriesPoint } from "./charts.js";
import { axisLabel, axisNames, axisValues, metricNames, resultsCsv, resultsLongCsv } from "./csv.js";
import { type AxisDescription, describeAxis, type MetricInfo, metricInfo } from "./metrics.js";
import type { PointRecord } from "./records.js";
import { effectsSection } from "./report-effects.js";
import { esc, reportPage } from "./report-page.js";

export { axisLabel, resultsCsv, resultsLongCsv } from "./csv.js";
export { fmtNum } from "./report-effects.js";

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

/** What the charts are drawn over: the axes' roles and descriptions, and the records. */
interface ChartPlan {
  records: PointRecord[];
  completed: PointRecord[];
  metrics: string[];
  infos: Map<string, MetricInfo>;
  desc: Map<string, AxisDescription>;
  x: string;
  series: string | undefined;
  facets: string[];
  maxCharts: number;
}

/** The metric charts: one per metric and facet combination, up to maxCharts, with their captions. */
async function metricCharts(c: ChartPlan, notes: string[]): Promise<{ sections: string[]; figures: ReportFigure[] }> {
  const { records, completed, x, series, facets } = c;
  // Group records by facet combination, then by (series, x), across replications.
  const facetKey = (r: PointRecord): string => facets.map((f) => `${f}=${axisLabel(r.axes[f])}`).join(", ");
  const facetKeys: string[] = [];
  for (const r of records) if (!facetKeys.includes(facetKey(r))) facetKeys.push(facetKey(r));
  const sections: string[] = [];
  const figures: ReportFigure[] = [];
  let clippedCells = 0;
  const xd = c.desc.get(x)!;
  const sd = series !== undefined ? c.desc.get(series)! : undefined;
  const xs = axisValues(records, x);
  for (const m of c.metrics) {
    const info = c.infos.get(m)!;
    for (const fk of facetKeys) {
      if (sections.length >= c.maxCharts) break;
      type Group = { x: string | number; series: string; vals: number[]; config: ResolvedConfig | null };
      const groups = new Map<string, Group>();
      for (const r of completed) {
        if (facetKey(r) !== fk) continue;
        const v = r.metrics[m];
        if (typeof v !== "number") continue;
        const xl = axisLabel(r.axes[x]);
        const sl = series === undefined ? info.label : String(axisLabel(r.axes[series]));
        const key = `${sl}\u0000${String(xl)}`;
        let g = groups.get(key);
        if (!g) {
          g = { x: xl, series: sl, vals: [], config: (r.config as ResolvedConfig | undefined) ?? null };
          groups.set(key, g);
        }
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
      const ciNote =
        lowN < MIN_CI_REPLICATIONS
          ? `${chartN} per point: each replication drawn (hollow), no interval`
          : `${chartN} per point: mean and 95% CI`;
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
      const caption =
        `${esc(info.title)} against ${esc(xd.title)}` +
        (series ? `, one colour per ${esc(sd!.title)} (${what})` : "") +
        (fk ? ` at ${esc(fk)}` : "") +
        `; ${esc(ciNote)}` +
        (lowN >= MIN_CI_REPLICATIONS ? "; intervals cut to the physical range" : "") +
        (xd.scale !== "category" && series
          ? "; series are drawn slightly apart sideways so that equal values stay visible"
          : "");
      sections.push(`<figure>${svg}<figcaption>${caption}.</figcaption></figure>`);
    }
  }
  if (sections.length >= c.maxCharts) {
    notes.push(`Stopped at ${c.maxCharts} charts; choose --x/--series/--metrics to see others.`);
  }
  if (clippedCells > 0) {
    notes.push(
      `${clippedCells} interval${clippedCells === 1 ? "" : "s"} reached past the metric's physical range ` +
        `(below zero, or above a link's goodput ceiling or a full VCPU) and ` +
        `${clippedCells === 1 ? "was" : "were"} cut at the bound.`,
    );
  }
  return { sections, figures };
}

/** Writes results.csv, results-long.csv and index.html for the records into outDir. */
export async function writeReport(
  recordsIn: readonly PointRecord[],
  outDir: string,
  opts: ReportOptions = {},
): Promise<ReportFiles> {
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
  for (const m of metrics) {
    if (!known.includes(m)) {
      throw new ReportError(`--metrics: "${m}" is not in the results; they have: ${known.join(", ")}`);
    }
  }
  for (const [flag, a] of [
    ["--x", opts.x],
    ["--series", opts.series],
  ] as const) {
    if (a !== undefined && !axes.includes(a)) {
      const have = axes.length ? axes.join(", ") : "(no axes)";
      throw new ReportError(`${flag}: "${a}" is not an axis of the results; they have: ${have}`);
    }
  }
  const varying = axes.filter((a) => axisValues(records, a).length > 1);
  const desc = new Map<string, AxisDescription>(axes.map((a) => [a, describeAxis(a, axisValues(records, a))]));
  // Default x: a numeric axis if there is one (lines read best over numbers), else the first.
  const x = opts.x ?? varying.find((a) => desc.get(a)!.scale !== "category") ?? varying[0] ?? axes[0];
  const series = opts.series ?? varying.find((a) => a !== x);
  if (series !== undefined && series === x) {
    throw new ReportError(`--series: "${series}" is also the x axis; pick another axis`);
  }
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
      completed
        .filter((r) => typeof r.metrics[m] === "number")
        .map((r) => ({
          levels: Object.fromEntries(varying.map((a) => [a, levelLabel(r, a)])),
          value: r.metrics[m] as number,
        })),
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
    notes.push(
      `Only ${nText} replication${maxN === 1 ? "" : "s"} per point: points with fewer than ` +
        `${MIN_CI_REPLICATIONS} show their values, not an interval. Raise the spec's replications for intervals.`,
    );
  }

  const maxCharts = opts.maxCharts ?? 60;
  const { sections, figures } =
    x === undefined
      ? { sections: [], figures: [] }
      : await metricCharts({ records, completed, metrics, infos, desc, x, series, facets, maxCharts }, notes);
  if (x === undefined) notes.push("The sweep has no axes: nothing to chart; see the CSV.");

  // The main-effects summary: a table per metric (every axis ranked) and one heat map.
  const effectsHtml = await effectsSection(effects, infos, completed.length);

  const first = records[0];
  const total = first?.of ?? 0;
  const missing = total - new Set(records.map((r) => r.index)).size;
  const title = first ? `Sweep ${first.name}` : "Sweep (no results)";
  const reps = Math.max(0, ...records.map((r) => r.rep + 1));
  const axisList = axes.map((a) => {
    const d = desc.get(a)!;
    return `${d.title}: ${axisValues(records, a).length} ${d.scale === "category" ? "categories" : "values"}`;
  });
  const summary: [string, string][] = [
    ["points in the sweep", String(total)],
    ["results", String(records.length)],
    ["completed", String(completed.length)],
    ["errored", String(errored)],
    ["missing", String(missing)],
    ["replications per point", cellCounts.size ? nText.replace("n = ", "") : String(reps)],
    ["axes", axisList.join("; ") || "none"],
    ["sweep id", first?.sweep ?? ""],
    ["pvnetsim", first?.versions?.pvnetsim ?? ""],
  ];
  const errRows = records
    .filter((r) => r.state !== "completed")
    .slice(0, 50)
    .map((r) => `<tr><td>#${r.index}</td><td>${esc(JSON.stringify(r.axes))}</td><td>${esc(r.error ?? "")}</td></tr>`);
  const html = reportPage({ title, summary, notes, errRows, effectsHtml, sections });
  const htmlPath = join(dir, "index.html");
  writeFileAtomic(htmlPath, [html]);
  return { csv, longCsv, html: htmlPath, charts: sections.length, notes, effects, figures };
}
