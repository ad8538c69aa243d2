// Merge (missing, duplicate and conflicting points) and reports (CSV + HTML with SVG charts).
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, lines, tmp } from "./helpers.js";

let dir = "";
let full = "";

beforeAll(() => {
  dir = tmp("merge");
  const spec = join(dir, "spec.json");
  writeFileSync(
    spec,
    JSON.stringify({
      name: "mr",
      base: "single-guest",
      set: { durationMs: 20, warmupMs: 10, "nic.itr.mode": "fixed" },
      axes: [
        { path: "nic.itr.fixedIntsPerSec", values: [5000, 20000, 80000] },
        { name: "lro", cases: [{ label: "off", set: {} }, { label: "on", set: { "netfront.lro.enabled": true } }] },
      ],
      replications: 3,
      metrics: ["throughput.aggregateGbps", "derived.notificationsPerPacket"],
    }),
  );
  full = join(dir, "full.jsonl");
  const r = cli(["sweep", spec, "--out", full, "--workers", "2"]);
  expect(r.code, r.stderr).toBe(0);
});

describe("merge", () => {
  it("reports missing and duplicate points, keeps one copy of each", () => {
    const all = lines(full);
    expect(all).toHaveLength(18);
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    writeFileSync(a, all.slice(0, 10).join("\n") + "\n");
    writeFileSync(b, all.slice(8, 15).join("\n") + "\n" + all[16]!.slice(0, 50)); // torn last line
    const out = join(dir, "m.jsonl");
    const r = cli(["merge", a, b, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`merge: 15 points of 18 from 2 files -> ${out}; missing 3, duplicates 2, errored 0`);
    expect(r.stderr).toMatch(/merge: missing points: #\d+, #\d+, #\d+/);
    expect(r.stderr).toContain("partial last line left out");
    expect(lines(out)).toHaveLength(15);
    const strict = cli(["merge", a, b, "--out", out, "--strict"]);
    expect(strict.code).toBe(1);
  });

  it("refuses to mix different sweeps", () => {
    const other = join(dir, "other.jsonl");
    const rec = JSON.parse(lines(full)[0]!) as Record<string, unknown>;
    writeFileSync(other, JSON.stringify({ ...rec, sweep: "0000000000000000", id: "ffffffffffffffff" }) + "\n");
    const r = cli(["merge", full, other, "--out", join(dir, "x.jsonl")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^pvnetsim: error: inputs belong to 2 different sweeps/);
  });
});

describe("report", () => {
  it("writes one CSV row per point and an HTML page of SVG charts with CIs", () => {
    const out = join(dir, "report");
    const r = cli(["report", full, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("(18 rows)");
    expect(r.stdout).toContain("(2 charts)");
    const csv = readFileSync(join(out, "results.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(19);
    expect(csv[0]).toBe("index,id,rep,seed,state,error,nic.itr.fixedIntsPerSec,lro,throughput.aggregateGbps,derived.notificationsPerPacket,wallSeconds");
    const html = readFileSync(join(out, "index.html"), "utf8");
    // The main-effects heat map and one chart per metric.
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(html).toContain("one colour per lro (lines)");
    expect(html).toContain("n = 3 per point: mean and 95% CI");
    expect(html).toContain("nic.itr.fixedIntsPerSec (interrupts/s)");
    expect(html).toContain("<h2>Main effects</h2>");
    const long = readFileSync(join(out, "results-long.csv"), "utf8").trim().split("\n");
    expect(long[0]).toBe("index,id,rep,seed,nic.itr.fixedIntsPerSec,lro,metric,value,unit");
    expect(long).toHaveLength(1 + 18 * 2);
    expect(long[1]).toMatch(/^0,[0-9a-f]{16},0,\d+,5000,off,throughput\.aggregateGbps,[0-9.]+,Gb\/s$/);
    const bad = cli(["report", full, "--out", out, "--x", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('pvnetsim: error: --x: "nope" is not an axis of the results; they have: nic.itr.fixedIntsPerSec, lro');
  });
});

describe("failing points", () => {
  it("a point that throws or kills its worker is recorded as errored and the sweep goes on", () => {
    const d = tmp("fail");
    const spec = join(d, "spec.json");
    writeFileSync(spec, JSON.stringify({ name: "fail", base: "single-guest", set: { durationMs: 20, warmupMs: 10 }, seeds: [11, 12, 13, 14, 15], metrics: ["throughput.aggregateGbps"] }));
    const out = join(d, "r.jsonl");
    const r = cli(["sweep", spec, "--out", out, "--workers", "2"], { PVNETSIM_SWEEP_INJECT_FAILURE: "12", PVNETSIM_SWEEP_INJECT_CRASH: "14" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toBe(`pvnetsim: error: 2 points failed; their errors are recorded in ${out} (state "errored")`);
    const recs = lines(out).map((l) => JSON.parse(l) as { seed: number; state: string; error?: string; metrics: Record<string, unknown> });
    expect(recs).toHaveLength(5);
    const bySeed = new Map(recs.map((x) => [x.seed, x]));
    expect(bySeed.get(12)).toMatchObject({ state: "errored", error: "Error: injected failure (PVNETSIM_SWEEP_INJECT_FAILURE=12)" });
    expect(bySeed.get(14)).toMatchObject({ state: "errored", error: "worker died: exit code 3" });
    for (const s of [11, 13, 15]) expect(bySeed.get(s)!.state).toBe("completed");
    // Errored points are results (deterministic): --resume does not run them again.
    const again = cli(["sweep", spec, "--out", out, "--resume"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("nothing to run");
  });
});
