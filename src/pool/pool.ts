// The one pool of simulation worker threads, used by sweeps, reproduce and sensitivity.
//
// Every worker receives the one compiled WebAssembly.Module at start (workerData: a Module is
// structured-cloneable, so no worker recompiles it) and runs one simulation at a time, each on a
// fresh instance: one Wasm instance is one simulation, so a result depends only on its config and
// seed, never on which worker ran it or in which order.
//
// The pool queues jobs, reports each one's progress and outcome, replaces a worker that dies (the
// job it was running is reported as failed, the others go on) and can abort the running jobs: the
// simulation stops at its next chunk boundary and returns a result with state "aborted".
//
// A library pool (tinypool 2) was weighed and not taken: it does not watch a worker thread's "exit"
// event, so a worker that exits mid-job leaves that job pending forever, and its abort terminates
// the thread instead of letting the run stop at a chunk boundary.

import { Worker } from "node:worker_threads";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { packagePath } from "../package-root.js";
import type { SimResult } from "../result.js";
import { defaultThreads } from "./threads.js";

/** What every worker gets once, at start. */
export interface WorkerInit {
  module: WebAssembly.Module;
  wasmBuild: "release" | "debug";
  /** The trace build, for jobs that write a timeline trace. */
  traceModule?: WebAssembly.Module;
}

/** What a job observes besides its result: time series, and a trace of a window (trace build). */
export interface JobObserve {
  /** Sample time series every this many simulated ms (result.timeseries). */
  intervalMs?: number;
  /** Write a Chrome Trace Event JSON trace of this window, simulated ms; its text comes back. */
  trace?: { fromMs: number; toMs: number };
}

export type ToWorker =
  | { type: "run"; task: number; config: unknown; seed?: number; progress: boolean; observe?: JobObserve }
  | { type: "abort" };

export type FromWorker =
  | { type: "progress"; task: number; fraction: number }
  | { type: "result"; task: number; result: SimResult; wallSeconds: number; traceText?: string }
  | { type: "failed"; task: number; error: string; wallSeconds: number };

export interface PoolJob {
  /** The caller's id for the job, echoed in its outcome. */
  task: number;
  /** Preset name, partial config or ResolvedConfig. */
  config: unknown;
  /** Overrides the config's seed. */
  seed?: number;
  /**
   * Wall-time limit, ms: past it the job's worker is terminated (which stops even a run stuck
   * inside one chunk) and the job fails with a reason naming the limit. Default: none.
   */
  timeoutMs?: number;
  observe?: JobObserve;
}

export interface PoolOutcome {
  task: number;
  /** The run's result (its state may be "errored" or "aborted"); null when the job failed. */
  result: SimResult | null;
  /** Why the job failed: the config was rejected, the model threw or the worker died. */
  error: string | null;
  wallSeconds: number;
  /** The job's trace (observe.trace), as JSON text. */
  traceText?: string;
}

export interface WorkerPoolOptions {
  module: WebAssembly.Module;
  /** Worker threads (at least 1). */
  size: number;
  /** Which build the module is (reported in result.versions). */
  wasmBuild?: "release" | "debug";
  onOutcome: (o: PoolOutcome) => void;
  /** Fraction (0..1) of a running job, at most about ten times a second per job. */
  onProgress?: (task: number, fraction: number) => void;
  /** The trace build, for jobs with observe.trace. */
  traceModule?: WebAssembly.Module;
}

export { defaultThreads };

/**
 * The compiled worker script, tsc's dist/src/pool/worker.js. Workers need plain JavaScript, so the
 * same file serves the library in dist/src/, the command line's bundle and the TypeScript sources
 * under vitest.
 */
export function workerScript(): URL {
  const built = packagePath("dist", "src", "pool", "worker.js");
  if (existsSync(built)) return pathToFileURL(built);
  throw new Error(`cannot find the pool worker script (${built}); run "npm run build" first`);
}

interface Slot {
  worker: Worker;
  job: PoolJob | null;
  t0: number;
  /** The job's wall-time limit timer, while it runs. */
  timer: NodeJS.Timeout | null;
  /** Set when the limit stopped the job (its worker was terminated). */
  timedOut: boolean;
}

/** "90 s", "2 h" */
const fmtLimit = (ms: number): string => {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
};

const traceOf = (m: { traceText?: string }): { traceText?: string } =>
  m.traceText !== undefined ? { traceText: m.traceText } : {};

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: PoolJob[] = [];
  private readonly init: WorkerInit;
  private closed = false;

  constructor(private readonly opts: WorkerPoolOptions) {
    this.init = {
      module: opts.module,
      wasmBuild: opts.wasmBuild ?? "release",
      ...(opts.traceModule ? { traceModule: opts.traceModule } : {}),
    };
    for (let i = 0; i < Math.max(1, opts.size); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(workerScript(), { workerData: this.init satisfies WorkerInit });
    const slot: Slot = { worker, job: null, t0: 0, timer: null, timedOut: false };
    worker.on("message", (m: FromWorker) => {
      const job = slot.job;
      if (!job || job.task !== m.task) return;
      if (m.type === "progress") {
        this.opts.onProgress?.(m.task, m.fraction);
        return;
      }
      slot.job = null;
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      this.opts.onOutcome(
        m.type === "result"
          ? { task: m.task, result: m.result, error: null, wallSeconds: m.wallSeconds, ...traceOf(m) }
          : { task: m.task, result: null, error: m.error, wallSeconds: m.wallSeconds },
      );
      this.next(slot);
    });
    // A worker that dies (out of memory, a crash in the engine) fails the job it was running;
    // a fresh worker takes its place and the other jobs go on.
    const died = (why: string): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      const job = slot.job;
      slot.job = null;
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      if (this.closed) return;
      const fresh = this.spawn();
      this.slots[i] = fresh;
      if (job) {
        const wallSeconds = (performance.now() - slot.t0) / 1e3;
        const error =
          slot.timedOut && job.timeoutMs !== undefined
            ? `stopped after the time limit of ${fmtLimit(job.timeoutMs)} per point (--point-timeout)`
            : `worker died: ${why}`;
        this.opts.onOutcome({ task: job.task, result: null, error, wallSeconds });
      }
      this.next(fresh);
    };
    worker.on("error", (e) => died(e.message));
    worker.on("exit", (code) => died(`exit code ${code}`));
    return slot;
  }

  private next(slot: Slot): void {
    if (this.closed || slot.job) return;
    const job = this.queue.shift();
    if (!job) return;
    slot.job = job;
    slot.t0 = performance.now();
    if (job.timeoutMs !== undefined && job.timeoutMs > 0) {
      slot.timer = setTimeout(() => {
        slot.timedOut = true;
        void slot.worker.terminate();
      }, job.timeoutMs);
    }
    const msg: ToWorker = {
      type: "run",
      task: job.task,
      config: job.config,
      ...(job.seed !== undefined ? { seed: job.seed } : {}),
      ...(job.observe ? { observe: job.observe } : {}),
      progress: this.opts.onProgress !== undefined,
    };
    slot.worker.postMessage(msg);
  }

  submit(job: PoolJob): void {
    this.queue.push(job);
    const idle = this.slots.find((s) => !s.job);
    if (idle) this.next(idle);
  }

  /** Jobs running now. */
  get running(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** Drops queued jobs and asks running ones to stop (they report back with state "aborted"). */
  abort(): void {
    this.queue.length = 0;
    for (const s of this.slots) if (s.job) s.worker.postMessage({ type: "abort" } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

export interface PoolTask {
  /** Preset name, partial config or ResolvedConfig (resolve first so bad input fails before any run). */
  config: unknown;
  seed?: number;
  observe?: JobObserve;
}

export interface PoolProgress {
  /** Tasks finished. */
  done: number;
  total: number;
  /** Fraction of all simulated work done, 0..1 (finished tasks plus the running ones' progress). */
  fraction: number;
  /** Tasks under way that have reported progress (their part is in `fraction`). */
  running: number;
}

export interface RunPoolOptions {
  module: WebAssembly.Module;
  /** Worker threads; default: the number of cores, at most one per task. */
  threads?: number;
  wasmBuild?: "release" | "debug";
  onProgress?: (p: PoolProgress) => void;
  signal?: AbortSignal;
  /** The trace build, needed by tasks with observe.trace. */
  traceModule?: WebAssembly.Module;
  /** Receives the trace text of each task with observe.trace. */
  onTrace?: (task: number, text: string) => void;
}

/**
 * Runs every task and resolves with their results in task order, whatever order the workers
 * finish in, so reports built from them are deterministic. A task that fails (a config the model
 * rejects, a worker that dies) rejects the whole call after stopping the workers; a run that fails
 * inside the model comes back as a result with state "errored", as simulate() does.
 */
export function runPool(tasks: readonly PoolTask[], opts: RunPoolOptions): Promise<SimResult[]> {
  const total = tasks.length;
  if (total === 0) return Promise.resolve([]);
  if (opts.signal?.aborted) return Promise.reject(new Error("aborted"));
  const results: (SimResult | undefined)[] = new Array(total);
  const running = new Map<number, number>(); // task -> fraction done
  let done = 0;

  return new Promise<SimResult[]>((resolve, reject) => {
    let finished = false;
    const report = (): void => {
      if (!opts.onProgress) return;
      let partial = 0;
      for (const f of running.values()) partial += f;
      opts.onProgress({ done, total, fraction: (done + partial) / total, running: running.size });
    };
    const settle = (error: Error | null): void => {
      if (finished) return;
      finished = true;
      opts.signal?.removeEventListener("abort", onAbort);
      void pool.close();
      if (error) reject(error);
      else resolve(results as SimResult[]);
    };
    const onAbort = (): void => settle(new Error("aborted"));
    const pool = new WorkerPool({
      module: opts.module,
      size: Math.min(opts.threads ?? defaultThreads(), total),
      ...(opts.wasmBuild ? { wasmBuild: opts.wasmBuild } : {}),
      ...(opts.traceModule ? { traceModule: opts.traceModule } : {}),
      onOutcome: (o) => {
        if (finished) return;
        running.delete(o.task);
        if (o.result === null) return settle(new Error(`run ${o.task + 1} of ${total}: ${o.error ?? "failed"}`));
        results[o.task] = o.result;
        if (o.traceText !== undefined) opts.onTrace?.(o.task, o.traceText);
        done++;
        report();
        if (done === total) settle(null);
      },
      ...(opts.onProgress
        ? {
            onProgress: (task: number, fraction: number) => {
              if (finished) return;
              running.set(task, fraction);
              report();
            },
          }
        : {}),
    });
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    tasks.forEach((t, task) =>
      pool.submit({
        task,
        config: t.config,
        ...(t.seed !== undefined ? { seed: t.seed } : {}),
        ...(t.observe ? { observe: t.observe } : {}),
      }),
    );
  });
}
