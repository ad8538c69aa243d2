// The page and the browser entry type-check against the DOM library alone (web/tsconfig.json has
// no Node types), so a Node built-in or global used in browser code fails here.

import { expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

it("web/ and src/browser/ type-check without Node types", () => {
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  const r = spawnSync(process.execPath, [tsc, "-p", "web/tsconfig.json"], { cwd: root, encoding: "utf8" });
  expect(r.stdout + r.stderr).toBe("");
  expect(r.status).toBe(0);
});
