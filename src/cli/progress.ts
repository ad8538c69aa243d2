// The one progress display of the command line (sweep, reproduce, sensitivity), on stderr.
// On a terminal: a cli-progress bar rewritten in place. When stderr is a file or a pipe (a batch
// job's log): a plain line at most once a second, and always the last one, so logs stay short.

import { createRequire } from "node:module";
import type { SingleBar } from "cli-progress";

/** cli-progress, loaded when a bar is first drawn (only on a terminal): start-up time. */
const cliProgress = (): typeof import("cli-progress") => createRequire(import.meta.url)("cli-progress");

/** "42s", "3m05s", "2h07m"; "?" when unknown. */
export function fmtDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s) || s < 0) return "?";
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export interface ProgressReporterOptions {
  /** What is running: "sweep", "reproduce", ... (the line's first word). */
  label: string;
  /** What is counted: "points", "runs". */
  unit: string;
  /** Items to do; may also come with the first update. */
  total?: number;
  stream?: NodeJS.WriteStream;
  /** Least time between two plain lines when the stream is not a terminal, ms. */
  plainIntervalMs?: number;
  /**
   * When the counted work began (performance.now()), if before the reporter was made: a display
   * that appears only after a while counts its rate and ETA from the start of the work.
   */
  startedAt?: number;
}

export interface ProgressState {
  /** Items finished. */
  done: number;
  /** Fraction of all work done, 0..1 (may count the running items' part); default done / total. */
  fraction?: number;
  /** Items that finished with an error. */
  failed?: number;
  /** Items under way, whose part of the work `fraction` counts (for the text: "2 running"). */
  running?: number;
  /** Items to do, when the reporter was made without it. */
  total?: number;
}

export class ProgressReporter {
  private readonly stream: NodeJS.WriteStream;
  private readonly t0: number;
  private readonly plainIntervalMs: number;
  private bar: SingleBar | null = null;
  private lastPlain = -Infinity;
  private state: { done: number; fraction: number; failed: number; running: number } = {
    done: 0,
    fraction: 0,
    failed: 0,
    running: 0,
  };
  private printedLast = false;
  private total: number;

  constructor(private readonly opts: ProgressReporterOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.t0 = opts.startedAt ?? performance.now();
    this.plainIntervalMs = opts.plainIntervalMs ?? 1000;
    this.total = opts.total ?? 0;
    if (opts.total !== undefined) this.startBar();
  }

  private startBar(): void {
    if (this.stream.isTTY !== true || this.bar) return;
    const { SingleBar, Presets } = cliProgress();
    this.bar = new SingleBar(
      {
        format: `${this.opts.label} |{bar}| {countsText} | {rateText} | ETA {etaText}{failedText}`,
        hideCursor: true,
        stream: this.stream,
        // Redraws per second at most, whatever the update rate.
        fps: 10,
      },
      Presets.shades_classic,
    );
    this.bar.start(this.total, 0, this.payload());
  }

  /** Seconds since the reporter was made. */
  get elapsedSeconds(): number {
    return (performance.now() - this.t0) / 1e3;
  }

  /** Items finished per minute so far. */
  get perMinute(): number {
    return (this.state.done / Math.max(this.elapsedSeconds, 1e-9)) * 60;
  }

  /** Seconds left at the rate so far; null until some work is done. */
  get etaSeconds(): number | null {
    const f = this.state.fraction;
    if (f <= 0) return null;
    return f >= 1 ? 0 : (this.elapsedSeconds / f) * (1 - f);
  }

  update(s: ProgressState): void {
    if (s.total !== undefined && s.total !== this.total) {
      // The first total, or a grown one (an adaptive sweep's next stage).
      this.total = s.total;
      if (this.bar) this.bar.setTotal(s.total);
      else this.startBar();
    }
    const total = this.total;
    const running = Math.max(0, s.running ?? 0);
    // The fraction may count the running items' part, never less than what is done nor more than
    // what is done plus running: the counts and the percentage never contradict each other.
    const least = total > 0 ? Math.min(1, s.done / total) : 1;
    const most = total > 0 && s.fraction !== undefined ? Math.min(1, (s.done + running) / total) : least;
    this.state = {
      done: s.done,
      fraction: Math.min(most, Math.max(least, s.fraction ?? least)),
      failed: s.failed ?? 0,
      running,
    };
    if (this.bar) {
      this.bar.update(this.state.fraction * total, this.payload());
      return;
    }
    const now = performance.now();
    const last = s.done >= total;
    if (now - this.lastPlain < this.plainIntervalMs && !last) return;
    if (last && this.printedLast) return;
    this.lastPlain = now;
    this.printedLast = last;
    this.stream.write(`${this.line()}\n`);
  }

  /** A message about one item (e.g. a failure): printed as its own line in plain mode only. */
  note(line: string): void {
    if (!this.bar) this.stream.write(`${line}\n`);
  }

  /** Ends the display: the bar is left at its last state; in plain mode the last line is printed. */
  stop(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
    } else if (!this.printedLast && this.state.done > 0) {
      this.printedLast = true;
      this.stream.write(`${this.line()}\n`);
    }
  }

  private payload(): Record<string, string | number> {
    const { failed } = this.state;
    return {
      countsText: progressCounts(this.state, this.total, this.opts.unit),
      rateText: `${this.perMinute.toFixed(1)} ${this.opts.unit}/min`,
      etaText: fmtDuration(this.etaSeconds),
      failedText: failed > 0 ? ` | ${failed} failed` : "",
    };
  }

  private line(): string {
    const { failed } = this.state;
    const p = this.payload();
    const tail = failed > 0 ? `, ${failed} failed` : "";
    return `${this.opts.label}: ${p["countsText"]}, ${p["rateText"]}, ETA ${p["etaText"]}${tail}`;
  }
}

/**
 * "23/25 runs done (92%)" when the percentage is the finished share; "23/25 runs done, 2 running:
 * 98% of the work" when it also counts the running items' part, so that the two never read as one
 * contradicting the other. The percentage is rounded down: 100% only when everything is done.
 */
export function progressCounts(
  s: { done: number; fraction: number; running: number },
  total: number,
  unit: string,
): string {
  const pct = Math.floor(s.fraction * 100 + 1e-9);
  const head = `${s.done}/${total} ${unit} done`;
  const finishedPct = total > 0 ? Math.floor((s.done / total) * 100 + 1e-9) : 100;
  if (s.running > 0 && pct !== finishedPct) return `${head}, ${s.running} running: ${pct}% of the work`;
  return `${head} (${pct}%)`;
}
