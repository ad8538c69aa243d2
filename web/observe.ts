// Looking inside a run on the page: live series while it runs (goodput per guest, utilization
// per VCPU, one line per entity over simulated time) and, when it has finished, a zoomable
// timeline of the short window the run traced (a track per VCPU, a bar per job, as in the trace
// file the page offers for download). Plain DOM and inline SVG, drawn by the page itself.

import type { LiveSample, ResolvedConfig } from "../src/browser/index.js";

const SVG_NS = "http://www.w3.org/2000/svg";
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** One hue per line; the same order as the guests and VCPUs. */
const LINE_COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#6b7280", "#a16207"];

/**
 * Draws one line per series over simulated time into `el`: `values(s)` gives the values of one
 * sample (one per line). Lines step over each sample's window, as the aggregate chart does.
 */
export function drawSeries(
  el: SVGSVGElement,
  config: ResolvedConfig | null,
  samples: readonly LiveSample[],
  names: readonly string[],
  values: (s: LiveSample) => readonly number[],
  yLabel: string,
  yMaxFloor: number,
  fmtY: (y: number) => string,
): void {
  const W = 320, H = 170, L = 40, R = 64, T = 8, B = 26;
  el.setAttribute("viewBox", `0 0 ${W} ${H}`);
  el.replaceChildren();
  const totalMs = config ? config.warmupMs + config.durationMs : 1200;
  let yMax = yMaxFloor;
  for (const s of samples) for (const y of values(s)) yMax = Math.max(yMax, y);
  const x = (ms: number): number => L + ((W - L - R) * ms) / totalMs;
  const y = (v: number): number => T + (H - T - B) * (1 - v / yMax);
  for (const f of [0, 0.5, 1]) {
    el.append(svg("line", { class: "grid", x1: L, x2: W - R, y1: y(f * yMax), y2: y(f * yMax) }));
    el.append(svg("text", { x: L - 4, y: y(f * yMax) + 4, "text-anchor": "end" }, fmtY(f * yMax)));
  }
  el.append(svg("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }));
  el.append(svg("text", { x: L, y: H - B + 14 }, "0"));
  el.append(svg("text", { x: W - R, y: H - B + 14, "text-anchor": "end" }, `${totalMs} ms`));
  el.append(svg("text", { x: L + (W - L - R) / 2, y: H - 2, "text-anchor": "middle" }, `simulated time; ${yLabel}`));
  names.forEach((name, i) => {
    const pts: string[] = [];
    for (const s of samples) {
      const v = values(s)[i] ?? 0;
      pts.push(`${x(s.simulatedMs - s.windowMs).toFixed(1)},${y(v).toFixed(1)}`, `${x(s.simulatedMs).toFixed(1)},${y(v).toFixed(1)}`);
    }
    const color = LINE_COLORS[i % LINE_COLORS.length]!;
    const line = svg("polyline", { class: "live-series", fill: "none", stroke: color, "stroke-width": 1.4, points: pts.join(" "), "data-series": name });
    line.append(svg("title", {}, name));
    el.append(line);
    el.append(svg("text", { x: W - R + 4, y: T + 10 + i * 11, fill: color }, name));
  });
}

interface Slice {
  track: number;
  startUs: number;
  endUs: number;
  name: string;
}

/** Component colours of the job slices, by what ran. */
const JOB_COLORS: Array<[RegExp, string, string]> = [
  [/^netback/, "#dc2626", "netback"],
  [/^e1000/, "#2563eb", "NIC driver"],
  [/^backlog/, "#7c3aed", "bridge"],
  [/^netfront/, "#059669", "netfront + stack"],
  [/^app/, "#db2777", "application"],
  [/^(Xen|VCPU wake|event send|deferred)/, "#6b7280", "Xen: upcalls, wake-ups, event sends"],
  [/^(timer|ksoftirqd)/, "#a16207", "timers, ksoftirqd"],
];
const colorOf = (name: string): string => JOB_COLORS.find(([re]) => re.test(name))?.[1] ?? "#9aa5b1";

/** The page's own timeline of a Chrome Trace Event JSON text: VCPU tracks, job bars, zoom. */
export class Timeline {
  private readonly tracks: string[] = [];
  private readonly slices: Slice[] = [];
  private readonly fromUs: number;
  private readonly toUs: number;
  private viewFrom: number;
  private viewTo: number;

  constructor(
    private readonly el: SVGSVGElement,
    readonly text: string,
  ) {
    const doc = JSON.parse(text) as { traceEvents: Array<{ ph: string; pid: number; tid: number; ts: number; dur?: number; name: string; args?: { name?: string } }>; otherData?: { windowMs?: [number, number] } };
    const procName = new Map<number, string>();
    const threadName = new Map<string, string>();
    for (const e of doc.traceEvents) {
      if (e.ph !== "M") continue;
      if (e.name === "process_name") procName.set(e.pid, e.args?.name ?? String(e.pid));
      if (e.name === "thread_name") threadName.set(`${e.pid}/${e.tid}`, e.args?.name ?? String(e.tid));
    }
    const trackIndex = new Map<string, number>();
    const keys = [...threadName.keys()].filter((k) => /^VCPU/.test(threadName.get(k)!));
    keys.sort((a, b) => {
      const [pa, ta] = a.split("/").map(Number);
      const [pb, tb] = b.split("/").map(Number);
      return pa! - pb! || ta! - tb!;
    });
    for (const k of keys) {
      trackIndex.set(k, this.tracks.length);
      this.tracks.push(`${procName.get(Number(k.split("/")[0]))} ${threadName.get(k)}`);
    }
    for (const e of doc.traceEvents) {
      if (e.ph !== "X") continue;
      const t = trackIndex.get(`${e.pid}/${e.tid}`);
      if (t === undefined) continue;
      this.slices.push({ track: t, startUs: e.ts, endUs: e.ts + (e.dur ?? 0), name: e.name });
    }
    const w = doc.otherData?.windowMs ?? [0, 0];
    this.fromUs = w[0] * 1e3;
    this.toUs = w[1] * 1e3;
    this.viewFrom = this.fromUs;
    this.viewTo = this.toUs;
    el.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const box = el.getBoundingClientRect();
      const f = Math.min(1, Math.max(0, (ev.clientX - box.left - (this.L * box.width) / this.W) / (((this.W - this.L - this.R) * box.width) / this.W)));
      this.zoom(ev.deltaY < 0 ? 0.5 : 2, f);
    }, { passive: false });
  }

  private readonly W = 960;
  private readonly L = 110;
  private readonly R = 12;

  /** Number of VCPU tracks and of job slices in the trace. */
  get counts(): { tracks: number; slices: number } {
    return { tracks: this.tracks.length, slices: this.slices.length };
  }
  /** Visible range, µs of simulated time. */
  get range(): [number, number] {
    return [this.viewFrom, this.viewTo];
  }

  /** Zooms by `factor` (< 1: in) around fraction `at` (0..1) of the visible range. */
  zoom(factor: number, at = 0.5): void {
    const span = this.viewTo - this.viewFrom;
    const pivot = this.viewFrom + at * span;
    const next = Math.min(this.toUs - this.fromUs, Math.max(0.5, span * factor));
    let from = pivot - at * next;
    from = Math.max(this.fromUs, Math.min(from, this.toUs - next));
    this.viewFrom = from;
    this.viewTo = from + next;
    this.draw();
  }
  /** Moves the visible range by `fraction` of its width. */
  pan(fraction: number): void {
    const span = this.viewTo - this.viewFrom;
    const from = Math.max(this.fromUs, Math.min(this.viewFrom + fraction * span, this.toUs - span));
    this.viewFrom = from;
    this.viewTo = from + span;
    this.draw();
  }
  reset(): void {
    this.viewFrom = this.fromUs;
    this.viewTo = this.toUs;
    this.draw();
  }

  draw(): void {
    const { W, L, R } = this;
    const rowH = 22, T = 8, axisH = 26, legendH = 20;
    const H = T + this.tracks.length * rowH + axisH + legendH;
    const el = this.el;
    el.setAttribute("viewBox", `0 0 ${W} ${H}`);
    el.replaceChildren();
    const span = this.viewTo - this.viewFrom;
    const x = (us: number): number => L + ((W - L - R) * (us - this.viewFrom)) / span;
    this.tracks.forEach((name, i) => {
      el.append(svg("text", { x: L - 6, y: T + i * rowH + 15, "text-anchor": "end" }, name));
      el.append(svg("line", { class: "grid", x1: L, x2: W - R, y1: T + (i + 1) * rowH - 1, y2: T + (i + 1) * rowH - 1 }));
    });
    const g = svg("g", { "data-testid": "timeline-slices" });
    let shown = 0;
    for (const s of this.slices) {
      if (s.endUs <= this.viewFrom || s.startUs >= this.viewTo) continue;
      const x0 = Math.max(L, x(s.startUs));
      const x1 = Math.min(W - R, x(s.endUs));
      const r = svg("rect", { x: x0.toFixed(2), y: T + s.track * rowH + 2, width: Math.max(0.6, x1 - x0).toFixed(2), height: rowH - 5, fill: colorOf(s.name) });
      r.append(svg("title", {}, `${s.name}\n${(s.endUs - s.startUs).toFixed(3)} µs from ${(s.startUs / 1e3).toFixed(4)} ms`));
      g.append(r);
      shown++;
    }
    el.append(g);
    const yAxis = T + this.tracks.length * rowH;
    el.append(svg("line", { class: "axis", x1: L, x2: W - R, y1: yAxis, y2: yAxis }));
    const step = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].find((st) => span / st <= 8) ?? 1000;
    for (let t = Math.ceil(this.viewFrom / step) * step; t <= this.viewTo + 1e-9; t += step) {
      el.append(svg("line", { class: "axis", x1: x(t), x2: x(t), y1: yAxis, y2: yAxis + 4 }));
      el.append(svg("text", { x: x(t), y: yAxis + 16, "text-anchor": "middle" }, `${+(t / 1e3).toFixed(6)}`));
    }
    el.append(svg("text", { x: L - 6, y: yAxis + 16, "text-anchor": "end" }, "simulated ms"));
    let lx = L;
    for (const [, color, label] of JOB_COLORS) {
      el.append(svg("rect", { x: lx, y: yAxis + legendH + 2, width: 10, height: 10, fill: color }));
      const t = svg("text", { x: lx + 14, y: yAxis + legendH + 11 }, label);
      el.append(t);
      lx += 24 + label.length * 6.2;
    }
    el.setAttribute("aria-label", `Timeline of ${this.tracks.length} VCPUs from ${(this.viewFrom / 1e3).toFixed(3)} to ${(this.viewTo / 1e3).toFixed(3)} ms: ${shown} jobs shown`);
    el.dataset["shown"] = String(shown);
  }
}
