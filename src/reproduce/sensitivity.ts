// Sensitivity of the paper's two published points to the fitted cost constants: the baseline and
// the all-four-techniques throughput when each fitted constant (PARAMS entries with `fitted`)
// moves by -20% and +20%, every other parameter at its default. Presets never change costs
// (presets.ts), so the same constant moves in both scenarios.

import { PARAMS, type ParamSpec } from "../config/params.js";
import { resolveConfig } from "../config/schema.js";
import { PVNETSIM_VERSION } from "../version.js";
import { runPool, defaultThreads, type PoolProgress, type PoolTask } from "../pool/pool.js";
import { summarize } from "./stats.js";

export interface SensitivityOptions {
  module: WebAssembly.Module;
  /** Scenarios (default: paper-baseline and paper-lro). */
  presets?: readonly string[];
  /** Relative move of each constant (default 0.2 = +-20%). */
  delta?: number;
  /** Seeds 1..seeds per point (default 3). */
  seeds?: number;
  durationMs?: number;
  warmupMs?: number;
  /** Move every costs.* parameter, not only the fitted ones. */
  allCosts?: boolean;
  threads?: number;
  onProgress?: (p: PoolProgress) => void;
}

export interface SensitivityPoint {
  value: number;
  gbps: number;
  ci95Gbps: number | null;
  /** Change against the default value's throughput, percent. */
  changePct: number;
}

export interface SensitivityRow {
  path: string;
  unit: string;
  default: number;
  fitted: string | null;
  /** Per preset: throughput at -delta, at the default, at +delta. */
  presets: Record<string, { minus: SensitivityPoint; base: SensitivityPoint; plus: SensitivityPoint }>;
}

export interface SensitivityReport {
  tool: "pvnetsim sensitivity";
  version: string;
  settings: {
    presets: string[];
    delta: number;
    seeds: number[];
    durationMs: number;
    warmupMs: number;
    allCosts: boolean;
  };
  /** Throughput of each preset with every cost at its default. */
  base: Record<string, { gbps: number; ci95Gbps: number | null }>;
  rows: SensitivityRow[];
  wallSeconds: number;
}

/** The cost parameters the sensitivity moves: the fitted ones (or all costs.*). */
export function sensitivityParams(allCosts = false): ParamSpec[] {
  return PARAMS.filter((p) => p.path.startsWith("costs.") && (allCosts || p.fitted !== undefined));
}

export async function runSensitivity(opts: SensitivityOptions): Promise<SensitivityReport> {
  const presets = [...(opts.presets ?? ["paper-baseline", "paper-lro"])];
  const delta = opts.delta ?? 0.2;
  const nSeeds = opts.seeds ?? 3;
  const seeds = Array.from({ length: nSeeds }, (_, i) => i + 1);
  const params = sensitivityParams(opts.allCosts === true);
  const run: Record<string, unknown> = {};
  if (opts.durationMs !== undefined) run["durationMs"] = opts.durationMs;
  if (opts.warmupMs !== undefined) run["warmupMs"] = opts.warmupMs;

  // Point list: per preset, the default, then each param at (1 - delta) and (1 + delta).
  interface Point {
    preset: string;
    path: string | null;
    value: number | null;
  }
  const points: Point[] = [];
  for (const preset of presets) {
    points.push({ preset, path: null, value: null });
    for (const p of params) {
      const d = p.default as number;
      points.push({ preset, path: p.path, value: d * (1 - delta) }, { preset, path: p.path, value: d * (1 + delta) });
    }
  }
  const tasks: PoolTask[] = points.flatMap((pt) => {
    const config = resolveConfig(pt.preset, pt.path === null ? run : { ...run, [pt.path]: pt.value });
    return seeds.map((seed) => ({ config, seed }));
  });
  const first = resolveConfig(presets[0] ?? "paper-baseline", run);
  const t0 = performance.now();
  const results = await runPool(tasks, {
    module: opts.module,
    threads: Math.min(opts.threads ?? defaultThreads(), tasks.length),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const errored = results.filter((r) => r.state !== "completed");
  if (errored.length)
    throw new Error(`sensitivity: ${errored.length} run(s) failed, e.g. ${errored[0]!.error ?? errored[0]!.state}`);
  const stat = (i: number): { gbps: number; ci95Gbps: number | null } => {
    const s = summarize(results.slice(i * nSeeds, (i + 1) * nSeeds).map((r) => r.throughput.aggregateGbps));
    return { gbps: s.mean, ci95Gbps: s.ciHalfWidth };
  };
  const base: SensitivityReport["base"] = {};
  const rows: SensitivityRow[] = params.map((p) => ({
    path: p.path,
    unit: p.unit,
    default: p.default as number,
    fitted: p.fitted ?? null,
    presets: {},
  }));
  points.forEach((pt, i) => {
    const s = stat(i);
    if (pt.path === null) base[pt.preset] = s;
  });
  points.forEach((pt, i) => {
    if (pt.path === null) return;
    const row = rows.find((r) => r.path === pt.path)!;
    const b = base[pt.preset]!;
    const s = stat(i);
    const point: SensitivityPoint = {
      value: pt.value!,
      gbps: s.gbps,
      ci95Gbps: s.ci95Gbps,
      changePct: ((s.gbps - b.gbps) / b.gbps) * 100,
    };
    const entry = (row.presets[pt.preset] ??= {
      minus: point,
      base: { value: row.default, gbps: b.gbps, ci95Gbps: b.ci95Gbps, changePct: 0 },
      plus: point,
    });
    if (pt.value! < row.default) entry.minus = point;
    else entry.plus = point;
  });
  return {
    tool: "pvnetsim sensitivity",
    version: PVNETSIM_VERSION,
    settings: {
      presets,
      delta,
      seeds,
      durationMs: first.durationMs,
      warmupMs: first.warmupMs,
      allCosts: opts.allCosts === true,
    },
    base,
    rows,
    wallSeconds: (performance.now() - t0) / 1e3,
  };
}
