// Node entry point: loads build/pvnetsim.wasm from the package and runs simulations.
// The simulation itself (src/run/simulate.ts) uses no Node built-ins; only the loading of the
// .wasm file from disk lives here.

import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { simulateOnModule, type SimulateOptions } from "./run/simulate.js";
import type { SimResult } from "./result.js";

export * from "./index.js";

const cache = new Map<string, Promise<WebAssembly.Module>>();

/** Absolute path of a built Wasm module (dist/src/node.js -> ../../build/). */
export function wasmPath(build: "release" | "debug" = "release"): string {
  const file = build === "release" ? "pvnetsim.wasm" : "pvnetsim.debug.wasm";
  return fileURLToPath(new URL(`../../build/${file}`, import.meta.url));
}

/** Compiles (once per process) and returns the simulator's Wasm module. */
export function loadWasmModule(build: "release" | "debug" = "release"): Promise<WebAssembly.Module> {
  let m = cache.get(build);
  if (!m) {
    const path = wasmPath(build);
    m = readFile(path).then(
      (bytes) => WebAssembly.compile(bytes),
      (e: NodeJS.ErrnoException) => {
        cache.delete(build);
        throw new Error(`cannot read ${path} (${e.code ?? e.message}); run "npm run build" first`);
      },
    );
    cache.set(build, m);
  }
  return m;
}

export interface NodeSimulateOptions extends SimulateOptions {
  /** Use the debug build (assertions on) instead of the release build. */
  debugBuild?: boolean;
}

/**
 * Runs one simulation. `config`: a preset name, a (partial) config object, or a resolved config.
 * Throws ConfigError for bad input; a model failure is returned as state "errored".
 */
export async function simulate(config: unknown, opts: NodeSimulateOptions = {}): Promise<SimResult> {
  const build = opts.debugBuild ? "debug" : "release";
  const module = await loadWasmModule(build);
  return simulateOnModule(module, config, { ...opts, wasmBuild: build });
}
export * from "./sweep/index.js";
