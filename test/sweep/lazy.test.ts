// A real sweep plans as it runs: the points are resolved as the workers take them (a bounded
// number ahead), so a million-point sweep writes its first record after resolving a handful of
// points, its totals are counted rather than enumerated, a resume skips what the results file
// holds without a list of every point, and a point that cannot run ends the sweep where it is
// reached, keeping what finished before it.

import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  outlineSweep,
  planSweep,
  sweep,
  type PointRecord,
  type SweepOutline,
  type SweepPoint,
} from "../../dist/src/sweep/index.js";
import { CLI, cleanEnv, cli, lines, readRecords, tmp } from "./helpers.js";

/** 100 coalescing counts x `reps` replications of a 0.01 ms point. */
const spec = (reps: number) => ({
  name: `lazy-${reps}`,
  base: "single-guest",
  set: { durationMs: 0.01, warmupMs: 0, "netback.coalesce.timeUs": 50 },
  axes: [{ path: "netback.coalesce.count", values: { from: 1, to: 100, step: 1 } }],
  replications: reps,
  metrics: ["throughput.aggregateGbps"],
});

/** The outline, with a count of the points its generators have yielded. */
function counted(o: SweepOutline): { outline: SweepOutline; yielded: () => number } {
  let n = 0;
  const points = function* (): Generator<SweepPoint, void, undefined> {
    for (const p of o.points()) {
      n++;
      yield p;
    }
  };
  return { outline: { ...o, points }, yielded: () => n };
}

/** Starts the CLI; resolves once `file` has `n` lines, then stops it with `signal`. */
async function runUntilLines(args: string[], file: string, n: number, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(), stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
  const exit = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
  let exited = false;
  void exit.then(() => (exited = true));
  for (;;) {
    let have = 0;
    try {
      have = lines(file).length;
    } catch {}
    if (have >= n || exited) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill(signal);
  return { code: await exit, stderr: () => stderr };
}

describe("sweep() resolves points as the workers take them", () => {
  it("the first record of a million-point sweep comes after a few points were resolved, as for 100", async () => {
    const workers = 2;
    const firstRecordAfter = async (reps: number): Promise<{ yielded: number; rec: PointRecord }> => {
      const c = counted(outlineSweep(spec(reps)));
      let rec: PointRecord | undefined;
      for await (const r of sweep(c.outline, { workers })) {
        rec = r;
        break;
      }
      return { yielded: c.yielded(), rec: rec! };
    };
    const small = await firstRecordAfter(1);
    const big = await firstRecordAfter(10000);
    // One point for the metric probe, two per worker ahead, one more per finished point.
    expect(big.yielded).toBeLessThanOrEqual(1 + 3 * workers);
    expect(small.yielded).toBeLessThanOrEqual(1 + 3 * workers);
    expect(big.rec.of).toBe(1_000_000);
    expect(big.rec.sweep).toBe(outlineSweep(spec(10000)).sweepId);
    expect(big.rec.state).toBe("completed");
  });

  it("the outline's sweep id is the full plan's, and does not depend on the spec's wording", () => {
    const listed = { ...spec(2), axes: { "netback.coalesce.count": [1, 2, 3] } };
    const ranged = {
      ...spec(2),
      axes: [{ path: "netback.coalesce.count", values: { from: 1, to: 3, step: 1 }, name: "count" }],
    };
    expect(outlineSweep(listed).sweepId).toBe(planSweep(listed).sweepId);
    expect(outlineSweep(ranged).sweepId).toBe(planSweep(listed).sweepId);
    expect(outlineSweep({ ...listed, replications: 3 }).sweepId).not.toBe(planSweep(listed).sweepId);
  });

  it("a point that cannot run ends the sweep where it is reached, after the points before it", async () => {
    // Coalescing counts above 1 need a timer: the second setting of the axis cannot run.
    const bad = { ...spec(3), set: { durationMs: 0.01, warmupMs: 0 }, axes: { "netback.coalesce.count": [1, 2] } };
    const recs: PointRecord[] = [];
    const err = await (async () => {
      for await (const r of sweep(bad, { workers: 1 })) recs.push(r);
    })().then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/^spec point \{"netback\.coalesce\.count":2\}: netback\.coalesce\.timeUs: 0 /);
    expect(recs.map((r) => r.index).sort()).toEqual([0, 1, 2]);

    const dir = tmp("lazy-bad");
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify(bad));
    const out = join(dir, "r.jsonl");
    const r = cli(["sweep", file, "--out", out, "--workers", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`sweep: stopped at a point that cannot run; 3 finished points are in ${out}`);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^pvnetsim: error: spec point \{"netback\.coalesce\.count":2\}/);
    expect(
      readRecords(out)
        .map((x) => x.index)
        .sort(),
    ).toEqual([0, 1, 2]);
  });
});

describe("pvnetsim sweep of a million points", () => {
  it("runs at once with counted totals; a resume skips the points on file and counts what is left", async () => {
    const dir = tmp("lazy-cli");
    const file = join(dir, "million.json");
    writeFileSync(file, JSON.stringify(spec(10000)));
    const out = join(dir, "r.jsonl");
    const first = await runUntilLines(["sweep", file, "--out", out, "--workers", "2"], out, 3, "SIGINT");
    expect(first.code, first.stderr()).toBe(130);
    expect(first.stderr()).toMatch(/^sweep lazy-10000: 1000000 points \(netback\.coalesce\.count x100; 10000 rep/);
    expect(first.stderr()).toContain(`running 1000000 points on 2 workers -> ${out}`);
    expect(first.stderr()).toMatch(/sweep: stopped by SIGINT after \d+ of 1000000 points/);
    const have = readRecords(out);
    const k = new Set(have.map((x) => x.id)).size;
    expect(k).toBeGreaterThanOrEqual(3);

    const again = await runUntilLines(
      ["sweep", file, "--out", out, "--resume", "--workers", "2"],
      out,
      k + 2,
      "SIGINT",
    );
    expect(again.code, again.stderr()).toBe(130);
    expect(again.stderr()).toContain(`resume: ${k} of 1000000 points already in ${out}, ${1_000_000 - k} to run`);
    const all = readRecords(out);
    // Each point once: the resumed run skipped the ones on file.
    expect(new Set(all.map((x) => x.id)).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(k + 2);
  });
});
