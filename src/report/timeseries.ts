// Time series as text: CSV for files, and sparklines for the `pvnetsim run` table.

import type { TimeSeries } from "../run/timeseries.js";

/** One row per interval: `timeMs`, then one column per series, headed `name [unit]`. */
export function timeSeriesCsv(ts: TimeSeries): string {
  const names = Object.keys(ts.series);
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [["timeMs", ...names.map((n) => `${n} [${ts.series[n]!.unit}]`)].map(quote).join(",")];
  for (let k = 0; k < ts.timeMs.length; k++) {
    lines.push(
      [ts.timeMs[k]!, ...names.map((n) => ts.series[n]!.values[k]!)].map((v) => String(+v.toPrecision(9))).join(","),
    );
  }
  return lines.join("\n") + "\n";
}

const BARS = "▁▂▃▄▅▆▇█";

/**
 * A sparkline of at most `width` characters: values are averaged into `width` bins, and each bin is
 * drawn from the lowest bar (at `lo`) to the full bar (at `hi`).
 */
export function sparkline(values: readonly number[], lo: number, hi: number, width = 48): string {
  if (values.length === 0) return "";
  const bins = Math.min(width, values.length);
  let s = "";
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * values.length) / bins);
    const to = Math.floor(((b + 1) * values.length) / bins);
    let sum = 0;
    for (let i = from; i < to; i++) sum += values[i]!;
    const v = sum / (to - from);
    const f = hi > lo ? (v - lo) / (hi - lo) : 0;
    s += BARS[Math.max(0, Math.min(BARS.length - 1, Math.round(f * (BARS.length - 1))))];
  }
  return s;
}

/** The main series of a run as labelled sparklines with their range. */
export function sparklineBlock(ts: TimeSeries): string[] {
  const rows: string[][] = [];
  const line = (
    label: string,
    name: string,
    lo: number | null,
    hi: number | null,
    fmt: (x: number) => string,
    unit?: string,
  ): void => {
    const s = ts.series[name];
    if (!s || s.values.length === 0) return;
    const min = Math.min(...s.values);
    const max = Math.max(...s.values);
    rows.push([
      label,
      sparkline(s.values, lo ?? min, hi ?? max),
      `${fmt(min)} .. ${fmt(max)} ${unit ?? s.unit}`.trimEnd(),
    ]);
  };
  const gb = (x: number): string => x.toFixed(3);
  const pc = (x: number): string => `${(x * 100).toFixed(0)}%`;
  const n = (x: number): string => x.toFixed(0);
  let maxVm = 0;
  for (const k of Object.keys(ts.series))
    if (/^vm\d+\.goodputGbps$/.test(k)) maxVm = Math.max(maxVm, ...ts.series[k]!.values);
  line("aggregate", "aggregateGbps", 0, null, gb);
  for (const k of Object.keys(ts.series)) {
    const m = /^vm(\d+)\.goodputGbps$/.exec(k);
    if (m) line(`domU${m[1]} rx`, k, 0, maxVm, gb);
  }
  for (const k of Object.keys(ts.series)) {
    const m = /^cpu\.(.+)\.utilization$/.exec(k);
    if (m) line(`${m[1]} busy`, k, 0, 1, pc, "");
  }
  for (const k of Object.keys(ts.series)) {
    const m = /^vif(\d+)\.qdisc$/.exec(k);
    if (m) line(`vif${m[1]} qdisc`, k, 0, null, n);
  }
  line("notifications", "events.notifications", 0, null, n);
  const drops = Object.keys(ts.series).filter((k) => k.startsWith("drops.") && ts.series[k]!.values.some((v) => v > 0));
  for (const k of drops) line(k, k, 0, null, n);
  const w = Math.max(...rows.map((r) => r[0]!.length));
  return [
    `time series: ${ts.timeMs.length} intervals of ${ts.intervalMs} ms from ${ts.startMs} ms (full set: --json or ` +
      `--timeseries FILE)`,
    ...rows.map((r) => `${r[0]!.padEnd(w)}  ${r[1]}  ${r[2]}`),
  ];
}
