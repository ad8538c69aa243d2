#!/usr/bin/env node
// Writes docs/cost-model.md from the parameter table (src/config/params.ts) and a sensitivity run
// of the fitted cost constants (+-20%, paper-baseline and paper-lro). Uses the compiled host code,
// so build first:
//
//   npm run build && node scripts/gen-cost-docs.mjs [--seeds N] [--duration-ms MS] [--no-sensitivity] [--all-costs] [--out FILE]
//
// Runs simulations on a worker pool (one thread per core); the fitted constants alone take seconds,
// --all-costs (a reference table moving every cost constant) a minute or two on 2 cores.

import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { args, dist, opt, root } from "./args.mjs";


const seeds = Number(opt("--seeds", "3"));
const durationMs = opt("--duration-ms", undefined);
const out = resolve(root, opt("--out", "docs/cost-model.md"));
const noSensitivity = args.includes("--no-sensitivity");
const allCosts = args.includes("--all-costs");
if (!Number.isInteger(seeds) || seeds < 1) {
  process.stderr.write(`gen-cost-docs: --seeds ${opt("--seeds")} is not allowed; expected an integer >= 1\n`);
  process.exit(2);
}

let mods;
try {
  mods = {
    node: await import(dist("node.js")),
    sens: await import(dist("reproduce/sensitivity.js")),
    doc: await import(dist("reproduce/costdoc.js")),
    progress: await import(dist("cli/progress.js")),
  };
} catch (e) {
  process.stderr.write(`gen-cost-docs: cannot load the compiled host code (${e.message}); run "npm run build" first\n`);
  process.exit(1);
}

const sensitivity = async (all) => {
  const progress = new mods.progress.ProgressReporter({ label: all ? "sensitivity (all costs)" : "sensitivity", unit: "runs" });
  const r = await mods.sens.runSensitivity({
    module: await mods.node.loadWasmModule(),
    seeds,
    allCosts: all,
    ...(durationMs !== undefined ? { durationMs: Number(durationMs) } : {}),
    onProgress: (p) => progress.update(p),
  });
  progress.stop();
  return r;
};
const fitted = noSensitivity ? null : await sensitivity(false);
const every = noSensitivity || !allCosts ? null : await sensitivity(true);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, mods.doc.costModelMarkdown(fitted, every));
process.stderr.write(`gen-cost-docs: wrote ${out}\n`);
