// Sweep planning streams: a spec is validated up to its point count without resolving a point,
// the points come one at a time in sweep order (the same points, ids and sweep id as the full
// plan), and `sweep --dry-run` lists a million-point sweep as it plans it, so a reader that stops
// after a few lines (`| head`) ends the command with memory that did not grow with the sweep.

import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outlineSweep, planSweep } from "../../dist/src/sweep/index.js";
import { CLI, tmp } from "./helpers.js";

/** 100 coalescing counts x 10000 replications: a million points. */
const million = {
  name: "million",
  base: "paper-baseline",
  axes: [{ path: "netback.coalesce.count", values: { from: 1, to: 100, step: 1 } }],
  replications: 10000,
};

describe("outlineSweep", () => {
  it("counts a million points without resolving them, and resolves the first ones on demand", () => {
    const heap0 = process.memoryUsage().heapUsed;
    const o = outlineSweep(million);
    expect(o.count).toBe(1_000_000);
    const it = o.points();
    const first = [it.next().value, it.next().value, it.next().value];
    expect(first.map((p) => p?.index)).toEqual([0, 1, 2]);
    expect(first.map((p) => p?.rep)).toEqual([0, 1, 2]);
    expect(first[0]?.config.netback.coalesce.count).toBe(1);
    // The full plan of this spec holds a resolved configuration per point (gigabytes); the outline
    // and three points are a few megabytes at most.
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(64 * 2 ** 20);
  });

  it("yields the full plan's points in its order, and the plan carries the outline's sweep id", () => {
    const spec = {
      base: "single-guest",
      axes: [
        { path: "dom0.vcpus", values: [1, 2] },
        {
          name: "variant",
          cases: [
            { label: "stock", set: {} },
            { label: "lro", set: { "netfront.lro.enabled": true } },
          ],
        },
      ],
      replications: 3,
    };
    const streamed = [...outlineSweep(spec).points()];
    const plan = planSweep(spec);
    expect(streamed.map((p) => [p.index, p.id, p.rep, p.seed])).toEqual(
      plan.points.map((p) => [p.index, p.id, p.rep, p.seed]),
    );
    expect(plan.sweepId).toMatch(/^[0-9a-f]{16}$/);
    expect(plan.sweepId).toBe(outlineSweep(spec).sweepId);
  });

  it("a point that resolves to the same simulation as an earlier one is an error where it is reached", () => {
    const it = outlineSweep({ base: "paper-baseline", axes: { "netback.groups": [0, 4] } }).points();
    expect(it.next().value?.index).toBe(0);
    expect(() => it.next()).toThrow(/resolves to the same simulation as point/);
  });
});

describe("sweep --dry-run of a million points", () => {
  it("prints the first points at once and ends when the reader stops", async () => {
    const dir = tmp("stream");
    const file = join(dir, "million.json");
    writeFileSync(file, JSON.stringify(million));
    const child = spawn(process.execPath, [CLI, "sweep", file, "--out", join(dir, "r.jsonl"), "--dry-run"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    const lines: string[] = [];
    let buf = "";
    await new Promise<void>((done) => {
      child.stdout.on("data", (b: Buffer) => {
        buf += b.toString();
        const parts = buf.split("\n");
        buf = parts.pop()!;
        lines.push(...parts);
        if (lines.length >= 3) {
          child.stdout.destroy(); // the reader stops, as `| head -3` does
          done();
        }
      });
    });
    const code = await new Promise<number | null>((done) => child.on("exit", (c) => done(c)));
    expect(err).toMatch(/^sweep million: 1000000 points \(netback\.coalesce\.count x100; 10000 replications\)/);
    expect(lines[0]).toMatch(/^0\t[0-9a-f]{16}\trep 0\tseed 1\t\{"netback\.coalesce\.count":1\}$/);
    expect(lines[2]).toMatch(/^2\t[0-9a-f]{16}\trep 2\tseed \d+\t/);
    expect(code).toBe(0);
  });
});
