// The library entry point for sweeps: `sweep(spec, opts)` runs the points of a spec (or of one
// shard of it, minus points already done) on a pool of worker threads and yields one PointRecord
// per finished point, in completion order.

import { availableParallelism } from "node:os";
import { loadWasmModule } from "../wasm-node.js";
import { simulateOnModule } from "../run/simulate.js";
import type { SimResult } from "../result.js";
import { planSweep, SpecError, type SweepOutline, type SweepPlan, type SweepPoint } from "./spec.js";
import { shardPoints, type Shard } from "./shard.js";
import { badMetrics, makeRecord, summaryOf, type PointRecord } from "./records.js";
import { WorkerPool, type PoolOutcome } from "../pool/pool.js";

export interface SweepProgress {
  /** Points this call runs (after sharding and skipping). */
  total: number;
  done: number;
  failed: number;
  running: number;
  /** Points left out because they were already done (opts.skip). */
  skipped: number;
  elapsedSeconds: number;
  pointsPerMinute: number;
  /** Estimated seconds to finish; null until a point has finished. */
  etaSeconds: number | null;
}

export interface SweepOptions {
  /** Worker threads (default: the number of cores, at most the number of points). */
  workers?: number;
  /** Called whenever a point finishes. */
  onProgress?: (p: SweepProgress) => void;
  /** Aborting stops the sweep: queued points are dropped, running ones stopped and not yielded. */
  signal?: AbortSignal;
  /** Run only this shard. */
  shard?: Shard | null;
  /** Ids of points already done (resume): they are not run. */
  skip?: Iterable<string>;
  /** A compiled module to use (default: the release build, compiled once). */
  module?: WebAssembly.Module;
  /** Wall-time limit per point, ms (default: none); a point past it is recorded as errored. */
  pointTimeoutMs?: number;
  /** Run exactly these points of the plan (an adaptive sweep's next stage) instead of a shard's. */
  points?: readonly SweepPoint[];
}

const isPlan = (x: unknown): x is SweepPlan =>
  x !== null &&
  typeof x === "object" &&
  Array.isArray((x as SweepPlan).points) &&
  typeof (x as SweepPlan).sweepId === "string";

/**
 * Checks that every metric of the plan names a number in a result, on a very short probe run of
 * the first point (a fraction of a simulated millisecond). Throws SpecError naming the metric.
 */
export async function checkMetrics(module: WebAssembly.Module, plan: SweepPlan | SweepOutline): Promise<void> {
  const first = Array.isArray(plan.points) ? plan.points[0] : (plan as SweepOutline).points().next().value;
  if (!first) return;
  const probe = { ...first.config, durationMs: 0.01, warmupMs: 0 };
  let r: SimResult;
  try {
    r = await simulateOnModule(module, probe, { seed: first.seed });
  } catch {
    return; // the model cannot run this point at all: the point itself will record why
  }
  const bad = badMetrics(r, plan.metrics);
  if (bad.length > 0) {
    const i = plan.metrics.indexOf(bad[0]!);
    const head = bad[0]!.split(".")[0]!;
    const section = (r as unknown as Record<string, unknown>)[head];
    const known =
      head === "summary"
        ? Object.keys(summaryOf(r)).join(", ")
        : section && typeof section === "object" && !Array.isArray(section)
          ? Object.keys(section).join(", ")
          : "";
    throw new SpecError(
      `spec.metrics[${i}]: "${bad[0]}" is not a numeric result field${known ? `; ${head}.* has: ${known}` : ""}`,
    );
  }
}

/** The points a call runs: the shard's, minus the skipped ones. */
export function pendingPoints(
  plan: SweepPlan,
  shard: Shard | null | undefined,
  skip: Iterable<string> | undefined,
): { points: SweepPoint[]; skipped: number } {
  const inShard = shardPoints(plan, shard ?? null);
  const done = new Set(skip ?? []);
  const points = inShard.filter((p) => !done.has(p.id));
  return { points, skipped: inShard.length - points.length };
}

/**
 * Runs a sweep and yields each finished point's record (completed or errored) as soon as it is
 * done. `spec` is a spec object (validated here; throws SpecError) or a plan from planSweep().
 * A failing point is yielded with state "errored" and the sweep goes on. When `signal` aborts,
 * the iterator ends after the points that had already finished; stopping the iteration early
 * (break) stops the workers too.
 */
export async function* sweep(spec: unknown, opts: SweepOptions = {}): AsyncGenerator<PointRecord, void, undefined> {
  const plan = isPlan(spec) ? spec : planSweep(spec);
  const module = opts.module ?? (await loadWasmModule());
  await checkMetrics(module, plan);
  const { points, skipped } = opts.points
    ? { points: [...opts.points], skipped: 0 }
    : pendingPoints(plan, opts.shard, opts.skip);
  if (points.length === 0 || opts.signal?.aborted) return;

  const size = Math.max(1, Math.min(opts.workers ?? availableParallelism(), points.length));
  const out: PointRecord[] = [];
  let wake: (() => void) | null = null;
  const poke = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const t0 = performance.now();
  let done = 0;
  let failed = 0;
  let outstanding = points.length;
  let stopping = false;

  const onOutcome = (o: PoolOutcome): void => {
    outstanding--;
    const p = points[o.task]!;
    const aborted = o.result?.state === "aborted";
    // After an abort, only points that completed on their own count; the rest stay missing.
    if (!aborted && !(stopping && o.result === null)) {
      const rec = makeRecord(plan, p, o.result, o.error, o.wallSeconds);
      done++;
      if (rec.state !== "completed") failed++;
      out.push(rec);
      if (opts.onProgress) {
        const elapsed = (performance.now() - t0) / 1e3;
        const rate = done / Math.max(elapsed, 1e-9);
        opts.onProgress({
          total: points.length,
          done,
          failed,
          running: pool.running,
          skipped,
          elapsedSeconds: elapsed,
          pointsPerMinute: rate * 60,
          etaSeconds: (points.length - done) / rate,
        });
      }
    }
    poke();
  };
  const pool = new WorkerPool({ module, size, onOutcome });

  let abortTimer: NodeJS.Timeout | null = null;
  const onAbort = (): void => {
    stopping = true;
    pool.abort();
    outstanding = pool.running;
    // A point that ignores the abort for long (should not happen: the model checks between
    // chunks) must not hold the sweep: give up on it.
    abortTimer = setTimeout(() => {
      outstanding = 0;
      poke();
    }, 10_000);
    poke();
  };
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const limited = opts.pointTimeoutMs !== undefined && opts.pointTimeoutMs > 0;
    const timeout = limited ? { timeoutMs: opts.pointTimeoutMs } : {};
    points.forEach((p, task) => pool.submit({ task, config: p.config, seed: p.seed, ...timeout }));
    for (;;) {
      while (out.length > 0) yield out.shift()!;
      if (outstanding <= 0) break;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    if (abortTimer) clearTimeout(abortTimer);
    await pool.close();
  }
}
