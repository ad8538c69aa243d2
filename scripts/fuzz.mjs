#!/usr/bin/env node
// The fuzz campaign over the library API and the CLI: `npm run fuzz -- --cases 10000 [--seed N]
// [--cli-every 50] [--wall-ms 60000] [--jobs N] [--quick]` (--jobs: worker threads checking
// chunks of cases at once, the same cases and summary as one job; --quick: sizing parameters at
// most 64, or 1 MiB for buffers, as in the test suite's sample). Prints a summary (cases by kind,
// failures by property, time) and each distinct failure with its input and where to draw it
// again; exits 1 when any property failed.

import { CHUNK, campaign } from "../test/fuzz/campaign.mjs";

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    process.stderr.write(
      `fuzz: --${name}: ${JSON.stringify(process.argv[i + 1])} is not allowed; expected an integer >= 0\n`,
    );
    process.exit(2);
  }
  return v;
};
if (process.argv.includes("--help")) {
  process.stdout.write(
    "usage: npm run fuzz -- [--cases N (default 10000)] [--seed N (default 1)] [--cli-every N (default 50; 0 = no CLI)]" +
      " [--wall-ms N (default 60000)] [--jobs N (default 1)] [--quick]\n",
  );
  process.exit(0);
}
const cases = arg("cases", 10000);
const seed = arg("seed", 1);
const cliEvery = arg("cli-every", 50);
const wallMs = arg("wall-ms", 60000);
const jobs = Math.max(1, arg("jobs", 1));
const quick = process.argv.includes("--quick");
const root = new URL("../", import.meta.url);
let last = 0;
const s = await campaign({
  root,
  cases,
  seed,
  cliEvery,
  wallMs,
  quick,
  jobs,
  onCase: (n, f, input) => {
    const now = performance.now();
    if (f) process.stderr.write(`fuzz: case ${n}: ${f}\n  ${input}\n`);
    if (now - last > 10_000) {
      last = now;
      process.stderr.write(`fuzz: ${n + 1}/${cases} cases\n`);
    }
  },
});
const byProperty = new Map();
for (const f of s.failures) {
  const key = f.failure.replace(/-?[0-9][0-9.e+-]*/g, "N").slice(0, 90);
  byProperty.set(key, [...(byProperty.get(key) ?? []), f]);
}
process.stdout.write(
  `fuzz: ${s.cases} cases (seed ${s.seed}${quick ? ", quick sizes" : ""}) in ${s.seconds.toFixed(0)} s: ${s.counts.valid} valid configs (${s.counts.completed} completed with every property, ` +
    `${s.counts.stopped} stopped by the packet pool they sized, naming the size to set, ` +
    `${s.counts.validRejected} rejected by a relation between drawn values), ${s.counts.invalid} invalid values and ${s.counts.hostile} hostile inputs ` +
    `(${s.counts.rejected} rejected with one ConfigError naming the field), ${s.counts.cli} also through the CLI; failures: ${s.failures.length}\n`,
);
for (const [key, fs] of byProperty) {
  const i = fs[0].index;
  process.stdout.write(
    `  ${fs.length} x ${key}\n    e.g. case ${i} (case ${i % CHUNK} of chunk ${Math.floor(i / CHUNK)}): ${fs[0].input}\n`,
  );
}
process.exitCode = s.failures.length > 0 ? 1 : 0;
