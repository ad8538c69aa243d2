// The engine's event kinds (src/abi/layout.ts EVK_*): their names in result.perf.eventsByKind,
// what each one is, and the per-kind counts read from the counters region.

import * as L from "../abi/layout.js";

/** Event kinds by their code (src/abi/layout.ts EVK_*, the top byte of an event target): the names
 *  of result.perf.eventsByKind. */
export const EVENT_KINDS: ReadonlyArray<{ code: number; name: string; description: string }> = [
  { code: L.EVK_VCPU_DONE, name: "vcpuDone", description: "The job running on a VCPU finished." },
  { code: L.EVK_VCPU_WAKE, name: "vcpuWake", description: "A blocked VCPU is scheduled in." },
  { code: L.EVK_LINK, name: "link", description: "The head frame of a link reaches the far end." },
  { code: L.EVK_NIC_IRQ, name: "nicIrq", description: "A NIC RX queue may raise its interrupt (ITR spacing)." },
  { code: L.EVK_NIC_TXDONE, name: "nicTxDone", description: "A port's oldest TX descriptor completed." },
  { code: L.EVK_TIMER, name: "timer", description: "A timer slot may have expired." },
  { code: L.EVK_UDP, name: "udp", description: "A UDP source emits its next packet." },
  { code: L.EVK_REBALANCE, name: "rebalance", description: "Periodic event-channel rebalancing." },
  { code: L.EVK_RR, name: "rr", description: "A request/response client sends, or its retransmission timer expires." },
  {
    code: L.EVK_SCHED_TICK,
    name: "schedTick",
    description: "The credit scheduler's 10 ms tick (VCPUs sharing PCPUs).",
  },
  {
    code: L.EVK_SCHED_SLICE,
    name: "schedSlice",
    description: "A PCPU's 30 ms time slice may have ended (VCPUs sharing PCPUs).",
  },
  {
    code: L.EVK_VCPU_DONE_CREDIT,
    name: "vcpuDoneShared",
    description: "The job running on a VCPU finished, or a paused job's stale end (VCPUs sharing PCPUs).",
  },
  {
    code: L.EVK_VCPU_WAKE_CREDIT,
    name: "vcpuWakeShared",
    description: "A blocked VCPU was woken and joins its PCPU's run queue (VCPUs sharing PCPUs).",
  },
];

/** result.perf.eventsByKind from the counters (whole run). A code without a name, which a model
 *  change would add, appears as "kind<code>" rather than being lost. */
export function eventsByKind(stats: ArrayLike<bigint>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of EVENT_KINDS) out[k.name] = Number(stats[L.ST_EVENTS_BY_KIND + k.code]!);
  for (let code = 0; code < L.EVK_SLOTS; code++) {
    const n = Number(stats[L.ST_EVENTS_BY_KIND + code]!);
    if (n > 0 && !EVENT_KINDS.some((k) => k.code === code)) out[`kind${code}`] = n;
  }
  return out;
}
