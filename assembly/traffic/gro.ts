// Generic receive offload in the external hosts' receive path (clients.gro.enabled): what a
// Linux 2.6.29+ receiver does with the TCP segments a guest sends it, before its TCP sees them
// (sources.md X1-X5).
//
// Models, per external host (the one host on a port's wire, or each client behind the switch):
//  - interrupt moderation: the host's NIC interrupts at most once per clients.gro.intsPerSec
//    interval; the first data frame after a poll raises the interrupt when that interval has
//    passed since the previous one (at once if it has), and the NAPI poll then takes every frame
//    that arrived meanwhile, in arrival order (X5: ixgbe's bulk class, 8000/s);
//  - napi_gro_receive for each frame (dev_gro_receive, tcp_gro_receive, skb_gro_receive, X1-X3):
//    a segment that continues a held skb of its flow in sequence is merged into it; one that
//    would take it past clients.gro.maxSegments segments or 64 KB completes the held skb and
//    starts a new one; one out of sequence (a retransmission, or after a hole) completes the held
//    skb and goes up on its own; a flow with nothing held starts holding;
//  - the poll ends with the ring empty, so napi_complete flushes every skb still held
//    (napi_gro_flush): GRO never holds a segment across polls;
//  - each completed skb reaches the host's TCP receiver (traffic/tcp/receiver.ts) as one packet
//    of several segments, so __tcp_ack_snd_check sends one ACK for it when it holds more than one
//    segment (sources.md J9): one ACK per aggregate, not per two segments (X4).
// The host has no CPU model: a poll takes no time. Only TCP data frames of flows a guest sends
// are held for the poll; ACKs and other frames reach their end as they arrive (external.ts).
// Left out: MAX_GRO_SKBS (8 flows held per NAPI context; the oldest is flushed beyond it), the
// PSH flag that ends an aggregate at the end of each of the sender's writes, the flush of skbs
// held longer than a jiffy when a poll uses its whole budget, ixgbe's lower interrupt classes for
// slow streams (100000 and 20000/s below 20 bytes/us).

import {
  CFG_EXT_GRO, CFG_EXT_GRO_MAX_SEGS, CFG_EXT_RX_IRQ_INTERVAL, CFG_PORTS, CFG_CLIENTS_PER_PORT, CFG_LINK_BPS,
  CFG_ACCESS_BPS, CFG_CPU_HZ, CFG_MSS, CFG_TCP_HDR, ST_EXT_RX_POLLS, ST_EXT_GRO_SKBS,
} from "../../src/abi/layout";
import { MEM_TCP as MEM_PART } from "../../src/abi/layout";
import { cfgU32, cfgU64 } from "../config";
import { statInc } from "../stats";
import { eqNow } from "../base/eventq";
import { fifoNew, fifoLen, fifoPush, fifoPop, fifoAt } from "../base/fifo";
import { memArrays, memFifos, freshArray } from "../base/memory";
import { pkFlow, pkSeq, pkSegs, pkSetSegs, pkBytes, pkSetBytes, pktFree, pktUnits, PKT_NONE } from "../packet";
import { flowRx, flowGuest, flowClient } from "../flows";
import { timerNew, timerArm, timerPending, TM_EXT_RX_POLL, TIMER_NO_VCPU } from "../kernel/timers";
import { tcpReceiverOnData } from "./tcp/receiver";

/** IP header bytes (the GRO length limit counts IP and TCP headers with the payload). */
const IP_HDR: u32 = 20;
/** skb_gro_receive refuses a segment that would make the skb 64 KB or more. */
const GRO_MAX_BYTES: u32 = 65536;
/** Ethernet header + FCS + preamble/SFD + inter-frame gap (sources.md J1). */
const ETH_OVERHEAD: u32 = 38;

/** Whether the external hosts run GRO (clients.gro.enabled). */
export let groOn: bool = false;
let maxSegs: u32 = 17;
let hdrBytes: u32 = 52; // IP + TCP headers of a segment
let interval: u64 = 0; // cycles between two interrupts of a host's NIC
let clients: u32 = 0;
let ports: u32 = 1;
let nHosts: u32 = 0;
// per host
let hPending = new StaticArray<i32>(0); // data frames that arrived since the last poll
let hLastIrq = new StaticArray<u64>(0);
let hTimer = new StaticArray<u32>(0);
let hFlow0 = new StaticArray<u32>(0); // the host's flows are hFlows[hFlow0[h] .. hFlow0[h + 1])
let hFlows = new StaticArray<u32>(0);
// per flow
let fHeld = new StaticArray<u32>(0); // the skb GRO holds for the flow, or PKT_NONE
let fNext = new StaticArray<u32>(0); // the sequence number that would continue it

/** External hosts: one per port, or one per client. */
function hostCount(): u32 {
  let c = cfgU32(CFG_CLIENTS_PER_PORT);
  return cfgU32(CFG_PORTS) * (c > 0 ? c : 1);
}

/** Frames one host can receive between two polls: its link's line rate over one interval, in
 *  the smallest data frame (a full segment), and the frame already on its way at each end. */
function pendingBound(): u32 {
  let bps = cfgU32(CFG_CLIENTS_PER_PORT) > 0 ? cfgU64(CFG_ACCESS_BPS) : cfgU64(CFG_LINK_BPS);
  let frameBits = <f64>(8 * (cfgU32(CFG_MSS) + cfgU32(CFG_TCP_HDR) + IP_HDR + ETH_OVERHEAD));
  let secs = <f64>cfgU64(CFG_EXT_RX_IRQ_INTERVAL) / <f64>cfgU64(CFG_CPU_HZ);
  return <u32>Math.ceil((<f64>bps * secs) / frameBits) + 2;
}

/** Timers groInit creates (one per host with GRO on); the engine sizes the timer table with it. */
export function groTimers(): u32 {
  return cfgU32(CFG_EXT_GRO) == 1 ? hostCount() : 0;
}

/** FIFOs groInit creates. */
export function groFifos(): u32 {
  return groTimers();
}

/** Tallies the bytes groInit(flows) allocates. */
export function groMemory(flows: u64): void {
  if (cfgU32(CFG_EXT_GRO) != 1) return;
  let h = <u64>hostCount();
  memArrays(MEM_PART, h, 8);
  memArrays(MEM_PART, h, 4, 2);
  memArrays(MEM_PART, h + 1, 4);
  memArrays(MEM_PART, flows, 4, 3);
  memFifos(MEM_PART, <u64>pendingBound(), h);
}

/** Sets up the hosts, their flows and poll timers (after tcpInit: the flow table is filled). */
export function groInit(flows: u32): void {
  groOn = cfgU32(CFG_EXT_GRO) == 1;
  if (!groOn) return;
  maxSegs = cfgU32(CFG_EXT_GRO_MAX_SEGS);
  hdrBytes = IP_HDR + cfgU32(CFG_TCP_HDR);
  interval = cfgU64(CFG_EXT_RX_IRQ_INTERVAL);
  clients = cfgU32(CFG_CLIENTS_PER_PORT);
  ports = cfgU32(CFG_PORTS);
  nHosts = hostCount();
  let H = <i32>nHosts;
  hPending = freshArray<i32>(H);
  hLastIrq = freshArray<u64>(H);
  hTimer = freshArray<u32>(H);
  hFlow0 = freshArray<u32>(H + 1);
  hFlows = freshArray<u32>(<i32>flows);
  fHeld = freshArray<u32>(<i32>flows);
  fNext = freshArray<u32>(<i32>flows);
  let cap = pendingBound();
  for (let h: u32 = 0; h < nHosts; h++) {
    unchecked((hPending[h] = fifoNew(cap)));
    unchecked((hTimer[h] = timerNew(TM_EXT_RX_POLL, h, TIMER_NO_VCPU)));
  }
  // The flows each host receives (a guest sends them), grouped by host in flow order.
  for (let f: u32 = 0; f < flows; f++) unchecked((fHeld[f] = PKT_NONE));
  let n: u32 = 0;
  for (let h: u32 = 0; h < nHosts; h++) {
    unchecked((hFlow0[h] = n));
    for (let f: u32 = 0; f < flows; f++) {
      if (!unchecked(flowRx[f]) && hostOf(f) == h) unchecked((hFlows[n++] = f));
    }
  }
  unchecked((hFlow0[nHosts] = n));
}

/** The external host at the receiving end of guest-sent flow f. */
function hostOf(f: u32): u32 {
  let port = unchecked(flowGuest[f]) % ports;
  return clients == 0 ? port : port * clients + flowClient(f);
}

/** A TCP data frame of flow f reaches its external host (external.ts): it waits for the poll. */
export function groArrive(f: u32, p: u32): void {
  let h = hostOf(f);
  fifoPush(unchecked(hPending[h]), p);
  let t = unchecked(hTimer[h]);
  if (timerPending(t)) return;
  // The NIC's interrupt throttle: no sooner than one interval after the previous interrupt.
  let at = unchecked(hLastIrq[h]) + interval;
  timerArm(t, at > eqNow ? at : eqNow);
}

/** The interrupt of host h fired: one NAPI poll takes every frame waiting, then completes. */
export function groPoll(h: u32): void {
  unchecked((hLastIrq[h] = eqNow));
  statInc(ST_EXT_RX_POLLS);
  let q = unchecked(hPending[h]);
  while (fifoLen(q) > 0) receive(<u32>fifoPop(q));
  // napi_complete -> napi_gro_flush: everything still held goes up.
  let end = unchecked(hFlow0[h + 1]);
  for (let i = unchecked(hFlow0[h]); i < end; i++) {
    let f = unchecked(hFlows[i]);
    if (unchecked(fHeld[f]) != PKT_NONE) complete(f);
  }
}

/** napi_gro_complete: the held skb of flow f goes up to TCP. */
function complete(f: u32): void {
  let p = unchecked(fHeld[f]);
  unchecked((fHeld[f] = PKT_NONE));
  goUp(f, p);
}

/** An skb of flow f reaches the host's TCP. */
function goUp(f: u32, p: u32): void {
  statInc(ST_EXT_GRO_SKBS);
  tcpReceiverOnData(f, p);
}

/** Starts holding p as flow f's skb. */
function hold(f: u32, p: u32): void {
  unchecked((fHeld[f] = p));
  unchecked((fNext[f] = pkSeq(p) + pkSegs(p)));
}

/** napi_gro_receive for data frame p. */
function receive(p: u32): void {
  let f = pkFlow(p);
  let head = unchecked(fHeld[f]);
  if (head == PKT_NONE) {
    hold(f, p);
    return;
  }
  if (pkSeq(p) != unchecked(fNext[f])) {
    // tcp_gro_receive: the sequence does not continue the held skb: flush it, and this segment
    // (flush set) goes up on its own.
    complete(f);
    goUp(f, p);
    return;
  }
  let segs = pkSegs(head) + pkSegs(p);
  if (segs > maxSegs || hdrBytes + pkBytes(head) + pkBytes(p) >= GRO_MAX_BYTES) {
    // skb_gro_receive: -E2BIG (MAX_SKB_FRAGS fragments, or 64 KB): the held skb is complete.
    complete(f);
    hold(f, p);
    return;
  }
  // Merged: the segment's payload joins the held skb; its own skb is freed.
  pkSetSegs(head, segs);
  pkSetBytes(head, pkBytes(head) + pkBytes(p));
  unchecked((fNext[f] = pkSeq(p) + pkSegs(p)));
  pktFree(p);
}

/** Segments waiting for a poll or held by GRO (conservation walk). */
export function groHeldUnits(): u64 {
  if (!groOn) return 0;
  let s: u64 = 0;
  for (let h: u32 = 0; h < nHosts; h++) {
    let q = unchecked(hPending[h]);
    for (let i: u32 = 0; i < fifoLen(q); i++) s += pktUnits(fifoAt(q, i));
  }
  for (let f = 0; f < fHeld.length; f++) {
    let p = unchecked(fHeld[f]);
    if (p != PKT_NONE) s += pktUnits(p);
  }
  return s;
}
