// The simulation worker: one dedicated Web Worker runs one simulation (src/run/simulate.ts) on a
// WebAssembly.Module compiled by the page, so that the page's main thread stays free for input.
// It reports progress (with live samples read from the model's counters) after every chunk of
// events and stops at the next chunk boundary when the page aborts. Built as its own bundle
// (scripts/build-web.mjs -> dist/web/worker.js); tsc also emits it as dist/src/browser/worker.js
// for bundlers that follow `new URL("./worker.js", import.meta.url)`.

import { simulateOnModule } from "../run/simulate.js";
import { LiveSampler } from "./live.js";
import type { FromWorker, ToWorker } from "./protocol.js";

interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: "message", listener: (e: MessageEvent<ToWorker>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

let controller: AbortController | null = null;

async function run(msg: Extract<ToWorker, { type: "run" }>): Promise<void> {
  controller = new AbortController();
  let sampler: LiveSampler | null = null;
  const traceParts: string[] = [];
  try {
    const result = await simulateOnModule(msg.module, msg.config, {
      ...(msg.seed !== undefined ? { seed: msg.seed } : {}),
      ...(msg.chunkEvents !== undefined ? { chunkEvents: msg.chunkEvents } : {}),
      ...(msg.intervalMs !== undefined ? { intervalMs: msg.intervalMs } : {}),
      ...(msg.trace ? { trace: { ...msg.trace, write: (s: string) => void traceParts.push(s) } } : {}),
      signal: controller.signal,
      onProgress: (progress, ex) => {
        let live = null;
        if (msg.live) {
          sampler ??= new LiveSampler(msg.config, ex);
          live = sampler.sample();
        }
        scope.postMessage({ type: "progress", progress, live });
      },
    });
    scope.postMessage(
      msg.trace && result.trace
        ? { type: "result", result, traceText: traceParts.join("") }
        : { type: "result", result },
    );
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    scope.postMessage({ type: "error", name: err.name, message: err.message });
  } finally {
    controller = null;
  }
}

scope.addEventListener("message", (e) => {
  const msg = e.data;
  if (msg.type === "run") void run(msg);
  else if (msg.type === "abort") controller?.abort();
});
