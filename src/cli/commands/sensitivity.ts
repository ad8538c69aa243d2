// `pvnetsim sensitivity`: baseline and all-four (paper-lro) throughput when each fitted cost
// constant moves by -20% and +20% (the sensitivity table of docs/cost-model.md).

import { Option, type Command } from "commander";
import { loadWasmModule } from "../../wasm-node.js";
import { PRESETS } from "../../config/presets.js";
import { runSensitivity } from "../../reproduce/sensitivity.js";
import { sensitivityMarkdown, signedPct } from "../../reproduce/costdoc.js";
import { ProgressReporter } from "../progress.js";
import { formatTable } from "../../report/table.js";
import { action, UsageError } from "../errors.js";
import { intOption, numOption, nonNegOption } from "../input.js";

interface SensitivityOpts {
  json?: boolean;
  markdown?: boolean;
  seeds?: string;
  durationMs?: string;
  warmupMs?: string;
  delta?: string;
  allCosts?: boolean;
  preset: string[];
  threads?: string;
  workers?: string;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function register(program: Command): void {
  program
    .command("sensitivity")
    .description("throughput of paper-baseline and paper-lro when each fitted cost constant moves by -20% and +20%")
    .option("--json", "print the report as one JSON object on stdout and nothing else")
    .option("--markdown", "print the table as Markdown (as in docs/cost-model.md)")
    .option("--seeds <n>", "seeds per point (1..n)", "3")
    .option("--duration-ms <ms>", "measured interval per run, ms (default: the presets', 1000)")
    .option("--warmup-ms <ms>", "warm-up per run, ms (default: the presets', 200)")
    .option("--delta <fraction>", "relative move of each constant", "0.2")
    .option("--all-costs", "move every costs.* constant, not only the fitted ones")
    .option("--preset <name>", "scenario (repeatable; default paper-baseline and paper-lro)", collect, [])
    .option("--workers <n>", "worker threads (default: the number of cores)")
    .addOption(new Option("--threads <n>", "same as --workers").hideHelp())
    .action(
      action(async (o: SensitivityOpts) => {
        const seeds = intOption("--seeds", o.seeds, 1)!;
        const durationMs = numOption("--duration-ms", o.durationMs);
        const warmupMs = nonNegOption("--warmup-ms", o.warmupMs);
        const delta = numOption("--delta", o.delta)!;
        if (delta >= 1) throw new UsageError(`--delta: ${delta} is not allowed; expected a fraction in (0, 1)`);
        const threads = intOption(o.workers !== undefined ? "--workers" : "--threads", o.workers ?? o.threads, 1);
        for (const p of o.preset) {
          if (!Object.hasOwn(PRESETS, p))
            throw new UsageError(`--preset: "${p}" is not allowed; expected one of ${Object.keys(PRESETS).join(", ")}`);
        }
        const progress = new ProgressReporter({ label: "sensitivity", unit: "runs" });
        const report = await runSensitivity({
          module: await loadWasmModule(),
          seeds,
          delta,
          allCosts: o.allCosts === true,
          ...(o.preset.length ? { presets: o.preset } : {}),
          ...(durationMs !== undefined ? { durationMs } : {}),
          ...(warmupMs !== undefined ? { warmupMs } : {}),
          ...(threads !== undefined ? { threads } : {}),
          onProgress: (p) => progress.update(p),
        });
        progress.stop();
        if (o.json) {
          process.stdout.write(JSON.stringify(report) + "\n");
          return;
        }
        if (o.markdown) {
          process.stdout.write(sensitivityMarkdown(report) + "\n");
          return;
        }
        const d = Math.round(delta * 100);
        const presets = report.settings.presets;
        const head = ["constant", "default"];
        for (const p of presets) head.push(`${p} -${d}%`, "base", `+${d}%`);
        const rows = report.rows.map((r) => {
          const c = [r.path, `${r.default} ${r.unit}`];
          for (const p of presets) {
            const e = r.presets[p]!;
            c.push(
              `${e.minus.gbps.toFixed(3)} (${signedPct(e.minus.changePct)})`,
              e.base.gbps.toFixed(3),
              `${e.plus.gbps.toFixed(3)} (${signedPct(e.plus.changePct)})`,
            );
          }
          return c;
        });
        process.stdout.write(
          `sensitivity: aggregate TCP goodput (Gb/s, mean of ${seeds} seed(s)) with each ` +
            `${o.allCosts ? "" : "fitted "}cost constant at -${d}% / default / +${d}%\n\n` +
            (rows.length
              ? formatTable([head, ...rows], (c) => c > 1)
              : "no fitted cost constants in src/config/params.ts") +
            "\n",
        );
      }),
    );
}
