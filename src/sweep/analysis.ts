// Statistics of a sweep for its report: per-cell means with 95 % intervals kept inside the
// metric's physical range (and no interval at all below three replications), and a main-effects
// summary that says which axis moves which metric.
//
// Main effects, per metric, over every completed record (each replication counts once):
//   level means      the mean of the metric over all records at one value of the axis;
//   spread           largest minus smallest level mean, in the metric's unit;
//   share            the fraction of the metric's total variance that the axis explains,
//                    SS_between(axis) / SS_total (eta squared; for a full grid the axes'
//                    shares and their interactions add up to at most 1);
// and, for the pairs of the strongest axes, the two-way interaction's share,
//   (SS_between(cells of a x b) - SS_a - SS_b) / SS_total,
// what the pair explains beyond the two main effects. A share near 0 means the axis does not move
// the metric in this sweep; it says nothing outside the swept range.

import { tQuantile } from "../reproduce/stats.js";

export interface CellStats {
  mean: number;
  /** 95 % interval of the mean, clipped to the physical range; null below MIN_CI_REPLICATIONS. */
  lo: number | null;
  hi: number | null;
  n: number;
  /** The Student-t interval reached outside the physical range and was cut at its bound. */
  clipped: boolean;
}

/** Fewer replications than this give no interval: the raw values are shown instead. */
export const MIN_CI_REPLICATIONS = 3;

/** Mean and 95 % interval of replications, the interval cut to [min, max] (null: no bound). */
export function cellStats(xs: readonly number[], bounds: [number | null, number | null] = [null, null]): CellStats {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < MIN_CI_REPLICATIONS) return { mean, lo: null, hi: null, n, clipped: false };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const h = tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
  let lo = mean - h;
  let hi = mean + h;
  let clipped = false;
  const [min, max] = bounds;
  if (min !== null && lo < min) {
    lo = min;
    clipped = true;
  }
  if (max !== null && hi > max) {
    hi = max;
    clipped = true;
  }
  return { mean, lo, hi, n, clipped };
}

/** Half-width of the 95 % t interval of the mean (Infinity below two values). */
export function ciHalfWidth(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return Infinity;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
}

/** One observation: the value of a metric and the label of each axis at its point. */
export interface Observation {
  levels: Record<string, string>;
  value: number;
}

export interface AxisEffect {
  axis: string;
  /** Level label -> mean, in level order. */
  levelMeans: { level: string; mean: number; n: number }[];
  /** max - min of the level means, in the metric's unit. */
  spread: number;
  /** SS_between / SS_total, 0..1 (0 when the metric does not vary at all). */
  share: number;
}

export interface Interaction {
  axes: [string, string];
  /** Share of the total variance explained by the pair beyond their main effects, 0..1. */
  share: number;
}

export interface MetricEffects {
  metric: string;
  /** Observations used (completed records with a numeric value). */
  n: number;
  mean: number;
  /** Standard deviation of all observations. */
  sd: number;
  /** Every axis with more than one level, strongest first. */
  effects: AxisEffect[];
  /** Two-way interactions of the strongest axes (up to three pairs), strongest first. */
  interactions: Interaction[];
  /** Share left to replications (seed) and higher-order interactions: 1 - mains - listed pairs. */
  residualShare: number;
}

function groupSS(
  obs: readonly Observation[],
  key: (o: Observation) => string,
  grand: number,
): { ss: number; groups: Map<string, { sum: number; n: number }> } {
  const groups = new Map<string, { sum: number; n: number }>();
  for (const o of obs) {
    const k = key(o);
    const g = groups.get(k) ?? { sum: 0, n: 0 };
    g.sum += o.value;
    g.n++;
    groups.set(k, g);
  }
  let ss = 0;
  for (const g of groups.values()) ss += g.n * (g.sum / g.n - grand) ** 2;
  return { ss, groups };
}

/**
 * Main effects and two-way interactions of `axes` (each with its levels in order) on one metric.
 * Axes with a single level are left out (they cannot explain anything).
 */
export function mainEffects(
  metric: string,
  obs: readonly Observation[],
  axes: readonly { name: string; levels: readonly string[] }[],
): MetricEffects {
  const n = obs.length;
  const grand = n ? obs.reduce((a, o) => a + o.value, 0) / n : 0;
  const ssTotal = obs.reduce((a, o) => a + (o.value - grand) ** 2, 0);
  // Relative to the values' size: a metric that is constant up to rounding has nothing to explain.
  const flat = ssTotal <= 1e-24 * Math.max(1, n * grand * grand);
  const effects: AxisEffect[] = [];
  const ssMain = new Map<string, number>();
  for (const a of axes) {
    if (a.levels.length < 2) continue;
    const { ss, groups } = groupSS(obs, (o) => o.levels[a.name] ?? "", grand);
    ssMain.set(a.name, ss);
    const levelMeans = a.levels
      .filter((l) => groups.has(l))
      .map((l) => {
        const g = groups.get(l)!;
        return { level: l, mean: g.sum / g.n, n: g.n };
      });
    const means = levelMeans.map((l) => l.mean);
    effects.push({
      axis: a.name,
      levelMeans,
      spread: means.length ? Math.max(...means) - Math.min(...means) : 0,
      share: flat ? 0 : ss / ssTotal,
    });
  }
  effects.sort((x, y) => y.share - x.share || y.spread - x.spread);
  const top = effects.slice(0, 3).map((e) => e.axis);
  const interactions: Interaction[] = [];
  for (let i = 0; i < top.length; i++) {
    for (let j = i + 1; j < top.length; j++) {
      const a = top[i]!;
      const b = top[j]!;
      const { ss } = groupSS(obs, (o) => `${o.levels[a] ?? ""}\u0000${o.levels[b] ?? ""}`, grand);
      const inter = Math.max(0, ss - (ssMain.get(a) ?? 0) - (ssMain.get(b) ?? 0));
      // Named in axis order, so that the same pair reads the same for every metric.
      const [p, q] = axes.findIndex((x) => x.name === a) < axes.findIndex((x) => x.name === b) ? [a, b] : [b, a];
      interactions.push({ axes: [p, q], share: flat ? 0 : inter / ssTotal });
    }
  }
  interactions.sort((x, y) => y.share - x.share);
  const explained = effects.reduce((s, e) => s + e.share, 0) + interactions.reduce((s, e) => s + e.share, 0);
  return {
    metric,
    n,
    mean: grand,
    sd: n > 1 ? Math.sqrt(ssTotal / (n - 1)) : 0,
    effects,
    interactions,
    residualShare: flat ? 0 : Math.max(0, 1 - explained),
  };
}
