// Output of `pvnetsim reproduce`: the text table, the SVG charts and the HTML report.

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { timelineChart, timeSeriesChart } from "./observe.js";
import { barChart, stackedBarChart } from "../report/charts.js";
import { pctStr } from "./checks.js";
import type { ReproduceReport, StepSummary } from "./reproduce.js";
import { f3, tableRows } from "./render-text.js";

export { renderReproduceText } from "./render-text.js";
import { COMPONENT_COLORS, MARK_COLORS } from "../report/palette.js";
import { PAPER_FIGURES } from "../paper.js";

export interface ChartFiles {
  /** File name of the throughput chart. */
  throughput: string;
  /** Step name -> file name of its CPU chart. */
  cpu: Record<string, string>;
  /** File name of the all-steps CPU chart. */
  cpuOverview: string;
  /** Step name -> its time-series chart (goodput and dom0 VCPU utilization over time). */
  overTime: Record<string, string>;
  /** Step name -> the SVG timeline of its traced window, and the trace file (gzipped JSON). */
  timeline: Record<string, string>;
  traces: Record<string, string>;
}

/** SVG of the throughput per step, with the paper's values and the TCP ceiling marked. */
export function throughputChart(r: ReproduceReport): Promise<string> {
  const sim = `simulated: mean of ${r.settings.seeds.length} seed(s), 95% CI`;
  return barChart({
    title: "Aggregate TCP goodput per cumulative step",
    subtitle: "Zhang et al., CloudCom 2010: 4 x 1 GbE into 4 guests; paper values from the abstract",
    xTitle: "cumulative step (technique added)",
    yTitle: "aggregate TCP goodput (Gb/s)",
    legendTitle: "series",
    seriesLabel: sim,
    categories: r.steps.map((s) => s.label),
    data: r.steps
      .filter((s) => Number.isFinite(s.simulatedGbps))
      .map((s) => ({
        category: s.label,
        value: s.simulatedGbps,
        ...(s.ci95RangeGbps ? { low: s.ci95RangeGbps[0], high: s.ci95RangeGbps[1] } : {}),
      })),
    references: [
      ...r.steps
        .filter((s) => s.paperGbps !== null)
        .map((s) => ({
          label: "paper (abstract)",
          category: s.label,
          value: s.paperGbps!,
          text: `paper ${s.paperGbps!.toFixed(1)}`,
        })),
      { label: `TCP ceiling 4 x 1 GbE (${r.tcpCeilingGbps} Gb/s)`, value: r.tcpCeilingGbps },
    ],
    valueLabels: ".2f",
    yDomain: [0, 4.2],
    colors: {
      [sim]: MARK_COLORS.simulated,
      "paper (abstract)": MARK_COLORS.paper,
      [`TCP ceiling 4 x 1 GbE (${r.tcpCeilingGbps} Gb/s)`]: MARK_COLORS.ceiling,
    },
  });
}

/** SVG of one step's per-VCPU utilization stacked by component. */
export function cpuChart(r: ReproduceReport, s: StepSummary): Promise<string> {
  const comps = Object.keys(COMPONENT_COLORS);
  const data = s.vcpus.flatMap((v) =>
    Object.entries(v.breakdown)
      .filter(([, x]) => x > 0)
      .map(([k, x]) => ({ category: v.id, stack: k, value: x * 100 })),
  );
  const present = comps.filter((c) => data.some((d) => d.stack === c));
  const extra = [...new Set(data.map((d) => d.stack))].filter((c) => !comps.includes(c));
  return stackedBarChart({
    title: `VCPU utilization by component: ${s.name}`,
    subtitle: `${s.label}; mean of ${r.settings.seeds.length} seed(s), ${s.simulatedGbps.toFixed(2)} Gb/s`,
    xTitle: "VCPU (domain.vcpu)",
    yTitle: "busy time (% of the VCPU)",
    legendTitle: "component",
    categories: s.vcpus.map((v) => v.id),
    stackOrder: [...present, ...extra],
    data,
    yDomain: [0, 100],
    colors: COMPONENT_COLORS,
  });
}

/** SVG of every step's per-VCPU utilization side by side (small multiples, one panel per step). */
export function cpuOverviewChart(r: ReproduceReport): Promise<string> {
  const comps = Object.keys(COMPONENT_COLORS);
  const data = r.steps.flatMap((s) =>
    s.vcpus.flatMap((v) =>
      Object.entries(v.breakdown)
        .filter(([, x]) => x > 0)
        .map(([k, x]) => ({ category: v.id, stack: k, value: x * 100, panel: s.label })),
    ),
  );
  const present = comps.filter((c) => data.some((d) => d.stack === c));
  const extra = [...new Set(data.map((d) => d.stack))].filter((c) => !comps.includes(c));
  return stackedBarChart({
    title: "VCPU utilization by component, per cumulative step",
    subtitle: `mean of ${r.settings.seeds.length} seed(s); dom0 VCPUs first, then one VCPU per guest`,
    xTitle: "VCPU (domain.vcpu)",
    yTitle: "busy time (% of the VCPU)",
    legendTitle: "component",
    panelTitle: "step",
    panels: r.steps.map((s) => s.label),
    categories: r.steps[0]?.vcpus.map((v) => v.id) ?? [],
    stackOrder: [...present, ...extra],
    data,
    yDomain: [0, 100],
    colors: COMPONENT_COLORS,
  });
}

/** Writes every SVG chart (and the steps' traces) into dir; returns their file names. */
export async function writeCharts(
  r: ReproduceReport,
  dir: string,
  traces: ReadonlyMap<string, string> = new Map(),
): Promise<ChartFiles> {
  await mkdir(dir, { recursive: true });
  const files: ChartFiles = {
    throughput: "throughput.svg",
    cpu: {},
    cpuOverview: "cpu-all-steps.svg",
    overTime: {},
    timeline: {},
    traces: {},
  };
  for (const o of r.observe ?? []) {
    files.overTime[o.step] = `over-time-${o.step}.svg`;
    await writeFile(join(dir, files.overTime[o.step]!), await timeSeriesChart(o));
    const text = traces.get(o.step);
    if (!text || !o.timeline) continue;
    files.timeline[o.step] = `timeline-${o.step}.svg`;
    await writeFile(join(dir, files.timeline[o.step]!), timelineChart(o, text));
    files.traces[o.step] = `trace-${o.step}.json.gz`;
    await writeFile(join(dir, files.traces[o.step]!), gzipSync(text));
  }
  await writeFile(join(dir, files.throughput), await throughputChart(r));
  await writeFile(join(dir, files.cpuOverview), await cpuOverviewChart(r));
  for (const s of r.steps) {
    const f = `cpu-${s.name}.svg`;
    await writeFile(join(dir, f), await cpuChart(r, s));
    files.cpu[s.name] = f;
  }
  return files;
}

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** A chart shown and linked, with its caption. */
const figure = (file: string, caption: string): string =>
  `<figure><a href="${esc(file)}"><img src="${esc(file)}" alt="${esc(caption)}"></a>` +
  `<figcaption>${esc(caption)} (<a href="${esc(file)}">${esc(file)}</a>)</figcaption></figure>`;

/** The HTML report: settings, the table, the checks, and the charts (linked and shown). */
export function renderReproduceHtml(r: ReproduceReport, charts: ChartFiles, jsonFile = "reproduce.json"): string {
  const { header, rows } = tableRows(r);
  const st = r.settings;
  const pass = r.checks.filter((c) => c.pass).length;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pvnetsim reproduce: Zhang et al., CloudCom 2010</title>
<style>
body { font-family: sans-serif; margin: 2em; max-width: 78em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; }
td { text-align: right; } td:first-child { text-align: left; }
th { background: #f3f3f3; }
.pass { color: #1a7f37; font-weight: bold; } .fail { color: #cf222e; font-weight: bold; }
figure { display: inline-block; margin: 1em 1em 1em 0; vertical-align: top; }
img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.85em; color: #555; }
figure.wide { display: block; }
</style>
</head>
<body>
<h1>Reproduction of Zhang et al., CloudCom 2010</h1>
<p>${esc(r.paper)}.</p>
<p>pvnetsim ${esc(r.version)}; ${st.seeds.length} seed(s) per step (${esc(st.seeds.join(", "))}); ${st.durationMs} ms
measured after ${st.warmupMs} ms warm-up;
mean over seeds with its 95% confidence interval (Student t). The paper's abstract publishes only the baseline
(${PAPER_FIGURES.baselineGbps.value} Gb/s) and the result with all four techniques
(${PAPER_FIGURES.allFourGbps.value} Gb/s).
Raw numbers: <a href="${esc(jsonFile)}">${esc(jsonFile)}</a>.</p>
<h2>Results</h2>
<table id="results">
<thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>
<tbody>
${rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("\n")}
</tbody>
</table>
<p>dom0 max/min: busiest over least busy dom0 VCPU among those with at least 1% netback time (their number in
parentheses).
notif/pkt: interdomain notifications (both rings, both directions) per packet delivered;
evtchn/pkt: event-channel sends per packet;
guest cyc/B: guest busy cycles per received payload byte; p99 latency: 99th percentile of the delay from NIC
arrival to delivery to the guest application.</p>
<h2>Bottleneck of each step</h2>
<ul id="bottlenecks">
${r.steps.map((s) => `<li><b>${esc(s.name)}</b>: ${esc(s.bottleneck)}: ${esc(s.bottleneckEvidence)}</li>`).join("\n")}
</ul>
${ablationHtml(r)}
<h2>Checks: ${pass} of ${r.checks.length} pass</h2>
<ul id="checks">
${r.checks
  .map(
    (c) =>
      `<li><span class="${c.pass ? "pass" : "fail"}">${c.pass ? "PASS" : "FAIL"}</span> ` +
      `${esc(c.description)}: ${esc(c.detail)}</li>`,
  )
  .join("\n")}
</ul>
<h2>Charts</h2>
${figure(charts.throughput, "Aggregate TCP goodput per step, paper values marked")}
<h3>VCPU utilization by component</h3>
${figure(charts.cpuOverview, "All steps side by side: per-VCPU busy time by component")}
${r.steps.map((s) => figure(charts.cpu[s.name]!, `${s.name}: per-VCPU busy time by component`)).join("\n")}
${observeHtml(r, charts)}
</body>
</html>
`;
}

/** Each step over time and inside its traced window: the two pictures side by side, per step. */
function observeHtml(r: ReproduceReport, charts: ChartFiles): string {
  const seen = r.observe ?? [];
  if (seen.length === 0) return "";
  const o0 = seen[0]!;
  const w = o0.timeline ? `${o0.timeline.toMs - o0.timeline.fromMs} ms` : "no";
  const rows = seen.map((o) => {
    const tl = charts.timeline[o.step];
    const trace = charts.traces[o.step];
    const inside = tl
      ? `<figure class="wide"><a href="${esc(tl)}"><img src="${esc(tl)}" alt="${esc(`${o.step}: timeline`)}"></a>` +
        `<figcaption>${esc(o.step)}: every job on every VCPU from ${o.timeline!.fromMs} to ${o.timeline!.toMs} ms ` +
        `(<a href="${esc(tl)}">${esc(tl)}</a>; trace for Perfetto or DevTools: <a ` +
        `href="${esc(trace!)}">${esc(trace!)}</a>)` +
        `</figcaption></figure>`
      : "";
    return (
      `<h3 id="observe-${esc(o.step)}">${esc(o.step)} (${esc(o.label)})</h3>\n` +
      figure(charts.overTime[o.step]!, `${o.step}: goodput and dom0 VCPU utilization over time`) +
      "\n" +
      inside
    );
  });
  return `<h2 id="observe">Over time and inside a ${esc(w)} window</h2>
<p>The first seed of each step, sampled every ${+o0.intervalMs.toPrecision(6)} ms of the measured interval (goodput per
guest
and in total, each dom0 VCPU's busy time), and traced for ${esc(w)} in the middle of it: one track per VCPU, one bar per
job, coloured by what ran (the same timeline as the interactive page's).</p>
${rows.join("\n")}`;
}

/** Each technique alone: table and one mechanism sentence per variant. */
function ablationHtml(r: ReproduceReport): string {
  if (!r.ablation) return "";
  const base = r.ablation[0]!;
  const rows = r.ablation
    .map(
      (a) =>
        `<tr><td>${esc(a.label)}</td>` +
        `<td>${esc(`${f3(a.simulatedGbps)} +- ${a.ci95Gbps === null ? "n/a" : a.ci95Gbps.toFixed(3)}`)}</td>` +
        `<td>${a === base ? "-" : esc(pctStr(a.diffFromBaselinePct))}</td>` +
        `<td>${esc(a.bottleneck)}</td>` +
        `<td style="text-align:left">${esc(a.mechanism)}</td></tr>`,
    )
    .join("\n");
  return `<h2>Each technique alone</h2>
<p>Each technique applied to the baseline on its own (not cumulatively), ${r.settings.seeds.length} seed(s) each. Event
dispatch alone spreads events round-robin over dom0 VCPUs, since stock netback has one group to bind to.</p>
<table id="ablation">
<thead><tr><th>variant</th><th>Gb/s (95% CI)</th><th>vs baseline</th><th>bottleneck</th><th>mechanism</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

/** Where writeReproduceOutputs put things. */
export interface ReproduceOutput {
  dir: string;
  charts: ChartFiles;
  /** Every path written. */
  files: string[];
}

/** Writes reproduce.json, the charts, the steps' traces and index.html into dir. */
export async function writeReproduceOutputs(
  r: ReproduceReport,
  dir: string,
  traces?: ReadonlyMap<string, string>,
): Promise<ReproduceOutput> {
  await mkdir(dir, { recursive: true });
  const charts = await writeCharts(r, dir, traces);
  const json = join(dir, "reproduce.json");
  await writeFile(json, JSON.stringify({ ...r, output: { dir, charts } }, null, 2) + "\n");
  const html = join(dir, "index.html");
  await writeFile(html, renderReproduceHtml(r, charts));
  const svgs = [
    charts.throughput,
    charts.cpuOverview,
    ...Object.values(charts.cpu),
    ...Object.values(charts.overTime),
    ...Object.values(charts.timeline),
    ...Object.values(charts.traces),
  ];
  return { dir, charts, files: [json, ...svgs.map((f) => join(dir, f)), html] };
}
