// Timeline trace of one run in the Chrome Trace Event JSON format (the format Perfetto, Chromium's
// DevTools performance panel and the legacy trace viewer open): the host half of the trace points
// in assembly/observe/trace.ts. Records are drained from the model between chunks and written out
// as text at once, so memory stays bounded however long the window is. docs/tracing.md lists the
// trace points, tracks and names.
//
// Layout of the trace:
//   process "dom0" and one process per guest "domU<g>": one thread track per VCPU ("VCPU<k>")
//     with one complete slice ("X") per job, named by what ran; counter tracks for the vif rings
//     and queues; instant events for drops and event-channel sends (notifications)
//   process "NIC and wire": one thread per NIC port with a slice for each sampled frame, counter
//     tracks for the NIC RX rings and each TCP flow's congestion window
//   flow arrows ("s" at the frame's arrival, "f" at the application job that delivered it) for
//   one frame in N arriving at the NIC
// Time stamps are microseconds (the format's unit) printed to 0.1 ns; the model's unit is the CPU cycle.

import * as L from "../abi/layout.js";
import type { ResolvedConfig } from "../config/schema.js";
import type { derive } from "../config/pack.js";
import { DROP_COUNTERS } from "../report/stats.js";
import * as C from "./codes.js";

export interface TraceOptions {
  /** Start of the traced window, simulated ms since the run began (default 0). */
  fromMs?: number;
  /** End of the traced window, simulated ms since the run began (default: the end of the run). */
  toMs?: number;
  /** Follow one in this many data frames arriving at the NIC with flow arrows (default 64; 0: none). */
  flowSampleEvery?: number;
  /** Receives the trace text, in order, in pieces (a file stream, a gzip stream, an array). */
  write: (text: string) => void;
}

/** What the result says about the trace it wrote. */
export interface TraceSummary {
  fromMs: number;
  toMs: number;
  /** Trace events written (slices, counters, instants, flow points, metadata). */
  events: number;
  /** Records the model produced (one per trace point hit in the window). */
  records: number;
  /** Uncompressed size of the JSON text, bytes. */
  bytes: number;
  bytesPerSimulatedMs: number;
  /** Jobs written per VCPU track (index as result.cpu). */
  slicesPerVcpu: number[];
}

/** The Wasm exports the writer uses (build/pvnetsim.trace.wasm). */
export interface TraceExports {
  memory: WebAssembly.Memory;
  traceInit(guests: number, from: bigint, to: bigint, every: number, capacity: number): number;
  traceCount(): number;
  traceLost(): number;
  traceDrained(): void;
  traceBuild(): number;
}

/** Records held by the model's buffer; it asks to be drained when half full. */
const CAPACITY = 1 << 16;
const NIC_PID = 1000;

/** Checks the window and the flow sample rate against the run; throws a ConfigError-style RangeError. */
export function traceWindow(
  o: Pick<TraceOptions, "fromMs" | "toMs">,
  r: ResolvedConfig,
): { fromMs: number; toMs: number } {
  const total = r.warmupMs + r.durationMs;
  const fromMs = o.fromMs ?? 0;
  const toMs = o.toMs ?? total;
  if (!Number.isFinite(fromMs) || fromMs < 0 || fromMs >= total) {
    throw new RangeError(
      `trace window: from ${fromMs} ms is not allowed; expected 0 <= from < ${total} ms (the run's warm-up + duration)`,
    );
  }
  if (!Number.isFinite(toMs) || toMs <= fromMs || toMs > total) {
    throw new RangeError(
      `trace window: to ${toMs} ms is not allowed; expected ${fromMs} < to <= ${total} ms (the run's warm-up + ` +
        `duration)`,
    );
  }
  return { fromMs, toMs };
}

export class ChromeTraceWriter {
  private readonly write: (s: string) => void;
  private readonly hz: number;
  private readonly D: number;
  private readonly gv: number;
  private readonly V: number;
  private readonly G: number;
  private readonly N: number;
  private readonly nq: number;
  private readonly ports: number;
  private readonly fromMs: number;
  private readonly toMs: number;
  private readonly from: number;
  private readonly to: number;
  private ptr = 0;
  private first = true;
  private events = 0;
  private records = 0;
  private bytes = 0;
  private readonly slices: number[];
  private readonly lastJob: Array<{ start: number; end: number }>;
  private readonly dropName = new Map<number, string>();

  constructor(r: ResolvedConfig, d: ReturnType<typeof derive>, o: TraceOptions) {
    const w = traceWindow(o, r);
    this.write = o.write;
    this.hz = d.cpuHz;
    this.D = r.dom0.vcpus;
    this.gv = r.guests.vcpus;
    this.N = r.guests.count;
    this.V = this.D + this.N * this.gv;
    this.G = r.netback.groups;
    this.linkBps = r.nic.rateGbps * 1e9;
    this.nq = r.nic.ports * r.nic.rxQueuesPerPort;
    this.ports = r.nic.ports;
    this.fromMs = w.fromMs;
    this.toMs = w.toMs;
    this.from = Math.round((w.fromMs * d.cpuHz) / 1e3);
    this.to = Math.round((w.toMs * d.cpuHz) / 1e3);
    this.slices = new Array<number>(this.V).fill(0);
    this.lastJob = Array.from({ length: this.V }, () => ({ start: -1, end: -1 }));
    for (const c of DROP_COUNTERS) this.dropName.set(c.slot, c.name);
    this.flowEvery = o.flowSampleEvery ?? 64;
    if (!Number.isInteger(this.flowEvery) || this.flowEvery < 0) {
      throw new RangeError(
        `trace flow sample: ${this.flowEvery} is not allowed; expected an integer >= 0 (0: no flow arrows)`,
      );
    }
  }
  private readonly flowEvery: number;

  /** Turns the model's trace points on; throws when the module was built without them. */
  start(ex: TraceExports): void {
    if (typeof ex.traceBuild !== "function" || ex.traceBuild() !== 1) {
      throw new Error("this Wasm module has no trace points; tracing needs build/pvnetsim.trace.wasm");
    }
    this.ptr = ex.traceInit(this.N, BigInt(this.from), BigInt(this.to), this.flowEvery, CAPACITY);
    if (this.ptr === 0) throw new Error("the model could not set up its trace buffer");
    this.raw('{"traceEvents":[\n');
    this.metadata();
  }

  private raw(s: string): void {
    this.bytes += s.length;
    this.write(s);
  }

  private ev(o: Record<string, unknown>): void {
    this.evText(JSON.stringify(o));
  }

  private evText(json: string): void {
    this.events++;
    this.raw(this.first ? json : ",\n" + json);
    this.first = false;
  }

  /** Microseconds since the run began, to 0.1 ns. */
  private us(cycles: number): number {
    return Math.round((cycles / this.hz) * 1e10) / 1e4;
  }

  private pidOf(v: number): number {
    return v < this.D ? 1 : 2 + Math.floor((v - this.D) / this.gv);
  }
  private tidOf(v: number): number {
    return v < this.D ? v : (v - this.D) % this.gv;
  }

  private metadata(): void {
    const meta = (pid: number, tid: number, name: string, args: Record<string, unknown>): void =>
      this.ev({ ph: "M", pid, tid, name, args });
    meta(1, 0, "process_name", { name: "dom0" });
    meta(1, 0, "process_sort_index", { sort_index: 1 });
    for (let g = 0; g < this.N; g++) {
      meta(2 + g, 0, "process_name", { name: `domU${g}` });
      meta(2 + g, 0, "process_sort_index", { sort_index: 2 + g });
    }
    for (let v = 0; v < this.V; v++) {
      meta(this.pidOf(v), this.tidOf(v), "thread_name", { name: `VCPU${this.tidOf(v)}` });
      meta(this.pidOf(v), this.tidOf(v), "thread_sort_index", { sort_index: this.tidOf(v) });
    }
    meta(NIC_PID, 0, "process_name", { name: "NIC and wire" });
    meta(NIC_PID, 0, "process_sort_index", { sort_index: NIC_PID });
    for (let p = 0; p < this.ports; p++) meta(NIC_PID, p, "thread_name", { name: `port${p} RX` });
  }

  /** Copies the model's records out as trace events. Call after every chunk. */
  drain(ex: TraceExports): void {
    const n = ex.traceCount();
    if (n === 0) return;
    const raw = new BigUint64Array(ex.memory.buffer, this.ptr, n * 4);
    for (let k = 0; k < n; k++) {
      const t = Number(raw[4 * k]!);
      const h = raw[4 * k + 1]!;
      const kind = Number(h >> 56n);
      const a = Number((h >> 32n) & 0xffffffn);
      const b = Number(h & 0xffffffffn);
      const w2 = Number(raw[4 * k + 2]!);
      const w3 = raw[4 * k + 3]!;
      this.record(kind, t, a, b, w2, w3);
    }
    this.records += n;
    ex.traceDrained();
    if (ex.traceLost() > 0) throw new Error(`trace buffer overflow: ${ex.traceLost()} records lost`);
  }

  private record(kind: number, t: number, a: number, b: number, w2: number, w3: bigint): void {
    switch (kind) {
      case C.TR_JOB: {
        const v = a;
        const start = Math.max(t, this.from);
        const end = Math.min(w2, this.to);
        this.lastJob[v] = { start: t, end: w2 };
        if (end <= start) return;
        const jk = b >>> 24;
        const arg = b & 0xffffff;
        const nbRx = Number(w3 & 0xffffn);
        const nbTx = Number((w3 >> 16n) & 0xffffn);
        const work = Number(w3 >> 32n);
        const ts = this.us(start);
        this.slices[v]!++;
        // The most frequent event: written by hand (JSON.stringify of an object per job dominated
        // the writer's time); names come from jobName and hold no characters JSON must escape.
        const dur = Math.round((this.us(end) - ts) * 1e4) / 1e4;
        const cut = t < this.from || w2 > this.to ? ',"cutAtWindowEdge":true' : "";
        this.evText(
          `{"ph":"X","pid":${this.pidOf(v)},"tid":${this.tidOf(v)},"ts":${ts},"dur":${dur},` +
            `"name":"${this.jobName(v, jk, arg, nbRx, nbTx, work)}","cat":"timeline",` +
            `"args":{"cycles":${w2 - t}${cut}}}`,
        );
        return;
      }
      case C.TR_COUNTER:
        this.counter(t, a, b, w2);
        return;
      case C.TR_DROP: {
        const stage = this.dropName.get(a) ?? `stage ${a}`;
        const guestSide = a === L.ST_DROP_GUEST_QDISC || a === L.ST_DROP_GUEST_SOCKET;
        const nicSide = a === L.ST_DROP_NIC_RX_RING || a === L.ST_DROP_NIC_QDISC || a === L.ST_DROP_LINK_QUEUE;
        // Guest-side drops are global instants: the record does not say which guest dropped.
        this.ev({
          ph: "i",
          s: guestSide ? "g" : "p",
          pid: nicSide ? NIC_PID : 1,
          tid: 0,
          ts: this.us(t),
          name: `drop: ${stage}`,
          cat: "drop",
          args: { segments: w2, ...(b ? { sampledFrame: b } : {}) },
        });
        return;
      }
      case C.TR_NOTIFY: {
        const { pid, what } = this.port(a);
        this.ev({
          ph: "i",
          s: "p",
          pid,
          tid: 0,
          ts: this.us(t),
          name: `event: ${what}${b ? " (merged)" : ""}`,
          cat: "notify",
          args: { port: a },
        });
        return;
      }
      case C.TR_NIC_RX: {
        // The frame's last bit arrives at t; draw its serialization on the port's track.
        const port = a;
        const wireUs = this.us(t) - this.us(t - Math.round((w2 * 8 * this.hz) / this.linkBps));
        const ts = Math.round((this.us(t) - wireUs) * 1e4) / 1e4;
        this.ev({
          ph: "X",
          pid: NIC_PID,
          tid: port,
          ts,
          dur: Math.round(wireUs * 1e4) / 1e4,
          name: "frame",
          cat: "timeline",
          args: { sample: b, rxQueue: Number(w3), wireBytes: w2 },
        });
        // A flow point binds to the slice with the same pid, tid, ts (and, for DevTools, cat).
        this.ev({ ph: "s", pid: NIC_PID, tid: port, ts, id: b, name: "packet", cat: "timeline" });
        return;
      }
      case C.TR_APP: {
        const v = a;
        const job = this.lastJob[v]!;
        const ts = this.us(Math.max(job.end === t ? job.start : t, this.from));
        this.ev({
          ph: "f",
          bp: "e",
          pid: this.pidOf(v),
          tid: this.tidOf(v),
          ts,
          id: b,
          name: "packet",
          cat: "timeline",
        });
        return;
      }
      default:
        throw new Error(`unknown trace record kind ${kind}`);
    }
  }

  private readonly linkBps: number;

  private port(p: number): { pid: number; what: string } {
    const N = this.N;
    if (p < this.nq) return { pid: 1, what: `NIC queue ${p} interrupt (PIRQ)` };
    if (p < this.nq + N) return { pid: 1, what: `netfront -> netback, vif ${p - this.nq}` };
    if (p < this.nq + 2 * N) return { pid: 2 + (p - this.nq - N), what: `netback -> netfront, vif ${p - this.nq - N}` };
    return { pid: 1, what: `IPI to dom0 VCPU${p - this.nq - 2 * N}` };
  }

  private counter(t: number, cls: number, idx: number, value: number): void {
    const ts = this.us(Math.max(t, this.from)); // a sample from a job begun before the window holds from its start
    const c = (pid: number, name: string, key: string): void =>
      this.evText(
        `{"ph":"C","pid":${pid},"tid":0,"ts":${ts},"name":"${name}","cat":"queue","args":{"${key}":${value}}}`,
      );
    switch (cls) {
      case 1:
        return c(1, `vif${idx} RX ring: posted buffers`, "slots");
      case 2:
        return c(1, `vif${idx} RX ring: unconsumed responses`, "slots");
      case 3:
        return c(1, `vif${idx} TX ring: pending requests`, "slots");
      case 4:
        return c(1, `vif${idx} qdisc`, "packets");
      case 5:
        return c(NIC_PID, `NIC RX queue ${idx} ring`, "descriptors");
      case 6:
        return c(NIC_PID, `flow${idx} cwnd`, "segments");
      default:
        throw new Error(`unknown trace counter class ${cls}`);
    }
  }

  private jobName(v: number, kind: number, arg: number, nbRx: number, nbTx: number, work: number): string {
    switch (kind) {
      case C.J_NONE:
        return "deferred work";
      case C.J_WAKE:
        return "VCPU wake-up (Xen)";
      case C.J_NOTIFY:
        return work > 1 ? `event send x${work}` : "event send";
      case C.J_UPCALL: {
        const mask = work >>> 16;
        const handlers = C.PORT_HANDLERS.filter((_, i) => mask & (1 << i));
        return `Xen upcall: ${handlers.join(", ")}`;
      }
      case C.J_TIMER:
        return work > 1 ? `timers x${work}` : "timer";
      case C.J_NAPI: {
        const [nk, which, n] = [work >>> 28, (work >>> 16) & 0xfff, work & 0xffff];
        if (nk === C.NAPI_NIC) return `e1000 poll q${which}: ${n} frames`;
        if (nk === C.NAPI_BACKLOG) return `backlog poll (bridge): ${n} packets`;
        if (nk === C.NAPI_VF) return `VF driver poll + stack: ${n} frames`;
        if (nk === C.NAPI_NETBACK) return `xenvif_poll vif${which} (TX copy, bridge): ${n} skbs`;
        return `netfront poll + stack: ${n} responses`;
      }
      case C.J_TASKLET: {
        const rx = arg % 2 === 0;
        const n = rx ? nbRx : nbTx;
        return `netback ${rx ? "RX" : "TX"} batch of ${n}`;
      }
      case C.J_SPIN:
        return `tasklet_action: netback ${arg % 2 === 0 ? "RX" : "TX"} tasklet runs elsewhere, re-raise`;
      case C.J_THREAD: {
        if (arg < this.G) return `netback kthread ${arg}: RX ${nbRx}, TX ${nbTx}`;
        if (arg < this.G + this.N) return "app recv";
        return arg < this.G + this.N + this.V ? "ksoftirqd" : "busy loop";
      }
      default:
        return `job kind ${kind} on VCPU ${v}`;
    }
  }

  /** Ends the JSON text; returns the summary for the result. */
  finish(extra: Record<string, unknown>): TraceSummary {
    const otherData = { ...extra, windowMs: [this.fromMs, this.toMs], records: this.records };
    this.raw(`\n],"displayTimeUnit":"ns","otherData":${JSON.stringify(otherData)}}\n`);
    return {
      fromMs: this.fromMs,
      toMs: this.toMs,
      events: this.events,
      records: this.records,
      bytes: this.bytes,
      bytesPerSimulatedMs: this.bytes / (this.toMs - this.fromMs),
      slicesPerVcpu: this.slices,
    };
  }
}
