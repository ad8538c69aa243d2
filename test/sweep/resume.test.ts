// Crash safety: a sweep killed with SIGKILL (even mid-line) or stopped with Ctrl-C resumes with
// --resume to exactly the points of an uninterrupted run, each once. Also the library iterator.
import { describe, it, expect, beforeAll } from "vitest";
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sweep, planSweep, type PointRecord } from "../../dist/src/sweep/index.js";
import { byId, cli, cliSpawn, lines, readRecords, tmp } from "./helpers.js";

const SPEC = {
  name: "resume",
  base: "paper-baseline",
  set: { durationMs: 150, warmupMs: 10 }, // long enough that a kill lands mid-sweep
  axes: { "nic.itr.fixedIntsPerSec": [4000, 8000, 16000, 32000], "netback.coalesce.count": [1, 2, 4, 8] },
  replications: 1,
  metrics: ["throughput.aggregateGbps", "summary.dom0CpuMax", "derived.notificationsPerPacket"],
};
const N = 16;

let dir: string;
let specFile: string;
let reference: Map<string, string>;

/** Waits until `file` has at least `n` complete lines (or the process exits). */
async function waitForLines(file: string, n: number, exited: () => boolean): Promise<number> {
  for (;;) {
    const have = existsSync(file) ? lines(file).length : 0;
    if (have >= n || exited()) return have;
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(() => {
  dir = tmp("resume");
  specFile = join(dir, "spec.json");
  const spec = { ...SPEC, set: { ...SPEC.set, "nic.itr.mode": "fixed", "netback.coalesce.timeUs": 50 } };
  writeFileSync(specFile, JSON.stringify(spec, null, 2));
  const ref = join(dir, "reference.jsonl");
  const r = cli(["sweep", specFile, "--out", ref, "--workers", "2"]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr.split("\n")[0]).toMatch(/^sweep resume: 16 points/);
  reference = byId(readRecords(ref));
  expect(reference.size).toBe(N);
});

describe("resume", () => {
  it("SIGKILL mid-sweep (and a torn last line), then --resume: exactly the uninterrupted points, each once", async () => {
    const out = join(dir, "killed.jsonl");
    const child = cliSpawn(["sweep", specFile, "--out", out, "--workers", "1"]);
    let exited = false;
    const gone = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_code, sig) => r(sig)));
    void gone.then(() => (exited = true));
    const seen = await waitForLines(out, 4, () => exited);
    child.kill("SIGKILL");
    expect(await gone).toBe("SIGKILL");
    expect(seen).toBeGreaterThanOrEqual(4);
    const before = lines(out).length;
    expect(before, "the sweep finished before it could be killed; make points longer").toBeLessThan(N);
    // A kill in the middle of a write leaves a partial line; resume must drop it, not keep or duplicate it.
    const partial = lines(out)[0]!.slice(0, 120);
    appendFileSync(out, partial);

    const r = cli(["sweep", specFile, "--out", out, "--resume", "--workers", "2"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`resume: ${before} of ${N} points already in ${out}, ${N - before} to run; dropped a partial last line`);
    const recs = readRecords(out);
    expect(recs).toHaveLength(N);
    const got = byId(recs); // throws on a duplicate
    expect([...got.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [id, content] of got) expect(content).toBe(reference.get(id));
    expect(readFileSync(out, "utf8").endsWith("\n")).toBe(true);

    // Resuming a complete file runs nothing and writes nothing.
    const size = statSync(out).size;
    const again = cli(["sweep", specFile, "--out", out, "--resume"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("nothing to run");
    expect(statSync(out).size).toBe(size);
  });

  it("Ctrl-C stops cleanly (exit 130, only whole points on disk); --resume finishes", async () => {
    const out = join(dir, "interrupted.jsonl");
    const child = cliSpawn(["sweep", specFile, "--out", out, "--workers", "2"]);
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    let exited = false;
    void done.then(() => (exited = true));
    await waitForLines(out, 2, () => exited);
    child.kill("SIGINT");
    const code = await done;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/stopped by SIGINT after \d+ of 16 points/);
    const partial = readRecords(out);
    expect(partial.length).toBeLessThan(N);
    expect(readFileSync(out, "utf8").endsWith("\n")).toBe(true);
    const r = cli(["sweep", specFile, "--out", out, "--resume"]);
    expect(r.code, r.stderr).toBe(0);
    const got = byId(readRecords(out));
    expect([...got.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [id, content] of got) expect(content).toBe(reference.get(id));
  });

  it("one writer per results file: a live run's lock refuses a second sweep; a dead run's lock is taken over", async () => {
    const out = join(dir, "locked.jsonl");
    // Longer points, so that the first run is still going when the second starts.
    const slow = join(dir, "slow.json");
    writeFileSync(slow, JSON.stringify({ name: "slow", base: "paper-baseline", set: { durationMs: 3000, warmupMs: 10 }, seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], metrics: ["throughput.aggregateGbps"] }));
    const child = cliSpawn(["sweep", slow, "--out", out, "--workers", "1"]);
    const gone = new Promise((r) => child.on("exit", r));
    let exited = false;
    void gone.then(() => (exited = true));
    await waitForLines(out, 1, () => exited);
    // Freeze the first run (it keeps its lock and stays alive) so that the check does not depend
    // on how fast the remaining points simulate.
    expect(exited).toBe(false);
    child.kill("SIGSTOP");
    const second = cli(["sweep", slow, "--out", out, "--resume"]);
    expect(second.code).toBe(2);
    expect(second.stderr.trim()).toMatch(new RegExp(`^pvnetsim: error: .*locked\\.jsonl is being written by another sweep \\(pid ${child.pid}, since .*\\); wait for it, or remove .*locked\\.jsonl\\.lock if that run is gone$`));
    child.kill("SIGKILL");
    await gone;
    expect(existsSync(`${out}.lock`)).toBe(true);
    const r = cli(["sweep", slow, "--out", out, "--resume"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`removed the stale lock of pid ${child.pid}`);
    expect(existsSync(`${out}.lock`)).toBe(false);
    expect(byId(readRecords(out)).size).toBe(12);
  });

  it("refuses to append to an existing results file without --resume", () => {
    const r = cli(["sweep", specFile, "--out", join(dir, "reference.jsonl")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^pvnetsim: error: .*reference\.jsonl: already holds results; pass --resume/);
  });
});

describe("library API", () => {
  it("sweep() yields every point once with progress, and stops on abort", async () => {
    const plan = planSweep({ ...SPEC, set: { ...SPEC.set, "nic.itr.mode": "fixed", "netback.coalesce.timeUs": 50 } });
    const progress: number[] = [];
    const recs: PointRecord[] = [];
    for await (const r of sweep(plan, { workers: 2, onProgress: (p) => progress.push(p.done) })) recs.push(r);
    expect(recs).toHaveLength(N);
    expect(progress.at(-1)).toBe(N);
    const got = byId(recs);
    for (const [id, content] of got) expect(content).toBe(reference.get(id));

    const ctrl = new AbortController();
    const some: PointRecord[] = [];
    for await (const r of sweep(plan, { workers: 1, signal: ctrl.signal })) {
      some.push(r);
      if (some.length === 2) ctrl.abort();
    }
    expect(some.length).toBeGreaterThanOrEqual(2);
    expect(some.length).toBeLessThan(N);

    // skip + shard: what is left of shard 1/3.
    const rest: PointRecord[] = [];
    for await (const r of sweep(plan, { workers: 2, shard: { index: 1, count: 3, source: "test" }, skip: [plan.points[1]!.id] })) rest.push(r);
    expect(rest.map((r) => r.index).sort((a, b) => a - b)).toEqual([4, 7, 10, 13]);
  });
});
