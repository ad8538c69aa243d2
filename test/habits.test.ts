// Contributor habits, checked with every `npm test`: Biome's lint and format check (biome.json),
// the TypeScript check of the tests themselves (test/tsconfig.json: src/ alone is checked by the
// build), and the source limits of scripts/check-source.mjs (120 characters a line, 400 lines a
// file in src/).

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { checkSource } from "../scripts/check-source.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });

describe("habits", () => {
  it("Biome: lint and format check pass (biome ci)", () => {
    const r = node(["node_modules/@biomejs/biome/bin/biome", "ci", "--colors=off", "."]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it("tsc type-checks the tests", { timeout: 240_000 }, () => {
    const r = node(["node_modules/typescript/bin/tsc", "-p", "test/tsconfig.json"]);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("src/ keeps to 120 characters a line and 400 lines a file", () => {
    expect(checkSource()).toEqual([]);
  });
});
