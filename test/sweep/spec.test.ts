// Sweep specs: expansion (grid, zip, cases, replications), stable identities, shards, YAML = JSON,
// and bad input rejected with one clear line before anything runs.
import { describe, it, expect } from "vitest";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { planSweep, parseSpecText, SpecError, shardPoints, resolveShard, parseShard, deriveSeed } from "../../dist/src/sweep/index.js";
import { cli, tmp } from "./helpers.js";

const spec = {
  name: "t",
  base: "single-guest",
  set: { durationMs: 20, warmupMs: 10 },
  axes: [
    { path: "nic.itr.fixedIntsPerSec", values: [5000, 20000] },
    { zip: [{ path: "dom0.vcpus", values: [1, 2] }, { path: "cpu.pcpus", values: [2, 3] }] },
    { name: "variant", cases: [{ label: "stock", set: {} }, { label: "lro", set: { "netfront.lro.enabled": true } }] },
  ],
  replications: 3,
  metrics: ["throughput.aggregateGbps"],
};

describe("planSweep", () => {
  it("expands grid x zip x cases x replications, first axis outermost, replications innermost", () => {
    const p = planSweep(spec);
    expect(p.points).toHaveLength(2 * 2 * 2 * 3);
    expect(p.axes.map((a) => [a.name, a.kind, a.labels.length])).toEqual([
      ["nic.itr.fixedIntsPerSec", "param", 2],
      ["dom0.vcpus+cpu.pcpus", "zip", 2],
      ["variant", "cases", 2],
    ]);
    const p0 = p.points[0]!;
    expect(p0.axes).toEqual({ "nic.itr.fixedIntsPerSec": 5000, "dom0.vcpus+cpu.pcpus": { "dom0.vcpus": 1, "cpu.pcpus": 2 }, variant: "stock" });
    expect(p.points.slice(0, 3).map((x) => x.rep)).toEqual([0, 1, 2]);
    expect(p.points[3]!.axes.variant).toBe("lro");
    expect(p.points[3]!.config.netfront.lro.enabled).toBe(true);
    expect(p.points.at(-1)!.config.nic.itr.fixedIntsPerSec).toBe(20000);
    expect(p.points.at(-1)!.config.dom0.vcpus).toBe(2);
    // Replication 0 keeps the base seed; later seeds are derived and differ.
    expect(p.points.slice(0, 3).map((x) => x.seed)).toEqual([1, deriveSeed(1, 1), deriveSeed(1, 2)]);
    expect(new Set(p.points.slice(0, 3).map((x) => x.seed)).size).toBe(3);
    expect(new Set(p.points.map((x) => x.id)).size).toBe(p.points.length);
  });

  it("gives the same identities for the same resolved configs, whatever the spec's wording", () => {
    const a = planSweep(spec);
    const b = planSweep(JSON.parse(JSON.stringify(spec)));
    expect(b.points.map((x) => x.id)).toEqual(a.points.map((x) => x.id));
    expect(b.sweepId).toBe(a.sweepId);
    // The same point written another way (a range instead of a list, a map of axes) has the same id.
    const c = planSweep({ base: "single-guest", set: { durationMs: 20, warmupMs: 10 }, axes: { "nic.itr.fixedIntsPerSec": { from: 5000, to: 20000, step: 15000 } } });
    const d = planSweep({ base: "single-guest", set: { warmupMs: 10, durationMs: 20 }, axes: [{ path: "nic.itr.fixedIntsPerSec", values: [5000, 20000], name: "itr" }] });
    expect(c.points.map((x) => x.id)).toEqual(d.points.map((x) => x.id));
  });

  it("parses YAML to the same plan as JSON", () => {
    const yaml = `
name: t
base: single-guest
set: { durationMs: 20, warmupMs: 10 }
axes:
  - path: nic.itr.fixedIntsPerSec
    values: [5000, 20000]
  - zip:
      - { path: dom0.vcpus, values: [1, 2] }
      - { path: cpu.pcpus, values: [2, 3] }
  - name: variant
    cases:
      - { label: stock, set: {} }
      - label: lro
        set: { netfront.lro.enabled: true }
replications: 3
metrics: [throughput.aggregateGbps]
`;
    expect(planSweep(parseSpecText(yaml, "s.yaml")).sweepId).toBe(planSweep(spec).sweepId);
    expect(() => parseSpecText("axes: [1, 2", "s.yaml")).toThrow(SpecError);
  });

  it("splits into shards whose union is the sweep, each point once", () => {
    const p = planSweep(spec);
    const all = [0, 1, 2, 3, 4].flatMap((i) => shardPoints(p, { index: i, count: 5, source: "t" }).map((x) => x.index));
    expect(all.sort((a, b) => a - b)).toEqual(p.points.map((x) => x.index));
    expect(resolveShard(undefined, { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "4" })).toMatchObject({ index: 3, count: 4 });
    expect(resolveShard(undefined, { SLURM_ARRAY_TASK_ID: "12", SLURM_ARRAY_TASK_COUNT: "4", SLURM_ARRAY_TASK_MIN: "10" })).toMatchObject({ index: 2, count: 4 });
    expect(resolveShard(undefined, { JOB_COMPLETION_INDEX: "1", PVNETSIM_SHARD_COUNT: "8" })).toMatchObject({ index: 1, count: 8, source: "JOB_COMPLETION_INDEX" });
    expect(resolveShard("0/2", { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "4" })).toMatchObject({ index: 0, count: 2 });
    expect(resolveShard(undefined, {})).toBeNull();
    expect(() => parseShard("4/4")).toThrow(/0 <= i < n/);
    expect(() => resolveShard(undefined, { JOB_COMPLETION_INDEX: "1" })).toThrow(/PVNETSIM_SHARD_COUNT/);
  });

  it("rejects bad specs with one line naming the place, the value and what is allowed", () => {
    const bad = (s: unknown): string => {
      try {
        planSweep(s);
      } catch (e) {
        expect(e).toBeInstanceOf(SpecError);
        const m = (e as Error).message;
        expect(m).not.toContain("\n");
        return m;
      }
      throw new Error("accepted");
    };
    expect(bad({ axes: [{ path: "nic.itr.mdoe", values: ["fixed"] }] })).toMatch(/^spec\.axes\[0\]\.path: "nic\.itr\.mdoe" is not a parameter path \(did you mean "nic\.itr\.mode"\?\)/);
    expect(bad({ axes: [{ path: "nic.itr.mode", values: ["fixed", "fast"] }] })).toMatch(/^spec\.axes\[0\]\.values\[1\]: nic\.itr\.mode: "fast" is not allowed; expected one of "dynamic-conservative", "fixed", "off"/);
    expect(bad({ axes: { "dom0.vcpus": [1, 0] } })).toMatch(/^spec\.axes\[0\]\.values\[1\]: dom0\.vcpus: 0 is not allowed; expected an integer >= 1/);
    expect(bad({ axes: [{ zip: [{ path: "dom0.vcpus", values: [1, 2] }, { path: "cpu.pcpus", values: [8] }] }] })).toMatch(/zipped lists must have equal lengths/);
    expect(bad({ base: "paper-baseline", axes: { "dom0.capPercent": [0, 500] } })).toMatch(/^spec point \{"dom0\.capPercent":500\}: dom0\.capPercent: 500 is not allowed; expected a cap from 0 \(none\) to 400 %/);
    expect(bad({ axes: { seed: [1, 2] } })).toMatch(/replications, seed or seeds/);
    expect(bad({ base: "paper-base" })).toMatch(/^spec\.base: "paper-base" is not allowed/);
    expect(bad({ metrics: ["thruput.aggregateGbps"] })).toMatch(/^spec\.metrics\[0\]/);
    expect(bad({ axes: [{ path: "dom0.vcpus", values: [1, 1] }] })).toMatch(/appears twice/);
    expect(bad({ axis: [] })).toMatch(/^spec\.axis: unknown field/);
    // An axis value that changes nothing would make two identical points.
    expect(bad({ base: "paper-baseline", axes: { "netback.groups": [0, 4] } })).toMatch(/same simulation/);
  });

  it("CLI: a bad axis path or value gets one error line, exit 2, before anything runs", () => {
    const dir = tmp("spec");
    const out = join(dir, "r.jsonl");
    for (const [text, re] of [
      [`axes:\n  - path: nic.itr.moed\n    values: [fixed]\n`, /^pvnetsim: error: spec\.axes\[0\]\.path: "nic\.itr\.moed" is not a parameter path \(did you mean "nic\.itr\.mode"\?\); see `pvnetsim params`$/],
      [`axes:\n  nic.itr.mode: [fixed, sometimes]\n`, /^pvnetsim: error: spec\.axes\[0\]\.values\[1\]: nic\.itr\.mode: "sometimes" is not allowed; expected one of "dynamic-conservative", "fixed", "off"$/],
      [`metrics: [derived.notificationsPerPackt]\n`, /^pvnetsim: error: spec\.metrics\[0\]: "derived\.notificationsPerPackt" is not a numeric result field; derived\.\* has: .*notificationsPerPacket/],
    ] as const) {
      const f = join(dir, "bad.yaml");
      writeFileSync(f, text);
      const r = cli(["sweep", f, "--out", out]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(re);
      expect(existsSync(out)).toBe(false);
    }
    const r = cli(["sweep", join(dir, "bad.yaml"), "--out", out, "--shard", "2/2"]);
    expect(r.code).toBe(2);
  });

  it("CLI: prints the point count first (dry run lists the points)", () => {
    const dir = tmp("dry");
    const f = join(dir, "s.json");
    writeFileSync(f, JSON.stringify(spec));
    const r = cli(["sweep", f, "--out", join(dir, "r.jsonl"), "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stderr.split("\n")[0]).toBe("sweep t: 24 points (nic.itr.fixedIntsPerSec x2, dom0.vcpus+cpu.pcpus x2, variant x2; 3 replications)");
    expect(r.stdout.trim().split("\n")).toHaveLength(24);
  });
});
