// A small worker_threads pool that runs many independent simulations in parallel (reproduce,
// sensitivity, and any report that needs several seeds). Every worker gets the one compiled
// WebAssembly.Module (no recompilation per worker) and instantiates it once per run.
//
// Results come back in task order whatever order the workers finish in, so reports built from
// them are deterministic: same tasks, same results, same files.

import { Worker } from "node:worker_threads";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { SimResult } from "../result.js";
import type { WorkerTask } from "./worker.js";

export interface PoolTask {
  /** Preset name, partial config or ResolvedConfig (resolve first so bad input fails before any run). */
  config: unknown;
  seed?: number;
}

export interface PoolProgress {
  /** Tasks finished. */
  done: number;
  total: number;
  /** Fraction of all simulated work done, 0..1 (finished tasks plus the running ones' progress). */
  fraction: number;
}

export interface PoolOptions {
  module: WebAssembly.Module;
  /** Worker threads; default: the number of cores (os.availableParallelism()), at most one per task. */
  threads?: number;
  wasmBuild?: "release" | "debug";
  onProgress?: (p: PoolProgress) => void;
  signal?: AbortSignal;
}

/** Default pool size: one worker per core. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Path of the compiled worker script. Under tsc output this is ./worker.js beside this file; when
 * this file is loaded from TypeScript source (vitest), the compiled copy in dist/ is used, since
 * worker threads need plain JavaScript (run `npm run build` first).
 */
export function workerScriptPath(): string {
  const here = new URL("./worker.js", import.meta.url);
  const path = fileURLToPath(here);
  if (existsSync(path)) return path;
  const dist = path.replace(/([\\/])src\1reproduce\1worker\.js$/, "$1dist$1src$1reproduce$1worker.js");
  if (dist !== path && existsSync(dist)) return dist;
  throw new Error(`cannot find the compiled pool worker (${path}); run "npm run build" first`);
}

interface WorkerMessage {
  id: number;
  progress?: number;
  result?: SimResult;
  error?: string;
}

/**
 * Runs every task and resolves with their results in task order. A task that throws (a config
 * the model rejects) rejects the whole call after stopping the workers; a run that fails inside
 * the model comes back as a result with state "errored", like simulate() does.
 */
export function runPool(tasks: readonly PoolTask[], opts: PoolOptions): Promise<SimResult[]> {
  const total = tasks.length;
  if (total === 0) return Promise.resolve([]);
  const threads = Math.max(1, Math.min(opts.threads ?? defaultThreads(), total));
  const script = workerScriptPath();
  const results: (SimResult | undefined)[] = new Array(total);
  const running = new Map<number, number>(); // task id -> fraction
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];

  return new Promise<SimResult[]>((resolve, reject) => {
    let finished = false;
    const stop = (): void => {
      for (const w of workers) void w.terminate();
    };
    const fail = (e: Error): void => {
      if (finished) return;
      finished = true;
      stop();
      reject(e);
    };
    const report = (): void => {
      if (!opts.onProgress) return;
      let partial = 0;
      for (const f of running.values()) partial += f;
      opts.onProgress({ done, total, fraction: (done + partial) / total });
    };
    const feed = (w: Worker): void => {
      if (next >= total) return;
      const id = next++;
      running.set(id, 0);
      const t = tasks[id]!;
      const msg: WorkerTask = { id, config: t.config, ...(t.seed !== undefined ? { seed: t.seed } : {}) };
      w.postMessage(msg);
    };
    const onAbort = (): void => fail(new Error("aborted"));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    for (let i = 0; i < threads; i++) {
      const w = new Worker(script, { workerData: { module: opts.module, wasmBuild: opts.wasmBuild ?? "release" } });
      workers.push(w);
      w.on("message", (m: WorkerMessage) => {
        if (finished) return;
        if (m.progress !== undefined) {
          running.set(m.id, m.progress);
          report();
          return;
        }
        running.delete(m.id);
        if (m.error !== undefined) return fail(new Error(`run ${m.id + 1} of ${total}: ${m.error}`));
        results[m.id] = m.result!;
        done++;
        report();
        if (done === total) {
          finished = true;
          opts.signal?.removeEventListener("abort", onAbort);
          stop();
          resolve(results as SimResult[]);
          return;
        }
        feed(w);
      });
      w.on("error", (e) => fail(e));
      w.on("exit", (code) => {
        if (!finished && code !== 0) fail(new Error(`simulation worker exited with code ${code}`));
      });
      feed(w);
    }
  });
}
