// One writer per results file, under contention: racing takeovers of a stale lock give exactly one
// owner, a takeover interrupted by a crash does not block the file, and merge/report refuse a file
// that a live sweep is writing (so nothing it writes is lost).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { byId, cli, cliSpawn, lines, readRecords, tmp } from "./helpers.js";

const CONTENDERS = 4;
const ROUNDS = 200;

interface Reply {
  won?: boolean;
  pid?: number;
  name?: string;
  error?: string;
  released?: boolean;
  ready?: boolean;
}

let dir: string;
let procs: ChildProcess[] = [];
/** A pid that has exited: a lock naming it is stale. */
let deadPid: number;

const next = (p: ChildProcess): Promise<Reply> => new Promise((r) => p.once("message", (m) => r(m as Reply)));

beforeAll(async () => {
  dir = tmp("lock");
  const gone = spawnSync(process.execPath, ["-e", ""]);
  deadPid = gone.pid!;
  const script = fileURLToPath(new URL("./lock-contender.mjs", import.meta.url));
  procs = Array.from({ length: CONTENDERS }, () => fork(script, [], { stdio: ["ignore", "ignore", "pipe", "ipc"] }));
  await Promise.all(procs.map(next));
});

afterAll(() => {
  for (const p of procs) p.kill();
});

const staleLock = (token: string): string => JSON.stringify({ pid: deadPid, host: hostname(), started: "2020-01-01T00:00:00.000Z", token }) + "\n";

describe("results-file lock under contention", () => {
  it(`${ROUNDS} racing takeovers of a stale lock by ${CONTENDERS} processes: exactly one owner each time`, async () => {
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const rdir = join(dir, `r${round}`);
      mkdirSync(rdir);
      const file = join(rdir, "x.jsonl");
      const token = round.toString(16).padStart(8, "0") + "deadbeef";
      writeFileSync(`${file}.lock`, staleLock(token));
      // Every fifth round a contender died holding the takeover right: it must pass on.
      if (round % 5 === 4) writeFileSync(`${file}.lock.takeover-${token}`, staleLock("0123456789abcdef"));
      const replies = await Promise.all(procs.map((p) => {
        const r = next(p);
        p.send({ cmd: "take", file });
        return r;
      }));
      const winners = replies.filter((r) => r.won);
      const losers = replies.filter((r) => !r.won);
      if (winners.length !== 1) failures.push(`round ${round}: ${winners.length} owners (${JSON.stringify(losers.map((l) => l.error))})`);
      const winner = winners[0];
      for (const l of losers) {
        const expected = winner ? `is being written by another sweep (pid ${winner.pid},` : "is being written by another sweep";
        if (l.name !== "LockError" || !l.error!.includes(expected)) failures.push(`round ${round}: ${l.name}: ${l.error}`);
      }
      if (winner) {
        const held = JSON.parse(readFileSync(`${file}.lock`, "utf8")) as { pid: number };
        if (held.pid !== winner.pid) failures.push(`round ${round}: lock file names pid ${held.pid}, owner is ${winner.pid}`);
        const p = procs.find((x) => x.pid === winner.pid)!;
        const r = next(p);
        p.send({ cmd: "release" });
        await r;
      }
      const left = readdirSync(rdir);
      if (left.length !== 0) failures.push(`round ${round}: left behind ${left.join(", ")}`);
      if (failures.length > 5) break;
    }
    expect(failures).toEqual([]);
  });

  it("a lock held by a live process is never taken over", async () => {
    const file = join(dir, "live.jsonl");
    const first = procs[0]!;
    let r = next(first);
    first.send({ cmd: "take", file });
    expect((await r).won).toBe(true);
    const others = await Promise.all(procs.slice(1).map((p) => {
      const q = next(p);
      p.send({ cmd: "take", file });
      return q;
    }));
    for (const o of others) expect(o.won).toBe(false);
    r = next(first);
    first.send({ cmd: "release" });
    await r;
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

describe("merge and report against a live sweep", () => {
  it("refuse the file being written; the sweep then finishes with every point once", async () => {
    const spec = join(dir, "live.json");
    writeFileSync(spec, JSON.stringify({ name: "live", base: "paper-baseline", set: { durationMs: 300, warmupMs: 10 }, seeds: [1, 2, 3, 4, 5, 6], metrics: ["throughput.aggregateGbps"] }));
    const out = join(dir, "live.jsonl");
    const other = join(dir, "other.jsonl");
    const child = cliSpawn(["sweep", spec, "--out", out, "--workers", "1"]);
    let exited = false;
    const gone = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    void gone.then(() => (exited = true));
    while (!exited && (!existsSync(out) || lines(out).length < 1)) await new Promise((r) => setTimeout(r, 10));
    expect(exited).toBe(false);
    child.kill("SIGSTOP"); // keep it alive and mid-sweep for as long as the checks take
    writeFileSync(other, readFileSync(out));
    try {
      const intoLive = cli(["merge", other, "--out", out]);
      expect(intoLive.code).toBe(2);
      expect(intoLive.stderr.trim()).toMatch(/^pvnetsim: error: .*live\.jsonl is being written by another sweep \(pid \d+, since .*\)/);
      const fromLive = cli(["merge", out, "--out", join(dir, "merged.jsonl")]);
      expect(fromLive.code).toBe(2);
      expect(fromLive.stderr.trim()).toMatch(/^pvnetsim: error: merge: .*live\.jsonl is being written by a sweep \(pid \d+, since .*\); wait for it to finish/);
      expect(existsSync(join(dir, "merged.jsonl"))).toBe(false);
      const rep = cli(["report", out, "--out", join(dir, "rep")]);
      expect(rep.code).toBe(2);
      expect(rep.stderr.trim()).toMatch(/^pvnetsim: error: report: .*live\.jsonl is being written by a sweep/);
    } finally {
      child.kill("SIGCONT");
    }
    expect(await gone).toBe(0);
    expect(byId(readRecords(out)).size).toBe(6);
    // Finished: now merge may replace it.
    const m = cli(["merge", out, other, "--out", out]);
    expect(m.code, m.stderr).toBe(0);
    expect(byId(readRecords(out)).size).toBe(6);
  });
});

describe("merge of bad input", () => {
  it("--out naming a directory is one error line and leaves no temporary file", () => {
    const d = join(dir, "outdir");
    mkdirSync(d);
    const src = join(dir, "one.jsonl");
    writeFileSync(src, lines(join(dir, "live.jsonl")).slice(0, 2).join("\n") + "\n");
    const before = readdirSync(dir).sort();
    const r = cli(["merge", src, "--out", d]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^pvnetsim: error: --out: .*outdir is a directory; expected a file path/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readdirSync(d)).toEqual([]);
  });

  it("a file of garbage is an error, not an empty result", () => {
    const g = join(dir, "garbage.jsonl");
    writeFileSync(g, "hello\n{\"a\":1}\n[1,2]\n");
    const out = join(dir, "garbage-merged.jsonl");
    const r = cli(["merge", g, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^pvnetsim: error: no point records in .*garbage\.jsonl; .*garbage\.jsonl:1: malformed JSON; expected the results files a sweep wrote$/);
    expect(existsSync(out)).toBe(false);
  });

  it('a record claiming "of": 1e9 is left out with a reason instead of exhausting memory', () => {
    const good = lines(join(dir, "live.jsonl"));
    const rec = JSON.parse(good[0]!) as Record<string, unknown>;
    const f = join(dir, "huge-of.jsonl");
    writeFileSync(f, JSON.stringify({ ...rec, of: 1e9 }) + "\n" + good.slice(1).join("\n") + "\n");
    const out = join(dir, "huge-of-merged.jsonl");
    const r = cli(["merge", f, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`huge-of.jsonl:1: "of": 1000000000 is not allowed; expected an integer from 1 to 1000000; left out`);
    expect(readRecords(out)).toHaveLength(5);
    const only = join(dir, "only-huge.jsonl");
    writeFileSync(only, JSON.stringify({ ...rec, of: 1e9 }) + "\n");
    const r2 = cli(["merge", only, "--out", join(dir, "only-merged.jsonl")]);
    expect(r2.code).toBe(2);
    expect(r2.stderr.trim().split("\n").at(-1)).toMatch(/^pvnetsim: error: no point records in .*only-huge\.jsonl; .*:1: "of": 1000000000 is not allowed/);
  });
});
