// Shards: a deterministic subset of a sweep's points, so that n independent jobs (a Slurm array,
// a Kubernetes Indexed Job, n machines) together run every point exactly once. Point i belongs to
// shard i mod n (round-robin keeps shards balanced when cost varies along an axis).

import type { SweepPlan, SweepPoint } from "./spec.js";

export interface Shard {
  /** 0-based shard number. */
  index: number;
  count: number;
  /** Where it came from: "--shard", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX". */
  source: string;
}

export class ShardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShardError";
  }
}

const int = (s: string | undefined): number | null => (s !== undefined && /^\s*\d+\s*$/.test(s) ? Number(s) : null);

/** Parses "i/n" (0-based i, 0 <= i < n). */
export function parseShard(text: string, source = "--shard"): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) {
    throw new ShardError(`${source}: "${text}" is not allowed; expected i/n with 0 <= i < n (0-based), e.g. 0/4`);
  }
  return { index, count, source };
}

/**
 * The shard to run: an explicit --shard wins; else a Slurm array task (SLURM_ARRAY_TASK_ID minus
 * SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT); else a Kubernetes Indexed Job
 * (JOB_COMPLETION_INDEX of PVNETSIM_SHARD_COUNT, which the Job sets to its completions); else null.
 */
export function resolveShard(
  flag: string | undefined,
  env: Record<string, string | undefined> = process.env,
): Shard | null {
  if (flag !== undefined) return parseShard(flag);
  const id = int(env["SLURM_ARRAY_TASK_ID"]);
  if (env["SLURM_ARRAY_TASK_ID"] !== undefined) {
    const count = int(env["SLURM_ARRAY_TASK_COUNT"]);
    const min = int(env["SLURM_ARRAY_TASK_MIN"]) ?? 0;
    const step = int(env["SLURM_ARRAY_TASK_STEP"]) ?? 1;
    if (id === null || count === null) {
      throw new ShardError(
        `SLURM_ARRAY_TASK_ID=${env["SLURM_ARRAY_TASK_ID"]} / ` +
          `SLURM_ARRAY_TASK_COUNT=${env["SLURM_ARRAY_TASK_COUNT"]} are not allowed; expected integers (or pass ` +
          `--shard i/n)`,
      );
    }
    if (step < 1 || (id - min) % step !== 0)
      throw new ShardError(
        `SLURM_ARRAY_TASK_ID=${id}: not on the array's step ${step} from ${min}; use --array=0-<n-1> or pass ` +
          `--shard i/n`,
      );
    return parseShard(`${(id - min) / step}/${count}`, "SLURM_ARRAY_TASK_ID");
  }
  if (env["JOB_COMPLETION_INDEX"] !== undefined) {
    const idx = int(env["JOB_COMPLETION_INDEX"]);
    const count = int(env["PVNETSIM_SHARD_COUNT"]);
    if (idx === null)
      throw new ShardError(`JOB_COMPLETION_INDEX=${env["JOB_COMPLETION_INDEX"]} is not allowed; expected an integer`);
    if (count === null)
      throw new ShardError(
        `JOB_COMPLETION_INDEX is set but PVNETSIM_SHARD_COUNT=${env["PVNETSIM_SHARD_COUNT"] ?? "(unset)"} is not; ` +
          `set it to the Job's completions, or pass --shard i/n`,
      );
    return parseShard(`${idx}/${count}`, "JOB_COMPLETION_INDEX");
  }
  return null;
}

/** Whether a point (or the record of one) belongs to the shard. */
export function inShard(p: { index: number }, shard: Shard | null): boolean {
  return shard === null || p.index % shard.count === shard.index;
}

/** How many of a sweep's `count` points belong to the shard (all of them without one). */
export function shardSize(count: number, shard: Shard | null): number {
  return shard === null ? count : Math.max(0, Math.ceil((count - shard.index) / shard.count));
}

/** The points of one shard, in sweep order. */
export function shardPoints(plan: SweepPlan, shard: Shard | null): SweepPoint[] {
  return plan.points.filter((p) => inShard(p, shard));
}
