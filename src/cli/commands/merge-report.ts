// `pvnetsim merge` and `pvnetsim report`: what is done with a sweep's results files. merge joins
// shards and resumed runs into one file in sweep order, saying which points are missing or found
// twice; report writes the CSV tables and the HTML page of charts. Neither reads a file a live
// sweep is writing, and both write their output whole (a temporary file, then a rename).

import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { writeFileAtomic } from "../../sweep/atomic.js";
import { assertNotBeingWritten, lockResults } from "../../sweep/lock.js";
import { listIndices, mergeResults } from "../../sweep/merge.js";
import { parseResults, recordLine } from "../../sweep/records.js";
import { writeReport } from "../../sweep/report.js";
import { action, UsageError } from "../errors.js";
import { asUsage, readInput, say } from "./sweep-common.js";

async function runMerge(files: string[], o: { out: string; strict?: boolean }): Promise<void> {
  if (files.length === 0) throw new UsageError("merge: give at least one results file");
  if (existsSync(o.out) && statSync(o.out).isDirectory()) {
    throw new UsageError(`--out: ${o.out} is a directory; expected a file path for the merged results`);
  }
  let lock: { release: () => void } | null = null;
  let rep: ReturnType<typeof mergeResults>;
  try {
    // A file a live sweep is writing is neither read (its points are not all there) nor replaced
    // (the sweep would go on writing to the replaced file's inode, and its points would be lost).
    for (const f of files) assertNotBeingWritten(f, "merge");
    lock = lockResults(o.out);
    const inputs = files.map((f) => ({ name: f, data: readInput(f, "merge") }));
    rep = mergeResults(inputs);
    for (const i of rep.inputs) {
      if (i.torn) say(`merge: ${i.name}: partial last line left out (a killed run; resume it to finish that point)`);
      for (const b of i.bad) say(`merge: ${i.name}:${b.line}: ${b.why}; left out`);
    }
    const records = rep.records;
    writeFileAtomic(
      o.out,
      (function* () {
        for (const r of records) yield recordLine(r);
      })(),
    );
  } catch (e) {
    throw asUsage(e);
  } finally {
    lock?.release();
  }
  const conflicts = rep.duplicates.filter((d) => d.conflicting);
  const of = rep.total !== null ? ` of ${rep.total}` : "";
  const from = `${files.length} file${files.length === 1 ? "" : "s"}`;
  const dups = `${rep.duplicates.length}${conflicts.length ? ` (${conflicts.length} conflicting)` : ""}`;
  say(
    `merge: ${rep.records.length} points${of} from ${from} -> ${o.out}; ` +
      `missing ${rep.missing.length}, duplicates ${dups}, errored ${rep.errored}`,
  );
  if (rep.missing.length) say(`merge: missing points: ${listIndices(rep.missing)}`);
  if (rep.duplicates.length) {
    say(`merge: duplicate points (kept the first copy): ${listIndices(rep.duplicates.map((d) => d.index))}`);
  }
  if (conflicts.length) {
    say(
      `merge: warning: copies of ${listIndices(conflicts.map((d) => d.index))} differ in more than wall time ` +
        "(different builds or versions?)",
    );
  }
  if (o.strict && (rep.missing.length > 0 || conflicts.length > 0)) {
    throw new Error(`merge --strict: ${rep.missing.length} missing, ${conflicts.length} conflicting`);
  }
}

interface ReportCliOpts {
  out: string;
  x?: string;
  series?: string;
  metrics?: string;
}

async function runReport(file: string, o: ReportCliOpts): Promise<void> {
  try {
    assertNotBeingWritten(file, "report");
  } catch (e) {
    throw asUsage(e);
  }
  const parsed = parseResults(readInput(file, "report"));
  if (parsed.records.length === 0) throw new UsageError(`${file}: no point records`);
  if (parsed.torn) say(`report: ${file}: partial last line left out`);
  // Several copies of a point (an unmerged concatenation): report each point once.
  const seen = new Set<string>();
  const records = parsed.records.filter((r) => {
    if (seen.has(r.id)) return false;
    seen.add(r.id);
    return true;
  });
  const metrics = o.metrics
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  try {
    const files = await writeReport(records, o.out, {
      ...(o.x !== undefined ? { x: o.x } : {}),
      ...(o.series !== undefined ? { series: o.series } : {}),
      ...(metrics !== undefined ? { metrics } : {}),
    });
    for (const n of files.notes) say(`report: ${n}`);
    process.stdout.write(`wrote ${files.csv} (${records.length} rows) and ${files.html} (${files.charts} charts)\n`);
  } catch (e) {
    throw asUsage(e);
  }
}

export function register(program: Command): void {
  program
    .command("merge")
    .description("merge results files (shards, resumed runs) into one, reporting missing and duplicate points")
    .argument("<files...>", "results files (JSONL)")
    .requiredOption("--out <file>", "merged results file (sorted by point index)")
    .option("--strict", "exit 1 when points are missing or copies of a point disagree")
    .action(action(async (files: string[], o: { out: string; strict?: boolean }) => runMerge(files, o)));

  program
    .command("report")
    .description("write results.csv and index.html (SVG charts with CIs over replications) for a results file")
    .argument("<results>", "results file (JSONL)")
    .requiredOption("--out <dir>", "output directory")
    .option("--x <axis>", "axis on the x axis (default: the first axis with several values)")
    .option("--series <axis>", "axis with one line per value (default: the next one)")
    .option("--metrics <list>", "comma-separated metrics to chart (default: all kept metrics)")
    .action(action(runReport));
}
