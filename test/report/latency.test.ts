// Latency percentiles come from a log-linear histogram (bucket midpoints); a percentile never
// reads above the largest sample, which the model records exactly.

import { describe, expect, it } from "vitest";
import { bucketRange, histogramQuantile } from "../../src/report/histogram.js";
import { run } from "../helpers.js";

describe("latency percentiles", () => {
  it("are bounded by the largest sample when the top bucket's midpoint lies above it", () => {
    const b = 200;
    const [lo, hi] = bucketRange(b);
    expect(hi - lo).toBeGreaterThan(2);
    const h = new Array<number>(b + 1).fill(0);
    h[b] = 10;
    expect(histogramQuantile(h, 0.99)).toBe((lo + hi) / 2);
    expect(histogramQuantile(h, 0.99, lo + 1)).toBe(lo + 1);
  });

  it("p50 <= p99 <= max in a run's result", async () => {
    for (const preset of ["paper-lro", "paper-baseline"]) {
      const { latency: l } = await run(preset, { durationMs: 100, warmupMs: 50 });
      expect(l.count).toBeGreaterThan(0);
      expect(l.p50Us).toBeLessThanOrEqual(l.p99Us);
      expect(l.p99Us).toBeLessThanOrEqual(l.maxUs);
    }
  });
});
