// Hot-path microbenchmarks with tinybench: each structure of the engine (ring push and
// check-notify, event queue hold at 16 / 1k / 10k pending, tasklet schedule and run, event-channel
// send and dispatch, LRO merge and flush) in Wasm (assembly/bench/micro.ts drivers) against the
// plain-TypeScript twin in bench/micro-ts.ts.
//
// One tinybench task call = one driver call of OPS_PER_CALL operations (the loop runs inside
// Wasm; the boundary is crossed once per 10,000 operations). Every benchmark has its own Wasm
// instance. Tasks run in ROUNDS rounds, Wasm and TS alternating (order swapped every round);
// ops/s is OPS_PER_CALL / median call latency, reported as the median over rounds, with the
// Wasm/TS ratio of those medians and the median of per-round ratios.
//
//   node dist/bench/micro.js [--rounds N] [--time ms] [--clock wall|cpu]

import { Bench } from "tinybench";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { EvtchnTs, EventQueueTs, LroTs, RingTs, TaskletTs } from "./micro-ts.js";
import {
  argValue, benchEnv, benchTmpDir, envHeader, fmtRate, gccVersion, median, repoRoot, table, wasmInstance,
  type WasmExports,
} from "./common.js";

export const OPS_PER_CALL = 10_000;

interface Runner {
  run(n: number): number;
}

export interface MicroCase {
  name: string;
  /** What one operation is. */
  op: string;
  wasm(): Promise<Runner>;
  ts(): Runner;
  /** Case of bench/micro-c.c giving the gcc -O2 ceiling (hold:PENDING, ring, lro), if any. */
  cCase?: string;
}

function wasmRunner(e: WasmExports, init: string, run: string, arg?: number): Runner {
  (e[init] as (a?: number) => void)(arg);
  const f = e[run] as (n: number) => number;
  return { run: (n) => f(n) >>> 0 };
}

export const MICRO_CASES: readonly MicroCase[] = [
  {
    name: "ring push + check-notify",
    op: "request pushed with RING_PUSH_REQUESTS_AND_CHECK_NOTIFY (backend drains and final-checks every 8)",
    wasm: async () => wasmRunner(await wasmInstance(), "mbRingInit", "mbRing"),
    ts: () => new RingTs(),
    cCase: "ring",
  },
  ...[16, 1024, 10240].map(
    (p): MicroCase => ({
      name: `event queue hold, ${p >= 1024 ? p / 1024 + "k" : p} pending`,
      op: "pop earliest + push (time + 1..1e6)",
      wasm: async () => wasmRunner(await wasmInstance(), "mbEqInit", "mbEqHold", p),
      ts: () => new EventQueueTs(p),
      cCase: `hold:${p}`,
    }),
  ),
  {
    name: "tasklet schedule + run",
    op: "tasklet_schedule (random of 16; both CPUs run tasklet_action every 8)",
    wasm: async () => wasmRunner(await wasmInstance(), "mbTaskletInit", "mbTasklet"),
    ts: () => new TaskletTs(),
  },
  {
    name: "evtchn send + dispatch",
    op: "evtchnSend on a random port of 30 (each VCPU's upcall takes its pending ports every 8)",
    wasm: async () => wasmRunner(await wasmInstance(), "mbEvtchnInit", "mbEvtchn"),
    ts: () => new EvtchnTs(),
  },
  {
    name: "LRO merge + flush",
    op: "TCP segment through lro_receive (4 flows, bursts of 8, 1/64 holes; flush_all every 64)",
    wasm: async () => wasmRunner(await wasmInstance(), "mbLroInit", "mbLro"),
    ts: () => new LroTs(),
    cCase: "lro",
  },
];

let microC: string | null | undefined;

/** Compiles bench/micro-c.c with gcc -O2 (once per process); null without gcc. */
export function compileMicroC(): string | null {
  if (microC !== undefined) return microC;
  if (gccVersion() === null) return (microC = null);
  const out = join(benchTmpDir("pvnetsim-micro-"), "micro-c");
  execFileSync("gcc", ["-O2", "-o", out, join(repoRoot(), "bench", "micro-c.c")], { stdio: "inherit" });
  return (microC = out);
}

/** Runs C case `cCase` (hold:PENDING, ring, lro) for `calls` calls of OPS_PER_CALL: checksum of
 *  the 3rd call and median ops/s over the calls (wall clock, or CPU time with clock "cpu"). */
export function runMicroC(
  cCase: string,
  calls: number,
  clock: "wall" | "cpu" = "wall",
): { check: number; opsPerSec: number } | null {
  const bin = compileMicroC();
  if (!bin) return null;
  const [check, ops, cpuOps] = execFileSync(bin, [cCase, String(calls), String(OPS_PER_CALL)], { encoding: "utf8" })
    .trim()
    .split(/\s+/)
    .map(Number) as [number, number, number];
  return { check, opsPerSec: clock === "cpu" ? cpuOps : ops };
}

/** Runs `calls` driver calls on fresh Wasm and TS instances; true if every checksum agrees. */
export async function microChecksumsAgree(c: MicroCase, calls = 3): Promise<boolean> {
  const w = await c.wasm();
  const t = c.ts();
  let third = -1;
  for (let i = 0; i < calls; i++) {
    const x = w.run(OPS_PER_CALL);
    if (x !== t.run(OPS_PER_CALL)) return false;
    if (i === 2) third = x;
  }
  if (c.cCase !== undefined && calls >= 3) {
    const cr = runMicroC(c.cCase, 3);
    if (cr && cr.check !== third) return false;
  }
  return true;
}

export interface MicroResult {
  name: string;
  op: string;
  wasmOpsPerSec: number;
  tsOpsPerSec: number;
  ratio: { medians: number; pairs: number };
  /** gcc -O2 ceiling (ring, event-queue and LRO cases), median over rounds, and Wasm's fraction. */
  cOpsPerSec: number | null;
  wasmVsC: number | null;
  wasmRounds: number[];
  tsRounds: number[];
  rmePercent: { wasm: number; ts: number };
  checksumsMatch: boolean;
}

export interface MicroReport {
  opsPerCall: number;
  rounds: number;
  timeMsPerTask: number;
  policy: string;
  results: MicroResult[];
}

export interface MicroOptions {
  rounds?: number;
  timeMs?: number;
  /** "wall" (default): performance.now(); "cpu": this process's CPU time (process.cpuUsage, 1 us
   *  resolution), for machines where other work shares the cores. */
  clock?: "wall" | "cpu";
  log?: (line: string) => void;
}

export async function runMicroBench(opts: MicroOptions = {}): Promise<MicroReport> {
  const rounds = opts.rounds ?? 3;
  const time = opts.timeMs ?? 300;
  const clock = opts.clock ?? "wall";
  const cpuNow = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const log = opts.log ?? (() => {});
  const runners = [];
  for (const c of MICRO_CASES) {
    runners.push({ c, wasm: await c.wasm(), ts: c.ts(), ok: await microChecksumsAgree(c) });
  }
  const wasmRounds: number[][] = runners.map(() => []);
  const tsRounds: number[][] = runners.map(() => []);
  const rme: { wasm: number[]; ts: number[] }[] = runners.map(() => ({ wasm: [], ts: [] }));
  const cRounds: number[][] = runners.map(() => []);
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time, warmupTime: 100, iterations: 10, ...(clock === "cpu" ? { now: cpuNow } : {}) });
    runners.forEach((x, i) => {
      const w = (): void => void (sink ^= x.wasm.run(OPS_PER_CALL));
      const t = (): void => void (sink ^= x.ts.run(OPS_PER_CALL));
      const pair: [string, () => void][] = [
        [`${i}|wasm`, w],
        [`${i}|ts`, t],
      ];
      if (r % 2) pair.reverse();
      for (const [name, fn] of pair) bench.add(name, fn);
    });
    await bench.run();
    for (const task of bench.tasks) {
      const res = task.result;
      if (res.state !== "completed") throw new Error(`tinybench task ${task.name}: ${res.state}`);
      const [idx, impl] = task.name.split("|") as [string, string];
      const i = Number(idx);
      const ops = OPS_PER_CALL / (res.latency.p50 / 1000);
      (impl === "wasm" ? wasmRounds : tsRounds)[i]!.push(ops);
      rme[i]![impl === "wasm" ? "wasm" : "ts"].push(res.latency.rme);
    }
    runners.forEach((x, i) => {
      if (x.c.cCase === undefined) return;
      const cr = runMicroC(x.c.cCase, Math.max(3, Math.round(time / 2)), clock);
      if (cr) cRounds[i]!.push(cr.opsPerSec);
    });
    log(`micro round ${r + 1}/${rounds} done`);
  }
  if (sink === 0.5) log("unreachable"); // keeps the checksums observable
  const results = runners.map((x, i): MicroResult => {
    const w = wasmRounds[i]!;
    const t = tsRounds[i]!;
    return {
      name: x.c.name,
      op: x.c.op,
      wasmOpsPerSec: median(w),
      tsOpsPerSec: median(t),
      ratio: { medians: median(w) / median(t), pairs: median(w.map((v, k) => v / t[k]!)) },
      cOpsPerSec: cRounds[i]!.length ? median(cRounds[i]!) : null,
      wasmVsC: cRounds[i]!.length ? median(w) / median(cRounds[i]!) : null,
      wasmRounds: w,
      tsRounds: t,
      rmePercent: { wasm: median(rme[i]!.wasm), ts: median(rme[i]!.ts) },
      checksumsMatch: x.ok,
    };
  });
  return {
    opsPerCall: OPS_PER_CALL,
    rounds,
    timeMsPerTask: time,
    policy:
      `clock: ${clock === "cpu" ? "process CPU time (user + system)" : "wall (performance.now)"}; ` +
      `tinybench ${rounds} rounds x ${time} ms per task (100 ms warm-up), Wasm and TS alternating; one call = ` +
      `${OPS_PER_CALL.toLocaleString("en-US")} operations inside one Wasm call (boundary cost amortized); ` +
      `ops/s from the median call latency; V8 default tiering, warm-up calls tier the drivers up before timing; ` +
      `C column: bench/micro-c.c (gcc -O2), same structure and operation sequence, median of timed 10k-op calls, run ` +
      `after each round`,
    results,
  };
}

export function microTable(rep: MicroReport): string {
  return table(
    ["microbenchmark", "Wasm ops/s", "TS ops/s", "Wasm/TS (medians / pairs)", "C ops/s", "Wasm/C", "rme% W/TS", "checksums"],
    rep.results.map((r) => [
      r.name,
      fmtRate(r.wasmOpsPerSec),
      fmtRate(r.tsOpsPerSec),
      `${r.ratio.medians.toFixed(2)}x / ${r.ratio.pairs.toFixed(2)}x`,
      r.cOpsPerSec === null ? "-" : fmtRate(r.cOpsPerSec),
      r.wasmVsC === null ? "-" : `${r.wasmVsC.toFixed(2)}x`,
      `${r.rmePercent.wasm.toFixed(1)} / ${r.rmePercent.ts.toFixed(1)}`,
      r.checksumsMatch ? "match" : "MISMATCH",
    ]),
  );
}

async function main(argv: readonly string[]): Promise<void> {
  console.log(envHeader(benchEnv()));
  const rounds = Number(argValue(argv, "rounds") ?? 3);
  const timeMs = Number(argValue(argv, "time") ?? 300);
  const clock = argValue(argv, "clock") === "cpu" ? "cpu" : "wall";
  const rep = await runMicroBench({ rounds, timeMs, clock, log: (l) => void process.stderr.write(l + "\n") });
  console.log(rep.policy + "\n");
  console.log(microTable(rep));
  if (rep.results.some((r) => !r.checksumsMatch)) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
