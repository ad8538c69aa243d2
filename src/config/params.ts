// Every configuration parameter, declared once: path, type, default, unit, allowed range, help,
// and where the default comes from (a docs/sources.md row, or the reason for the value).
// Defaults, validation, `pvnetsim params`, the JSON Schema and the cost documentation are all
// generated from this table (ns-3 attributes / gem5 params style: no default without its unit
// and its help text). Each parameter also says how it reaches the Wasm model: the scalar slot
// of the packed config buffer it is written to and its encoding there (src/config/pack.ts
// applies both in one loop), its index in the cost table, or why it has no slot of its own.

import * as L from "../abi/layout.js";
import * as E from "../abi/enums.js";

export type ParamKind = "number" | "integer" | "boolean" | "enum" | "intList" | "intListList" | "udpList" | "profileList";

/**
 * How a parameter's value becomes the f64 in its config slot. The model reads every time and
 * cost in CPU cycles, so unit conversions happen here and only here.
 * - "number": the value as it is (counts, bytes, ids); the default.
 * - "flag": true -> 1, false -> 0.
 * - "cycles": a time in the parameter's unit (s, ms, us or ns) -> CPU cycles, rounded.
 * - "period": a rate in events per second -> CPU cycles between two events, rounded.
 * - "hz": GHz -> Hz.
 * - "bps": Gb/s -> bit/s, rounded.
 * - "length": a list -> its number of entries (the entries go to a table).
 * - { codes }: an enum string -> its code from src/abi/enums.ts; every allowed value has one.
 */
export type Encoding =
  | "number"
  | "flag"
  | "cycles"
  | "period"
  | "hz"
  | "bps"
  | "length"
  | { readonly codes: Readonly<Record<string, number>> };

export interface ParamSpec {
  path: string;
  kind: ParamKind;
  default: unknown;
  unit: string;
  help: string;
  /** docs/sources.md row(s), or the reason for the default. */
  source: string;
  min?: number;
  /** Exclusive lower bound (value must be greater). */
  gt?: number;
  max?: number;
  /** Exclusive upper bound (value must be smaller). */
  lt?: number;
  values?: readonly string[];
  /** Index into the cost table of the Wasm model, for costs.* parameters. */
  cost?: number;
  /** Scalar slot of the packed config buffer (a CFG_* of src/abi/layout.ts) the value is written to. */
  slot?: number;
  /** How the value is encoded into its slot (default "number"). */
  encoding?: Encoding;
  /**
   * For a parameter with neither slot nor cost, how it still acts: "table" when the model reads
   * it from a per-entity table of the buffer (bindings, groups), "derived" when the host computes
   * slots from it together with other parameters (see pack.ts), "host" when only the host uses it
   * (checks, reporting).
   */
  via?: "table" | "derived" | "host";
  /** Costs only: "fitted to <target>" when the value was fitted, absent when set from reasoning. */
  fitted?: string;
  /** May be null (computed from other parameters when null). */
  nullable?: boolean;
}

const c = <N extends string>(
  name: N,
  index: number,
  def: number,
  unit: string,
  help: string,
  source: string,
  fitted?: string,
): ParamSpec & { path: `costs.${N}`; kind: "number" } => ({
  path: `costs.${name}`,
  kind: "number",
  default: def,
  unit,
  help,
  source,
  min: 0,
  max: 1e9,
  cost: index,
  ...(fitted ? { fitted } : {}),
});

/** The table with its literal types (paths, kinds, enum values): ResolvedConfig is derived from it. */
export const PARAM_TABLE = [
  // ---- run ----
  { path: "seed", kind: "integer", default: 1, unit: "", min: 0, max: 4294967295, help: "PRNG seed (u32). Same config and seed give bit-identical results.", source: "one PRNG seeds every random choice of the model", slot: L.CFG_SEED },
  { path: "durationMs", kind: "number", default: 1000, unit: "ms", gt: 0, max: 3_600_000, help: "Measured interval of simulated time (after the warm-up).", source: "one simulated second gives +-1% on throughput", via: "derived" },
  { path: "warmupMs", kind: "number", default: 200, unit: "ms", min: 0, max: 3_600_000, help: "Simulated time before measurement starts (TCP slow start, ITR and rx_target settle).", source: "slow start and queue fill take < 50 ms here; 200 ms leaves margin", slot: L.CFG_WARMUP, encoding: "cycles" },
  // ---- CPUs ----
  { path: "cpu.frequencyGHz", kind: "number", default: 2.5, unit: "GHz", min: 0.01, max: 10, help: "Clock of every PCPU; all costs are in cycles of this clock.", source: "T1: testbed clock unknown (2.0-3.0 GHz Xeon of 2010); 2.5 GHz middle", slot: L.CFG_CPU_HZ, encoding: "hz" },
  { path: "cpu.pcpus", kind: "integer", default: 8, unit: "PCPUs", min: 1, max: 4096, help: "Physical CPUs. VCPUs may outnumber them: VCPUs that share PCPUs are scheduled by Xen's credit scheduler.", source: "T2, T4: 4 dom0 + 4 guest VCPUs, each on its own PCPU", slot: L.CFG_PCPUS },
  { path: "cpu.pinnedFastPath", kind: "boolean", default: true, unit: "", help: "When every VCPU is pinned to a PCPU no other VCPU may use and no domain has a cap, the credit scheduler cannot change any decision: skip it (no ticks, no slice timers). false runs it anyway: the same results with more events, the check that skipping it is exact.", source: "F7: with one VCPU per run queue csched_schedule always picks that VCPU", via: "derived" },
  { path: "dom0.vcpus", kind: "integer", default: 4, unit: "VCPUs", min: 1, max: 1024, help: "dom0 VCPUs.", source: "T2: probably 4", slot: L.CFG_DOM0_VCPUS },
  { path: "dom0.pcpus", kind: "intList", default: null, nullable: true, unit: "PCPU ids", help: "PCPU each dom0 VCPU starts on, and is pinned to when dom0.affinity is null; null = VCPU i on PCPU i (modulo cpu.pcpus), or on the PCPUs of dom0.affinity in turn.", source: "pinned 1:1 (T2)", via: "table" },
  { path: "dom0.affinity", kind: "intList", default: null, nullable: true, unit: "PCPU ids", help: "PCPUs every dom0 VCPU may run on (xl vcpu-pin / cpus=); null = each VCPU pinned to its dom0.pcpus entry.", source: "F7: affinity bounds where a VCPU runs and where it may be stolen to", via: "table" },
  { path: "dom0.weight", kind: "integer", default: 256, unit: "", min: 1, max: 65535, help: "Credit scheduler weight of dom0: its share of contended PCPUs against the other domains' weights.", source: "F6: CSCHED_DEFAULT_WEIGHT 256", via: "table" },
  { path: "dom0.capPercent", kind: "integer", default: 0, unit: "% of a PCPU", min: 0, max: 65535, help: "Credit scheduler cap of dom0: the most CPU all its VCPUs together may use, in percent of one PCPU (0 = no cap; at most 100 x dom0.vcpus).", source: "F7: csched_acct caps and parks", via: "table" },
  { path: "guests.count", kind: "integer", default: 4, unit: "guests", min: 1, max: 4096, help: "Guest domains (domU), one vif each; guest i is bridged to port i % nic.ports.", source: "T3: probably 4, one per port", slot: L.CFG_GUESTS },
  { path: "guests.vcpus", kind: "integer", default: 1, unit: "VCPUs", min: 1, max: 64, help: "VCPUs per guest. VCPU0 takes the vif interrupt; the application runs on the last VCPU.", source: "T4: likely 1", slot: L.CFG_GUEST_VCPUS },
  { path: "guests.pcpus", kind: "intListList", default: null, nullable: true, unit: "PCPU ids", help: "PCPU each guest VCPU starts on, and is pinned to when guests.affinity is null (one array per guest); null = the PCPUs dom0 does not start on, in order (again from the first when they run out), or each guest's guests.affinity in turn.", source: "pinned 1:1 (T4)", via: "table" },
  { path: "guests.affinity", kind: "intListList", default: null, nullable: true, unit: "PCPU ids", help: "PCPUs each guest's VCPUs may run on (one array per guest, as xl cpus=); null = each VCPU pinned to its guests.pcpus entry.", source: "F7: affinity bounds where a VCPU runs and where it may be stolen to", via: "table" },
  { path: "guests.weights", kind: "intList", default: null, nullable: true, unit: "", help: "Credit scheduler weight of each guest (1..65535); null = 256 for every guest.", source: "F6: CSCHED_DEFAULT_WEIGHT 256", via: "table" },
  { path: "guests.capsPercent", kind: "intList", default: null, nullable: true, unit: "% of a PCPU", help: "Credit scheduler cap of each guest in percent of one PCPU (0 = no cap; at most 100 x guests.vcpus); null = no caps.", source: "F7: csched_acct caps and parks", via: "table" },
  // ---- NIC and wire ----
  { path: "nic.ports", kind: "integer", default: 4, unit: "ports", min: 1, max: 1024, help: "Physical NIC ports.", source: "paper: quad-port 1 GbE", slot: L.CFG_PORTS },
  { path: "nic.rateGbps", kind: "number", default: 1, unit: "Gb/s", min: 1e-6, max: 10000, help: "Line rate of each port.", source: "paper: 1 GbE", slot: L.CFG_LINK_BPS, encoding: "bps" },
  { path: "nic.rxQueuesPerPort", kind: "integer", default: 1, unit: "queues", min: 1, max: 64, help: "RX queues per port, each with its own ring, interrupt (PIRQ) and NAPI.", source: "e1000-class: 1", slot: L.CFG_RXQ_PER_PORT },
  { path: "nic.queueSelect", kind: "enum", values: ["rss", "vmdq"], default: "rss", unit: "", help: "How frames pick an RX queue: RSS flow hash or VMDq destination guest.", source: "RSS is the multi-queue default", slot: L.CFG_QUEUE_SELECT, encoding: { codes: { rss: E.QUEUE_SELECT_RSS, vmdq: E.QUEUE_SELECT_VMDQ } } },
  { path: "nic.rxRingDescriptors", kind: "integer", default: 256, unit: "descriptors", min: 8, max: 65536, help: "RX descriptor ring size per queue.", source: "H4", slot: L.CFG_NIC_RX_RING },
  { path: "nic.txRingDescriptors", kind: "integer", default: 256, unit: "descriptors", min: 8, max: 65536, help: "TX descriptor ring size per port.", source: "H4", slot: L.CFG_NIC_TX_RING },
  { path: "nic.txQueueLenPackets", kind: "integer", default: 1000, unit: "packets", min: 1, max: 1_000_000, help: "txqueuelen of each physical port's qdisc.", source: "Linux default txqueuelen 1000", slot: L.CFG_NIC_QDISC_LEN },
  { path: "nic.itr.mode", kind: "enum", values: ["dynamic-conservative", "fixed", "off"], default: "dynamic-conservative", unit: "", help: "Interrupt moderation: e1000 InterruptThrottleRate=3, a fixed rate, or none.", source: "H1, H2", slot: L.CFG_ITR_MODE, encoding: { codes: { "dynamic-conservative": E.ITR_MODE_DYNAMIC, fixed: E.ITR_MODE_FIXED, off: E.ITR_MODE_OFF } } },
  { path: "nic.itr.fixedIntsPerSec", kind: "number", default: 20000, unit: "interrupts/s", min: 1, max: 10_000_000, help: "Interrupt rate limit in fixed mode.", source: "H1: e1000 starts at 20000", slot: L.CFG_ITR_FIXED_INTERVAL, encoding: "period" },
  { path: "nic.propagationDelayNs", kind: "number", default: 500, unit: "ns", min: 0, max: 1e9, help: "One-way wire + external host delay.", source: "[I] 100 m of cable plus switch; small against queueing", slot: L.CFG_PROP_DELAY, encoding: "cycles" },
  // ---- links, loss and external clients ----
  { path: "links.portDelayNs", kind: "intList", default: null, nullable: true, unit: "ns", help: "One-way propagation delay of each port's wire (one value per port, both directions); null = nic.propagationDelayNs on every port. RTT = 2 x (this + clients.accessDelayNs when clients are on) + serialization and host time.", source: "per-link delay as in ns-3 PointToPointChannel Delay; sets the RTT of wide-area paths", via: "table" },
  { path: "links.rxLossRate", kind: "number", default: 0, unit: "probability", min: 0, lt: 1, help: "Probability that a frame travelling toward a NIC port is lost on its wire, independently per frame (Bernoulli), drawn from the seeded PRNG on a stream of its own.", source: "N1 (Mathis et al. 1997: random independent loss); 0 = lossless LAN", slot: L.CFG_LOSS_RX },
  { path: "links.txLossRate", kind: "number", default: 0, unit: "probability", min: 0, lt: 1, help: "Probability that a frame leaving a NIC port is lost on its wire (Bernoulli per frame, own PRNG stream).", source: "N1; 0 = lossless LAN", slot: L.CFG_LOSS_TX },
  { path: "clients.perPort", kind: "integer", default: 0, unit: "clients", min: 0, max: 1024, help: "External clients behind a switch on each port, each on its own access link; a port's TCP flows and UDP sources are spread over them in order. 0 = one external host directly on the port's wire.", source: "testbeds with many load generators (e.g. 10 clients on 1 GbE into one 10 GbE port)", slot: L.CFG_CLIENTS_PER_PORT },
  { path: "clients.accessRateGbps", kind: "number", default: 1, unit: "Gb/s", min: 1e-6, max: 10000, help: "Line rate of each client's access link.", source: "1 GbE client machines", slot: L.CFG_ACCESS_BPS, encoding: "bps" },
  { path: "clients.accessDelayNs", kind: "number", default: 500, unit: "ns", min: 0, max: 1e9, help: "One-way propagation delay of each access link.", source: "[I] as nic.propagationDelayNs: cable plus switch latency", slot: L.CFG_ACCESS_DELAY, encoding: "cycles" },
  { path: "clients.switchBufferBytes", kind: "integer", default: 131072, unit: "bytes", min: 2048, max: 1_000_000_000, help: "Drop-tail buffer of each switch egress port (toward the NIC port, and toward each client).", source: "N5 [I]: shared-buffer top-of-rack switches of 2010 hold a few MB for 24-64 ports", slot: L.CFG_SWITCH_BUF },
  // ---- Linux kernel ----
  { path: "kernel.napiWeight", kind: "integer", default: 64, unit: "packets", min: 1, max: 65536, help: "NAPI weight of dom0 NIC and backlog polls.", source: "G3", slot: L.CFG_NAPI_WEIGHT },
  { path: "kernel.netdevBudget", kind: "integer", default: 300, unit: "packets", min: 1, max: 1_000_000, help: "net_rx_action budget per softirq round.", source: "G3", slot: L.CFG_NETDEV_BUDGET },
  { path: "kernel.maxSoftirqRestart", kind: "integer", default: 10, unit: "rounds", min: 1, max: 1000, help: "__do_softirq rounds before deferring to ksoftirqd.", source: "G4", slot: L.CFG_MAX_SOFTIRQ_RESTART },
  { path: "kernel.netdevMaxBacklog", kind: "integer", default: 1000, unit: "packets", min: 1, max: 1_000_000, help: "Per-CPU input backlog (netif_rx) limit.", source: "G3", slot: L.CFG_DOM0_BACKLOG_MAX },
  // ---- netback ----
  { path: "netback.mode", kind: "enum", values: ["tasklet", "kthread"], default: "tasklet", unit: "", help: "Bottom halves as tasklets (run where scheduled) or one kthread per group bound to a dom0 VCPU.", source: "B1; C3", slot: L.CFG_NETBACK_MODE, encoding: { codes: { tasklet: E.NETBACK_MODE_TASKLET, kthread: E.NETBACK_MODE_KTHREAD } } },
  { path: "netback.groups", kind: "integer", default: 1, unit: "groups", min: 0, max: 1024, help: "Netback groups, each with its own tasklet pair (or kthread). 1 = stock Xen; 0 = one per dom0 VCPU (multi-tasklet netback).", source: "B1; C1 (num_online_cpus)", slot: L.CFG_NETBACK_GROUPS },
  { path: "netback.assignment", kind: "enum", values: ["least-loaded", "round-robin", "explicit"], default: "least-loaded", unit: "", help: "vif-to-group assignment at connect time.", source: "C4", via: "table" },
  { path: "netback.groupMap", kind: "intList", default: null, nullable: true, unit: "group ids", help: "Group of each vif when assignment = explicit.", source: "user choice", via: "table" },
  { path: "netback.kthreadVcpus", kind: "intList", default: null, nullable: true, unit: "dom0 VCPU ids", help: "dom0 VCPU each group's kthread is bound to; null = group g on VCPU g % dom0.vcpus.", source: "C3: kthread_bind(group)", via: "table" },
  { path: "netback.queueLenPackets", kind: "integer", default: 32, unit: "packets", min: 1, max: 1_000_000, help: "vif tx_queue_len: the qdisc in front of netback while the vif queue is stopped.", source: "B14", slot: L.CFG_NETBACK_QUEUE_LEN },
  { path: "netback.frontendCanQueue", kind: "boolean", default: true, unit: "", help: "Frontend supports feature-rx-notify: stop the vif queue instead of dropping when RX requests run out.", source: "B7", slot: L.CFG_NETBACK_CAN_QUEUE, encoding: "flag" },
  { path: "netback.scatterGather", kind: "boolean", default: true, unit: "", help: "SG negotiated: a stop needs MAX_SKB_FRAGS+2 = 20 free requests, else 1.", source: "B7", slot: L.CFG_NETBACK_SG, encoding: "flag" },
  { path: "netback.coalesce.count", kind: "integer", default: 1, unit: "responses", min: 1, max: 256, help: "Notify netfront only after this many RX responses since the last notification (1 = every time the ring asks).", source: "lower event frequency (paper technique 3)", slot: L.CFG_COALESCE_COUNT },
  { path: "netback.coalesce.timeUs", kind: "number", default: 0, unit: "us", min: 0, max: 1_000_000, help: "... or when this much time passed since a notification became owed (0 = no timer; required when count > 1).", source: "lower event frequency (paper technique 3); D11 smart-poll period 1 ms as an upper reference", slot: L.CFG_COALESCE_TIME, encoding: "cycles" },
  // ---- event channels ----
  { path: "evtchn.dispatch", kind: "enum", values: ["vcpu0", "round-robin", "group-affine", "dynamic"], default: "vcpu0", unit: "", help: "Binding of vif event channels and NIC PIRQs to dom0 VCPUs.", source: "F1, F2 (vcpu0 default); F5 (rebinding)", slot: L.CFG_DISPATCH, encoding: { codes: { vcpu0: E.DISPATCH_VCPU0, "round-robin": E.DISPATCH_ROUND_ROBIN, "group-affine": E.DISPATCH_GROUP_AFFINE, dynamic: E.DISPATCH_DYNAMIC } } },
  { path: "evtchn.rebalancePeriodMs", kind: "number", default: 100, unit: "ms", gt: 0, max: 1_000_000, help: "Period of the dynamic policy's rebalancing.", source: "[I] irqbalance-like; 10 s in irqbalance, shorter here to converge in short runs", slot: L.CFG_REBALANCE_PERIOD, encoding: "cycles" },
  // ---- netfront ----
  { path: "netfront.napiWeight", kind: "integer", default: 64, unit: "packets", min: 1, max: 65536, help: "netfront NAPI weight.", source: "D1", slot: L.CFG_NF_WEIGHT },
  { path: "netfront.rxTargetMin", kind: "integer", default: 64, unit: "buffers", min: 1, max: 256, help: "rx_min_target: floor of the rx_target adaptation (defaults to RX_DFL_MIN_TARGET; sysfs may lower it to RX_MIN_TARGET = 8).", source: "D2", slot: L.CFG_NF_RX_TARGET_MIN },
  { path: "netfront.rxTargetDefault", kind: "integer", default: 64, unit: "buffers", min: 1, max: 256, help: "Initial rx_target.", source: "D2 (2.6.18: 64)", slot: L.CFG_NF_RX_TARGET_DEFAULT },
  { path: "netfront.rxTargetMax", kind: "integer", default: 256, unit: "buffers", min: 1, max: 256, help: "RX_MAX_TARGET.", source: "D2", slot: L.CFG_NF_RX_TARGET_MAX },
  { path: "netfront.txStopReserveSlots", kind: "integer", default: 20, unit: "slots", min: 1, max: 255, help: "netfront stops its TX queue when fewer than this many TX ring slots are free (room for one maximal packet: MAX_SKB_FRAGS + 2).", source: "D7", slot: L.CFG_NF_TX_STOP_RESERVE },
  { path: "netfront.txQueueLenPackets", kind: "integer", default: 1000, unit: "packets", min: 1, max: 1_000_000, help: "Guest qdisc in front of netfront while its TX queue is stopped.", source: "Linux default txqueuelen", slot: L.CFG_GUEST_QDISC_LEN },
  { path: "netfront.lro.enabled", kind: "boolean", default: false, unit: "", help: "LRO in netfront (paper technique 4).", source: "D12: absent in stock netfront", slot: L.CFG_LRO_ENABLED, encoding: "flag" },
  { path: "netfront.lro.maxAggr", kind: "integer", default: 64, unit: "segments", min: 1, max: 65535, help: "lro_mgr.max_aggr: segments per aggregate.", source: "I2 (myri10ge 64; 64 KB bound gives 45 at MSS 1448, I3)", slot: L.CFG_LRO_MAX_AGGR },
  { path: "netfront.lro.descriptors", kind: "integer", default: 8, unit: "flows", min: 1, max: 1024, help: "lro_mgr.max_desc: flows aggregated at once.", source: "I2", slot: L.CFG_LRO_DESCRIPTORS },
  // ---- TCP ----
  { path: "tcp.mtuBytes", kind: "integer", default: 1500, unit: "bytes", min: 576, max: 65535, help: "IP MTU.", source: "J2", slot: L.CFG_MTU },
  { path: "tcp.timestamps", kind: "boolean", default: true, unit: "", help: "TCP timestamps option (12 bytes of header per segment).", source: "J4", via: "derived" },
  { path: "tcp.initialCwndSegments", kind: "integer", default: 3, unit: "segments", min: 1, max: 1000, help: "Initial congestion window.", source: "RFC 3390 (kernels of 2010)", slot: L.CFG_TCP_INIT_CWND },
  { path: "tcp.rcvBufBytes", kind: "integer", default: 1048576, unit: "bytes", min: 4096, max: 268435456, help: "Guest socket receive buffer (advertised window).", source: "[I] tcp_rmem autotuning reaches ~1 MB at these RTTs", slot: L.CFG_TCP_RCVBUF },
  { path: "tcp.rtoMinMs", kind: "number", default: 200, unit: "ms", gt: 0, max: 100000, help: "TCP_RTO_MIN.", source: "Linux TCP_RTO_MIN = HZ/5", slot: L.CFG_TCP_RTO_MIN, encoding: "cycles" },
  { path: "tcp.delayedAckMs", kind: "number", default: 40, unit: "ms", gt: 0, max: 10000, help: "Delayed-ACK timeout.", source: "Linux TCP_DELACK_MIN = HZ/25", slot: L.CFG_TCP_DELACK, encoding: "cycles" },
  { path: "tcp.sack", kind: "boolean", default: true, unit: "", help: "Selective acknowledgements (RFC 2018) and SACK-based loss recovery; off: NewReno (RFC 6582).", source: "Linux net.ipv4.tcp_sack = 1 (default)", slot: L.CFG_TCP_SACK, encoding: "flag" },
  { path: "tcp.lowLatency", kind: "boolean", default: true, unit: "", help: "net.ipv4.tcp_low_latency: true processes received TCP data in the softirq; false prequeues it for the reader waiting in recv(), whose context runs the TCP receive work (Linux's own default, 0). The model's default stays true until guest-to-guest TCP behind a 32-packet vif queue, which collapses to its retransmission timer under the reader's ACK bursts, is understood.", source: "W10 (Linux default 0)", slot: L.CFG_TCP_LOW_LATENCY, encoding: "flag" },
  { path: "tcp.dupAckThreshold", kind: "integer", default: 3, unit: "ACKs", min: 1, max: 100, help: "Duplicate ACKs that trigger fast retransmit.", source: "RFC 5681", slot: L.CFG_TCP_DUPTHRESH },
  // ---- traffic ----
  { path: "traffic.rxStreamsPerGuest", kind: "integer", default: 1, unit: "flows", min: 0, max: 1024, help: "Bulk TCP streams from an external host into each guest.", source: "T5: netperf TCP_STREAM into the guests", via: "derived" },
  { path: "traffic.txStreamsPerGuest", kind: "integer", default: 0, unit: "flows", min: 0, max: 1024, help: "Bulk TCP streams from each guest to an external host.", source: "receive direction is the paper's case", via: "derived" },
  { path: "traffic.startJitterUs", kind: "number", default: 1000, unit: "us", min: 0, max: 1e6, help: "Each external TCP sender starts at a uniformly random time in [0, this), drawn from the seed: the one source of run-to-run variation in TCP scenarios (real senders never start in lock step).", source: "modelling choice", slot: L.CFG_START_JITTER, encoding: "cycles" },
  { path: "traffic.udp", kind: "udpList", default: [], unit: "", help: "Open-loop UDP sources: [{guest, ratePps, process: 'constant'|'poisson', payloadBytes}].", source: "queueing checks", via: "table" },
  { path: "traffic.profiles", kind: "profileList", default: [], unit: "", help: "Traffic per guest or group of guests, added to the uniform counts above: [{guests: [ids], kind: 'tcp-rx' (bulk TCP into the guests; streams), 'tcp-tx' (bulk TCP from the guests; streams), 'tcp-to-guest' (bulk TCP from each listed guest to guest `peer` through netback TX, the dom0 bridge and netback RX, never the NIC; streams, peer), 'udp-rx' (UDP at a rate into each guest; ratePps, payloadBytes, process), 'rr' (netperf TCP_RR-like request/response from an external client to a server in each guest; streams = sessions, requestBytes, responseBytes, thinkUs; result.requestResponse reports transactions/s and transaction-time percentiles), 'cpu-hog' (a CPU-bound busy loop on every VCPU of each guest, in turns of quantumUs, default 100 us: the competitor for shared PCPUs) or 'idle' (nothing)}]. Guests no profile names run only the uniform traffic.", source: "netperf/iperf testbeds with differing guests (one busy guest among idle ones, mixed workloads); rr as netperf TCP_RR (N3)", via: "derived" },
  { path: "app.recvBytes", kind: "integer", default: 65536, unit: "bytes", min: 1, max: 16777216, help: "Bytes one recv() call of the guest application asks for.", source: "netperf default receive size (socket buffer sized)", slot: L.CFG_APP_RECV_BYTES },
  { path: "app.udpRcvBufBytes", kind: "integer", default: 212992, unit: "bytes", min: 1024, max: 268435456, help: "Guest UDP socket buffer.", source: "Linux rmem_default", slot: L.CFG_UDP_RCVBUF },
  // ---- costs (cycles at cpu.frequencyGHz) ----
  c("xenUpcallCycles", L.COST_XEN_UPCALL, 1500, "cycles/upcall", "Xen event upcall into a running VCPU plus evtchn_do_upcall dispatch.", "[I] ~0.6 us: an exception-like entry and a bitmap scan"),
  c("vcpuWakeCycles", L.COST_VCPU_WAKE, 4000, "cycles/wake-up", "Waking a blocked VCPU: vcpu_wake, schedule, context switch from the idle VCPU.", "[I] ~1.6 us; Xen context switch of that era"),
  c("evtchnSendCycles", L.COST_EVTCHN_SEND, 1200, "cycles/event", "notify_remote_via_irq: EVTCHNOP_send hypercall.", "[I] one hypercall round trip ~0.5 us"),
  c("hypercallCycles", L.COST_HYPERCALL, 1000, "cycles/hypercall", "Entry/exit of one (multi)call: netback's batched grant hypercalls.", "[I] ~0.4 us"),
  c("grantCopyOpCycles", L.COST_GRANT_COPY_OP, 1200, "cycles/op", "Per GNTTABOP_copy op: grant validation, page lookups, locks.", "[I] K9 names grant operations a major overhead"),
  c("grantCopyPerByteCycles", L.COST_GRANT_COPY_PER_BYTE, 0.6, "cycles/byte", "Cross-domain memcpy done by Xen for netback.", "[I] ~4 GB/s memcpy at 2.5 GHz"),
  c("grantMapOpCycles", L.COST_GRANT_MAP_OP, 2500, "cycles/op", "Per GNTTABOP_map_grant_ref op (page-table update).", "[I] K9: grant map/unmap among the largest costs"),
  c("grantUnmapOpCycles", L.COST_GRANT_UNMAP_OP, 3000, "cycles/op", "Per unmap op incl. its share of the TLB flush.", "[I] K9"),
  c("nicIrqCycles", L.COST_NIC_IRQ, 2000, "cycles/interrupt", "e1000 hardirq: ICR read, mask, napi_schedule.", "[I] MMIO reads ~0.3 us each"),
  c("nicRxPacketCycles", L.COST_NIC_RX_PKT, 1000, "cycles/frame", "Driver RX clean, skb alloc and descriptor refill.", "[I]"),
  c("nicTxPacketCycles", L.COST_NIC_TX_PKT, 1200, "cycles/frame", "Driver xmit (descriptor setup, doorbell).", "[I]"),
  c("nicTxCleanPacketCycles", L.COST_NIC_TX_CLEAN_PKT, 400, "cycles/frame", "Driver TX completion clean, skb free.", "[I]"),
  c("napiPollCycles", L.COST_NAPI_POLL, 400, "cycles/poll", "One NAPI poll call: list handling, re-enable.", "[I]"),
  c("bridgePacketCycles", L.COST_BRIDGE_PKT, 1390, "cycles/packet", "Software bridge per packet: br_handle_frame, FDB lookup, netfilter hooks, forward.", "[I] K9: bridge demux a major overhead", "paper-baseline mean aggregate goodput over seeds 1-3 = 2.2 Gb/s (V1; the validation suite's training result zhang2010-baseline), least squares over log-errors: node scripts/fit-costs.mjs"),
  c("netbackStartXmitCycles", L.COST_NB_START_XMIT, 800, "cycles/packet", "netif_be_start_xmit and the vif qdisc.", "[I]"),
  c("netbackRxPacketCycles", L.COST_NB_RX_PKT, 1500, "cycles/packet", "net_rx_action per packet: copy-op build, response, kfree_skb.", "[I]"),
  c("netbackTxPacketCycles", L.COST_NB_TX_PKT, 2000, "cycles/request", "net_tx_action per request: skb alloc, 64-byte header copy, netif_rx.", "[I] B10"),
  c("netbackTxResponseCycles", L.COST_NB_TX_RESPONSE, 500, "cycles/request", "make_tx_response and pending-ring bookkeeping.", "[I] B11"),
  c("taskletRunCycles", L.COST_TASKLET_RUN, 300, "cycles/run", "Tasklet/kthread action entry.", "[I]"),
  c("netbackIntCycles", L.COST_NB_INT, 800, "cycles/event", "netif_be_int handler.", "[I] B12"),
  c("netfrontIrqCycles", L.COST_NF_IRQ, 800, "cycles/event", "netfront interrupt handler (before TX GC).", "[I] D9"),
  c("netfrontRxPacketCycles", L.COST_NF_RX_PKT, 2000, "cycles/response", "netfront per RX response: gnttab_end_foreign_access, 256-byte head copy, skb.", "[I] D6"),
  c("netfrontRefillBufferCycles", L.COST_NF_REFILL_BUF, 600, "cycles/buffer", "Posting one RX buffer: page alloc, grant.", "[I] D3"),
  c("netfrontTxPacketCycles", L.COST_NF_TX_PKT, 1500, "cycles/packet", "network_start_xmit: grant, ring slot.", "[I]"),
  c("netfrontTxGcPacketCycles", L.COST_NF_TX_GC_PKT, 400, "cycles/response", "Reclaiming one TX slot (end foreign access, free skb).", "[I]"),
  c("stackRxPacketCycles", L.COST_STACK_RX_PKT, 5000, "cycles/skb", "Guest IP+TCP receive per skb handed up (per aggregate with LRO).", "[I] K6: guest receive ~2.6x native per packet"),
  c("stackRxDemuxCycles", L.COST_STACK_RX_DEMUX, 1000, "cycles/skb", "The part of stackRxPacketCycles the softirq spends on a prequeued skb: ip_rcv, ip_local_deliver, tcp_v4_rcv's socket lookup; the rest runs in the reader's context.", "[I] W10: tcp_v4_rcv prequeues after the socket lookup; about a fifth of the receive path"),
  c("stackRxPerByteCycles", L.COST_STACK_RX_PER_BYTE, 0, "cycles/byte", "Per payload byte in the guest stack (0: netfront marks checksums validated).", "netfront marks RX checksums validated (NETRXF_data_validated); the copy is charged to the application"),
  c("stackTxPacketCycles", L.COST_STACK_TX_PKT, 3000, "cycles/packet", "Guest TCP/IP transmit of a segment or ACK.", "[I]"),
  c("stackTxPerByteCycles", L.COST_STACK_TX_PER_BYTE, 1.0, "cycles/byte", "Per payload byte the guest sends (copy from user, checksum).", "[I] ~2.5 GB/s"),
  c("appRecvCallCycles", L.COST_APP_RECV_CALL, 2000, "cycles/call", "One recv() system call in the guest.", "[I] PV syscall via Xen ~0.8 us"),
  c("appCopyPerByteCycles", L.COST_APP_COPY_PER_BYTE, 1.0, "cycles/byte", "copy_to_user per byte.", "[I] ~2.5 GB/s"),
  c("lroSegmentCycles", L.COST_LRO_SEG, 300, "cycles/segment", "LRO per segment: flow lookup, header checks, merge.", "[I] I1"),
  c("softirqEntryCycles", L.COST_SOFTIRQ_ENTRY, 200, "cycles/round", "__do_softirq round entry.", "[I]"),
  c("timerCycles", L.COST_TIMER, 500, "cycles/timer", "One timer expiry in TIMER softirq.", "[I]"),
  c("kthreadWakeCycles", L.COST_KTHREAD_WAKE, 1500, "cycles/wake-up", "Waking a kernel thread (runqueue, IPI send, or the IPI handler).", "[I]"),
  c("rebindCycles", L.COST_REBIND, 5000, "cycles/port", "Rebinding one event channel (EVTCHNOP_bind_vcpu + IRQ affinity).", "[I] F5"),
  c("contextSwitchCycles", L.COST_CTX_SWITCH, 22500, "cycles/switch", "A PCPU switching from one VCPU to another (credit scheduler, context switch, the incoming VCPU refilling its caches), charged to the incoming VCPU; only when VCPUs share PCPUs.", "F8: 9 us between VMs that touch memory, at 2.5 GHz"),
] as const satisfies readonly ParamSpec[];

export const PARAMS: readonly ParamSpec[] = PARAM_TABLE;

export const PARAM_BY_PATH: ReadonlyMap<string, ParamSpec> = new Map(PARAMS.map((p) => [p.path, p]));
