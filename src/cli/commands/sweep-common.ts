// What the sweep commands (sweep, slurm, merge, report) share: one-line messages on stderr, the
// errors of the sweep modules as bad input, reading input files, loading a spec, the line that
// describes a sweep, and the options of `pvnetsim sweep`.

import { existsSync, readFileSync } from "node:fs";
import { TargetError } from "../../sweep/atomic.js";
import { LockError } from "../../sweep/lock.js";
import { MergeError } from "../../sweep/merge.js";
import { ReportError } from "../../sweep/report.js";
import { ShardError } from "../../sweep/shard.js";
import { SlurmError } from "../../sweep/slurm.js";
import { outlineSweep, parseSpecText, SpecError, type PlannedSweep, type SweepOutline } from "../../sweep/spec.js";
import type { UntilCi } from "../../sweep/until-ci.js";
import { UsageError } from "../errors.js";

export const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Errors of the sweep modules are bad input: one line, exit 2. */
export function asUsage(e: unknown): unknown {
  if (
    e instanceof SpecError ||
    e instanceof ShardError ||
    e instanceof MergeError ||
    e instanceof ReportError ||
    e instanceof LockError ||
    e instanceof TargetError ||
    e instanceof SlurmError
  )
    return new UsageError(e.message);
  return e;
}

/** The contents of an input file; throws UsageError with one line when it is missing or unreadable. */
export function readInput(path: string, what: string): Buffer {
  if (!existsSync(path)) throw new UsageError(`${what}: "${path}" does not exist`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * Reads, parses and validates a spec file; throws UsageError with one line. By default the spec is
 * outlined (its points are resolved when they are reached); `plan` may resolve them all instead.
 */
export function loadPlan<T = SweepOutline>(
  specFile: string,
  plan: (spec: unknown) => T = outlineSweep as (s: unknown) => T,
): T {
  const text = readInput(specFile, "spec").toString("utf8");
  try {
    return plan(parseSpecText(text, specFile));
  } catch (e) {
    throw asUsage(e);
  }
}

/** The first line of a sweep: its name, point count, axes and replications (or the --until-ci target). */
export function describePlan(plan: PlannedSweep, ci?: UntilCi): string {
  const axes = plan.axes.map((a) => `${a.name} x${a.labels.length}`).join(", ");
  const n = plan.count;
  if (ci) {
    const pct = `${+(ci.rel * 100).toPrecision(6)}%`;
    return (
      `sweep ${plan.name}: ${n / ci.maxReps} points (${axes || "no axes"}; ${ci.firstReps} to ${ci.maxReps} ` +
      `replications each, until the 95% CI of ${ci.metric} is within +-${pct} of the mean)`
    );
  }
  const reps = `${plan.replications} replication${plan.replications === 1 ? "" : "s"}`;
  return `sweep ${plan.name}: ${n} points (${axes || "no axes"}; ${reps})`;
}

/** The options of `pvnetsim sweep`, as commander gives them. */
export interface SweepCliOpts {
  out: string;
  workers?: string;
  pointTimeout?: string;
  resume?: boolean;
  shard?: string;
  dryRun?: boolean;
  untilCi?: string;
  metric?: string;
  maxReps?: string;
}

/** Default wall-time limit per point, s: far above any point of the allowed range on one core. */
export const DEFAULT_POINT_TIMEOUT_S = 6 * 3600;

/** --point-timeout in ms (undefined = no limit); throws UsageError for a bad value. */
export function pointTimeoutMs(v: string | undefined): number | undefined {
  const s = v === undefined ? DEFAULT_POINT_TIMEOUT_S : v.trim() === "" ? NaN : Number(v);
  if (!Number.isFinite(s) || s < 0 || s > 2_000_000) {
    throw new UsageError(
      `--point-timeout: ${JSON.stringify(String(v).slice(0, 40))} is not allowed; ` +
        "expected seconds from 0 (no limit) to 2000000",
    );
  }
  return s === 0 ? undefined : Math.max(1, Math.round(s * 1000));
}
