// Replications until the interval is tight (`sweep --until-ci REL`): stages of replications per
// point, stopping each point at the first stage whose 95% CI half-width is within REL of the
// mean (or at --max-reps); the same runs whatever the workers, and a resumed sweep ends with the
// same records as an uninterrupted one.
import { beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { nextStage, parseRel, planSweep, planUntilCi, stages, type PointRecord } from "../../dist/src/sweep/index.js";
import { summarize } from "../../dist/src/reproduce/stats.js";
import { byId, cli, lines, readRecords, tmp } from "./helpers.js";

const SPEC = {
  name: "until-ci",
  base: "single-guest",
  set: { durationMs: 8, warmupMs: 2, "netback.coalesce.timeUs": 50 },
  axes: { "netback.coalesce.count": [1, 8] },
  replications: 3,
  metrics: ["throughput.aggregateGbps", "latency.p99Us"],
};

describe("stages and the decision", () => {
  it("checks the interval after the first stage and about 1.5x more replications each time, up to the cap", () => {
    expect(stages({ firstReps: 3, maxReps: 30 })).toEqual([3, 5, 8, 12, 18, 27, 30]);
    expect(stages({ firstReps: 4, maxReps: 4 })).toEqual([4]);
    expect(stages({ firstReps: 3, maxReps: 4 })).toEqual([3, 4]);
  });

  it("REL is a fraction or a percentage; anything else is one clear error", () => {
    expect(parseRel("0.02")).toBe(0.02);
    expect(parseRel("2%")).toBeCloseTo(0.02, 15);
    for (const bad of ["0", "1", "-0.1", "abc", "", "%", "150%"]) {
      expect(() => parseRel(bad)).toThrow(/^--until-ci: ".*" is not allowed; expected a fraction of the mean/);
    }
  });

  it("plans every replication a point may get, with the plain sweep's seeds and ids", () => {
    const { plan, ci } = planUntilCi(SPEC, { rel: 0.01, maxReps: 7 });
    expect(ci).toEqual({ rel: 0.01, metric: "throughput.aggregateGbps", maxReps: 7, firstReps: 3 });
    expect(plan.points).toHaveLength(14);
    const plain = planSweep(SPEC);
    // The first replications are the plain sweep's points, identical ids and seeds.
    const first = plan.points.filter((p) => p.rep < 3).map((p) => [p.id, p.seed]);
    expect(first).toEqual(plain.points.map((p) => [p.id, p.seed]));
    expect(() => planUntilCi(SPEC, { rel: 0.01, metric: "latency.p50Us" })).toThrow(
      /^--metric: "latency.p50Us" is not allowed; expected one of the spec's metrics: throughput.aggregateGbps, latency.p99Us$/,
    );
    expect(() => planUntilCi(SPEC, { rel: 0.01, maxReps: 2 })).toThrow(
      /^--max-reps: 2 is not allowed; expected an integer from 3/,
    );
    const { replications: _r, ...noReps } = SPEC;
    expect(() => planUntilCi({ ...noReps, seeds: [1, 2, 3] }, { rel: 0.01 })).toThrow(
      /^spec.seeds: --until-ci derives/,
    );
  });

  it("stops a point whose interval is tight, adds the next stage to one whose interval is wide", () => {
    const { plan, ci } = planUntilCi(SPEC, { rel: 0.05, maxReps: 7 });
    const have = new Map<string, PointRecord>();
    const record = (i: number, v: number): void => {
      const p = plan.points[i]!;
      have.set(p.id, {
        id: p.id,
        index: i,
        rep: p.rep,
        state: "completed",
        metrics: { [ci.metric]: v },
      } as PointRecord);
    };
    // Nothing yet: the first stage of both points.
    expect(nextStage(plan, ci, have).todo.map((p) => p.index)).toEqual([0, 1, 2, 7, 8, 9]);
    [1.0, 1.01, 0.99].forEach((v, r) => record(r, v)); // +-2.5%: within 5%
    [1.0, 2.0, 0.5].forEach((v, r) => record(7 + r, v)); // wide
    const st = nextStage(plan, ci, have);
    expect(st.points.map((p) => [p.reps, p.met, p.done])).toEqual([
      [3, true, true],
      [3, false, false],
    ]);
    expect(st.points[0]!.halfWidth).toBeCloseTo(summarize([1, 1.01, 0.99]).ciHalfWidth!, 12);
    expect(st.todo.map((p) => p.index)).toEqual([10, 11]); // replications 3 and 4 of the second point
    // Still wide after 5: the last stage (the cap), then done without meeting the target.
    [3.0, 0.2].forEach((v, r) => record(10 + r, v));
    expect(nextStage(plan, ci, have).todo.map((p) => p.index)).toEqual([12, 13]);
    [1.0, 1.0].forEach((v, r) => record(12 + r, v));
    const end = nextStage(plan, ci, have);
    expect(end.todo).toEqual([]);
    expect(end.points[1]).toMatchObject({ reps: 7, n: 7, met: false, done: true });
  });
});

describe("pvnetsim sweep --until-ci", () => {
  let dir: string;
  let specFile: string;
  let reference: PointRecord[];
  let stderr: string;
  const REL = "0.3%";
  const MAX = 8;

  beforeAll(() => {
    dir = tmp("until-ci");
    specFile = join(dir, "spec.json");
    writeFileSync(specFile, JSON.stringify(SPEC));
    const out = join(dir, "ref.jsonl");
    const r = cli(["sweep", specFile, "--out", out, "--workers", "2", "--until-ci", REL, "--max-reps", String(MAX)]);
    expect(r.code, r.stderr).toBe(0);
    stderr = r.stderr;
    reference = readRecords(out);
  });

  it("each point stops at the first stage whose 95% CI is within REL of the mean, or at the cap", () => {
    expect(stderr.split("\n")[0]).toBe(
      "sweep until-ci: 2 points (netback.coalesce.count x2; 3 to 8 replications each, " +
        "until the 95% CI of throughput.aggregateGbps is within +-0.3% of the mean)",
    );
    const steps = stages({ firstReps: 3, maxReps: MAX });
    const rel = 0.003;
    let beyondFirst = 0;
    for (const c of [1, 8]) {
      const recs = reference.filter((r) => r.axes["netback.coalesce.count"] === c).sort((a, b) => a.rep - b.rep);
      const n = recs.length;
      expect(steps).toContain(n);
      expect(recs.map((r) => r.rep)).toEqual([...Array(n).keys()]);
      const values = recs.map((r) => r.metrics["throughput.aggregateGbps"]!);
      const within = (k: number): boolean => {
        const s = summarize(values.slice(0, k));
        return s.ciHalfWidth! <= rel * Math.abs(s.mean);
      };
      // Stopped where the rule says: met at n (or n is the cap), not met at any earlier stage.
      if (n < MAX) expect(within(n)).toBe(true);
      for (const k of steps.filter((s) => s < n)) expect(within(k), `coalesce ${c} at ${k}`).toBe(false);
      if (n > 3) beyondFirst++;
    }
    expect(beyondFirst).toBeGreaterThan(0); // the test exercises more than one stage
    expect(stderr).toMatch(
      /^until-ci: \d of 2 points have a 95% CI of throughput.aggregateGbps within \+-0.3% of the mean/m,
    );
    expect(stderr).toMatch(/^sweep: done, \d+ runs in /m);
  });

  it("runs the same replications with one worker, and a resumed sweep ends with the same records", () => {
    const one = join(dir, "one.jsonl");
    const r = cli(["sweep", specFile, "--out", one, "--workers", "1", "--until-ci", REL, "--max-reps", String(MAX)]);
    expect(r.code, r.stderr).toBe(0);
    expect(byId(readRecords(one))).toEqual(byId(reference));
    // Interrupted after the first stage and one more run: --resume goes on from there.
    const part = join(dir, "part.jsonl");
    const ref = lines(join(dir, "ref.jsonl"));
    writeFileSync(part, ref.slice(0, 7).join("\n") + "\n");
    const again = cli(["sweep", specFile, "--out", part, "--resume", "--until-ci", REL, "--max-reps", String(MAX)]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^resume: 7 runs already in .*part\.jsonl; the next stage has \d+ to run$/m);
    expect(byId(readRecords(part))).toEqual(byId(reference));
    // Nothing left: a second resume runs nothing.
    const done = cli(["sweep", specFile, "--out", part, "--resume", "--until-ci", REL, "--max-reps", String(MAX)]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/sweep: nothing to run; .* has every run the intervals need/);
  });

  it("bad options get one line naming the option", () => {
    for (const [args, pattern] of [
      [["--until-ci", "2"], /^pvnetsim: error: --until-ci: "2" is not allowed/],
      [["--until-ci", "1%", "--metric", "derived.nope"], /^pvnetsim: error: --metric: "derived.nope" is not allowed/],
      [["--until-ci", "1%", "--max-reps", "2"], /^pvnetsim: error: --max-reps: 2 is not allowed/],
      [["--max-reps", "5"], /^pvnetsim: error: --max-reps: only allowed with --until-ci REL/],
      [["--until-ci", "1%", "--shard", "0/2"], /^pvnetsim: error: --until-ci: not allowed with a shard/],
    ] as const) {
      const r = cli(["sweep", specFile, "--out", join(dir, "bad.jsonl"), ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
  });
});
