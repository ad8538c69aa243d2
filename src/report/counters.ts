// The one view of the model's counters and the one table of derived metrics.
//
// The model only increments numbered 64-bit slots in its stats region (src/abi/layout.ts): global
// counters, then one block per guest, then per VCPU one busy-cycle counter per component, then the
// latency histogram. CounterLayout says where each block starts for a given config; CounterWindow
// reads the change of every counter between two snapshots (the measured interval of a result, the
// window of a live sample). DERIVED_FORMULAS names every derived metric with its unit, meaning and
// formula over the counters, in the manner of gem5's Stats::Formula: result.derived is computed
// from this table alone, and `pvnetsim metrics` prints it.

import * as L from "../abi/layout.js";
import type { ResolvedConfig } from "../config/schema.js";
import { histogramQuantiles } from "./histogram.js";
import { halves, u64At, u64Diff } from "./u64.js";
import { DROP_COUNTERS, EVENT_COUNTERS } from "./stats.js";
import type { CpuUsage } from "../result.js";

/** Where each block of counters sits in the stats region, for one config. */
export class CounterLayout {
  readonly guests: number;
  readonly dom0Vcpus: number;
  readonly guestVcpus: number;
  /** Every VCPU: dom0's first, then each guest's in turn. */
  readonly vcpus: number;
  readonly guestBase = L.ST_COUNT;
  readonly compBase: number;
  readonly latBase: number;
  /** Per-VCPU scheduling counters (steal time, waits), after the two latency histograms. */
  readonly schedBase: number;

  constructor(r: ResolvedConfig) {
    this.guests = r.guests.count;
    this.dom0Vcpus = r.dom0.vcpus;
    this.guestVcpus = r.guests.vcpus;
    this.vcpus = this.dom0Vcpus + this.guests * this.guestVcpus;
    this.compBase = this.guestBase + this.guests * L.GS_COUNT;
    this.latBase = this.compBase + this.vcpus * L.COMP_COUNT;
    this.schedBase = this.latBase + 2 * L.LAT_BUCKETS;
  }

  /** Slot of VCPU v's scheduling counter k (an L.VS_* index). */
  schedSlot(v: number, k: number): number {
    return this.schedBase + v * L.VS_COUNT + k;
  }

  /** Slot of guest i's counter gs (an L.GS_* index). */
  guestSlot(i: number, gs: number): number {
    return this.guestBase + i * L.GS_COUNT + gs;
  }

  /** Slot of VCPU v's busy cycles in component c (an L.COMP_* index). */
  componentSlot(v: number, c: number): number {
    return this.compBase + v * L.COMP_COUNT + c;
  }

  /** Who VCPU v (global index) is: "dom0" or "domU<guest>", its index there, and its guest (-1 for dom0). */
  vcpuIdentity(v: number): { domain: string; vcpu: number; guest: number } {
    if (v < this.dom0Vcpus) return { domain: "dom0", vcpu: v, guest: -1 };
    const guest = Math.floor((v - this.dom0Vcpus) / this.guestVcpus);
    return { domain: `domU${guest}`, vcpu: (v - this.dom0Vcpus) % this.guestVcpus, guest };
  }
}

/** The change of every counter between two snapshots of the stats region. */
export class CounterWindow {
  /** The 32-bit halves of now and base (u64.ts: numbers read without a BigInt each). */
  private readonly nowHalves: Uint32Array;
  private readonly baseHalves: Uint32Array;

  constructor(
    readonly layout: CounterLayout,
    /** Counters at the end of the window. */
    readonly now: BigUint64Array,
    /** Counters at its start (all zero for "since the run began"). */
    readonly base: BigUint64Array,
  ) {
    this.nowHalves = halves(now);
    this.baseHalves = halves(base);
  }

  /** Change of a global counter (an L.ST_* slot) over the window. */
  delta(slot: number): number {
    return u64Diff(this.now, this.nowHalves, this.base, this.baseHalves, slot);
  }

  /** A counter's value at the end of the window, counted since the run began. */
  total(slot: number): number {
    return u64At(this.now, this.nowHalves, slot);
  }

  /** Change of guest i's counter gs over the window. */
  guest(i: number, gs: number): number {
    return this.delta(this.layout.guestSlot(i, gs));
  }

  /** Busy cycles VCPU v charged to component c over the window. */
  component(v: number, c: number): number {
    return this.delta(this.layout.componentSlot(v, c));
  }

  /** Busy cycles VCPU v charged to all components over the window. */
  charged(v: number): number {
    let sum = 0;
    for (let c = 0; c < L.COMP_COUNT; c++) sum += this.component(v, c);
    return sum;
  }

  /** The same, exactly (a sum past 2^53 cycles is not exact as a number). */
  chargedExact(v: number): bigint {
    let sum = 0n;
    for (let c = 0; c < L.COMP_COUNT; c++) {
      const slot = this.layout.componentSlot(v, c);
      sum += this.now[slot]! - this.base[slot]!;
    }
    return sum;
  }

  /** The latency histogram at the end of the window (it counts from the end of warm-up on). */
  latencyHistogram(): BigUint64Array {
    return this.now.subarray(this.layout.latBase, this.layout.latBase + L.LAT_BUCKETS);
  }

  /** The request/response transaction-time histogram (after the latency one; from the end of warm-up on). */
  rrHistogram(): BigUint64Array {
    return this.now.subarray(this.layout.latBase + L.LAT_BUCKETS, this.layout.latBase + 2 * L.LAT_BUCKETS);
  }

  /** Change of VCPU v's scheduling counter k (an L.VS_* index) over the window. */
  sched(v: number, k: number): number {
    return this.delta(this.layout.schedSlot(v, k));
  }

  /** VCPU v's wait histogram over the window (buckets as the latency histogram's). */
  waitHistogram(v: number): Float64Array {
    const at = this.layout.schedSlot(v, L.VS_HIST);
    const out = new Float64Array(L.VS_WAIT_BUCKETS);
    for (let b = 0; b < L.VS_WAIT_BUCKETS; b++) out[b] = this.delta(at + b);
    return out;
  }

  /** result.events: each reported event counter's change, by name. */
  events(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of EVENT_COUNTERS) out[c.name] = this.delta(c.slot);
    return out;
  }

  /** result.drops: each drop counter since the run began, by name. */
  drops(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of DROP_COUNTERS) out[c.name] = this.total(c.slot);
    return out;
  }
}

/**
 * VCPU v's steal time and wait latencies over the window, in us. Steal is counted when a wait
 * ends, so the part of a wait open at the window's start that lies before it is taken off, and
 * the part of a wait still open at its end is added (`openAtStart`, `openAtEnd`, cycles).
 */
export function vcpuWaits(
  w: CounterWindow,
  v: number,
  us: (cycles: number) => number,
  openAtStart: number,
  openAtEnd: number,
): Pick<CpuUsage, "stealUs" | "waitLatency"> {
  const steal = w.sched(v, L.VS_STEAL) - openAtStart + openAtEnd;
  const waits = w.sched(v, L.VS_WAITS);
  const max = w.total(w.layout.schedSlot(v, L.VS_WAIT_MAX));
  // The histogram counts the same waits as VS_WAITS; with none (a VCPU alone on its PCPU, the
  // common case) its 512 buckets need not be read: a result built faster, and the same numbers.
  const hist = waits > 0 ? w.waitHistogram(v) : [];
  const [p50, p90, p99] = histogramQuantiles(hist, [0.5, 0.9, 0.99], max);
  return {
    stealUs: us(Math.max(0, steal)),
    waitLatency: {
      count: waits,
      meanUs: waits > 0 ? us(w.sched(v, L.VS_WAIT_SUM) / waits) : 0,
      p50Us: us(p50!),
      p90Us: us(p90!),
      p99Us: us(p99!),
      maxUs: us(max),
    },
  };
}

/** Gb/s of `bytes` delivered in `seconds`. */
export function gbps(bytes: number, seconds: number): number {
  return (bytes * 8) / seconds / 1e9;
}

/** What the derived formulas read: the measured window and the few sums the result computes once. */
export interface DerivedInputs {
  w: CounterWindow;
  cpuHz: number;
  /** Busy cycles of the guest VCPUs over the window (jobs cut at the window's edges), guests that
   *  only run a busy loop left out. */
  guestBusyCycles: number;
  /** Payload bytes delivered to guest applications over the window. */
  appBytes: number;
  /** Most events ever pending at once (a gauge of the run, not a counter). */
  maxPendingEvents: number;
  /** Guests 0 .. vfGuests-1 own an SR-IOV VF: their VF drivers' frames count as delivered packets. */
  vfGuests: number;
}

/** One derived metric: a named formula over counters with its unit and meaning. */
export interface DerivedFormula {
  name: string;
  unit: string;
  description: string;
  /** The formula as text, over counter names (result.events) and the inputs above. */
  formula: string;
  compute: (x: DerivedInputs) => number;
}

/** Packets netback and the VF drivers delivered to guests over the window, at least 1 (the
 *  per-packet denominator). */
const rxPackets = (x: DerivedInputs): number => {
  let vf = 0;
  for (let g = 0; g < x.vfGuests; g++) vf += x.w.guest(g, L.GS_RX_PKTS);
  return Math.max(1, x.w.delta(L.ST_NB_RX_PKTS) + vf);
};

/** Mean of a sum over its count, converted from cycles to us; 0 without samples. */
const meanUs = (w: CounterWindow, sum: number, count: number, cpuHz: number): number => {
  const n = w.delta(count);
  return n > 0 ? (w.delta(sum) / n / cpuHz) * 1e6 : 0;
};

/** result.derived, in this order. */
export const DERIVED_FORMULAS: readonly DerivedFormula[] = [
  {
    name: "notificationsPerPacket",
    unit: "events/packet",
    description:
      "Interdomain notifications (both directions, both rings) per packet netback or a VF driver delivered to " +
      "guests.",
    formula:
      "(notifyNetbackRx + notifyNetbackTx + notifyNetfrontTx + notifyNetfrontRx) / " +
      "max(1, netbackRxPackets + vfRxPackets) (vfRxPackets: frames the VF drivers of guests with a VF delivered)",
    compute: (x) =>
      (x.w.delta(L.ST_NOTIFY_NB_RX) +
        x.w.delta(L.ST_NOTIFY_NB_TX) +
        x.w.delta(L.ST_NOTIFY_NF_TX) +
        x.w.delta(L.ST_NOTIFY_NF_RX)) /
      rxPackets(x),
  },
  {
    name: "netbackNotificationsPerPacket",
    unit: "events/packet",
    description:
      "Notifications netback sends toward netfront (RX and TX responses) per packet: what a lower netback " +
      "event frequency reduces.",
    formula: "(notifyNetbackRx + notifyNetbackTx) / max(1, netbackRxPackets + vfRxPackets)",
    compute: (x) => (x.w.delta(L.ST_NOTIFY_NB_RX) + x.w.delta(L.ST_NOTIFY_NB_TX)) / rxPackets(x),
  },
  {
    name: "evtchnSendsPerPacket",
    unit: "events/packet",
    description: "evtchn_set_pending calls (notifications, PIRQs, IPIs) per packet.",
    formula: "evtchnSent / max(1, netbackRxPackets + vfRxPackets)",
    compute: (x) => x.w.delta(L.ST_EVTCHN_SENT) / rxPackets(x),
  },
  {
    name: "upcallsPerPacket",
    unit: "upcalls/packet",
    description: "Xen event upcalls taken by any VCPU per packet.",
    formula: "upcalls / max(1, netbackRxPackets + vfRxPackets)",
    compute: (x) => x.w.delta(L.ST_UPCALLS) / rxPackets(x),
  },
  {
    name: "nicInterruptsPerPacket",
    unit: "interrupts/packet",
    description: "Physical NIC interrupts per packet.",
    formula: "nicInterrupts / max(1, netbackRxPackets + vfRxPackets)",
    compute: (x) => x.w.delta(L.ST_NIC_IRQS) / rxPackets(x),
  },
  {
    name: "hypercallsPerPacket",
    unit: "hypercalls/packet",
    description: "Hypercalls (batched grant operations and event sends) per packet.",
    formula: "hypercalls / max(1, netbackRxPackets + vfRxPackets)",
    compute: (x) => x.w.delta(L.ST_HYPERCALLS) / rxPackets(x),
  },
  {
    name: "packetsPerNetbackRxRun",
    unit: "packets/run",
    description: "Packets netback copies to guests per net_rx_action run (the batch a run amortizes its costs over).",
    formula: "netbackRxPackets / max(1, netbackRxRuns)",
    compute: ({ w }) => w.delta(L.ST_NB_RX_PKTS) / Math.max(1, w.delta(L.ST_NB_RX_RUNS)),
  },
  {
    name: "guestCyclesPerByte",
    unit: "cycles/byte",
    description:
      "Busy cycles of the guest VCPUs per payload byte delivered to guest applications; guests that only " +
      "run a busy loop (traffic kind cpu-hog) are left out.",
    formula: "guestBusyCycles / appBytes (0 when no byte was delivered)",
    compute: ({ guestBusyCycles, appBytes }) => (appBytes > 0 ? guestBusyCycles / appBytes : 0),
  },
  {
    name: "segmentsPerLroAggregate",
    unit: "segments/skb",
    description: "TCP segments LRO folded into each skb it handed to the stack.",
    formula: "lroSegments / max(1, lroAggregates)",
    compute: ({ w }) => w.delta(L.ST_LRO_SEGMENTS) / Math.max(1, w.delta(L.ST_LRO_AGGREGATES)),
  },
  {
    name: "stageWaitMeanUs",
    unit: "us",
    description: "Mean time a frame waited in a NIC RX ring, from its arrival to the dom0 driver's poll.",
    formula: "ST_STAGE_WAIT_SUM / ST_STAGE_WAIT_COUNT / cpuHz * 1e6 (0 without samples)",
    compute: ({ w, cpuHz }) => meanUs(w, L.ST_STAGE_WAIT_SUM, L.ST_STAGE_WAIT_COUNT, cpuHz),
  },
  {
    name: "stageWaitSamples",
    unit: "frames",
    description: "Frames the stage-wait mean is taken over.",
    formula: "ST_STAGE_WAIT_COUNT",
    compute: ({ w }) => w.delta(L.ST_STAGE_WAIT_COUNT),
  },
  {
    name: "maxPendingEvents",
    unit: "events",
    description: "Most events pending in the event queue at once over the run (sizes the queue).",
    formula: "maxPendingEvents",
    compute: ({ maxPendingEvents }) => maxPendingEvents,
  },
  {
    name: "tcpReceiveWindowMeanSegments",
    unit: "segments",
    description: "Mean receive window the TCP senders were offered, over the ACKs they took.",
    formula: "ST_TCP_RWND_SUM / max(1, ST_TCP_RWND_ACKS)",
    compute: ({ w }) => w.delta(L.ST_TCP_RWND_SUM) / Math.max(1, w.delta(L.ST_TCP_RWND_ACKS)),
  },
  {
    name: "tcpRttMeanUs",
    unit: "us",
    description: "Mean RTT the TCP senders measured (timestamps: every ACK that is not for a retransmission).",
    formula: "ST_TCP_RTT_SUM / ST_TCP_RTT_SAMPLES / cpuHz * 1e6 (0 without samples)",
    compute: ({ w, cpuHz }) => meanUs(w, L.ST_TCP_RTT_SUM, L.ST_TCP_RTT_SAMPLES, cpuHz),
  },
];

/** result.derived: every formula of DERIVED_FORMULAS, by name, in table order. */
export function derivedMetrics(x: DerivedInputs): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of DERIVED_FORMULAS) out[f.name] = f.compute(x);
  return out;
}
