// Each step of `pvnetsim reproduce` seen over time and from inside: the first seed's run of every
// step samples time series (the run's --interval-ms machinery) and writes a timeline trace of a
// 2 ms window in the middle of the measured interval (the trace build). The report draws, per step,
// goodput and dom0 VCPU utilization over time, and the window's timeline with the same renderer as
// the interactive page (src/trace/timeline.ts), so stock netback and the techniques can be compared
// by eye: one saturated VCPU0 against jobs spread over four VCPUs.

import type { SimResult } from "../result.js";
import { lineChartSpec, renderSvg, type LineDatum } from "../report/charts.js";
import { parseTimeline, timelineSvg } from "../trace/timeline.js";

/** Length of the traced window, simulated ms. */
export const TIMELINE_WINDOW_MS = 2;
/** Samples per run of the time series. */
const SAMPLES_PER_RUN = 100;

/** What the observed run of a step samples and traces. */
export interface ObserveSettings {
  intervalMs: number;
  trace: { fromMs: number; toMs: number };
}

/** The sampling interval (1/100 of the measured interval) and the 2 ms window in its middle. */
export function observeSettings(durationMs: number, warmupMs: number): ObserveSettings {
  const half = Math.min(TIMELINE_WINDOW_MS, durationMs) / 2;
  const mid = warmupMs + durationMs / 2;
  return { intervalMs: durationMs / SAMPLES_PER_RUN, trace: { fromMs: mid - half, toMs: mid + half } };
}

/** One step's observed run: the series the report draws, and what its timeline shows. */
export interface StepObservation {
  step: string;
  label: string;
  seed: number;
  intervalMs: number;
  /** End of each interval, simulated ms since the run began. */
  timeMs: number[];
  /** Goodput in total and per guest (Gb/s), busy fraction of each dom0 VCPU. */
  series: Record<string, { unit: string; values: number[] }>;
  /** The traced window and what its timeline holds; null when the step has no trace. */
  timeline: { fromMs: number; toMs: number; tracks: string[]; slices: number } | null;
}

const KEPT = /^(aggregateGbps|vm\d+\.goodputGbps|cpu\.dom0\.\d+\.utilization)$/;

/** The observation of one step from its sampled (and possibly traced) run. */
export function observationOf(
  step: { name: string; label: string },
  r: SimResult,
  trace: string | null,
): StepObservation | null {
  const ts = r.timeseries;
  if (!ts) return null;
  const series: StepObservation["series"] = {};
  for (const [k, s] of Object.entries(ts.series)) if (KEPT.test(k)) series[k] = { unit: s.unit, values: s.values };
  const tl = trace ? parseTimeline(trace) : null;
  return {
    step: step.name,
    label: step.label,
    seed: r.seed,
    intervalMs: ts.intervalMs,
    timeMs: ts.timeMs,
    series,
    timeline: tl ? { fromMs: tl.fromUs / 1e3, toMs: tl.toUs / 1e3, tracks: tl.tracks, slices: tl.slices.length } : null,
  };
}

/** One SVG per step: goodput (total and per guest) above, dom0 VCPU utilization below, over time. */
export function timeSeriesChart(o: StepObservation): Promise<string> {
  const rows = (pick: (name: string) => string | null, scale: number): LineDatum[] =>
    Object.entries(o.series).flatMap(([name, s]) => {
      const label = pick(name);
      return label === null ? [] : s.values.map((y, k) => ({ x: o.timeMs[k]!, series: label, y: y * scale }));
    });
  const goodput = rows(
    (n) => (n === "aggregateGbps" ? "all guests" : /^vm(\d+)\./.exec(n) ? `domU${/^vm(\d+)\./.exec(n)![1]}` : null),
    1,
  );
  const busy = rows(
    (n) => (/^cpu\.dom0\.(\d+)\./.exec(n) ? `dom0 VCPU${/^cpu\.dom0\.(\d+)\./.exec(n)![1]}` : null),
    100,
  );
  const xTitle = `simulated time (ms); one point per ${+o.intervalMs.toPrecision(6)} ms`;
  const strip = ({ $schema: _s, ...rest }: Record<string, unknown>): Record<string, unknown> => rest;
  const top = lineChartSpec({
    title: "TCP goodput",
    xTitle,
    yTitle: "goodput (Gb/s)",
    legendTitle: "receiver",
    data: goodput,
    points: false,
    height: 180,
  });
  const bottom = lineChartSpec({
    title: "dom0 VCPU utilization",
    xTitle,
    yTitle: "busy time (% of the VCPU)",
    legendTitle: "dom0 VCPU",
    data: busy,
    points: false,
    yDomain: [0, 100],
    height: 180,
  });
  return renderSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: `Over time: ${o.step} (${o.label})`, subtitle: `seed ${o.seed}, measured interval` },
    vconcat: [strip(top), strip(bottom)],
    resolve: { scale: { color: "independent" } },
    config: { font: "sans-serif" },
  });
}

/** The standalone SVG timeline of a step's traced window (the page's renderer). */
export function timelineChart(o: StepObservation, trace: string): string {
  const t = o.timeline!;
  return timelineSvg(parseTimeline(trace), `Inside ${t.fromMs}..${t.toMs} ms: ${o.step} (${o.label}), seed ${o.seed}`);
}
