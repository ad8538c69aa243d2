// What limits a run's throughput, read off its result: one diagnosis per run, with the numbers
// that support it. The checks go from the most direct evidence to the least:
//
//   1. a wire at least 95% used (TCP goodput against the port's goodput ceiling for the MTU), in
//      either direction: toward the guests, or from guests sending to external hosts;
//      goodput at the wire's ceiling cannot rise whatever else is busy;
//   2. a VCPU that wants a PCPU at least 95% of the time: busy, or runnable but waiting for a PCPU
//      it shares (steal time), named with the component that takes most of its time; a guest
//      that only runs a busy loop (traffic profile cpu-hog) carries no traffic and is never it;
//   3. a ring or queue that dropped packets while TCP retransmitted in the measured interval
//      (loss keeps the senders' congestion windows below what the path could carry); when the
//      drops are at the vif qdisc and netback stopped the vif queue at least once per ring's
//      worth of frames, the evidence names the request hand-off that stops it (below);
//   4. a TCP receive window that is (nearly) full: per-flow goodput x round-trip time, by
//      Little's law, reaches the advertised window (tcp.rcvBufBytes), for the streams into the
//      guests (from external hosts or from other guests) and those guests send to external hosts
//      or to a process in dom0;
//   5. none of these: the run is limited by the protocol's own pacing (event hand-offs, batching,
//      timers); the evidence lists how far each resource was from its limit.
//
// What it leaves out: a VCPU that is the bottleneck below 95% (alternating bursts of two
// half-busy VCPUs read as "none"); the ACKs' share of a wire; per-flow windows that differ
// between flows (the mean is used); the streams of the other traffic profiles (tcp-rx, tcp-tx)
// in the flow count.

import type { SimResult } from "../result.js";

export type BottleneckKind = "vcpu" | "wire" | "queue" | "window" | "none";

export interface Bottleneck {
  kind: BottleneckKind;
  /** "dom0.0" for a VCPU, "port 0" for a wire, the drop stage for a queue, "rwnd" for a window, "" for none. */
  where: string;
  /**
   * How close the resource is to its limit, 0..1: busy fraction, wire share, window use; for a queue, the loss rate
   * (drops per packet injected).
   */
  share: number;
  /** One sentence with the numbers behind the diagnosis. */
  evidence: string;
}

/** Threshold above which a VCPU or a wire counts as saturated. */
export const SATURATED = 0.95;
/** Window use (in-flight bytes over the advertised window) above which a flow counts as window-limited. */
export const WINDOW_FULL = 0.85;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Frames per vif queue stop at or below which the netback/netfront request hand-off paces the
 *  guest's receive path: netback ran out of posted requests at least once per ring's worth of
 *  frames (NET_RX_RING_SIZE, sources.md A5). */
export const HANDOFF_FRAMES_PER_STOP = 256;

/** When netback's vif queue stops often, why: the sentence that names the protocol limit
 *  (sources.md B7, D2-D4, D13: netbk_queue_full keeps MAX_SKB_FRAGS + 2 of netfront's posted
 *  requests in reserve; netfront posts rx_target of them and doubles rx_target only when fewer
 *  than rx_target / 4 are unanswered at a refill) with the run's numbers; "" when the queue
 *  rarely stops. */
export function handoffEvidence(r: Pick<SimResult, "config" | "cpu" | "events">): string {
  const stops = r.events["vifQueueStops"] ?? 0;
  const frames = r.events["netbackRxPackets"] ?? 0;
  if (stops <= 0 || frames <= 0 || frames / stops > HANDOFF_FRAMES_PER_STOP) return "";
  const c = r.config;
  const reserve = c.netback.scatterGather ? c.netback.maxSkbFrags + 2 : 1;
  const target = c.netfront.rxTargetDefault;
  // Netback stops with reserve - 1 requests unanswered, so a refill never sees fewer than that.
  const stuck = reserve - 1 >= Math.floor(target / 4);
  const dom0 = r.cpu.filter((u) => u.domain === "dom0").sort((a, b) => b.utilization - a.utilization)[0];
  const guest = r.cpu.filter((u) => u.domain !== "dom0").sort((a, b) => b.utilization - a.utilization)[0];
  const turns =
    dom0 && guest
      ? `; dom0 and the guest take turns on it (${dom0.domain}.${dom0.vcpu} ${pct(dom0.utilization)}, ` +
        `${guest.domain}.${guest.vcpu} ${pct(guest.utilization)})`
      : "";
  return (
    `netback stopped the vif queue ${stops} times (every ${(frames / stops).toFixed(0)} frames): it keeps ${reserve} ` +
    `of the requests netfront posts in reserve (netbk_queue_full), netfront posts rx_target = ${target}` +
    (stuck
      ? ` and doubles it only when fewer than ${Math.floor(target / 4)} are unanswered at a refill, which the ` +
        `reserve prevents,`
      : "") +
    ` so at most ${Math.max(1, target - reserve + 1)} frames cross per refill${turns}`
  );
}

/** TCP goodput ceiling of one port, Gb/s: rate x MSS / wire bytes per frame (header 14, FCS 4, preamble 8, gap 12). */
export function portGoodputCeilingGbps(rateGbps: number, mtuBytes: number, timestamps: boolean): number {
  const mss = mtuBytes - 40 - (timestamps ? 12 : 0);
  return (rateGbps * mss) / (mtuBytes + 38);
}

type BottleneckInput = Pick<
  SimResult,
  "config" | "cpu" | "throughput" | "drops" | "events" | "latency" | "conservation"
> & {
  derived?: Record<string, number>;
};

export function diagnoseBottleneck(r: BottleneckInput): Bottleneck {
  const c = r.config;
  const busiest = [...r.cpu].sort((a, b) => b.utilization - a.utilization)[0];
  // Demand of a VCPU: busy time plus the time it waited for a shared PCPU, as a fraction of the interval.
  const steal = (u: SimResult["cpu"][number]): number => (u.stealUs ?? 0) / (c.durationMs * 1e3);
  const hogOnly = new Set<string>();
  const profiled = new Map<number, Set<string>>();
  for (const p of c.traffic.profiles)
    for (const g of p.guests) profiled.set(g, (profiled.get(g) ?? new Set()).add(p.kind));
  const uniform = c.traffic.rxStreamsPerGuest + c.traffic.txStreamsPerGuest > 0;
  for (const [g, kinds] of profiled) if (!uniform && kinds.size === 1 && kinds.has("cpu-hog")) hogOnly.add(`domU${g}`);
  const demanding = [...r.cpu]
    .filter((u) => !hogOnly.has(u.domain))
    .sort((a, b) => b.utilization + steal(b) - (a.utilization + steal(a)))[0];
  // 1. Saturated wire (each port, each direction): when the goodput is at the wire's ceiling
  //    nothing else can raise it, whatever else is busy.
  const ports = c.nic.ports;
  const ceiling = portGoodputCeilingGbps(c.nic.rateGbps, c.tcp.mtuBytes, c.tcp.timestamps);
  const perPort = new Array<number>(ports).fill(0);
  // Only guests that receive from outside the host load a port's receive direction: a guest whose
  // only inbound traffic is another guest's (tcp-to-guest) gets it through dom0's bridge, never the NIC.
  const fromWire = new Set<number>();
  for (const p of c.traffic.profiles)
    if (p.kind === "tcp-rx" || p.kind === "udp-rx" || p.kind === "rr") for (const g of p.guests) fromWire.add(g);
  const wireFed = (g: number): boolean => c.traffic.rxStreamsPerGuest > 0 || fromWire.has(g);
  for (const v of r.throughput.perVm) if (wireFed(v.vm)) perPort[v.vm % ports]! += v.goodputGbps + v.udpGbps;
  // The transmit direction carries what guests send to external hosts (not to other guests).
  const toWire = new Set<number>();
  for (const p of c.traffic.profiles) if (p.kind === "tcp-tx") for (const g of p.guests) toWire.add(g);
  const perPortOut = new Array<number>(ports).fill(0);
  for (const v of r.throughput.perVm)
    if (c.traffic.txStreamsPerGuest > 0 || toWire.has(v.vm)) perPortOut[v.vm % ports]! += v.txGoodputGbps;
  let wirePort = 0;
  let wireOut = false;
  for (let p = 0; p < ports; p++) {
    const best = wireOut ? perPortOut[wirePort]! : perPort[wirePort]!;
    if (perPort[p]! > best) [wirePort, wireOut] = [p, false];
    if (perPortOut[p]! > Math.max(best, perPort[p]!)) [wirePort, wireOut] = [p, true];
  }
  const wireGbps = wireOut ? perPortOut[wirePort]! : perPort[wirePort]!;
  const wireShare = ceiling > 0 ? wireGbps / ceiling : 0;
  if (wireShare >= SATURATED) {
    return {
      kind: "wire",
      where: `port ${wirePort}`,
      share: wireShare,
      evidence:
        `port ${wirePort} carries ${wireGbps.toFixed(3)} Gb/s of TCP goodput ` +
        `${wireOut ? "from the guests to the external hosts" : "toward the guests"}, ${pct(wireShare)} of its ` +
        `${ceiling.toFixed(3)} Gb/s ceiling at MTU ${c.tcp.mtuBytes}` +
        (busiest ? `; busiest VCPU ${busiest.domain}.${busiest.vcpu} ${pct(busiest.utilization)}` : ""),
    };
  }
  // 2. Saturated VCPU.
  if (demanding && demanding.utilization + steal(demanding) >= SATURATED) {
    const u = demanding;
    const [comp, share] = Object.entries(u.breakdown).sort((a, b) => b[1] - a[1])[0] ?? ["?", 0];
    const waited = steal(u) > 0 ? ` and ${pct(steal(u))} runnable waiting for its shared PCPU (steal)` : "";
    return {
      kind: "vcpu",
      where: `${u.domain}.${u.vcpu}`,
      share: u.utilization + steal(u),
      evidence:
        `${u.domain}.${u.vcpu} is ${pct(u.utilization)} busy${waited}; its largest component is ${comp} ` +
        `(${pct(share)} of the interval)`,
    };
  }
  const context =
    `busiest VCPU ` +
    `${busiest ? `${busiest.domain}.${busiest.vcpu} ${pct(busiest.utilization)}` : "none"}, busiest wire ` +
    `${pct(wireShare)}`;
  // 3. A queue that drops, with TCP loss recovery in the measured interval.
  const retrans = r.events["tcpRetransmissions"] ?? 0;
  const recoveries = (r.events["tcpFastRecoveries"] ?? 0) + (r.events["tcpTimeouts"] ?? 0);
  const dropStages = Object.entries(r.drops)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  if (dropStages.length > 0 && retrans > 0) {
    const [stage, n] = dropStages[0]!;
    const lossRate = n / Math.max(1, r.conservation.injected);
    const handoff = stage === "vif_qdisc_full" ? handoffEvidence(r) : "";
    return {
      kind: "queue",
      where: stage,
      share: lossRate,
      evidence:
        (handoff ? `${handoff}; frames arriving meanwhile wait in the vif qdisc: ` : "") +
        `${n} drops at ${stage} (${(lossRate * 100).toFixed(2)}% of packets injected); ${recoveries} loss ` +
        `recoveries and ${retrans} retransmitted segments ` +
        `in the measured interval keep the senders' congestion windows small; ${context}`,
    };
  }
  // 4. Receive window: in-flight bytes per flow (goodput x RTT) against the advertised window.
  // Streams between guests count too: what they carry is in their receivers' goodput.
  const g2gFlows = (c.traffic.profiles ?? [])
    .filter((p) => p.kind === "tcp-to-guest")
    .reduce((s, p) => s + p.guests.length * (p.streams ?? 1), 0);
  // Streams to a process in dom0 too: what they carry is in their senders' transmit goodput.
  const toDom0 = (c.traffic.profiles ?? []).filter((p) => p.kind === "tcp-to-dom0");
  const dom0Flows = toDom0.reduce((s, p) => s + p.guests.length * (p.streams ?? 1), 0);
  const dom0Senders = new Set(toDom0.flatMap((p) => p.guests));
  const flows =
    r.throughput.perVm.length * (c.traffic.rxStreamsPerGuest + c.traffic.txStreamsPerGuest) + g2gFlows + dom0Flows;
  const rxGbps = r.throughput.perVm.reduce(
    (s, v) => s + v.goodputGbps + (c.traffic.txStreamsPerGuest > 0 || dom0Senders.has(v.vm) ? v.txGoodputGbps : 0),
    0,
  );
  if (flows > 0 && rxGbps > 0) {
    // Round trip: the senders' own RTT samples when the run has them; otherwise data NIC ->
    // application (measured) plus the wire both ways and the ACK's return, taken as one more
    // propagation delay each way (the ACK path's queueing is then not counted).
    const measuredRtt = r.derived?.["tcpRttMeanUs"] ?? 0;
    const rttUs = measuredRtt > 0 ? measuredRtt : r.latency.meanUs + (4 * c.nic.propagationDelayNs) / 1e3;
    // Window: the mean receive window the senders were offered, else the socket buffer.
    const mss = c.tcp.mtuBytes - 40 - (c.tcp.timestamps ? 12 : 0);
    const offered = (r.derived?.["tcpReceiveWindowMeanSegments"] ?? 0) * mss;
    const window = offered > 0 ? offered : c.tcp.rcvBufBytes;
    const perFlowBytesPerUs = (rxGbps * 1e9) / 8 / flows / 1e6;
    const inFlight = perFlowBytesPerUs * rttUs;
    const use = inFlight / window;
    if (use >= WINDOW_FULL) {
      return {
        kind: "window",
        where: "rwnd",
        share: Math.min(1, use),
        evidence:
          `each of ${flows} flows keeps ~${(inFlight / 1024).toFixed(0)} KiB in flight (goodput x ` +
          `${rttUs.toFixed(0)} us round trip), ` +
          `${pct(use)} of its ${(window / 1024).toFixed(0)} KiB receive window; ${context}`,
      };
    }
    return {
      kind: "none",
      where: "",
      share: busiest ? busiest.utilization : 0,
      evidence:
        `protocol-limited: ${context}, no TCP loss recovery in the measured interval, receive window ` +
        `${pct(use)} used (~${rttUs.toFixed(0)} us round trip)`,
    };
  }
  return {
    kind: "none",
    where: "",
    share: busiest ? busiest.utilization : 0,
    evidence: `no bulk TCP streams; ${context}`,
  };
}

/** The one-line form used by the run table. */
export function bottleneckLine(b: Bottleneck): string {
  const where = b.where ? ` ${b.where}` : "";
  return `bottleneck: ${b.kind}${where} (${pct(b.share)}): ${b.evidence}`;
}
