// Counters read as numbers from their 32-bit halves (src/report/u64.ts) equal Number() of the
// BigInt, bit for bit: below 2^53, at it, above it (the BigInt fallback), and for differences
// either way round.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { halves, u64At, u64Diff, u64Numbers } from "../../src/report/u64.js";

const EDGES = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];

describe("64-bit counters read as numbers", () => {
  it("equal Number() of the value and of the difference, at the edges and at random", () => {
    const check = (vals: bigint[]): void => {
      const a = BigUint64Array.from(vals);
      const b = BigUint64Array.from([...vals].reverse());
      const aw = halves(a);
      const bw = halves(b);
      expect(Array.from(u64Numbers(a))).toEqual(vals.map((v) => Number(v)));
      for (let i = 0; i < vals.length; i++) {
        expect(u64At(a, aw, i)).toBe(Number(a[i]!));
        expect(u64Diff(a, aw, b, bw, i)).toBe(Number(a[i]! - b[i]!));
      }
    };
    check(EDGES);
    const u64 = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.bigInt({ min: 0n, max: 2n ** 54n }),
      fc.bigInt({ min: 0n, max: 2n ** 33n }),
    );
    fc.assert(fc.property(fc.array(u64, { minLength: 1, maxLength: 16 }), check), { numRuns: 300, seed: 7 });
  });

  it("read a view into a larger buffer at its offset", () => {
    const all = BigUint64Array.from([5n, 2n ** 40n + 3n, 7n]);
    const v = all.subarray(1, 3);
    expect(u64At(v, halves(v), 0)).toBe(2 ** 40 + 3);
    expect(u64At(v, halves(v), 1)).toBe(7);
  });
});
