// The demo page: pick a preset, change the paper's knobs, run the simulation in a Web Worker
// (pvnetsim/browser) and draw aggregate and per-guest goodput and per-VCPU utilization by
// component as the run goes. Plain DOM and inline SVG. Test hooks: data-testid preset, run,
// aggregate-gbps (data-value = full precision), status ("done" once a run has finished).

import { html, svg } from "./dom.js";
import { drawSeries, Timeline } from "./observe.js";
import {
  ConfigError,
  PARAMS,
  PRESETS,
  presetNames,
  resolveConfig,
  describeParam,
  loadWasm,
  simulate,
  type BrowserProgress,
  type LiveSample,
  type ResolvedConfig,
  type SimResult,
  type ParamSpec,
} from "../src/browser/index.js";
import { PAPER_FIGURES } from "../src/paper.js";
import { COMPONENT_COLORS, MARK_COLORS } from "../src/report/palette.js";

// The paper's published aggregates (Zhang et al., CloudCom 2010), drawn on the throughput chart.
const PAPER_BASELINE_GBPS = PAPER_FIGURES.baselineGbps.value;
const PAPER_ALL_FOUR_GBPS = PAPER_FIGURES.allFourGbps.value;
/**
 * Events per chunk: about 20 simulated ms at 4 Gb/s, so a default run draws ~60 live updates.
 * Each chunk ends with a yield in the worker (a clamped timer, several ms): 8192 made a default
 * run 3.6x slower than 32768 in Chromium here.
 */
const CHUNK_EVENTS = 32768;

const COMPONENTS = Object.keys(COMPONENT_COLORS);

// The page quotes the paper's figures from the one table (elements marked data-paper="<figure>").
for (const el of document.querySelectorAll<HTMLElement>("[data-paper]")) {
  const f = PAPER_FIGURES[el.dataset["paper"] as keyof typeof PAPER_FIGURES];
  if (f) el.textContent = `${f.value} ${f.unit}`;
}

interface Control {
  path: string;
  label: string;
  group: string;
}
const CONTROLS: Control[] = [
  { path: "dom0.vcpus", label: "dom0 VCPUs", group: "Host" },
  { path: "guests.count", label: "Guests", group: "Host" },
  { path: "guests.vcpus", label: "VCPUs per guest", group: "Host" },
  { path: "cpu.pcpus", label: "PCPUs", group: "Host" },
  { path: "dom0.weight", label: "dom0 credit weight", group: "Host" },
  { path: "dom0.capPercent", label: "dom0 cap, % of a PCPU (0 = none)", group: "Host" },
  { path: "nic.ports", label: "NIC ports", group: "NIC" },
  { path: "nic.rateGbps", label: "Link rate per port, Gb/s", group: "NIC" },
  { path: "nic.sriov.guests", label: "Guests on SR-IOV VFs (0 = none)", group: "NIC" },
  { path: "nic.sriov.vfsPerPort", label: "VFs per port", group: "NIC" },
  { path: "links.rxLossRate", label: "Loss toward the host", group: "Links and clients" },
  { path: "links.txLossRate", label: "Loss from the host", group: "Links and clients" },
  { path: "nic.propagationDelayNs", label: "Wire delay, ns", group: "Links and clients" },
  { path: "clients.perPort", label: "Clients per port (0 = one host)", group: "Links and clients" },
  { path: "clients.accessRateGbps", label: "Client access link, Gb/s", group: "Links and clients" },
  { path: "clients.switchBufferBytes", label: "Switch buffer per port, bytes", group: "Links and clients" },
  { path: "netback.mode", label: "Netback bottom halves", group: "Netback" },
  { path: "netback.groups", label: "Netback groups (0 = one per dom0 VCPU)", group: "Netback" },
  { path: "netback.multiQueue", label: "Multi-queue: NIC DMAs into guest buffers", group: "Netback" },
  { path: "netback.grantReuse", label: "Grant reuse: no per-packet map/unmap", group: "Netback" },
  { path: "evtchn.dispatch", label: "Event-channel dispatch", group: "Events" },
  { path: "netback.coalesce.count", label: "Notify after N responses", group: "Events" },
  { path: "netback.coalesce.timeUs", label: "... or after, µs", group: "Events" },
  { path: "netfront.lro.enabled", label: "LRO in netfront", group: "Netfront" },
  { path: "durationMs", label: "Measured, ms", group: "Run" },
  { path: "warmupMs", label: "Warm-up, ms", group: "Run" },
  { path: "seed", label: "Seed", group: "Run" },
];

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} is missing`);
  return el as T;
};
const specOf = (path: string): ParamSpec => {
  const s = PARAMS.find((p) => p.path === path);
  if (!s) throw new Error(`unknown parameter ${path}`);
  return s;
};
function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
/** A preset's own value for a parameter (not resolved: netback.groups stays 0 = one per VCPU). */
const presetValue = (preset: string, path: string): unknown => getPath(PRESETS[preset]?.config, path) ?? specOf(path).default;

// ---------------------------------------------------------------- form
const presetSelect = $<HTMLSelectElement>("preset");
const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
let fitPcpus: HTMLInputElement;

function buildForm(): void {
  for (const name of presetNames) presetSelect.append(html("option", { value: name }, name));
  const fields = $("fields");
  const groups = new Map<string, HTMLFieldSetElement>();
  for (const c of CONTROLS) {
    let fs = groups.get(c.group);
    if (!fs) {
      fs = html("fieldset");
      fs.append(html("legend", {}, c.group));
      fields.append(fs);
      groups.set(c.group, fs);
    }
    const spec = specOf(c.path);
    const id = `p-${c.path.replace(/\./g, "-")}`;
    const row = html("div", { class: "field" });
    const label = html("label", { for: id }, c.label);
    let input: HTMLInputElement | HTMLSelectElement;
    if (spec.kind === "enum") {
      input = html("select", { id });
      for (const v of spec.values ?? []) input.append(html("option", { value: v }, v));
    } else if (spec.kind === "boolean") {
      input = html("input", { id, type: "checkbox" });
    } else {
      input = html("input", { id, type: "number", inputmode: spec.kind === "integer" ? "numeric" : "decimal", step: spec.kind === "integer" ? "1" : "any" });
      const min = spec.min ?? spec.gt;
      if (min !== undefined) input.setAttribute("min", String(min));
      if (spec.max !== undefined) input.setAttribute("max", String(spec.max));
    }
    // The tooltip carries what `pvnetsim params` prints: help, unit, allowed range, source.
    input.setAttribute("title", `${c.path}: ${spec.help}${spec.unit ? ` Unit: ${spec.unit}.` : ""} Allowed: ${describeParam(spec)}. Source: ${spec.source}.`);
    input.dataset["path"] = c.path;
    row.append(label, input);
    fs.append(row);
    inputs.set(c.path, input);
    if (c.path === "cpu.pcpus") {
      const fitRow = html("div", { class: "field sub" });
      fitPcpus = html("input", { id: "fit-pcpus", type: "checkbox" });
      fitPcpus.checked = true;
      fitRow.append(html("label", { for: "fit-pcpus" }, "One PCPU per VCPU (size automatically)"), fitPcpus);
      fs.append(fitRow);
    }
  }
}

function readValue(path: string): unknown {
  const el = inputs.get(path)!;
  const spec = specOf(path);
  if (spec.kind === "boolean") return (el as HTMLInputElement).checked;
  if (spec.kind === "enum") return el.value;
  // Pass what was typed when it is not a number: resolveConfig names the field and what is allowed.
  return el.value.trim() === "" || !Number.isFinite(Number(el.value)) ? el.value : Number(el.value);
}
function writeValue(path: string, v: unknown): void {
  const el = inputs.get(path)!;
  if (specOf(path).kind === "boolean") (el as HTMLInputElement).checked = v === true;
  else el.value = String(v);
}

/** Keeps cpu.pcpus = dom0 VCPUs + guests x VCPUs while "one PCPU per VCPU" is on. */
function syncPcpus(): void {
  const pc = inputs.get("cpu.pcpus") as HTMLInputElement;
  pc.readOnly = fitPcpus.checked;
  pc.setAttribute("aria-readonly", String(fitPcpus.checked));
  if (!fitPcpus.checked) return;
  const [d, n, g] = ["dom0.vcpus", "guests.count", "guests.vcpus"].map((p) => Number(readValue(p)));
  if ([d, n, g].every((x) => Number.isInteger(x) && x! > 0)) pc.value = String(d! + n! * g!);
}

function loadPreset(name: string): void {
  for (const c of CONTROLS) writeValue(c.path, presetValue(name, c.path));
  $("preset-desc").textContent = PRESETS[name]?.description ?? "";
  syncPcpus();
  validate();
}

/** Parameters whose value differs from the preset's (what --set would say). */
function overrides(): Record<string, unknown> {
  const preset = presetSelect.value;
  const out: Record<string, unknown> = {};
  for (const c of CONTROLS) {
    const v = readValue(c.path);
    if (v !== presetValue(preset, c.path)) out[c.path] = v;
  }
  return out;
}

/** Resolves the form into a config, showing the ConfigError message when it is not valid. */
function validate(): ResolvedConfig | null {
  const err = $("config-error");
  const ov = overrides();
  $("cli").textContent = ["pvnetsim run", presetSelect.value, ...Object.entries(ov).map(([k, v]) => `--set ${k}=${String(v)}`)].join(" ");
  try {
    const cfg = resolveConfig(presetSelect.value, ov);
    err.textContent = "";
    for (const el of inputs.values()) el.removeAttribute("aria-invalid");
    if (!running) runButton.disabled = false;
    return cfg;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err.textContent = e.message;
    for (const [path, el] of inputs) el.setAttribute("aria-invalid", String(e.field === path || e.field.startsWith(`${path}[`)));
    runButton.disabled = true;
    return null;
  }
}

// ---------------------------------------------------------------- charts
interface RunView {
  config: ResolvedConfig;
  samples: LiveSample[];
  last: LiveSample | null;
  progress: BrowserProgress | null;
  result: SimResult | null;
}
let view: RunView | null = null;
let highlighted: string | null = null;

function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}
const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : "–");

/** 1, 2 or 5 times a power of ten, at least `x`. */
function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(x, 1e-9)));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= x) ?? 10 * p;
}

function drawTime(v: RunView | null): void {
  const el = $("chart-time") as unknown as SVGSVGElement;
  const W = 640, H = 220, L = 44, R = 150, T = 10, B = 28;
  el.setAttribute("viewBox", `0 0 ${W} ${H}`);
  clear(el);
  const c = v?.config;
  const totalMs = c ? c.warmupMs + c.durationMs : 1200;
  const lineRate = c ? c.nic.ports * c.nic.rateGbps : 4;
  const maxSample = Math.max(0, ...(v?.samples ?? []).map((s) => s.aggregateGbps));
  const yMax = Math.max(4, Math.ceil(Math.max(maxSample, Math.min(lineRate, 4 * PAPER_ALL_FOUR_GBPS)) * 1.05));
  const x = (ms: number): number => L + ((W - L - R) * ms) / totalMs;
  const y = (g: number): number => T + (H - T - B) * (1 - Math.min(g, yMax) / yMax);
  if (c && c.warmupMs > 0) el.append(svg("rect", { class: "warmup", x: x(0), y: T, width: x(c.warmupMs) - x(0), height: H - T - B }));
  const step = yMax <= 5 ? 1 : Math.ceil(yMax / 5);
  for (let g = 0; g <= yMax; g += step) {
    el.append(svg("line", { class: "grid", x1: L, x2: W - R, y1: y(g), y2: y(g) }));
    el.append(svg("text", { x: L - 6, y: y(g) + 4, "text-anchor": "end" }, String(g)));
  }
  el.append(svg("text", { x: 10, y: T + (H - T - B) / 2, transform: `rotate(-90 10 ${T + (H - T - B) / 2})`, "text-anchor": "middle" }, "Gb/s"));
  el.append(svg("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }));
  const tick = niceStep(totalMs / 5);
  for (let ms = 0; ms <= totalMs + 1e-9; ms += tick) {
    el.append(svg("line", { class: "axis", x1: x(ms), x2: x(ms), y1: H - B, y2: H - B + 4 }));
    el.append(svg("text", { x: x(ms), y: H - B + 15, "text-anchor": "middle" }, `${+ms.toPrecision(6)}`));
  }
  el.append(svg("text", { x: W - R, y: H - 2, "text-anchor": "end" }, "simulated ms"));
  const labels: Array<{ y: number; text: string; attrs: Record<string, string> }> = [];
  const ref = (g: number, label: string, color: string): void => {
    el.append(svg("line", { class: "paper", stroke: color, x1: L, x2: W - R, y1: y(g), y2: y(g) }));
    labels.push({ y: y(g) + 4, text: label, attrs: { fill: color } });
  };
  ref(PAPER_BASELINE_GBPS, `paper baseline ${PAPER_BASELINE_GBPS}`, MARK_COLORS.paper);
  ref(PAPER_ALL_FOUR_GBPS, `paper, all four ${PAPER_ALL_FOUR_GBPS}`, MARK_COLORS.paper);
  if (lineRate <= yMax) {
    el.append(svg("line", { class: "grid", "stroke-dasharray": "2 3", stroke: MARK_COLORS.ceiling, x1: L, x2: W - R, y1: y(lineRate), y2: y(lineRate) }));
    labels.push({ y: y(lineRate) + 4, text: `line rate ${fmt(lineRate, 1)}`, attrs: { fill: MARK_COLORS.ceiling } });
  }
  if (v && v.samples.length > 0) {
    const pts: string[] = [];
    for (const s of v.samples) {
      pts.push(`${x(s.simulatedMs - s.windowMs).toFixed(1)},${y(s.aggregateGbps).toFixed(1)}`);
      pts.push(`${x(s.simulatedMs).toFixed(1)},${y(s.aggregateGbps).toFixed(1)}`);
    }
    el.append(svg("polyline", { class: "series", points: pts.join(" ") }));
  }
  if (v?.result && v.result.state === "completed") {
    const g = v.result.throughput.aggregateGbps;
    el.append(svg("line", { class: "final", x1: x(c!.warmupMs), x2: W - R, y1: y(g), y2: y(g) }));
    labels.push({ y: y(g) + 4, text: `this run ${fmt(g, 3)}`, attrs: { "font-weight": "bold" } });
  }
  // Right-hand labels, moved apart where their lines are close.
  labels.sort((a, b) => a.y - b.y);
  labels.forEach((l, i) => {
    if (i > 0) l.y = Math.max(l.y, labels[i - 1]!.y + 13);
    el.append(svg("text", { x: W - R + 4, y: l.y, ...l.attrs }, l.text));
  });
  const lastG = v?.last?.aggregateGbps;
  el.setAttribute("aria-label", v ? `Aggregate goodput over simulated time; latest window ${fmt(lastG ?? NaN)} Gb/s; paper: ${PAPER_BASELINE_GBPS} baseline, ${PAPER_ALL_FOUR_GBPS} with all four techniques` : "no run yet");
}

/** Lays out one labelled row per name; `right` leaves room for value labels after the bars. */
function barRows(el: SVGSVGElement, rows: string[], width: number, right = 16): { y: (i: number) => number; x0: number; w: number } {
  const rowH = 18, L = 64, T = 6, B = 22;
  const H = T + rows.length * rowH + B;
  el.setAttribute("viewBox", `0 0 ${width} ${H}`);
  clear(el);
  rows.forEach((name, i) => el.append(svg("text", { x: L - 6, y: T + i * rowH + 13, "text-anchor": "end" }, name)));
  return { y: (i) => T + i * rowH + 2, x0: L, w: width - L - right };
}

function drawGuests(v: RunView | null): void {
  const el = $("chart-guests") as unknown as SVGSVGElement;
  if (!v) return void barRows(el, [], 360);
  const N = v.config.guests.count;
  const names = Array.from({ length: N }, (_, i) => `domU${i}`);
  const { y, x0, w } = barRows(el, names, 360, 48);
  const final = v.result?.state === "completed" ? v.result.throughput.perVm.map((p) => p.goodputGbps) : null;
  const window = v.last?.perVmGbps ?? [];
  const measured = final ?? v.last?.measuredPerVmGbps ?? null;
  const shown = final ?? window;
  const max = Math.max(v.config.nic.rateGbps, ...window, ...(measured ?? []));
  const sx = (g: number): number => x0 + (w * Math.max(0, g)) / max;
  const axisY = y(N) + 2;
  el.append(svg("line", { class: "axis", x1: x0, x2: x0 + w, y1: axisY, y2: axisY }));
  el.append(svg("text", { x: x0, y: axisY + 13 }, "0"));
  el.append(svg("text", { x: x0 + w, y: axisY + 13, "text-anchor": "end" }, `${fmt(max, 2)} Gb/s`));
  for (let i = 0; i < N; i++) {
    const g = shown[i] ?? 0;
    el.append(svg("rect", { x: x0, y: y(i), width: sx(g) - x0, height: 14, fill: final ? "#1d4ed8" : "#93c5fd" }));
    if (measured && !final) el.append(svg("line", { class: "final", x1: sx(measured[i]!), x2: sx(measured[i]!), y1: y(i) - 1, y2: y(i) + 15 }));
    el.append(svg("text", { x: x0 + w + 4, y: y(i) + 11 }, fmt(measured?.[i] ?? g, 3)));
  }
  el.setAttribute("aria-label", `Per-guest goodput, Gb/s (${final ? "measured interval" : "measured so far"}): ${names.map((n, i) => `${n} ${fmt(measured?.[i] ?? shown[i] ?? 0, 3)}`).join(", ")}`);
}

function drawCpu(v: RunView | null): void {
  const el = $("chart-cpu") as unknown as SVGSVGElement;
  if (!v) return void barRows(el, [], 380);
  const done = v.result?.state === "completed";
  const cpus = done
    ? v.result!.cpu.map((c) => ({ name: `${c.domain}.${c.vcpu}`, breakdown: c.breakdown, utilization: c.utilization }))
    : (v.last?.cpu ?? []).map((c) => ({ name: `${c.domain}.${c.vcpu}`, breakdown: c.breakdown, utilization: c.utilization }));
  const { y, x0, w } = barRows(el, cpus.map((c) => c.name), 380, 40);
  const axisY = y(cpus.length) + 2;
  el.append(svg("line", { class: "axis", x1: x0, x2: x0 + w, y1: axisY, y2: axisY }));
  for (const p of [0, 50, 100]) el.append(svg("text", { x: x0 + (w * p) / 100, y: axisY + 13, "text-anchor": p === 0 ? "start" : p === 100 ? "end" : "middle" }, `${p}%`));
  cpus.forEach((c, i) => {
    let x = x0;
    el.append(svg("rect", { x: x0, y: y(i), width: w, height: 14, fill: "#f1f5f9" }));
    for (const comp of COMPONENTS) {
      const f = c.breakdown[comp] ?? 0;
      if (f <= 0) continue;
      const width = w * Math.min(1, f);
      const r = svg("rect", { x, y: y(i), width, height: 14, fill: COMPONENT_COLORS[comp]!, opacity: highlighted && highlighted !== comp ? 0.18 : 1 });
      r.append(svg("title", {}, `${c.name} ${comp} ${(f * 100).toFixed(1)}%`));
      el.append(r);
      x += width;
    }
    el.append(svg("text", { x: x0 + w + 4, y: y(i) + 11 }, `${Math.round(c.utilization * 100)}%`));
  });
  el.setAttribute("aria-label", `Per-VCPU utilization: ${cpus.map((c) => `${c.name} ${Math.round(c.utilization * 100)}%`).join(", ")}`);
}

function buildLegend(): void {
  const legend = $("legend");
  for (const comp of COMPONENTS) {
    const b = html("button", { type: "button", "aria-pressed": "false", "data-testid": `highlight-${comp}`, "data-component": comp });
    const sw = html("span", { class: "swatch", "aria-hidden": "true" });
    sw.style.background = COMPONENT_COLORS[comp]!;
    b.append(sw, document.createTextNode(comp));
    b.addEventListener("click", (e) => {
      highlighted = highlighted === comp ? null : comp;
      for (const other of legend.querySelectorAll("button")) other.setAttribute("aria-pressed", String(other.dataset["component"] === highlighted));
      drawCpu(view);
      // Input latency of this click (for the browser tests): handled at, and delay since the event.
      document.body.dataset["lastClickHandledAt"] = String(performance.timeOrigin + performance.now());
      document.body.dataset["lastClickDelayMs"] = (performance.now() - e.timeStamp).toFixed(1);
    });
    legend.append(b);
  }
}

// ---------------------------------------------------------------- running
const runButton = $<HTMLButtonElement>("run");
const cancelButton = $<HTMLButtonElement>("cancel");
const statusEl = $<HTMLOutputElement>("status");
const progressEl = $<HTMLProgressElement>("progress");
const aggregateEl = $("aggregate");
let running = false;
let controller: AbortController | null = null;
let frame = 0;
let runCount = 0;

function setStatus(s: "idle" | "loading" | "running" | "done" | "cancelled" | "error"): void {
  statusEl.textContent = s;
  document.body.dataset["status"] = s;
}

function render(): void {
  frame = 0;
  const v = view;
  if (!v) return;
  const p = v.progress;
  if (p) {
    progressEl.value = p.fraction;
    $("progress-text").textContent = `${Math.round(p.fraction * 100)}% · ${fmt(p.simulatedMs, 0)} of ${fmt(p.totalMs, 0)} ms simulated · ${p.eventsProcessed.toLocaleString("en")} events`;
  }
  if (v.result) {
    const g = v.result.throughput.aggregateGbps;
    aggregateEl.textContent = v.result.state === "completed" ? g.toFixed(3) : "–";
    aggregateEl.dataset["value"] = v.result.state === "completed" ? String(g) : "";
    $("aggregate-note").textContent =
      v.result.state === "completed" ? `aggregate TCP goodput over the ${v.config.durationMs} ms measured interval (seed ${v.result.seed})` : `run ${v.result.state}`;
  } else if (v.last) {
    const m = v.last.measuredAggregateGbps;
    aggregateEl.textContent = m === null ? fmt(v.last.aggregateGbps, 3) : m.toFixed(3);
    aggregateEl.dataset["value"] = "";
    $("aggregate-note").textContent = m === null ? "warm-up: last window" : "measured so far";
  }
  drawTime(v);
  drawGuests(v);
  drawCpu(v);
  drawLive(v);
}

/** Live series: goodput per guest and utilization per VCPU over simulated time. */
function drawLive(v: RunView | null): void {
  const samples = v?.samples ?? [];
  const c = v?.config ?? null;
  const guests = c ? Array.from({ length: c.guests.count }, (_, i) => `domU${i}`) : [];
  drawSeries($("series-vm") as unknown as SVGSVGElement, c, samples, guests, (s) => s.perVmGbps, "Gb/s per guest", 0.1, (y) => y.toFixed(2));
  const vcpus = samples[0]?.cpu.map((u) => `${u.domain}.${u.vcpu}`) ?? [];
  drawSeries($("series-cpu") as unknown as SVGSVGElement, c, samples, vcpus, (s) => s.cpu.map((u) => u.utilization), "busy fraction", 1, (y) => `${Math.round(y * 100)}%`);
}

/** The timeline of the last run, and its trace for download. */
let timeline: Timeline | null = null;
const TIMELINE_BUTTONS = ["tl-in", "tl-out", "tl-left", "tl-right", "tl-reset", "trace-download"];
function showTimeline(text: string | null): void {
  timeline = text ? new Timeline($("timeline") as unknown as SVGSVGElement, text) : null;
  if (timeline) timeline.draw();
  else ($("timeline") as unknown as SVGSVGElement).replaceChildren();
  for (const id of TIMELINE_BUTTONS) ($(id) as HTMLButtonElement).disabled = timeline === null;
}
const scheduleRender = (): void => {
  if (!frame) frame = requestAnimationFrame(render);
};

function addHistory(v: RunView, r: SimResult, changes: Record<string, unknown>): void {
  const dom0 = r.cpu.filter((c) => c.domain === "dom0");
  const busiest = dom0.reduce((a, b) => (b.utilization > a.utilization ? b : a), dom0[0]!);
  const tr = html("tr");
  const cells: Array<[string, string?]> = [
    [String(++runCount)],
    [v.config.preset ?? "custom"],
    [Object.entries(changes).map(([k, x]) => `${k}=${String(x)}`).join(", ") || "none"],
    [r.state === "completed" ? r.throughput.aggregateGbps.toFixed(3) : r.state, "num"],
    [busiest ? `dom0.${busiest.vcpu} ${Math.round(busiest.utilization * 100)}%` : "–"],
    [r.perf.wallSeconds.toFixed(2), "num"],
  ];
  for (const [text, cls] of cells) tr.append(html("td", cls ? { class: cls } : {}, text));
  $("history").querySelector("tbody")!.prepend(tr);
}

async function run(): Promise<void> {
  if (running) return;
  const config = validate();
  if (!config) return;
  const changes = overrides();
  running = true;
  runButton.disabled = true;
  cancelButton.disabled = false;
  $("run-error").textContent = "";
  controller = new AbortController();
  view = { config, samples: [], last: null, progress: null, result: null };
  aggregateEl.textContent = "–";
  aggregateEl.dataset["value"] = "";
  setStatus("loading");
  render();
  try {
    const module = await traceWasm;
    setStatus("running");
    const v = view;
    showTimeline(null);
    let traceText: string | null = null;
    const result = await simulate(config, {
      module,
      // The first 2 ms of the measured interval, traced for the timeline (the trace build gives
      // the same result as the release build).
      trace: { fromMs: config.warmupMs, toMs: Math.min(config.warmupMs + 2, config.warmupMs + config.durationMs), flowSampleEvery: 16, onText: (t) => void (traceText = t) },
      workerUrl: new URL("./worker.js", document.baseURI),
      chunkEvents: CHUNK_EVENTS,
      signal: controller.signal,
      onProgress: (p) => {
        v.progress = p;
        if (p.live) {
          v.samples.push(p.live);
          v.last = p.live;
        }
        scheduleRender();
      },
    });
    v.result = result;
    if (result.state === "completed") showTimeline(traceText);
    (window as unknown as { pvnetsim: { lastResult: SimResult | null } }).pvnetsim.lastResult = result;
    if (frame) cancelAnimationFrame(frame);
    render();
    addHistory(v, result, changes);
    if (result.state === "errored") $("run-error").textContent = result.error ?? "the run failed";
    setStatus(result.state === "completed" ? "done" : result.state === "aborted" ? "cancelled" : "error");
  } catch (e) {
    $("run-error").textContent = e instanceof Error ? e.message : String(e);
    setStatus("error");
  } finally {
    running = false;
    controller = null;
    cancelButton.disabled = true;
    runButton.disabled = false;
    validate();
  }
}

// ---------------------------------------------------------------- start
/** For debugging and tests: the last run's full SimResult (the same object Node returns). */
(window as unknown as { pvnetsim: { lastResult: SimResult | null } }).pvnetsim = { lastResult: null };
buildForm();
buildLegend();
const wasm = loadWasm(new URL("./pvnetsim.wasm", document.baseURI)).then((w) => {
  document.body.dataset["wasmLoad"] = w.method;
  if (w.fallbackReason) console.warn(`pvnetsim: compiled the .wasm from a buffer: ${w.fallbackReason}`);
  return w.module;
});
/** The trace build: the release code with trace points compiled in, used for the page's runs. */
const traceWasm = loadWasm(new URL("./pvnetsim.trace.wasm", document.baseURI)).then((w) => w.module);
traceWasm.catch((e: unknown) => {
  $("run-error").textContent = `could not load the simulator: ${e instanceof Error ? e.message : String(e)}`;
  setStatus("error");
});
$("tl-in").addEventListener("click", () => timeline?.zoom(0.5));
$("tl-out").addEventListener("click", () => timeline?.zoom(2));
$("tl-left").addEventListener("click", () => timeline?.pan(-0.5));
$("tl-right").addEventListener("click", () => timeline?.pan(0.5));
$("tl-reset").addEventListener("click", () => timeline?.reset());
$("trace-download").addEventListener("click", () => {
  if (!timeline) return;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([timeline.text], { type: "application/json" }));
  a.download = `pvnetsim-${view?.config.preset ?? "run"}-seed${view?.config.seed ?? 0}-trace.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
});
wasm.catch((e: unknown) => {
  $("run-error").textContent = `could not load the simulator: ${e instanceof Error ? e.message : String(e)}`;
  setStatus("error");
});
presetSelect.addEventListener("change", () => loadPreset(presetSelect.value));
$("form").addEventListener("input", (e) => {
  if (e.target === presetSelect) return;
  syncPcpus();
  validate();
});
$("form").addEventListener("submit", (e) => {
  e.preventDefault();
  void run();
});
cancelButton.addEventListener("click", () => controller?.abort());
presetSelect.value = presetNames.includes("paper-baseline") ? "paper-baseline" : presetNames[0]!;
loadPreset(presetSelect.value);
setStatus("idle");
drawTime(null);
drawGuests(null);
drawCpu(null);
drawLive(null);
