// Shared helpers of the sweep tests: run the built CLI, read results files, compare runs.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseResults, deterministicPart, canonicalJson, type PointRecord } from "../../dist/src/sweep/index.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = join(ROOT, "dist/src/cli/main.js");

export const tmp = (prefix: string): string => mkdtempSync(join(tmpdir(), `pvnetsim-${prefix}-`));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pvnetsim ARGS` to completion. */
export function cli(args: string[], env: Record<string, string | undefined> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...cleanEnv(), ...env }, timeout: 170_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `pvnetsim ARGS` in the background. */
export function cliSpawn(args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
}

/** The environment without shard variables, so a test never picks up a shard by accident. */
export function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_CPUS_PER_TASK", "JOB_COMPLETION_INDEX", "PVNETSIM_SHARD_COUNT"]) delete env[k];
  return env;
}

export function readRecords(file: string): PointRecord[] {
  return parseResults(readFileSync(file)).records;
}

/** id -> deterministic content; throws if a point appears twice. */
export function byId(records: PointRecord[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of records) {
    if (m.has(r.id)) throw new Error(`point ${r.id} (#${r.index}) appears twice`);
    m.set(r.id, canonicalJson(deterministicPart(r)));
  }
  return m;
}

export const lines = (file: string): string[] => readFileSync(file, "utf8").split("\n").filter((l) => l !== "");
