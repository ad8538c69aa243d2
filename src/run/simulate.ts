// Runs one simulation on a compiled Wasm module and turns its counters into a SimResult.
//
// This is the core path shared by Node (src/node.ts), workers (sweeps) and browsers
// (src/browser/): it uses no Node built-ins, only WebAssembly, typed arrays and performance.now.
// One Wasm instance is one simulation. The host packs the resolved config once, calls simInit,
// then simRun in chunks of events so that it can report progress, honour an AbortSignal and let
// V8 tier up the module between calls; no host call happens per simulated event.

import * as L from "../abi/layout.js";
import { ConfigError, resolveConfig, type ResolvedConfig } from "../config/schema.js";
import { DEFAULT_MEMORY_LIMIT_BYTES, WASM32_MAX_BYTES, reserveModelMemory } from "./memory.js";
import { packConfig, derive, guestTraffic } from "../config/pack.js";
import { histogramQuantile } from "../report/histogram.js";
import { COMPONENT_NAMES } from "../report/components.js";
import { STOP_REASONS, eventsByKind } from "../report/stats.js";
import { CounterLayout, CounterWindow, derivedMetrics, gbps, vcpuWaits } from "../report/counters.js";
import { PVNETSIM_VERSION, ASSEMBLYSCRIPT_VERSION } from "../version.js";
import type { SimResult, CpuUsage, VmThroughput } from "../result.js";
import { diagnoseBottleneck } from "../report/bottleneck.js";
import type { TraceOptions } from "../trace/chrome.js";
import type { WasmExports } from "../abi/wasm-exports.js";

// The exports' type is generated from what asc emits for assembly/index.ts (never a hand copy).
export type { WasmExports };

export interface Progress {
  /** Simulated time reached, ms (warm-up included). */
  simulatedMs: number;
  /** Total simulated time of the run, ms (warm-up included). */
  totalMs: number;
  /** Fraction done, 0..1. */
  fraction: number;
  eventsProcessed: number;
}

export interface SimulateOptions {
  /** Overrides config.seed. */
  seed?: number;
  /**
   * Called after every chunk of events. `model` is the running instance, for callers that read
   * its counters between chunks (live views); it must be treated as read-only.
   */
  onProgress?: (p: Progress, model: WasmExports) => void;
  /** Aborting stops the run at the next chunk boundary; the result then has state "aborted". */
  signal?: AbortSignal;
  /** Events per chunk (default 2^20). Results do not depend on it. */
  chunkEvents?: number;
  /**
   * Largest model a run may allocate, bytes (default 2 GiB; Wasm32 caps it at 4 GiB). A larger
   * configuration is a ConfigError naming its largest contributors, before anything is allocated.
   */
  memoryLimitBytes?: number;
  /**
   * Sample time series every this many simulated ms of the measured interval (result.timeseries).
   * Sampling inserts no event: results are the same with and without it.
   */
  intervalMs?: number;
  /**
   * Write a timeline trace (Chrome Trace Event JSON) of a window of the run through `trace.write`.
   * Needs the trace build of the module (build/pvnetsim.trace.wasm); result.trace summarizes it.
   */
  trace?: TraceOptions;
  /** Which build the module is (reported in result.versions). */
  wasmBuild?: "release" | "debug" | "trace";
}

/** Thrown for a config the model cannot run (never for a model failure: that is state "errored"). */
export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulationError";
  }
}

const DEFAULT_CHUNK_EVENTS = 1 << 20;
/** Largest chunk simRun takes (its event count is a u32). */
const MAX_CHUNK_EVENTS = 4294967295;

/** Instantiates the module with the one import it needs (AssemblyScript's abort). */
export async function instantiate(module: WebAssembly.Module): Promise<WasmExports> {
  let exportsRef: WasmExports | null = null;
  const abort = (msgPtr: number, filePtr: number, line: number, col: number): never => {
    const text = (ptr: number): string => {
      if (!exportsRef || ptr === 0) return "?";
      const mem = new Uint32Array(exportsRef.memory.buffer);
      const len = mem[(ptr - 4) >>> 2]! >>> 1;
      return String.fromCharCode(...new Uint16Array(exportsRef.memory.buffer, ptr, len));
    };
    throw new SimulationError(`wasm abort: ${text(msgPtr)} at ${text(filePtr)}:${line}:${col}`);
  };
  const instance = await WebAssembly.instantiate(module, { env: { abort } });
  exportsRef = instance.exports as unknown as WasmExports;
  return exportsRef;
}

/** Yields to the event loop so that abort signals and UI events are seen between chunks. */
const yieldToEventLoop = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Runs one simulation. `config` is a preset name, a partial config object, or a ResolvedConfig;
 * it is resolved (defaults filled in, validated) before anything runs, so bad input throws a
 * ConfigError and nothing is simulated.
 */
export async function simulateOnModule(
  module: WebAssembly.Module,
  config: unknown,
  opts: SimulateOptions = {},
): Promise<SimResult> {
  const overrides: Record<string, unknown> = {};
  if (opts.seed !== undefined) overrides["seed"] = opts.seed;
  const r = resolveConfig(config, overrides);
  // Time series and tracing load their modules only when a run asks for them (start-up time).
  const timeseries = opts.intervalMs !== undefined ? await import("./timeseries.js") : undefined;
  if (timeseries && opts.intervalMs !== undefined) timeseries.checkInterval(opts.intervalMs, r);
  const chunk = opts.chunkEvents ?? DEFAULT_CHUNK_EVENTS;
  // A chunk of 0 (or NaN) events would never advance and never return to the caller.
  if (typeof chunk !== "number" || !Number.isInteger(chunk) || chunk < 1 || chunk > MAX_CHUNK_EVENTS) {
    throw new ConfigError("chunkEvents", chunk, `an integer from 1 to ${MAX_CHUNK_EVENTS} events`);
  }
  const mem = opts.memoryLimitBytes;
  if (mem !== undefined && !(typeof mem === "number" && mem >= 2 ** 20 && mem <= WASM32_MAX_BYTES)) {
    throw new ConfigError(
      "memoryLimitBytes",
      mem,
      `a number of bytes from 1 MiB (${2 ** 20}) to 4 GiB (${WASM32_MAX_BYTES})`,
    );
  }
  const tracer = opts.trace
    ? new (await import("../trace/chrome.js")).ChromeTraceWriter(r, derive(r), opts.trace)
    : undefined;
  const wall0 = performance.now();
  const ex = await instantiate(module);
  const d = derive(r);
  const buf = packConfig(r);
  const ptr = ex.cfgAlloc(buf.length);
  new Float64Array(ex.memory.buffer, ptr, buf.length).set(buf);
  reserveModelMemory(ex, ptr, r, opts.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES, d);
  const initCode = ex.simInit(ptr);
  if (initCode !== 0) return failed(r, ex, initCode, wall0, opts);
  const series =
    timeseries && opts.intervalMs !== undefined
      ? new timeseries.TimeSeriesCollector(ex, r, d, opts.intervalMs)
      : undefined;
  tracer?.start(ex);

  const totalMs = r.warmupMs + r.durationMs;
  const progress = (): void =>
    opts.onProgress?.(
      {
        simulatedMs: (Number(ex.simNow()) / d.cpuHz) * 1e3,
        totalMs,
        fraction: Math.min(1, Number(ex.simNow()) / d.endCycles),
        eventsProcessed: Number(stats(ex)[L.ST_EVENTS]),
      },
      ex,
    );
  const needYield = opts.signal !== undefined || opts.onProgress !== undefined;

  // Two phases: warm-up, then the measured interval. Counters are snapshotted at the end of the
  // warm-up, and rates use the measured interval only.
  let snapshot: BigUint64Array | null = null;
  let busyCarriedIn: bigint[] | undefined;
  let waitOpenAtWarmup: number[] | undefined;
  for (const [until, phase] of [
    [d.warmupCycles, "warmup"],
    [d.endCycles, "measure"],
  ] as const) {
    for (;;) {
      if (opts.signal?.aborted) return aborted(r, ex, wall0, opts, snapshot);
      const reason = ex.simRun(BigInt(until), chunk);
      if (reason >= L.STOP_ERR_EVENTQ) return failed(r, ex, reason, wall0, opts);
      series?.drain(ex);
      tracer?.drain(ex);
      progress();
      if (reason === L.STOP_IDLE) {
        // Traffic sources always have something scheduled (a send, a timer): an empty event
        // queue before the end means the model stalled, and its numbers would be wrong.
        return failed(r, ex, reason, wall0, opts);
      }
      if (reason === L.STOP_LIMIT_CYCLE) break;
      if (needYield) await yieldToEventLoop();
    }
    if (phase === "warmup") {
      snapshot = stats(ex).slice();
      busyCarriedIn = busyAfter(ex, r, d.warmupCycles);
      waitOpenAtWarmup = openWaits(ex, r, d.warmupCycles);
    }
  }
  const result = build(r, ex, snapshot!, wall0, opts, "completed", undefined, busyCarriedIn, waitOpenAtWarmup);
  if (series) result.timeseries = series.result();
  if (tracer) {
    result.trace = tracer.finish({
      pvnetsim: PVNETSIM_VERSION,
      scenario: r.preset ?? "(custom)",
      seed: r.seed,
      cpuHz: d.cpuHz,
      busyMsPerVcpu: result.cpu.map((c) => c.utilization * r.durationMs),
    });
  }
  return result;
}

/** Per VCPU, busy cycles of the job in progress that fall after cycle t. */
function busyAfter(ex: WasmExports, r: ResolvedConfig, t: number): bigint[] {
  const V = r.dom0.vcpus + r.guests.count * r.guests.vcpus;
  return Array.from({ length: V }, (_, v) => ex.vcpuBusyAfter(v, BigInt(t)));
}

/** Per VCPU, cycles before cycle t of the wait it is in at t (0 when it is not waiting). Steal
 *  time is counted when a wait ends, so the host uses this to cut waits at interval edges. */
function openWaits(ex: WasmExports, r: ResolvedConfig, t: number): number[] {
  const V = r.dom0.vcpus + r.guests.count * r.guests.vcpus;
  return Array.from({ length: V }, (_, v) => Number(ex.vcpuWaitBefore(v, BigInt(t))));
}

function stats(ex: WasmExports): BigUint64Array {
  return new BigUint64Array(ex.memory.buffer, ex.statsPtr(), ex.statsWords());
}

function failed(r: ResolvedConfig, ex: WasmExports, code: number, wall0: number, opts: SimulateOptions): SimResult {
  const why =
    code === L.STOP_IDLE
      ? "no pending events before the end of the run (the model stalled: a lost wake-up or a stopped source)"
      : (STOP_REASONS[code] ?? `stop code ${code}`);
  const inv = ex.invariantCode();
  const pool = code === L.STOP_ERR_POOL ? `; ${poolAdvice(r)}` : "";
  const msg = `model stopped at cycle ${ex.simNow()}: ${why}${inv ? ` (invariant ${inv})` : ""}${pool}`;
  const zero = new BigUint64Array(ex.statsWords());
  return build(r, ex, zero, wall0, opts, "errored", msg);
}

/** What to raise when the packet pool ran out: packetPoolPackets, above the size this run had. */
export function poolAdvice(r: ResolvedConfig): string {
  const d = derive(r);
  const n = d.poolPackets.toLocaleString("en-US");
  const sized =
    r.packetPoolPackets > 0
      ? `set by packetPoolPackets`
      : `sized from the configuration: ${d.poolTerms
          .filter((t) => t.packets > 0)
          .map((t) => `${t.packets.toLocaleString("en-US")} for ${t.field}`)
          .join(", ")}, 4,096 spare`;
  return (
    `all ${n} packet records were in use (${sized}); this run needs more than ${n}: ` +
    `set packetPoolPackets to ${(2 * d.poolPackets).toLocaleString("en-US")} (twice as many) and run again`
  );
}

function aborted(
  r: ResolvedConfig,
  ex: WasmExports,
  wall0: number,
  opts: SimulateOptions,
  snapshot: BigUint64Array | null,
): SimResult {
  return build(r, ex, snapshot ?? new BigUint64Array(ex.statsWords()), wall0, opts, "aborted", "aborted by signal");
}

/** Turns the counters into a result. Rates are over [snapshot time, now]. */
function build(
  r: ResolvedConfig,
  ex: WasmExports,
  snap: BigUint64Array,
  wall0: number,
  opts: SimulateOptions,
  state: SimResult["state"],
  error: string | undefined,
  busyCarriedIn?: bigint[],
  waitOpenAtWarmup?: number[],
): SimResult {
  const d = derive(r);
  const s = stats(ex);
  const layout = new CounterLayout(r);
  const w = new CounterWindow(layout, s, snap);
  const now = Number(ex.simNow());
  const start = state === "completed" ? d.warmupCycles : Math.min(now, d.warmupCycles);
  const measuredCycles = Math.max(1, (state === "completed" ? d.endCycles : now) - start);
  const measuredSec = measuredCycles / d.cpuHz;

  const perVm: VmThroughput[] = [];
  let aggregate = 0;
  let appBytes = 0;
  for (let i = 0; i < layout.guests; i++) {
    // Goodput: data delivered in the interval that also entered the network in it.
    const rx = w.guest(i, L.GS_RX_APP_BYTES) - w.guest(i, L.GS_RX_APP_EARLY_BYTES);
    appBytes += rx;
    const vm: VmThroughput = {
      vm: i,
      goodputGbps: gbps(rx, measuredSec),
      txGoodputGbps: gbps(w.guest(i, L.GS_TX_ACKED_BYTES) - w.guest(i, L.GS_TX_ACKED_EARLY_BYTES), measuredSec),
      udpGbps: gbps(w.guest(i, L.GS_UDP_APP_BYTES) - w.guest(i, L.GS_UDP_APP_EARLY_BYTES), measuredSec),
      rxPackets: w.guest(i, L.GS_RX_PKTS),
      eventsIn: w.guest(i, L.GS_EVENTS_IN),
    };
    aggregate += vm.goodputGbps;
    perVm.push(vm);
  }

  const cpu: CpuUsage[] = [];
  let guestBusy = 0;
  // Busy time is charged when a job starts (and late work, a rebind, when it is charged): cut the
  // jobs that straddle the interval's edges in both directions. The part of a job started before
  // the interval that runs inside it counts; the part after the end does not. A job spanning the
  // whole interval thus counts fully. The busy cycles are spread over components in proportion
  // to the interval's charges, or, when nothing was charged inside the interval (one job spans
  // it), to the VCPU's charges over the whole run.
  const endCut = state === "completed" ? busyAfter(ex, r, d.endCycles) : undefined;
  const waitOpenAtEnd = state === "completed" ? openWaits(ex, r, d.endCycles) : undefined;
  const us = (cycles: number): number => (cycles / d.cpuHz) * 1e6;
  for (let v = 0; v < layout.vcpus; v++) {
    const { domain, vcpu, guest } = layout.vcpuIdentity(v);
    const breakdown: Record<string, number> = {};
    const charged = w.charged(v);
    const whole = (c: number): number => w.total(layout.componentSlot(v, c));
    const weights = charged > 0 ? (c: number): number => w.component(v, c) : whole;
    let weightSum = 0;
    for (let c = 0; c < L.COMP_COUNT; c++) weightSum += weights(c);
    // Whole cycles, summed exactly (charges of huge costs pass 2^53): a VCPU busy for the whole
    // interval reads exactly 1.
    const exact = w.chargedExact(v) + (busyCarriedIn?.[v] ?? 0n) - (endCut?.[v] ?? 0n);
    const busy = exact > 0n ? Number(exact) : 0;
    for (let c = 0; c < L.COMP_COUNT; c++) {
      breakdown[COMPONENT_NAMES[c]!] = weightSum > 0 ? (busy * weights(c)) / weightSum / measuredCycles : 0;
    }
    if (guest >= 0) guestBusy += busy;
    // Steal is counted when a wait ends: the part of a wait open at warm-up's end that lies before
    // it is not in the interval, and the part of a wait still open at the end is.
    cpu.push({
      domain,
      vcpu,
      pcpu: guest < 0 ? r.dom0.pcpus[vcpu]! : r.guests.pcpus[guest]![vcpu]!,
      utilization: busy / measuredCycles,
      breakdown,
      ...vcpuWaits(w, v, us, waitOpenAtWarmup?.[v] ?? 0, waitOpenAtEnd?.[v] ?? 0),
    });
  }

  const events = w.events();
  const drops = w.drops();
  const dropped = Object.values(drops).reduce((a, n) => a + n, 0);
  const derived = derivedMetrics({
    w,
    cpuHz: d.cpuHz,
    guestBusyCycles: guestBusy,
    appBytes,
    maxPendingEvents: ex.maxPendingEvents(),
    vfGuests: r.nic.sriov.guests,
  });

  // The histogram records from the end of warm-up on (the model starts it at CFG_WARMUP).
  const hist = w.latencyHistogram();
  const lcount = Number(s[L.ST_LAT_COUNT]!);
  const maxCycles = Number(s[L.ST_LAT_MAX]!);
  const latency = {
    count: lcount,
    meanUs: lcount > 0 ? us(Number(s[L.ST_LAT_SUM]!) / lcount) : 0,
    p50Us: us(histogramQuantile(hist, 0.5, maxCycles)),
    p99Us: us(histogramQuantile(hist, 0.99, maxCycles)),
    maxUs: us(maxCycles),
  };

  // Transactions count from the end of warm-up (the model records requests sent after it).
  const rrHist = w.rrHistogram();
  const rrCount = Number(s[L.ST_RR_TRANSACTIONS]!);
  const requestResponse = {
    sessions: guestTraffic(r).rr.length,
    transactions: rrCount,
    transactionsPerSec: rrCount / measuredSec,
    meanUs: rrCount > 0 ? us(Number(s[L.ST_RR_LAT_SUM]!) / rrCount) : 0,
    p50Us: us(histogramQuantile(rrHist, 0.5)),
    p90Us: us(histogramQuantile(rrHist, 0.9)),
    p99Us: us(histogramQuantile(rrHist, 0.99)),
    retransmissions: w.delta(L.ST_RR_RETRANS),
  };

  const injected = Number(s[L.ST_INJECTED]!);
  const delivered = Number(s[L.ST_DELIVERED]!);
  const inFlight = Number(ex.inFlightUnits());
  const ok = injected === delivered + dropped + inFlight;
  let finalState = state;
  let finalError = error;
  if (state === "completed" && !ok) {
    finalState = "errored";
    finalError =
      `packet conservation failed: injected ${injected} != delivered ${delivered} + dropped ${dropped} ` +
      `+ in flight ${inFlight}`;
  }
  const result: SimResult = {
    state: finalState,
    config: r,
    seed: r.seed,
    fingerprint: s[L.ST_FINGERPRINT]!.toString(16).padStart(16, "0"),
    versions: {
      pvnetsim: PVNETSIM_VERSION,
      assemblyscript: ASSEMBLYSCRIPT_VERSION,
      wasmBuild: opts.wasmBuild ?? (opts.trace ? "trace" : "release"),
    },
    throughput: { aggregateGbps: aggregate, perVm },
    cpu,
    events,
    derived,
    drops,
    latency,
    requestResponse,
    conservation: { injected, delivered, dropped, inFlight, ok },
    bottleneck: { kind: "none", where: "", share: 0, evidence: "" },
    perf: {
      wallSeconds: (performance.now() - wall0) / 1e3,
      simulatedSeconds: now / d.cpuHz,
      eventsProcessed: Number(s[L.ST_EVENTS]!),
      eventsByKind: eventsByKind(s.subarray(0, L.ST_EVENTS_BY_KIND + L.EVK_SLOTS)),
      packetsSimulated: Number(s[L.ST_PKTS_ALLOCATED]!),
    },
  };
  result.bottleneck = diagnoseBottleneck(result);
  if (finalError !== undefined) result.error = finalError;
  return result;
}
