// What the instruments cost: time series and trace points.
//
//  - Off: whole simulations on the release build of this tree against release builds of other
//    trees given with --module name=path.wasm (e.g. the commit before the instrumentation was
//    added), interleaved round by round in one process so that machine noise hits every build
//    alike; medians of process CPU time and their ratio to this tree's build.
//  - On: the trace build writing a trace of the whole run (to a sink that only counts) against the
//    release build, and the extra wall time per trace record the model wrote.
//
//   node dist/bench/trace.js [--reps N] [--durationMs ms] [--module name=path.wasm ...]

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { loadWasmModule, simulateOnModule, resolveConfig } from "../src/node.js";
import { argValue, benchEnv, envHeader, median, table } from "./common.js";

export interface TraceBenchResult {
  cases: string[];
  off: Array<{ name: string; medianWallSeconds: number[]; ratioToThisTree: number[] }>;
  on: Array<{ case: string; releaseSeconds: number; tracedSeconds: number; records: number; nsPerRecord: number; bytesPerSimulatedMs: number }>;
}

export async function runTraceBench(opts: { reps?: number; durationMs?: number; modules?: Array<{ name: string; path: string }>; log?: (l: string) => void }): Promise<TraceBenchResult> {
  const reps = opts.reps ?? 5;
  const durationMs = opts.durationMs ?? 400;
  const log = opts.log ?? (() => {});
  const cases = ["paper-baseline", "paper-lro"];
  const builds: Array<{ name: string; module: WebAssembly.Module }> = [{ name: "this tree (release)", module: await loadWasmModule("release") }];
  for (const m of opts.modules ?? []) builds.push({ name: m.name, module: await WebAssembly.compile(readFileSync(m.path)) });
  const trace = await loadWasmModule("trace");
  const cfg = (p: string) => resolveConfig(p, { durationMs, warmupMs: 100 });

  // Warm-up: every build once, so V8 has tiered each module up.
  for (const b of builds) await simulateOnModule(b.module, cfg(cases[0]!));
  const wall: number[][][] = builds.map(() => cases.map(() => []));
  const on = cases.map(() => ({ rel: [] as number[], tr: [] as number[], records: 0, bytesPerMs: 0 }));
  for (let r = 0; r < reps; r++) {
    for (const [ci, c] of cases.entries()) {
      // Rotate the order each round so that no build always runs first.
      for (let k = 0; k < builds.length; k++) {
        const bi = (k + r) % builds.length;
        // Process CPU time (user + system) of the run: on a shared machine it moves less than
        // wall time when other processes compete for the cores.
        const c0 = process.cpuUsage();
        await simulateOnModule(builds[bi]!.module, cfg(c));
        const c1 = process.cpuUsage(c0);
        wall[bi]![ci]!.push((c1.user + c1.system) / 1e6);
      }
      const rel = await simulateOnModule(builds[0]!.module, cfg(c));
      let bytes = 0;
      const tr = await simulateOnModule(trace, cfg(c), { trace: { flowSampleEvery: 64, write: (s) => void (bytes += s.length) } });
      on[ci]!.rel.push(rel.perf.wallSeconds);
      on[ci]!.tr.push(tr.perf.wallSeconds);
      on[ci]!.records = tr.trace!.records;
      on[ci]!.bytesPerMs = tr.trace!.bytesPerSimulatedMs;
    }
    log(`trace bench: round ${r + 1}/${reps}`);
  }
  const base = cases.map((_, ci) => median(wall[0]![ci]!));
  return {
    cases,
    off: builds.map((b, bi) => {
      const med = cases.map((_, ci) => median(wall[bi]![ci]!));
      return { name: b.name, medianWallSeconds: med, ratioToThisTree: med.map((m, ci) => m / base[ci]!) };
    }),
    on: cases.map((c, ci) => {
      const rs = median(on[ci]!.rel);
      const ts = median(on[ci]!.tr);
      return { case: c, releaseSeconds: rs, tracedSeconds: ts, records: on[ci]!.records, nsPerRecord: ((ts - rs) / on[ci]!.records) * 1e9, bytesPerSimulatedMs: on[ci]!.bytesPerMs };
    }),
  };
}

export function traceTable(r: TraceBenchResult): string {
  const off = table(
    ["build (tracing and sampling off)", ...r.cases.map((c) => `${c} CPU s`), ...r.cases.map((c) => `${c} / this tree`)],
    r.off.map((o) => [o.name, ...o.medianWallSeconds.map((s) => s.toFixed(3)), ...o.ratioToThisTree.map((x) => x.toFixed(4))]),
  );
  const on = table(
    ["case (whole run traced)", "release s", "traced s", "trace records", "ns per record", "JSON kB per simulated ms"],
    r.on.map((o) => [o.case, o.releaseSeconds.toFixed(3), o.tracedSeconds.toFixed(3), String(o.records), o.nsPerRecord.toFixed(1), (o.bytesPerSimulatedMs / 1e3).toFixed(1)]),
  );
  return off + "\n\n" + on;
}

async function main(argv: readonly string[]): Promise<void> {
  const modules: Array<{ name: string; path: string }> = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== "--module") continue;
    const spec = argv[i + 1] ?? "";
    const eq = spec.indexOf("=");
    if (eq <= 0) throw new Error(`--module: ${JSON.stringify(spec)} is not allowed; expected name=path.wasm`);
    modules.push({ name: spec.slice(0, eq), path: spec.slice(eq + 1) });
  }
  const r = await runTraceBench({
    reps: Number(argValue(argv, "reps") ?? 5),
    durationMs: Number(argValue(argv, "durationMs") ?? 400),
    modules,
    log: (l) => void process.stderr.write(l + "\n"),
  });
  console.log(["pvnetsim: cost of the time series and trace points", envHeader(benchEnv()), "", traceTable(r)].join("\n"));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
