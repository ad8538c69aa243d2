// The cost-model documentation (docs/cost-model.md generator) and `pvnetsim sensitivity`.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { PARAMS } from "../../src/config/params.js";
import { costModelMarkdown, presetsTouchingCosts } from "../../src/reproduce/costdoc.js";
import { sensitivityParams, type SensitivityReport } from "../../src/reproduce/sensitivity.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(root, "dist/src/cli/main.js");

describe("cost model documentation", () => {
  it("lists every costs.* parameter with value, unit, source and fitted status", () => {
    const md = costModelMarkdown(null);
    const costs = PARAMS.filter((p) => p.path.startsWith("costs."));
    expect(costs.length).toBeGreaterThan(0);
    const lines = md.split("\n");
    for (const p of costs) {
      const line = lines.find((l) => l.startsWith(`| \`${p.path}\` |`));
      expect(line, p.path).toBeDefined();
      expect(line).toContain(`| ${String(p.default)} |`);
      expect(line).toContain(p.unit);
      expect(line).toMatch(p.fitted ? /\| yes: .+ \|$/ : /\| no \|$/);
    }
  });
  it("presets never set costs", () => {
    expect(presetsTouchingCosts()).toEqual([]);
  });
});

describe("pvnetsim sensitivity --json (1 seed, short runs)", () => {
  it("moves each fitted constant by -20% and +20% in paper-baseline and paper-lro", async () => {
    const { stdout } = await run(process.execPath, [cli, "sensitivity", "--json", "--seeds", "1", "--duration-ms", "40", "--warmup-ms", "40"], { cwd: root, maxBuffer: 16 << 20 });
    const r = JSON.parse(stdout) as SensitivityReport;
    expect(r.settings.presets).toEqual(["paper-baseline", "paper-lro"]);
    expect(r.settings.delta).toBe(0.2);
    expect(r.rows.map((x) => x.path)).toEqual(sensitivityParams().map((p) => p.path));
    for (const row of r.rows) {
      for (const p of ["paper-baseline", "paper-lro"]) {
        const e = row.presets[p]!;
        expect(e.minus.value).toBeCloseTo(row.default * 0.8, 9);
        expect(e.plus.value).toBeCloseTo(row.default * 1.2, 9);
        for (const x of [e.minus, e.base, e.plus]) expect(x.gbps).toBeGreaterThan(0);
      }
    }
    expect(costModelMarkdown(r)).toContain("## Sensitivity");
  });
});
