// Sweep charts, as SVG through the shared renderer (src/report/charts.ts, vega-lite compiled and
// drawn headless, loaded when the first chart is drawn):
//   metricChart       a metric against one axis, one colour (and point shape) per value of a
//                     second axis. Numeric axes are lines over a quantitative scale (integer axes
//                     get integer ticks only); categorical axes are grouped points side by side,
//                     never joined by lines. Means carry their 95 % interval, already cut to the
//                     metric's physical range; below three replications there is no interval and
//                     the replications' own values are drawn instead.
//   effectsChart      the main-effects summary: for each metric, the share of its variance each
//                     axis (and each listed pair) explains, as a heat map with the figures in it.

import { renderSvg, type VegaLiteSpec } from "../report/charts.js";
import type { AxisScale } from "./metrics.js";

export interface SeriesPoint {
  x: number | string;
  series: string;
  mean: number;
  /** Interval (already clipped); null when there are too few replications for one. */
  lo: number | null;
  hi: number | null;
  n: number;
  /** The replications' values (drawn when there is no interval). */
  values: readonly number[];
}

export interface MetricChartOptions {
  title: string;
  subtitle?: string | string[];
  xTitle: string;
  yTitle: string;
  /** Legend title (the series axis); omitted with a single series: no legend. */
  legendTitle?: string;
  xScale: AxisScale;
  /** Order of x values and of series in the legend. */
  xOrder: readonly (number | string)[];
  seriesOrder?: readonly string[];
  /** Physical range of the metric: the y axis does not reach past it. */
  yBounds?: [number | null, number | null];
  /** Whole-number metric: integer ticks on y. */
  yInteger?: boolean;
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
/** Ten distinct, colour-blind-aware hues (Tableau 10), full strength in the legend. */
const SCHEME = "tableau10";
const SHAPES = [
  "circle",
  "square",
  "triangle-up",
  "diamond",
  "cross",
  "triangle-down",
  "triangle-left",
  "triangle-right",
  "stroke",
  "wedge",
];

/**
 * Y range fitted to what is drawn (means, intervals, raw values) with a margin, never past the
 * metric's physical bounds: sweep effects are often a few percent of the value, which a
 * zero-based axis would flatten, and an axis below zero for a count would suggest values there.
 */
export function fittedDomain(
  data: readonly SeriesPoint[],
  bounds: [number | null, number | null] = [null, null],
): [number, number] {
  const ys = data.flatMap((d) => [
    d.mean,
    ...(d.lo !== null ? [d.lo] : []),
    ...(d.hi !== null ? [d.hi] : []),
    ...d.values,
  ]);
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  const span = hi - lo || Math.abs(hi) * 0.02 || 1;
  lo -= 0.08 * span;
  hi += 0.08 * span;
  // The margin stops at a bound, but what is drawn always fits (a goodput measured over a short
  // interval may pass the long-run ceiling by what was buffered at its start).
  const [min, max] = bounds;
  if (min !== null) lo = Math.min(Math.max(lo, min), Math.min(...ys));
  if (max !== null) hi = Math.max(Math.min(hi, max), Math.max(...ys));
  if (!(hi > lo)) hi = lo + 1;
  return [lo, hi];
}

/** The Vega-Lite spec of a sweep metric chart (see the header). */
export function metricChartSpec(data: readonly SeriesPoint[], o: MetricChartOptions): VegaLiteSpec {
  const seriesOrder = o.seriesOrder ? [...o.seriesOrder] : [...new Set(data.map((d) => d.series))];
  const present = seriesOrder.filter((s) => data.some((d) => d.series === s));
  const categorical = o.xScale === "category";
  const xVals = o.xOrder.filter((v) => data.some((d) => d.x === v));
  // Numeric x: each series is moved sideways by a small fixed fraction of the x range so that
  // series with equal values stay visible side by side (the axis ticks stay at the true values).
  const numericXs = xVals.filter((v): v is number => typeof v === "number");
  const xRange = numericXs.length > 1 ? Math.max(...numericXs) - Math.min(...numericXs) : 1;
  const dodge = (d: { x: number | string; series: string }): number | string => {
    if (categorical) return String(d.x);
    const i = present.indexOf(d.series);
    return (d.x as number) + (present.length > 1 ? (i - (present.length - 1) / 2) * 0.012 * xRange : 0);
  };
  const rows = data.map((d) => ({ x: dodge(d), at: d.x, series: d.series, mean: d.mean, lo: d.lo, hi: d.hi, n: d.n }));
  const raw = data
    .filter((d) => d.lo === null && d.n > 1)
    .flatMap((d) => d.values.map((v) => ({ x: dodge(d), series: d.series, value: v })));
  const legend = o.legendTitle !== undefined && present.length > 1;
  const color = {
    field: "series",
    type: "nominal",
    title: o.legendTitle ?? "",
    sort: present,
    scale: { scheme: SCHEME, domain: present },
    legend: legend
      ? { orient: "right", labelLimit: 320, titleLimit: 320, symbolOpacity: 1, symbolStrokeWidth: 2, symbolSize: 80 }
      : null,
  };
  // The other layers share the scale but leave the legend to the mean points (full-strength swatches).
  const colorPlain = { field: "series", type: "nominal", sort: present, scale: color.scale };
  const shape = {
    field: "series",
    type: "nominal",
    title: o.legendTitle ?? "",
    sort: present,
    scale: { domain: present, range: SHAPES.slice(0, Math.max(1, present.length)) },
    legend: legend ? {} : null,
  };
  const integerX = o.xScale === "integer";
  const x = categorical
    ? {
        field: "x",
        type: "nominal",
        title: o.xTitle,
        sort: xVals.map(String),
        axis: { labelAngle: 0, labelLimit: 160 },
      }
    : {
        field: "x",
        type: "quantitative",
        title: o.xTitle,
        scale: { zero: false, nice: false, padding: 16 },
        axis: integerX ? { values: xVals, format: "d" } : {},
      };
  const xOffset =
    categorical && present.length > 1
      ? { xOffset: { field: "series", type: "nominal", sort: present, scale: { paddingOuter: 0.3 } } }
      : {};
  const yDomain = fittedDomain(data, o.yBounds);
  const yAxis = o.yInteger ? { format: "d", tickMinStep: 1 } : {};
  const y = {
    field: "mean",
    type: "quantitative",
    title: o.yTitle,
    scale: { domain: yDomain, zero: false, nice: false },
    axis: yAxis,
  };
  const layers: Record<string, unknown>[] = [];
  const withCi = rows.some((r) => r.lo !== null);
  if (withCi) {
    const ci = { x, ...xOffset, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color: colorPlain };
    layers.push(
      categorical
        ? {
            transform: [{ filter: "isValid(datum.lo)" }],
            mark: { type: "errorbar", ticks: { size: 6 }, thickness: 1.5 },
            encoding: ci,
          }
        : { transform: [{ filter: "isValid(datum.lo)" }], mark: { type: "area", opacity: 0.14 }, encoding: ci },
    );
  }
  if (raw.length) {
    layers.push({
      data: { values: raw },
      mark: { type: "point", filled: false, size: 28, opacity: 0.75, strokeWidth: 1 },
      encoding: { x, ...xOffset, y: { field: "value", type: "quantitative" }, color: colorPlain },
    });
  }
  if (!categorical) {
    const dashes = [
      [1, 0],
      [6, 3],
      [2, 2],
      [8, 3, 2, 3],
      [4, 4],
      [10, 2],
      [2, 5],
      [12, 4, 2, 4],
      [3, 1],
      [6, 6],
    ];
    layers.push({
      mark: { type: "line", strokeWidth: 2 },
      encoding: {
        x,
        y,
        color: colorPlain,
        strokeDash: {
          field: "series",
          type: "nominal",
          sort: present,
          scale: { domain: present, range: dashes.slice(0, Math.max(1, present.length)) },
          legend: null,
        },
      },
    });
  }
  layers.push({
    mark: { type: "point", filled: true, size: 70, opacity: 1 },
    encoding: {
      x,
      ...xOffset,
      y,
      color,
      shape,
      tooltip: [
        { field: "series", title: o.legendTitle ?? "series" },
        { field: "at", title: o.xTitle },
        { field: "mean", title: "mean", format: ".4~g" },
        { field: "lo", title: "95% CI low", format: ".4~g" },
        { field: "hi", title: "95% CI high", format: ".4~g" },
        { field: "n", title: "replications" },
      ],
    },
  });
  const subtitle = o.subtitle === undefined ? undefined : Array.isArray(o.subtitle) ? o.subtitle : [o.subtitle];
  const width = categorical ? Math.max(360, xVals.length * Math.max(70, 26 * present.length + 20)) : 420;
  return {
    $schema: SCHEMA,
    title:
      subtitle && subtitle.length
        ? { text: o.title, subtitle, anchor: "start", subtitleColor: "#444" }
        : { text: o.title, anchor: "start" },
    width,
    height: 260,
    data: { values: rows },
    layer: layers,
    config: { font: "sans-serif" },
  };
}

/** SVG of a sweep metric chart. */
export function metricChart(data: readonly SeriesPoint[], o: MetricChartOptions): Promise<string> {
  return renderSvg(metricChartSpec(data, o));
}

export interface EffectCell {
  /** Column: the metric's title. */
  metric: string;
  /** Row: an axis, or "a × b" for an interaction. */
  source: string;
  share: number;
}

/** Heat map of variance shares: rows are axes (then interactions), columns metrics. */
export function effectsChartSpec(
  cells: readonly EffectCell[],
  metricOrder: readonly string[],
  sourceOrder: readonly string[],
): VegaLiteSpec {
  const x = {
    field: "metric",
    type: "nominal",
    title: null,
    sort: [...metricOrder],
    axis: { orient: "top", labelAngle: -30, labelAlign: "left", labelLimit: 0 },
  };
  const y = { field: "source", type: "nominal", title: null, sort: [...sourceOrder], axis: { labelLimit: 0 } };
  return {
    $schema: SCHEMA,
    title: {
      text: "What moves each metric: share of its variance explained",
      anchor: "start",
      subtitle: ["by each axis (main effect) and by the strongest pairs beyond their main effects (a × b)"],
      subtitleColor: "#444",
    },
    width: Math.max(300, metricOrder.length * 90),
    height: Math.max(60, sourceOrder.length * 28),
    data: { values: cells.map((c) => ({ ...c })) },
    layer: [
      {
        mark: { type: "rect", stroke: "white", strokeWidth: 1 },
        encoding: {
          x,
          y,
          color: {
            field: "share",
            type: "quantitative",
            title: "share of variance",
            scale: { domain: [0, 1], scheme: "blues" },
            legend: { format: ".0%", gradientLength: 120 },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: {
          x,
          y,
          text: { field: "share", type: "quantitative", format: ".0%" },
          color: { condition: { test: "datum.share > 0.55", value: "white" }, value: "#111" },
        },
      },
    ],
    config: { font: "sans-serif", view: { stroke: null } },
  };
}

export function effectsChart(
  cells: readonly EffectCell[],
  metricOrder: readonly string[],
  sourceOrder: readonly string[],
): Promise<string> {
  return renderSvg(effectsChartSpec(cells, metricOrder, sourceOrder));
}
