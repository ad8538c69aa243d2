// The timeline picture of a trace: one track per VCPU with a bar per job, coloured by what ran,
// over a window of simulated time. One renderer for every place that draws it: the interactive
// page (web/observe.ts turns the nodes into DOM elements and redraws them as the view zooms) and
// the reports (`pvnetsim reproduce` writes them as standalone SVG files). It reads the Chrome
// Trace Event JSON the trace writer (chrome.ts) produces, and uses no DOM and no Node built-ins.

/** One job on one VCPU track, µs of simulated time since the run began. */
export interface TimelineSlice {
  track: number;
  startUs: number;
  endUs: number;
  name: string;
}

/** What a timeline draws: the VCPU tracks in order, their jobs, and the traced window. */
export interface TimelineData {
  /** "dom0 VCPU0", ..., "domU3 VCPU0". */
  tracks: string[];
  slices: TimelineSlice[];
  fromUs: number;
  toUs: number;
}

/** One SVG element: tag, attributes, text or children. */
export interface SvgNode {
  tag: string;
  attrs: Record<string, string | number>;
  text?: string;
  children?: SvgNode[];
}

interface TraceEvent {
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  name: string;
  args?: { name?: string };
}

/** Reads the VCPU tracks and their job slices out of a trace (text or parsed document). */
export function parseTimeline(trace: string | { traceEvents: unknown[]; otherData?: unknown }): TimelineData {
  const doc = (typeof trace === "string" ? JSON.parse(trace) : trace) as {
    traceEvents: TraceEvent[];
    otherData?: { windowMs?: [number, number] };
  };
  const procName = new Map<number, string>();
  const threadName = new Map<string, string>();
  for (const e of doc.traceEvents) {
    if (e.ph !== "M") continue;
    if (e.name === "process_name") procName.set(e.pid, e.args?.name ?? String(e.pid));
    if (e.name === "thread_name") threadName.set(`${e.pid}/${e.tid}`, e.args?.name ?? String(e.tid));
  }
  const keys = [...threadName.keys()].filter((k) => /^VCPU/.test(threadName.get(k)!));
  const num = (k: string): number[] => k.split("/").map(Number);
  keys.sort((a, b) => num(a)[0]! - num(b)[0]! || num(a)[1]! - num(b)[1]!);
  const trackIndex = new Map<string, number>();
  const tracks: string[] = [];
  for (const k of keys) {
    trackIndex.set(k, tracks.length);
    tracks.push(`${procName.get(num(k)[0]!)} ${threadName.get(k)}`);
  }
  const slices: TimelineSlice[] = [];
  for (const e of doc.traceEvents) {
    if (e.ph !== "X") continue;
    const t = trackIndex.get(`${e.pid}/${e.tid}`);
    if (t !== undefined) slices.push({ track: t, startUs: e.ts, endUs: e.ts + (e.dur ?? 0), name: e.name });
  }
  const w = doc.otherData?.windowMs ?? [0, 0];
  return { tracks, slices, fromUs: w[0] * 1e3, toUs: w[1] * 1e3 };
}

/** Component colours of the job slices, by what ran (the legend, in order). */
export const JOB_COLORS: ReadonlyArray<readonly [RegExp, string, string]> = [
  [/^netback/, "#dc2626", "netback"],
  [/^e1000/, "#2563eb", "NIC driver"],
  [/^backlog/, "#7c3aed", "bridge"],
  [/^netfront/, "#059669", "netfront + stack"],
  [/^app/, "#db2777", "application"],
  [/^(Xen|VCPU wake|event send|deferred)/, "#6b7280", "Xen: upcalls, wake-ups, event sends"],
  [/^(timer|ksoftirqd)/, "#a16207", "timers, ksoftirqd"],
];
const colorOf = (name: string): string => JOB_COLORS.find(([re]) => re.test(name))?.[1] ?? "#9aa5b1";

/** Layout of the picture, in SVG user units. */
export const TIMELINE_LAYOUT = {
  width: 960,
  left: 110,
  right: 12,
  rowHeight: 22,
  top: 8,
  axisHeight: 26,
  legendHeight: 20,
} as const;

/** Tick spacing, µs: the smallest of 1-2-5 steps giving at most 8 ticks over `spanUs`. */
function tickStep(spanUs: number): number {
  const steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  return steps.find((st) => spanUs / st <= 8) ?? 1000;
}

/**
 * The picture of the jobs between viewFromUs and viewToUs: the SVG's children, its viewBox size,
 * how many jobs it shows and a sentence describing it (for aria-label and titles).
 */
export function timelineNodes(
  d: TimelineData,
  viewFromUs = d.fromUs,
  viewToUs = d.toUs,
): { width: number; height: number; nodes: SvgNode[]; shown: number; label: string } {
  const { width: W, left: L, right: R, rowHeight: rowH, top: T, axisHeight, legendHeight } = TIMELINE_LAYOUT;
  const H = T + d.tracks.length * rowH + axisHeight + legendHeight;
  const nodes: SvgNode[] = [];
  const el = (tag: string, attrs: SvgNode["attrs"], text?: string): SvgNode =>
    text === undefined ? { tag, attrs } : { tag, attrs, text };
  const span = viewToUs - viewFromUs;
  const x = (us: number): number => L + ((W - L - R) * (us - viewFromUs)) / span;
  d.tracks.forEach((name, i) => {
    nodes.push(el("text", { x: L - 6, y: T + i * rowH + 15, "text-anchor": "end" }, name));
    const yLine = T + (i + 1) * rowH - 1;
    nodes.push(el("line", { class: "grid", x1: L, x2: W - R, y1: yLine, y2: yLine }));
  });
  const bars: SvgNode[] = [];
  for (const s of d.slices) {
    if (s.endUs <= viewFromUs || s.startUs >= viewToUs) continue;
    const x0 = Math.max(L, x(s.startUs));
    const x1 = Math.min(W - R, x(s.endUs));
    const tip = `${s.name}\n${(s.endUs - s.startUs).toFixed(3)} µs from ${(s.startUs / 1e3).toFixed(4)} ms`;
    bars.push({
      tag: "rect",
      attrs: {
        x: x0.toFixed(2),
        y: T + s.track * rowH + 2,
        width: Math.max(0.6, x1 - x0).toFixed(2),
        height: rowH - 5,
        fill: colorOf(s.name),
      },
      children: [el("title", {}, tip)],
    });
  }
  nodes.push({ tag: "g", attrs: { "data-testid": "timeline-slices" }, children: bars });
  const yAxis = T + d.tracks.length * rowH;
  nodes.push(el("line", { class: "axis", x1: L, x2: W - R, y1: yAxis, y2: yAxis }));
  const step = tickStep(span);
  for (let t = Math.ceil(viewFromUs / step) * step; t <= viewToUs + 1e-9; t += step) {
    nodes.push(el("line", { class: "axis", x1: x(t), x2: x(t), y1: yAxis, y2: yAxis + 4 }));
    nodes.push(el("text", { x: x(t), y: yAxis + 16, "text-anchor": "middle" }, `${+(t / 1e3).toFixed(6)}`));
  }
  // Left of the first tick label (centred on the axis start), so the two never overlap.
  nodes.push(el("text", { x: L - 18, y: yAxis + 16, "text-anchor": "end" }, "simulated ms"));
  let lx = L;
  for (const [, color, label] of JOB_COLORS) {
    nodes.push(el("rect", { x: lx, y: yAxis + legendHeight + 2, width: 10, height: 10, fill: color }));
    nodes.push(el("text", { x: lx + 14, y: yAxis + legendHeight + 11 }, label));
    lx += 24 + label.length * 6.2;
  }
  const from = (viewFromUs / 1e3).toFixed(3);
  const to = (viewToUs / 1e3).toFixed(3);
  const label = `Timeline of ${d.tracks.length} VCPUs from ${from} to ${to} ms: ${bars.length} jobs shown`;
  return { width: W, height: H, nodes, shown: bars.length, label };
}

const escXml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** SVG markup of nodes. */
export function svgMarkup(nodes: readonly SvgNode[]): string {
  return nodes
    .map((n) => {
      const attrs = Object.entries(n.attrs)
        .map(([k, v]) => ` ${k}="${escXml(String(v))}"`)
        .join("");
      const inner = n.text !== undefined ? escXml(n.text) : svgMarkup(n.children ?? []);
      return `<${n.tag}${attrs}>${inner}</${n.tag}>`;
    })
    .join("");
}

/**
 * A standalone SVG file of the timeline (for reports): the same picture as the page's, with a
 * title line above it and the styles the page's stylesheet gives it.
 */
export function timelineSvg(d: TimelineData, title: string): string {
  const pic = timelineNodes(d);
  const titleH = 22;
  const style =
    "text { font: 11px sans-serif; fill: #1f2933; } .title { font-size: 13px; font-weight: bold; } " +
    ".axis { stroke: #9aa5b1; stroke-width: 1; } .grid { stroke: #e4e7eb; stroke-width: 1; }";
  const body = svgMarkup([
    { tag: "style", attrs: {}, text: style },
    { tag: "rect", attrs: { x: 0, y: 0, width: pic.width, height: pic.height + titleH, fill: "#ffffff" } },
    { tag: "text", attrs: { class: "title", x: TIMELINE_LAYOUT.left - 100, y: 15 }, text: title },
    { tag: "g", attrs: { transform: `translate(0 ${titleH})` }, children: pic.nodes },
  ]);
  const size = `width="${pic.width}" height="${pic.height + titleH}" viewBox="0 0 ${pic.width} ${pic.height + titleH}"`;
  return `<svg xmlns="http://www.w3.org/2000/svg" ${size} role="img" aria-label="${escXml(pic.label)}">${body}</svg>\n`;
}
