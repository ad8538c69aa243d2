// The result object of one simulation run: what tools, tests, sweeps and the browser page rely on.
// Every field is plain JSON (numbers, strings, arrays, objects), so a result can be written to
// JSONL, posted between workers and compared byte for byte.

import type { ResolvedConfig } from "./config/schema.js";
import type { TimeSeries } from "./run/timeseries.js";
import type { Bottleneck } from "./report/bottleneck.js";

export type { Bottleneck, BottleneckKind } from "./report/bottleneck.js";
import type { TraceSummary } from "./trace/chrome.js";

/** Why a run (or a chunk of it) stopped. */
export type StopReason = "completed" | "aborted" | "errored";

export interface VmThroughput {
  /** Guest index (domU<i>). */
  vm: number;
  /** TCP goodput delivered in order to the guest application, 1e9 bit/s (received direction). */
  goodputGbps: number;
  /** TCP goodput sent by the guest and acknowledged by the external receiver, 1e9 bit/s. */
  txGoodputGbps: number;
  /** UDP payload delivered to the guest application, 1e9 bit/s. */
  udpGbps: number;
  /** RX responses netfront consumed (packets netback delivered into the guest), or frames the guest's SR-IOV VF
   *  driver took, over the measured interval. */
  rxPackets: number;
  /** Event-channel upcalls the guest's VCPUs took over the measured interval (its virtual interrupts). */
  eventsIn: number;
}

export interface CpuUsage {
  domain: string; // "dom0" | "domU<i>"
  vcpu: number;
  /** PCPU the VCPU starts on (where it runs throughout when pinned; its affinity may let it move). */
  pcpu: number;
  /** Busy fraction of the measured interval, 0..1. */
  utilization: number;
  /** Fraction of the measured interval spent in each component (sums to utilization). */
  breakdown: Record<string, number>;
  /**
   * Time in the measured interval the VCPU had work but no PCPU (on a run queue behind other
   * VCPUs, or paused by its cap), us: Linux's steal time. 0 when it has a PCPU of its own.
   */
  stealUs: number;
  /** Waits from runnable to running (woken, or descheduled with work left) that ended in the measured interval. */
  waitLatency: WaitSummary;
}

export interface WaitSummary {
  /** Waits that ended in the measured interval, zero waits included (a VCPU woken onto an idle PCPU). */
  count: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
}

export interface LatencySummary {
  /** Packets whose NIC-arrival-to-application delay was recorded in the measured interval. */
  count: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

export interface RequestResponseSummary {
  /** Request/response sessions in the run (traffic.profiles of kind "rr"). */
  sessions: number;
  /** Transactions whose request was sent in the measured interval and completed by its end. */
  transactions: number;
  transactionsPerSec: number;
  /** Transaction time: request sent by the client to response fully received by it. */
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  /** Requests sent again after a retransmission timeout. */
  retransmissions: number;
}

export interface SimResult {
  state: StopReason;
  /** Human-readable reason when state != "completed". */
  error?: string;
  /** Fully resolved configuration that produced this result (every default filled in). */
  config: ResolvedConfig;
  seed: number;
  /**
   * Event-sequence fingerprint: 16 hex digits of a hash over (cycle, target) of every event the
   * run executed, warm-up included. Same model, config and seed give the same value; a change to
   * the model's behaviour changes it (docs/fingerprints.md).
   */
  fingerprint: string;
  versions: { pvnetsim: string; assemblyscript: string; wasmBuild: "release" | "debug" | "trace" };
  throughput: { aggregateGbps: number; perVm: VmThroughput[] };
  cpu: CpuUsage[];
  /** Event and operation counts over the measured interval (names are documented in src/report/stats.ts). */
  events: Record<string, number>;
  /** Derived per-packet ratios (events per packet, cycles per byte, ...). */
  derived: Record<string, number>;
  /** Packets dropped over the whole run, by the stage that dropped them. */
  drops: Record<string, number>;
  latency: LatencySummary;
  /** Request/response (netperf TCP_RR-like) sessions: transactions/s and transaction times. */
  requestResponse: RequestResponseSummary;
  /** Packet conservation over the whole run: injected = delivered + dropped + inFlight. */
  conservation: { injected: number; delivered: number; dropped: number; inFlight: number; ok: boolean };
  /** What limits this run's throughput, with the evidence (src/report/bottleneck.ts). */
  bottleneck: Bottleneck;
  /** Cost of the run: eventsProcessed and eventsByKind (the same events by what they were, names in
   *  src/report/stats.ts EVENT_KINDS) and packetsSimulated all cover the whole run, warm-up included. */
  perf: {
    wallSeconds: number;
    simulatedSeconds: number;
    eventsProcessed: number;
    eventsByKind: Record<string, number>;
    packetsSimulated: number;
  };
  /** Sampled series over the measured interval, when the run was asked for them (intervalMs). */
  timeseries?: TimeSeries;
  /** The timeline trace the run wrote, when asked for one (its window, size and events). */
  trace?: TraceSummary;
}
