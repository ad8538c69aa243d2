// `pvnetsim reproduce`: runs the paper's five cumulative steps with several seeds, summarizes
// them (mean and Student-t 95% CI over seeds) and evaluates the acceptance checks against the
// paper's published figures (src/paper.ts) from the measured numbers (checks.ts). Nothing here
// knows the answers: every check is computed from the runs, and a check that fails is reported as
// failing.

import { resolveConfig, type ResolvedConfig } from "../config/schema.js";
import { PRESETS } from "../config/presets.js";
import type { SimResult } from "../result.js";
import { PVNETSIM_VERSION } from "../version.js";
import { runPool, defaultThreads, type PoolProgress } from "../pool/pool.js";
import { summarize, mean } from "./stats.js";
import { PAPER_STEPS, TCP_CEILING_GBPS, PAPER_CITATION, type PaperStep } from "./steps.js";
import type { AblationRow } from "./ablation.js";
import { observationOf, observeSettings, type StepObservation } from "./observe.js";
import { evaluateChecks } from "./checks.js";

export { evaluateChecks } from "./checks.js";

export interface ReproduceOptions {
  module: WebAssembly.Module;
  /** Seeds per step: 1..seeds (default 5). */
  seeds?: number;
  /** Measured interval per run, ms (default: the preset's, 1000). */
  durationMs?: number;
  /** Warm-up per run, ms (default: the preset's). */
  warmupMs?: number;
  threads?: number;
  onProgress?: (p: PoolProgress) => void;
  signal?: AbortSignal;
  /** The trace build: with it, the first seed of each step samples time series and traces 2 ms. */
  traceModule?: WebAssembly.Module;
  /** Receives each step's trace (Chrome Trace Event JSON text). */
  onTrace?: (step: string, text: string) => void;
}

/** Mean utilization of one VCPU over the seeds, with its breakdown by component (fractions 0..1). */
export interface VcpuSummary {
  /** "dom0.0", "domU2.0", ... */
  id: string;
  domain: string;
  vcpu: number;
  utilization: number;
  breakdown: Record<string, number>;
}

export interface StepRun {
  seed: number;
  state: SimResult["state"];
  aggregateGbps: number;
  wallSeconds: number;
  error?: string;
}

export interface StepSummary {
  name: string;
  label: string;
  description: string;
  /** Gb/s stated in the paper's abstract; null where not published. */
  paperGbps: number | null;
  /** Mean aggregate TCP goodput over the completed seeds, Gb/s. */
  simulatedGbps: number;
  /** Half-width of the 95% confidence interval of the mean (Student t, n - 1 df); null with one seed. */
  ci95Gbps: number | null;
  /** [low, high] of the 95% CI, Gb/s. */
  ci95RangeGbps: [number, number] | null;
  stdDevGbps: number;
  minGbps: number;
  maxGbps: number;
  /** (simulated - paper) / paper, percent; null where the paper publishes nothing. */
  diffFromPaperPct: number | null;
  /** Mean busy fraction (0..1) of each dom0 VCPU, VCPU 0 first. */
  dom0Utilization: number[];
  /** Busiest / least busy dom0 VCPU among those carrying netback work (>= 1 % netback time). */
  dom0NetbackBusyRatio: number | null;
  /** dom0 VCPUs carrying netback work (>= 1 % of their time in netback). */
  dom0NetbackVcpus: number[];
  /** Share of dom0's netback + grant time spent on VCPU 0 (0..1). */
  dom0Vcpu0NetbackShare: number;
  /** Mean over seeds of result.derived.notificationsPerPacket (both directions, both rings). */
  notificationsPerPacket: number;
  /** Mean over seeds of result.derived.evtchnSendsPerPacket. */
  evtchnSendsPerPacket: number;
  /** Mean over seeds of result.derived.guestCyclesPerByte (guest busy cycles per payload byte). */
  guestCyclesPerByte: number;
  latencyP50Us: number;
  latencyP99Us: number;
  /** Every VCPU (dom0 first, then the guests), mean over seeds. */
  vcpus: VcpuSummary[];
  /** The most frequent bottleneck diagnosis over the seeds ("vcpu dom0.0", "wire port 3", ...) and its evidence. */
  bottleneck: string;
  bottleneckEvidence: string;
  runs: StepRun[];
  erroredRuns: number;
}

export interface Check {
  id: string;
  /** What is checked, with the rule. */
  description: string;
  pass: boolean;
  /** The measured numbers behind the verdict, in words. */
  detail: string;
  /** The key measured value(s). */
  values: Record<string, number | null>;
}

export interface ReproduceReport {
  tool: "pvnetsim reproduce";
  version: string;
  paper: string;
  settings: { seeds: number[]; durationMs: number; warmupMs: number; threads: number; confidence: 0.95 };
  tcpCeilingGbps: number;
  steps: StepSummary[];
  checks: Check[];
  allChecksPass: boolean;
  /** Each technique alone on the baseline (src/reproduce/ablation.ts); absent when not run. */
  ablation?: AblationRow[];
  /** Each step's first seed over time and its traced window (src/reproduce/observe.ts). */
  observe?: StepObservation[];
  wallSeconds: number;
}

/** The five resolved step configs (preset + the run-length overrides), in order. */
export function stepConfigs(opts: { durationMs?: number; warmupMs?: number }): ResolvedConfig[] {
  const overrides: Record<string, unknown> = {};
  if (opts.durationMs !== undefined) overrides["durationMs"] = opts.durationMs;
  if (opts.warmupMs !== undefined) overrides["warmupMs"] = opts.warmupMs;
  return PAPER_STEPS.map((s) => resolveConfig(s.name, overrides));
}

/** Runs 5 steps x N seeds on a worker pool and summarizes them. */
export async function runReproduce(opts: ReproduceOptions): Promise<ReproduceReport> {
  const nSeeds = opts.seeds ?? 5;
  if (!Number.isInteger(nSeeds) || nSeeds < 1)
    throw new RangeError(`seeds: ${nSeeds} is not allowed; expected an integer >= 1`);
  const seeds = Array.from({ length: nSeeds }, (_, i) => i + 1);
  const configs = stepConfigs(opts);
  const look = opts.traceModule ? observeSettings(configs[0]!.durationMs, configs[0]!.warmupMs) : undefined;
  const tasks = configs.flatMap((config) =>
    seeds.map((seed, k) => ({ config, seed, ...(k === 0 && look ? { observe: look } : {}) })),
  );
  const threads = Math.min(opts.threads ?? defaultThreads(), tasks.length);
  const t0 = performance.now();
  const traces = new Map<string, string>();
  const results = await runPool(tasks, {
    module: opts.module,
    threads,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.traceModule ? { traceModule: opts.traceModule } : {}),
    onTrace: (task, text) => traces.set(PAPER_STEPS[Math.floor(task / nSeeds)]!.name, text),
  });
  const byStep = PAPER_STEPS.map((_, i) => results.slice(i * nSeeds, (i + 1) * nSeeds));
  const report = summarizeReproduce(byStep, {
    seeds,
    durationMs: configs[0]!.durationMs,
    warmupMs: configs[0]!.warmupMs,
    threads,
  });
  report.wallSeconds = (performance.now() - t0) / 1e3;
  if (look) {
    const seen = PAPER_STEPS.map((st, i) => observationOf(st, byStep[i]![0]!, traces.get(st.name) ?? null));
    report.observe = seen.filter((o): o is StepObservation => o !== null);
    for (const [step, text] of traces) opts.onTrace?.(step, text);
  }
  return report;
}

const NETBACK_WORK_MIN = 0.01;

/** Summary of one step from its runs (one per seed). Errored runs are listed but not averaged. */
export function summarizeStep(step: PaperStep, description: string, runs: readonly SimResult[]): StepSummary {
  const ok = runs.filter((r) => r.state === "completed");
  const gbps = ok.map((r) => r.throughput.aggregateGbps);
  const s = summarize(gbps);
  const avg = (f: (r: SimResult) => number): number => (ok.length ? mean(ok.map(f)) : NaN);

  const vcpus: VcpuSummary[] = [];
  const first = ok[0] ?? runs[0];
  if (first) {
    first.cpu.forEach((c, i) => {
      const breakdown: Record<string, number> = {};
      for (const k of Object.keys(c.breakdown)) breakdown[k] = avg((r) => r.cpu[i]?.breakdown[k] ?? 0);
      vcpus.push({
        id: `${c.domain}.${c.vcpu}`,
        domain: c.domain,
        vcpu: c.vcpu,
        utilization: avg((r) => r.cpu[i]?.utilization ?? 0),
        breakdown,
      });
    });
  }
  const dom0 = vcpus.filter((v) => v.domain === "dom0");
  const netbackVcpus = dom0.filter((v) => (v.breakdown["netback"] ?? 0) >= NETBACK_WORK_MIN);
  const utils = netbackVcpus.map((v) => v.utilization);
  const ratio = utils.length ? Math.max(...utils) / Math.max(1e-12, Math.min(...utils)) : null;
  const nbWork = (v: VcpuSummary): number => (v.breakdown["netback"] ?? 0) + (v.breakdown["grant"] ?? 0);
  const nbTotal = dom0.reduce((a, v) => a + nbWork(v), 0);
  const ci = s.ciHalfWidth;
  const labels = ok.map((r) => `${r.bottleneck.kind}${r.bottleneck.where ? ` ${r.bottleneck.where}` : ""}`);
  const tally = new Map<string, number>();
  for (const l of labels) tally.set(l, (tally.get(l) ?? 0) + 1);
  const bottleneck = [...tally.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "n/a";
  const bottleneckEvidence = ok[labels.indexOf(bottleneck)]?.bottleneck.evidence ?? "";
  return {
    name: step.name,
    label: step.label,
    description,
    paperGbps: step.paperGbps,
    simulatedGbps: s.mean,
    ci95Gbps: ci,
    ci95RangeGbps: ci === null ? null : [s.mean - ci, s.mean + ci],
    stdDevGbps: s.stdDev,
    minGbps: s.min,
    maxGbps: s.max,
    diffFromPaperPct: step.paperGbps === null ? null : ((s.mean - step.paperGbps) / step.paperGbps) * 100,
    dom0Utilization: dom0.map((v) => v.utilization),
    dom0NetbackBusyRatio: ratio,
    dom0NetbackVcpus: netbackVcpus.map((v) => v.vcpu),
    dom0Vcpu0NetbackShare: nbTotal > 0 ? nbWork(dom0[0]!) / nbTotal : 0,
    notificationsPerPacket: avg((r) => r.derived["notificationsPerPacket"] ?? NaN),
    evtchnSendsPerPacket: avg((r) => r.derived["evtchnSendsPerPacket"] ?? NaN),
    guestCyclesPerByte: avg((r) => r.derived["guestCyclesPerByte"] ?? NaN),
    latencyP50Us: avg((r) => r.latency.p50Us),
    latencyP99Us: avg((r) => r.latency.p99Us),
    vcpus,
    bottleneck,
    bottleneckEvidence,
    runs: runs.map((r) => ({
      seed: r.seed,
      state: r.state,
      aggregateGbps: r.throughput.aggregateGbps,
      wallSeconds: r.perf.wallSeconds,
      ...(r.error !== undefined ? { error: r.error } : {}),
    })),
    erroredRuns: runs.length - ok.length,
  };
}

export function fmtUtil(u: readonly number[]): string {
  return u.map((x) => (x * 100).toFixed(0)).join("/") + " %";
}

/** Builds the report from results grouped by step (PAPER_STEPS order, one result per seed). */
export function summarizeReproduce(
  byStep: readonly (readonly SimResult[])[],
  settings: { seeds: number[]; durationMs: number; warmupMs: number; threads: number },
): ReproduceReport {
  const steps = PAPER_STEPS.map((st, i) => {
    const runs = byStep[i] ?? [];
    const desc = runs[0]?.config.preset ?? st.name;
    return summarizeStep(st, presetDescription(desc), runs);
  });
  const checks = evaluateChecks(steps);
  return {
    tool: "pvnetsim reproduce",
    version: PVNETSIM_VERSION,
    paper: PAPER_CITATION,
    settings: { ...settings, confidence: 0.95 },
    tcpCeilingGbps: TCP_CEILING_GBPS,
    steps,
    checks,
    allChecksPass: checks.every((c) => c.pass),
    wallSeconds: 0,
  };
}

function presetDescription(name: string): string {
  return PRESETS[name]?.description ?? name;
}
