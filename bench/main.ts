// `npm run bench`: every benchmark of bench/ in one run, one report headed by the environment,
// written to bench/results/latest.json (gitignored) as well as printed.
//
//   node dist/bench/main.js [--quick] [--kernel-reps N] [--micro-rounds N] [--sim-reps N]
//   --quick: 1 kernel repetition on 5M events (checksums not checked), 1 micro round, 1 sim round.
//   --clock cpu: microbenchmarks timed on process CPU time (kernel and sim always report both).
//   --module name=path.wasm (repeatable): also time these release builds against this tree's with
//   tracing and sampling off (section 4), e.g. a build of the commit before a change.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { argValue, benchEnv, envHeader, repoRoot } from "./common.js";
import { kernelTable, runKernelBench } from "./kernel-run.js";
import { microTable, runMicroBench } from "./micro.js";
import { runSimBench, simTable } from "./sim.js";
import { runTraceBench, traceTable } from "./trace.js";

const USAGE = `usage: node dist/bench/main.js [--quick] [--kernel-reps N] [--micro-rounds N] [--sim-reps N] [--clock cpu|wall]
Runs every benchmark (kernel Wasm/C/TS, microbenchmarks, simulator) and writes bench/results/latest.json.
  --quick           1 kernel repetition on 5M events (checksums not checked), 1 micro round, 1 sim round
  --kernel-reps N   kernel repetitions (default 3)
  --micro-rounds N  microbenchmark rounds (default 3)
  --sim-reps N      simulator repetitions (default 5)
  --clock cpu       time microbenchmarks on process CPU time (default wall)
`;

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE);
    return;
  }
  const quick = argv.includes("--quick");
  const kernelReps = Number(argValue(argv, "kernel-reps") ?? (quick ? 1 : 3));
  const microRounds = Number(argValue(argv, "micro-rounds") ?? (quick ? 1 : 3));
  const simReps = Number(argValue(argv, "sim-reps") ?? (quick ? 1 : 5));
  const log = (l: string): void => void process.stderr.write(l + "\n");
  const env = benchEnv();
  const t0 = performance.now();

  const kernel = await runKernelBench({ reps: kernelReps, ...(quick ? { events: 5_000_000 } : {}), log });
  const clock = argValue(argv, "clock") === "cpu" ? "cpu" : "wall";
  const micro = await runMicroBench({ rounds: microRounds, clock, log });
  let sim: Awaited<ReturnType<typeof runSimBench>> | { error: string };
  try {
    sim = await runSimBench({ reps: simReps, log });
  } catch (e) {
    sim = { error: e instanceof Error ? e.message : String(e) };
  }

  const modules: Array<{ name: string; path: string }> = [];
  argv.forEach((a, i) => {
    if (a !== "--module") return;
    const spec = argv[i + 1] ?? "";
    const eq = spec.indexOf("=");
    if (eq <= 0) throw new Error(`--module: ${JSON.stringify(spec)} is not allowed; expected name=path.wasm`);
    modules.push({ name: spec.slice(0, eq), path: spec.slice(eq + 1) });
  });
  const trace = await runTraceBench({ reps: quick ? 1 : 5, durationMs: quick ? 200 : 1000, modules, log });

  const out = [
    "pvnetsim benchmarks",
    envHeader(env),
    "",
    "1. Kernel (docs/bench-kernel.md): events per second, Wasm on the engine's event queue vs C (gcc -O2) vs plain TS",
    kernel.tiering,
    kernelTable(kernel),
    "",
    "2. Hot-path microbenchmarks (tinybench), Wasm drivers vs plain-TS twins",
    micro.policy,
    microTable(micro),
    "",
    "3. Whole simulation",
    "error" in sim ? `not run: ${sim.error}` : sim.policy + "\n" + simTable(sim),
    "",
    "4. Time series and trace points: off (release builds interleaved, process CPU time) and on (whole run traced)",
    traceTable(trace),
  ];
  if (!("error" in sim)) for (const r of sim.results) if (r.error) out.push(`${r.name}: ${r.error}`);
  console.log(out.join("\n"));

  const dir = join(repoRoot(), "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "latest.json");
  writeFileSync(
    file,
    JSON.stringify({ env, wallSeconds: (performance.now() - t0) / 1000, kernel, micro, sim, trace }, null, 2) + "\n",
  );
  console.log(`\nwritten: ${file}`);
  if (kernel.results.some((r) => r.match === false) || micro.results.some((r) => !r.checksumsMatch)) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
