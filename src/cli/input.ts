// Reading scenario inputs from the command line: a preset name or a JSON or YAML config file, plus
// `--set path=value` overrides. Every failure is a UsageError or ConfigError naming what was wrong.

// fs.promises is read where it is used: `run`, which needs none of it, then does not load it.
import { readFileSync, existsSync, statSync, constants, promises as fsp } from "node:fs";
import { dirname, resolve } from "node:path";
import { PRESETS } from "../config/presets.js";
import { Option, type Command } from "commander";
import { defaultThreads } from "../pool/threads.js";
import { UsageError } from "./errors.js";

/** A preset name, or the parsed contents of a JSON or YAML file (YAML: .yaml/.yml, or text that is not JSON). */
export async function loadScenario(arg: string): Promise<unknown> {
  if (Object.hasOwn(PRESETS, arg)) return arg;
  if (!existsSync(arg)) {
    throw new UsageError(
      `scenario: "${arg}" is neither a preset (${Object.keys(PRESETS).join(", ")}) nor an existing config file`,
    );
  }
  let text: string;
  try {
    text = readFileSync(arg, "utf8");
  } catch (e) {
    throw new UsageError(`${arg}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const yamlName = /\.ya?ml$/i.test(arg);
  if (!yamlName && (/\.json$/i.test(arg) || /^\s*[{[]/.test(text))) {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new UsageError(`${arg}: malformed JSON (${(e as Error).message}); expected a JSON config object`);
    }
  }
  // YAML is loaded only for YAML files: most runs name a preset or a JSON file.
  const { parse } = await import("yaml");
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: false, uniqueKeys: true }) as unknown;
  } catch (e) {
    const first = ((e as Error).message ?? String(e)).split("\n")[0];
    throw new UsageError(`${arg}: malformed YAML (${first}); expected a YAML or JSON config object`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new UsageError(
      `${arg}: ${doc === null ? "empty document" : `a ${Array.isArray(doc) ? "list" : typeof doc}`} is not ` +
        `allowed; expected a YAML or JSON config object`,
    );
  }
  return doc;
}

/** `--set a.b=value` pairs; the value is JSON when it parses as JSON, else a string. */
export function parseSets(sets: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set: "${s}" is not allowed; expected path=value, e.g. dom0.vcpus=8`);
    const path = s.slice(0, eq).trim();
    const raw = s.slice(eq + 1).trim();
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    // defineProperty: a path named "__proto__" stays a key (and is then rejected as unknown).
    Object.defineProperty(out, path, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Parses a non-negative integer option. */
export function intOption(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = toNumber(v);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${name}: ${showOption(v)} is not allowed; expected an integer >= ${min}`);
  return n;
}

/** An option's text as a number; an empty or blank value is no number (Number("") would be 0). */
const toNumber = (v: string): number => (v.trim() === "" ? NaN : Number(v));

/** An option's value as an error line shows it (bounded: a megabyte argument gives a short line). */
const showOption = (v: string): string => JSON.stringify(v.length > 80 ? v.slice(0, 77) + "..." : v);

/** Parses a positive number option. */
export function numOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = toNumber(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${name}: ${showOption(v)} is not allowed; expected a number > 0`);
  return n;
}

/** Parses a number option that may be 0 (an empty value is not 0). */
export function nonNegOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = toNumber(v);
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`${name}: ${showOption(v)} is not allowed; expected a number >= 0`);
  return n;
}

/** Fails early (before a run) when `file` cannot be written: its directory is missing or it is a directory. */
export function checkWritable(option: string, file: string): void {
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(
      `${option}: "${file}" is not allowed; expected a file in an existing directory (${dir} does not exist)`,
    );
  }
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new UsageError(`${option}: "${file}" is not allowed; expected a file name, not a directory`);
  }
}

/** The options the batch commands (reproduce, validate) share, checked: seeds, run lengths, workers. */
/** The options every batch command (reproduce, validate) shares, as commander hands them over. */
export interface BatchOpts {
  json?: boolean;
  out: string;
  seeds?: string;
  durationMs?: string;
  warmupMs?: string;
  workers?: string;
  threads?: string;
}

/** Adds the batch options to `command`: --json, --out, --seeds, --duration-ms, --warmup-ms, --workers. */
export function addBatchOptions(
  command: Command,
  d: { outDir: string; outFiles: string; seeds: number; per: string },
): Command {
  return command
    .option("--json", "print the report as one JSON object on stdout and nothing else")
    .option("--out <dir>", `directory for ${d.outFiles}`, d.outDir)
    .option("--seeds <n>", `seeds per ${d.per} (1..n)`, String(d.seeds))
    .option("--duration-ms <ms>", `measured interval per run, ms (default: the ${d.per}s', 1000)`)
    .option("--warmup-ms <ms>", `warm-up per run, ms (default: the ${d.per}s', 200)`)
    .option("--workers <n>", `worker threads (default: the number of cores, ${defaultThreads()} here)`)
    .addOption(new Option("--threads <n>", "same as --workers").hideHelp());
}

/** The checked batch options; a key the user did not give is absent, so it can be spread into a call. */
export function batchOptions(o: Omit<BatchOpts, "out">): {
  seeds: number;
  durationMs?: number;
  warmupMs?: number;
  threads?: number;
} {
  const seeds = intOption("--seeds", o.seeds, 1)!;
  if (seeds > 1000) throw new UsageError(`--seeds: ${seeds} is not allowed; expected an integer from 1 to 1000`);
  const durationMs = numOption("--duration-ms", o.durationMs);
  const warmupMs = nonNegOption("--warmup-ms", o.warmupMs);
  const threads = intOption(o.workers !== undefined ? "--workers" : "--threads", o.workers ?? o.threads, 1);
  return {
    seeds,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(warmupMs !== undefined ? { warmupMs } : {}),
    ...(threads !== undefined ? { threads } : {}),
  };
}

/** Makes the output directory and checks it is writable, before anything is simulated. */
export async function writableDir(out: string): Promise<string> {
  const dir = resolve(out);
  try {
    await fsp.mkdir(dir, { recursive: true });
    await fsp.access(dir, constants.W_OK);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UsageError(`--out: cannot write to ${JSON.stringify(out)} (${why})`);
  }
  return dir;
}
