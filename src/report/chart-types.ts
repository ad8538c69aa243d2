// What the report chart helpers (src/report/charts.ts) take: a Vega-Lite spec, the options every
// chart shares (title, axis titles with units, size) and the data and options of each kind of chart.

/** Vega-Lite spec as plain JSON (what the helpers build). */
export type VegaLiteSpec = Record<string, unknown>;

/** Common options of every chart. */
export interface ChartBase {
  /** Chart title (required: every chart says what it shows). */
  title: string;
  /** Optional second title line. */
  subtitle?: string;
  /** X axis title, with unit where it has one. */
  xTitle: string;
  /** Y axis title, with unit, e.g. "aggregate TCP goodput (Gb/s)". */
  yTitle: string;
  /** Legend title (what the colours distinguish). */
  legendTitle: string;
  /** Plot area size in pixels (defaults depend on the chart). */
  width?: number;
  height?: number;
  /** Y scale domain; default: from zero to the data. */
  yDomain?: [number, number];
  /** d3-format string for y axis labels, e.g. ".1f" or ".0%". */
  yFormat?: string;
}

/** A reference mark: a tick at one category (e.g. a published value) or a rule across the chart. */
export interface ReferenceMark {
  /** Legend entry, e.g. "paper (abstract)". Marks sharing a label share a colour. */
  label: string;
  value: number;
  /** Category (bar charts) the tick belongs to; omitted: a horizontal rule across the whole chart. */
  category?: string;
  /** Text drawn next to the mark (e.g. "2.2"); default none. */
  text?: string;
}

export interface BarDatum {
  category: string;
  /** Series within the category (grouped bars); default: the legendless single series `seriesLabel`. */
  series?: string;
  value: number;
  /** Interval drawn as an error bar (e.g. 95% CI); both or neither. */
  low?: number;
  high?: number;
}

export interface BarChartOptions extends ChartBase {
  data: readonly BarDatum[];
  /** Series name used for data without `series` (shown in the legend). Default "value". */
  seriesLabel?: string;
  /** Category order; default: first appearance. */
  categories?: readonly string[];
  references?: readonly ReferenceMark[];
  /** Print each bar's value inside the foot of the bar with this d3 format (e.g. ".2f"); default: no labels. */
  valueLabels?: string;
  /** Explicit colours per legend entry (series and reference labels). */
  colors?: Readonly<Record<string, string>>;
}

export interface StackedDatum {
  category: string;
  /** Component the value belongs to (the stacked colour). */
  stack: string;
  value: number;
  /** Panel the bar is drawn in, for small multiples (see StackedBarChartOptions.panelTitle). */
  panel?: string;
}

export interface StackedBarChartOptions extends ChartBase {
  data: readonly StackedDatum[];
  categories?: readonly string[];
  /** Stack (and legend) order, bottom first; default: first appearance. */
  stackOrder?: readonly string[];
  /**
   * Small multiples: one panel per distinct `panel` value, titled by this (e.g. "step"); the
   * title, axes titles and legend are shared. Not combined with `references`.
   */
  panelTitle?: string;
  /** Panel order; default: first appearance. */
  panels?: readonly string[];
  /** Panels per row (default: all in one row). */
  columns?: number;
  references?: readonly ReferenceMark[];
  colors?: Readonly<Record<string, string>>;
}

export interface LineDatum {
  /** Quantitative x (numbers), or ordinal x (labels, ordered by `xOrder` or first appearance). */
  x: number | string;
  series: string;
  y: number;
  low?: number;
  high?: number;
}

export interface LineChartOptions extends ChartBase {
  data: readonly LineDatum[];
  /** How intervals are drawn: "bars" (error bars, default) or "band" (shaded band). */
  interval?: "bars" | "band";
  /** Order of ordinal (string) x values; default: first appearance. */
  xOrder?: readonly (number | string)[];
  /** Log-scale x axis (e.g. rates or sizes spanning decades; quantitative x only). */
  xLog?: boolean;
  /** d3-format for x labels. */
  xFormat?: string;
  xDomain?: [number, number];
  /** Horizontal rules (category is ignored). */
  references?: readonly ReferenceMark[];
  colors?: Readonly<Record<string, string>>;
  /** Draw a point at each datum (default true). */
  points?: boolean;
}
