// Every file in examples/ runs: each scenario with `pvnetsim run` and each sweep spec with
// `pvnetsim sweep` + `pvnetsim report`, at a short simulated duration. The dom0 VCPU scaling sweep
// (dom0 VCPUs x dispatch x LRO x 2 seeds = 64 runs) is then checked as a reader would check its
// report: no interval outside the metric's physical range, units on every axis, categorical axes
// drawn as categories, a main-effects table that ranks every axis for every metric. Its page is
// photographed in Chromium (test-results/sweep-report/).
import { describe, it, expect, beforeAll } from "vitest";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { cli, tmp, readRecords, ROOT } from "./sweep/helpers.js";
import { writeReport, type ReportFiles } from "../dist/src/sweep/report.js";
import { metricInfo } from "../dist/src/sweep/metrics.js";
import { launchChromium } from "./browser/chromium.js";

const EX = join(ROOT, "examples");
const scenarios = readdirSync(join(EX, "scenarios")).filter((f) => /\.ya?ml$/.test(f)).sort();
const sweeps = readdirSync(join(EX, "sweeps")).filter((f) => /\.ya?ml$/.test(f)).sort();
const SHOTS = join(ROOT, "test-results", "sweep-report");

/** The one-line comment that opens every example: the question it answers. */
function question(file: string): string {
  const first = readFileSync(file, "utf8").split("\n")[0] ?? "";
  return first.startsWith("# ") ? first.slice(2) : "";
}

/** A copy of a sweep spec with a short simulated duration. */
function shortSpec(file: string, dir: string, durationMs: number, warmupMs: number): string {
  const spec = parseYaml(readFileSync(file, "utf8")) as { set?: Record<string, unknown> };
  spec.set = { ...(spec.set ?? {}), durationMs, warmupMs };
  const out = join(dir, file.split("/").pop()!.replace(/\.ya?ml$/, ".json"));
  writeFileSync(out, JSON.stringify(spec));
  return out;
}

describe("examples", () => {
  it("has at least 8 scenarios and the 4 sweep specs, each opening with the question it answers", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(8);
    expect(sweeps).toEqual(expect.arrayContaining(["paper-ablation.yaml", "itr-coalescing.yaml", "dom0-vcpu-scaling.yaml", "guests-scaling.yaml"]));
    for (const f of [...scenarios.map((s) => join(EX, "scenarios", s)), ...sweeps.map((s) => join(EX, "sweeps", s))]) {
      expect(question(f), f).toMatch(/\?/);
    }
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain("examples/");
  });

  it.each(scenarios)("scenario %s runs", (f) => {
    const r = cli(["run", join(EX, "scenarios", f), "--duration-ms", "20", "--warmup-ms", "10", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { state: string; conservation: { ok: boolean } };
    expect(res.state).toBe("completed");
    expect(res.conservation.ok).toBe(true);
  });

  it.each(sweeps.filter((s) => s !== "dom0-vcpu-scaling.yaml"))("sweep %s runs and reports", (f) => {
    const dir = tmp("example");
    const spec = shortSpec(join(EX, "sweeps", f), dir, 15, 10);
    const out = join(dir, "r.jsonl");
    const s = cli(["sweep", spec, "--out", out, "--workers", "2"]);
    expect(s.code, s.stderr).toBe(0);
    const rep = cli(["report", out, "--out", join(dir, "report")]);
    expect(rep.code, rep.stderr).toBe(0);
    const html = readFileSync(join(dir, "report", "index.html"), "utf8");
    expect(html).toContain("<h2>Main effects</h2>");
    expect(html).not.toMatch(/-0\.0%|\+- 0\.000|NaN/);
    expect(readFileSync(join(dir, "report", "results-long.csv"), "utf8").split("\n")[0]).toMatch(/^index,id,rep,seed,.*,metric,value,unit$/);
  });
});

describe("the 64-run dom0 VCPU scaling sweep", () => {
  let dir = "";
  let results = "";
  let rep: ReportFiles;

  beforeAll(async () => {
    dir = tmp("dom0-scaling");
    const spec = shortSpec(join(EX, "sweeps", "dom0-vcpu-scaling.yaml"), dir, 60, 30);
    results = join(dir, "r.jsonl");
    const s = cli(["sweep", spec, "--out", results, "--workers", "2"]);
    expect(s.code, s.stderr).toBe(0);
    rep = await writeReport(readRecords(results), join(dir, "report"));
  });

  it("has 64 completed runs: 4 dom0 VCPU counts x 4 dispatch policies x LRO off/on x 2 seeds", () => {
    const recs = readRecords(results);
    expect(recs).toHaveLength(64);
    expect(recs.every((r) => r.state === "completed")).toBe(true);
    expect(new Set(recs.map((r) => r.seed)).size).toBe(2);
  });

  it("draws no interval with n = 2 but the values, and no axis below the metric's physical range", () => {
    expect(rep.figures.length).toBeGreaterThan(0);
    for (const f of rep.figures) {
      const info = metricInfo(f.metric);
      for (const p of f.points) {
        expect(p.n).toBe(2);
        // Below three replications: no interval at all, the two values are drawn.
        expect(p.lo).toBeNull();
        expect(p.hi).toBeNull();
        expect(p.values).toHaveLength(2);
        // Nothing below zero where the quantity cannot be (counts, rates, latencies).
        for (const v of [p.mean, ...p.values]) if (f.bounds[0] !== null) expect(v, `${info.title} ${f.facet}`).toBeGreaterThanOrEqual(f.bounds[0]);
      }
      // The y axis does not reach past the physical range, except to show a measured value.
      const layers = f.spec["layer"] as { encoding: { y?: { scale?: { domain?: [number, number] } } } }[];
      const domain = layers.map((l) => l.encoding.y?.scale?.domain).find((d) => d !== undefined)!;
      const drawn = f.points.flatMap((p) => [p.mean, ...p.values]);
      if (f.bounds[0] !== null) expect(domain[0]).toBeGreaterThanOrEqual(Math.min(f.bounds[0], ...drawn));
      if (f.bounds[1] !== null) expect(domain[1]).toBeLessThanOrEqual(Math.max(f.bounds[1], ...drawn));
      expect(domain[0]).toBeLessThanOrEqual(Math.min(...drawn));
      expect(domain[1]).toBeGreaterThanOrEqual(Math.max(...drawn));
      expect(JSON.stringify(f.spec["title"])).toContain("n = 2 per point");
    }
    const html = readFileSync(rep.html, "utf8");
    expect(html).toContain("Only n = 2 replications per point");
    // The throughput ceiling of 4 x 1 GbE at MTU 1500 with timestamps.
    const tput = rep.figures.find((f) => f.metric === "throughput.aggregateGbps")!;
    expect(tput.bounds[1]).toBeCloseTo(3.766, 3);
  });

  it("puts units on every axis and integer ticks on the integer axis", () => {
    for (const f of rep.figures) {
      const layers = f.spec["layer"] as { encoding: Record<string, { title?: string; type?: string; axis?: Record<string, unknown> }> }[];
      const main = layers[layers.length - 1]!.encoding;
      expect(main["x"]!.title).toBe("dom0.vcpus (VCPUs)");
      expect(main["x"]!.axis).toEqual({ values: [1, 2, 4, 8], format: "d" });
      expect(main["y"]!.title).toMatch(/\((Gb\/s|busy fraction|VCPUs busy|per packet|µs|segments)\)$/);
      expect(main["color"]!.title).toBe("evtchn.dispatch");
    }
  });

  it("draws categorical axes as categories: grouped points, no lines", async () => {
    const cat = await writeReport(readRecords(results), join(dir, "report-by-dispatch"), { x: "evtchn.dispatch", series: "netfront.lro.enabled" });
    for (const f of cat.figures) {
      const layers = f.spec["layer"] as { mark: { type: string }; encoding: Record<string, { type?: string; sort?: unknown }> }[];
      expect(layers.map((l) => l.mark.type)).not.toContain("line");
      const main = layers[layers.length - 1]!.encoding;
      expect(main["x"]!.type).toBe("nominal");
      expect(main["x"]!.sort).toEqual(["vcpu0", "round-robin", "group-affine", "dynamic"]);
      expect(main["xOffset"]!.type).toBe("nominal");
    }
    const html = readFileSync(cat.html, "utf8");
    expect(html).toContain("(grouped points)");
  });

  it("ranks every axis by its effect on each metric in a main-effects table at the top", () => {
    expect(rep.effects.map((e) => e.metric)).toEqual(["throughput.aggregateGbps", "summary.dom0CpuMax", "summary.dom0CpuTotal", "summary.guestCpuMean", "derived.notificationsPerPacket", "latency.p99Us", "summary.dropsTotal"]);
    for (const e of rep.effects) {
      expect(e.effects.map((a) => a.axis).sort()).toEqual(["dom0.vcpus", "evtchn.dispatch", "netfront.lro.enabled"]);
      const shares = e.effects.map((a) => a.share);
      expect([...shares].sort((a, b) => b - a)).toEqual(shares);
      for (const a of e.effects) {
        expect(a.share).toBeGreaterThanOrEqual(0);
        expect(a.share).toBeLessThanOrEqual(1);
      }
    }
    // On goodput, LRO and dispatch matter and dom0 VCPUs beyond what dispatch uses do little.
    const tput = rep.effects[0]!;
    expect(tput.effects[0]!.share).toBeGreaterThan(0.1);
    const html = readFileSync(rep.html, "utf8");
    const effectsAt = html.indexOf("<h2>Main effects</h2>");
    expect(effectsAt).toBeGreaterThan(0);
    expect(effectsAt).toBeLessThan(html.indexOf("<h2>Charts</h2>"));
    expect(html.match(/<table class="effects">/g)).toHaveLength(7);
    expect(html).not.toMatch(/-0\.0%|\+- 0\.000|NaN|Infinity/);
  });

  it("is photographed in Chromium", async () => {
    mkdirSync(SHOTS, { recursive: true });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(pathToFileURL(rep.html).href);
      await page.screenshot({ path: join(SHOTS, "dom0-vcpu-scaling-top.png") });
      const charts = await page.$("h2:text('Charts')");
      await charts!.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, "dom0-vcpu-scaling-full.png"), fullPage: true });
      const cat = join(dir, "report-by-dispatch", "index.html");
      await page.goto(pathToFileURL(cat).href);
      const first = await page.$("h2:text('Charts') + figure");
      await first!.screenshot({ path: join(SHOTS, "dom0-vcpu-scaling-by-dispatch.png") });
      // Every chart is an SVG that rendered with a size.
      const sizes = await page.$$eval("figure svg", (svgs) => svgs.map((s) => s.getBoundingClientRect().width));
      expect(sizes.length).toBeGreaterThan(0);
      expect(sizes.every((w) => w > 100)).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
