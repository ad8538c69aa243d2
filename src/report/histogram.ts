// Latency percentiles from the engine's log-linear latency histogram: the bucket layout (the
// inverse of the Wasm side's bucket function) and the quantile read from it.

import * as L from "../abi/layout.js";

/**
 * Latency percentile from the log-linear histogram (bucket midpoint), in cycles. `maxCycles`, the
 * largest sample when it is known, bounds the answer: the midpoint of the top bucket can lie above
 * every sample in it, and no percentile exceeds the maximum.
 */
export function histogramQuantile(h: BigUint64Array | number[], q: number, maxCycles = Infinity): number {
  let total = 0;
  for (const x of h) total += Number(x);
  if (total === 0) return 0;
  const target = q * total;
  let acc = 0;
  for (let b = 0; b < h.length; b++) {
    acc += Number(h[b]!);
    if (acc >= target) {
      const [lo, hi] = bucketRange(b);
      return Math.min((lo + hi) / 2, maxCycles);
    }
  }
  return 0;
}

/** [lo, hi) cycles covered by latency bucket b (inverse of assembly/stats.ts latBucket). */
export function bucketRange(b: number): [number, number] {
  const sub = 1 << L.LAT_SUB_BITS;
  if (b < sub) return [b, b + 1];
  const shift = Math.floor(b / sub) - 1;
  const mant = b % sub;
  const lo = (sub + mant) * 2 ** shift;
  return [lo, lo + 2 ** shift];
}
