#!/usr/bin/env node
// Result equality: proves that a change to the engine left the model's behaviour alone when it
// changes the event sequence on purpose (an event folded into another: the fingerprint and the
// event counts change, nothing else may). Runs every preset with its defaults and every case of
// test/fingerprints.csv, and keeps each full result except what describes the engine's own work:
// `fingerprint`, `perf` (events, by kind, wall time) and `derived.maxPendingEvents` (the event
// queue's depth). `--write` stores them; `--check` runs again and prints every value that differs.
//
//   npm run build && node scripts/same-results.mjs --write /tmp/before.json
//   (change, rebuild) node scripts/same-results.mjs --check /tmp/before.json   # exit 1 on any difference
//   options: --presets a,b (default: all presets)  --no-cases (presets only)
//            --wasm FILE (run this release build instead of build/pvnetsim.wasm, e.g. one of an older tree)

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { simulate, simulateOnModule } from "../dist/src/node.js";
import { resolveConfig } from "../dist/src/config/schema.js";
import { presetNames } from "../dist/src/config/presets.js";
import { readCases, parseSet } from "./fingerprints.mjs";
import { args, opt } from "./args.mjs";

/** The result without what depends on the event sequence rather than on the model's behaviour. */
export function behaviour(r) {
  const { fingerprint: _f, perf: _p, ...rest } = r;
  const derived = { ...rest.derived };
  delete derived.maxPendingEvents;
  return { ...rest, derived };
}

/** Every run: the presets with their defaults (seed 1), then the fingerprint cases. */
export async function runAll(presets = presetNames, withCases = true) {
  const out = {};
  for (const p of presets) out[`preset ${p}`] = await run(resolveConfig(p, { seed: 1 }));
  if (withCases) {
    for (const c of readCases().cases) {
      const over = { ...parseSet(c.set), seed: c.seed, warmupMs: c.warmupMs, durationMs: c.durationMs };
      out[`case ${c.name}`] = await run(resolveConfig(c.preset, over));
    }
  }
  return out;
}

let wasmModule;

async function run(cfg) {
  const r = wasmModule ? await simulateOnModule(wasmModule, cfg) : await simulate(cfg);
  if (r.state !== "completed") throw new Error(`${cfg.preset}: run ${r.state}: ${r.error}`);
  return behaviour(r);
}

/** Paths (a.b[3].c) where two JSON values differ, with both values. */
export function differences(a, b, path = "") {
  if (Object.is(a, b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differences(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`));
  }
  return [{ path, before: a, after: b }];
}

async function main() {
  const presets = opt("--presets", presetNames.join(",")).split(",");
  const withCases = !args.includes("--no-cases");
  const writePath = opt("--write", "");
  const checkPath = opt("--check", "");
  const wasm = opt("--wasm", "");
  if (wasm) wasmModule = await WebAssembly.compile(readFileSync(wasm));
  if (!writePath && !checkPath) throw new Error("give --write FILE or --check FILE");
  const now = await runAll(presets, withCases);
  if (writePath) {
    writeFileSync(writePath, JSON.stringify(now));
    console.log(`stored ${Object.keys(now).length} results in ${writePath}`);
    return;
  }
  const before = JSON.parse(readFileSync(checkPath, "utf8"));
  let differ = 0;
  for (const name of Object.keys(now)) {
    if (!(name in before)) throw new Error(`${checkPath} has no result for ${name}`);
    const d = differences(before[name], now[name]);
    if (d.length === 0) continue;
    differ++;
    console.log(`${name}: ${d.length} value(s) differ`);
    for (const x of d.slice(0, 12))
      console.log(`  ${x.path}: ${JSON.stringify(x.before)} -> ${JSON.stringify(x.after)}`);
  }
  const n = Object.keys(now).length;
  console.log(differ === 0 ? `all ${n} results identical` : `${differ} of ${n} results differ`);
  if (differ > 0) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`same-results: ${e.message}`);
    process.exitCode = 2;
  });
}
