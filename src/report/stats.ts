// Names, units and meanings of the model's counters, and the derived metrics computed from them.
// The Wasm side only increments numbered slots (src/abi/layout.ts); this table is where a number
// becomes something a person can read.

import * as L from "../abi/layout.js";
import { TCP_WRITER_COUNTERS } from "./tcp-writer-counters.js";
import { XEN_LOCK_COUNTERS } from "./xen-lock-counters.js";

import type { CounterInfo } from "./counter-info.js";
export type { CounterInfo } from "./counter-info.js";

/** Counters reported in result.events (over the measured interval). */
export const EVENT_COUNTERS: readonly CounterInfo[] = [
  {
    slot: L.ST_NIC_IRQS,
    name: "nicInterrupts",
    unit: "interrupts",
    description: "Physical NIC interrupts raised (after ITR).",
  },
  { slot: L.ST_UPCALLS, name: "upcalls", unit: "upcalls", description: "Xen event upcalls taken by any VCPU." },
  { slot: L.ST_VCPU_WAKEUPS, name: "vcpuWakeups", unit: "wake-ups", description: "Blocked VCPUs woken by an event." },
  {
    slot: L.ST_EVTCHN_SENT,
    name: "evtchnSent",
    unit: "events",
    description: "evtchn_set_pending calls (notifications + PIRQs + IPIs).",
  },
  {
    slot: L.ST_EVTCHN_MERGED,
    name: "evtchnMerged",
    unit: "events",
    description: "Sends that found the port already pending.",
  },
  {
    slot: L.ST_NOTIFY_NB_RX,
    name: "notifyNetbackRx",
    unit: "events",
    description: "netback -> netfront RX notifications sent.",
  },
  {
    slot: L.ST_NOTIFY_NB_RX_SUPPRESSED,
    name: "notifyNetbackRxSuppressed",
    unit: "pushes",
    description: "RX response pushes that sent no notification.",
  },
  {
    slot: L.ST_NOTIFY_NB_TX,
    name: "notifyNetbackTx",
    unit: "events",
    description: "netback -> netfront TX completion notifications.",
  },
  {
    slot: L.ST_NOTIFY_NB_TX_SUPPRESSED,
    name: "notifyNetbackTxSuppressed",
    unit: "pushes",
    description: "TX response pushes without notification.",
  },
  {
    slot: L.ST_NOTIFY_NF_TX,
    name: "notifyNetfrontTx",
    unit: "events",
    description: "netfront -> netback TX request notifications.",
  },
  {
    slot: L.ST_NOTIFY_NF_TX_SUPPRESSED,
    name: "notifyNetfrontTxSuppressed",
    unit: "pushes",
    description: "TX request pushes without notification.",
  },
  {
    slot: L.ST_NOTIFY_NF_RX,
    name: "notifyNetfrontRx",
    unit: "events",
    description: "netfront -> netback RX refill notifications.",
  },
  {
    slot: L.ST_NOTIFY_NF_RX_SUPPRESSED,
    name: "notifyNetfrontRxSuppressed",
    unit: "pushes",
    description: "RX refill pushes without notification.",
  },
  {
    slot: L.ST_HYPERCALLS,
    name: "hypercalls",
    unit: "hypercalls",
    description: "Hypercalls: batched grant ops and event sends.",
  },
  { slot: L.ST_GRANT_COPY_OPS, name: "grantCopyOps", unit: "ops", description: "GNTTABOP_copy operations." },
  { slot: L.ST_GRANT_MAP_OPS, name: "grantMapOps", unit: "ops", description: "Grant map operations." },
  { slot: L.ST_GRANT_UNMAP_OPS, name: "grantUnmapOps", unit: "ops", description: "Grant unmap operations." },
  {
    slot: L.ST_TASKLET_SCHEDULES,
    name: "taskletSchedules",
    unit: "calls",
    description: "tasklet_schedule calls that queued a tasklet.",
  },
  { slot: L.ST_NB_RX_RUNS, name: "netbackRxRuns", unit: "runs", description: "net_rx_action runs." },
  { slot: L.ST_NB_TX_RUNS, name: "netbackTxRuns", unit: "runs", description: "net_tx_action runs." },
  {
    slot: L.ST_NB_RX_PKTS,
    name: "netbackRxPackets",
    unit: "packets",
    description: "Packets netback copied to guests.",
  },
  {
    slot: L.ST_NB_TX_PKTS,
    name: "netbackTxPackets",
    unit: "packets",
    description: "Guest packets netback mapped and forwarded.",
  },
  { slot: L.ST_NAPI_POLLS_DOM0, name: "napiPollsDom0", unit: "polls", description: "NAPI polls in dom0." },
  { slot: L.ST_NAPI_POLLS_GUEST, name: "napiPollsGuest", unit: "polls", description: "netfront NAPI polls." },
  {
    slot: L.ST_NAPI_BUDGET_EXHAUSTED,
    name: "napiRepolls",
    unit: "polls",
    description: "Polls that used their whole quota and stayed scheduled.",
  },
  {
    slot: L.ST_SOFTIRQ_DEFERRED,
    name: "softirqDeferred",
    unit: "rounds",
    description: "Softirq work handed to ksoftirqd.",
  },
  {
    slot: L.ST_VIF_QUEUE_STOPS,
    name: "vifQueueStops",
    unit: "stops",
    description: "vif queues stopped for lack of RX requests.",
  },
  { slot: L.ST_NIC_RX_FRAMES, name: "nicRxFrames", unit: "frames", description: "Frames DMA'd into NIC RX rings." },
  { slot: L.ST_NIC_TX_FRAMES, name: "nicTxFrames", unit: "frames", description: "Frames put on NIC TX rings." },
  { slot: L.ST_DOM0_STACK_SKBS, name: "dom0StackSkbs", unit: "skbs", description: "Guest skbs dom0's stack took." },
  { slot: L.ST_NETLOOP_COPIES, name: "netloopCopies", unit: "skbs", description: "Of them, copied by netloop." },
  {
    slot: L.ST_GSO_SKBS_SENT,
    name: "gsoSkbsSent",
    unit: "skbs",
    description: "TCP skbs of more than one segment guests handed netfront (GSO across the vif).",
  },
  {
    slot: L.ST_NB_TX_SLOTS,
    name: "netbackTxSlots",
    unit: "slots",
    description: "TX request slots net_tx_action consumed (first request, GSO extra slot, page fragments).",
  },
  {
    slot: L.ST_NIC_LRO_SKBS,
    name: "nicLroSkbs",
    unit: "skbs",
    description: "skbs the dom0 NIC driver's LRO handed the bridge (aggregates and frames it could not merge).",
  },
  {
    slot: L.ST_NB_RX_SLOTS,
    name: "netbackRxSlots",
    unit: "slots",
    description: "RX request slots net_rx_action filled (one per 4 KiB page of a GSO skb plus its extra slot).",
  },
  { slot: L.ST_EXT_RX_POLLS, name: "externalRxPolls", unit: "polls", description: "External hosts' NIC polls (GRO)." },
  {
    slot: L.ST_EXT_GRO_SKBS,
    name: "externalGroSkbs",
    unit: "skbs",
    description: "skbs the external hosts' GRO handed their TCP (aggregates and segments it could not merge).",
  },
  {
    slot: L.ST_NIC_TSO_SKBS,
    name: "nicTsoSkbs",
    unit: "skbs",
    description: "skbs of several segments the NIC cut into MSS frames (TSO).",
  },
  {
    slot: L.ST_TCP_SEGS_SENT,
    name: "tcpSegmentsSent",
    unit: "segments",
    description: "TCP data segments sent (incl. retransmissions).",
  },
  { slot: L.ST_TCP_RETRANS, name: "tcpRetransmissions", unit: "segments", description: "Retransmitted segments." },
  {
    slot: L.ST_TCP_FAST_RECOVERIES,
    name: "tcpFastRecoveries",
    unit: "episodes",
    description: "Fast retransmit/recovery episodes.",
  },
  { slot: L.ST_TCP_RTOS, name: "tcpTimeouts", unit: "timeouts", description: "Retransmission timeouts." },
  {
    slot: L.ST_TCP_DUP_SEGS,
    name: "tcpDuplicateSegments",
    unit: "segments",
    description: "Segments the receiver already had.",
  },
  {
    slot: L.ST_TCP_OOO_SEGS,
    name: "tcpOutOfOrderSegments",
    unit: "segments",
    description: "Segments received out of order.",
  },
  { slot: L.ST_ACKS_SENT, name: "tcpAcksSent", unit: "ACKs", description: "Pure ACKs sent." },
  { slot: L.ST_LRO_AGGREGATES, name: "lroAggregates", unit: "skbs", description: "skbs handed to the stack by LRO." },
  {
    slot: L.ST_LRO_SEGMENTS,
    name: "lroSegments",
    unit: "segments",
    description: "TCP segments that went through LRO.",
  },
  {
    slot: L.ST_LRO_FLUSH_END_OF_POLL,
    name: "lroFlushEndOfPoll",
    unit: "flushes",
    description: "LRO flushes at the end of a poll.",
  },
  { slot: L.ST_LRO_FLUSH_MAX_AGGR, name: "lroFlushMaxAggr", unit: "flushes", description: "LRO flushes at max_aggr." },
  { slot: L.ST_LRO_FLUSH_64K, name: "lroFlush64k", unit: "flushes", description: "LRO flushes at the 64 KB bound." },
  {
    slot: L.ST_LRO_FLUSH_OUT_OF_ORDER,
    name: "lroFlushOutOfOrder",
    unit: "flushes",
    description: "LRO flushes on an out-of-sequence segment.",
  },
  {
    slot: L.ST_LRO_FLUSH_NO_DESCRIPTOR,
    name: "lroNoDescriptor",
    unit: "segments",
    description: "Segments passed up unaggregated (no free descriptor).",
  },
  {
    slot: L.ST_KTHREAD_WAKEUPS,
    name: "kthreadIpiWakeups",
    unit: "wake-ups",
    description: "netback kthreads woken from another VCPU (IPI).",
  },
  {
    slot: L.ST_REBINDS,
    name: "evtchnRebinds",
    unit: "rebinds",
    description: "Event channels rebound by dynamic dispatch.",
  },
  {
    slot: L.ST_COALESCE_TIMER_FIRES,
    name: "coalesceTimerNotifies",
    unit: "events",
    description: "Notifications sent by netback's coalescing timer.",
  },
  {
    slot: L.ST_FINAL_CHECK_REPOLLS,
    name: "finalCheckRepolls",
    unit: "checks",
    description: "netfront final checks that found new responses.",
  },
  {
    slot: L.ST_TASKLET_BUSY_ELSEWHERE,
    name: "taskletBusyElsewhere",
    unit: "picks",
    description:
      "tasklet_action found the tasklet running on another VCPU: it is listed again and this VCPU spins in the " +
      "re-raise loop until that run ends (single instance).",
  },
  {
    slot: L.ST_NB_STATE_MIGRATIONS,
    name: "netbackStateMigrations",
    unit: "runs",
    description:
      "netback bottom-half runs on another VCPU than the group's previous run: the group's state lines come over " +
      "from that VCPU's cache.",
  },
  {
    slot: L.ST_NB_SKB_HANDOFFS,
    name: "netbackSkbHandoffs",
    unit: "skbs",
    description: "skbs net_rx_action dequeued on another VCPU than the one whose start_xmit queued them.",
  },
  { slot: L.ST_UDP_SENT, name: "udpSent", unit: "packets", description: "UDP packets sent by external sources." },
  {
    slot: L.ST_CTX_SWITCHES,
    name: "vcpuContextSwitches",
    unit: "switches",
    description: "A PCPU switched from one VCPU to another (credit scheduler; never when every VCPU has its own PCPU).",
  },
  {
    slot: L.ST_SCHED_PREEMPTIONS,
    name: "vcpuPreemptions",
    unit: "preemptions",
    description:
      "A VCPU lost its PCPU in the middle of its work (slice end, a boosted wake-up, a cap), to resume later.",
  },
  {
    slot: L.ST_SCHED_BOOST_PREEMPTIONS,
    name: "vcpuBoostPreemptions",
    unit: "preemptions",
    description: "A VCPU woken while UNDER (boosted) preempted the VCPU running on its PCPU.",
  },
  {
    slot: L.ST_SCHED_BOOST_PREEMPT_OVER,
    name: "vcpuBoostPreemptionsOfOver",
    unit: "preemptions",
    description: "... of them, those that preempted a VCPU that had used up its credit (OVER).",
  },
  ...XEN_LOCK_COUNTERS,
  ...TCP_WRITER_COUNTERS,
  {
    slot: L.ST_SCHED_STEALS,
    name: "vcpuSteals",
    unit: "moves",
    description:
      "A PCPU took a queued VCPU from another PCPU's run queue (credit load balancing, where affinity allows).",
  },
  {
    slot: L.ST_SCHED_PARKS,
    name: "vcpuParks",
    unit: "parks",
    description: "A capped VCPU was paused for overspending its cap until accounting gave it credit again.",
  },
  {
    slot: L.ST_GUEST_STACK_RX_BYTES,
    name: "guestStackRxBytes",
    unit: "bytes",
    description:
      "Payload bytes handed to guest TCP/IP stacks (duplicates included; what the stack's per-byte cost is " +
      "charged on).",
  },
];

/** Drop counters by stage (result.drops). */
export const DROP_COUNTERS: readonly CounterInfo[] = [
  {
    slot: L.ST_DROP_NIC_RX_RING,
    name: "nic_rx_ring_full",
    unit: "segments",
    description: "No free NIC RX descriptor.",
  },
  {
    slot: L.ST_DROP_VIF_QDISC,
    name: "vif_qdisc_full",
    unit: "segments",
    description: "vif qdisc full while the vif queue was stopped.",
  },
  {
    slot: L.ST_DROP_NETBACK_NO_SLOT,
    name: "netback_no_rx_request",
    unit: "segments",
    description: "netback start_xmit found no RX request.",
  },
  {
    slot: L.ST_DROP_DOM0_BACKLOG,
    name: "dom0_backlog_full",
    unit: "segments",
    description: "dom0 netif_rx backlog full.",
  },
  { slot: L.ST_DROP_NIC_QDISC, name: "nic_qdisc_full", unit: "segments", description: "Physical port qdisc full." },
  {
    slot: L.ST_DROP_GUEST_QDISC,
    name: "guest_qdisc_full",
    unit: "segments",
    description: "Guest qdisc in front of netfront full.",
  },
  {
    slot: L.ST_DROP_GUEST_SOCKET,
    name: "guest_socket_full",
    unit: "segments",
    description: "Guest socket buffer full.",
  },
  {
    slot: L.ST_DROP_LINK_QUEUE,
    name: "link_queue_full",
    unit: "segments",
    description: "A sender's link queue (its qdisc) was full.",
  },
  {
    slot: L.ST_DROP_WIRE_LOSS,
    name: "wire_loss",
    unit: "segments",
    description: "Lost on a lossy wire (links.rxLossRate, links.txLossRate).",
  },
  {
    slot: L.ST_DROP_SWITCH_BUFFER,
    name: "switch_buffer_full",
    unit: "segments",
    description: "A switch egress buffer was full (clients.switchBufferBytes).",
  },
];

/**
 * Counters the model keeps that no result field shows, each with the reason. Every other counter
 * of src/abi/layout.ts is reported: in result.events or result.drops (the tables above), or read
 * by name where the result is built (src/run/build-result.ts, src/report/counters.ts); a test checks
 * that each counter is one or the other. Empty today: every counter the model keeps is reported.
 */
export const INTERNAL_COUNTERS: ReadonlyArray<{ slot: number; name: string; why: string }> = [];

export const STOP_REASONS: Record<number, string> = {
  [L.STOP_LIMIT_CYCLE]: "reached the requested cycle",
  [L.STOP_LIMIT_EVENTS]: "executed the requested number of events",
  [L.STOP_IDLE]: "no pending events",
  [L.STOP_ERR_EVENTQ]: "event queue capacity exceeded (model sizing bug)",
  [L.STOP_ERR_POOL]: "packet pool exhausted",
  [L.STOP_ERR_INVARIANT]: "a model invariant failed",
  [L.STOP_ERR_MEMORY]: "the model does not fit in Wasm32 memory",
};
