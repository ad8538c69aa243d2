// Packs a resolved configuration into the flat Float64 buffer the Wasm model reads at init.
// This is the one place where units are converted: every time and cost becomes CPU cycles
// (u64 in the model), every rate becomes bits or cycles per second, and static binding
// policies (event-channel dispatch, vif-to-group assignment) are resolved to tables.

import * as L from "../abi/layout.js";
import * as S from "../abi/sched-records.js";
import * as E from "../abi/enums.js";
import { PARAMS, type ParamSpec } from "./params.js";
import type { ResolvedConfig } from "./schema.js";
import { needsCreditScheduler, vcpuAffinity, vcpuStartPcpu } from "./placement.js";
import { guestTraffic, dom0Receivers } from "./guest-traffic.js";

export { guestTraffic, type RrSession } from "./guest-traffic.js";

/** Sizes the model derives from the configuration (also reported in results). */
export interface Derived {
  cpuHz: number;
  mssBytes: number;
  tcpHeaderBytes: number;
  windowSegs: number;
  poolPackets: number;
  /** The packet pool's terms, each with the parameter that sizes it. */
  poolTerms: PoolTerm[];
  eventqCapacity: number;
  /** TCP flows in the run (every guest's received and sent streams). */
  flows: number;
  /** Links: two per port, and two per client when clients are on. */
  links: number;
  /** Frames one link can hold queued or in flight: every window on its port, both rings' worth, slack. */
  linkFlightFrames: number;
  rxQueues: number;
  vcpusTotal: number;
  warmupCycles: number;
  endCycles: number;
  /** Whether the credit scheduler runs (VCPUs may share PCPUs, or a cap is set). */
  creditScheduler: boolean;
  /** 32-bit words of one VCPU's affinity mask. */
  affinityWords: number;
}

export interface PoolTerm {
  field: string;
  packets: number;
}

const pow2ceil = (n: number): number => (n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n)));

export function derive(r: ResolvedConfig): Derived {
  const cpuHz = r.cpu.frequencyGHz * 1e9;
  const tcpHeaderBytes = 20 + (r.tcp.timestamps ? 12 : 0);
  const mssBytes = r.tcp.mtuBytes - 20 - tcpHeaderBytes;
  const windowSegs = pow2ceil(Math.max(64, 2 * Math.ceil(r.tcp.rcvBufBytes / mssBytes) + 2));
  const N = r.guests.count;
  const t = guestTraffic(r);
  const flowsOf = (g: number): number => t.rx[g]! + t.tx[g]! + t.g2gSenders[g]!.length;
  let flows = 0;
  for (let g = 0; g < N; g++) flows += flowsOf(g);
  const rxQueues = r.nic.ports * r.nic.rxQueuesPerPort;
  const vcpusTotal = r.dom0.vcpus + N * r.guests.vcpus;
  // Upper bound on packets alive at once: every queue and ring full, and every flow's window. A
  // flow's sender keeps at most the advertised window's cap (windowSegs / 2 segments) beyond the
  // last ACK, wherever those segments are (wire, queues, the receiver's socket and out-of-order
  // buffer); retransmitted copies of them can be alive beside the originals (as many again), and
  // each segment received makes at most one ACK (half as many again): 1.5 windowSegs per flow, not
  // every window full twice. Each term with the parameter that sizes it (named when a model does
  // not fit in memory).
  const poolTerms: PoolTerm[] = [
    { field: "tcp.rcvBufBytes", packets: flows * windowSegs + flows * (windowSegs / 2) },
    { field: "nic.rxRingDescriptors", packets: rxQueues * r.nic.rxRingDescriptors },
    { field: "nic.txQueueLenPackets", packets: r.nic.ports * (r.nic.txRingDescriptors + r.nic.txQueueLenPackets) },
    { field: "kernel.netdevMaxBacklog", packets: r.dom0.vcpus * r.kernel.netdevMaxBacklog },
    {
      field: "nic.sriov.guests",
      packets: r.nic.sriov.guests * (r.nic.rxRingDescriptors + r.nic.txRingDescriptors + r.nic.txQueueLenPackets),
    },
    {
      field: "netfront.txQueueLenPackets",
      packets: N * (4 * 256 + r.netback.queueLenPackets + r.netfront.txQueueLenPackets),
    },
    { field: "app.udpRcvBufBytes", packets: t.udp.length * (1000 + Math.ceil(r.app.udpRcvBufBytes / 64)) },
    {
      field: "traffic.profiles",
      packets: t.rr.reduce(
        (a, x) => a + 2 * (Math.ceil(x.requestBytes / mssBytes) + Math.ceil(x.responseBytes / mssBytes)),
        0,
      ),
    },
  ];
  const poolPackets =
    r.packetPoolPackets > 0 ? r.packetPoolPackets : poolTerms.reduce((a, x) => a + x.packets, 0) + 4096;
  const timers = flows * 2 + N;
  // With the credit scheduler: a tick, a slice timer per PCPU, and the stale job-end events of
  // paused jobs (one per pause until the job's old end time passes; a few per VCPU).
  const sched = needsCreditScheduler(r) ? 1 + r.cpu.pcpus + 64 * vcpusTotal : 0;
  const eventqCapacity =
    2 * (vcpusTotal * 2 + 2 * r.nic.ports + rxQueues + r.nic.ports + timers * 2 + t.udp.length + 2 * t.rr.length + 8) +
    1024 +
    sched +
    4 * r.nic.sriov.guests; // each VF: an interrupt and a TX-completion event (twice, as above)
  // The port whose guests hold the most: their windows and rings (guest g is on port g % ports).
  const perPort = new Array<number>(r.nic.ports).fill(0);
  for (let g = 0; g < N; g++) perPort[g % r.nic.ports]! += flowsOf(g) * windowSegs + 2 * 256;
  const portLoad = Math.max(...perPort);
  // Windows bound what TCP puts on a port's wire and its clients' access links; UDP senders keep
  // a bounded backlog; a switch buffer holds at most its bytes in minimum frames.
  const switchFrames = r.clients.perPort > 0 ? Math.ceil(r.clients.switchBufferBytes / 84) : 0;
  const linkFlightFrames = pow2ceil(portLoad + 2048 + switchFrames);
  const links = 2 * r.nic.ports * (1 + r.clients.perPort);
  const warmupCycles = Math.round((r.warmupMs / 1e3) * cpuHz);
  const endCycles = warmupCycles + Math.round((r.durationMs / 1e3) * cpuHz);
  const creditScheduler = needsCreditScheduler(r);
  const affinityWords = Math.ceil(r.cpu.pcpus / 32);
  return {
    cpuHz,
    mssBytes,
    tcpHeaderBytes,
    windowSegs,
    poolPackets,
    poolTerms,
    eventqCapacity,
    flows,
    links,
    linkFlightFrames,
    rxQueues,
    vcpusTotal,
    warmupCycles,
    endCycles,
    creditScheduler,
    affinityWords,
  };
}

/** Dom0 VCPU of each NIC RX queue's PIRQ and of each vif's backend port, per dispatch policy. */
export function bindings(r: ResolvedConfig): { pirqVcpu: number[]; vifVcpu: number[] } {
  const D = r.dom0.vcpus;
  const N = r.guests.count;
  const nq = r.nic.ports * r.nic.rxQueuesPerPort;
  const groupVcpu = (g: number): number => r.netback.kthreadVcpus[g]!;
  switch (r.evtchn.dispatch) {
    case "vcpu0":
    case "dynamic": // starts where Xen starts (VCPU0); the balancer moves ports at run time
      return { pirqVcpu: Array(nq).fill(0), vifVcpu: Array(N).fill(0) };
    case "round-robin":
      return {
        pirqVcpu: Array.from({ length: nq }, (_, q) => q % D),
        vifVcpu: Array.from({ length: N }, (_, i) => i % D),
      };
    case "group-affine": {
      // Each vif's port goes to its group's VCPU; each NIC queue to the VCPU of the group of the
      // first guest it serves (one queue per port, or VMDq: queue i of port p serves guests
      // p + i*ports, ...), so a queue's driver work and its guests' netback work share a VCPU
      // (tasklets run where scheduled). RSS queues carry every guest of the port: round-robin.
      const vifVcpu = Array.from({ length: N }, (_, i) => groupVcpu(r.netback.groupMap[i]!));
      const Q = r.nic.rxQueuesPerPort;
      const pirqVcpu = Array.from({ length: nq }, (_, q) => {
        const port = Math.floor(q / Q);
        const g = port + (q % Q) * r.nic.ports;
        if ((Q === 1 || r.nic.queueSelect === "vmdq") && g < N) return vifVcpu[g]!;
        return q % D;
      });
      return { pirqVcpu, vifVcpu };
    }
  }
}

/** One-way propagation delay of each port's wire, ns. */
export function portDelayNs(r: ResolvedConfig): number[] {
  return r.links.portDelayNs ?? Array.from({ length: r.nic.ports }, () => r.nic.propagationDelayNs);
}

/** Every scalar config slot of src/abi/layout.ts by name (the CFG_* constants but CFG_COUNT). */
export const CFG_SLOTS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(L).filter(([k, v]) => k.startsWith("CFG_") && k !== "CFG_COUNT" && typeof v === "number"),
) as Record<string, number>;

/** Seconds per unit of the time units a parameter with the "cycles" encoding may have. */
const UNITS_PER_SECOND: Readonly<Record<string, number>> = { s: 1, ms: 1e3, us: 1e6, ns: 1e9 };

type GuestTraffic = ReturnType<typeof guestTraffic>;

/** Streams each guest sends: to external hosts and to other guests (they share its netfront). */
function sendsPerGuest(t: GuestTraffic): number[] {
  const sends = t.tx.slice();
  for (const senders of t.g2gSenders) for (const g of senders) sends[g]!++;
  return sends;
}

/** Slots the host computes from several parameters (sizes and bounds the model allocates by,
 *  and the traffic every guest runs, uniform counts and profiles together). */
export const DERIVED_SLOTS: ReadonlyArray<readonly [slot: number, value: (d: Derived, t: GuestTraffic) => number]> = [
  [L.CFG_MSS, (d) => d.mssBytes],
  [L.CFG_TCP_HDR, (d) => d.tcpHeaderBytes],
  [L.CFG_TCP_WINDOW_SEGS, (d) => d.windowSegs],
  // tcp_xmit_size_goal: GSO_MAX_SIZE (65536) - 1 - IP header - TCP header, in whole segments (J8).
  [L.CFG_GSO_MAX_SEGS, (d) => Math.max(1, Math.floor((65536 - 1 - 20 - d.tcpHeaderBytes) / d.mssBytes))],
  [L.CFG_POOL_PACKETS, (d) => d.poolPackets],
  [L.CFG_EVENTQ_CAP, (d) => d.eventqCapacity],
  [L.CFG_LINK_FLIGHT, (d) => d.linkFlightFrames],
  [L.CFG_RX_STREAMS_PER_GUEST, (_, t) => Math.max(...t.rx.map((n, g) => n + t.g2gSenders[g]!.length))],
  [L.CFG_TX_STREAMS_PER_GUEST, (_, t) => Math.max(...sendsPerGuest(t))],
  [L.CFG_UDP_SOURCES, (_, t) => t.udp.length],
  [L.CFG_RR_SESSIONS, (_, t) => t.rr.length],
  // The credit scheduler's constants (sources.md F6): 10 ms tick, 30 ms slice, 10 credits per ms.
  [L.CFG_SCHED_TICK, (d) => Math.round(0.01 * d.cpuHz)],
  [L.CFG_SCHED_TSLICE, (d) => Math.round(0.03 * d.cpuHz)],
  [L.CFG_SCHED_CREDIT_CYCLES, (d) => Math.round(1e-4 * d.cpuHz)],
  [L.CFG_SCHED_CREDIT, (d) => (d.creditScheduler ? 1 : 0)],
  [L.CFG_AFFINITY_WORDS, (d) => d.affinityWords],
];

/** A parameter's value, encoded for its slot (see Encoding in params.ts). */
export function encodeParam(p: ParamSpec, value: unknown, cpuHz: number): number {
  const e = p.encoding ?? "number";
  const bad = (what: string): never => {
    throw new Error(`cannot encode ${p.path} = ${JSON.stringify(value)} for its config slot: ${what}`);
  };
  if (typeof e === "object") {
    const code = typeof value === "string" && Object.hasOwn(e.codes, value) ? e.codes[value] : undefined;
    return code ?? bad(`no code for this value (codes: ${Object.keys(e.codes).join(", ")})`);
  }
  switch (e) {
    case "flag":
      return typeof value === "boolean" ? (value ? 1 : 0) : bad("expected a boolean");
    case "length":
      return Array.isArray(value) ? value.length : bad("expected a list");
    case "number":
    case "cycles":
    case "period":
    case "hz":
    case "bps": {
      if (typeof value !== "number") return bad("expected a number");
      if (e === "number") return value;
      if (e === "hz") return value * 1e9;
      if (e === "bps") return Math.round(value * 1e9);
      if (e === "period") return Math.round(cpuHz / value);
      const units = Object.keys(UNITS_PER_SECOND).join(", ");
      const perSecond = UNITS_PER_SECOND[p.unit] ?? bad(`unit "${p.unit}" is not a time unit (${units})`);
      return Math.round((value / perSecond) * cpuHz);
    }
  }
}

/** The value at a dotted parameter path of a resolved configuration. */
function valueAt(r: ResolvedConfig, path: string): unknown {
  let node: unknown = r;
  for (const k of path.split(".")) node = (node as Record<string, unknown>)[k];
  return node;
}

/**
 * The packed buffer, ready to copy into Wasm memory. The scalar region is sized from the CFG_*
 * slots themselves, the tables follow it, and the buffer starts as NaN: a slot that no parameter,
 * derived value or table offset wrote is an error here, not a silent 0 in the model. `params` and
 * `slots` are the tables of params.ts and layout.ts (parameters for tests that prove the check).
 */
export function packConfig(
  r: ResolvedConfig,
  params: readonly ParamSpec[] = PARAMS,
  slots: Readonly<Record<string, number>> = CFG_SLOTS,
): Float64Array {
  const d = derive(r);
  const { pirqVcpu, vifVcpu } = bindings(r);
  const traffic = guestTraffic(r);
  const udp: number[] = [];
  for (const s of traffic.udp) {
    const rec = new Array<number>(L.UDP_REC).fill(NaN);
    rec[L.UDP_GUEST] = s.guest;
    rec[L.UDP_MEAN_GAP] = d.cpuHz / s.ratePps;
    rec[L.UDP_PROCESS] = s.process === "poisson" ? E.UDP_PROCESS_POISSON : E.UDP_PROCESS_CONSTANT;
    rec[L.UDP_PAYLOAD] = s.payloadBytes;
    udp.push(...rec);
  }
  const costs = new Array<number>(L.COST_COUNT).fill(NaN);
  for (const p of params)
    if (p.cost !== undefined) costs[p.cost] = (r.costs as Record<string, number>)[p.path.slice("costs.".length)]!;
  const tables: Array<[number, number[]]> = [
    [L.CFG_OFF_PIRQ_VCPU, pirqVcpu],
    [L.CFG_OFF_VIF_VCPU, vifVcpu],
    [L.CFG_OFF_VIF_GROUP, r.netback.groupMap],
    [L.CFG_OFF_GROUP_VCPU, r.netback.kthreadVcpus],
    [L.CFG_OFF_UDP, udp],
    [L.CFG_OFF_COST, costs],
    [L.CFG_OFF_PORT_DELAY, portDelayNs(r).map((ns) => Math.round((ns / 1e9) * d.cpuHz))],
    [L.CFG_OFF_GUEST_STREAMS, traffic.rx.flatMap((n, g) => [n, traffic.tx[g]!, traffic.g2gSenders[g]!.length])],
    [L.CFG_OFF_G2G_SENDER, traffic.g2gSenders.flat()],
    [L.CFG_OFF_DOM0_STREAMS, dom0Receivers(traffic.toDom0, r.dom0.vcpus)],
    [
      L.CFG_OFF_RR,
      traffic.rr.flatMap((x) => {
        const rec = new Array<number>(L.RR_REC).fill(NaN);
        rec[L.RR_GUEST] = x.guest;
        rec[L.RR_REQ_BYTES] = x.requestBytes;
        rec[L.RR_RSP_BYTES] = x.responseBytes;
        rec[L.RR_THINK] = Math.round((x.thinkUs / 1e6) * d.cpuHz);
        return rec;
      }),
    ],
  ];
  // Scheduling: each VCPU's start PCPU and busy-loop quantum, its affinity as 32-bit masks, and
  // each domain's weight and cap.
  const words = d.affinityWords;
  const guestOf = (v: number): number => (v < r.dom0.vcpus ? -1 : Math.floor((v - r.dom0.vcpus) / r.guests.vcpus));
  const vcpuSched = vcpuStartPcpu(r).flatMap((pc, v) => {
    const g = guestOf(v);
    const hogUs = g < 0 ? 0 : traffic.hogQuantumUs[g]!;
    const rec = new Array<number>(S.VSC_REC).fill(NaN);
    rec[S.VSC_PCPU] = pc;
    rec[S.VSC_HOG_QUANTUM] = Math.round((hogUs / 1e6) * d.cpuHz);
    return rec;
  });
  const affinityWords = vcpuAffinity(r).flatMap((aff) => {
    const m = new Array<number>(words).fill(0);
    for (const pc of aff) m[pc >>> 5] = (m[pc >>> 5]! | (1 << (pc & 31))) >>> 0;
    return m;
  });
  const domRec = (weight: number, cap: number): number[] => {
    const rec = new Array<number>(S.DSC_REC).fill(NaN);
    rec[S.DSC_WEIGHT] = weight;
    rec[S.DSC_CAP] = cap;
    return rec;
  };
  const domSched = [
    domRec(r.dom0.weight, r.dom0.capPercent),
    ...r.guests.weights!.map((w, g) => domRec(w, r.guests.capsPercent![g]!)),
  ].flat();
  tables.push(
    [L.CFG_OFF_VCPU_SCHED, vcpuSched],
    [L.CFG_OFF_VCPU_AFFINITY, affinityWords],
    [L.CFG_OFF_DOM_SCHED, domSched],
  );
  const scalars = Math.max(...Object.values(slots)) + 1;
  const b = new Float64Array(scalars + tables.reduce((a, [, t]) => a + t.length, 0)).fill(NaN);
  const put = (slot: number, v: number, by: string): void => {
    if (!Number.isNaN(b[slot]!)) throw new Error(`config slot ${slot} is written twice (again by ${by})`);
    b[slot] = v;
  };
  for (const p of params) if (p.slot !== undefined) put(p.slot, encodeParam(p, valueAt(r, p.path), d.cpuHz), p.path);
  for (const [slot, value] of DERIVED_SLOTS) put(slot, value(d, traffic), "DERIVED_SLOTS");
  let off = scalars;
  for (const [slot, t] of tables) {
    put(slot, off, "a table offset");
    b.set(t, off);
    off += t.length;
  }
  const unset = b.findIndex(Number.isNaN);
  if (unset >= 0) {
    const name = (i: number): string => Object.keys(slots).find((k) => slots[k] === i) ?? "";
    if (unset < scalars) {
      throw new Error(
        `config slot ${unset} (${name(unset) || "no CFG_* name"}) was not written: give the parameter it holds ` +
          "`slot` and `encoding` in src/config/table/, or add it to DERIVED_SLOTS in src/config/pack.ts",
      );
    }
    const [slot] = tables.filter(([sl]) => b[sl]! <= unset).at(-1)!;
    throw new Error(`config table ${name(slot)} entry ${unset - b[slot]!} was not written`);
  }
  return b;
}
