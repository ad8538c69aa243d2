// Shared test helpers. Tests run after `npm run build` (pretest), against the compiled Wasm in
// build/ and the compiled host in dist/ (the same files users run).

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { simulate } from "../dist/src/node.js";
import { resolveConfig } from "../dist/src/config/schema.js";
import type { SimResult } from "../dist/src/result.js";

export { simulate, resolveConfig };
export type { SimResult };

export const root = fileURLToPath(new URL("..", import.meta.url));
export const cli = fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url));

/** Runs a preset with overrides (dotted paths). */
export function run(preset: string, overrides: Record<string, unknown> = {}, seed?: number): Promise<SimResult> {
  return simulate(resolveConfig(preset, overrides), seed === undefined ? {} : { seed });
}

/** A fresh instance of the release module, for tests that drive exports directly. */
export async function rawInstance(): Promise<Record<string, any>> {
  const bytes = readFileSync(new URL("../build/pvnetsim.wasm", import.meta.url));
  const { instance } = await WebAssembly.instantiate(bytes, { env: { abort: () => { throw new Error("abort"); } } });
  return instance.exports as Record<string, any>;
}

export const dom0 = (r: SimResult) => r.cpu.filter((c) => c.domain === "dom0");

/**
 * Runs a resolved config to its end on a raw instance and returns the instance's exports and
 * counters, for tests that look at model state (dbg* exports) rather than at the result object.
 */
export async function rawRun(preset: string, overrides: Record<string, unknown> = {}) {
  const { packConfig, derive } = await import("../dist/src/config/pack.js");
  const L = await import("../dist/src/abi/layout.js");
  const cfg = resolveConfig(preset, overrides);
  const d = derive(cfg);
  const w = await rawInstance();
  const buf = packConfig(cfg);
  const ptr = w.cfgAlloc(buf.length);
  new Float64Array(w.memory.buffer, ptr, buf.length).set(buf);
  expect0(w.simInit(ptr), "simInit");
  let reason = 0;
  do reason = w.simRun(BigInt(d.endCycles), 1 << 22);
  while (reason === L.STOP_LIMIT_EVENTS);
  if (reason >= L.STOP_ERR_EVENTQ) throw new Error(`model stopped with reason ${reason}`);
  const stats = () => new BigUint64Array(w.memory.buffer, w.statsPtr(), w.statsWords());
  return { w, cfg, d, L, stats };
}

function expect0(v: number, what: string): void {
  if (v !== 0) throw new Error(`${what} returned ${v}`);
}
