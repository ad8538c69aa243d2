// The published-results suite as a test: `pvnetsim validate` end to end with its default
// settings (3 seeds, the scenarios' own run lengths), against the committed record in
// validation/_record.json. The within-tolerance count may not fall below the record, each
// result keeps the tolerance the record holds for it, and the results a constant was fitted to
// must hold (a calibration guard, not evidence). Malformed result files fail with the file and
// the field named.
import { beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { loadSuite, parseResult, SuiteError } from "../../src/validate/suite.js";
import type { ValidateReport } from "../../src/validate/validate.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(root, "dist/src/cli/main.js");
const record = JSON.parse(readFileSync(join(root, "validation/_record.json"), "utf8")) as {
  withinTolerance: number;
  tolerances: Record<string, number>;
};

describe("the suite's files", () => {
  const suite = loadSuite(join(root, "validation"));

  it("holds every result the record names, with the tolerance the record holds for it", () => {
    expect(suite.map((v) => v.id).sort()).toEqual(Object.keys(record.tolerances).sort());
    for (const v of suite) expect(v.tolerance.relative, v.id).toBe(record.tolerances[v.id]);
  });
  it("cites a source, says what is compared, and marks every testbed fact stated or assumed", () => {
    for (const v of suite) {
      expect(v.source.citation.length, v.id).toBeGreaterThan(20);
      expect(v.source.url, v.id).toMatch(/^https?:\/\//);
      expect(v.compare.length, v.id).toBeGreaterThan(20);
      expect(v.tolerance.why.length, v.id).toBeGreaterThan(20);
      for (const t of v.testbed) expect(["stated", "assumed"]).toContain(t.status);
    }
  });
  it("cites rows that docs/sources.md defines", () => {
    const sources = readFileSync(join(root, "docs/sources.md"), "utf8");
    for (const v of suite) expect(sources, `${v.id}: ${v.source.row}`).toContain(`id="${v.source.row}"`);
  });
  it("marks the paper's baseline as fitted (training) and the all-four result as held out", () => {
    const base = suite.find((v) => v.id === "zhang2010-baseline")!;
    expect(base.fitted).toBe("costs.bridgePacketCycles");
    expect(base.role).toBe("training");
    expect(base.published.value).toBe(2.2);
    expect(base.tolerance.relative).toBe(0.05);
    const all = suite.find((v) => v.id === "zhang2010-all-four")!;
    expect(all.published.value).toBe(3.7);
    expect(all.tolerance.relative).toBe(0.03);
    expect(all.fitted).toBe(false);
  });
  it("rejects a malformed file, naming the file and the field", () => {
    const good = readFileSync(join(root, "validation/zhang2010-baseline.json"), "utf8");
    const bad = (patch: Record<string, unknown>): string => JSON.stringify({ ...JSON.parse(good), ...patch });
    const f = "validation/zhang2010-baseline.json";
    expect(() => parseResult(bad({ tolerance: { relative: 1.5, why: "because" } }), f)).toThrow(SuiteError);
    expect(() => parseResult(bad({ tolerance: { relative: 1.5, why: "because" } }), f)).toThrow(/zhang2010-baseline.json: tolerance.relative: 1.5 is not allowed/);
    expect(() => parseResult(bad({ role: "held-out" }), f)).toThrow(/role: "held-out" is not allowed/);
    expect(() => parseResult(bad({ metric: "speed" }), f)).toThrow(/metric: "speed" is not allowed/);
    expect(() => parseResult(bad({ scenario: { preset: "no-such-preset", set: {} } }), f)).toThrow(/scenario:/);
    expect(() => parseResult(bad({ testbed: [{ fact: "x", status: "guessed" }] }), f)).toThrow(/testbed\[0\].status/);
    expect(() => parseResult(bad({ published: { value: 1, unit: "x", relation: "sideways" } }), f)).toThrow(/published.relation: "sideways" is not allowed/);
    expect(() => parseResult("{", f)).toThrow(/not valid JSON/);
  });
});

describe("pvnetsim validate --json (default seeds and run lengths)", () => {
  let rep: ValidateReport;
  let dir = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pvnetsim-validate-"));
    const r = await run(process.execPath, [cli, "validate", "--json", "--out", dir], { maxBuffer: 64 << 20 });
    rep = JSON.parse(r.stdout) as ValidateReport;
  });

  it("runs every runnable result and lists the pending ones without running them", () => {
    expect(rep.counts.results).toBe(Object.keys(record.tolerances).length);
    expect(rep.counts.runnable + rep.counts.pending).toBe(rep.counts.results);
    for (const r of rep.rows) {
      if (r.status === "pending") {
        expect(r.simulated).toBeNull();
        expect(r.within).toBeNull();
        expect(r.pendingMechanism).toBeTruthy();
      } else {
        expect(r.erroredRuns, r.id).toBe(0);
        expect(r.within, r.id).not.toBeNull();
        expect(r.perSeed.length).toBe(rep.seeds.length);
      }
    }
    expect(rep.versions.pvnetsim).toMatch(/^\d+\.\d+\.\d+/);
  });
  it(`keeps at least ${record.withinTolerance} runnable results within tolerance`, () => {
    expect(rep.counts.withinTolerance).toBeGreaterThanOrEqual(record.withinTolerance);
  });
  it("holds every result a constant was fitted to (calibration guard)", () => {
    const fitted = rep.rows.filter((r) => r.fitted && r.status === "runnable");
    expect(fitted.length).toBeGreaterThan(0);
    for (const r of fitted) expect(r.within, r.id).toBe(true);
  });
  it("judges an ordering result by the side of the published value it lies on, not by a band", () => {
    for (const r of rep.rows.filter((x) => x.relation && typeof x.simulated === "number")) {
      const above = (r.simulated as number) > (r.published as number);
      expect(r.within, r.id).toBe(r.relation === "above" ? above : (r.simulated as number) < (r.published as number));
    }
  });
  it("leaves ordering results out of the rms log error (their distance from the bound is no error)", () => {
    const rows = rep.rows.filter(
      (r) => r.status === "runnable" && r.role === "held-out" && typeof r.simulated === "number" && !r.relation,
    );
    const rms = Math.sqrt(
      rows.reduce((a, r) => a + Math.log((r.simulated as number) / (r.published as number)) ** 2, 0) / rows.length,
    );
    expect(rep.rmsLogError.heldOut).toBeCloseTo(rms, 12);
  });
  it("a cycles-per-byte ratio divides all VCPUs' busy cycles per byte received, seed by seed", async () => {
    const row = rep.rows.find((r) => r.id === "dong2010-sriov-vs-pv-cpu")!;
    expect(row.metric).toBe("ratioCyclesPerByte");
    const { run } = await import("../helpers.js");
    const perByte = (r: Awaited<ReturnType<typeof run>>): number => {
      const s = r.config.durationMs * 1e-3;
      const busy = r.cpu.reduce((a, c) => a + c.utilization, 0) * s * r.config.cpu.frequencyGHz * 1e9;
      return busy / ((r.throughput.aggregateGbps * 1e9 * s) / 8);
    };
    const sriov = await run("io-sriov", { "tcp.lowLatency": false }, 1);
    const split = await run("io-split", { "tcp.lowLatency": false }, 1);
    expect(row.perSeed[0] as number).toBeCloseTo(perByte(sriov) / perByte(split), 12);
  });
  it("counts training and held-out results apart", () => {
    expect(rep.counts.training + rep.counts.heldOut).toBe(rep.counts.runnable);
    expect(rep.counts.heldOut).toBeGreaterThan(0);
  });
  it("writes validate.json, the chart and index.html with one row per result", () => {
    for (const f of ["validate.json", "simulated-vs-published.svg", "index.html"]) expect(existsSync(join(dir, f)), f).toBe(true);
    const html = readFileSync(join(dir, "index.html"), "utf8");
    for (const r of rep.rows) expect(html).toContain(`id="${r.id}"`);
    const svg = readFileSync(join(dir, "simulated-vs-published.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    for (const r of rep.rows.filter((x) => x.status === "runnable" && typeof x.simulated === "number")) expect(svg).toContain(r.id);
  });
});
