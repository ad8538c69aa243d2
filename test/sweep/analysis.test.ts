// Sweep statistics: intervals kept inside the physical range, no interval below three
// replications, and main effects / interactions on designs whose answer is known by construction.
import { describe, it, expect } from "vitest";
import { cellStats, mainEffects, type Observation } from "../../dist/src/sweep/analysis.js";
import { metricInfo, describeAxis } from "../../dist/src/sweep/metrics.js";
import { fmtNum } from "../../dist/src/sweep/report.js";

describe("cellStats", () => {
  it("gives no interval below three replications", () => {
    expect(cellStats([1, 3], [0, null])).toEqual({ mean: 2, lo: null, hi: null, n: 2, clipped: false });
  });

  it("cuts a Student-t interval at the physical bounds and says so", () => {
    // mean 1, sd 1.732, t(0.975, 2) = 4.302653: 1 -+ 4.30 would reach -3.3.
    const s = cellStats([0, 0, 3], [0, null]);
    expect(s.lo).toBe(0);
    expect(s.hi).toBeCloseTo(1 + 4.302653 * Math.sqrt(3) / Math.sqrt(3), 6);
    expect(s.clipped).toBe(true);
    const t = cellStats([3.70, 3.76, 3.766], [0, 3.766]);
    expect(t.hi).toBe(3.766);
    expect(t.clipped).toBe(true);
    const u = cellStats([2, 2.1, 2.2], [0, 3.766]);
    expect(u.clipped).toBe(false);
    expect(u.lo! + u.hi!).toBeCloseTo(2 * 2.1, 12);
  });
});

describe("mainEffects", () => {
  const axes = [
    { name: "a", levels: ["0", "1"] },
    { name: "b", levels: ["x", "y", "z"] },
    { name: "c", levels: ["only"] },
  ];
  const grid = (f: (a: number, b: number) => number): Observation[] => {
    const out: Observation[] = [];
    for (const a of [0, 1]) for (const [bi, b] of ["x", "y", "z"].entries()) for (const rep of [0, 1]) out.push({ levels: { a: String(a), b, c: "only" }, value: f(a, bi) + (rep ? 0.01 : -0.01) });
    return out;
  };

  it("finds the one axis that matters, with its spread in the metric's unit", () => {
    const e = mainEffects("m", grid((a) => 10 * a), axes);
    expect(e.effects.map((x) => x.axis)).toEqual(["a", "b"]);
    expect(e.effects[0]!.spread).toBeCloseTo(10, 9);
    expect(e.effects[0]!.share).toBeGreaterThan(0.999);
    expect(e.effects[1]!.share).toBeLessThan(1e-3);
    expect(e.effects[0]!.levelMeans.map((l) => l.level)).toEqual(["0", "1"]);
  });

  it("splits additive effects by their variance and finds a pure interaction", () => {
    const add = mainEffects("m", grid((a, b) => 2 * a + b), axes);
    const share = Object.fromEntries(add.effects.map((x) => [x.axis, x.share]));
    // Var(2a) = 1, Var(b over 0,1,2) = 2/3 (population): shares 0.6 and 0.4 up to the replication noise.
    expect(share["a"]).toBeCloseTo(0.6, 3);
    expect(share["b"]).toBeCloseTo(0.4, 3);
    expect(add.interactions[0]!.share).toBeLessThan(1e-3);
    const xor = mainEffects("m", grid((a, b) => (a === (b === 1 ? 1 : 0) ? 1 : 0)), axes);
    expect(xor.interactions[0]!.axes).toEqual(["a", "b"]);
    expect(xor.interactions[0]!.share).toBeGreaterThan(0.5);
  });

  it("reports nothing explained for a constant metric", () => {
    const e = mainEffects("m", grid(() => 5), axes.map((a) => a)).effects;
    expect(e.every((x) => x.share >= 0 && x.share < 0.5)).toBe(true);
  });
});

describe("metric and axis metadata", () => {
  it("carries units and physical ranges", () => {
    expect(metricInfo("throughput.aggregateGbps").title).toBe("aggregate TCP goodput (Gb/s)");
    expect(metricInfo("latency.p99Us").title).toBe("p99 latency (µs)");
    expect(metricInfo("summary.dom0CpuMax").bounds(null)).toEqual([0, 1]);
    expect(metricInfo("drops.nic_rx_ring_full").integer).toBe(true);
    expect(metricInfo("events.upcalls").unit).toBe("upcalls");
  });

  it("tells integer, numeric and categorical axes apart", () => {
    expect(describeAxis("dom0.vcpus", [1, 2, 4, 8])).toEqual({ name: "dom0.vcpus", title: "dom0.vcpus (VCPUs)", unit: "VCPUs", scale: "integer" });
    expect(describeAxis("nic.rateGbps", [1, 2.5, 10]).scale).toBe("number");
    expect(describeAxis("evtchn.dispatch", ["vcpu0", "dynamic"]).scale).toBe("category");
    expect(describeAxis("netfront.lro.enabled", [false, true]).scale).toBe("category");
    expect(describeAxis("technique", ["stock", "all four"]).scale).toBe("category");
  });

  it("formats numbers without -0", () => {
    expect(fmtNum(-0)).toBe("0");
    expect(fmtNum(-1e-15)).toBe("0");
    expect(fmtNum(3.76612)).toBe("3.766");
  });
});
