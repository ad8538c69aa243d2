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
import { packConfig, derive } from "../config/pack.js";
import { STOP_REASONS } from "../report/stats.js";
import { PVNETSIM_VERSION } from "../version.js";
import type { SimResult } from "../result.js";
import { buildResult, busyAfter, openWaits, statsView } from "./build-result.js";
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
        eventsProcessed: Number(statsView(ex)[L.ST_EVENTS]),
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
      snapshot = statsView(ex).slice();
      busyCarriedIn = busyAfter(ex, r, d.warmupCycles);
      waitOpenAtWarmup = openWaits(ex, r, d.warmupCycles);
    }
  }
  const result = buildResult(
    r,
    ex,
    snapshot!,
    d.warmupCycles,
    wall0,
    wasmBuildOf(opts),
    "completed",
    undefined,
    busyCarriedIn,
    waitOpenAtWarmup,
  );
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

/** The build a run used, as its result records it. */
function wasmBuildOf(opts: SimulateOptions): "release" | "debug" | "trace" {
  return opts.wasmBuild ?? (opts.trace ? "trace" : "release");
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
  return buildResult(r, ex, zero, 0, wall0, wasmBuildOf(opts), "errored", msg);
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
  const zero = new BigUint64Array(ex.statsWords());
  const from = snapshot ? derive(r).warmupCycles : 0;
  return buildResult(r, ex, snapshot ?? zero, from, wall0, wasmBuildOf(opts), "aborted", "aborted by signal");
}
