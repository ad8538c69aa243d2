// Every test's temporary files go under one directory made for this test run (TMPDIR points
// there, for the tests, the CLIs they start and the browsers they launch) and removed at the
// end, so `npm test` leaves nothing behind in the system temp directory.
//
// vitest runs this once per test project (vitest.config.ts has two) in the same process: the
// first call makes the directory, later ones keep it, so TMPDIR is never nested (Chromium's and
// munge's socket paths must stay under 108 bytes).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  if (process.env["PVNETSIM_TEST_TMPDIR"]) return () => {};
  const dir = mkdtempSync(join(tmpdir(), "pvnetsim-test-"));
  process.env["TMPDIR"] = dir;
  process.env["PVNETSIM_TEST_TMPDIR"] = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    delete process.env["PVNETSIM_TEST_TMPDIR"];
  };
}
