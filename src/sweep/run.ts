// The library entry point for sweeps: `sweep(spec, opts)` runs the points of a spec (or of one
// shard of it, minus points already done) on a pool of worker threads and yields one PointRecord
// per finished point, in completion order. Points are resolved as the workers take them.

import { availableParallelism } from "node:os";
import { loadWasmModule } from "../wasm-node.js";
import { simulateOnModule } from "../run/simulate.js";
import type { SimResult } from "../result.js";
import {
  eachPoint,
  outlineSweep,
  SpecError,
  type PlannedSweep,
  type SweepOutline,
  type SweepPlan,
  type SweepPoint,
} from "./spec.js";
import { inShard, shardPoints, shardSize, type Shard } from "./shard.js";
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
  /** Probe the spec's metrics on the first point before running (default true; false when the caller has). */
  checkMetrics?: boolean;
  /** Run exactly these points of the plan (an adaptive sweep's next stage) instead of a shard's. */
  points?: readonly SweepPoint[];
}

const isPlanned = (x: unknown): x is PlannedSweep =>
  x !== null &&
  typeof x === "object" &&
  typeof (x as SweepPlan).sweepId === "string" &&
  (Array.isArray((x as SweepPlan).points) || typeof (x as SweepOutline).points === "function");

/**
 * Checks that every metric of the plan names a number in a result, on a very short probe run of
 * the first point (a fraction of a simulated millisecond). Throws SpecError naming the metric.
 */
export async function checkMetrics(module: WebAssembly.Module, plan: PlannedSweep): Promise<void> {
  let first: SweepPoint | undefined;
  for (const p of eachPoint(plan)) {
    first = p;
    break;
  }
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

/** The shard's points minus the skipped ones, each resolved when it is reached. */
function* pendingStream(
  plan: PlannedSweep,
  shard: Shard | null,
  skip: ReadonlySet<string>,
  onSkip: () => void,
): Generator<SweepPoint, void, undefined> {
  for (const p of eachPoint(plan)) {
    if (!inShard(p, shard)) continue;
    if (skip.has(p.id)) onSkip();
    else yield p;
  }
}

/**
 * Runs a sweep and yields each finished point's record (completed or errored) as soon as it is
 * done. `spec` is a spec object (validated here; throws SpecError), an outline from outlineSweep()
 * or a plan from planSweep(). A failing point is yielded with state "errored" and the sweep goes
 * on. When `signal` aborts, the iterator ends after the points that had already finished;
 * stopping the iteration early (break) stops the workers too.
 *
 * The points are resolved as the workers need them, at most two per worker ahead of the running
 * ones, so a sweep of a million points starts at once and holds only the points under way. The
 * other side of it: a point of a spec or an outline that cannot be resolved (axes that do not fit
 * together there, or the same simulation as an earlier point) is found when it is reached; the
 * points under way then finish, are yielded, and the iterator throws that SpecError.
 */
export async function* sweep(spec: unknown, opts: SweepOptions = {}): AsyncGenerator<PointRecord, void, undefined> {
  const plan = isPlanned(spec) ? spec : outlineSweep(spec);
  const module = opts.module ?? (await loadWasmModule());
  if (opts.checkMetrics !== false) await checkMetrics(module, plan);
  const shard = opts.shard ?? null;
  const skip = new Set(opts.skip ?? []);
  let skipped = 0;
  const source: Iterator<SweepPoint> = opts.points
    ? opts.points[Symbol.iterator]()
    : pendingStream(plan, shard, skip, () => skipped++);
  // Progress totals are counted, not enumerated: the shard's points less the skipped ones (exact
  // when every skipped id is a point of the shard), and the exact count once planning has ended.
  let estimate = opts.points ? opts.points.length : Math.max(0, shardSize(plan.count, shard) - skip.size);
  if (opts.signal?.aborted) return;
  let pending: IteratorResult<SweepPoint> | null = source.next();
  if (pending.done) return;

  const size = Math.max(1, Math.min(opts.workers ?? availableParallelism(), Math.max(1, estimate)));
  const ahead = 2 * size;
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
  let submitted = 0;
  let outstanding = 0;
  let planned = false;
  let planError: unknown = null;
  let stopping = false;
  const inFlight = new Map<number, SweepPoint>();
  const limited = opts.pointTimeoutMs !== undefined && opts.pointTimeoutMs > 0;
  const timeout = limited ? { timeoutMs: opts.pointTimeoutMs } : {};

  /** Resolves and submits points until `ahead` are under way or planning has ended. */
  const feed = (): void => {
    while (!planned && !stopping && outstanding < ahead) {
      let next: IteratorResult<SweepPoint>;
      try {
        next = pending ?? source.next();
      } catch (e) {
        planError = e;
        planned = true;
        break;
      }
      pending = null;
      if (next.done) {
        planned = true;
        estimate = submitted;
        break;
      }
      const task = submitted++;
      inFlight.set(task, next.value);
      outstanding++;
      pool.submit({ task, config: next.value.config, seed: next.value.seed, ...timeout });
    }
  };

  const onOutcome = (o: PoolOutcome): void => {
    outstanding--;
    const p = inFlight.get(o.task)!;
    inFlight.delete(o.task);
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
        const total = Math.max(estimate, done);
        opts.onProgress({
          total,
          done,
          failed,
          running: pool.running,
          skipped,
          elapsedSeconds: elapsed,
          pointsPerMinute: rate * 60,
          etaSeconds: (total - done) / rate,
        });
      }
    }
    feed();
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
    feed();
    for (;;) {
      while (out.length > 0) yield out.shift()!;
      if (outstanding <= 0 && (planned || stopping)) break;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    if (abortTimer) clearTimeout(abortTimer);
    await pool.close();
  }
  if (planError !== null && !stopping) throw planError;
}
