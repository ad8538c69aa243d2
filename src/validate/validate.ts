// Runs the published-results suite: every runnable result's scenario (and reference, for ratios)
// over N seeds on the worker pool, then compares the mean with the published figure.
//
// Statistics: numeric metrics are averaged over seeds with a Student-t 95% interval of the mean;
// a ratio is formed per seed (scenario and reference share the seed) and then averaged, so the
// interval reflects run-to-run variation of the ratio itself. A categorical (bottleneck) result
// matches when every seed's diagnosis has the published kind in the published domain.
//
// Identical configurations are run once and shared between results (the reference of one result
// is often another result's scenario).

import type { ResolvedConfig } from "../config/schema.js";
import type { SimResult } from "../result.js";
import { runPool, defaultThreads, type PoolProgress } from "../pool/pool.js";
import { summarize } from "../reproduce/stats.js";
import { PVNETSIM_VERSION, ASSEMBLYSCRIPT_VERSION } from "../version.js";
import { loadSuite, resolveScenario, type ValidationResult } from "./suite.js";

export interface ValidateOptions {
  module: WebAssembly.Module;
  seeds?: number;
  threads?: number;
  /** Measured interval and warm-up of every run, ms (default: the scenarios' own). */
  durationMs?: number;
  warmupMs?: number;
  dir?: string;
  /**
   * Parameter overrides applied to every scenario and reference (dotted paths), e.g. fitted cost constants under trial.
   */
  overrides?: Record<string, unknown>;
  /** Run only the results this accepts (the others are listed as not run). */
  only?: (v: ValidationResult) => boolean;
  onProgress?: (p: PoolProgress) => void;
  signal?: AbortSignal;
}

export interface ResultRow {
  id: string;
  title: string;
  source: string;
  citation: string;
  where: string;
  url: string;
  row: string;
  status: "runnable" | "pending";
  pendingMechanism?: string;
  metric: string;
  compare: string;
  unit: string;
  /** Published value (numeric) or "kind in domain" (categorical). */
  published: number | string;
  /** Ordering results: the simulated value must lie above or below the published one. */
  relation?: "above" | "below";
  /** Simulated mean (numeric) or the diagnosed "kind where" of each seed (categorical); null when not run. */
  simulated: number | string | null;
  ci95: number | null;
  /** (simulated - published) / published; null for categorical and pending results. */
  error: number | null;
  tolerance: number;
  toleranceWhy: string;
  within: boolean | null;
  fitted: string | false;
  role: "training" | "held-out";
  testbed: { fact: string; status: "stated" | "assumed" }[];
  perSeed: (number | string)[];
  /** Bottleneck diagnoses of the scenario's runs, one per seed. */
  bottlenecks: string[];
  erroredRuns: number;
}

export interface ValidateReport {
  versions: { pvnetsim: string; assemblyscript: string };
  /**
   * One hash over the event-sequence fingerprints of every run, in task order (docs/fingerprints.md): equal values mean
   * the model behaved identically on the whole suite.
   */
  modelFingerprint: string | null;
  seeds: number[];
  durationMs: number | null;
  warmupMs: number | null;
  rows: ResultRow[];
  counts: {
    results: number;
    runnable: number;
    pending: number;
    sources: number;
    runnableSources: number;
    withinTolerance: number;
    heldOut: number;
    heldOutWithin: number;
    training: number;
    trainingWithin: number;
  };
  /** Root-mean-square of log(simulated / published) over numeric results (not ordering ones), by role. */
  rmsLogError: { training: number | null; heldOut: number | null };
  wallSeconds: number;
}

const cfgKey = (c: ResolvedConfig): string => JSON.stringify(c);

export function bottleneckLabel(r: SimResult): string {
  return `${r.bottleneck.kind}${r.bottleneck.where ? ` ${r.bottleneck.where}` : ""}`;
}

/** Total busy cycles of all VCPUs per packet netback delivered (for cost-ratio results). */
function cyclesPerPacket(r: SimResult): number {
  const busy =
    r.cpu.reduce((s, c) => s + c.utilization, 0) * r.config.durationMs * 1e-3 * r.config.cpu.frequencyGHz * 1e9;
  return busy / Math.max(1, r.events["netbackRxPackets"] ?? 0);
}

/** Total busy cycles of all VCPUs per byte the guests' applications received: a cost that does not
 *  depend on which path carries the bytes (netback's packet count does not exist on an SR-IOV path). */
function cyclesPerByte(r: SimResult): number {
  const seconds = r.config.durationMs * 1e-3;
  const busy = r.cpu.reduce((s, c) => s + c.utilization, 0) * seconds * r.config.cpu.frequencyGHz * 1e9;
  return busy / Math.max(1, (r.throughput.aggregateGbps * 1e9 * seconds) / 8);
}

const txGbps = (r: SimResult): number => r.throughput.perVm.reduce((s, v) => s + v.txGoodputGbps, 0);

function metricValue(metric: string, r: SimResult): number {
  switch (metric) {
    case "aggregateGbps":
    case "ratioAggregate":
      return r.throughput.aggregateGbps;
    case "txGbps":
    case "ratioTxGbps":
      return txGbps(r);
    case "ratioCyclesPerPacket":
      return cyclesPerPacket(r);
    case "ratioCyclesPerByte":
      return cyclesPerByte(r);
    default:
      return NaN;
  }
}

export async function runValidation(opts: ValidateOptions): Promise<ValidateReport> {
  const t0 = performance.now();
  const suite = loadSuite(opts.dir);
  const nSeeds = opts.seeds ?? 3;
  if (!Number.isInteger(nSeeds) || nSeeds < 1)
    throw new RangeError(`seeds: ${nSeeds} is not allowed; expected an integer >= 1`);
  const seeds = Array.from({ length: nSeeds }, (_, i) => i + 1);
  const runOverrides: Record<string, unknown> = { ...(opts.overrides ?? {}) };
  if (opts.durationMs !== undefined) runOverrides["durationMs"] = opts.durationMs;
  if (opts.warmupMs !== undefined) runOverrides["warmupMs"] = opts.warmupMs;

  // Distinct configurations, in suite order.
  const configs: ResolvedConfig[] = [];
  const index = new Map<string, number>();
  const configOf = (v: ValidationResult, which: "scenario" | "reference"): number => {
    const c = resolveScenario(v[which]!, runOverrides);
    const k = cfgKey(c);
    let i = index.get(k);
    if (i === undefined) {
      i = configs.length;
      configs.push(c);
      index.set(k, i);
    }
    return i;
  };
  const runnable = suite.filter((v) => v.status === "runnable" && (opts.only ? opts.only(v) : true));
  const plan = runnable.map((v) => ({
    v,
    scen: configOf(v, "scenario"),
    ref: v.reference ? configOf(v, "reference") : null,
  }));
  const tasks = configs.flatMap((config) => seeds.map((seed) => ({ config, seed })));
  const threads = Math.max(1, Math.min(opts.threads ?? defaultThreads(), tasks.length));
  const results = tasks.length
    ? await runPool(tasks, {
        module: opts.module,
        threads,
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
    : [];
  const runsOf = (i: number): SimResult[] => results.slice(i * nSeeds, (i + 1) * nSeeds);

  const rows: ResultRow[] = suite.map((v) => {
    const base: ResultRow = {
      id: v.id,
      title: v.title,
      source: v.source.key,
      citation: v.source.citation,
      where: v.source.where,
      url: v.source.url,
      row: v.source.row,
      status: v.status,
      metric: v.metric,
      compare: v.compare,
      unit: v.metric === "bottleneck" ? "" : v.published.unit!,
      published:
        v.metric === "bottleneck"
          ? `${v.published.kind}${v.published.domain ? ` in ${v.published.domain}` : ""}`
          : v.published.value!,
      simulated: null,
      ci95: null,
      error: null,
      tolerance: v.tolerance.relative,
      toleranceWhy: v.tolerance.why,
      within: null,
      fitted: v.fitted,
      role: v.role,
      testbed: v.testbed,
      perSeed: [],
      bottlenecks: [],
      erroredRuns: 0,
    };
    if (v.pendingMechanism !== undefined) base.pendingMechanism = v.pendingMechanism;
    if (v.published.relation !== undefined) base.relation = v.published.relation;
    return base;
  });

  for (const { v, scen, ref } of plan) {
    const row = rows.find((r) => r.id === v.id)!;
    const sRuns = runsOf(scen);
    const rRuns = ref === null ? null : runsOf(ref);
    const failed = [...sRuns, ...(rRuns ?? [])].filter((r) => r.state !== "completed");
    row.erroredRuns = failed.length;
    row.bottlenecks = sRuns.map(bottleneckLabel);
    if (failed.length > 0) {
      row.within = false;
      row.simulated = null;
      continue;
    }
    if (v.metric === "bottleneck") {
      const hits = sRuns.map(
        (r) => r.bottleneck.kind === v.published.kind && r.bottleneck.where.startsWith(v.published.domain ?? ""),
      );
      row.perSeed = sRuns.map(bottleneckLabel);
      const distinct = [...new Set(row.perSeed as string[])];
      row.simulated = distinct.join(" / ");
      row.within = hits.every(Boolean);
      continue;
    }
    const xs = sRuns.map((r, i) => {
      const x = metricValue(v.metric, r);
      return rRuns ? x / metricValue(v.metric, rRuns[i]!) : x;
    });
    const s = summarize(xs);
    row.perSeed = xs;
    row.simulated = s.mean;
    row.ci95 = s.ciHalfWidth;
    const pub = v.published.value!;
    row.error = (s.mean - pub) / pub;
    if (v.published.relation === "above") row.within = s.mean > pub;
    else if (v.published.relation === "below") row.within = s.mean < pub;
    else row.within = Math.abs(row.error) <= v.tolerance.relative + 1e-12;
  }

  const ran = rows.filter((r) => r.status === "runnable" && r.within !== null);
  // Ordering results bound the value from one side: their distance from the bound is no error.
  const numeric = ran.filter((r) => typeof r.simulated === "number" && typeof r.published === "number" && !r.relation);
  const rms = (rs: ResultRow[]): number | null =>
    rs.length
      ? Math.sqrt(
          rs.reduce((a, r) => a + Math.log((r.simulated as number) / (r.published as number)) ** 2, 0) / rs.length,
        )
      : null;
  const fps = results.map((r: SimResult) => r.fingerprint).filter((f: string) => typeof f === "string" && f.length > 0);
  const report: ValidateReport = {
    versions: { pvnetsim: PVNETSIM_VERSION, assemblyscript: ASSEMBLYSCRIPT_VERSION },
    modelFingerprint: fps.length === results.length && fps.length > 0 ? combineFingerprints(fps) : null,
    seeds,
    durationMs: opts.durationMs ?? null,
    warmupMs: opts.warmupMs ?? null,
    rows,
    counts: {
      results: rows.length,
      runnable: ran.length,
      pending: rows.length - ran.length,
      sources: new Set(rows.map((r) => r.source)).size,
      runnableSources: new Set(ran.map((r) => r.source)).size,
      withinTolerance: ran.filter((r) => r.within).length,
      heldOut: ran.filter((r) => r.role === "held-out").length,
      heldOutWithin: ran.filter((r) => r.role === "held-out" && r.within).length,
      training: ran.filter((r) => r.role === "training").length,
      trainingWithin: ran.filter((r) => r.role === "training" && r.within).length,
    },
    rmsLogError: {
      training: rms(numeric.filter((r) => r.role === "training")),
      heldOut: rms(numeric.filter((r) => r.role === "held-out")),
    },
    wallSeconds: 0,
  };
  report.wallSeconds = (performance.now() - t0) / 1e3;
  return report;
}

/** One 64-bit FNV-1a hash over the runs' fingerprints in task order, as 16 hex digits. */
export function combineFingerprints(fps: readonly string[]): string {
  let h = 0xcbf29ce484222325n;
  const mask = (1n << 64n) - 1n;
  for (const f of fps) {
    for (let i = 0; i < f.length; i++) {
      h ^= BigInt(f.charCodeAt(i));
      h = (h * 0x100000001b3n) & mask;
    }
    h ^= 0x2cn;
    h = (h * 0x100000001b3n) & mask;
  }
  return h.toString(16).padStart(16, "0");
}
