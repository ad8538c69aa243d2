// Loading the simulator's .wasm from the package in Node, and `simulate` on it. Kept apart from
// node.ts (the library entry, which also exports the sweep modules) so that the CLI's `run` loads
// only what one run needs.
//
// The module is compiled once per process and shared (workers are posted the compiled module).
// It is not cached on disk: Node 20 gives JavaScript no way to serialize compiled Wasm code
// (v8.serialize of a WebAssembly.Module writes an in-process reference that another process
// cannot read back, and V8's code cache for Wasm is only reachable from the embedder's streaming
// API, which Node 20 does not wire up). Compiling this module takes a few milliseconds anyway:
// V8 compiles functions lazily and tiers hot ones up in the background.

// readFile with a callback: node:fs/promises (and the modules it loads) cost a fresh process about 2 ms.
import { readFile } from "node:fs";
import { packagePath } from "./package-root.js";
import { simulateOnModule, type SimulateOptions } from "./run/simulate.js";
import type { SimResult } from "./result.js";
import { decodeWasmSourceMap, modelStack, type WasmSourceMap } from "./run/wasm-stack.js";

const cache = new Map<string, Promise<WebAssembly.Module>>();

/** Absolute path of a built Wasm module (build/ at the package root). */
export function wasmPath(build: "release" | "debug" | "trace" = "release"): string {
  return packagePath("build", build === "release" ? "pvnetsim.wasm" : `pvnetsim.${build}.wasm`);
}

/** Compiles (once per process) and returns the simulator's Wasm module. */
export function loadWasmModule(build: "release" | "debug" | "trace" = "release"): Promise<WebAssembly.Module> {
  let m = cache.get(build);
  if (!m) {
    const path = wasmPath(build);
    // (A buffer read from a file is never shared memory.)
    const read = new Promise<Buffer<ArrayBuffer>>((done, fail) =>
      readFile(path, (e, bytes) => (e ? fail(e) : done(bytes as Buffer<ArrayBuffer>))),
    );
    m = read.then(
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
  // The trace build is the release build with the trace points compiled in.
  const build = opts.debugBuild ? "debug" : opts.trace ? "trace" : "release";
  const module = await loadWasmModule(build);
  if (build === "release") return simulateOnModule(module, config, { ...opts, wasmBuild: build });
  try {
    return await simulateOnModule(module, config, { ...opts, wasmBuild: build });
  } catch (e) {
    throw await withModelStack(e);
  }
}

let debugMap: Promise<WasmSourceMap | null> | undefined;

/**
 * A failure inside the debug build (a failed assertion, a trap), with the model frames of its
 * stack appended as source lines from the build's source map. Any other error is returned as is.
 */
export async function withModelStack(e: unknown): Promise<unknown> {
  if (!(e instanceof Error) || !e.stack?.includes("wasm-function[")) return e;
  debugMap ??= new Promise<string>((done, fail) =>
    readFile(`${wasmPath("debug")}.map`, "utf8", (e, text) => (e ? fail(e) : done(text))),
  ).then(
    (text) => decodeWasmSourceMap(JSON.parse(text) as { sources: string[]; mappings: string }),
    () => null,
  );
  const map = await debugMap;
  const frames = map ? modelStack(e.stack, map) : [];
  if (frames.length > 0) e.message += `\n  model stack: ${frames.join(" <- ")}`;
  return e;
}
