// A real one-node Slurm cluster on localhost (scripts/slurm/start.sh): `pvnetsim slurm` writes a
// 4-task job array, sbatch runs it, `pvnetsim merge` joins the shards, and the result equals the
// same sweep run locally, point for point. Needs root and the Debian slurm/munge packages
// (scripts/install-system-deps.sh, run by .ci/run); PVNETSIM_SKIP_SLURM=1 skips it elsewhere.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { byId, cli, readRecords, ROOT, tmp } from "./helpers.js";

const skip = process.env["PVNETSIM_SKIP_SLURM"] === "1";
const START = join(ROOT, "scripts/slurm/start.sh");
const STOP = join(ROOT, "scripts/slurm/stop.sh");

const SPEC = `# 12 small points: ITR rate x notification coalescing, 2 replications
name: slurm-test
base: single-guest
set: { durationMs: 30, warmupMs: 10, nic.itr.mode: fixed, netback.coalesce.timeUs: 50 }
axes:
  nic.itr.fixedIntsPerSec: [5000, 20000, 80000]
  netback.coalesce.count: [1, 8]
replications: 2
metrics: [throughput.aggregateGbps, summary.dom0CpuMax, derived.notificationsPerPacket, latency.p99Us]
`;

/** A TCP port nobody listens on now (so this cluster can run beside another one). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Waits until no task of the array is pending or running. */
async function waitForJob(jobId: string, env: Record<string, string>): Promise<void> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const q = spawnSync("squeue", ["-h", "-j", jobId, "-o", "%i %T"], { encoding: "utf8", env: { ...process.env, ...env } });
    if (q.status === 0 && q.stdout.trim() === "") return;
    if (Date.now() > deadline) throw new Error(`array ${jobId} still queued/running after 150 s:\n${q.stdout}${q.stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let dir = "";
let env: Record<string, string> = {};
let started = false;

describe.skipIf(skip)("Slurm job array", () => {
  beforeAll(async () => {
    dir = tmp("slurm");
    const ctld = await freePort();
    let slurmd = await freePort();
    while (slurmd === ctld) slurmd = await freePort();
    const r = spawnSync("bash", [START, join(dir, "cluster")], { encoding: "utf8", env: { ...process.env, SLURMCTLD_PORT: String(ctld), SLURMD_PORT: String(slurmd) }, timeout: 60_000 });
    started = true;
    if (r.status !== 0) throw new Error(`scripts/slurm/start.sh failed (exit ${r.status}); set PVNETSIM_SKIP_SLURM=1 where Slurm cannot run:\n${r.stderr}`);
    env = { SLURM_CONF: join(dir, "cluster", "slurm.conf") };
  });

  afterAll(() => {
    if (started) spawnSync("bash", [STOP, join(dir, "cluster")], { encoding: "utf8", timeout: 30_000 });
  });

  it("runs a 4-task array whose merged shards equal the local sweep, point for point", async () => {
    const t0 = performance.now();
    const spec = join(dir, "spec.yaml");
    writeFileSync(spec, SPEC);
    const job = join(dir, "job");
    const w = cli(["slurm", spec, "--out", job, "--tasks", "4"]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr.split("\n")[0]).toBe("sweep slurm-test: 12 points (nic.itr.fixedIntsPerSec x3, netback.coalesce.count x2; 2 replications)");
    expect(w.stdout).toContain(`sbatch ${join(job, "sweep.sbatch")}`);
    const script = readFileSync(join(job, "sweep.sbatch"), "utf8");
    expect(script).toContain("#SBATCH --array=0-3");
    // The tasks run this package's CLI by its real path, never a path through npx's cache.
    expect(script).toContain(`PVNETSIM_JS='${realpathSync(join(ROOT, "dist/src/cli/main.cjs"))}'`);
    expect(script).not.toMatch(/_npx|\.npm\//);

    const sub = spawnSync("sbatch", ["--parsable", join(job, "sweep.sbatch")], { encoding: "utf8", env: { ...process.env, ...env } });
    expect(sub.status, sub.stderr).toBe(0);
    const jobId = sub.stdout.trim().split(";")[0]!;
    expect(jobId).toMatch(/^\d+$/);
    await waitForJob(jobId, env);
    const logs = readdirSync(join(job, "logs"));
    expect(logs.sort()).toEqual([0, 1, 2, 3].map((i) => `${jobId}_${i}.out`));
    for (const l of logs) expect(readFileSync(join(job, "logs", l), "utf8")).toMatch(/shard \d\/4 \(from SLURM_ARRAY_TASK_ID\): 3 points[\s\S]*sweep: done, 3 points/);
    const shards = [0, 1, 2, 3].map((i) => join(job, "results", `shard-${i}.jsonl`));
    for (const s of shards) expect(existsSync(s)).toBe(true);

    const merged = join(job, "all.jsonl");
    const m = cli(["merge", ...shards, "--out", merged, "--strict"]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr.trim()).toBe(`merge: 12 points of 12 from 4 files -> ${merged}; missing 0, duplicates 0, errored 0`);

    const local = join(dir, "local.jsonl");
    const l = cli(["sweep", spec, "--out", local, "--workers", "2"]);
    expect(l.code, l.stderr).toBe(0);
    const a = byId(readRecords(merged));
    const b = byId(readRecords(local));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [id, content] of a) expect(content).toBe(b.get(id));
    expect(readRecords(merged).map((r) => r.index)).toEqual([...Array(12).keys()]);

    // A node without that CLI: the task stops at its start with one line saying what to set.
    const bad = spawnSync("sbatch", ["--parsable", "--array=0", join(job, "sweep.sbatch")], { encoding: "utf8", env: { ...process.env, ...env, PVNETSIM_CLI: "/nonexistent/pvnetsim" } });
    expect(bad.status, bad.stderr).toBe(0);
    const badId = bad.stdout.trim().split(";")[0]!;
    await waitForJob(badId, env);
    const badLog = readFileSync(join(job, "logs", `${badId}_0.out`), "utf8");
    expect(badLog).toMatch(/^pvnetsim job on \S+: error: PVNETSIM_CLI: \/nonexistent\/pvnetsim \(from '\/nonexistent\/pvnetsim'\) is not a command on this node$/m);
    expect(badLog).not.toContain("sweep ");
    console.log(`slurm: 4-task array of 12 points, merged and compared in ${((performance.now() - t0) / 1e3).toFixed(1)} s (cluster start not included)`);
  });
});
