// Every sweep point has a wall-time limit: a point past it is stopped (its worker terminated, so
// even a run stuck inside one chunk ends), recorded as errored with the reason, and the sweep goes on.

import { expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, readRecords, tmp } from "./helpers.js";

it("--point-timeout stops a long point and records why; the other points complete", () => {
  const dir = tmp("timeout");
  const spec = join(dir, "spec.json");
  writeFileSync(
    spec,
    JSON.stringify({
      name: "timeout",
      base: "single-guest",
      set: { warmupMs: 1 },
      axes: { durationMs: [3600000, 1, 2] },
      metrics: ["throughput.aggregateGbps"],
    }),
  );
  const out = join(dir, "out.jsonl");
  const r = cli(["sweep", spec, "--out", out, "--workers", "1", "--point-timeout", "20"]);
  expect(r.code, r.stderr).toBe(1);
  const recs = readRecords(out).sort((a, b) => a.index - b.index);
  expect(recs.map((x) => x.state)).toEqual(["errored", "completed", "completed"]);
  expect(recs[0]!.error).toBe("stopped after the time limit of 20 s per point (--point-timeout)");
  expect(recs[0]!.wallSeconds).toBeGreaterThanOrEqual(20);
  expect(recs[0]!.wallSeconds).toBeLessThan(60);
  const bad = cli(["sweep", spec, "--out", join(dir, "x.jsonl"), "--point-timeout", "-1"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr.trim()).toBe(
    'pvnetsim: error: --point-timeout: "-1" is not allowed; expected seconds from 0 (no limit) to 2000000',
  );
});
