// Shared pieces of the benchmarks: where the repository is, the environment record every result
// carries (CPU, Node, AssemblyScript, gcc), loading the Wasm module, and small statistics.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the nearest ancestor of this file holding pvnetsim's package.json.
 *  Works from bench/*.ts (vitest) and from dist/bench/*.js (npm run bench). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "pvnetsim") return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("pvnetsim repository root not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export interface BenchEnv {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
  assemblyscript: string;
  tinybench: string;
  gcc: string | null;
  platform: string;
  date: string;
  /** 1-minute load average when the run started: above ~0.5 other work shares the cores. */
  loadAverage1m: number;
}

function pkgVersion(root: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return "not installed";
  }
}

/** First line of `gcc --version`, or null when gcc is absent. */
export function gccVersion(): string | null {
  try {
    return execFileSync("gcc", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0]!;
  } catch {
    return null;
  }
}

export function benchEnv(): BenchEnv {
  const root = repoRoot();
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m?.[1]) cpu = m[1].trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    cpu,
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    assemblyscript: pkgVersion(root, "assemblyscript"),
    tinybench: pkgVersion(root, "tinybench"),
    gcc: gccVersion(),
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function envHeader(env: BenchEnv): string {
  return [
    `CPU: ${env.cpu} (${env.cores} cores, ${env.memoryGiB} GiB)`,
    `Node ${env.node} (V8 ${env.v8}), AssemblyScript ${env.assemblyscript}, tinybench ${env.tinybench}, gcc: ${env.gcc ?? "not found"}`,
    `${env.platform}, ${env.date}, load average ${env.loadAverage1m}${env.loadAverage1m > 0.5 ? " (other work was running: absolute numbers are low, compare ratios)" : ""}`,
  ].join("\n");
}

/** The raw exports of build/pvnetsim.wasm that the benchmarks use (i64 results are bigint). */
export type WasmExports = Record<string, unknown> & { memory: WebAssembly.Memory };

let cachedModule: WebAssembly.Module | undefined;

/** Compiles build/pvnetsim.wasm once per process: instances share its (tiered-up) code. */
export async function wasmModule(): Promise<WebAssembly.Module> {
  if (!cachedModule) {
    const file = join(repoRoot(), "build", "pvnetsim.wasm");
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build:wasm first`);
    cachedModule = await WebAssembly.compile(readFileSync(file));
  }
  return cachedModule;
}

/** A fresh instance (its own memory): one per benchmark run, never shared. */
export async function wasmInstance(): Promise<WasmExports> {
  const mod = await wasmModule();
  const inst = await WebAssembly.instantiate(mod, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number): never {
        throw new Error(`wasm abort at ${line}:${col}`);
      },
    },
  });
  return inst.exports as unknown as WasmExports;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** 12345678 -> "12.35 M" */
export function fmtRate(x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  if (x >= 1e9) return (x / 1e9).toFixed(2) + " G";
  if (x >= 1e6) return (x / 1e6).toFixed(2) + " M";
  if (x >= 1e3) return (x / 1e3).toFixed(1) + " k";
  return x.toFixed(1);
}

/** Left-aligned text table with a rule under the header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]): string => r.map((c, i) => c.padEnd(w[i]!)).join("  ").trimEnd();
  return [line(header), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

/** `--name value` or `--name=value` from argv. */
export function argValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/** A temporary directory for compiled C benchmarks, removed when the process exits. */
export function benchTmpDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
