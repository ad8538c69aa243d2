// Packs a resolved configuration into the flat Float64 buffer the Wasm model reads at init.
// This is the one place where units are converted: every time and cost becomes CPU cycles
// (u64 in the model), every rate becomes bits or cycles per second, and static binding
// policies (event-channel dispatch, vif-to-group assignment) are resolved to tables.

import * as L from "../abi/layout.js";
import * as E from "../abi/enums.js";
import { PARAMS } from "./params.js";
import type { ResolvedConfig, UdpSourceConfig } from "./schema.js";

/** Sizes the model derives from the configuration (also reported in results). */
export interface Derived {
  cpuHz: number;
  mssBytes: number;
  tcpHeaderBytes: number;
  windowSegs: number;
  poolPackets: number;
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
}

const pow2ceil = (n: number): number => (n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n)));

/** What each guest runs: TCP streams it receives and sends, and every UDP source (the uniform
 *  traffic.* counts for every guest plus what traffic.profiles adds to the guests it names). */
export interface RrSession {
  guest: number;
  requestBytes: number;
  responseBytes: number;
  thinkUs: number;
}

export function guestTraffic(r: ResolvedConfig): { rx: number[]; tx: number[]; g2gSenders: number[][]; udp: UdpSourceConfig[]; rr: RrSession[] } {
  const N = r.guests.count;
  const rx = Array.from({ length: N }, () => r.traffic.rxStreamsPerGuest);
  const tx = Array.from({ length: N }, () => r.traffic.txStreamsPerGuest);
  // For each receiving guest, the sending guest of each of its guest-to-guest flows.
  const g2gSenders = Array.from({ length: N }, (): number[] => []);
  const udp = [...r.traffic.udp];
  const rr: RrSession[] = [];
  for (const p of r.traffic.profiles) {
    for (const g of p.guests) {
      if (p.kind === "tcp-rx") rx[g]! += p.streams!;
      else if (p.kind === "tcp-tx") tx[g]! += p.streams!;
      else if (p.kind === "tcp-to-guest") for (let k = 0; k < p.streams!; k++) g2gSenders[p.peer!]!.push(g);
      else if (p.kind === "udp-rx") udp.push({ guest: g, ratePps: p.ratePps!, process: p.process!, payloadBytes: p.payloadBytes! });
      else if (p.kind === "rr") {
        for (let k = 0; k < p.streams!; k++) rr.push({ guest: g, requestBytes: p.requestBytes!, responseBytes: p.responseBytes!, thinkUs: p.thinkUs! });
      }
    }
  }
  return { rx, tx, g2gSenders, udp, rr };
}

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
  // Upper bound on packets alive at once: every queue full and every window in flight.
  const poolPackets =
    flows * windowSegs * 2 +
    rxQueues * r.nic.rxRingDescriptors +
    r.nic.ports * (r.nic.txRingDescriptors + r.nic.txQueueLenPackets) +
    r.dom0.vcpus * r.kernel.netdevMaxBacklog +
    N * (4 * 256 + r.netback.queueLenPackets + r.netfront.txQueueLenPackets) +
    t.udp.length * (1000 + Math.ceil(r.app.udpRcvBufBytes / 64)) +
    t.rr.reduce((a, x) => a + 2 * (Math.ceil(x.requestBytes / mssBytes) + Math.ceil(x.responseBytes / mssBytes)), 0) +
    4096;
  const timers = flows * 2 + N;
  const eventqCapacity = 2 * (vcpusTotal * 2 + 2 * r.nic.ports + rxQueues + r.nic.ports + timers * 2 + t.udp.length + 2 * t.rr.length + 8) + 1024;
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
  return { cpuHz, mssBytes, tcpHeaderBytes, windowSegs, poolPackets, eventqCapacity, flows, links, linkFlightFrames, rxQueues, vcpusTotal, warmupCycles, endCycles };
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
      return { pirqVcpu: Array.from({ length: nq }, (_, q) => q % D), vifVcpu: Array.from({ length: N }, (_, i) => i % D) };
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

/** The packed buffer, ready to copy into Wasm memory. */
export function packConfig(r: ResolvedConfig): Float64Array {
  const d = derive(r);
  const hz = d.cpuHz;
  const N = r.guests.count;
  const G = r.netback.groups;
  const { pirqVcpu, vifVcpu } = bindings(r);
  const traffic = guestTraffic(r);
  const udp: number[] = [];
  for (const s of traffic.udp) {
    const rec = new Array<number>(L.UDP_REC).fill(0);
    rec[L.UDP_GUEST] = s.guest;
    rec[L.UDP_MEAN_GAP] = hz / s.ratePps;
    rec[L.UDP_PROCESS] = s.process === "poisson" ? E.UDP_PROCESS_POISSON : E.UDP_PROCESS_CONSTANT;
    rec[L.UDP_PAYLOAD] = s.payloadBytes;
    udp.push(...rec);
  }
  const costs = new Array<number>(L.COST_COUNT).fill(0);
  for (const p of PARAMS) if (p.cost !== undefined) costs[p.cost] = r.costs[p.path.slice("costs.".length)]!;
  const tables: Array<[number, number[]]> = [
    [L.CFG_OFF_PIRQ_VCPU, pirqVcpu],
    [L.CFG_OFF_VIF_VCPU, vifVcpu],
    [L.CFG_OFF_VIF_GROUP, r.netback.groupMap],
    [L.CFG_OFF_GROUP_VCPU, r.netback.kthreadVcpus],
    [L.CFG_OFF_UDP, udp],
    [L.CFG_OFF_COST, costs],
    [L.CFG_OFF_PORT_DELAY, portDelayNs(r).map((ns) => Math.round((ns / 1e9) * hz))],
    [L.CFG_OFF_GUEST_STREAMS, traffic.rx.flatMap((n, g) => [n, traffic.tx[g]!, traffic.g2gSenders[g]!.length])],
    [L.CFG_OFF_G2G_SENDER, traffic.g2gSenders.flat()],
    [L.CFG_OFF_RR, traffic.rr.flatMap((x) => {
      const rec = new Array<number>(L.RR_REC).fill(0);
      rec[L.RR_GUEST] = x.guest;
      rec[L.RR_REQ_BYTES] = x.requestBytes;
      rec[L.RR_RSP_BYTES] = x.responseBytes;
      rec[L.RR_THINK] = Math.round((x.thinkUs / 1e6) * hz);
      return rec;
    })],
  ];
  const total = L.CFG_COUNT + tables.reduce((a, [, t]) => a + t.length, 0);
  const b = new Float64Array(total);
  let off = L.CFG_COUNT;
  for (const [slot, t] of tables) {
    b[slot] = off;
    b.set(t, off);
    off += t.length;
  }
  const cyc = (seconds: number): number => Math.round(seconds * hz);
  b[L.CFG_SEED] = r.seed;
  b[L.CFG_CPU_HZ] = hz;
  b[L.CFG_DOM0_VCPUS] = r.dom0.vcpus;
  b[L.CFG_GUESTS] = N;
  b[L.CFG_GUEST_VCPUS] = r.guests.vcpus;
  b[L.CFG_PORTS] = r.nic.ports;
  b[L.CFG_LINK_BPS] = Math.round(r.nic.rateGbps * 1e9);
  b[L.CFG_RXQ_PER_PORT] = r.nic.rxQueuesPerPort;
  b[L.CFG_QUEUE_SELECT] = r.nic.queueSelect === "rss" ? E.QUEUE_SELECT_RSS : E.QUEUE_SELECT_VMDQ;
  b[L.CFG_NIC_RX_RING] = r.nic.rxRingDescriptors;
  b[L.CFG_NIC_TX_RING] = r.nic.txRingDescriptors;
  b[L.CFG_ITR_MODE] =
    r.nic.itr.mode === "off" ? E.ITR_MODE_OFF : r.nic.itr.mode === "fixed" ? E.ITR_MODE_FIXED : E.ITR_MODE_DYNAMIC;
  b[L.CFG_ITR_FIXED_INTERVAL] = Math.round(hz / r.nic.itr.fixedIntsPerSec);
  b[L.CFG_PROP_DELAY] = cyc(r.nic.propagationDelayNs / 1e9);
  b[L.CFG_NETBACK_GROUPS] = G;
  b[L.CFG_NETBACK_QUEUE_LEN] = r.netback.queueLenPackets;
  b[L.CFG_NETBACK_CAN_QUEUE] = r.netback.frontendCanQueue ? 1 : 0;
  b[L.CFG_NETBACK_RX_SLOTS_NEEDED] = r.netback.scatterGather ? 20 : 1;
  b[L.CFG_NAPI_WEIGHT] = r.kernel.napiWeight;
  b[L.CFG_NETDEV_BUDGET] = r.kernel.netdevBudget;
  b[L.CFG_MAX_SOFTIRQ_RESTART] = r.kernel.maxSoftirqRestart;
  b[L.CFG_DOM0_BACKLOG_MAX] = r.kernel.netdevMaxBacklog;
  b[L.CFG_NIC_QDISC_LEN] = r.nic.txQueueLenPackets;
  b[L.CFG_NF_WEIGHT] = r.netfront.napiWeight;
  b[L.CFG_NF_RX_TARGET_MIN] = r.netfront.rxTargetMin;
  b[L.CFG_NF_RX_TARGET_DEFAULT] = r.netfront.rxTargetDefault;
  b[L.CFG_NF_RX_TARGET_MAX] = r.netfront.rxTargetMax;
  b[L.CFG_GUEST_QDISC_LEN] = r.netfront.txQueueLenPackets;
  b[L.CFG_MTU] = r.tcp.mtuBytes;
  b[L.CFG_MSS] = d.mssBytes;
  b[L.CFG_TCP_HDR] = d.tcpHeaderBytes;
  b[L.CFG_TCP_INIT_CWND] = r.tcp.initialCwndSegments;
  b[L.CFG_TCP_RCVBUF] = r.tcp.rcvBufBytes;
  b[L.CFG_TCP_RTO_MIN] = cyc(r.tcp.rtoMinMs / 1e3);
  b[L.CFG_TCP_DELACK] = cyc(r.tcp.delayedAckMs / 1e3);
  b[L.CFG_TCP_DUPTHRESH] = r.tcp.dupAckThreshold;
  b[L.CFG_TCP_SACK] = r.tcp.sack ? 1 : 0;
  b[L.CFG_START_JITTER] = cyc(r.traffic.startJitterUs / 1e6);
  b[L.CFG_TCP_WINDOW_SEGS] = d.windowSegs;
  b[L.CFG_RX_STREAMS_PER_GUEST] = Math.max(...traffic.rx.map((n, g) => n + traffic.g2gSenders[g]!.length));
  // Streams each guest sends: to external hosts and to other guests (they share its netfront).
  const sends = traffic.tx.slice();
  for (const senders of traffic.g2gSenders) for (const g of senders) sends[g]!++;
  b[L.CFG_TX_STREAMS_PER_GUEST] = Math.max(...sends);
  b[L.CFG_UDP_SOURCES] = traffic.udp.length;
  b[L.CFG_RR_SESSIONS] = traffic.rr.length;
  b[L.CFG_APP_RECV_BYTES] = r.app.recvBytes;
  b[L.CFG_UDP_RCVBUF] = r.app.udpRcvBufBytes;
  b[L.CFG_POOL_PACKETS] = d.poolPackets;
  b[L.CFG_EVENTQ_CAP] = d.eventqCapacity;
  b[L.CFG_LINK_FLIGHT] = d.linkFlightFrames;
  b[L.CFG_LRO_ENABLED] = r.netfront.lro.enabled ? 1 : 0;
  b[L.CFG_LRO_MAX_AGGR] = r.netfront.lro.maxAggr;
  b[L.CFG_LRO_DESCRIPTORS] = r.netfront.lro.descriptors;
  b[L.CFG_NETBACK_MODE] = r.netback.mode === "kthread" ? E.NETBACK_MODE_KTHREAD : E.NETBACK_MODE_TASKLET;
  b[L.CFG_COALESCE_COUNT] = r.netback.coalesce.count;
  b[L.CFG_COALESCE_TIME] = cyc(r.netback.coalesce.timeUs / 1e6);
  b[L.CFG_DISPATCH] = {
    vcpu0: E.DISPATCH_VCPU0,
    "round-robin": E.DISPATCH_ROUND_ROBIN,
    "group-affine": E.DISPATCH_GROUP_AFFINE,
    dynamic: E.DISPATCH_DYNAMIC,
  }[r.evtchn.dispatch];
  b[L.CFG_REBALANCE_PERIOD] = cyc(r.evtchn.rebalancePeriodMs / 1e3);
  b[L.CFG_WARMUP] = d.warmupCycles;
  b[L.CFG_LOSS_RX] = r.links.rxLossRate;
  b[L.CFG_LOSS_TX] = r.links.txLossRate;
  b[L.CFG_CLIENTS_PER_PORT] = r.clients.perPort;
  b[L.CFG_ACCESS_BPS] = Math.round(r.clients.accessRateGbps * 1e9);
  b[L.CFG_ACCESS_DELAY] = cyc(r.clients.accessDelayNs / 1e9);
  b[L.CFG_SWITCH_BUF] = r.clients.switchBufferBytes;
  return b;
}
