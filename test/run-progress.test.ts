// A long `run` is not silent: after 2 s of wall time it reports progress on stderr (plain lines
// when stderr is not a terminal), and --quiet turns that off. stdout keeps only the result.

import { expect, it } from "vitest";
import { spawn } from "node:child_process";
import { cli } from "./helpers.js";

/** One CLI run; resolves with its exit status and output. */
const run = (extra: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const p = spawn(process.execPath, [
      cli,
      "run",
      "paper-baseline",
      "--duration-ms",
      "40000",
      "--warmup-ms",
      "10",
      "--json",
      ...extra,
    ]);
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("close", (status) => resolve({ status, stdout, stderr }));
  });

it("a run over 2 s prints progress lines on stderr; --quiet prints none", async () => {
  // Both runs at once: each takes several seconds of wall time.
  const [r, q] = await Promise.all([run([]), run(["--quiet"])]);
  expect(r.status, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).state).toBe("completed");
  const lines = r.stderr.trim().split("\n").filter(Boolean);
  expect(lines.length).toBeGreaterThanOrEqual(1);
  for (const l of lines) {
    const m = /^run: (\d+)\/40010 simulated ms done \(\d+%\), ([\d.]+) simulated ms\/min, ETA \S+$/.exec(l);
    expect(m, l).not.toBeNull();
    // The display starts after 2 s of the run, and its rate is over the whole run so far, so it
    // cannot exceed what was done in 2 s.
    expect(Number(m![2]), l).toBeLessThanOrEqual((Number(m![1]) / 2) * 60);
  }
  expect(lines.at(-1)).toMatch(/^run: 40010\/40010 simulated ms done \(100%\)/);
  expect(q.status, q.stderr).toBe(0);
  expect(q.stderr).toBe("");
  expect(JSON.parse(q.stdout).state).toBe("completed");
}, 180_000);
