// Browser entry point (`pvnetsim/browser`): loads the simulator's .wasm with
// WebAssembly.compileStreaming and runs each simulation in a dedicated Web Worker, so the page's
// main thread stays responsive. Progress events (with live throughput and utilization samples)
// and cancellation through an AbortSignal; the result is the same SimResult object as Node's
// `simulate` returns, bit for bit for the same config and seed. No Node built-ins.

import { resolveConfig } from "../config/schema.js";
import type { Progress, SimulateOptions } from "../run/simulate.js";
import { checkInterval } from "../run/timeseries.js";
import { SimulationError } from "../run/simulate.js";
import type { SimResult } from "../result.js";
import type { LiveSample } from "./live.js";
import type { FromWorker, ToWorker } from "./protocol.js";

export * from "../index.js";
export type { LiveSample, LiveCpu } from "./live.js";

/** How a module was compiled: streaming, or from a buffer when the server sent a wrong MIME type. */
export type WasmLoadMethod = "streaming" | "arrayBuffer";

export interface LoadedWasm {
  module: WebAssembly.Module;
  method: WasmLoadMethod;
  /** Why streaming compilation was not used (e.g. the response was not served as application/wasm). */
  fallbackReason?: string;
}

/**
 * Default location of the release module: the package's build/pvnetsim.wasm, next to this file's
 * dist/src/browser/ directory. Bundled pages usually copy the .wasm and pass `wasmUrl`.
 */
export function defaultWasmUrl(): URL {
  return new URL("../../../build/pvnetsim.wasm", import.meta.url);
}

/** Default location of the worker script: worker.js next to this module. */
export function defaultWorkerUrl(): URL {
  return new URL("./worker.js", import.meta.url);
}

/**
 * Events per chunk in the worker unless `chunkEvents` says otherwise: progress every ~40
 * simulated ms at 4 Gb/s. Measured in Chromium here on paper-lro (1.8 M events): 2^16 took
 * 0.44 s, 2^20 (Node's default) 0.87 s, 2^13 2.4 s (each chunk ends with a clamped timer).
 */
export const DEFAULT_BROWSER_CHUNK_EVENTS = 1 << 16;

const cache = new Map<string, Promise<LoadedWasm>>();

/**
 * Fetches and compiles the simulator's module (once per URL). Uses compileStreaming; when that
 * rejects with a TypeError (a server that does not send `Content-Type: application/wasm`, or a
 * browser without streaming compilation), compiles the same response's bytes instead.
 */
export function loadWasm(url: string | URL = defaultWasmUrl()): Promise<LoadedWasm> {
  const key = String(url);
  let p = cache.get(key);
  if (!p) {
    p = compileFrom(url);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** The compiled module only (see loadWasm). */
export async function loadWasmModule(url?: string | URL): Promise<WebAssembly.Module> {
  return (await loadWasm(url)).module;
}

async function compileFrom(url: string | URL): Promise<LoadedWasm> {
  const res = await fetch(url);
  if (!res.ok) {
    // The default URL points into the package; a bundled page has to copy the .wasm and say where.
    throw new Error(
      `cannot load the simulator's .wasm from ${String(url)}: HTTP ${res.status} ${res.statusText}; ` +
        `copy pvnetsim/wasm (the package's build/pvnetsim.wasm) next to your page and pass its URL as wasmUrl, ` +
        `and bundle pvnetsim/browser/worker and pass its URL as workerUrl (docs/embedding.md, "Serving and bundling")`,
    );
  }
  if (typeof WebAssembly.compileStreaming !== "function") {
    return {
      module: await WebAssembly.compile(await res.arrayBuffer()),
      method: "arrayBuffer",
      fallbackReason: "no WebAssembly.compileStreaming",
    };
  }
  const copy = res.clone();
  try {
    return { module: await WebAssembly.compileStreaming(res), method: "streaming" };
  } catch (e) {
    // A wrong MIME type is a TypeError; invalid bytes are a CompileError and are not retried.
    if (!(e instanceof TypeError)) throw e;
    const type = res.headers.get("content-type") ?? "none";
    return {
      module: await WebAssembly.compile(await copy.arrayBuffer()),
      method: "arrayBuffer",
      fallbackReason: `${e.message} (Content-Type: ${type})`,
    };
  }
}

/** A progress event: how far the run is, and what the model did since the previous event. */
export interface BrowserProgress extends Progress {
  /** Rates over the last window of simulated time; null when `live` is off or no time passed. */
  live: LiveSample | null;
}

export interface BrowserSimulateOptions extends Omit<SimulateOptions, "onProgress" | "wasmBuild" | "trace"> {
  /** Called after every chunk of events (on the page's thread). */
  onProgress?: (p: BrowserProgress) => void;
  /** Read live samples for progress events (default true). */
  live?: boolean;
  /** An already compiled module; otherwise loadWasm(wasmUrl). */
  module?: WebAssembly.Module;
  /** Where the release .wasm is (default: the package's build/pvnetsim.wasm). */
  wasmUrl?: string | URL;
  /** Where the worker script is (default: worker.js next to this module). */
  workerUrl?: string | URL;
  /**
   * Write a timeline trace (Chrome Trace Event JSON) of a window of the run; `onText` receives it
   * when the run ends. Needs the trace build as `module` (build/pvnetsim.trace.wasm).
   */
  trace?: { fromMs?: number; toMs?: number; flowSampleEvery?: number; onText: (json: string) => void };
}

/**
 * Runs one simulation in a new Web Worker. `config`: a preset name, a (partial) config object or
 * a resolved config. Bad input rejects with a ConfigError before any worker starts; aborting the
 * signal ends the run at the next chunk boundary with a result of state "aborted", as in Node.
 */
export async function simulate(config: unknown, opts: BrowserSimulateOptions = {}): Promise<SimResult> {
  const resolved = resolveConfig(config, opts.seed !== undefined ? { seed: opts.seed } : {});
  if (opts.intervalMs !== undefined) checkInterval(opts.intervalMs, resolved);
  const module = opts.module ?? (await loadWasmModule(opts.wasmUrl));
  const workerUrl = opts.workerUrl ?? defaultWorkerUrl();
  // Written out literally so that bundlers that follow `new Worker(new URL(..., import.meta.url))`
  // (Vite, webpack 5) bundle the worker with the page.
  const worker =
    opts.workerUrl === undefined
      ? new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "pvnetsim-simulation" })
      : new Worker(opts.workerUrl, { type: "module", name: "pvnetsim-simulation" });
  const post = (m: ToWorker): void => worker.postMessage(m);
  return new Promise<SimResult>((resolve, reject) => {
    const onAbort = (): void => post({ type: "abort" });
    const finish = (): void => {
      opts.signal?.removeEventListener("abort", onAbort);
      worker.terminate();
    };
    worker.addEventListener("message", (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.type === "progress") {
        opts.onProgress?.({ ...m.progress, live: m.live });
      } else if (m.type === "result") {
        finish();
        if (m.traceText !== undefined) opts.trace?.onText(m.traceText);
        resolve(m.result);
      } else {
        finish();
        const err = m.name === "SimulationError" ? new SimulationError(m.message) : new Error(m.message);
        if (m.name !== "SimulationError") err.name = m.name;
        reject(err);
      }
    });
    worker.addEventListener("error", (e: ErrorEvent) => {
      finish();
      reject(
        new Error(
          `pvnetsim worker failed (${String(workerUrl)}): ${e.message || "could not load the script"}; a bundled ` +
            `page passes the URL of its bundled pvnetsim/browser/worker as workerUrl (docs/embedding.md)`,
        ),
      );
    });
    worker.addEventListener("messageerror", () => {
      finish();
      reject(new Error("pvnetsim worker sent a message that could not be deserialized"));
    });
    try {
      post({
        type: "run",
        module,
        config: resolved,
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        chunkEvents: opts.chunkEvents ?? DEFAULT_BROWSER_CHUNK_EVENTS,
        ...(opts.intervalMs !== undefined ? { intervalMs: opts.intervalMs } : {}),
        ...(opts.trace
          ? {
              trace: {
                ...(opts.trace.fromMs !== undefined ? { fromMs: opts.trace.fromMs } : {}),
                ...(opts.trace.toMs !== undefined ? { toMs: opts.trace.toMs } : {}),
                ...(opts.trace.flowSampleEvery !== undefined ? { flowSampleEvery: opts.trace.flowSampleEvery } : {}),
              },
            }
          : {}),
        live: opts.live ?? true,
      });
    } catch (e) {
      // e.g. a DataCloneError from a browser that cannot post a WebAssembly.Module to a worker
      finish();
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    // Like simulateOnModule: an already-aborted signal gives an "aborted" result, not a rejection.
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener("abort", onAbort, { once: true });
  });
}
