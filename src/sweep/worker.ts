// Sweep worker thread: receives the compiled WebAssembly.Module once, then runs one point per
// message, each on a fresh instance (one Wasm instance is one simulation). The main thread may
// abort the running point; the simulation stops at its next chunk boundary.

import { parentPort } from "node:worker_threads";
import { simulateOnModule } from "../run/simulate.js";
import type { ToWorker, FromWorker } from "./pool.js";

if (!parentPort) throw new Error("src/sweep/worker.ts must run as a worker thread");
const port = parentPort;
let module: WebAssembly.Module | null = null;
let current: AbortController | null = null;

const send = (m: FromWorker): void => port.postMessage(m);

// Fault injection for the tests of failure handling: the point with this seed throws, or kills
// its worker thread. Never set outside tests.
const FAIL_SEED = process.env["PVNETSIM_SWEEP_INJECT_FAILURE"];
const CRASH_SEED = process.env["PVNETSIM_SWEEP_INJECT_CRASH"];

port.on("message", (m: ToWorker) => {
  switch (m.type) {
    case "init":
      module = m.module;
      return;
    case "abort":
      current?.abort();
      return;
    case "run":
      void runPoint(m.task, m.config, m.seed);
      return;
  }
});

async function runPoint(task: number, config: unknown, seed: number): Promise<void> {
  const ctrl = new AbortController();
  current = ctrl;
  const t0 = performance.now();
  try {
    if (!module) throw new Error("worker has no Wasm module");
    if (CRASH_SEED !== undefined && String(seed) === CRASH_SEED) process.exit(3);
    if (FAIL_SEED !== undefined && String(seed) === FAIL_SEED) throw new Error(`injected failure (PVNETSIM_SWEEP_INJECT_FAILURE=${FAIL_SEED})`);
    const result = await simulateOnModule(module, config, { seed, signal: ctrl.signal });
    send({ type: "result", task, result, wallSeconds: (performance.now() - t0) / 1e3 });
  } catch (e) {
    send({ type: "failed", task, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), wallSeconds: (performance.now() - t0) / 1e3 });
  } finally {
    if (current === ctrl) current = null;
  }
}
