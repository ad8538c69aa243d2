// Looking inside a run on the page: live series while it runs (goodput per guest, utilization
// per VCPU, one line per entity over simulated time) and, when it has finished, a zoomable
// timeline of the short window the run traced (a track per VCPU, a bar per job, as in the trace
// file the page offers for download). Plain DOM and inline SVG, drawn by the page itself.

import type { LiveSample, ResolvedConfig } from "../src/browser/index.js";
import { parseTimeline, timelineNodes, TIMELINE_LAYOUT, type SvgNode, type TimelineData } from "../src/trace/timeline.js";
import { svg } from "./dom.js";

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

/** The SVG element of one node of the shared timeline picture. */
function toDom(n: SvgNode): SVGElement {
  const el = svg(n.tag as keyof SVGElementTagNameMap, n.attrs, n.text);
  for (const c of n.children ?? []) el.append(toDom(c));
  return el;
}

/** The page's own timeline of a Chrome Trace Event JSON text: VCPU tracks, job bars, zoom. */
export class Timeline {
  private readonly data: TimelineData;
  private readonly fromUs: number;
  private readonly toUs: number;
  private viewFrom: number;
  private viewTo: number;

  constructor(
    private readonly el: SVGSVGElement,
    readonly text: string,
  ) {
    this.data = parseTimeline(text);
    this.fromUs = this.data.fromUs;
    this.toUs = this.data.toUs;
    this.viewFrom = this.fromUs;
    this.viewTo = this.toUs;
    el.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const box = el.getBoundingClientRect();
      const f = Math.min(1, Math.max(0, (ev.clientX - box.left - (this.L * box.width) / this.W) / (((this.W - this.L - this.R) * box.width) / this.W)));
      this.zoom(ev.deltaY < 0 ? 0.5 : 2, f);
    }, { passive: false });
  }

  private readonly W = TIMELINE_LAYOUT.width;
  private readonly L = TIMELINE_LAYOUT.left;
  private readonly R = TIMELINE_LAYOUT.right;

  /** Number of VCPU tracks and of job slices in the trace. */
  get counts(): { tracks: number; slices: number } {
    return { tracks: this.data.tracks.length, slices: this.data.slices.length };
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
    const pic = timelineNodes(this.data, this.viewFrom, this.viewTo);
    const el = this.el;
    el.setAttribute("viewBox", `0 0 ${pic.width} ${pic.height}`);
    el.replaceChildren(...pic.nodes.map(toDom));
    el.setAttribute("aria-label", pic.label);
    el.dataset["shown"] = String(pic.shown);
  }
}
