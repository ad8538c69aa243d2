// `pvnetsim slurm`: writes an sbatch job-array script for a sweep, with its instructions. Each
// array task runs one shard (pvnetsim reads SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT) into its
// own results file with --resume, so resubmitting the same script finishes only what is missing.

import { copyFileSync, mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import type { SweepPlan } from "./spec.js";

export interface SlurmOptions {
  /** Array tasks (shards). Default: min(points, 32). */
  tasks?: number;
  cpusPerTask?: number;
  /** sbatch --time, e.g. "01:00:00". */
  time?: string;
  partition?: string;
  /** Node binary and pvnetsim CLI the tasks run (default: the ones running now). */
  node?: string;
  cli?: string;
}

export interface SlurmJob {
  dir: string;
  script: string;
  spec: string;
  readme: string;
  tasks: number;
  instructions: string;
}

/** Slurm's default MaxArraySize is 1001: indices 0..1000. */
export const MAX_ARRAY_TASKS = 1001;

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function writeSlurmJob(specFile: string, plan: SweepPlan, outDir: string, opts: SlurmOptions): SlurmJob {
  const n = plan.points.length;
  const tasks = opts.tasks ?? Math.min(n, 32);
  const cpus = opts.cpusPerTask ?? 1;
  const dir = resolve(outDir);
  mkdirSync(join(dir, "results"), { recursive: true });
  mkdirSync(join(dir, "logs"), { recursive: true });
  const ext = extname(specFile) || ".json";
  const spec = join(dir, `spec${ext}`);
  if (resolve(specFile) !== spec) copyFileSync(specFile, spec);
  const node = opts.node ?? process.execPath;
  const cli = opts.cli ?? resolve(process.argv[1] ?? "pvnetsim");
  const perTask = Math.ceil(n / tasks);

  const script = join(dir, "sweep.sbatch");
  const lines = [
    "#!/bin/bash",
    `# pvnetsim sweep "${plan.name}" (sweep id ${plan.sweepId}): ${n} points in ${tasks} array tasks of up to ${perTask}.`,
    "# Written by `pvnetsim slurm`; see README.md beside this file.",
    `#SBATCH --job-name=pvnetsim-${plan.name}`,
    `#SBATCH --array=0-${tasks - 1}`,
    `#SBATCH --cpus-per-task=${cpus}`,
    "#SBATCH --ntasks=1",
    `#SBATCH --output=${dir}/logs/%A_%a.out`,
    ...(opts.time ? [`#SBATCH --time=${opts.time}`] : []),
    ...(opts.partition ? [`#SBATCH --partition=${opts.partition}`] : []),
    "set -euo pipefail",
    "# Node and pvnetsim as installed where `pvnetsim slurm` ran; override on clusters where they differ.",
    `NODE="\${PVNETSIM_NODE:-${node}}"`,
    `PVNETSIM="\${PVNETSIM_CLI:-${cli}}"`,
    `DIR=${q(dir)}`,
    "# The task's shard comes from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT; --resume makes a",
    "# resubmitted task run only the points its results file lacks.",
    `exec "$NODE" "$PVNETSIM" sweep "$DIR/${basename(spec)}" --out "$DIR/results/shard-$SLURM_ARRAY_TASK_ID.jsonl" --resume --workers "\${SLURM_CPUS_PER_TASK:-1}"`,
    "",
  ];
  writeFileSync(script, lines.join("\n"));
  chmodSync(script, 0o755);

  const instructions = [
    `Slurm job for sweep "${plan.name}": ${n} points, ${tasks} array tasks (0-${tasks - 1}), ${cpus} CPU(s) each.`,
    "",
    "Submit (from a login node that shares this directory with the compute nodes):",
    `  sbatch ${script}`,
    "Watch:",
    "  squeue --me",
    `  tail -f ${dir}/logs/*.out`,
    "If tasks failed or were cancelled, submit the same script again: each task resumes its shard and",
    "runs only the points its results file lacks (keep the task count; it defines the shards).",
    "Merge the shards (reports missing and duplicate points):",
    `  ${q(node)} ${q(cli)} merge ${dir}/results/shard-*.jsonl --out ${dir}/all.jsonl`,
    "Report (CSV + HTML charts):",
    `  ${q(node)} ${q(cli)} report ${dir}/all.jsonl --out ${dir}/report`,
    "",
    "Node or pvnetsim at another path on the compute nodes: export PVNETSIM_NODE=... PVNETSIM_CLI=... before sbatch",
    "(sbatch passes the environment on).",
  ].join("\n");
  const readme = join(dir, "README.md");
  writeFileSync(readme, `# ${plan.name}: Slurm job array\n\n\`\`\`\n${instructions}\n\`\`\`\n\nFiles: \`${basename(spec)}\` (the spec), \`sweep.sbatch\` (the job), \`results/shard-<task>.jsonl\`, \`logs/<job>_<task>.out\`.\n`);
  return { dir, script, spec, readme, tasks, instructions };
}
