// Shared test helpers. Tests run after `npm run build` (pretest), against the compiled Wasm in
// build/ and the compiled host in dist/ (the same files users run).

import { fileURLToPath } from "node:url";
import { simulate as simulateNode, loadWasmModule } from "../dist/src/node.js";
import { instantiate } from "../dist/src/run/simulate.js";
import { withModelStack } from "../dist/src/wasm-node.js";
import { expect } from "vitest";
import { ConfigError, resolveConfig } from "../dist/src/config/schema.js";
import type { SimResult } from "../dist/src/result.js";
import type { WasmExports } from "../dist/src/abi/wasm-exports.js";

export { resolveConfig };

/** The ConfigError that resolving this input with these overrides throws (fails the test if none). */
export function configErrorOf(input: unknown, overrides: Record<string, unknown> = {}): ConfigError {
  try {
    resolveConfig(input, overrides);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(input)} ${JSON.stringify(overrides)}`);
}

/**
 * The Wasm build the model tests run on: the release build, or the debug build (assertions on
 * ring order, queue bounds, the job owner and conservation at chunk ends) when the environment
 * sets PVNETSIM_TEST_WASM=debug, as the "debug" test project does (vitest.config.ts).
 */
export const wasmBuild: "release" | "debug" = process.env["PVNETSIM_TEST_WASM"] === "debug" ? "debug" : "release";

/** simulate() of the library, on the build the tests run on. */
export const simulate: typeof simulateNode = (config, opts = {}) =>
  simulateNode(config, { debugBuild: wasmBuild === "debug", ...opts });
export type { SimResult };

export const root = fileURLToPath(new URL("..", import.meta.url));
export const cli = fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url));

/** Runs a preset with overrides (dotted paths). */
export function run(preset: string, overrides: Record<string, unknown> = {}, seed?: number): Promise<SimResult> {
  return simulate(resolveConfig(preset, overrides), seed === undefined ? {} : { seed });
}

/** A fresh instance of the module the tests run on, for tests that drive exports directly. An
 *  assertion failure in the debug build throws with its message, file and line. */
export async function rawInstance(): Promise<WasmExports> {
  return instantiate(await loadWasmModule(wasmBuild));
}

export const dom0 = (r: SimResult) => r.cpu.filter((c) => c.domain === "dom0");

/** single-guest overrides: guest 0 receives one TCP stream and guest 1 runs a busy loop, both pinned
 *  to PCPU 4 of five, dom0 alone on PCPU 0 (1 GbE): an I/O-bound VCPU sharing its PCPU. */
export const receiverBesideBusyLoop = {
  "guests.count": 2,
  "guests.pcpus": [[4], [4]],
  "traffic.rxStreamsPerGuest": 0,
  "traffic.profiles": [
    { guests: [0], kind: "tcp-rx", streams: 1 },
    { guests: [1], kind: "cpu-hog" },
  ],
} as const;

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
  let reason = 0;
  try {
    expect0(w.simInit(ptr), "simInit");
    do reason = w.simRun(BigInt(d.endCycles), 1 << 22);
    while (reason === L.STOP_LIMIT_EVENTS);
  } catch (e) {
    throw await withModelStack(e); // debug build: where in the model it failed
  }
  if (reason >= L.STOP_ERR_EVENTQ) throw new Error(`model stopped with reason ${reason}`);
  const stats = () => new BigUint64Array(w.memory.buffer, w.statsPtr(), w.statsWords());
  return { w, cfg, d, L, stats };
}

function expect0(v: number, what: string): void {
  if (v !== 0) throw new Error(`${what} returned ${v}`);
}
