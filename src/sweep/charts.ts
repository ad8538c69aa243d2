// Sweep charts: a metric against one axis, one line per value of a second axis, with 95 %
// confidence intervals from replications. Specs are Vega-Lite, compiled to Vega and rendered
// headless to SVG with View.toSVG() (no browser, no canvas).
// (src/report/charts.ts, the reproduce command's helpers, did not exist when this was written.)

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export interface SeriesPoint {
  x: number | string;
  series: string;
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  /** Legend title; omit for a single line. */
  seriesTitle?: string;
  /** Quantitative x (numbers) or ordinal x (labels, in the given order). */
  xOrder?: (number | string)[];
  /** Series in legend and colour order (default: as they come). */
  seriesOrder?: string[];
  width?: number;
  height?: number;
}

/** The Vega-Lite spec of a line chart with a CI band (or error bars for ordinal x). */
export function lineChartSpec(data: SeriesPoint[], o: LineChartOptions): TopLevelSpec {
  const quantitative = data.every((d) => typeof d.x === "number");
  const x = quantitative
    ? { field: "x", type: "quantitative" as const, title: o.xTitle, scale: { zero: false } }
    : { field: "x", type: "ordinal" as const, title: o.xTitle, ...(o.xOrder ? { sort: o.xOrder.map(String) } : {}) };
  const values = quantitative ? data : data.map((d) => ({ ...d, x: String(d.x) }));
  const color = o.seriesTitle
    ? {
        field: "series",
        type: "nominal" as const,
        title: o.seriesTitle,
        scale: { domain: o.seriesOrder ?? [...new Set(data.map((d) => d.series))] },
        legend: { titleLimit: 400, labelLimit: 300 },
      }
    : { value: "#4c78a8" };
  const withCi = data.some((d) => d.n > 1);
  const layers: TopLevelSpec[] = [];
  const interval = quantitative
    ? { mark: { type: "area" as const, opacity: 0.18 }, encoding: { x, y: { field: "lo", type: "quantitative" as const }, y2: { field: "hi" }, color } }
    : { mark: { type: "rule" as const }, encoding: { x, y: { field: "lo", type: "quantitative" as const }, y2: { field: "hi" }, color } };
  if (withCi) layers.push(interval as unknown as TopLevelSpec);
  layers.push({
    mark: { type: "line", point: true },
    encoding: {
      x,
      y: { field: "mean", type: "quantitative", title: o.yTitle, scale: { zero: false } },
      color,
      tooltip: [{ field: "x" }, { field: "series" }, { field: "mean", format: ".4g" }, { field: "lo", format: ".4g" }, { field: "hi", format: ".4g" }, { field: "n" }],
    },
  } as unknown as TopLevelSpec);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title,
    width: o.width ?? 420,
    height: o.height ?? 260,
    data: { values },
    layer: layers,
  } as unknown as TopLevelSpec;
}

/** Renders a Vega-Lite spec to an SVG string, headless. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
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
