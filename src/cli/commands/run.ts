// `pvnetsim run <preset|config.yaml|config.json>`: one simulation, printed as a table or as JSON.

import type { Command } from "commander";
import { simulate } from "../../wasm-node.js";
import { resolveConfig } from "../../config/schema.js";
import { renderResult } from "../../report/table.js";
import { action, UsageError } from "../errors.js";
import { loadScenario, parseSets, intOption, numOption, nonNegOption, checkWritable } from "../input.js";
import { runProgress } from "../run-progress.js";
import { writeFileSync, createWriteStream, statSync } from "node:fs";
import type { ResolvedConfig } from "../../config/schema.js";
import type { TraceOptions } from "../../trace/chrome.js";

/** Parses the trace options and opens the file (gzip for .gz); the writer streams into it. The
 *  trace and time-series modules, zlib and stream/promises are loaded only by the runs that use
 *  them (start-up time). */
async function openTrace(
  file: string,
  window: string | undefined,
  sample: string | undefined,
  config: ResolvedConfig,
): Promise<{ options: TraceOptions; close: () => Promise<void> }> {
  const { traceWindow } = await import("../../trace/chrome.js");
  const { createGzip } = await import("node:zlib");
  const { finished } = await import("node:stream/promises");
  checkWritable("--trace", file);
  let fromMs: number | undefined;
  let toMs: number | undefined;
  if (window !== undefined) {
    const m = /^\s*([0-9.eE+-]+)\s*:\s*([0-9.eE+-]+)\s*$/.exec(window);
    fromMs = m ? Number(m[1]) : NaN;
    toMs = m ? Number(m[2]) : NaN;
    const total = config.warmupMs + config.durationMs;
    if (!m || !Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs < 0 || toMs <= fromMs || toMs > total) {
      throw new UsageError(
        `--trace-window: ${JSON.stringify(window)} is not allowed; expected FROM:TO in simulated ms with 0 <= ` +
          `FROM < TO <= ${total} (warm-up + duration)`,
      );
    }
  }
  const every = intOption("--trace-sample", sample);
  traceWindow({ ...(fromMs !== undefined ? { fromMs } : {}), ...(toMs !== undefined ? { toMs } : {}) }, config);
  const out = createWriteStream(file);
  const gz = file.endsWith(".gz") ? createGzip() : null;
  if (gz) gz.pipe(out);
  const sink = gz ?? out;
  return {
    options: {
      ...(fromMs !== undefined ? { fromMs } : {}),
      ...(toMs !== undefined ? { toMs } : {}),
      ...(every !== undefined ? { flowSampleEvery: every } : {}),
      write: (s) => void sink.write(s),
    },
    close: async () => {
      sink.end();
      await finished(out);
    },
  };
}

interface RunOpts {
  seed?: string;
  durationMs?: string;
  warmupMs?: string;
  set: string[];
  json?: boolean;
  debugBuild?: boolean;
  intervalMs?: string;
  timeseries?: string;
  trace?: string;
  traceWindow?: string;
  traceSample?: string;
  quiet?: boolean;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function register(program: Command): void {
  program
    .command("run")
    .description("run one simulation of a preset or a config file (YAML or JSON)")
    .argument("<scenario>", "preset name (see `pvnetsim presets`) or path to a config file, YAML or JSON")
    .option("--seed <n>", "random seed (integer >= 0)")
    .option("--duration-ms <ms>", "measured interval, ms")
    .option("--warmup-ms <ms>", "warm-up before measuring, ms")
    .option("--set <path=value>", "override one parameter (repeatable), e.g. --set dom0.vcpus=8", collect, [])
    .option("--json", "print the result object as JSON on stdout and nothing else")
    .option("--debug-build", "use the debug Wasm build (assertions on)")
    .option("--quiet", "no progress display (shown on stderr for runs that take over 2 s)")
    .option(
      "--interval-ms <ms>",
      "sample time series every this many simulated ms (result.timeseries; sparklines in the table)",
    )
    .option(
      "--timeseries <file>",
      "write the time series as CSV (interval: --interval-ms, else 1/100 of the measured interval)",
    )
    .option("--trace <file>", "write a timeline trace (Chrome Trace Event JSON; gzip when the name ends in .gz)")
    .option("--trace-window <from:to>", "trace only this window of simulated ms since the run began, e.g. 500:520")
    .option("--trace-sample <n>", "follow one in n frames arriving at the NIC with flow arrows (default 64; 0: none)")
    .action(
      action(async (scenario: string, o: RunOpts) => {
        const input = await loadScenario(scenario);
        const overrides = parseSets(o.set);
        const seed = intOption("--seed", o.seed);
        if (seed !== undefined && seed > 0xffffffff)
          throw new UsageError(`--seed: ${seed} is not allowed; expected an integer from 0 to 4294967295`);
        const dur = numOption("--duration-ms", o.durationMs);
        const warm = nonNegOption("--warmup-ms", o.warmupMs);
        if (seed !== undefined) overrides["seed"] = seed;
        if (dur !== undefined) overrides["durationMs"] = dur;
        if (warm !== undefined) overrides["warmupMs"] = warm;
        const config = resolveConfig(input, overrides);
        let intervalMs = numOption("--interval-ms", o.intervalMs);
        if (intervalMs === undefined && o.timeseries !== undefined) intervalMs = config.durationMs / 100;
        if (intervalMs !== undefined) (await import("../../run/timeseries.js")).checkInterval(intervalMs, config);
        if (o.timeseries !== undefined) checkWritable("--timeseries", o.timeseries);
        if ((o.traceWindow !== undefined || o.traceSample !== undefined) && o.trace === undefined) {
          throw new UsageError(
            `${o.traceWindow !== undefined ? "--trace-window" : "--trace-sample"}: only allowed with --trace FILE`,
          );
        }
        if (o.trace !== undefined && o.debugBuild)
          throw new UsageError("--trace: not allowed with --debug-build (tracing runs the trace build)");
        const traceFile = o.trace;
        const trace =
          traceFile === undefined ? undefined : await openTrace(traceFile, o.traceWindow, o.traceSample, config);
        const progress = o.quiet ? null : runProgress("run");
        const result = await simulate(config, {
          debugBuild: o.debugBuild === true,
          ...(intervalMs !== undefined ? { intervalMs } : {}),
          ...(trace ? { trace: trace.options } : {}),
          ...(progress ? { onProgress: progress.onProgress } : {}),
        });
        progress?.stop(result.state === "completed");
        if (trace && traceFile !== undefined) {
          await trace.close();
          const t = result.trace;
          if (t) {
            process.stderr.write(
              `trace: ${traceFile}: ${t.fromMs}..${t.toMs} ms, ${t.events} events, ${(t.bytes / 1e6).toFixed(2)} ` +
                `MB of JSON ` +
                `(${(t.bytesPerSimulatedMs / 1e3).toFixed(1)} kB per simulated ms)` +
                (traceFile.endsWith(".gz") ? `, ${(statSync(traceFile).size / 1e6).toFixed(2)} MB gzipped` : "") +
                "\n",
            );
          }
        }
        if (o.timeseries !== undefined && result.timeseries)
          writeFileSync(o.timeseries, (await import("../../report/timeseries.js")).timeSeriesCsv(result.timeseries));
        if (o.json) process.stdout.write(JSON.stringify(result) + "\n");
        else process.stdout.write(renderResult(result) + "\n");
        if (result.state === "errored") {
          process.stderr.write(`pvnetsim: error: ${result.error ?? "run failed"}\n`);
          process.exitCode = 1;
        }
      }),
    );
}
