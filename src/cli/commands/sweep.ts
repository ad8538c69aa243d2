// `pvnetsim sweep | slurm | merge | report`: parameter sweeps on all cores, resumable JSONL
// results, shards for Slurm job arrays and Kubernetes Indexed Jobs, merging and reports.
// See docs/sweeps.md.

import { Option, type Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { loadWasmModule } from "../../wasm-node.js";
import { parseSpecText } from "../../sweep/spec.js";
import { resolveShard, type Shard } from "../../sweep/shard.js";
import { checkMetrics } from "../../sweep/run.js";
import { streamDryRun } from "./sweep-dry-run.js";
import { parseResults, recordLine } from "../../sweep/records.js";
import { mergeResults, listIndices } from "../../sweep/merge.js";
import { writeSlurmJob, MAX_ARRAY_TASKS } from "../../sweep/slurm.js";
import { writeReport } from "../../sweep/report.js";
import { assertNotBeingWritten, lockResults } from "../../sweep/lock.js";
import { writeFileAtomic } from "../../sweep/atomic.js";
import { action, UsageError } from "../errors.js";
import { intOption } from "../input.js";
import { parseRel, planUntilCi, type UntilCi } from "../../sweep/until-ci.js";
import type { PlannedSweep, SweepOutline, SweepPlan } from "../../sweep/spec.js";
import { asUsage, DEFAULT_POINT_TIMEOUT_S, describePlan, loadPlan, pointTimeoutMs, readInput, say, type SweepCliOpts } from "./sweep-common.js";
import { runLocked } from "./sweep-run.js";

/** The plan of an adaptive sweep (--until-ci): every replication a point may get, and the target. */
function loadCiPlan(specFile: string, o: SweepCliOpts): { plan: SweepPlan; ci: UntilCi } {
  const text = readInput(specFile, "spec").toString("utf8");
  const maxReps = intOption("--max-reps", o.maxReps, 1);
  try {
    const rel = parseRel(o.untilCi!);
    return planUntilCi(parseSpecText(text, specFile), { rel, ...(o.metric ? { metric: o.metric } : {}), ...(maxReps !== undefined ? { maxReps } : {}) });
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
  const streaming = o.dryRun === true && adaptive === null && !(o.resume && existsSync(o.out) && statSync(o.out).size > 0);
  const outline = adaptive ? null : loadPlan<SweepOutline>(specFile);
  const plan: PlannedSweep = adaptive?.plan ?? outline!;
  let shard: Shard | null;
  try {
    shard = resolveShard(o.shard);
  } catch (e) {
    throw asUsage(e);
  }
  if (adaptive && shard) {
    throw new UsageError(`--until-ci: not allowed with a shard (${shard.source}); a point's replications are decided together, in one sweep process`);
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

async function runMerge(files: string[], o: { out: string; strict?: boolean }): Promise<void> {
  if (files.length === 0) throw new UsageError("merge: give at least one results file");
  if (existsSync(o.out) && statSync(o.out).isDirectory()) throw new UsageError(`--out: ${o.out} is a directory; expected a file path for the merged results`);
  let lock: { release: () => void } | null = null;
  let rep: ReturnType<typeof mergeResults>;
  try {
    // A file a live sweep is writing is neither read (its points are not all there) nor replaced
    // (the sweep would go on writing to the replaced file's inode, and its points would be lost).
    for (const f of files) assertNotBeingWritten(f, "merge");
    lock = lockResults(o.out);
    const inputs = files.map((f) => ({ name: f, data: readInput(f, "merge") }));
    rep = mergeResults(inputs);
    for (const i of rep.inputs) {
      if (i.torn) say(`merge: ${i.name}: partial last line left out (a killed run; resume it to finish that point)`);
      for (const b of i.bad) say(`merge: ${i.name}:${b.line}: ${b.why}; left out`);
    }
    const records = rep.records;
    writeFileAtomic(o.out, (function* () {
      for (const r of records) yield recordLine(r);
    })());
  } catch (e) {
    throw asUsage(e);
  } finally {
    lock?.release();
  }
  const conflicts = rep.duplicates.filter((d) => d.conflicting);
  say(`merge: ${rep.records.length} points${rep.total !== null ? ` of ${rep.total}` : ""} from ${files.length} file${files.length === 1 ? "" : "s"} -> ${o.out}; missing ${rep.missing.length}, duplicates ${rep.duplicates.length}${conflicts.length ? ` (${conflicts.length} conflicting)` : ""}, errored ${rep.errored}`);
  if (rep.missing.length) say(`merge: missing points: ${listIndices(rep.missing)}`);
  if (rep.duplicates.length) say(`merge: duplicate points (kept the first copy): ${listIndices(rep.duplicates.map((d) => d.index))}`);
  if (conflicts.length) say(`merge: warning: copies of ${listIndices(conflicts.map((d) => d.index))} differ in more than wall time (different builds or versions?)`);
  if (o.strict && (rep.missing.length > 0 || conflicts.length > 0)) {
    throw new Error(`merge --strict: ${rep.missing.length} missing, ${conflicts.length} conflicting`);
  }
}

export function register(program: Command): void {
  program
    .command("sweep")
    .description("run a parameter sweep on a pool of workers, one JSON line per point")
    .argument("<spec>", "sweep spec, JSON or YAML (see docs/sweeps.md)")
    .requiredOption("--out <file>", "results file (JSONL, appended and fsynced point by point)")
    .option("--workers <n>", "worker threads (default: SLURM_CPUS_PER_TASK, else the number of cores)")
    .option("--point-timeout <seconds>", `wall-time limit per point; a point past it is recorded as errored (default ${DEFAULT_POINT_TIMEOUT_S}; 0 = none)`)
    .option("--resume", "continue an interrupted sweep: run only points missing from --out")
    .option("--shard <i/n>", "run shard i of n (0-based); default from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX + PVNETSIM_SHARD_COUNT")
    .option("--dry-run", "validate and list the points (index, id, seed, axes) without running")
    .option("--until-ci <rel>", "add replications to each point until the 95% CI half-width of the metric is at most REL of its mean (0.02 or 2%)")
    .option("--metric <path>", "with --until-ci: the metric whose interval counts (default: the spec's first metric)")
    .option("--max-reps <n>", "with --until-ci: most replications a point gets (default 30)")
    .action(action(async (spec: string, o: SweepCliOpts) => runSweep(spec, o)));

  program
    .command("slurm")
    .description("write an sbatch job-array script (and instructions) that runs a sweep as shards")
    .argument("<spec>", "sweep spec, JSON or YAML")
    .requiredOption("--out <dir>", "directory for the script, a copy of the spec, results and logs")
    .option("--tasks <n>", "array tasks (default: min(points, 32))")
    .option("--workers <n>", "CPUs (= workers) per array task, sbatch --cpus-per-task (default 1)")
    .addOption(new Option("--cpus-per-task <n>", "same as --workers").hideHelp())
    .option("--time <limit>", "sbatch --time, e.g. 02:00:00")
    .option("--partition <name>", "sbatch --partition")
    .action(
      action(async (spec: string, o: { out: string; tasks?: string; workers?: string; cpusPerTask?: string; time?: string; partition?: string }) => {
        const plan = loadPlan<SweepOutline>(spec);
        const n = plan.count;
        const tasks = intOption("--tasks", o.tasks, 1);
        if (tasks !== undefined && tasks > Math.min(n, MAX_ARRAY_TASKS)) {
          throw new UsageError(`--tasks: ${tasks} is not allowed; expected 1 to ${Math.min(n, MAX_ARRAY_TASKS)} (${n} points; Slurm's default MaxArraySize allows ${MAX_ARRAY_TASKS} tasks)`);
        }
        const cpus = intOption(o.workers !== undefined ? "--workers" : "--cpus-per-task", o.workers ?? o.cpusPerTask, 1);
        if (o.time !== undefined && !/^[0-9:-]+$/.test(o.time)) throw new UsageError(`--time: "${o.time}" is not allowed; expected a Slurm time such as 30:00 or 1-02:00:00`);
        if (o.partition !== undefined && !/^[A-Za-z0-9_.,-]+$/.test(o.partition)) throw new UsageError(`--partition: "${o.partition}" is not allowed; expected a partition name`);
        let job: ReturnType<typeof writeSlurmJob>;
        try {
          job = writeSlurmJob(spec, plan, o.out, {
            ...(tasks !== undefined ? { tasks } : {}),
            ...(cpus !== undefined ? { cpusPerTask: cpus } : {}),
            ...(o.time !== undefined ? { time: o.time } : {}),
            ...(o.partition !== undefined ? { partition: o.partition } : {}),
          });
        } catch (e) {
          throw asUsage(e);
        }
        say(describePlan(plan));
        process.stdout.write(`wrote ${job.script}\n\n${job.instructions}\n`);
      }),
    );

  program
    .command("merge")
    .description("merge results files (shards, resumed runs) into one, reporting missing and duplicate points")
    .argument("<files...>", "results files (JSONL)")
    .requiredOption("--out <file>", "merged results file (sorted by point index)")
    .option("--strict", "exit 1 when points are missing or copies of a point disagree")
    .action(action(async (files: string[], o: { out: string; strict?: boolean }) => runMerge(files, o)));

  program
    .command("report")
    .description("write results.csv and index.html (SVG charts with CIs over replications) for a results file")
    .argument("<results>", "results file (JSONL)")
    .requiredOption("--out <dir>", "output directory")
    .option("--x <axis>", "axis on the x axis (default: the first axis with several values)")
    .option("--series <axis>", "axis with one line per value (default: the next one)")
    .option("--metrics <list>", "comma-separated metrics to chart (default: all kept metrics)")
    .action(
      action(async (file: string, o: { out: string; x?: string; series?: string; metrics?: string }) => {
        try {
          assertNotBeingWritten(file, "report");
        } catch (e) {
          throw asUsage(e);
        }
        const parsed = parseResults(readInput(file, "report"));
        if (parsed.records.length === 0) throw new UsageError(`${file}: no point records`);
        if (parsed.torn) say(`report: ${file}: partial last line left out`);
        // Several copies of a point (an unmerged concatenation): report each point once.
        const seen = new Set<string>();
        const records = parsed.records.filter((r) => {
          if (seen.has(r.id)) return false;
          seen.add(r.id);
          return true;
        });
        try {
          const files = await writeReport(records, o.out, {
            ...(o.x !== undefined ? { x: o.x } : {}),
            ...(o.series !== undefined ? { series: o.series } : {}),
            ...(o.metrics !== undefined ? { metrics: o.metrics.split(",").map((s) => s.trim()).filter(Boolean) } : {}),
          });
          for (const n of files.notes) say(`report: ${n}`);
          process.stdout.write(`wrote ${files.csv} (${records.length} rows) and ${files.html} (${files.charts} charts)\n`);
        } catch (e) {
          throw asUsage(e);
        }
      }),
    );
}
