// Messages between the page-side API (index.ts) and the simulation worker (worker.ts).
// Everything here is structured-clone safe: a compiled WebAssembly.Module, plain JSON objects.

import type { ResolvedConfig } from "../config/schema.js";
import type { Progress } from "../run/simulate.js";
import type { SimResult } from "../result.js";
import type { LiveSample } from "./live.js";

export type ToWorker =
  | {
      type: "run";
      module: WebAssembly.Module;
      config: ResolvedConfig;
      seed?: number;
      chunkEvents?: number;
      /** Sample time series every this many simulated ms (result.timeseries). */
      intervalMs?: number;
      /** Write a timeline trace of this window (needs the trace build as `module`); sent back as text. */
      trace?: { fromMs?: number; toMs?: number; flowSampleEvery?: number };
      /** Read live samples from the model's counters between chunks. */
      live: boolean;
    }
  | { type: "abort" };

export type FromWorker =
  | { type: "progress"; progress: Progress; live: LiveSample | null }
  | { type: "result"; result: SimResult; traceText?: string }
  | { type: "error"; name: string; message: string };
