// Time series of one run: the host half of the sampler in assembly/observe/sampler.ts.
//
// The model writes one record of raw counters and queue gauges per sample boundary into a
// bounded buffer; between chunks this collector copies the records out, turns consecutive pairs
// into per-interval values (rates, utilizations) and keeps them as columns, one array per series,
// each with its unit. Samples cover the measured interval only (after the warm-up), like every
// other number of the result, so a series' time-weighted mean equals the end-of-run figure.
//
// Busy time is charged to a VCPU when a job starts; at each boundary the record also holds the
// cycles of the job in progress that lie after it, so a job straddling a boundary is split
// between the two intervals exactly as the end-of-run utilization splits jobs at its edges.

import * as L from "../abi/layout.js";
import { ConfigError, type ResolvedConfig } from "../config/schema.js";
import type { derive } from "../config/pack.js";
import { COMPONENT_NAMES } from "../report/components.js";
import { DROP_COUNTERS, EVENT_COUNTERS } from "../report/stats.js";
import { CounterLayout } from "../report/counters.js";

/** One sampled quantity: its unit, what it is, and one value per interval. */
export interface Series {
  unit: string;
  description: string;
  values: number[];
}

/** Columnar time series: `timeMs[k]` is the end of interval k; every series has one value per interval. */
export interface TimeSeries {
  /** Requested sampling interval, simulated ms (the last interval may be shorter). */
  intervalMs: number;
  /** Start of the first interval (the end of the warm-up), simulated ms since the run began. */
  startMs: number;
  /** End of each interval, simulated ms since the run began. */
  timeMs: number[];
  /** Series by name; rates and utilizations are over each interval, gauges are the value at its end. */
  series: Record<string, Series>;
}

/** The Wasm exports the collector uses. */
export interface SamplerExports {
  memory: WebAssembly.Memory;
  samplerInit(guests: number, interval: bigint, start: bigint, end: bigint, capacity: number): number;
  samplerRecordWords(): number;
  samplerCount(): number;
  samplerDrained(): void;
}

/** Most intervals one run may ask for (each series keeps one number per interval). */
export const MAX_INTERVALS = 200_000;
/** The model's sample buffer holds at most this many bytes; the host drains it between chunks. */
const BUFFER_BYTES = 1 << 20;

/** Checks a requested interval against the run; throws a ConfigError naming the field. */
export function checkInterval(intervalMs: unknown, r: ResolvedConfig): number {
  if (typeof intervalMs !== "number" || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new ConfigError("intervalMs", intervalMs, "a number of simulated ms > 0");
  }
  const least = r.durationMs / MAX_INTERVALS;
  if (intervalMs < least) {
    throw new ConfigError("intervalMs", intervalMs, `at least ${least} ms (durationMs / ${MAX_INTERVALS} intervals)`);
  }
  return intervalMs;
}

interface Layout {
  words: number;
  counters: number; // offset of the global counters
  guest: number;
  comp: number;
  after: number;
  rings: number;
  qdisc: number;
  nicRx: number;
  nicTx: number;
  flows: number;
  tail: number;
}

export class TimeSeriesCollector {
  private readonly lay: Layout;
  private readonly counterLayout: CounterLayout;
  private readonly cpuHz: number;
  private readonly N: number;
  private readonly V: number;
  private readonly flowsN: number;
  private readonly nq: number;
  private readonly ports: number;
  private readonly vcpuNames: string[];
  private prev: Float64Array | null = null;
  private readonly ptr: number;
  private readonly out: TimeSeries;
  private readonly cols: Record<string, number[]> = {};
  private readonly defs: Array<{
    name: string;
    unit: string;
    description: string;
    value: (a: Float64Array, b: Float64Array, dtSec: number) => number;
  }> = [];

  constructor(ex: SamplerExports, r: ResolvedConfig, d: ReturnType<typeof derive>, intervalMs: number) {
    checkInterval(intervalMs, r);
    this.cpuHz = d.cpuHz;
    const cl = new CounterLayout(r);
    this.counterLayout = cl;
    this.N = cl.guests;
    this.V = cl.vcpus;
    this.flowsN = d.flows;
    this.nq = r.nic.ports * r.nic.rxQueuesPerPort;
    this.ports = r.nic.ports;
    this.vcpuNames = Array.from({ length: this.V }, (_, v) => {
      const id = cl.vcpuIdentity(v);
      return `${id.domain}.${id.vcpu}`;
    });
    const interval = BigInt(Math.max(1, Math.round((intervalMs * d.cpuHz) / 1e3)));
    // The buffer is sized from the record layout, which host and model compute alike (checked).
    const lay = this.layout();
    const capacity = Math.max(4, Math.floor(BUFFER_BYTES / (lay.words * 8)));
    const ptr = ex.samplerInit(this.N, interval, BigInt(d.warmupCycles), BigInt(d.endCycles), capacity);
    if (ptr === 0) throw new ConfigError("intervalMs", intervalMs, "an interval of at least one CPU cycle");
    this.ptr = ptr;
    if (ex.samplerRecordWords() !== lay.words) {
      throw new Error(`time-series record size mismatch: model ${ex.samplerRecordWords()} words, host ${lay.words}`);
    }
    this.lay = lay;
    this.out = { intervalMs, startMs: r.warmupMs, timeMs: [], series: {} };
    this.define(r);
  }

  private layout(): Layout {
    // A record is the sample's time, then the stats region's counters as CounterLayout places
    // them (up to the latency histogram), then the sampled levels.
    const cl = this.counterLayout;
    const counters = 1;
    const guest = counters + cl.guestBase;
    const comp = counters + cl.compBase;
    const after = counters + cl.latBase;
    const rings = after + this.V;
    const qdisc = rings + 4 * this.N;
    const nicRx = qdisc + this.N;
    const nicTx = nicRx + this.nq;
    const flows = nicTx + this.ports;
    const tail = flows + 2 * this.flowsN;
    return { words: tail + 2, counters, guest, comp, after, rings, qdisc, nicRx, nicTx, flows, tail };
  }

  private define(r: ResolvedConfig): void {
    const lay = this.layout();
    const add = (
      name: string,
      unit: string,
      description: string,
      value: (a: Float64Array, b: Float64Array, dt: number) => number,
    ): void => {
      this.defs.push({ name, unit, description, value });
    };
    const delta =
      (i: number) =>
      (a: Float64Array, b: Float64Array): number =>
        b[i]! - a[i]!;
    const gbps =
      (i: number) =>
      (a: Float64Array, b: Float64Array, dt: number): number =>
        ((b[i]! - a[i]!) * 8) / dt / 1e9;
    const gauge =
      (i: number) =>
      (_a: Float64Array, b: Float64Array): number =>
        b[i]!;
    const rate =
      (i: number) =>
      (a: Float64Array, b: Float64Array, dt: number): number =>
        (b[i]! - a[i]!) / dt;
    // Goodput counts the data that entered the network after the warm-up, as in the result.
    const goodput =
      (all: number, early: number) =>
      (a: Float64Array, b: Float64Array, dt: number): number =>
        gbps(all)(a, b, dt) - gbps(early)(a, b, dt);

    // Throughput per VM, and in total.
    add(
      "aggregateGbps",
      "Gb/s",
      "TCP goodput delivered in order to all guest applications (received direction)",
      (a, b, dt) => {
        let s = 0;
        for (let g = 0; g < this.N; g++) {
          const base = lay.guest + g * L.GS_COUNT;
          s += goodput(base + L.GS_RX_APP_BYTES, base + L.GS_RX_APP_EARLY_BYTES)(a, b, dt);
        }
        return s;
      },
    );
    for (let g = 0; g < this.N; g++) {
      const base = lay.guest + g * L.GS_COUNT;
      add(
        `vm${g}.goodputGbps`,
        "Gb/s",
        `TCP goodput delivered in order to domU${g}'s application`,
        goodput(base + L.GS_RX_APP_BYTES, base + L.GS_RX_APP_EARLY_BYTES),
      );
      add(
        `vm${g}.txGoodputGbps`,
        "Gb/s",
        `TCP goodput sent by domU${g} and acknowledged`,
        goodput(base + L.GS_TX_ACKED_BYTES, base + L.GS_TX_ACKED_EARLY_BYTES),
      );
      add(
        `vm${g}.udpGbps`,
        "Gb/s",
        `UDP payload delivered to domU${g}'s application`,
        goodput(base + L.GS_UDP_APP_BYTES, base + L.GS_UDP_APP_EARLY_BYTES),
      );
    }
    // Utilization per VCPU, in total and by component.
    for (let v = 0; v < this.V; v++) {
      const name = this.vcpuNames[v]!;
      const cb = lay.comp + v * L.COMP_COUNT;
      const busy = (x: Float64Array): number => {
        let s = 0;
        for (let c = 0; c < L.COMP_COUNT; c++) s += x[cb + c]!;
        return s - x[lay.after + v]!;
      };
      const cycles = (dt: number): number => dt * this.cpuHz;
      add(
        `cpu.${name}.utilization`,
        "fraction",
        `busy fraction of VCPU ${name}`,
        (a, b, dt) => (busy(b) - busy(a)) / cycles(dt),
      );
      for (let c = 0; c < L.COMP_COUNT; c++) {
        add(
          `cpu.${name}.${COMPONENT_NAMES[c]}`,
          "fraction",
          `fraction of VCPU ${name} spent in ${COMPONENT_NAMES[c]}`,
          (a, b, dt) => {
            let charged = 0;
            for (let k = 0; k < L.COMP_COUNT; k++) charged += b[cb + k]! - a[cb + k]!;
            const scale = charged > 0 ? Math.max(0, busy(b) - busy(a)) / charged : 0;
            return ((b[cb + c]! - a[cb + c]!) * scale) / cycles(dt);
          },
        );
      }
    }
    // Queue gauges.
    for (let g = 0; g < this.N; g++) {
      const o = lay.rings + 4 * g;
      add(
        `vif${g}.txRing.requests`,
        "slots",
        `TX ring of vif ${g}: requests netfront posted that netback has not consumed`,
        gauge(o),
      );
      add(
        `vif${g}.txRing.responses`,
        "slots",
        `TX ring of vif ${g}: responses netback produced that netfront has not consumed`,
        gauge(o + 1),
      );
      add(
        `vif${g}.rxRing.requests`,
        "slots",
        `RX ring of vif ${g}: empty buffers netfront posted that netback has not filled`,
        gauge(o + 2),
      );
      add(
        `vif${g}.rxRing.responses`,
        "slots",
        `RX ring of vif ${g}: filled buffers netfront has not consumed`,
        gauge(o + 3),
      );
      add(`vif${g}.qdisc`, "packets", `packets queued in front of netback for vif ${g}`, gauge(lay.qdisc + g));
    }
    for (let q = 0; q < this.nq; q++) {
      add(
        `nic.rxq${q}.ring`,
        "descriptors",
        `NIC RX queue ${q}: descriptors holding a frame the driver has not cleaned`,
        gauge(lay.nicRx + q),
      );
    }
    for (let p = 0; p < this.ports; p++)
      add(
        `nic.port${p}.txQdisc`,
        "packets",
        `packets queued in front of NIC port ${p}'s TX ring`,
        gauge(lay.nicTx + p),
      );
    // Flows are numbered per guest, in the model's flow table order.
    for (let f = 0; f < this.flowsN; f++) {
      add(`flow${f}.cwnd`, "segments", `congestion window of TCP flow ${f}`, gauge(lay.flows + 2 * f));
      add(
        `flow${f}.rwnd`,
        "segments",
        `receive window TCP flow ${f}'s sender last heard`,
        gauge(lay.flows + 2 * f + 1),
      );
    }
    // Drops by stage and event rates.
    for (const c of DROP_COUNTERS) add(`drops.${c.name}`, "segments/s", c.description, rate(lay.counters + c.slot));
    add("events.engine", "events/s", "simulation events executed", rate(lay.counters + L.ST_EVENTS));
    add(
      "events.notifications",
      "events/s",
      "interdomain notifications sent (netback and netfront, both rings)",
      (a, b, dt) =>
        [L.ST_NOTIFY_NB_RX, L.ST_NOTIFY_NB_TX, L.ST_NOTIFY_NF_TX, L.ST_NOTIFY_NF_RX].reduce(
          (s, i) => s + delta(lay.counters + i)(a, b),
          0,
        ) / dt,
    );
    for (const c of EVENT_COUNTERS) add(`events.${c.name}`, `${c.unit}/s`, c.description, rate(lay.counters + c.slot));
    add("events.pending", "events", "events in the simulator's queue at the end of the interval", gauge(lay.tail));
    add(
      "packets.inUse",
      "packets",
      "packet records in use (in the system) at the end of the interval",
      gauge(lay.tail + 1),
    );
    for (const d of this.defs) {
      const values: number[] = [];
      this.cols[d.name] = values;
      this.out.series[d.name] = { unit: d.unit, description: d.description, values };
    }
  }

  /** Copies the model's buffered records out and lets it reuse the buffer. Call after every chunk. */
  drain(ex: SamplerExports): void {
    const n = ex.samplerCount();
    if (n === 0) return;
    const w = this.lay.words;
    const raw = new BigUint64Array(ex.memory.buffer, this.ptr, n * w);
    for (let k = 0; k < n; k++) {
      const rec = new Float64Array(w);
      for (let i = 0; i < w; i++) rec[i] = Number(raw[k * w + i]!);
      if (this.prev) this.push(this.prev, rec);
      this.prev = rec;
    }
    ex.samplerDrained();
  }

  private push(a: Float64Array, b: Float64Array): void {
    const dt = (b[0]! - a[0]!) / this.cpuHz;
    if (dt <= 0) return;
    this.out.timeMs.push((b[0]! / this.cpuHz) * 1e3);
    for (const d of this.defs) this.cols[d.name]!.push(d.value(a, b, dt));
  }

  result(): TimeSeries {
    return this.out;
  }
}
