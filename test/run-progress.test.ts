// A long `run` is not silent: after 2 s of wall time it reports progress on stderr (plain lines
// when stderr is not a terminal), and --quiet turns that off. stdout keeps only the result.

import { expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cli } from "./helpers.js";

const run = (extra: string[]) =>
  spawnSync(
    process.execPath,
    [cli, "run", "paper-baseline", "--duration-ms", "40000", "--warmup-ms", "10", "--json", ...extra],
    { encoding: "utf8", timeout: 170_000 },
  );

it("a run over 2 s prints progress lines on stderr; --quiet prints none", () => {
  const r = run([]);
  expect(r.status, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).state).toBe("completed");
  const lines = r.stderr.trim().split("\n").filter(Boolean);
  expect(lines.length).toBeGreaterThanOrEqual(1);
  for (const l of lines)
    expect(l).toMatch(/^run: \d+\/40010 simulated ms done \(\d+%\), [\d.]+ simulated ms\/min, ETA \S+$/);
  expect(lines.at(-1)).toMatch(/^run: 40010\/40010 simulated ms done \(100%\)/);
  const q = run(["--quiet"]);
  expect(q.status, q.stderr).toBe(0);
  expect(q.stderr).toBe("");
  expect(JSON.parse(q.stdout).state).toBe("completed");
});
