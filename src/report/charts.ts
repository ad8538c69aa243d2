// SVG charts for reports, drawn with a real chart library: each helper builds a Vega-Lite spec,
// compiles it to Vega (vega-lite `compile`) and renders it headless to an SVG string
// (`new vega.View(vega.parse(spec), { renderer: "none" }).toSVG()`). No DOM, no canvas, no
// browser: the same call works in Node, in workers and in a browser.
//
// Every chart has a title, axis titles (callers put the unit in them, e.g. "throughput (Gb/s)")
// and a colour legend, because a chart without those cannot be read on its own. The helpers are
// generic (categories, series, values, optional intervals and reference marks) so that any report
// (reproduce, sweeps) can use them:
//
//   barChart        simple or grouped bars, optional error bars, optional reference marks
//                   (per-category ticks such as published values, or chart-wide rules such as a
//                   link ceiling), all in one legend;
//   stackedBarChart bars stacked by a component (e.g. CPU time by kernel component);
//   lineChart       one line per series over a quantitative (or ordinal) x, with error bars or
//                   bands.
//
// Each has a `...Spec` twin returning the Vega-Lite spec, for callers that embed interactive
// charts (vega-embed) or want to adjust a spec before rendering it with `renderSvg`.

//
// vega and vega-lite are loaded on the first render, not when this module is imported: they take
// most of a second to load, and commands and library users that do not draw never need them. They
// are optional dependencies of the package: an install without them (`npm install --omit=optional`)
// runs everything but drawing, which fails with one line that says what to install.

import type { TopLevelSpec } from "vega-lite";

type ChartStack = {
  compile: typeof import("vega-lite").compile;
  View: typeof import("vega").View;
  parse: typeof import("vega").parse;
};
let chartStack: Promise<ChartStack> | null = null;

/** The versions the package pins (package.json optionalDependencies). */
const CHART_PACKAGES = "vega@~6.4.0 vega-lite@~6.4.0";

/** Imports vega and vega-lite once per process. */
function loadChartStack(): Promise<ChartStack> {
  chartStack ??= Promise.all([import("vega-lite"), import("vega")]).then(
    ([vl, vg]) => ({ compile: vl.compile, View: vg.View, parse: vg.parse }),
    (e: NodeJS.ErrnoException) => {
      chartStack = null;
      if (e.code === "ERR_MODULE_NOT_FOUND") {
        throw new Error(
          `drawing charts needs the optional packages vega and vega-lite, which are not installed; run: npm ` +
            `install ${CHART_PACKAGES}`,
        );
      }
      throw e;
    },
  );
  return chartStack;
}

export type {
  VegaLiteSpec,
  ChartBase,
  ReferenceMark,
  BarDatum,
  BarChartOptions,
  StackedDatum,
  StackedBarChartOptions,
  LineDatum,
  LineChartOptions,
} from "./chart-types.js";
import type {
  VegaLiteSpec,
  ChartBase,
  ReferenceMark,
  BarChartOptions,
  StackedBarChartOptions,
  LineChartOptions,
} from "./chart-types.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const LEGEND_FIELD = "legend";

/** Renders any Vega-Lite spec to an SVG string (headless). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { compile, View, parse } = await loadChartStack();
  const vg = compile(spec as unknown as TopLevelSpec).spec;
  const view = new View(parse(vg), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function uniq(xs: Iterable<string>): string[] {
  return [...new Set(xs)];
}

function titleOf(o: ChartBase): Record<string, unknown> {
  return o.subtitle ? { text: o.title, subtitle: o.subtitle, anchor: "start" } : { text: o.title, anchor: "start" };
}

/** One colour scale for every layer, so bars, ticks and rules share one legend. */
function colorScale(domain: readonly string[], colors?: Readonly<Record<string, string>>): Record<string, unknown> {
  const scale: Record<string, unknown> = { domain: [...domain] };
  if (colors && domain.every((d) => colors[d] !== undefined)) scale["range"] = domain.map((d) => colors[d]);
  return scale;
}

/** The colour encoding every chart uses: one legend on the right for series and reference marks. */
function legendColor(o: ChartBase & { colors?: Readonly<Record<string, string>> }, domain: readonly string[]) {
  const scale = colorScale(domain, o.colors);
  return { field: LEGEND_FIELD, type: "nominal", title: o.legendTitle, scale, legend: LEGEND };
}

const LEGEND = { orient: "right", labelLimit: 320, titleLimit: 320 };

function yScale(o: ChartBase): Record<string, unknown> {
  return o.yDomain ? { domain: o.yDomain, zero: false, nice: false } : { zero: true };
}

function yAxis(o: ChartBase): Record<string, unknown> {
  return o.yFormat ? { format: o.yFormat } : {};
}

function checkFinite(what: string, xs: Iterable<number | undefined>): void {
  for (const x of xs)
    if (x !== undefined && !Number.isFinite(x)) throw new RangeError(`${what}: non-finite value ${x}`);
}

/** Vega-Lite spec of a (grouped) bar chart with optional error bars and reference marks. */
export function barChartSpec(o: BarChartOptions): VegaLiteSpec {
  checkFinite(
    `${o.title}: bar values`,
    o.data.flatMap((d) => [d.value, d.low, d.high]),
  );
  const seriesLabel = o.seriesLabel ?? "value";
  const rows = o.data.map((d) => ({ ...d, [LEGEND_FIELD]: d.series ?? seriesLabel }));
  const categories = o.categories ? [...o.categories] : uniq(o.data.map((d) => d.category));
  const series = uniq(rows.map((r) => r[LEGEND_FIELD]));
  const refs = o.references ?? [];
  const refLabels = uniq(refs.map((r) => r.label));
  const color = legendColor(o, [...series, ...refLabels]);
  const grouped = series.length > 1;
  const x = {
    field: "category",
    type: "nominal",
    title: o.xTitle,
    sort: categories,
    axis: { labelAngle: 0, labelLimit: 140 },
  };
  const y = { field: "value", type: "quantitative", title: o.yTitle, scale: yScale(o), axis: yAxis(o) };
  const xOffset = grouped ? { xOffset: { field: LEGEND_FIELD, type: "nominal", sort: series } } : {};
  const layers: Record<string, unknown>[] = [
    { mark: { type: "bar", opacity: 0.85 }, encoding: { x, y, color, ...xOffset } },
  ];
  if (rows.some((r) => r.low !== undefined && r.high !== undefined)) {
    layers.push({
      transform: [{ filter: "isValid(datum.low) && isValid(datum.high)" }],
      mark: { type: "rule", color: "#222", strokeWidth: 1.5 },
      encoding: { x, ...xOffset, y: { field: "low", type: "quantitative" }, y2: { field: "high" } },
    });
  }
  if (o.valueLabels) {
    // Inside the bar, at its foot: never collides with error bars or reference marks.
    layers.push({
      mark: { type: "text", dy: -5, baseline: "bottom", fontSize: 11, fontWeight: "bold", color: "white" },
      encoding: {
        x,
        ...xOffset,
        y: { value: { expr: "height" } },
        text: { field: "value", type: "quantitative", format: o.valueLabels },
      },
    });
  }
  const ticks = refs.filter((r) => r.category !== undefined);
  const rules = refs.filter((r) => r.category === undefined);
  if (ticks.length) {
    layers.push({
      data: {
        values: ticks.map((r) => ({
          category: r.category,
          value: r.value,
          [LEGEND_FIELD]: r.label,
          text: r.text ?? "",
        })),
      },
      mark: { type: "tick", thickness: 3, size: 46 },
      encoding: { x, y: { field: "value", type: "quantitative" }, color },
    });
    if (ticks.some((r) => r.text)) {
      layers.push({
        data: { values: ticks.map((r) => ({ category: r.category, value: r.value, text: r.text ?? "" })) },
        mark: { type: "text", align: "center", baseline: "bottom", dy: -3, fontSize: 10 },
        encoding: { x, y: { field: "value", type: "quantitative" }, text: { field: "text" } },
      });
    }
  }
  if (rules.length) layers.push(...ruleLayers(rules, color));
  return {
    $schema: SCHEMA,
    title: titleOf(o),
    width: o.width ?? Math.max(320, categories.length * (grouped ? 30 * series.length + 30 : 110)),
    height: o.height ?? 300,
    data: { values: rows },
    layer: layers,
    config: { font: "sans-serif" },
  };
}

function ruleLayers(rules: readonly ReferenceMark[], color: Record<string, unknown>): Record<string, unknown>[] {
  const values = rules.map((r) => ({ value: r.value, [LEGEND_FIELD]: r.label, text: r.text ?? "" }));
  const out: Record<string, unknown>[] = [
    {
      data: { values },
      mark: { type: "rule", strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { y: { field: "value", type: "quantitative" }, color },
    },
  ];
  if (rules.some((r) => r.text)) {
    out.push({
      data: { values },
      mark: { type: "text", align: "right", baseline: "bottom", dy: -2, fontSize: 10 },
      encoding: {
        y: { field: "value", type: "quantitative" },
        x: { value: { expr: "width" } },
        text: { field: "text" },
      },
    });
  }
  return out;
}

/** Vega-Lite spec of a stacked bar chart (one bar per category, stacked by `stack`). */
export function stackedBarChartSpec(o: StackedBarChartOptions): VegaLiteSpec {
  checkFinite(
    `${o.title}: stacked values`,
    o.data.map((d) => d.value),
  );
  const categories = o.categories ? [...o.categories] : uniq(o.data.map((d) => d.category));
  const stacks = o.stackOrder ? [...o.stackOrder] : uniq(o.data.map((d) => d.stack));
  const refs = o.references ?? [];
  const refLabels = uniq(refs.map((r) => r.label));
  const order = new Map(stacks.map((s, i) => [s, i]));
  const rows = o.data.map((d) => ({ ...d, [LEGEND_FIELD]: d.stack, stackIndex: order.get(d.stack) ?? stacks.length }));
  const color = legendColor(o, [...stacks, ...refLabels]);
  const x = {
    field: "category",
    type: "nominal",
    title: o.xTitle,
    sort: categories,
    axis: { labelAngle: o.panelTitle === undefined ? 0 : -90 },
  };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: "bar" },
      encoding: {
        x,
        y: { field: "value", type: "quantitative", title: o.yTitle, stack: "zero", scale: yScale(o), axis: yAxis(o) },
        color,
        order: { field: "stackIndex", type: "quantitative", sort: "ascending" },
      },
    },
  ];
  const ticks = refs.filter((r) => r.category !== undefined);
  if (ticks.length) {
    layers.push({
      data: { values: ticks.map((r) => ({ category: r.category, value: r.value, [LEGEND_FIELD]: r.label })) },
      mark: { type: "tick", thickness: 3 },
      encoding: { x, y: { field: "value", type: "quantitative" }, color },
    });
  }
  const rules = refs.filter((r) => r.category === undefined);
  if (rules.length) layers.push(...ruleLayers(rules, color));
  if (o.panelTitle !== undefined) {
    if (refs.length) throw new RangeError(`${o.title}: reference marks are not supported with panels`);
    const panels = o.panels ? [...o.panels] : uniq(o.data.map((d) => d.panel ?? ""));
    return {
      $schema: SCHEMA,
      title: titleOf(o),
      data: { values: rows.map((r) => ({ ...r, panel: r.panel ?? "" })) },
      facet: {
        field: "panel",
        type: "nominal",
        title: o.panelTitle,
        sort: panels,
        header: { labelFontSize: 11, titleFontSize: 12 },
      },
      columns: o.columns ?? panels.length,
      spec: { width: o.width ?? Math.max(160, categories.length * 26), height: o.height ?? 220, layer: layers },
      config: { font: "sans-serif" },
    };
  }
  return {
    $schema: SCHEMA,
    title: titleOf(o),
    width: o.width ?? Math.max(240, categories.length * 48),
    height: o.height ?? 260,
    data: { values: rows },
    layer: layers,
    config: { font: "sans-serif" },
  };
}

/** Vega-Lite spec of a line chart with optional error bars or bands. */
export function lineChartSpec(o: LineChartOptions): VegaLiteSpec {
  const quantitative = o.data.every((d) => typeof d.x === "number");
  checkFinite(
    `${o.title}: line values`,
    o.data.flatMap((d) => [quantitative ? (d.x as number) : undefined, d.y, d.low, d.high]),
  );
  const series = uniq(o.data.map((d) => d.series));
  const refs = o.references ?? [];
  const refLabels = uniq(refs.map((r) => r.label));
  const rows = o.data.map((d) => ({ ...d, x: quantitative ? d.x : String(d.x), [LEGEND_FIELD]: d.series }));
  const color = legendColor(o, [...series, ...refLabels]);
  const xScale: Record<string, unknown> = o.xLog ? { type: "log" } : { zero: false };
  if (o.xDomain) xScale["domain"] = o.xDomain;
  const x = quantitative
    ? { field: "x", type: "quantitative", title: o.xTitle, scale: xScale, axis: o.xFormat ? { format: o.xFormat } : {} }
    : {
        field: "x",
        type: "ordinal",
        title: o.xTitle,
        sort: (o.xOrder ?? uniq(rows.map((r) => r.x as string))).map(String),
        axis: { labelAngle: 0 },
      };
  const y = { field: "y", type: "quantitative", title: o.yTitle, scale: yScale(o), axis: yAxis(o) };
  const layers: Record<string, unknown>[] = [];
  if (rows.some((r) => r.low !== undefined && r.high !== undefined)) {
    const ie = { x, y: { field: "low", type: "quantitative" }, y2: { field: "high" }, color };
    layers.push(
      o.interval === "band"
        ? {
            transform: [{ filter: "isValid(datum.low) && isValid(datum.high)" }],
            mark: { type: "area", opacity: 0.2 },
            encoding: ie,
          }
        : {
            transform: [{ filter: "isValid(datum.low) && isValid(datum.high)" }],
            mark: { type: "rule", strokeWidth: 1.5 },
            encoding: ie,
          },
    );
  }
  layers.push({ mark: { type: "line", point: o.points ?? true }, encoding: { x, y, color } });
  if (refs.length)
    layers.push(
      ...ruleLayers(
        refs.map((r) => ({ label: r.label, value: r.value, ...(r.text ? { text: r.text } : {}) })),
        color,
      ),
    );
  return {
    $schema: SCHEMA,
    title: titleOf(o),
    width: o.width ?? 420,
    height: o.height ?? 280,
    data: { values: rows },
    layer: layers,
    config: { font: "sans-serif" },
  };
}

/** Grouped or simple bar chart as SVG. See BarChartOptions. */
export function barChart(o: BarChartOptions): Promise<string> {
  return renderSvg(barChartSpec(o));
}

/** Stacked bar chart as SVG. See StackedBarChartOptions. */
export function stackedBarChart(o: StackedBarChartOptions): Promise<string> {
  return renderSvg(stackedBarChartSpec(o));
}

/** Line chart with error bars or bands as SVG. See LineChartOptions. */
export function lineChart(o: LineChartOptions): Promise<string> {
  return renderSvg(lineChartSpec(o));
}
