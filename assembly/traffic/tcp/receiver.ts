// TCP receiver (see common.ts for the flow model): in-order delivery to the guest socket or the
// external application, the out-of-order buffer, immediate duplicate ACKs carrying the SACK
// block of the segment that triggered them, ACK every second full segment or delayed-ACK timer,
// the advertised window from free socket space, and tcp_cleanup_rbuf's window-update ACK.
// A receiving end in dom0 (tcp-to-dom0) has a socket like a guest's; its ACKs leave through dom0's
// stack and bridge (dom0/stack.ts), and an skb it frees releases the guest page it may still hold.

import {
  COMP_STACK, COST_STACK_TX_PKT, COST_STACK_RX_PKT, COST_STACK_RX_PER_BYTE, COST_STACK_RX_DEMUX, ST_INJECTED, ST_DELIVERED, ST_TCP_DUP_SEGS,
  ST_TCP_OOO_SEGS, ST_ACKS_SENT, ST_DROP_GUEST_SOCKET,
} from "../../../src/abi/layout";
import { cost, costCycles } from "../../config";
import { statInc, statAdd } from "../../stats";
import { eqNow } from "../../base/eventq";
import { fifoNew, fifoLen, fifoPush, fifoPop, fifoFull, fifoAt } from "../../base/fifo";
import { pktAlloc, pktFree, pktDrop, pkSeq, pkSegs, pkBytes, pkFlow, pkSetBytes, pkSetWin, pktUnits, PKT_NONE, KIND_ACK, pkSetSackLo, pkSetSackHi } from "../../packet";
import { charge, chargeLate, curV } from "../../cpu/account";
import { flowGuest, flowRx, flowClient, flowDom0 } from "../../flows";
import { dom0AckXmit, dom0SkbFree } from "../../dom0/stack";
import { timerArm, timerCancel, timerPending } from "../../kernel/timers";
import { linkSend, senderLink, guestPort } from "../../hw/link";
import { netfrontStage } from "../../netfront/netfront";
import { nFlows, W, mss, ackWire, rcvBuf, delack, sack, rDelackTimer } from "./common";
import { MEM_TCP as MEM_PART } from "../../../src/abi/layout";
import { CFG_TCP_WINDOW_SEGS } from "../../../src/abi/layout";
import { cfgU32 } from "../../config";
import { memArrays, memFifos, freshArray } from "../../base/memory";

// SACK block of the segment that triggered the next ACK (set by the receiver just before sendAck).
let ackSackLo: u32 = 0;
let ackSackHi: u32 = 0;

// receiver
let rNxt = new StaticArray<u32>(0);
let rUnacked = new StaticArray<u32>(0);
let rLastWin = new StaticArray<u32>(0);
let rOoo = new StaticArray<u32>(0); // [f*W + seq&(W-1)] held out-of-order packet or PKT_NONE
let rOooHeld = new StaticArray<u32>(0); // packets held in rOoo: the out-of-order queue is non-empty
let rSock = new StaticArray<i32>(0); // guest receivers: socket receive queue
let rSockBytes = new StaticArray<u32>(0);

/** Allocates the receivers' state (after tcpInit). */
export function tcpReceiverInit(): void {
  let n = <i32>nFlows;
  rNxt = freshArray<u32>(n);
  rUnacked = freshArray<u32>(n);
  rLastWin = freshArray<u32>(n);
  rOoo = freshArray<u32>(n * <i32>W);
  rOooHeld = freshArray<u32>(n);
  rSock = freshArray<i32>(n);
  rSockBytes = freshArray<u32>(n);
  for (let i = 0; i < n * <i32>W; i++) unchecked((rOoo[i] = PKT_NONE));
  for (let f: u32 = 0; f < nFlows; f++) {
    unchecked((rSock[f] = hasSocket(f) ? fifoNew(W) : -1));
    unchecked((rLastWin[f] = advertisedWindow(f)));
  }
}

/** Whether flow f's receiver has a socket its application reads (a guest's, or dom0's). */
// @ts-ignore: decorator
@inline function hasSocket(f: u32): bool {
  return (unchecked(flowRx[f]) | unchecked(flowDom0[f])) != 0;
}

/** Frees skb p of flow f at its receiver; one received by dom0 may still hold the sender's page. */
// @ts-ignore: decorator
@inline function freeSkb(f: u32, p: u32): void {
  if (unchecked(flowDom0[f])) dom0SkbFree(p);
  pktFree(p);
}

/** Tallies the bytes tcpReceiverInit() allocates: `flows` as tcpMemory, `rxFlows` of them received in a socket. */
export function tcpReceiverMemory(flows: u64, rxFlows: u64): void {
  let W = <u64>cfgU32(CFG_TCP_WINDOW_SEGS);
  memArrays(MEM_PART, flows, 4, 6);
  memArrays(MEM_PART, flows * W, 4);
  memFifos(MEM_PART, W, rxFlows);
}


export function tcpSocketQueue(f: u32): i32 {
  return unchecked(rSock[f]);
}


/** Free receive buffer, in segments, capped to what the out-of-order window can hold. */
function advertisedWindow(f: u32): u32 {
  let cap = W / 2 - 1;
  // An external host's application reads at once, so its socket is always empty: the whole
  // buffer is offered, as a guest's is when its reader keeps up.
  let used: u32 = hasSocket(f) ? unchecked(rSockBytes[f]) : 0;
  let free: u32 = used >= rcvBuf ? 0 : (rcvBuf - used) / mss;
  return free < cap ? free : cap;
}

function sendAck(f: u32): void {
  let win = advertisedWindow(f);
  let p = pktAlloc(KIND_ACK, f, unchecked(rNxt[f]), 0, ackWire);
  if (p == PKT_NONE) return;
  pkSetWin(p, win);
  if (sack) {
    pkSetSackLo(p, ackSackLo);
    pkSetSackHi(p, ackSackHi);
    ackSackLo = 0;
    ackSackHi = 0;
  }
  unchecked((rUnacked[f] = 0));
  unchecked((rLastWin[f] = win));
  timerCancel(unchecked(rDelackTimer[f]));
  statInc(ST_INJECTED);
  statInc(ST_ACKS_SENT);
  if (unchecked(flowRx[f])) {
    charge(COMP_STACK, costCycles(COST_STACK_TX_PKT));
    netfrontStage(unchecked(flowGuest[f]), p);
  } else if (unchecked(flowDom0[f])) {
    dom0AckXmit(p);
  } else {
    linkSend(senderLink(guestPort(unchecked(flowGuest[f])), flowClient(f)), p);
  }
}

/** In-order data reaches the end: the guest socket, or the external application. */
function deliverInOrder(f: u32, p: u32): void {
  if (hasSocket(f)) {
    let s = unchecked(rSock[f]);
    if (fifoFull(s)) {
      if (unchecked(flowDom0[f])) dom0SkbFree(p);
      pktDrop(ST_DROP_GUEST_SOCKET, p); // cannot happen with a window-limited sender; counted if it does
      return;
    }
    fifoPush(s, p);
    unchecked((rSockBytes[f] = unchecked(rSockBytes[f]) + pkBytes(p)));
  } else {
    statAdd(ST_DELIVERED, pktUnits(p));
    pktFree(p);
  }
}

/** Drops held out-of-order packets now covered by rcv_nxt (they were duplicates). */
function discardCovered(f: u32, from: u32, to: u32): void {
  for (let s = from; s < to; s++) {
    let slot = f * W + (s & (W - 1));
    let q = unchecked(rOoo[slot]);
    if (q != PKT_NONE && pkSeq(q) == s) {
      unchecked((rOoo[slot] = PKT_NONE));
      unchecked((rOooHeld[f] = unchecked(rOooHeld[f]) - 1));
      statAdd(ST_TCP_DUP_SEGS, pkSegs(q));
      statAdd(ST_DELIVERED, pktUnits(q));
      freeSkb(f, q);
    }
  }
}

/** tcp_rcv_established for data packet p (one or more segments) of flow f. */
export function tcpReceiverOnData(f: u32, p: u32): void {
  let seq = pkSeq(p);
  let segs = pkSegs(p);
  let nxt = unchecked(rNxt[f]);
  if (seq + segs <= nxt) {
    // Entirely old: a duplicate (DSACK-style immediate ACK).
    statAdd(ST_TCP_DUP_SEGS, segs);
    statAdd(ST_DELIVERED, pktUnits(p));
    freeSkb(f, p);
    sendAck(f);
    return;
  }
  if (seq <= nxt) {
    // In order (possibly overlapping old data at its start).
    if (seq < nxt) {
      statAdd(ST_TCP_DUP_SEGS, nxt - seq);
      pkSetBytes(p, (seq + segs - nxt) * mss);
    }
    let newNxt = seq + segs;
    discardCovered(f, nxt, newNxt);
    deliverInOrder(f, p);
    nxt = newNxt;
    let from = unchecked(rNxt[f]);
    // Pull what the out-of-order buffer now continues.
    while (true) {
      let slot = f * W + (nxt & (W - 1));
      let q = unchecked(rOoo[slot]);
      if (q == PKT_NONE || pkSeq(q) != nxt) break;
      unchecked((rOoo[slot] = PKT_NONE));
      unchecked((rOooHeld[f] = unchecked(rOooHeld[f]) - 1));
      let qn = nxt + pkSegs(q);
      discardCovered(f, nxt + 1, qn);
      deliverInOrder(f, q);
      nxt = qn;
    }
    unchecked((rNxt[f] = nxt));
    // rcv_nxt - rcv_wup: everything rcv_nxt advanced by since the last ACK, the segments pulled
    // from the out-of-order queue included.
    let un = unchecked(rUnacked[f]) + (nxt - from);
    unchecked((rUnacked[f] = un));
    // __tcp_ack_snd_check(sk, ofo_possible = 1), as tcp_rcv_established calls it after
    // tcp_data_queue (sources.md J9): ACK now when more than one full segment is unacknowledged
    // (a filled hole advances rcv_nxt by what it releases) or while the out-of-order queue still
    // holds data (a retransmission that fills only part of a gap, as NewReno's one hole per
    // partial ACK does); else the delayed-ACK timer.
    if (un >= 2 || unchecked(rOooHeld[f]) > 0) sendAck(f);
    else {
      let t = unchecked(rDelackTimer[f]);
      if (!timerPending(t)) timerArm(t, eqNow + delack);
    }
    return;
  }
  // Out of order: hold it if the window slot is free, and send a duplicate ACK now, whose SACK
  // block reports this segment.
  statAdd(ST_TCP_OOO_SEGS, segs);
  ackSackLo = seq;
  ackSackHi = seq + segs;
  let slot = f * W + (seq & (W - 1));
  if (seq - nxt < W && unchecked(rOoo[slot]) == PKT_NONE) {
    unchecked((rOoo[slot] = p));
    unchecked((rOooHeld[f] = unchecked(rOooHeld[f]) + 1));
  } else {
    statAdd(ST_TCP_DUP_SEGS, segs);
    statAdd(ST_DELIVERED, pktUnits(p));
    freeSkb(f, p);
  }
  sendAck(f);
}

/** The guest application took `bytes` from flow f's socket: maybe a window update. */
export function tcpSocketConsumed(f: u32, bytes: u32): void {
  let b = unchecked(rSockBytes[f]);
  unchecked((rSockBytes[f] = b > bytes ? b - bytes : 0));
  // tcp_cleanup_rbuf: advertise when the window at least doubles from a half-closed one.
  let last = unchecked(rLastWin[f]);
  let clamp = W / 2 - 1;
  let now = advertisedWindow(f);
  if (last * 2 <= clamp && now >= last * 2 && now > last) sendAck(f);
}

// ---- timers ----------------------------------------------------------------------------------------

/** The delayed-ACK timer of flow f expired: ACK what is still unacknowledged. */
export function tcpDelackFire(f: u32): void {
  if (unchecked(rUnacked[f]) > 0) sendAck(f);
}

/** Packets held by TCP receivers: sockets and out-of-order buffers (conservation walk). */
export function tcpHeldUnits(): u64 {
  let s: u64 = 0;
  for (let f: u32 = 0; f < nFlows; f++) {
    let q = unchecked(rSock[f]);
    if (q >= 0) for (let i: u32 = 0; i < fifoLen(q); i++) s += pktUnits(fifoAt(q, i));
    for (let i: u32 = 0; i < W; i++) {
      let h = unchecked(rOoo[f * W + i]);
      if (h != PKT_NONE) s += pktUnits(h);
    }
  }
  return s;
}

/** Receiver's next expected segment (tests). */
export function tcpRcvNxt(f: u32): u32 {
  return unchecked(rNxt[f]);
}
/** Payload bytes waiting in flow f's guest socket (tests). */
export function tcpSockBytes(f: u32): u32 {
  return unchecked(rSockBytes[f]);
}

/** tcp_prequeue_process: the TCP receive work of every skb on prequeue q, in order, in the current
 *  job (a reader's recv(), or the softirq when the prequeue overflowed): what the socket lookup in
 *  the softirq left of costs.stackRxPacketCycles, and the per-byte receive cost. `late` charges it
 *  to the current VCPU as its job ends (dom0's stack fed by netback's NAPI poll). The guest's and
 *  dom0's stacks each keep their own prequeues and byte counts. */
export function tcpPrequeueProcess(q: u32, late: bool): void {
  let n = fifoLen(q);
  if (n == 0) return;
  let rest = cost(COST_STACK_RX_PKT) - cost(COST_STACK_RX_DEMUX);
  let perByte = cost(COST_STACK_RX_PER_BYTE);
  for (let i: u32 = 0; i < n; i++) {
    let p = fifoPop(q);
    let cycles = <u64>(rest + perByte * <f64>pkBytes(p));
    if (late) chargeLate(curV, COMP_STACK, cycles);
    else charge(COMP_STACK, cycles);
    tcpReceiverOnData(pkFlow(p), p);
  }
}
