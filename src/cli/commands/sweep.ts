// `pvnetsim sweep`: a parameter sweep on all cores into a resumable JSONL results file, or one
// shard of it (Slurm job arrays, Kubernetes Indexed Jobs), with --dry-run and --until-ci. This file
// reads the options and the spec and takes the file's lock; sweep-run.ts runs the points and
// sweep-dry-run.ts lists them. See docs/sweeps.md.

import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { lockResults } from "../../sweep/lock.js";
import { checkMetrics } from "../../sweep/run.js";
import { resolveShard, type Shard } from "../../sweep/shard.js";
import { type PlannedSweep, parseSpecText, type SweepOutline, type SweepPlan } from "../../sweep/spec.js";
import { parseRel, planUntilCi, type UntilCi } from "../../sweep/until-ci.js";
import { loadWasmModule } from "../../wasm-node.js";
import { action, UsageError } from "../errors.js";
import { intOption } from "../input.js";
import { streamDryRun } from "./sweep-dry-run.js";
import {
  asUsage,
  DEFAULT_POINT_TIMEOUT_S,
  describePlan,
  loadPlan,
  pointTimeoutMs,
  readInput,
  say,
  type SweepCliOpts,
} from "./sweep-common.js";
import { runLocked } from "./sweep-run.js";

/** The plan of an adaptive sweep (--until-ci): every replication a point may get, and the target. */
function loadCiPlan(specFile: string, o: SweepCliOpts): { plan: SweepPlan; ci: UntilCi } {
  const text = readInput(specFile, "spec").toString("utf8");
  const maxReps = intOption("--max-reps", o.maxReps, 1);
  try {
    const rel = parseRel(o.untilCi!);
    return planUntilCi(parseSpecText(text, specFile), {
      rel,
      ...(o.metric ? { metric: o.metric } : {}),
      ...(maxReps !== undefined ? { maxReps } : {}),
    });
  } catch (e) {
    throw asUsage(e);
  }
}

async function runSweep(specFile: string, o: SweepCliOpts): Promise<void> {
  pointTimeoutMs(o.pointTimeout);
  if (o.untilCi === undefined && (o.metric !== undefined || o.maxReps !== undefined)) {
    throw new UsageError(`${o.metric !== undefined ? "--metric" : "--max-reps"}: only allowed with --until-ci REL`);
  }
  const adaptive = o.untilCi !== undefined ? loadCiPlan(specFile, o) : null;
  // A dry run of a fixed sweep with nothing to resume lists the points as they are planned.
  const streaming =
    o.dryRun === true && adaptive === null && !(o.resume && existsSync(o.out) && statSync(o.out).size > 0);
  const outline = adaptive ? null : loadPlan<SweepOutline>(specFile);
  const plan: PlannedSweep = adaptive?.plan ?? outline!;
  let shard: Shard | null;
  try {
    shard = resolveShard(o.shard);
  } catch (e) {
    throw asUsage(e);
  }
  if (adaptive && shard) {
    throw new UsageError(
      `--until-ci: not allowed with a shard (${shard.source}); ` +
        "a point's replications are decided together, in one sweep process",
    );
  }
  const outDir = dirname(resolve(o.out));
  if (!existsSync(outDir)) throw new UsageError(`--out: directory ${outDir} does not exist`);
  if (streaming && outline) {
    const check = async (): Promise<void> => checkMetrics(await loadWasmModule(), outline);
    return streamDryRun(outline, shard, say, check, describePlan(outline)).catch((e) => Promise.reject(asUsage(e)));
  }
  const slurmCpus = intOption("SLURM_CPUS_PER_TASK", process.env["SLURM_CPUS_PER_TASK"], 1);
  const workers = intOption("--workers", o.workers, 1) ?? slurmCpus ?? availableParallelism();
  const module = await loadWasmModule();
  try {
    await checkMetrics(module, plan);
  } catch (e) {
    throw asUsage(e);
  }

  // What is already in the results file (resume) is read under the lock, before anything runs.
  let lock: { release: () => void; note: string | null } | null = null;
  if (!o.dryRun) {
    try {
      lock = lockResults(o.out);
    } catch (e) {
      throw asUsage(e);
    }
  }
  try {
    const lockNote = lock?.note ?? null;
    await runLocked({ plan, shard, workers, module, lockNote, ...(adaptive ? { ci: adaptive } : {}) }, o);
  } catch (e) {
    throw asUsage(e);
  } finally {
    lock?.release();
  }
}

export function register(program: Command): void {
  program
    .command("sweep")
    .description("run a parameter sweep on a pool of workers, one JSON line per point")
    .argument("<spec>", "sweep spec, JSON or YAML (see docs/sweeps.md)")
    .requiredOption("--out <file>", "results file (JSONL, appended and fsynced point by point)")
    .option("--workers <n>", "worker threads (default: SLURM_CPUS_PER_TASK, else the number of cores)")
    .option(
      "--point-timeout <seconds>",
      "wall-time limit per point; a point past it is recorded as errored " +
        `(default ${DEFAULT_POINT_TIMEOUT_S}; 0 = none)`,
    )
    .option("--resume", "continue an interrupted sweep: run only points missing from --out")
    .option(
      "--shard <i/n>",
      "run shard i of n (0-based); " +
        "default from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX + PVNETSIM_SHARD_COUNT",
    )
    .option("--dry-run", "validate and list the points (index, id, seed, axes) without running")
    .option(
      "--until-ci <rel>",
      "add replications to each point until the 95% CI half-width of the metric is at most REL of its mean " +
        "(0.02 or 2%)",
    )
    .option("--metric <path>", "with --until-ci: the metric whose interval counts (default: the spec's first metric)")
    .option("--max-reps <n>", "with --until-ci: most replications a point gets (default 30)")
    .action(action(async (spec: string, o: SweepCliOpts) => runSweep(spec, o)));
}
