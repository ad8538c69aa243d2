// A pool of worker threads that share one compiled WebAssembly.Module. Each worker runs one point
// at a time on its own instance; the pool queues jobs, replaces a worker that dies (the point it
// was running is reported as failed) and can abort the running points.

import { Worker } from "node:worker_threads";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SimResult } from "../result.js";

export type ToWorker =
  | { type: "init"; module: WebAssembly.Module }
  | { type: "run"; task: number; config: unknown; seed: number }
  | { type: "abort" };

export type FromWorker =
  | { type: "result"; task: number; result: SimResult; wallSeconds: number }
  | { type: "failed"; task: number; error: string; wallSeconds: number };

export interface PoolJob {
  task: number;
  config: unknown;
  seed: number;
}

export interface PoolOutcome {
  task: number;
  result: SimResult | null;
  error: string | null;
  wallSeconds: number;
}

/**
 * The compiled worker script. Workers need plain JavaScript: next to this file when running from
 * dist/, else (running from TypeScript sources, e.g. under vitest) the build's copy in dist/.
 */
export function workerScript(): URL {
  const here = new URL("./worker.js", import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL("../../dist/src/sweep/worker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error(`cannot find the sweep worker script (${fileURLToPath(here)}); run "npm run build" first`);
}

interface Slot {
  worker: Worker;
  job: PoolJob | null;
  t0: number;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: PoolJob[] = [];
  private closed = false;

  constructor(
    private readonly module: WebAssembly.Module,
    size: number,
    private readonly onOutcome: (o: PoolOutcome) => void,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(workerScript());
    const slot: Slot = { worker, job: null, t0: 0 };
    worker.postMessage({ type: "init", module: this.module } satisfies ToWorker);
    worker.on("message", (m: FromWorker) => {
      const job = slot.job;
      if (!job || job.task !== m.task) return;
      slot.job = null;
      this.onOutcome(
        m.type === "result"
          ? { task: m.task, result: m.result, error: null, wallSeconds: m.wallSeconds }
          : { task: m.task, result: null, error: m.error, wallSeconds: m.wallSeconds },
      );
      this.next(slot);
    });
    // A worker that dies (out of memory, a crash in the engine) fails the point it was running;
    // a fresh worker takes its place and the sweep goes on.
    const died = (why: string): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      const job = slot.job;
      slot.job = null;
      if (this.closed) return;
      const fresh = this.spawn();
      this.slots[i] = fresh;
      if (job) this.onOutcome({ task: job.task, result: null, error: `worker died: ${why}`, wallSeconds: (performance.now() - slot.t0) / 1e3 });
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
    slot.worker.postMessage({ type: "run", task: job.task, config: job.config, seed: job.seed } satisfies ToWorker);
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

  /** Drops queued jobs and asks running ones to stop (they report back as aborted). */
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
