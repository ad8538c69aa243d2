// Progress of one long `run` on stderr: nothing for the first seconds (most runs end before), then
// the shared progress display (a bar with ETA on a terminal, a plain line every few seconds in a
// log), counting simulated milliseconds.

import { ProgressReporter } from "./progress.js";

/** Wall time after which a run starts showing progress, ms. */
export const RUN_PROGRESS_AFTER_MS = 2000;

export interface RunProgress {
  /** Pass to simulate()'s onProgress. */
  onProgress: (p: { simulatedMs: number; totalMs: number; fraction: number }) => void;
  /** Ends the display; a completed run shows its full length. */
  stop: (completed: boolean) => void;
}

export function runProgress(
  label: string,
  opts: { afterMs?: number; stream?: NodeJS.WriteStream; plainIntervalMs?: number } = {},
): RunProgress {
  const t0 = performance.now();
  const after = opts.afterMs ?? RUN_PROGRESS_AFTER_MS;
  let reporter: ProgressReporter | null = null;
  let total = 0;
  return {
    onProgress: (p) => {
      if (!reporter) {
        if (performance.now() - t0 < after || p.fraction >= 1) return;
        total = Math.round(p.totalMs);
        reporter = new ProgressReporter({
          label,
          unit: "simulated ms",
          total,
          ...(opts.stream ? { stream: opts.stream } : {}),
          plainIntervalMs: opts.plainIntervalMs ?? 5000,
          startedAt: t0,
        });
      }
      reporter.update({ done: Math.floor(p.simulatedMs), fraction: p.fraction });
    },
    stop: (completed) => {
      // The last chunk ends at the last event before the end, a little short of it.
      if (completed) reporter?.update({ done: total, fraction: 1 });
      reporter?.stop();
    },
  };
}
