// Latency percentiles from the engine's log-linear latency histogram: the bucket layout (the
// inverse of the Wasm side's bucket function) and the quantile read from it.

import * as L from "../abi/layout.js";
import { u64Numbers } from "./u64.js";

/**
 * Latency percentiles from the log-linear histogram (bucket midpoint), in cycles, one per
 * fraction of `qs`, read in one pass. `maxCycles`, the largest sample when it is known, bounds the
 * answer: the midpoint of the top bucket can lie above every sample in it, and no percentile
 * exceeds the maximum. 0 for an empty histogram.
 */
export function histogramQuantiles(
  h: BigUint64Array | ArrayLike<number>,
  qs: readonly number[],
  maxCycles = Infinity,
): number[] {
  const counts = h instanceof BigUint64Array ? u64Numbers(h) : h;
  const out = qs.map(() => 0);
  let total = 0;
  for (let b = 0; b < counts.length; b++) total += counts[b]!;
  if (total === 0) return out;
  // The fractions in increasing order: each is the first bucket where the running count reaches it.
  const order = qs.map((_, i) => i).sort((a, b) => qs[a]! - qs[b]!);
  let k = 0;
  let acc = 0;
  for (let b = 0; b < counts.length && k < order.length; b++) {
    acc += counts[b]!;
    while (k < order.length && acc >= qs[order[k]!]! * total) {
      const [lo, hi] = bucketRange(b);
      out[order[k]!] = Math.min((lo + hi) / 2, maxCycles);
      k++;
    }
  }
  return out;
}

/** One latency percentile (histogramQuantiles with one fraction). */
export const histogramQuantile = (h: BigUint64Array | ArrayLike<number>, q: number, maxCycles = Infinity): number =>
  histogramQuantiles(h, [q], maxCycles)[0]!;

/** [lo, hi) cycles covered by latency bucket b (inverse of assembly/stats.ts latBucket). */
export function bucketRange(b: number): [number, number] {
  const sub = 1 << L.LAT_SUB_BITS;
  if (b < sub) return [b, b + 1];
  const shift = Math.floor(b / sub) - 1;
  const mant = b % sub;
  const lo = (sub + mant) * 2 ** shift;
  return [lo, lo + 2 ** shift];
}
