#!/usr/bin/env node
// CPU profile of one simulation, with the model's own function names: runs a scenario on
// build/pvnetsim.profile.wasm (the release code plus a name section, `npm run build:profile`)
// under V8's sampling profiler, writes the profile (open it in Chromium DevTools > Performance,
// or speedscope) and prints the functions with the most self time.
//
//   npm run profile -- paper-lro [--duration-ms 1000] [--seed 1] [--top 20] [--out out/profile]
//
// One unprofiled run first lets V8 tier the module up (toolchain.md: one long call stays in
// baseline code), so the profile shows the optimized code users run.

import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { simulateOnModule } from "../dist/src/run/simulate.js";
import { resolveConfig } from "../dist/src/config/schema.js";

import { args as argv, opt } from "./args.mjs";

if (argv.includes("--help") || argv.includes("-h")) {
  console.log("usage: npm run profile -- <preset> [--duration-ms MS] [--seed N] [--top N] [--out DIR]");
  process.exit(0);
}
const preset = argv.find((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1].startsWith("--"))) ?? "paper-lro";
const durationMs = Number(opt("--duration-ms", "1000"));
const seed = Number(opt("--seed", "1"));
const top = Number(opt("--top", "20"));
const outDir = opt("--out", "out/profile");

const wasm = fileURLToPath(new URL("../build/pvnetsim.profile.wasm", import.meta.url));
let bytes;
try {
  bytes = readFileSync(wasm);
} catch {
  console.error(`profile: ${wasm} is missing; run "npm run build:profile" first`);
  process.exit(2);
}
const module = await WebAssembly.compile(bytes);
let cfg;
try {
  cfg = resolveConfig(preset, { durationMs, seed });
} catch (e) {
  console.error(`profile: ${e.message}`);
  process.exit(2);
}

await simulateOnModule(module, cfg, {}); // warm-up: tier the module up
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 }); // us
await session.post("Profiler.start");
const r = await simulateOnModule(module, cfg, {});
const { profile } = await session.post("Profiler.stop");
session.disconnect();

mkdirSync(outDir, { recursive: true });
const file = join(outDir, `${preset}.cpuprofile`);
writeFileSync(file, JSON.stringify(profile));

// Self time per function: each sample lands in one node; time between samples is timeDeltas.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const n = byId.get(id);
  const name = n.callFrame.functionName || `(${n.callFrame.url.split("/").pop() || "anonymous"})`;
  self.set(name, (self.get(name) ?? 0) + dt);
  total += dt;
});
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
const pkts = r.perf.packetsSimulated;
console.log(`${preset}, seed ${seed}, ${durationMs} ms simulated: ${r.perf.wallSeconds.toFixed(3)} s wall, ` +
  `${(pkts / r.perf.wallSeconds / 1e6).toFixed(2)} M packets/s, ${(r.perf.eventsProcessed / pkts).toFixed(2)} events per packet`);
console.log(`profile: ${file}`);
console.log("self %   self ms  function");
for (const [name, us] of rows) {
  console.log(`${((100 * us) / total).toFixed(1).padStart(6)}  ${(us / 1e3).toFixed(1).padStart(8)}  ${name}`);
}
