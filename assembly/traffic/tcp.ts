// Bulk TCP streams between external hosts and guests, both directions.
//
// Models, per flow (sequence numbers count full-sized segments of MSS bytes; sources.md J4):
//  - sender: Reno congestion control: slow start (cwnd += segments acked) up to ssthresh,
//    congestion avoidance (+1 segment per cwnd acked), fast retransmit on the 3rd duplicate ACK
//    with ssthresh = flight/2 (with SACK also when more than 3 segments above snd_una are SACKed:
//    FACK's trigger). Loss recovery is SACK-based by default (Linux tcp_sack = 1): a
//    scoreboard of SACKed segments, RFC 6675's `pipe` (segments in flight) with every hole below
//    the highest SACK taken as lost (FACK's rule, Linux 2.6 default): pipe = segments sent above
//    the highest SACK + retransmitted holes not yet SACKed or acknowledged; while pipe < cwnd
//    (= ssthresh) the next hole is retransmitted, else new data is sent; with tcp.sack off it is NewReno (window inflation,
//    one hole retransmitted per partial ACK, RFC 6582). RTO with Jacobson/Karels RTT
//    estimation (timestamps on: every ACK samples the RTT of the segment it acknowledges),
//    exponential back-off and go-back-N, window probes when the receiver window is zero;
//    effective window min(cwnd, rwnd);
//  - receiver: in-order delivery to the socket (guest) or the application (external host), an
//    out-of-order buffer with one slot per sequence number in the window, immediate duplicate
//    ACKs for out-of-order and duplicate segments (carrying, with SACK, the block of the segment
//    that triggered them: RFC 2018's first block; the sender's scoreboard accumulates the rest
//    from earlier ACKs, which is exact while no ACK is lost), an ACK for every second full segment (or per
//    skb covering more, as after LRO), a delayed-ACK timer otherwise (ATO), the advertised window
//    from free socket buffer space, and tcp_cleanup_rbuf's window-update ACK after the
//    application frees space.
// Where an end lives in a guest, every packet it sends and every ACK it takes costs guest CPU
// (COST_STACK_*, COST_NF_TX_PKT) and leaves through netfront; external ends cost nothing and
// use the wire directly (their hosts are not the object of study).
// Left out: D-SACK, SACK reneging, FACK and rate halving, window scaling arithmetic (windows are exact), Nagle, quick-ack mode at
// connection start, handshake and teardown, ECN, CUBIC (2.6.19+ default; Reno kept for clarity:
// in this short-RTT, loss-driven setting both keep the bottleneck busy).

import {
  CFG_GUESTS, CFG_OFF_GUEST_STREAMS, CFG_OFF_G2G_SENDER, CFG_PORTS, CFG_MSS, CFG_TCP_HDR,
  CFG_TCP_INIT_CWND, CFG_TCP_RCVBUF, CFG_TCP_RTO_MIN, CFG_TCP_DELACK, CFG_TCP_DUPTHRESH,
  CFG_TCP_WINDOW_SEGS, CFG_CPU_HZ, CFG_TCP_SACK, CFG_START_JITTER, COMP_STACK, COMP_NETFRONT, COST_STACK_TX_PKT,
  COST_STACK_TX_PER_BYTE, COST_NF_TX_PKT, ST_INJECTED, ST_DELIVERED, ST_TCP_SEGS_SENT,
  ST_TCP_RETRANS, ST_TCP_FAST_RECOVERIES, ST_TCP_RTOS, ST_TCP_DUP_SEGS, ST_TCP_OOO_SEGS,
  ST_ACKS_SENT, GS_TX_ACKED_BYTES, ST_DROP_GUEST_SOCKET, ST_TCP_RWND_SUM, ST_TCP_RWND_ACKS,
  ST_TCP_RTT_SUM, ST_TCP_RTT_SAMPLES,
} from "../../src/abi/layout";
import { cfgU32, cfgU64, cfgTable, cost } from "../config";
import { rngUniform } from "../sim/rng";
import { statInc, statAdd, guestStatAdd } from "../stats";
import { eqNow } from "../sim/eventq";
import { fifoNew, fifoLen, fifoPush, fifoFull, fifoAt } from "../sim/fifo";
import {
  pktAlloc, pktFree, pktDrop, pSeq, pSegs, pBytes, pWin, pktUnits, PKT_NONE, KIND_DATA, KIND_ACK,
  pSackLo, pSackHi,
} from "../packet";
import { charge } from "../cpu/vcpu";
import { timerNew, timerArm, timerCancel, timerPending, TM_TCP_RTO, TM_TCP_DELACK, TIMER_NO_VCPU } from "../kernel/timers";
import { linkSend, senderLink } from "../hw/link";
import { netfrontStage, netfrontVcpu } from "../netfront/netfront";
import { guestPort } from "../dom0/bridge";
import { flowClient } from "./external";
import { stackMarkTxStart } from "../guest/stack";

/** Ethernet header + FCS (18) + preamble/SFD (8) + inter-frame gap (12) (sources.md J1). */
const ETH_OVERHEAD: u32 = 38;
const ETH_MIN_FRAME: u32 = 64; // incl. header and FCS
const IP_HDR: u32 = 20;

export let nFlows: u32 = 0;
/** Flows of guest g are [guestFlow0[g], guestFlow0[g] + guestFlows[g]): its received streams
 *  first (guestRxFlows[g] of them), then the streams it sends. */
export let guestFlow0 = new StaticArray<u32>(0);
export let guestFlows = new StaticArray<u32>(0);
export let guestRxFlows = new StaticArray<u32>(0);
/** Sending guest of a guest-to-guest flow (received by flowGuest[f]), or NO_GUEST. */
export const NO_GUEST: u32 = 0xffffffff;
export let flowSender = new StaticArray<u32>(0);
/** Whether any flow runs between two guests (the bridge then looks at each packet's destination). */
export let anyGuestToGuest: bool = false;
/** Position of flow f among the flows of its guest's port, in flow order (picks its client). */
export let flowPortIndex = new StaticArray<u32>(0);
export let flowGuest = new StaticArray<u32>(0);
let flowRx = new StaticArray<u8>(0); // 1: external -> guest, 0: guest -> external
let W: u32 = 64; // per-flow window arrays (power of two)
let mss: u32 = 1448;
let dataWire: u32 = 1538;
let ackWire: u32 = 90;
let initCwnd: u32 = 3;
let rcvBuf: u32 = 0;
let rtoMin: f64 = 0;
let rtoMax: f64 = 0;
let delack: u64 = 0;
let dupThresh: u32 = 3;
let sack: bool = true;
// SACK block of the segment that triggered the next ACK (set by the receiver just before sendAck).
let ackSackLo: u32 = 0;
let ackSackHi: u32 = 0;

// sender
let sUna = new StaticArray<u32>(0);
let sNxt = new StaticArray<u32>(0);
let sHigh = new StaticArray<u32>(0); // highest sequence ever sent + 1
let sCwnd = new StaticArray<u32>(0);
let sCwndCnt = new StaticArray<u32>(0);
let sSsthresh = new StaticArray<u32>(0);
let sDupacks = new StaticArray<u32>(0);
let sRecover = new StaticArray<u32>(0);
let sInRecovery = new StaticArray<u8>(0);
let sRwnd = new StaticArray<u32>(0);
let sSrtt = new StaticArray<f64>(0);
let sRttvar = new StaticArray<f64>(0);
let sRto = new StaticArray<f64>(0);
let sBackoff = new StaticArray<u32>(0);
let sRtoTimer = new StaticArray<u32>(0);
let sSendTime = new StaticArray<u64>(0); // [f*W + seq&(W-1)]
let sRetx = new StaticArray<u8>(0); // [f*W + seq&(W-1)] retransmitted: no RTT sample (Karn)
let sSacked = new StaticArray<u32>(0); // [f*W + seq&(W-1)] seq+1 when seq is SACKed, else stale
let sHighSack = new StaticArray<u32>(0); // highest SACKed sequence + 1
let sStarted = new StaticArray<u8>(0); // external senders: first transmission happened
let sRetxNxt = new StaticArray<u32>(0); // [f*W + seq&(W-1)] snd_nxt when seq was last retransmitted

// receiver
let rNxt = new StaticArray<u32>(0);
let rUnacked = new StaticArray<u32>(0);
let rLastWin = new StaticArray<u32>(0);
let rDelackTimer = new StaticArray<u32>(0);
let rOoo = new StaticArray<u32>(0); // [f*W + seq&(W-1)] held out-of-order packet or PKT_NONE
let rSock = new StaticArray<i32>(0); // guest receivers: socket receive queue
let rSockBytes = new StaticArray<u32>(0);

export function tcpInit(): void {
  let guests = cfgU32(CFG_GUESTS);
  guestFlow0 = new StaticArray<u32>(<i32>guests);
  guestFlows = new StaticArray<u32>(<i32>guests);
  guestRxFlows = new StaticArray<u32>(<i32>guests);
  nFlows = 0;
  for (let g: u32 = 0; g < guests; g++) {
    let rx = <u32>cfgTable(CFG_OFF_GUEST_STREAMS, <i32>(3 * g));
    let tx = <u32>cfgTable(CFG_OFF_GUEST_STREAMS, <i32>(3 * g + 1));
    let g2g = <u32>cfgTable(CFG_OFF_GUEST_STREAMS, <i32>(3 * g + 2));
    unchecked((guestFlow0[g] = nFlows));
    unchecked((guestRxFlows[g] = rx + g2g));
    unchecked((guestFlows[g] = rx + g2g + tx));
    nFlows += rx + g2g + tx;
  }
  W = cfgU32(CFG_TCP_WINDOW_SEGS);
  mss = cfgU32(CFG_MSS);
  let hdr = cfgU32(CFG_TCP_HDR);
  dataWire = mss + hdr + IP_HDR + ETH_OVERHEAD;
  let ackFrame = hdr + IP_HDR + 18;
  ackWire = (ackFrame < ETH_MIN_FRAME ? ETH_MIN_FRAME : ackFrame) + 20;
  initCwnd = cfgU32(CFG_TCP_INIT_CWND);
  rcvBuf = cfgU32(CFG_TCP_RCVBUF);
  rtoMin = <f64>cfgU64(CFG_TCP_RTO_MIN);
  rtoMax = <f64>cfgU64(CFG_CPU_HZ) * 120.0; // TCP_RTO_MAX 120 s
  delack = cfgU64(CFG_TCP_DELACK);
  dupThresh = cfgU32(CFG_TCP_DUPTHRESH);
  sack = cfgU32(CFG_TCP_SACK) == 1;
  let n = <i32>nFlows;
  flowGuest = new StaticArray<u32>(n);
  flowSender = new StaticArray<u32>(n);
  flowPortIndex = new StaticArray<u32>(n);
  let ports = cfgU32(CFG_PORTS);
  let portFlows = new StaticArray<u32>(<i32>ports);
  flowRx = new StaticArray<u8>(n);
  sUna = new StaticArray<u32>(n);
  sNxt = new StaticArray<u32>(n);
  sHigh = new StaticArray<u32>(n);
  sCwnd = new StaticArray<u32>(n);
  sCwndCnt = new StaticArray<u32>(n);
  sSsthresh = new StaticArray<u32>(n);
  sDupacks = new StaticArray<u32>(n);
  sRecover = new StaticArray<u32>(n);
  sInRecovery = new StaticArray<u8>(n);
  sRwnd = new StaticArray<u32>(n);
  sSrtt = new StaticArray<f64>(n);
  sRttvar = new StaticArray<f64>(n);
  sRto = new StaticArray<f64>(n);
  sBackoff = new StaticArray<u32>(n);
  sRtoTimer = new StaticArray<u32>(n);
  sSendTime = new StaticArray<u64>(n * <i32>W);
  sRetx = new StaticArray<u8>(n * <i32>W);
  sSacked = new StaticArray<u32>(n * <i32>W);
  sHighSack = new StaticArray<u32>(n);
  sRetxNxt = new StaticArray<u32>(n * <i32>W);
  sStarted = new StaticArray<u8>(n);
  rNxt = new StaticArray<u32>(n);
  rUnacked = new StaticArray<u32>(n);
  rLastWin = new StaticArray<u32>(n);
  rDelackTimer = new StaticArray<u32>(n);
  rOoo = new StaticArray<u32>(n * <i32>W);
  rSock = new StaticArray<i32>(n);
  rSockBytes = new StaticArray<u32>(n);
  for (let i = 0; i < n * <i32>W; i++) unchecked((rOoo[i] = PKT_NONE));
  let g: u32 = 0;
  let nextSender = 0;
  for (let f: u32 = 0; f < nFlows; f++) {
    while (f >= unchecked(guestFlow0[g]) + unchecked(guestFlows[g])) g++;
    let k = f - unchecked(guestFlow0[g]);
    let rx = k < unchecked(guestRxFlows[g]);
    // A guest's received flows: from external hosts first, then from other guests (in order).
    let sender = NO_GUEST;
    if (rx && k >= <u32>cfgTable(CFG_OFF_GUEST_STREAMS, <i32>(3 * g))) {
      sender = <u32>cfgTable(CFG_OFF_G2G_SENDER, nextSender++);
      anyGuestToGuest = true;
    }
    unchecked((flowSender[f] = sender));
    let port = g % ports;
    unchecked((flowPortIndex[f] = unchecked(portFlows[port])));
    unchecked((portFlows[port] = unchecked(portFlows[port]) + 1));
    unchecked((flowGuest[f] = g));
    unchecked((flowRx[f] = rx ? 1 : 0));
    unchecked((sCwnd[f] = initCwnd));
    unchecked((sSsthresh[f] = W / 2));
    unchecked((sRwnd[f] = W / 2 - 1));
    unchecked((sRto[f] = rtoMin > <f64>cfgU64(CFG_CPU_HZ) ? rtoMin : <f64>cfgU64(CFG_CPU_HZ))); // RFC 6298: 1 s before a sample
    let gv = netfrontVcpu(g);
    // Timers run where the end lives: guest timers on the guest VCPU, external ones instantly.
    let senderTimerVcpu = !rx ? gv : sender != NO_GUEST ? netfrontVcpu(sender) : TIMER_NO_VCPU;
    unchecked((sRtoTimer[f] = timerNew(TM_TCP_RTO, f, senderTimerVcpu)));
    unchecked((rDelackTimer[f] = timerNew(TM_TCP_DELACK, f, rx ? gv : TIMER_NO_VCPU)));
    unchecked((rSock[f] = rx ? fifoNew(W) : -1));
    unchecked((rLastWin[f] = advertisedWindow(f)));
  }
}

/** Starts every flow at cycle 0: external senders transmit now, guest applications get a turn. */
export function tcpStartAll(): void {
  let started = new StaticArray<u8>(<i32>cfgU32(CFG_GUESTS));
  let jitter = <f64>cfgU64(CFG_START_JITTER);
  for (let f: u32 = 0; f < nFlows; f++) {
    if (unchecked(flowRx[f])) {
      // The sender's first transmission waits on its RTO timer until a seeded start time.
      let at = <u64>(rngUniform() * jitter);
      // A sending guest starts from its own VCPU (a timer there), never from init.
      if (at == 0 && unchecked(flowSender[f]) != NO_GUEST) at = 1;
      if (at == 0) {
        unchecked((sStarted[f] = 1));
        senderPush(f);
      } else timerArm(unchecked(sRtoTimer[f]), at);
    } else {
      let g = unchecked(flowGuest[f]);
      if (!unchecked(started[g])) {
        unchecked((started[g] = 1));
        stackMarkTxStart(g);
      }
    }
  }
}

/** Guest a packet of flow f is addressed to: the receiver for data, the sender for ACKs; for
 *  flows with an external end, the flow's guest either way. */
// @ts-ignore: decorator
@inline export function flowDestGuest(f: u32, ack: bool): u32 {
  let s = unchecked(flowSender[f]);
  return ack && s != NO_GUEST ? s : unchecked(flowGuest[f]);
}

/** Whether flow f is received by its guest (external or guest sender). */
// @ts-ignore: decorator
@inline export function flowDirRx(f: u32): bool {
  return unchecked(flowRx[f]) != 0;
}

export function tcpSocketQueue(f: u32): i32 {
  return unchecked(rSock[f]);
}

/** A guest TX flow's application starts writing. */
export function tcpTxFlowStart(f: u32): void {
  senderPush(f);
}

// ---- sending ----------------------------------------------------------------------------------

/** Transmits segment `seq` of flow f from wherever the sender lives. */
function sendSegment(f: u32, seq: u32, retx: bool): void {
  let p = pktAlloc(KIND_DATA, f, seq, mss, dataWire);
  if (p == PKT_NONE) return;
  let slot = (f * W) + (seq & (W - 1));
  unchecked((sSendTime[slot] = eqNow));
  unchecked((sRetx[slot] = retx ? 1 : 0));
  if (retx) unchecked((sRetxNxt[slot] = unchecked(sNxt[f])));
  statInc(ST_INJECTED);
  statInc(ST_TCP_SEGS_SENT);
  if (retx) statInc(ST_TCP_RETRANS);
  let sender = unchecked(flowSender[f]);
  if (unchecked(flowRx[f]) && sender == NO_GUEST) {
    linkSend(senderLink(guestPort(unchecked(flowGuest[f])), flowClient(f)), p);
  } else {
    charge(COMP_STACK, <u64>(cost(COST_STACK_TX_PKT) + cost(COST_STACK_TX_PER_BYTE) * <f64>mss));
    charge(COMP_NETFRONT, <u64>cost(COST_NF_TX_PKT));
    netfrontStage(sender != NO_GUEST ? sender : unchecked(flowGuest[f]), p);
  }
}

/** Sends what the window allows (tcp_write_xmit), arms the RTO. */
function senderPush(f: u32): void {
  let una = unchecked(sUna[f]);
  let cwnd = unchecked(sCwnd[f]);
  let rwnd = unchecked(sRwnd[f]);
  let wnd = cwnd < rwnd ? cwnd : rwnd;
  let limit = una + wnd;
  let nxt = unchecked(sNxt[f]);
  while (nxt < limit) {
    // After an RTO (go-back-N) segments the receiver SACKed are not sent again.
    if (!(sack && nxt < unchecked(sHigh[f]) && isSacked(f, nxt))) sendSegment(f, nxt, nxt < unchecked(sHigh[f]));
    nxt++;
  }
  unchecked((sNxt[f] = nxt));
  if (nxt > unchecked(sHigh[f])) unchecked((sHigh[f] = nxt));
  let t = unchecked(sRtoTimer[f]);
  if (nxt != una) {
    if (!timerPending(t)) timerArm(t, eqNow + rtoCycles(f));
  } else if (rwnd == 0) {
    // Zero window, nothing in flight: the persist timer probes later.
    if (!timerPending(t)) timerArm(t, eqNow + rtoCycles(f));
  }
}

// @ts-ignore: decorator
@inline function isSacked(f: u32, seq: u32): bool {
  return unchecked(sSacked[f * W + (seq & (W - 1))]) == seq + 1;
}

/** Records the SACK block [lo, hi) of an ACK in the scoreboard (only segments above `una`). */
function sackMark(f: u32, una: u32, lo: u32, hi: u32): void {
  if (lo < una) lo = una;
  let high = unchecked(sHigh[f]);
  if (hi > high) hi = high;
  for (let s = lo; s < hi; s++) unchecked((sSacked[f * W + (s & (W - 1))] = s + 1));
  if (hi > unchecked(sHighSack[f])) unchecked((sHighSack[f] = hi));
}

/** Whether the retransmission of hole `seq` is presumed still in flight. It is presumed lost
 *  once a segment sent after it (any sequence at or above snd_nxt at the time of the
 *  retransmission) has been SACKed: paths here deliver in order. This is Linux's lost-
 *  retransmit detection (tcp_mark_lost_retrans compares the SACKed edge with the snd_nxt it
 *  recorded at retransmission); comparing sequence numbers, not send times, keeps a late
 *  original copy of a retransmitted segment from being mistaken for fresh evidence. */
// @ts-ignore: decorator
@inline function retxInFlight(f: u32, seq: u32): bool {
  let slot = f * W + (seq & (W - 1));
  return unchecked(sRetx[slot]) != 0 && unchecked(sHighSack[f]) <= unchecked(sRetxNxt[slot]);
}

/** SACK recovery (RFC 6675 with FACK loss marking): every hole below the highest SACK is lost;
 *  pipe = segments above the highest SACK + retransmissions still in flight. While pipe < cwnd
 *  retransmit the lowest hole not in flight, else send new data. */
function sackSend(f: u32): void {
  let una = unchecked(sUna[f]);
  let cwnd = unchecked(sCwnd[f]);
  let highSack = unchecked(sHighSack[f]);
  if (highSack < una) highSack = una;
  let rwnd = unchecked(sRwnd[f]);
  let nxt = unchecked(sNxt[f]);
  let pipe: u32 = nxt > highSack ? nxt - highSack : 0;
  // One pass over the scoreboard counts retransmissions in flight and finds the lowest hole
  // still to send, where the sending loop below starts.
  let scan = highSack;
  for (let s = una; s < highSack; s++) {
    if (isSacked(f, s)) continue;
    if (retxInFlight(f, s)) pipe++;
    else if (scan == highSack) scan = s;
  }
  while (pipe < cwnd) {
    while (scan < highSack && (isSacked(f, scan) || retxInFlight(f, scan))) scan++;
    if (scan < highSack) {
      sendSegment(f, scan, true);
      scan++;
    } else {
      if (nxt >= una + rwnd) break;
      sendSegment(f, nxt, nxt < unchecked(sHigh[f]));
      nxt++;
      unchecked((sNxt[f] = nxt));
      if (nxt > unchecked(sHigh[f])) unchecked((sHigh[f] = nxt));
    }
    pipe++;
  }
}

function rtoCycles(f: u32): u64 {
  let r = unchecked(sRto[f]) * <f64>(<u32>1 << unchecked(sBackoff[f]));
  if (r > rtoMax) r = rtoMax;
  return <u64>r;
}

/** tcp_ack for the ACK packet p of flow f (frees p). */
export function tcpSenderOnAck(f: u32, p: u32): void {
  let ack = unchecked(pSeq[p]);
  let win = unchecked(pWin[p]);
  statAdd(ST_DELIVERED, pktUnits(p));
  pktFree(p);
  let sLo = unchecked(pSackLo[p]);
  let sHi = unchecked(pSackHi[p]);
  let una = unchecked(sUna[f]);
  let oldRwnd = unchecked(sRwnd[f]);
  unchecked((sRwnd[f] = win));
  statAdd(ST_TCP_RWND_SUM, win);
  statInc(ST_TCP_RWND_ACKS);
  if (ack > unchecked(sHigh[f])) return; // acks data never sent: ignore
  if (sack && sHi > sLo) sackMark(f, ack > una ? ack : una, sLo, sHi);
  if (ack > una) {
    let acked = ack - una;
    // RTT sample (timestamps: the echoed segment's send time), Karn's rule for retransmissions.
    let slot = (f * W) + ((ack - 1) & (W - 1));
    if (!unchecked(sRetx[slot])) rttSample(f, <f64>(eqNow - unchecked(sSendTime[slot])));
    unchecked((sBackoff[f] = 0));
    unchecked((sUna[f] = ack));
    if (unchecked(sNxt[f]) < ack) unchecked((sNxt[f] = ack));
    if (!unchecked(flowRx[f])) guestStatAdd(unchecked(flowGuest[f]), GS_TX_ACKED_BYTES, <u64>acked * <u64>mss);
    else if (unchecked(flowSender[f]) != NO_GUEST) guestStatAdd(unchecked(flowSender[f]), GS_TX_ACKED_BYTES, <u64>acked * <u64>mss);
    if (unchecked(sInRecovery[f])) {
      if (ack >= unchecked(sRecover[f])) {
        // Full ACK: leave recovery with the window deflated to ssthresh.
        unchecked((sInRecovery[f] = 0));
        unchecked((sCwnd[f] = unchecked(sSsthresh[f])));
      } else if (sack) {
        // Partial ACK: sackSend below recomputes pipe from the scoreboard.
      } else {
        // Partial ACK: retransmit the next hole, deflate by the amount acked.
        sendSegment(f, ack, true);
        let c = unchecked(sCwnd[f]);
        unchecked((sCwnd[f] = c > acked ? c - acked + 1 : 1));
      }
    } else {
      let c = unchecked(sCwnd[f]);
      let ss = unchecked(sSsthresh[f]);
      if (c < ss) {
        c += acked;
        if (c > ss) c = ss;
      } else {
        let cnt = unchecked(sCwndCnt[f]) + acked;
        while (cnt >= c) {
          cnt -= c;
          c++;
        }
        unchecked((sCwndCnt[f] = cnt));
      }
      let cap = W / 2;
      unchecked((sCwnd[f] = c < cap ? c : cap));
    }
    unchecked((sDupacks[f] = 0));
    let t = unchecked(sRtoTimer[f]);
    if (unchecked(sNxt[f]) == ack) timerCancel(t);
    else timerArm(t, eqNow + rtoCycles(f));
  } else if (ack == una && unchecked(sNxt[f]) != una && win == oldRwnd) {
    let d = unchecked(sDupacks[f]) + 1;
    unchecked((sDupacks[f] = d));
    if (unchecked(sInRecovery[f])) {
      if (!sack) unchecked((sCwnd[f] = unchecked(sCwnd[f]) + 1)); // window inflation
    } else if (sack && una >= unchecked(sRecover[f]) && (d >= dupThresh || unchecked(sHighSack[f]) > una + dupThresh)) {
      // With SACK, recovery starts on the 3rd duplicate ACK or as soon as more than dupThresh
      // segments above snd_una are SACKed (FACK: fackets_out > reordering, as Linux 2.6 does),
      // which matters when LRO or delayed ACKs fold many out-of-order segments into few ACKs.
      statInc(ST_TCP_FAST_RECOVERIES);
      let flight = unchecked(sNxt[f]) - una;
      let ss = flight / 2;
      if (ss < 2) ss = 2;
      unchecked((sSsthresh[f] = ss));
      unchecked((sRecover[f] = unchecked(sNxt[f])));
      unchecked((sInRecovery[f] = 1));
      unchecked((sCwnd[f] = ss));
      sendSegment(f, una, true); // the first hole goes at once (fast retransmit)
    } else if (d == dupThresh && una >= unchecked(sRecover[f])) {
      // Fast retransmit; NewReno's `recover` avoids re-entering for the same window.
      statInc(ST_TCP_FAST_RECOVERIES);
      let flight = unchecked(sNxt[f]) - una;
      let ss = flight / 2;
      if (ss < 2) ss = 2;
      unchecked((sSsthresh[f] = ss));
      unchecked((sRecover[f] = unchecked(sNxt[f])));
      unchecked((sInRecovery[f] = 1));
      unchecked((sCwnd[f] = ss + dupThresh));
      sendSegment(f, una, true);
    }
  }
  if (sack && unchecked(sInRecovery[f])) {
    sackSend(f);
    let t = unchecked(sRtoTimer[f]);
    if (!timerPending(t)) timerArm(t, eqNow + rtoCycles(f));
  } else senderPush(f);
}

function rttSample(f: u32, r: f64): void {
  statAdd(ST_TCP_RTT_SUM, <u64>r);
  statInc(ST_TCP_RTT_SAMPLES);
  let srtt = unchecked(sSrtt[f]);
  if (srtt == 0) {
    srtt = r;
    unchecked((sRttvar[f] = r / 2));
  } else {
    let d = srtt > r ? srtt - r : r - srtt;
    unchecked((sRttvar[f] = 0.75 * unchecked(sRttvar[f]) + 0.25 * d));
    srtt = 0.875 * srtt + 0.125 * r;
  }
  unchecked((sSrtt[f] = srtt));
  let rto = srtt + 4 * unchecked(sRttvar[f]);
  unchecked((sRto[f] = rto < rtoMin ? rtoMin : rto));
}

/** Retransmission timeout of flow f (or a zero-window probe). */
function onRto(f: u32): void {
  if (unchecked(flowRx[f]) && !unchecked(sStarted[f])) {
    unchecked((sStarted[f] = 1));
    senderPush(f);
    return;
  }
  let una = unchecked(sUna[f]);
  if (unchecked(sNxt[f]) == una) {
    if (unchecked(sRwnd[f]) == 0) {
      // Persist: probe with one segment past the window.
      sendSegment(f, una, una < unchecked(sHigh[f]));
      if (una + 1 > unchecked(sHigh[f])) unchecked((sHigh[f] = una + 1));
      unchecked((sNxt[f] = una + 1));
      unchecked((sBackoff[f] = unchecked(sBackoff[f]) + (unchecked(sBackoff[f]) < 10 ? 1 : 0)));
      timerArm(unchecked(sRtoTimer[f]), eqNow + rtoCycles(f));
    }
    return;
  }
  statInc(ST_TCP_RTOS);
  let flight = unchecked(sNxt[f]) - una;
  let ss = flight / 2;
  if (ss < 2) ss = 2;
  unchecked((sSsthresh[f] = ss));
  unchecked((sCwnd[f] = 1));
  unchecked((sCwndCnt[f] = 0));
  unchecked((sInRecovery[f] = 0));
  unchecked((sDupacks[f] = 0));
  unchecked((sRecover[f] = unchecked(sNxt[f])));
  unchecked((sNxt[f] = una)); // go back N (SACKed segments are skipped by senderPush)
  if (unchecked(sBackoff[f]) < 10) unchecked((sBackoff[f] = unchecked(sBackoff[f]) + 1));
  // The window may be closed; the head segment goes regardless (as a probe).
  let rw = unchecked(sRwnd[f]);
  if (rw == 0) unchecked((sRwnd[f] = 1));
  timerCancel(unchecked(sRtoTimer[f]));
  senderPush(f);
  unchecked((sRwnd[f] = rw));
}

// ---- receiving --------------------------------------------------------------------------------

/** Free receive buffer, in segments, capped to what the out-of-order window can hold. */
function advertisedWindow(f: u32): u32 {
  let cap = W / 2 - 1;
  if (!unchecked(flowRx[f])) return cap; // external application reads instantly
  let used = unchecked(rSockBytes[f]);
  let free: u32 = used >= rcvBuf ? 0 : (rcvBuf - used) / mss;
  return free < cap ? free : cap;
}

function sendAck(f: u32): void {
  let win = advertisedWindow(f);
  let p = pktAlloc(KIND_ACK, f, unchecked(rNxt[f]), 0, ackWire);
  if (p == PKT_NONE) return;
  unchecked((pWin[p] = win));
  if (sack) {
    unchecked((pSackLo[p] = ackSackLo));
    unchecked((pSackHi[p] = ackSackHi));
    ackSackLo = 0;
    ackSackHi = 0;
  }
  unchecked((rUnacked[f] = 0));
  unchecked((rLastWin[f] = win));
  timerCancel(unchecked(rDelackTimer[f]));
  statInc(ST_INJECTED);
  statInc(ST_ACKS_SENT);
  if (unchecked(flowRx[f])) {
    charge(COMP_STACK, <u64>cost(COST_STACK_TX_PKT));
    charge(COMP_NETFRONT, <u64>cost(COST_NF_TX_PKT));
    netfrontStage(unchecked(flowGuest[f]), p);
  } else {
    linkSend(senderLink(guestPort(unchecked(flowGuest[f])), flowClient(f)), p);
  }
}

/** In-order data reaches the end: the guest socket, or the external application. */
function deliverInOrder(f: u32, p: u32): void {
  if (unchecked(flowRx[f])) {
    let s = unchecked(rSock[f]);
    if (fifoFull(s)) {
      pktDrop(ST_DROP_GUEST_SOCKET, p); // cannot happen with a window-limited sender; counted if it does
      return;
    }
    fifoPush(s, p);
    unchecked((rSockBytes[f] = unchecked(rSockBytes[f]) + unchecked(pBytes[p])));
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
    if (q != PKT_NONE && unchecked(pSeq[q]) == s) {
      unchecked((rOoo[slot] = PKT_NONE));
      statAdd(ST_TCP_DUP_SEGS, unchecked(pSegs[q]));
      statAdd(ST_DELIVERED, pktUnits(q));
      pktFree(q);
    }
  }
}

/** tcp_rcv_established for data packet p (one or more segments) of flow f. */
export function tcpReceiverOnData(f: u32, p: u32): void {
  let seq = unchecked(pSeq[p]);
  let segs = unchecked(pSegs[p]);
  let nxt = unchecked(rNxt[f]);
  if (seq + segs <= nxt) {
    // Entirely old: a duplicate (DSACK-style immediate ACK).
    statAdd(ST_TCP_DUP_SEGS, segs);
    statAdd(ST_DELIVERED, pktUnits(p));
    pktFree(p);
    sendAck(f);
    return;
  }
  if (seq <= nxt) {
    // In order (possibly overlapping old data at its start).
    if (seq < nxt) {
      statAdd(ST_TCP_DUP_SEGS, nxt - seq);
      unchecked((pBytes[p] = (seq + segs - nxt) * mss));
    }
    let newNxt = seq + segs;
    discardCovered(f, nxt, newNxt);
    deliverInOrder(f, p);
    nxt = newNxt;
    let filled = false;
    // Pull what the out-of-order buffer now continues.
    while (true) {
      let slot = f * W + (nxt & (W - 1));
      let q = unchecked(rOoo[slot]);
      if (q == PKT_NONE || unchecked(pSeq[q]) != nxt) break;
      unchecked((rOoo[slot] = PKT_NONE));
      let qn = nxt + unchecked(pSegs[q]);
      discardCovered(f, nxt + 1, qn);
      deliverInOrder(f, q);
      nxt = qn;
      filled = true;
    }
    unchecked((rNxt[f] = nxt));
    let un = unchecked(rUnacked[f]) + segs;
    unchecked((rUnacked[f] = un));
    // __tcp_ack_snd_check: more than one full segment unacknowledged, or a hole was filled.
    if (un >= 2 || filled) sendAck(f);
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
  if (seq - nxt < W && unchecked(rOoo[slot]) == PKT_NONE) unchecked((rOoo[slot] = p));
  else {
    statAdd(ST_TCP_DUP_SEGS, segs);
    statAdd(ST_DELIVERED, pktUnits(p));
    pktFree(p);
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

/** A guest-side TCP timer expired (TIMER softirq on v): act now, packets leave at job end. */
export function tcpTimerStart(v: u32, kind: u8, f: u32): void {
  if (kind == TM_TCP_RTO) onRto(f);
  else if (unchecked(rUnacked[f]) > 0) sendAck(f);
}

export function tcpTimerFinish(v: u32, kind: u8, f: u32): void {}

/** An external host's TCP timer expired (no CPU model there). */
export function tcpTimerExternal(kind: u8, f: u32): void {
  if (kind == TM_TCP_RTO) onRto(f);
  else if (unchecked(rUnacked[f]) > 0) sendAck(f);
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
/** Sender's congestion window, segments (tests). */
export function tcpCwnd(f: u32): u32 {
  return unchecked(sCwnd[f]);
}
/** Receive window the sender last heard from its peer, segments (time series). */
export function tcpRwnd(f: u32): u32 {
  return unchecked(sRwnd[f]);
}
