// `pvnetsim slurm`: writes an sbatch job-array script for a sweep, with its instructions. Each
// array task runs one shard (pvnetsim reads SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT) into its
// own results file with --resume, so resubmitting the same script finishes only what is missing.

//
// Which pvnetsim the tasks run: the CLI of the package this file belongs to, named by its real
// path (dist/src/cli/main.cjs under the package root, symlinks followed; the CommonJS entry, which
// starts without the ES-module shim main.js goes through), never the path the
// current process was started through, which under npx is a cache directory that npm may clear
// and compute nodes do not have. A site that installs pvnetsim elsewhere on its nodes (or wants
// `npx pvnetsim@<version>`) sets PVNETSIM_CLI to that command, when writing the job or when
// submitting it. The job checks at its start that the CLI is there and answers, and otherwise
// stops with one line saying what to set.

import { copyFileSync, mkdirSync, realpathSync, writeFileSync, chmodSync } from "node:fs";
import { basename, extname, join, resolve, sep } from "node:path";
import { packagePath } from "../package-root.js";
import type { SweepOutline } from "./spec.js";
import { PVNETSIM_VERSION } from "../version.js";

export interface SlurmOptions {
  /** Array tasks (shards). Default: min(points, 32). */
  tasks?: number;
  cpusPerTask?: number;
  /** sbatch --time, e.g. "01:00:00". */
  time?: string;
  partition?: string;
  /** Node binary the tasks run the CLI with (default: the one running now). */
  node?: string;
  /** The pvnetsim CLI script (default: this package's dist/src/cli/main.cjs). */
  cli?: string;
  /**
   * A command line that runs pvnetsim on the compute nodes, e.g. "npx --yes pvnetsim@0.1.0" or
   * "node /opt/pvnetsim/dist/src/cli/main.cjs"; replaces node + cli (default: PVNETSIM_CLI).
   */
  cliCommand?: string;
}

export class SlurmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SlurmError";
  }
}

/** The CLI script of this package, by its real path (dist/src/cli/main.cjs under the package root). */
export function packageCliPath(): string {
  const p = packagePath("dist", "src", "cli", "main.cjs");
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** True for a path inside npx's cache (`~/.npm/_npx/<hash>/...`), which may vanish at any time. */
export function isNpxCachePath(p: string): boolean {
  return p.split(sep).includes("_npx");
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

export function writeSlurmJob(
  specFile: string,
  plan: Pick<SweepOutline, "name" | "sweepId" | "count">,
  outDir: string,
  opts: SlurmOptions,
): SlurmJob {
  const n = plan.count;
  const tasks = opts.tasks ?? Math.min(n, 32);
  const cpus = opts.cpusPerTask ?? 1;
  const dir = resolve(outDir);
  mkdirSync(join(dir, "results"), { recursive: true });
  mkdirSync(join(dir, "logs"), { recursive: true });
  const ext = extname(specFile) || ".json";
  const spec = join(dir, `spec${ext}`);
  if (resolve(specFile) !== spec) copyFileSync(specFile, spec);
  const node = opts.node ?? process.execPath;
  const cliCommand = (opts.cliCommand ?? process.env["PVNETSIM_CLI"] ?? "").trim();
  const cli = opts.cli ?? packageCliPath();
  if (!cliCommand && isNpxCachePath(cli)) {
    throw new SlurmError(
      `pvnetsim runs from npx's cache (${cli}), which npm may clear and compute nodes do not have; install it ` +
        `where the nodes see it (npm install pvnetsim in a shared directory) and run that copy, or set PVNETSIM_CLI ` +
        `to the command the nodes should run, e.g. PVNETSIM_CLI="npx --yes pvnetsim@${PVNETSIM_VERSION}"`,
    );
  }
  const perTask = Math.ceil(n / tasks);
  // What the tasks run, and how `merge` and `report` are run afterwards (on the login node).
  const runHere = cliCommand || `${q(node)} ${q(cli)}`;

  const script = join(dir, "sweep.sbatch");
  const lines = [
    "#!/bin/bash",
    `# pvnetsim sweep "${plan.name}" (sweep id ${plan.sweepId}): ${n} points in ${tasks} array tasks of up to ` +
      `${perTask}.`,
    "# Written by `pvnetsim slurm`; see README.md beside this file.",
    `#SBATCH --job-name=pvnetsim-${plan.name}`,
    `#SBATCH --array=0-${tasks - 1}`,
    `#SBATCH --cpus-per-task=${cpus}`,
    "#SBATCH --ntasks=1",
    `#SBATCH --output=${dir}/logs/%A_%a.out`,
    ...(opts.time ? [`#SBATCH --time=${opts.time}`] : []),
    ...(opts.partition ? [`#SBATCH --partition=${opts.partition}`] : []),
    "set -euo pipefail",
    "# pvnetsim as installed where `pvnetsim slurm` ran. Where the compute nodes have it elsewhere, export",
    '# PVNETSIM_CLI (a command line, e.g. "npx --yes pvnetsim@VERSION" or "node /opt/pvnetsim/dist/src/cli/main.cjs")',
    "# or PVNETSIM_NODE (the node binary) before sbatch: sbatch passes the environment on.",
    `DEFAULT_CLI=${q(cliCommand)}`,
    // Empty when `pvnetsim slurm` ran from npx's cache: that path must not reach the nodes.
    `PVNETSIM_JS=${q(isNpxCachePath(cli) ? "" : cli)}`,
    `NODE="\${PVNETSIM_NODE:-${node}}"`,
    `DIR=${q(dir)}`,
    'fail() { echo "pvnetsim job on $(hostname): error: $*" >&2; exit 2; }',
    'CLI_LINE="${PVNETSIM_CLI:-$DEFAULT_CLI}"',
    'if [ -n "$CLI_LINE" ]; then',
    '  read -r -a PVNETSIM <<< "$CLI_LINE"',
    '  command -v "${PVNETSIM[0]}" >/dev/null || fail "PVNETSIM_CLI: ${PVNETSIM[0]} (from \'$CLI_LINE\') is not a ' +
      'command on this node"',
    "else",
    '  [ -x "$NODE" ] || command -v "$NODE" >/dev/null || fail "node is not at $NODE on this node; export ' +
      'PVNETSIM_NODE=/path/to/node (Node >= 20) before sbatch"',
    '  [ -f "$PVNETSIM_JS" ] || fail "the pvnetsim CLI is not at $PVNETSIM_JS on this node; install pvnetsim on a ' +
      "path the nodes share, or export PVNETSIM_CLI='npx --yes pvnetsim@" +
      PVNETSIM_VERSION +
      "' (or another command that runs it) before sbatch\"",
    '  PVNETSIM=("$NODE" "$PVNETSIM_JS")',
    "fi",
    '"${PVNETSIM[@]}" --version >/dev/null 2>&1 || fail "\'${PVNETSIM[*]} --version\' failed; set PVNETSIM_CLI or ' +
      'PVNETSIM_NODE to a pvnetsim and a Node >= 20 that run on this node"',
    "# The task's shard comes from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT; --resume makes a",
    "# resubmitted task run only the points its results file lacks.",
    `exec "\${PVNETSIM[@]}" sweep "$DIR/${basename(spec)}" --out "$DIR/results/shard-$SLURM_ARRAY_TASK_ID.jsonl" ` +
      `--resume --workers "\${SLURM_CPUS_PER_TASK:-1}"`,
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
    `  ${runHere} merge ${dir}/results/shard-*.jsonl --out ${dir}/all.jsonl`,
    "Report (CSV + HTML charts):",
    `  ${runHere} report ${dir}/all.jsonl --out ${dir}/report`,
    "",
    cliCommand ? `The tasks run: ${cliCommand} (from PVNETSIM_CLI).` : `The tasks run: ${node} ${cli}`,
    "Node or pvnetsim at another path on the compute nodes: export PVNETSIM_NODE=/path/to/node, or",
    'PVNETSIM_CLI="<command that runs pvnetsim>", before sbatch (sbatch passes the environment on).',
  ].join("\n");
  const readme = join(dir, "README.md");
  writeFileSync(
    readme,
    `# ${plan.name}: Slurm job array\n\n\`\`\`\n${instructions}\n\`\`\`\n\nFiles: \`${basename(spec)}\` (the ` +
      `spec), \`sweep.sbatch\` (the job), \`results/shard-<task>.jsonl\`, \`logs/<job>_<task>.out\`.\n`,
  );
  return { dir, script, spec, readme, tasks, instructions };
}
