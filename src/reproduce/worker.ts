// Worker thread of the simulation pool (pool.ts). It receives the compiled WebAssembly.Module once
// (workerData; a Module is structured-cloneable, its memory never is) and then runs one simulation
// per message on a fresh instance: one Wasm instance is one simulation (design.md section 3).
//
// Messages in:  { id, config, seed? }            (config: preset name, partial or resolved config)
// Messages out: { id, progress }                  (fraction 0..1 of the run, at most ~10 per second)
//               { id, result }                    (a SimResult; state may be "errored")
//               { id, error }                     (config rejected or the model threw: message only)

import { parentPort, workerData } from "node:worker_threads";
import { simulateOnModule } from "../run/simulate.js";

export interface WorkerTask {
  id: number;
  config: unknown;
  seed?: number;
}

interface Init {
  module: WebAssembly.Module;
  wasmBuild: "release" | "debug";
}

const port = parentPort;
if (!port) throw new Error("reproduce/worker.js must run in a worker thread");
const init = workerData as Init;

port.on("message", (task: WorkerTask) => {
  let last = 0;
  simulateOnModule(init.module, task.config, {
    ...(task.seed !== undefined ? { seed: task.seed } : {}),
    wasmBuild: init.wasmBuild,
    onProgress: (p) => {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      port.postMessage({ id: task.id, progress: p.fraction });
    },
  }).then(
    (result) => port.postMessage({ id: task.id, result }),
    (e: unknown) => port.postMessage({ id: task.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
  );
});
