// `pvnetsim run <preset|config.yaml|config.json>`: one simulation, printed as a table or as JSON.

import type { Command } from "commander";
import { simulate } from "../../wasm-node.js";
import { resolveConfig } from "../../config/schema.js";
import { renderResult } from "../../report/table.js";
import { action, UsageError } from "../errors.js";
import { loadScenario, parseSets, intOption, numOption, checkWritable } from "../input.js";
import { checkInterval } from "../../run/timeseries.js";
import { timeSeriesCsv } from "../../report/timeseries.js";
import { writeFileSync } from "node:fs";

interface RunOpts {
  seed?: string;
  durationMs?: string;
  warmupMs?: string;
  set: string[];
  json?: boolean;
  debugBuild?: boolean;
  intervalMs?: string;
  timeseries?: string;
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
    .option("--interval-ms <ms>", "sample time series every this many simulated ms (result.timeseries; sparklines in the table)")
    .option("--timeseries <file>", "write the time series as CSV (interval: --interval-ms, else 1/100 of the measured interval)")
    .action(
      action(async (scenario: string, o: RunOpts) => {
        const input = await loadScenario(scenario);
        const overrides = parseSets(o.set);
        const seed = intOption("--seed", o.seed);
        if (seed !== undefined && seed > 0xffffffff) throw new UsageError(`--seed: ${seed} is not allowed; expected an integer from 0 to 4294967295`);
        const dur = numOption("--duration-ms", o.durationMs);
        const warm = o.warmupMs === undefined ? undefined : Number(o.warmupMs);
        if (seed !== undefined) overrides["seed"] = seed;
        if (dur !== undefined) overrides["durationMs"] = dur;
        if (warm !== undefined) overrides["warmupMs"] = warm;
        const config = resolveConfig(input, overrides);
        let intervalMs = numOption("--interval-ms", o.intervalMs);
        if (intervalMs === undefined && o.timeseries !== undefined) intervalMs = config.durationMs / 100;
        if (intervalMs !== undefined) checkInterval(intervalMs, config);
        if (o.timeseries !== undefined) checkWritable("--timeseries", o.timeseries);
        const result = await simulate(config, { debugBuild: o.debugBuild === true, ...(intervalMs !== undefined ? { intervalMs } : {}) });
        if (o.timeseries !== undefined && result.timeseries) writeFileSync(o.timeseries, timeSeriesCsv(result.timeseries));
        if (o.json) process.stdout.write(JSON.stringify(result) + "\n");
        else process.stdout.write(renderResult(result) + "\n");
        if (result.state === "errored") {
          process.stderr.write(`pvnetsim: error: ${result.error ?? "run failed"}\n`);
          process.exitCode = 1;
        }
      }),
    );
}
