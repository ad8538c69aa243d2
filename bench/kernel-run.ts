// Kernel benchmark runner (docs/bench-kernel.md): the same packet-pipeline model in Wasm (the
// engine's own event queue, assembly/bench/kernel.ts), C (bench/kernel.c, gcc -O2) and plain
// TypeScript (bench/kernel-ts.ts), run interleaved in one process, with checksums checked
// against the table and ratios taken from the same run.
//
//   npm run bench:kernel                       table
//   npm run bench:kernel -- --json             one JSON line per implementation and config
//   options: --reps N (default 5)  --configs A,B  --events N (overrides N; checksums then unchecked)
//            --chunk N (events per kbRun call; default 1,000,000: for the tiering experiment only)
//
// V8 tiering policy (fixed, printed with the results): see TIERING below.

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { KernelTs } from "./kernel-ts.js";
import {
  argValue, benchEnv, benchTmpDir, envHeader, fmtRate, gccVersion, median, repoRoot, table, wasmInstance,
  type BenchEnv,
} from "./common.js";

export type KernelImpl = "wasm" | "c" | "ts";

export interface KernelConfig {
  name: string;
  sources: number;
  events: number;
  /** Expected results from bench-kernel.md (for the full event count only). */
  csum: bigint;
  latsum: bigint;
  completed: number;
  drops: number;
  /** Average pending-event count after each event, from the table (to one decimal). */
  avgPending: number;
}

export const KERNEL_CONFIGS: readonly KernelConfig[] = [
  { name: "A", sources: 4, events: 20_000_000, csum: 14970246951458280292n, latsum: 192906899714531n, completed: 3999989, drops: 0, avgPending: 16.9 },
  { name: "B", sources: 2400, events: 20_000_000, csum: 25046280125677154n, latsum: 191297974389160n, completed: 3992228, drops: 0, avgPending: 10079.6 },
];

/** Events per kbRun call: about a million, so V8 can tier the module up between calls. */
export const CHUNK = 1_000_000;
/** Untimed warm-up events per implementation and config before the timed runs. */
export const WARMUP_EVENTS = 2_000_000;

export const TIERING =
  `V8 tiering: default flags (Liftoff, then TurboFan); the module is compiled once per process, each ` +
  `timed run gets a fresh instance and calls kbRun in chunks of ${CHUNK.toLocaleString("en-US")} events so ` +
  `optimized code is swapped in between calls; one untimed warm-up run of ${WARMUP_EVENTS.toLocaleString("en-US")} ` +
  `events per implementation and config precedes the timed runs; implementations are interleaved within each ` +
  `repetition (order rotated every repetition); C timing excludes process start-up, all three time init(S) + N events.`;

export interface KernelRun {
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds of this process over the same span (user + system). */
  cpuSeconds: number;
  events: number;
  csum: bigint;
  latsum: bigint;
  completed: number;
  drops: number;
}

/** Average pending-event count after each event over `events` events, measured untimed on the
 *  Wasm kernel (kbRunCounted: one kbRun(1) call per event inside Wasm). */
export async function kernelAvgPending(sources: number, events: number): Promise<number> {
  const e = await wasmInstance();
  (e.kbInit as (s: number) => void)(sources);
  const run = e.kbRunCounted as (n: number) => number;
  let left = events;
  while (left > 0) {
    const c = Math.min(CHUNK, left);
    run(c);
    left -= c;
  }
  return Number(BigInt.asUintN(64, (e.kbPendingSum as () => bigint)())) / events;
}

let cBinary: string | undefined;

/** Compiles bench/kernel.c with gcc -O2 into a temporary directory (once per process). Returns
 *  null when gcc is not installed. */
export function compileC(): string | null {
  if (cBinary) return cBinary;
  if (gccVersion() === null) return null;
  const out = join(benchTmpDir("pvnetsim-kernel-"), "kernel");
  execFileSync("gcc", ["-O2", "-o", out, join(repoRoot(), "bench", "kernel.c")], { stdio: "inherit" });
  cBinary = out;
  return out;
}

export async function runKernel(impl: KernelImpl, sources: number, events: number, chunk = CHUNK): Promise<KernelRun> {
  if (impl === "wasm") {
    const e = await wasmInstance();
    const kbInit = e.kbInit as (s: number) => void;
    const kbRun = e.kbRun as (n: number) => number;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    kbInit(sources);
    let left = events;
    while (left > 0) {
      const c = Math.min(chunk, left);
      kbRun(c);
      left -= c;
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = cpuSince(c0);
    const u64 = (f: string): bigint => BigInt.asUintN(64, (e[f] as () => bigint)());
    return {
      seconds,
      cpuSeconds,
      events: Number(u64("kbEvents")),
      csum: u64("kbCsum"),
      latsum: u64("kbLatsum"),
      completed: Number(u64("kbCompleted")),
      drops: Number(u64("kbDrops")),
    };
  }
  if (impl === "ts") {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const k = new KernelTs(sources);
    let left = events;
    while (left > 0) {
      const c = Math.min(chunk, left);
      k.run(c);
      left -= c;
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = cpuSince(c0);
    return { seconds, cpuSeconds, ...k.result() };
  }
  const bin = compileC();
  if (!bin) throw new Error("gcc not found: the C kernel cannot be built");
  const out = execFileSync(bin, [String(sources), String(events), "1"], { encoding: "utf8" }).trim().split(/\s+/);
  return {
    seconds: Number(out[2]),
    events,
    csum: BigInt(out[3]!),
    latsum: BigInt(out[4]!),
    completed: Number(out[5]),
    drops: Number(out[6]),
    cpuSeconds: Number(out[7]),
  };
}

/** CPU seconds (user + system) of this process since `c0`. Includes V8's background threads
 *  (compiler, GC), which after the warm-up do little. */
export function cpuSince(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
}

export interface KernelImplResult {
  impl: KernelImpl;
  config: string;
  sources: number;
  events: number;
  /** Median over the timed runs, wall clock. */
  eventsPerSec: number;
  runs: number[];
  /** Median events per CPU second: the comparison to use when other work shares the cores. */
  eventsPerCpuSec: number;
  cpuRuns: number[];
  csum: string;
  latsum: string;
  completed: number;
  drops: number;
  /** All runs gave the checksums of bench-kernel.md (null: --events changed N, nothing to check). */
  match: boolean | null;
  /** Average pending events after each event (Wasm kernel, untimed; same for every impl). */
  avgPending: number;
  /** This implementation's median over C's median, and the median of per-repetition ratios. */
  vsC: { medians: number; pairs: number } | null;
  vsTs: { medians: number; pairs: number } | null;
  /** The same ratios on CPU time. */
  cpuVsC: { medians: number; pairs: number } | null;
  cpuVsTs: { medians: number; pairs: number } | null;
}

export interface KernelReport {
  tiering: string;
  reps: number;
  results: KernelImplResult[];
}

export interface KernelOptions {
  reps?: number;
  configs?: readonly string[];
  /** Overrides each config's event count (the checksums are then not checked). */
  events?: number;
  impls?: readonly KernelImpl[];
  /** Events per kbRun call (default CHUNK); the tiering statement changes with it. */
  chunk?: number;
  /** Skip the untimed warm-up runs (tiering experiment only). */
  noWarmup?: boolean;
  log?: (line: string) => void;
}

function ratios(a: readonly number[], b: readonly number[]): { medians: number; pairs: number } {
  return { medians: median(a) / median(b), pairs: median(a.map((x, i) => x / b[i]!)) };
}

export async function runKernelBench(opts: KernelOptions = {}): Promise<KernelReport> {
  const reps = opts.reps ?? 5;
  const log = opts.log ?? (() => {});
  const configs = KERNEL_CONFIGS.filter((c) => !opts.configs || opts.configs.includes(c.name));
  let impls: KernelImpl[] = [...(opts.impls ?? (["wasm", "c", "ts"] as const))];
  if (impls.includes("c") && compileC() === null) {
    log("gcc not found: C kernel skipped");
    impls = impls.filter((i) => i !== "c");
  }
  const runs = new Map<string, KernelRun[]>();
  const key = (impl: string, cfg: string): string => `${impl}/${cfg}`;

  const chunk = opts.chunk ?? CHUNK;
  if (!opts.noWarmup) {
    for (const cfg of configs) {
      for (const impl of impls) {
        if (impl !== "c") await runKernel(impl, cfg.sources, Math.min(WARMUP_EVENTS, opts.events ?? cfg.events), chunk);
      }
    }
  }
  for (let r = 0; r < reps; r++) {
    for (const cfg of configs) {
      const n = opts.events ?? cfg.events;
      for (let j = 0; j < impls.length; j++) {
        const impl = impls[(j + r) % impls.length]!;
        const run = await runKernel(impl, cfg.sources, n, chunk);
        const k = key(impl, cfg.name);
        if (!runs.has(k)) runs.set(k, []);
        runs.get(k)!.push(run);
        log(`rep ${r + 1}/${reps} ${cfg.name} ${impl.padEnd(4)} ${fmtRate(n / run.seconds)} events/s`);
      }
    }
  }

  const results: KernelImplResult[] = [];
  for (const cfg of configs) {
    const avgPending = await kernelAvgPending(cfg.sources, opts.events ?? cfg.events);
    const rate = (impl: KernelImpl): number[] => (runs.get(key(impl, cfg.name)) ?? []).map((x) => x.events / x.seconds);
    const cpuRate = (impl: KernelImpl): number[] =>
      (runs.get(key(impl, cfg.name)) ?? []).map((x) => x.events / x.cpuSeconds);
    for (const impl of impls) {
      const rs = runs.get(key(impl, cfg.name))!;
      const last = rs[rs.length - 1]!;
      const checked = opts.events === undefined || opts.events === cfg.events;
      const ok = rs.every(
        (x) => x.csum === cfg.csum && x.latsum === cfg.latsum && x.completed === cfg.completed && x.drops === cfg.drops,
      );
      results.push({
        impl,
        config: cfg.name,
        sources: cfg.sources,
        events: last.events,
        eventsPerSec: median(rate(impl)),
        runs: rate(impl),
        eventsPerCpuSec: median(cpuRate(impl)),
        cpuRuns: cpuRate(impl),
        csum: last.csum.toString(),
        latsum: last.latsum.toString(),
        completed: last.completed,
        drops: last.drops,
        match: checked ? ok && Math.abs(avgPending - cfg.avgPending) < 0.05 : null,
        avgPending,
        vsC: impl !== "c" && impls.includes("c") ? ratios(rate(impl), rate("c")) : null,
        vsTs: impl !== "ts" && impls.includes("ts") ? ratios(rate(impl), rate("ts")) : null,
        cpuVsC: impl !== "c" && impls.includes("c") ? ratios(cpuRate(impl), cpuRate("c")) : null,
        cpuVsTs: impl !== "ts" && impls.includes("ts") ? ratios(cpuRate(impl), cpuRate("ts")) : null,
      });
    }
  }
  let tiering = TIERING;
  if (chunk !== CHUNK || opts.noWarmup || process.execArgv.length > 0) {
    tiering =
      `NON-DEFAULT TIERING (experiment): ${chunk.toLocaleString("en-US")} events per kbRun call, ` +
      `${opts.noWarmup ? "no" : "with"} warm-up, node flags: ${process.execArgv.join(" ") || "none"}`;
  }
  return { tiering, reps, results };
}

export function kernelTable(rep: KernelReport): string {
  const r2 = (x: { medians: number; pairs: number } | null): string =>
    x ? `${x.medians.toFixed(2)}x / ${x.pairs.toFixed(2)}x` : "-";
  return table(
    [
      "config", "impl", "events/s (median)", "vs C (medians / pairs)", "vs TS (medians / pairs)",
      "events/CPU s", "CPU-time vs C", "CPU-time vs TS", "avg pending", "checksums",
    ],
    rep.results.map((r) => [
      `${r.config} (S=${r.sources})`,
      r.impl,
      fmtRate(r.eventsPerSec),
      r2(r.vsC),
      r2(r.vsTs),
      fmtRate(r.eventsPerCpuSec),
      r2(r.cpuVsC),
      r2(r.cpuVsTs),
      r.avgPending.toFixed(1),
      r.match === null ? "not checked" : r.match ? "match" : `MISMATCH csum=${r.csum}`,
    ]),
  );
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(
      "usage: node dist/bench/kernel-run.js [--json] [--reps N] [--configs A,B] [--events N] [--chunk N] [--no-warmup]\n" +
        "The packet-pipeline kernel in Wasm, C (gcc -O2) and plain TypeScript, interleaved in one process; ratios from the same run.\n",
    );
    return;
  }
  const json = argv.includes("--json");
  const reps = Number(argValue(argv, "reps") ?? 5);
  const configs = argValue(argv, "configs")?.split(",");
  const ev = argValue(argv, "events");
  const chunk = argValue(argv, "chunk");
  const env: BenchEnv = benchEnv();
  const log = (l: string): void => void process.stderr.write(l + "\n");
  if (!json) console.log(envHeader(env) + "\n");
  else log(envHeader(env));
  const rep = await runKernelBench({
    reps,
    ...(configs ? { configs } : {}),
    ...(ev ? { events: Number(ev) } : {}),
    ...(chunk ? { chunk: Number(chunk) } : {}),
    noWarmup: argv.includes("--no-warmup"),
    log,
  });
  if (json) {
    for (const r of rep.results) {
      console.log(
        JSON.stringify({
          impl: r.impl,
          config: r.config,
          eventsPerSec: Math.round(r.eventsPerSec),
          csum: r.csum,
          latsum: r.latsum,
          completed: r.completed,
          drops: r.drops,
          avgPending: Math.round(r.avgPending * 10) / 10,
          match: r.match,
          vsC: r.vsC,
          vsTs: r.vsTs,
          runs: r.runs.map(Math.round),
          eventsPerCpuSec: Math.round(r.eventsPerCpuSec),
          cpuVsC: r.cpuVsC,
          cpuVsTs: r.cpuVsTs,
          tiering: rep.tiering,
        }),
      );
    }
  } else {
    console.log(rep.tiering + "\n");
    console.log(kernelTable(rep));
  }
  if (rep.results.some((r) => r.match === false)) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
