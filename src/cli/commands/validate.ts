// `pvnetsim validate`: runs the published-results suite (validation/*.json) over N seeds,
// prints the table (or, with --json, the report as one JSON object and nothing else on stdout)
// and writes validate.json, the simulated-against-published chart and index.html into --out.

import type { Command } from "commander";
import { resolve } from "node:path";
import { loadWasmModule } from "../../wasm-node.js";
import { runValidation } from "../../validate/validate.js";
import { renderValidateText, writeValidateOutputs } from "../../validate/render.js";
import { SuiteError } from "../../validate/suite.js";
import { ProgressReporter } from "../progress.js";
import { action, UsageError } from "../errors.js";
import { addBatchOptions, batchOptions, writableDir, type BatchOpts } from "../input.js";

interface ValidateOpts extends BatchOpts {
  suite?: string;
}

export function register(program: Command): void {
  addBatchOptions(
    program
      .command("validate")
      .description("run the published-results suite (validation/*.json) x N seeds: table, JSON, chart and HTML report"),
    { outDir: "out/validate", outFiles: "validate.json, the chart and index.html", seeds: 3, per: "scenario" },
  )
    .option("--suite <dir>", "directory of result files (default: the package's validation/)")
    .action(
      action(async (o: ValidateOpts) => {
        const batch = batchOptions(o);
        const dir = await writableDir(o.out);
        const module = await loadWasmModule();
        const progress = new ProgressReporter({ label: "validate", unit: "runs" });
        let report;
        try {
          report = await runValidation({
            module,
            ...batch,
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
          process.stderr.write(
            `pvnetsim: error: ${errored} run(s) failed; see "rows" in ${resolve(dir, "validate.json")}\n`,
          );
          process.exitCode = 1;
        }
      }),
    );
}
