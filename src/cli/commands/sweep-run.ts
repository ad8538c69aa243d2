// Running a sweep into its results file, under the file's lock: what the file already holds
// (--resume), what is left to run, the workers, progress, and a clean stop on Ctrl-C or SIGTERM.
// Points are resolved as the workers take them; what the file holds is read into a set of point
// ids, so memory follows the results file and the workers, not the size of the sweep.

import { closeSync, existsSync, fsyncSync, openSync, statSync, truncateSync, writeSync } from "node:fs";
import { parseResults, recordLine, type PointRecord } from "../../sweep/records.js";
import { sweep } from "../../sweep/run.js";
import { inShard, shardSize, type Shard } from "../../sweep/shard.js";
import { eachPoint, SpecError, type PlannedSweep, type SweepPlan } from "../../sweep/spec.js";
import { nextStage, sweepUntilCi, untilCiSummary, type UntilCi } from "../../sweep/until-ci.js";
import { UsageError } from "../errors.js";
import { fmtDuration, ProgressReporter } from "../progress.js";
import { listPoints } from "./sweep-dry-run.js";
import { describePlan, pointTimeoutMs, readInput, say, type SweepCliOpts } from "./sweep-common.js";

/** How a run is set up: the plan (an adaptive sweep's is resolved in full), shard, workers, module. */
export interface RunSetup {
  plan: PlannedSweep;
  shard: Shard | null;
  workers: number;
  module: WebAssembly.Module;
  /** What taking the lock found (a stale lock removed), to print after the plan. */
  lockNote: string | null;
  ci?: { plan: SweepPlan; ci: UntilCi };
}

/** Runs (or, with --dry-run, lists) what is left of the sweep, appending each point to o.out. */
export async function runLocked(s: RunSetup, o: SweepCliOpts): Promise<void> {
  const { plan, shard, workers, module, lockNote } = s;
  const ci = s.ci?.ci;
  const out = o.out;
  const mine = shardSize(plan.count, shard);
  // Points already in the results file (resume): a fixed sweep's are the records of this sweep
  // (its id) and shard; an adaptive sweep's are the records of any of its replications.
  const skip = new Set<string>();
  const have = new Map<string, PointRecord>();
  let tornNote = "";
  let foreign = 0;
  const exists = existsSync(out) && statSync(out).size > 0;
  if (exists && !o.resume && !o.dryRun) {
    throw new UsageError(
      `${out}: already holds results; pass --resume to continue that sweep, or choose another --out`,
    );
  }
  let validBytes = -1;
  if (exists && o.resume) {
    const parsed = parseResults(readInput(out, "--out"));
    const bad = parsed.bad[0];
    if (bad) throw new UsageError(`${out}:${bad.line}: ${bad.why}; fix or remove that line, then --resume again`);
    const ids = s.ci ? new Set(s.ci.plan.points.map((p) => p.id)) : null;
    for (const r of parsed.records) {
      const ours = ids ? ids.has(r.id) : r.sweep === plan.sweepId && inShard(r, shard);
      if (!ours) {
        foreign++;
        continue;
      }
      skip.add(r.id);
      have.set(r.id, r);
    }
    if (parsed.torn) {
      validBytes = parsed.validBytes;
      tornNote = `; dropped a partial last line (the run was killed while writing it)`;
    }
  }

  // The point count comes first, then what this invocation will do.
  say(describePlan(plan, ci));
  if (shard) say(`shard ${shard.index}/${shard.count} (from ${shard.source}): ${mine} points`);
  // An adaptive sweep knows only its next stage: the runs still missing from it.
  const stage = s.ci ? nextStage(s.ci.plan, s.ci.ci, have).todo : null;
  const todo = stage ? stage.length : mine - skip.size;
  const what = ci ? "runs" : "points";
  if (o.resume && exists) {
    const runs = `${have.size} runs already in ${out}; the next stage has ${todo} to run${tornNote}`;
    say(ci ? `resume: ${runs}` : `resume: ${skip.size} of ${mine} points already in ${out}, ${todo} to run${tornNote}`);
  }
  if (lockNote) say(`sweep: ${lockNote}`);
  if (foreign > 0) {
    say(`resume: ${foreign} records in ${out} are not points of this ${shard ? "shard" : "sweep"}; kept, not counted`);
  }
  if (o.dryRun) return listPoints(stage ?? eachPoint(plan), shard, skip);
  if (validBytes >= 0) truncateSync(out, validBytes);
  const nWorkers = Math.max(1, Math.min(workers, todo));
  if (todo === 0) {
    const every = ci ? "run the intervals need" : `point${shard ? " of this shard" : ""}`;
    say(`sweep: nothing to run; ${out} has every ${every}`);
    if (s.ci) for (const l of untilCiSummary(s.ci.plan, s.ci.ci, have)) say(l);
    return;
  }
  const on = `${nWorkers} worker${nWorkers === 1 ? "" : "s"}`;
  say(`running ${todo} ${ci ? "runs (first stage)" : "points"} on ${on} -> ${out}`);

  // Ctrl-C / SIGTERM (scancel, a Slurm time limit): stop cleanly, keep what is written.
  const ctrl = new AbortController();
  let signalName: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalName) {
      say(`sweep: ${sig} again, quitting now (finished points are on disk)`);
      process.exit(sig === "SIGTERM" ? 143 : 130);
    }
    signalName = sig;
    ctrl.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const fd = openSync(out, "a");
  const view = new ProgressReporter({ label: "sweep", unit: what, total: todo });
  let done = 0;
  let failed = 0;
  const first: PointRecord[] = [];
  try {
    // The metrics were probed before the lock was taken (sweep.ts).
    const common = {
      workers: nWorkers,
      signal: ctrl.signal,
      module,
      pointTimeoutMs: pointTimeoutMs(o.pointTimeout),
      checkMetrics: false,
    };
    const onStage = (st: { round: number; runs: number }): void => {
      if (st.round > 1) view.update({ done, failed, total: done + st.runs });
    };
    const runs = s.ci
      ? sweepUntilCi(s.ci.plan, s.ci.ci, { ...common, onStage }, have)
      : sweep(plan, { ...common, shard, skip });
    for await (const rec of runs) {
      // Durable before it is reported: a point counted as done survives a crash right after.
      writeSync(fd, recordLine(rec));
      fsyncSync(fd);
      done++;
      if (rec.state !== "completed") {
        failed++;
        view.note(`sweep: point #${rec.index} ${JSON.stringify(rec.axes)} failed: ${rec.error ?? "?"}`);
      }
      view.update({ done, failed });
      if (rec.state !== "completed" && first.length < 3) first.push(rec);
    }
  } catch (e) {
    // A point found unresolvable when it was reached ends the sweep; what finished is on disk.
    if (e instanceof SpecError)
      view.note(`sweep: stopped at a point that cannot run; ${done} finished points are in ${out}`);
    throw e;
  } finally {
    view.stop();
    fsyncSync(fd);
    closeSync(fd);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }

  const rate = view.perMinute.toFixed(1);
  if (signalName) {
    const left = ci ? "the rest" : `${todo - done} missing`;
    say(
      `sweep: stopped by ${signalName} after ${done} ${ci ? "runs" : `of ${todo} points`} (${rate} ${what}/min); ` +
        `${left}; run the same command with --resume to finish`,
    );
    process.exitCode = signalName === "SIGTERM" ? 143 : 130;
    return;
  }
  const took = `${fmtDuration(view.elapsedSeconds)} (${rate} ${what}/min)`;
  say(`sweep: done, ${done} ${what} in ${took}, ${failed} failed -> ${out}`);
  if (s.ci) for (const l of untilCiSummary(s.ci.plan, s.ci.ci, have)) say(l);
  if (failed > 0) {
    for (const r of first) say(`sweep: point #${r.index} ${JSON.stringify(r.axes)}: ${r.error ?? "?"}`);
    say(
      `pvnetsim: error: ${failed} point${failed === 1 ? "" : "s"} failed; ` +
        `their errors are recorded in ${out} (state "errored")`,
    );
    process.exitCode = 1;
  }
}
