// Each of the paper's four techniques applied alone to the baseline (not only cumulatively), with
// the mechanism behind each difference stated in one sentence built from the measured counters:
// where the bottleneck is before and after, and the counter the technique acts on (netback work
// per dom0 VCPU, where interrupts and events land, notifications per packet, ACKs and skbs per
// segment).
//
// "Alone" means on stock netback (one tasklet pair): event dispatch alone spreads the vif event
// channels and NIC PIRQs round-robin over dom0 VCPUs (group-affine binding has a single group to
// bind to); lower event frequency alone coalesces RX notifications as the cumulative step does;
// LRO alone enables inet_lro in netfront.

import { resolveConfig, type ResolvedConfig } from "../config/schema.js";
import type { SimResult } from "../result.js";
import { runPool, defaultThreads, type PoolProgress } from "../pool/pool.js";
import { summarize, mean } from "./stats.js";
import { PARAM_BY_PATH } from "../config/params.js";

const evtchnSendCycles = PARAM_BY_PATH.get("costs.evtchnSendCycles")!.default as number;

export interface AblationVariant {
  name: string;
  label: string;
  /** Overrides on paper-baseline. */
  set: Record<string, unknown>;
}

export const ABLATION_VARIANTS: readonly AblationVariant[] = [
  { name: "baseline", label: "baseline (stock netback)", set: {} },
  { name: "multi-tasklet-alone", label: "multi-tasklet netback alone", set: { "netback.groups": 0 } },
  { name: "dispatch-alone", label: "event dispatch alone", set: { "evtchn.dispatch": "round-robin" } },
  {
    name: "low-event-alone",
    label: "lower event frequency alone",
    set: { "netback.coalesce.count": 16, "netback.coalesce.timeUs": 50 },
  },
  { name: "lro-alone", label: "LRO in netfront alone", set: { "netfront.lro.enabled": true } },
];

export interface AblationRow {
  name: string;
  label: string;
  set: Record<string, unknown>;
  simulatedGbps: number;
  ci95Gbps: number | null;
  /** (variant - baseline) / baseline, percent. */
  diffFromBaselinePct: number;
  bottleneck: string;
  bottleneckEvidence: string;
  /** The measured quantities the mechanism sentence uses. */
  measures: AblationMeasures;
  /** One sentence: what changed, and through which mechanism. */
  mechanism: string;
  erroredRuns: number;
}

export interface AblationMeasures {
  dom0Busy: number[];
  /** dom0 VCPUs with at least 1% of their time in netback. */
  netbackVcpus: number;
  /** dom0 VCPUs that took at least 1% of their time in interrupt/upcall handling (xen component). */
  eventVcpus: number;
  netbackNotificationsPerPacket: number;
  acksPerSegment: number;
  segmentsPerSkb: number;
  guestCyclesPerByte: number;
  /** Busy cycles per delivered packet on the busiest dom0 VCPU. */
  busiestDom0CyclesPerPacket: number;
}

export function ablationConfigs(opts: { durationMs?: number; warmupMs?: number }): ResolvedConfig[] {
  const run: Record<string, unknown> = {};
  if (opts.durationMs !== undefined) run["durationMs"] = opts.durationMs;
  if (opts.warmupMs !== undefined) run["warmupMs"] = opts.warmupMs;
  return ABLATION_VARIANTS.map((v) => resolveConfig("paper-baseline", { ...v.set, ...run }));
}

function measures(runs: readonly SimResult[]): AblationMeasures {
  const avg = (f: (r: SimResult) => number): number => mean(runs.map(f));
  const first = runs[0]!;
  const dom0Idx = first.cpu.map((c, i) => (c.domain === "dom0" ? i : -1)).filter((i) => i >= 0);
  const dom0Busy = dom0Idx.map((i) => avg((r) => r.cpu[i]!.utilization));
  const share = (i: number, comp: string): number => avg((r) => r.cpu[i]!.breakdown[comp] ?? 0);
  const busiest = dom0Idx.reduce((b, i, k) => (dom0Busy[k]! > dom0Busy[dom0Idx.indexOf(b)]! ? i : b), dom0Idx[0]!);
  const pkts = (r: SimResult): number => Math.max(1, r.events["netbackRxPackets"] ?? 0);
  const cyc = (r: SimResult): number => r.config.durationMs * 1e-3 * r.config.cpu.frequencyGHz * 1e9;
  return {
    dom0Busy,
    netbackVcpus: dom0Idx.filter((i) => share(i, "netback") >= 0.01).length,
    eventVcpus: dom0Idx.filter((i) => share(i, "xen") + share(i, "nic") >= 0.01).length,
    netbackNotificationsPerPacket: avg((r) => r.derived["netbackNotificationsPerPacket"] ?? 0),
    acksPerSegment: avg((r) => (r.events["tcpAcksSent"] ?? 0) / pkts(r)),
    segmentsPerSkb: avg((r) =>
      (r.events["lroAggregates"] ?? 0) > 0 ? (r.derived["segmentsPerLroAggregate"] ?? 1) : 1,
    ),
    guestCyclesPerByte: avg((r) => r.derived["guestCyclesPerByte"] ?? 0),
    busiestDom0CyclesPerPacket: avg((r) => (r.cpu[busiest]!.utilization * cyc(r)) / pkts(r)),
  };
}

const f2 = (x: number): string => x.toFixed(2);
const f0 = (x: number): string => x.toFixed(0);

/** The one-sentence mechanism of a variant's difference from the baseline, from measured numbers. */
export function mechanismSentence(name: string, base: AblationRow, v: AblationRow): string {
  const b = base.measures;
  const m = v.measures;
  const moved =
    base.bottleneck === v.bottleneck
      ? `the bottleneck stays ${v.bottleneck}`
      : `the bottleneck moves from ${base.bottleneck} to ${v.bottleneck}`;
  const cpp =
    `${f0(b.busiestDom0CyclesPerPacket)} -> ${f0(m.busiestDom0CyclesPerPacket)} cycles per packet on ` +
    `the busiest dom0 VCPU`;
  switch (name) {
    case "multi-tasklet-alone":
      return m.netbackVcpus <= 1
        ? `Netback work stays on ${m.netbackVcpus} dom0 VCPU: each group's tasklet runs where it is scheduled, ` +
            `and with every event still on VCPU0 every group is scheduled there, so ${moved} (${cpp}).`
        : `Netback work spreads over ${m.netbackVcpus} dom0 VCPUs instead of ${b.netbackVcpus}, one tasklet pair ` +
            `per group, so ${moved} (${cpp}).`;
    case "dispatch-alone":
      return v.bottleneck.startsWith("vcpu")
        ? `Interrupts and events land on ${m.eventVcpus} dom0 VCPU(s) instead of ${b.eventVcpus}, but the one ` +
            `tasklet pair still serializes all netback work, so ${moved} (${cpp}).`
        : `Interrupts and events land on ${m.eventVcpus} dom0 VCPU(s) instead of ${b.eventVcpus}, which takes the ` +
            `driver and event work off the VCPU that runs the one tasklet pair, so ${moved} (${cpp}).`;
    case "low-event-alone": {
      const saved = (b.netbackNotificationsPerPacket - m.netbackNotificationsPerPacket) * evtchnSendCycles;
      return (
        `Netback notifications fall from ${f2(b.netbackNotificationsPerPacket)} to ` +
        `${f2(m.netbackNotificationsPerPacket)} per packet; at ${f0(evtchnSendCycles)} cycles per event send that ` +
        `saves about ${f0(saved)} of the ${f0(b.busiestDom0CyclesPerPacket)} cycles each packet costs the busiest ` +
        `dom0 VCPU, so ${moved} (${cpp}).`
      );
    }
    case "lro-alone":
      return (
        `The guest stack sees ${f2(m.segmentsPerSkb)} segments per skb and sends ${f2(m.acksPerSegment)} ` +
        `ACKs per segment instead of ${f2(b.acksPerSegment)}; every ACK is a full netback TX, bridge and NIC ` +
        `transmit on dom0, so ${moved} (${cpp}).`
      );
    default:
      return `${moved} (${cpp}).`;
  }
}

export function summarizeAblation(byVariant: readonly (readonly SimResult[])[]): AblationRow[] {
  const rows: AblationRow[] = ABLATION_VARIANTS.map((v, i) => {
    const runs = byVariant[i] ?? [];
    const ok = runs.filter((r) => r.state === "completed");
    const s = summarize(ok.map((r) => r.throughput.aggregateGbps));
    const labels = ok.map((r) => `${r.bottleneck.kind}${r.bottleneck.where ? ` ${r.bottleneck.where}` : ""}`);
    // Most frequent diagnosis over the seeds.
    const counts = new Map<string, number>();
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, c) => c[1] - a[1])[0]?.[0] ?? "n/a";
    const ev = ok.find((r) => labels[ok.indexOf(r)] === top)?.bottleneck.evidence ?? "";
    return {
      name: v.name,
      label: v.label,
      set: v.set,
      simulatedGbps: s.mean,
      ci95Gbps: s.ciHalfWidth,
      diffFromBaselinePct: 0,
      bottleneck: top,
      bottleneckEvidence: ev,
      measures: ok.length ? measures(ok) : measures(runs),
      mechanism: "",
      erroredRuns: runs.length - ok.length,
    };
  });
  const base = rows[0]!;
  for (const r of rows) {
    r.diffFromBaselinePct = ((r.simulatedGbps - base.simulatedGbps) / base.simulatedGbps) * 100;
    r.mechanism = r === base ? `Stock netback: ${base.bottleneckEvidence}.` : mechanismSentence(r.name, base, r);
  }
  return rows;
}

/** What a comparison of scenarios over seeds takes (the ablation here, the I/O paths' table). */
export interface ScenarioRunsOptions {
  module: WebAssembly.Module;
  seeds: number;
  durationMs?: number;
  warmupMs?: number;
  threads?: number;
  onProgress?: (p: PoolProgress) => void;
  signal?: AbortSignal;
}

export async function runAblation(opts: ScenarioRunsOptions): Promise<AblationRow[]> {
  const seeds = Array.from({ length: opts.seeds }, (_, i) => i + 1);
  const configs = ablationConfigs(opts);
  const tasks = configs.flatMap((config) => seeds.map((seed) => ({ config, seed })));
  const results = await runPool(tasks, {
    module: opts.module,
    threads: Math.min(opts.threads ?? defaultThreads(), tasks.length),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return summarizeAblation(configs.map((_, i) => results.slice(i * seeds.length, (i + 1) * seeds.length)));
}
