// What a sweep's metrics and axes mean, for reports: a readable name, the unit, the physical range
// of a metric (so that no interval is drawn where the quantity cannot be) and how an axis is drawn
// (numbers, integers or categories). Units come from the parameter table (src/config/params.ts)
// and the counter table (src/report/stats.ts); the result fields that are neither are listed here.

import { PARAM_BY_PATH } from "../config/params.js";
import { EVENT_COUNTERS, DROP_COUNTERS } from "../report/stats.js";
import type { ResolvedConfig } from "../config/schema.js";

export interface MetricInfo {
  path: string;
  /** Readable name, e.g. "p99 latency". */
  label: string;
  /** Unit as printed after the value ("Gb/s", "µs", "" for a plain ratio). */
  unit: string;
  /** "label (unit)", or the label alone when there is no unit. */
  title: string;
  /** Values are whole numbers (counts). */
  integer: boolean;
  /**
   * Physical range of the metric at one point of the sweep (null: unbounded on that side). The
   * upper bound may depend on the point's configuration (a goodput cannot exceed its links' rate).
   */
  bounds: (config: ResolvedConfig | null) => [number | null, number | null];
}

/** TCP goodput over Ethernet at MTU m with timestamps: payload m-52 per m+38 bytes on the wire. */
export function tcpGoodputCeilingGbps(config: ResolvedConfig): number {
  const c = config as unknown as { nic: { ports: number; rateGbps: number }; tcp?: { mtuBytes?: number } };
  const mtu = c.tcp?.mtuBytes ?? 1500;
  return c.nic.ports * c.nic.rateGbps * ((mtu - 52) / (mtu + 38));
}

/** Line rate of all NIC ports, Gb/s: no delivered bit rate exceeds it. */
function lineRateGbps(config: ResolvedConfig): number {
  const c = config as unknown as { nic: { ports: number; rateGbps: number } };
  return c.nic.ports * c.nic.rateGbps;
}

function dom0Vcpus(config: ResolvedConfig | null): number | null {
  const v = (config as unknown as { dom0?: { vcpus?: number } } | null)?.dom0?.vcpus;
  return typeof v === "number" ? v : null;
}

const nonNegative = (): [number, null] => [0, null];
const fraction = (): [number, number] => [0, 1];

interface Known {
  label: string;
  unit: string;
  integer?: boolean;
  bounds?: MetricInfo["bounds"];
}

/** Result fields that are not counters: names, units and ranges. */
const KNOWN: Record<string, Known> = {
  "throughput.aggregateGbps": {
    label: "aggregate TCP goodput",
    unit: "Gb/s",
    bounds: (c) => [0, c ? tcpGoodputCeilingGbps(c) : null],
  },
  "summary.dom0CpuMax": { label: "busiest dom0 VCPU", unit: "busy fraction", bounds: fraction },
  "summary.dom0CpuTotal": { label: "dom0 CPU, all VCPUs", unit: "VCPUs busy", bounds: (c) => [0, dom0Vcpus(c)] },
  "summary.guestCpuMean": { label: "guest VCPU, mean", unit: "busy fraction", bounds: fraction },
  "summary.guestCpuMax": { label: "busiest guest VCPU", unit: "busy fraction", bounds: fraction },
  "summary.dropsTotal": { label: "packets dropped", unit: "segments", integer: true },
  "summary.minVmGoodputGbps": {
    label: "slowest guest's goodput",
    unit: "Gb/s",
    bounds: (c) => [0, c ? tcpGoodputCeilingGbps(c) : null],
  },
  "latency.count": { label: "latency samples", unit: "packets", integer: true },
  "latency.meanUs": { label: "mean latency", unit: "µs" },
  "latency.p50Us": { label: "median latency", unit: "µs" },
  "latency.p99Us": { label: "p99 latency", unit: "µs" },
  "latency.maxUs": { label: "maximum latency", unit: "µs" },
  "derived.notificationsPerPacket": { label: "interdomain notifications per packet", unit: "per packet" },
  "derived.netbackNotificationsPerPacket": { label: "netback notifications per packet", unit: "per packet" },
  "derived.evtchnSendsPerPacket": { label: "event-channel sends per packet", unit: "per packet" },
  "derived.upcallsPerPacket": { label: "upcalls per packet", unit: "per packet" },
  "derived.nicInterruptsPerPacket": { label: "NIC interrupts per packet", unit: "per packet" },
  "derived.hypercallsPerPacket": { label: "hypercalls per packet", unit: "per packet" },
  "derived.packetsPerNetbackRxRun": { label: "packets per netback RX run", unit: "packets/run" },
  "derived.guestCyclesPerByte": { label: "guest cycles per payload byte", unit: "cycles/byte" },
  "derived.segmentsPerLroAggregate": { label: "segments per LRO aggregate", unit: "segments" },
  "derived.stageWaitMeanUs": { label: "mean stage wait", unit: "µs" },
  "derived.stageWaitSamples": { label: "stage wait samples", unit: "samples", integer: true },
  "derived.maxPendingEvents": { label: "largest event queue", unit: "events", integer: true },
  "conservation.injected": { label: "packets injected", unit: "packets", integer: true },
  "conservation.delivered": { label: "packets delivered", unit: "packets", integer: true },
  "conservation.dropped": { label: "packets dropped", unit: "packets", integer: true },
  "conservation.inFlight": { label: "packets in flight", unit: "packets", integer: true },
  "perf.wallSeconds": { label: "wall time", unit: "s" },
  "perf.simulatedSeconds": { label: "simulated time", unit: "s" },
  "perf.eventsProcessed": { label: "events processed", unit: "events", integer: true },
  "perf.packetsSimulated": { label: "packets simulated", unit: "packets", integer: true },
};

/** Unit from a field name's suffix, for paths nobody listed. */
function unitFromName(name: string): string {
  if (/Gbps$/.test(name)) return "Gb/s";
  if (/Us$/.test(name)) return "µs";
  if (/Ms$/.test(name)) return "ms";
  if (/Cycles$/.test(name)) return "cycles";
  if (/Bytes$/.test(name)) return "bytes";
  if (/PerPacket$/.test(name)) return "per packet";
  if (/[Uu]tilization$/.test(name)) return "busy fraction";
  return "";
}

const titleOf = (label: string, unit: string): string => (unit ? `${label} (${unit})` : label);

/** Name, unit and range of a metric path as kept in sweep records. */
export function metricInfo(path: string): MetricInfo {
  const k = KNOWN[path];
  if (k)
    return {
      path,
      label: k.label,
      unit: k.unit,
      title: titleOf(k.label, k.unit),
      integer: k.integer ?? false,
      bounds: k.bounds ?? nonNegative,
    };
  const [section, ...rest] = path.split(".");
  const last = rest[rest.length - 1] ?? path;
  if (section === "events") {
    const c = EVENT_COUNTERS.find((e) => e.name === last);
    const unit = c?.unit ?? "events";
    return { path, label: last, unit, title: titleOf(last, unit), integer: true, bounds: nonNegative };
  }
  if (section === "drops") {
    const c = DROP_COUNTERS.find((e) => e.name === last);
    const unit = c?.unit ?? "packets";
    const label = `dropped: ${last.replace(/_/g, " ")}`;
    return { path, label, unit, title: titleOf(label, unit), integer: true, bounds: nonNegative };
  }
  // A VCPU's busy fraction, in all or in one component.
  const busy = (label: string): MetricInfo => ({
    path,
    label,
    unit: "busy fraction",
    title: titleOf(label, "busy fraction"),
    integer: false,
    bounds: fraction,
  });
  if (section === "cpu" && last === "utilization") return busy(`VCPU ${rest[0] ?? "?"} busy`);
  if (section === "cpu" && rest[1] === "components") return busy(`VCPU ${rest[0] ?? "?"}: ${last}`);
  if (section === "throughput") {
    const unit = unitFromName(last) || "Gb/s";
    return {
      path,
      label: path.replace(/^throughput\./, "").replace(/\./g, " "),
      unit,
      title: titleOf(path.replace(/^throughput\./, "").replace(/\./g, " "), unit),
      integer: false,
      bounds: (c) => [0, c ? lineRateGbps(c) : null],
    };
  }
  const unit = unitFromName(last);
  return { path, label: path, unit, title: titleOf(path, unit), integer: false, bounds: nonNegative };
}

/** How an axis is drawn. */
export type AxisScale = "integer" | "number" | "category";

export interface AxisDescription {
  name: string;
  /** "name (unit)" for a parameter with a unit, else the name. */
  title: string;
  unit: string;
  scale: AxisScale;
}

/**
 * An axis of a sweep: its unit when it is a parameter path (or named after one), and whether it
 * is drawn as numbers, integers or categories (strings, booleans, groups of values).
 */
export function describeAxis(name: string, values: readonly unknown[]): AxisDescription {
  const p = PARAM_BY_PATH.get(name);
  const unit = p?.unit ?? "";
  const numeric = values.length > 0 && values.every((v) => typeof v === "number" && Number.isFinite(v));
  let scale: AxisScale = "category";
  if (numeric) scale = p?.kind === "integer" || values.every((v) => Number.isInteger(v)) ? "integer" : "number";
  if (p && (p.kind === "enum" || p.kind === "boolean")) scale = "category";
  return { name, title: unit ? `${name} (${unit})` : name, unit, scale };
}
