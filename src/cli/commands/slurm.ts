// `pvnetsim slurm`: writes an sbatch job-array script (and a README with the steps) that runs a
// sweep as shards, one results file per array task, to be merged afterwards. The spec is checked
// and its points counted here, without resolving them. See docs/sweeps.md.

import { type Command, Option } from "commander";
import { MAX_ARRAY_TASKS, writeSlurmJob } from "../../sweep/slurm.js";
import type { SweepOutline } from "../../sweep/spec.js";
import { action, UsageError } from "../errors.js";
import { intOption } from "../input.js";
import { asUsage, describePlan, loadPlan, say } from "./sweep-common.js";

interface SlurmCliOpts {
  out: string;
  tasks?: string;
  workers?: string;
  cpusPerTask?: string;
  time?: string;
  partition?: string;
}

async function runSlurm(spec: string, o: SlurmCliOpts): Promise<void> {
  const plan = loadPlan<SweepOutline>(spec);
  const n = plan.count;
  const tasks = intOption("--tasks", o.tasks, 1);
  if (tasks !== undefined && tasks > Math.min(n, MAX_ARRAY_TASKS)) {
    throw new UsageError(
      `--tasks: ${tasks} is not allowed; expected 1 to ${Math.min(n, MAX_ARRAY_TASKS)} ` +
        `(${n} points; Slurm's default MaxArraySize allows ${MAX_ARRAY_TASKS} tasks)`,
    );
  }
  const cpus = intOption(o.workers !== undefined ? "--workers" : "--cpus-per-task", o.workers ?? o.cpusPerTask, 1);
  if (o.time !== undefined && !/^[0-9:-]+$/.test(o.time)) {
    throw new UsageError(`--time: "${o.time}" is not allowed; expected a Slurm time such as 30:00 or 1-02:00:00`);
  }
  if (o.partition !== undefined && !/^[A-Za-z0-9_.,-]+$/.test(o.partition)) {
    throw new UsageError(`--partition: "${o.partition}" is not allowed; expected a partition name`);
  }
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
}

export function register(program: Command): void {
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
    .action(action(async (spec: string, o: SlurmCliOpts) => runSlurm(spec, o)));
}
