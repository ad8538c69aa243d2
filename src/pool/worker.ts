// Worker thread of the simulation pool (pool.ts). It receives the compiled WebAssembly.Module once
// (workerData) and then runs one simulation per "run" message, each on a fresh instance. An
// "abort" message stops the running simulation at its next chunk boundary; its result then has
// state "aborted".

import { parentPort, workerData } from "node:worker_threads";
import { simulateOnModule } from "../run/simulate.js";
import type { FromWorker, ToWorker, WorkerInit } from "./pool.js";

if (!parentPort) throw new Error("the pool worker must run as a worker thread");
const port = parentPort;
const init = workerData as WorkerInit;
let current: AbortController | null = null;

const send = (m: FromWorker): void => port.postMessage(m);

// Fault injection for the tests of failure handling: the job with this seed throws, or kills its
// worker thread. Never set outside tests.
const FAIL_SEED = process.env["PVNETSIM_SWEEP_INJECT_FAILURE"];
const CRASH_SEED = process.env["PVNETSIM_SWEEP_INJECT_CRASH"];

/** Least time between two progress messages of one job, ms. */
const PROGRESS_INTERVAL_MS = 100;

port.on("message", (m: ToWorker) => {
  if (m.type === "abort") current?.abort();
  else void runJob(m);
});

async function runJob(m: Extract<ToWorker, { type: "run" }>): Promise<void> {
  const ctrl = new AbortController();
  current = ctrl;
  const t0 = performance.now();
  let lastProgress = 0;
  const seconds = (): number => (performance.now() - t0) / 1e3;
  try {
    const seed = m.seed !== undefined ? String(m.seed) : undefined;
    if (CRASH_SEED !== undefined && seed === CRASH_SEED) process.exit(3);
    if (FAIL_SEED !== undefined && seed === FAIL_SEED) {
      throw new Error(`injected failure (PVNETSIM_SWEEP_INJECT_FAILURE=${FAIL_SEED})`);
    }
    // A traced job runs on the trace build and collects the trace text to send back.
    const traced = m.observe?.trace;
    if (traced && !init.traceModule) throw new Error("a traced job needs the pool's trace build (traceModule)");
    const pieces: string[] = [];
    const result = await simulateOnModule(traced ? init.traceModule! : init.module, m.config, {
      ...(m.seed !== undefined ? { seed: m.seed } : {}),
      wasmBuild: traced ? "trace" : init.wasmBuild,
      ...(m.observe?.intervalMs !== undefined ? { intervalMs: m.observe.intervalMs } : {}),
      ...(traced ? { trace: { ...traced, write: (t: string) => void pieces.push(t) } } : {}),
      signal: ctrl.signal,
      ...(m.progress
        ? {
            onProgress: (p: { fraction: number }) => {
              const now = performance.now();
              if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
              lastProgress = now;
              send({ type: "progress", task: m.task, fraction: p.fraction });
            },
          }
        : {}),
    });
    const traceText = traced ? { traceText: pieces.join("") } : {};
    send({ type: "result", task: m.task, result, wallSeconds: seconds(), ...traceText });
  } catch (e) {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    send({ type: "failed", task: m.task, error, wallSeconds: seconds() });
  } finally {
    if (current === ctrl) current = null;
  }
}
