// `pvnetsim validate`: runs the published-results suite (validation/*.json) over N seeds,
// prints the table (or, with --json, the report as one JSON object and nothing else on stdout)
// and writes validate.json, the simulated-against-published chart and index.html into --out.

import { Option, type Command } from "commander";
import { resolve } from "node:path";
import { loadWasmModule } from "../../wasm-node.js";
import { runValidation } from "../../validate/validate.js";
import { renderValidateText, writeValidateOutputs } from "../../validate/render.js";
import { SuiteError } from "../../validate/suite.js";
import { ProgressReporter } from "../progress.js";
import { defaultThreads } from "../../pool/pool.js";
import { action, UsageError } from "../errors.js";
import { batchOptions, writableDir } from "../input.js";

interface ValidateOpts {
  json?: boolean;
  out: string;
  seeds?: string;
  durationMs?: string;
  warmupMs?: string;
  threads?: string;
  workers?: string;
  suite?: string;
}

export function register(program: Command): void {
  program
    .command("validate")
    .description("run the published-results suite (validation/*.json) x N seeds: table, JSON, chart and HTML report")
    .option("--json", "print the report as one JSON object on stdout and nothing else")
    .option("--out <dir>", "directory for validate.json, the chart and index.html", "out/validate")
    .option("--seeds <n>", "seeds per scenario (1..n)", "3")
    .option("--duration-ms <ms>", "measured interval per run, ms (default: the scenarios', 1000)")
    .option("--warmup-ms <ms>", "warm-up per run, ms (default: the scenarios', 200)")
    .option("--workers <n>", `worker threads (default: the number of cores, ${defaultThreads()} here)`)
    .addOption(new Option("--threads <n>", "same as --workers").hideHelp())
    .option("--suite <dir>", "directory of result files (default: the package's validation/)")
    .action(
      action(async (o: ValidateOpts) => {
        const { seeds, durationMs, warmupMs, threads } = batchOptions(o);
        const dir = await writableDir(o.out);
        const module = await loadWasmModule();
        const progress = new ProgressReporter({ label: "validate", unit: "runs" });
        let report;
        try {
          report = await runValidation({
            module,
            seeds,
            ...(durationMs !== undefined ? { durationMs } : {}),
            ...(warmupMs !== undefined ? { warmupMs } : {}),
            ...(threads !== undefined ? { threads } : {}),
            ...(o.suite !== undefined ? { dir: resolve(o.suite) } : {}),
            onProgress: (p) => progress.update(p),
          });
        } catch (e) {
          if (e instanceof SuiteError) throw new UsageError(e.message);
          throw e;
        } finally {
          progress.stop();
        }
        const files = await writeValidateOutputs(report, dir);
        if (o.json) process.stdout.write(JSON.stringify(report) + "\n");
        else {
          process.stdout.write(renderValidateText(report) + "\n");
          process.stdout.write(`\nwrote ${files.length} files to ${dir} (open ${resolve(dir, "index.html")})\n`);
        }
        const errored = report.rows.reduce((a, r) => a + r.erroredRuns, 0);
        if (errored > 0) {
          process.stderr.write(`pvnetsim: error: ${errored} run(s) failed; see "rows" in ${resolve(dir, "validate.json")}\n`);
          process.exitCode = 1;
        }
      }),
    );
}
