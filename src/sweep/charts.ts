// Sweep charts: a metric against one axis, one line per value of a second axis, with 95 %
// confidence intervals from replications. Drawing is the shared Vega-Lite -> SVG helper
// (src/report/charts.ts, rendered headless by vega's View.toSVG()); this file only aggregates
// replications and chooses the scales.

import { lineChart } from "../report/charts.js";

export interface SeriesPoint {
  x: number | string;
  series: string;
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

export interface MetricChartOptions {
  title: string;
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  /** Legend title (the series axis, or the metric for a single line). */
  legendTitle: string;
  /** Order of x labels (ordinal x) and of series in the legend. */
  xOrder?: (number | string)[];
  seriesOrder?: string[];
}

/** Two-sided 95 % Student-t quantile for `df` degrees of freedom. */
export function t95(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  if (df < 1) return NaN;
  if (df <= table.length) return table[df - 1]!;
  if (df <= 60) return 2.0;
  return 1.96;
}

/** Mean and 95 % confidence interval (t distribution) of replications. */
export function meanCi(xs: readonly number[]): { mean: number; lo: number; hi: number; n: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, lo: mean, hi: mean, n };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const h = t95(n - 1) * (sd / Math.sqrt(n));
  return { mean, lo: mean - h, hi: mean + h, n };
}

/**
 * Y range fitted to the data (means and intervals) with a margin: sweep effects are often a few
 * percent of the value, which a zero-based axis would flatten.
 */
export function fittedDomain(data: readonly SeriesPoint[]): [number, number] {
  const lo = Math.min(...data.map((d) => d.lo));
  const hi = Math.max(...data.map((d) => d.hi));
  const span = hi - lo || Math.abs(hi) * 0.02 || 1;
  return [lo - 0.08 * span, hi + 0.08 * span];
}

/** SVG of one metric chart: line per series over x, CI band (numeric x) or error bars (labels). */
export function metricChart(data: readonly SeriesPoint[], o: MetricChartOptions): Promise<string> {
  const order = o.seriesOrder ?? [...new Set(data.map((d) => d.series))];
  const rank = (s: string): number => {
    const i = order.indexOf(s);
    return i < 0 ? order.length : i;
  };
  const sorted = [...data].sort((a, b) => rank(a.series) - rank(b.series));
  const withCi = data.some((d) => d.n > 1);
  const quantitative = data.every((d) => typeof d.x === "number");
  return lineChart({
    title: o.title,
    ...(o.subtitle ? { subtitle: o.subtitle } : {}),
    xTitle: o.xTitle,
    yTitle: o.yTitle,
    legendTitle: o.legendTitle,
    yDomain: fittedDomain(data),
    data: sorted.map((d) => ({ x: d.x, series: d.series, y: d.mean, ...(withCi ? { low: d.lo, high: d.hi } : {}) })),
    interval: quantitative ? "band" : "bars",
    ...(o.xOrder ? { xOrder: o.xOrder } : {}),
  });
}
