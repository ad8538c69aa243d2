// Time series: sampled in the model at interval boundaries, drained by the host between chunks.
// The series must add up to the end-of-run figures, leave the simulation untouched, and not
// depend on how the run is cut into chunks or how often the buffer fills.

import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, resolveConfig, simulate, type SimResult } from "../helpers.js";

/** Time-weighted mean of a series over the measured interval. */
function weightedMean(r: SimResult, name: string): number {
  const ts = r.timeseries!;
  let sum = 0;
  let total = 0;
  let t0 = ts.startMs;
  ts.timeMs.forEach((t, k) => {
    sum += ts.series[name]!.values[k]! * (t - t0);
    total += t - t0;
    t0 = t;
  });
  return sum / total;
}

const strip = (r: SimResult): string => {
  const { perf: _p, timeseries: _t, ...rest } = r;
  return JSON.stringify(rest);
};

describe("time series", () => {
  it("pvnetsim run paper-baseline --interval-ms 10 --json: means match the end-of-run aggregate and utilization", () => {
    const out = execFileSync("node", [cli, "run", "paper-baseline", "--interval-ms", "10", "--json"], { encoding: "utf8" });
    const r = JSON.parse(out) as SimResult;
    expect(r.state).toBe("completed");
    const ts = r.timeseries!;
    expect(ts.intervalMs).toBe(10);
    expect(ts.timeMs.length).toBe(Math.ceil(r.config.durationMs / 10));
    expect(ts.timeMs.at(-1)).toBeCloseTo(r.config.warmupMs + r.config.durationMs, 9);
    expect(ts.series["aggregateGbps"]!.unit).toBe("Gb/s");
    const agg = weightedMean(r, "aggregateGbps");
    expect(Math.abs(agg - r.throughput.aggregateGbps) / r.throughput.aggregateGbps).toBeLessThan(0.005);
    for (const vm of r.throughput.perVm) {
      expect(Math.abs(weightedMean(r, `vm${vm.vm}.goodputGbps`) - vm.goodputGbps)).toBeLessThan(0.005 * r.throughput.aggregateGbps);
    }
    for (const c of r.cpu) {
      const name = `cpu.${c.domain}.${c.vcpu}`;
      expect(ts.series[`${name}.utilization`]!.unit).toBe("fraction");
      expect(Math.abs(weightedMean(r, `${name}.utilization`) - c.utilization)).toBeLessThan(0.005);
      for (const [comp, frac] of Object.entries(c.breakdown)) {
        expect(Math.abs(weightedMean(r, `${name}.${comp}`) - frac)).toBeLessThan(0.005);
      }
      for (const u of ts.series[`${name}.utilization`]!.values) {
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThanOrEqual(1 + 1e-9);
      }
    }
    // The baseline's single dom0 VCPU is saturated: in the median interval, and in every interval
    // that neither saw nor followed a drop. After drops at a full vif queue, TCP's recovery can
    // leave dom0 briefly without frames to process, so those intervals may dip.
    const util = ts.series["cpu.dom0.0.utilization"]!.values;
    const drops = ts.series["drops.vif_qdisc_full"]!.values;
    expect([...util].sort((a, b) => a - b)[util.length >> 1]).toBeGreaterThan(0.99);
    const calm = util.filter((_, i) => i > 0 && drops[i] === 0 && drops[i - 1] === 0);
    expect(calm.length).toBeGreaterThan(0);
    expect(Math.min(...calm)).toBeGreaterThan(0.99);
    // Gauges stay within their structures' sizes.
    for (let g = 0; g < r.config.guests.count; g++) {
      for (const k of ["txRing.requests", "txRing.responses", "rxRing.requests", "rxRing.responses"]) {
        for (const v of ts.series[`vif${g}.${k}`]!.values) expect(v).toBeLessThanOrEqual(256);
      }
      for (const v of ts.series[`vif${g}.qdisc`]!.values) expect(v).toBeLessThanOrEqual(r.config.netback.queueLenPackets);
      expect(Math.max(...ts.series[`flow${g}.cwnd`]!.values)).toBeGreaterThan(0);
    }
    // Drop rates add up to the drops of the measured interval (the result counts the whole run).
    const dropsMeasured = Object.keys(r.drops).reduce((s, k) => s + weightedMean(r, `drops.${k}`) * (r.config.durationMs / 1e3), 0);
    expect(dropsMeasured).toBeLessThanOrEqual(r.conservation.dropped + 1e-6);
  });

  it("sampling changes nothing in the simulation, and chunking and buffer refills change no sample", async () => {
    const cfg = resolveConfig("paper-lro", { durationMs: 40, warmupMs: 20 });
    const plain = await simulate(cfg);
    // 0.01 ms intervals: 4000 records, several buffer fills per chunk.
    const a = await simulate(cfg, { intervalMs: 0.01 });
    const b = await simulate(cfg, { intervalMs: 0.01, chunkEvents: 777 });
    expect(strip(a)).toBe(strip(plain));
    expect(strip(b)).toBe(strip(plain));
    expect(a.timeseries!.timeMs.length).toBe(4000);
    expect(JSON.stringify(b.timeseries)).toBe(JSON.stringify(a.timeseries));
    expect(Math.abs(weightedMean(a, "aggregateGbps") - a.throughput.aggregateGbps)).toBeLessThan(1e-9 + 1e-6 * a.throughput.aggregateGbps);
    // Engine events per second times the measured interval: the events of the measured interval.
    expect(weightedMean(a, "events.engine") * 0.04).toBeGreaterThan(0);
  });

  it("works with per-guest traffic profiles (flows from the model's flow table)", async () => {
    const r = await simulate(resolveConfig("mixed-workload", { durationMs: 20, warmupMs: 10 }), { intervalMs: 5 });
    expect(r.state).toBe("completed");
    expect(r.timeseries!.timeMs).toHaveLength(4);
    expect(Object.keys(r.timeseries!.series).some((k) => /^flow\d+\.cwnd$/.test(k))).toBe(true);
  });

  it("an interval that does not divide the measured interval ends with a shorter one", async () => {
    const r = await simulate(resolveConfig("paper-baseline", { durationMs: 25, warmupMs: 10 }), { intervalMs: 10 });
    expect(r.timeseries!.timeMs).toEqual([20, 30, 35]);
    expect(Math.abs(weightedMean(r, "aggregateGbps") - r.throughput.aggregateGbps) / r.throughput.aggregateGbps).toBeLessThan(1e-9);
  });

  it("--timeseries writes CSV with units in the header; the table shows sparklines", () => {
    const dir = mkdtempSync(join(tmpdir(), "pvnetsim-ts-"));
    try {
      const file = join(dir, "ts.csv");
      const out = execFileSync("node", [cli, "run", "paper-baseline", "--duration-ms", "50", "--warmup-ms", "20", "--interval-ms", "5", "--timeseries", file], { encoding: "utf8" });
      expect(out).toMatch(/time series: 10 intervals of 5 ms/);
      expect(out).toMatch(/dom0\.0 busy +[▁▂▃▄▅▆▇█]{10}/);
      const lines = readFileSync(file, "utf8").trim().split("\n");
      expect(lines.length).toBe(11);
      const header = lines[0]!.split(",");
      expect(header[0]).toBe("timeMs");
      expect(header).toContain("aggregateGbps [Gb/s]");
      expect(header).toContain("vif0.qdisc [packets]");
      expect(lines[1]!.split(",").length).toBe(header.length);
      expect(Number(lines[10]!.split(",")[0])).toBe(70);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bad intervals get a one-line error naming the option", async () => {
    for (const [args, pattern] of [
      [["--interval-ms", "-1"], /--interval-ms: "-1" is not allowed; expected a number > 0/],
      [["--interval-ms", "0.0000001"], /intervalMs: 1e-7 is not allowed; expected at least/],
      [["--timeseries", "/nonexistent-dir/x.csv"], /--timeseries: "\/nonexistent-dir\/x.csv" is not allowed/],
    ] as const) {
      const p = spawnSync("node", [cli, "run", "paper-baseline", ...args], { encoding: "utf8" });
      expect(p.status).toBe(2);
      expect(p.stderr.trim().split("\n")).toHaveLength(1);
      expect(p.stderr).toMatch(pattern);
    }
    await expect(simulate("paper-baseline", { intervalMs: 0 })).rejects.toThrow(/intervalMs: 0 is not allowed/);
  });
});
