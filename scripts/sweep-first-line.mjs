#!/usr/bin/env node
// How soon a real sweep writes its first result, and how much memory it holds by then, for sweeps
// of different sizes: a sweep's planning streams, so both should not depend on the point count.
//
// For each size (default 1e4 and 1e6 points: 100 coalescing counts x N/100 replications of a
// 0.01 ms point) it starts `pvnetsim sweep` on a fresh results file, waits for the first complete
// line, reads the process's peak resident set (VmHWM, workers included: they are threads of it)
// and kills the sweep. Linux only (/proc).
//
//   node scripts/sweep-first-line.mjs [--points 10000,1000000] [--workers 2] [--reps 1] [--cli FILE]
// (build first: npm run build; --cli runs another build's dist/src/cli/main.js, to compare)

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { opt, root } from "./args.mjs";

const sizes = opt("--points", "10000,1000000").split(",").map(Number);
const workers = opt("--workers", "2");
const reps = Number(opt("--reps", "1"));
const cli = opt("--cli", join(root, "dist/src/cli/main.js"));
if (!existsSync(cli)) throw new Error(`${cli} is missing; run npm run build first`);

/** Peak resident set of a process, KiB (0 when it is gone). */
function peakKiB(pid) {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Whether the file holds a complete line. */
function hasLine(file) {
  if (!existsSync(file) || statSync(file).size === 0) return false;
  return readFileSync(file, "utf8").includes("\n");
}

async function firstLine(points) {
  if (!Number.isInteger(points) || points < 100 || points % 100 !== 0) {
    throw new Error(`--points: ${points} is not allowed; expected multiples of 100 (100 coalescing counts)`);
  }
  const dir = mkdtempSync(join(tmpdir(), "pvnetsim-first-line-"));
  const spec = join(dir, "spec.json");
  const out = join(dir, "r.jsonl");
  writeFileSync(
    spec,
    JSON.stringify({
      name: `first-line-${points}`,
      base: "single-guest",
      set: { durationMs: 0.01, warmupMs: 0, "netback.coalesce.timeUs": 50 },
      axes: [{ path: "netback.coalesce.count", values: { from: 1, to: 100, step: 1 } }],
      replications: points / 100,
      metrics: ["throughput.aggregateGbps"],
    }),
  );
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, "sweep", spec, "--out", out, "--workers", workers], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (b) => {
    stderr += b.toString();
  });
  let exited = false;
  const gone = new Promise((r) => child.on("exit", r)).then(() => (exited = true));
  let peak = 0;
  let firstStderr = null;
  while (!hasLine(out) && !exited) {
    peak = Math.max(peak, peakKiB(child.pid));
    if (firstStderr === null && stderr.includes("\n")) firstStderr = (performance.now() - t0) / 1e3;
    await new Promise((r) => setTimeout(r, 2));
  }
  const seconds = (performance.now() - t0) / 1e3;
  peak = Math.max(peak, peakKiB(child.pid));
  const ok = hasLine(out);
  child.kill("SIGKILL");
  await gone;
  rmSync(dir, { recursive: true, force: true });
  if (!ok) throw new Error(`the sweep of ${points} points ended without a result: ${stderr.trim()}`);
  return { seconds, firstStderr: firstStderr ?? seconds, peakMiB: peak / 1024 };
}

const rows = [];
for (let r = 0; r < reps; r++) {
  for (const n of sizes) {
    const m = await firstLine(n);
    rows.push({ n, ...m });
    console.log(
      `${n} points: first stderr line after ${m.firstStderr.toFixed(2)} s, first result line after ` +
        `${m.seconds.toFixed(2)} s; peak RSS by then ${m.peakMiB.toFixed(0)} MiB`,
    );
  }
}
if (sizes.length > 1) {
  const of = (n, k) => Math.max(...rows.filter((x) => x.n === n).map((x) => x[k]));
  const [a, b] = [sizes[0], sizes.at(-1)];
  console.log(
    `${b} vs ${a} points: first result line ${(of(b, "seconds") / of(a, "seconds")).toFixed(2)}x, ` +
      `peak RSS ${(of(b, "peakMiB") / of(a, "peakMiB")).toFixed(2)}x (worst of ${reps} each)`,
  );
}
