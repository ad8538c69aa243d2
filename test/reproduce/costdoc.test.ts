// The cost-model documentation (docs/cost-model.md generator) and `pvnetsim sensitivity`.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { PARAMS } from "../../src/config/params.js";
import { readFileSync } from "node:fs";
import { loadSuite } from "../../src/validate/suite.js";
import { costBasis, costModelMarkdown, JUDGEMENT_NOTE, presetsTouchingCosts } from "../../src/reproduce/costdoc.js";
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
  it("marks every constant fitted, derived or judgement, each on the grounds it names", () => {
    const costs = PARAMS.filter((p) => p.path.startsWith("costs."));
    const rows = new Set([...readFileSync(join(root, "docs/sources.md"), "utf8").matchAll(/<a id="([A-Z]\d+)"><\/a>/g)].map((m) => m[1]));
    const training = loadSuite(join(root, "validation")).filter((v) => v.role === "training");
    for (const p of costs) {
      const basis = costBasis(p);
      if (basis === "fitted") {
        // A fitted constant is fitted to a training result of the suite that declares it.
        expect(training.some((v) => v.fitted === p.path && p.fitted!.includes(v.id)), p.path).toBe(true);
      } else if (basis === "derived") {
        // A derived constant cites a read ([R]), derived ([D]) or secondhand ([S]) row that sources.md defines,
        // and no inferred part.
        expect(p.source, p.path).not.toMatch(/\[I\]/);
        const cited = [...p.source.matchAll(/\[[RDS]\] ([A-Z]\d{1,2})\b/g)].map((m) => m[1]!);
        expect(cited.length, p.path).toBeGreaterThan(0);
        for (const id of cited) expect(rows.has(id), `${p.path}: ${id}`).toBe(true);
      } else {
        // A judgement is named in the note that says why it is not derived or fitted.
        expect(JUDGEMENT_NOTE, p.path).toContain(`\`${p.path.slice("costs.".length)}\``);
      }
    }
    // The note names no constant that is not a judgement.
    for (const m of JUDGEMENT_NOTE.matchAll(/`(\w+Cycles)`/g)) {
      const p = costs.find((c) => c.path === `costs.${m[1]}`);
      expect(p, m[1]).toBeDefined();
      if (m[1] !== "bridgePacketCycles") expect(costBasis(p!), m[1]).toBe("judgement");
    }
    expect(costModelMarkdown(null)).toContain(JUDGEMENT_NOTE);
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
