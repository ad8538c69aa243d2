// `pvnetsim io-paths` end to end (short runs, one seed): the split driver, its Ram et al. variant
// and SR-IOV side by side with the published figures [V9, V14], as a table and as one JSON object;
// and its bad options as one line with exit code 2.
import { beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { IO_PATHS, renderIoPathsText, type IoPathsReport } from "../../src/reproduce/io-paths.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = join(root, "dist/src/cli/main.js");
const short = ["--seeds", "1", "--duration-ms", "100", "--warmup-ms", "50", "--workers", "2"];

describe("pvnetsim io-paths", () => {
  let text = "";
  let report: IoPathsReport;

  beforeAll(async () => {
    const [t, j] = await Promise.all([
      run(process.execPath, [cli, "io-paths", ...short], { cwd: root }),
      run(process.execPath, [cli, "io-paths", "--json", ...short], { cwd: root }),
    ]);
    text = t.stdout;
    report = JSON.parse(j.stdout) as IoPathsReport;
  }, 120_000);

  it("prints one table row per path, in order, with its measured columns and the published figures", () => {
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^I\/O paths side by side: .*10 GbE/);
    expect(lines[1]).toMatch(/^1 seed\(s\) per path, 100 ms measured after 50 ms warm-up/);
    const header = lines.findIndex((l) => l.startsWith("path "));
    expect(lines[header]).toMatch(
      /^path +preset +goodput Gb\/s +dom0 CPU \(VCPUs\) +dom0 cycles\/packet +guest cycles\/byte +published Gb\/s +sim\/published +bottleneck$/,
    );
    const rows = lines.slice(header + 1, header + 4);
    const cells = rows.map((r) => r.split(/ {2,}/));
    expect(cells.map((c) => c[0])).toEqual(["split driver", "split driver + Ram et al.", "SR-IOV virtual function"]);
    expect(cells.map((c) => c[1])).toEqual(["io-split", "io-split-ram", "io-sriov"]);
    for (const c of cells) {
      expect(c).toHaveLength(9);
      expect(c[2]).toMatch(/^\d+\.\d{3}$/); // one seed: no interval
      expect(c[3]).toMatch(/^\d\.\d{2} of 4$/);
      expect(c[4]).toMatch(/^\d+$/);
      expect(c[5]).toMatch(/^\d+\.\d{2}$/);
      expect(c[7]).toMatch(/^\d\.\d{2}$/);
      expect(c[8]).toMatch(/^(vcpu|wire|queue|window|none) /);
    }
    expect(cells.map((c) => c[6])).toEqual(["2.9 (V9), 3 (W7)", "10 (V9)", "9.48 (V14)"]);
    // SR-IOV: dom0 off the data path.
    expect(cells[2]![3]).toBe("0.00 of 4");
    expect(cells[2]![4]).toBe("0");
    const published = lines.slice(lines.findIndex((l) => l.startsWith("published")) + 1);
    expect(published.filter((l) => /\[V9\]$/.test(l))).toHaveLength(2);
    expect(published.filter((l) => /\[V14\]$/.test(l))).toHaveLength(2);
    expect(published.some((l) => l.includes("9.48 Gb/s"))).toBe(true);
    expect(published.some((l) => l.includes("+1.76% CPU per added VM"))).toBe(true);
  });

  it("--json carries the same rows and every run", () => {
    expect(report.seeds).toBe(1);
    expect(report.rows.map((r) => r.preset)).toEqual(IO_PATHS.map((p) => p.preset));
    expect(report.runs.map((r) => [r.path, r.seed, r.state])).toEqual([
      ["split", 1, "completed"],
      ["split-ram", 1, "completed"],
      ["sriov", 1, "completed"],
    ]);
    for (const r of report.rows) {
      expect(r.runs).toBe(1);
      expect(r.erroredRuns).toBe(0);
      expect(r.ci95Gbps).toBeNull();
      expect(r.goodputGbps).toBeGreaterThan(0);
      expect(r.vsPublished).toBeCloseTo(r.goodputGbps / r.published[0]!.gbps!, 12);
    }
    const [split, ram, sriov] = report.rows;
    expect(sriov!.dom0Vcpus).toBe(0);
    expect(sriov!.dom0CyclesPerPacket).toBe(0);
    expect(ram!.dom0CyclesPerPacket).toBeLessThan(split!.dom0CyclesPerPacket);
    // The text is the rendering of this report.
    expect(renderIoPathsText(report)).toBe(text.trimEnd());
  });

  it("refuses a bad option with one line and exit code 2", async () => {
    const e = await run(process.execPath, [cli, "io-paths", "--seeds", "0"], { cwd: root }).catch((x) => x);
    expect(e.code).toBe(2);
    expect(e.stderr.trim().split("\n")).toHaveLength(1);
    expect(e.stderr.trim()).toMatch(/^pvnetsim: error: --seeds: "0" is not allowed; expected an integer >= 1$/);
  });
});
