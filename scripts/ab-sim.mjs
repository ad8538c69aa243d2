#!/usr/bin/env node
// Interleaved A/B of whole simulations: two or more release builds of the model (.wasm files, e.g.
// build/pvnetsim.wasm and a copy of an older tree's) run the same scenario on this tree's host code,
// in one process, round after round in rotating order, timed on process CPU time. On a shared
// machine only such ratios mean anything (docs/performance.md); three are printed against the first
// build: of the medians, the median of per-round ratios, and of the best rounds.
//
//   npm run build && cp build/pvnetsim.wasm /tmp/new.wasm   (and an older tree's build as /tmp/old.wasm)
//   node scripts/ab-sim.mjs /tmp/old.wasm /tmp/new.wasm [--preset paper-lro] [--rounds 15]
//        [--duration-ms 400] [--warmup-ms 200]
//
// Each build first runs the scenario twice untimed, so V8 has tiered its code up. Builds whose host
// interface differs from this tree's (config slots, exports) cannot be compared this way.

import { readFileSync } from "node:fs";
import { simulateOnModule, resolveConfig } from "../dist/src/node.js";
import { args, opt } from "./args.mjs";

const paths = args.filter((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1].startsWith("--")));
if (paths.length < 2) {
  console.error(
    "usage: node scripts/ab-sim.mjs A.wasm B.wasm [...] [--preset P] [--rounds N] [--duration-ms MS] [--warmup-ms MS]",
  );
  process.exit(2);
}
const preset = opt("--preset", "paper-lro");
const rounds = Number(opt("--rounds", "15"));
const durationMs = Number(opt("--duration-ms", "400"));
const warmupMs = Number(opt("--warmup-ms", "200"));
const cfg = resolveConfig({ preset, durationMs, warmupMs });
const modules = [];
for (const p of paths) modules.push(await WebAssembly.compile(readFileSync(p)));

const first = [];
for (const m of modules) {
  await simulateOnModule(m, cfg);
  first.push(await simulateOnModule(m, cfg));
}
const cpu = paths.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < modules.length; k++) {
    const i = (k + r) % modules.length;
    const c0 = process.cpuUsage();
    await simulateOnModule(modules[i], cfg);
    const c1 = process.cpuUsage(c0);
    cpu[i].push((c1.user + c1.system) / 1e6);
  }
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f3 = (x) => x.toFixed(3);
console.log(
  `${preset}, ${durationMs} ms after a ${warmupMs} ms warm-up, ${rounds} interleaved rounds, process CPU time; ` +
    "speed = the first build's time / this one's (medians, median of per-round ratios, best rounds)",
);
for (let i = 0; i < modules.length; i++) {
  const r = first[i];
  const pkts = r.perf.packetsSimulated;
  const perCpuSecond = pkts / median(cpu[i]) / 1e6;
  const pairs = median(cpu[i].map((t, j) => cpu[0][j] / t));
  console.log(
    `${paths[i]}: ${f3(perCpuSecond)} M packets per CPU second, ${(r.perf.eventsProcessed / pkts).toFixed(2)} ` +
      `events per packet, speed ${f3(median(cpu[0]) / median(cpu[i]))} / ${f3(pairs)} / ` +
      `${f3(Math.min(...cpu[0]) / Math.min(...cpu[i]))}, fingerprint ${r.fingerprint}`,
  );
}
