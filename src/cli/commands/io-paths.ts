// `pvnetsim io-paths`: the same receive workload over the split driver, the split driver with Ram
// et al.'s optimisations and SR-IOV, N seeds each; prints the side-by-side table with the published
// figures beside it (or, with --json, one JSON object and nothing else on stdout).

import { Option, type Command } from "commander";
import { loadWasmModule } from "../../wasm-node.js";
import { renderIoPathsText, runIoPaths } from "../../reproduce/io-paths.js";
import { ProgressReporter } from "../progress.js";
import { action } from "../errors.js";
import { batchOptions, type BatchOpts } from "../input.js";

export function register(program: Command): void {
  program
    .command("io-paths")
    .description(
      "one receive workload over the split driver, the split driver with Ram et al.'s optimisations and SR-IOV, " +
        "side by side with the published figures",
    )
    .option("--json", "print the report as one JSON object on stdout and nothing else")
    .option("--seeds <n>", "seeds per path (1..n)", "3")
    .option("--duration-ms <ms>", "measured interval per run, ms (default: the presets', 1000)")
    .option("--warmup-ms <ms>", "warm-up per run, ms (default: the presets', 200)")
    .option("--workers <n>", "worker threads (default: the number of cores)")
    .addOption(new Option("--threads <n>", "same as --workers").hideHelp())
    .action(
      action(async (o: Omit<BatchOpts, "out">) => {
        const batch = batchOptions(o);
        const progress = new ProgressReporter({ label: "io-paths", unit: "runs" });
        const report = await runIoPaths({
          module: await loadWasmModule(),
          ...batch,
          onProgress: (p) => progress.update(p),
        });
        progress.stop();
        if (o.json) process.stdout.write(JSON.stringify(report) + "\n");
        else process.stdout.write(renderIoPathsText(report) + "\n");
        const errored = report.rows.reduce((a, r) => a + r.erroredRuns, 0);
        if (errored > 0) {
          process.stderr.write(`pvnetsim: error: ${errored} run(s) failed; see "runs" in the --json report\n`);
          process.exitCode = 1;
        }
      }),
    );
}
