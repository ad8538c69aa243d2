// Every test's temporary files go under one directory made for this test run (TMPDIR points
// there, for the tests, the CLIs they start and the browsers they launch) and removed at the
// end, so `npm test` leaves nothing behind in the system temp directory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "pvnetsim-test-"));
  process.env["TMPDIR"] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
