// The confidence-interval statistics of `pvnetsim reproduce` against published table values
// (Student t two-sided critical values, e.g. NIST/SEMATECH e-Handbook table 1.3.6.7.2).
import { describe, expect, it } from "vitest";
import { tQuantile, tCdf, normalQuantile, summarize, sampleStdDev, incompleteBeta } from "../../src/reproduce/stats.js";

describe("Student t quantiles", () => {
  const table: [number, number, number][] = [
    // df, t(0.975), t(0.995)
    [1, 12.706, 63.657],
    [2, 4.303, 9.925],
    [3, 3.182, 5.841],
    [4, 2.776, 4.604],
    [5, 2.571, 4.032],
    [9, 2.262, 3.25],
    [10, 2.228, 3.169],
    [29, 2.045, 2.756],
    [30, 2.042, 2.75],
    [100, 1.984, 2.626],
  ];
  for (const [df, q975, q995] of table) {
    it(`df = ${df}`, () => {
      expect(tQuantile(0.975, df)).toBeCloseTo(q975, 3);
      expect(tQuantile(0.995, df)).toBeCloseTo(q995, 3);
    });
  }
  it("is symmetric, inverts the CDF, and tends to the normal", () => {
    expect(tQuantile(0.025, 4)).toBeCloseTo(-2.7764451, 6);
    expect(tQuantile(0.5, 7)).toBe(0);
    for (const df of [1, 3, 12.5, 60]) for (const p of [0.6, 0.9, 0.975, 0.999]) expect(tCdf(tQuantile(p, df), df)).toBeCloseTo(p, 10);
    expect(tQuantile(0.975, Infinity)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 6);
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 5);
  });
  it("closed forms: t(1) is Cauchy, t(2) has an explicit CDF", () => {
    for (const t of [0.3, 1, 4]) {
      expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
  });
  it("rejects what has no answer", () => {
    expect(() => tQuantile(1, 3)).toThrow(RangeError);
    expect(() => tQuantile(0.9, 0)).toThrow(RangeError);
  });
});

describe("summarize", () => {
  it("mean +- t * s / sqrt(n)", () => {
    const s = summarize([1, 2, 3, 4, 5]);
    expect(s.mean).toBe(3);
    expect(s.stdDev).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.ciHalfWidth).toBeCloseTo((2.7764451051977934 * Math.sqrt(2.5)) / Math.sqrt(5), 9);
    expect([s.min, s.max, s.n]).toEqual([1, 5, 5]);
  });
  it("one sample has no interval (null, not zero); identical samples have zero width", () => {
    expect(summarize([2.2]).ciHalfWidth).toBeNull();
    expect(summarize([2, 2, 2]).ciHalfWidth).toBe(0);
    expect(sampleStdDev([4])).toBe(0);
  });
});
