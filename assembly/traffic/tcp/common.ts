// Bulk TCP streams between external hosts and guests, both directions. This file: per-flow
// configuration and sender state, segment framing and transmission, the RTO interval. The
// sender is sender.ts (with SACK recovery in sack.ts and the timeout in rto.ts), a guest's writer
// threads and send buffers writer.ts and sndbuf.ts, the receiver receiver.ts; calls go rto ->
// writer -> sender -> sack -> sndbuf -> common and receiver -> common.
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
//    skb covering more, as after LRO) and for every segment while the out-of-order buffer
//    holds data (sources.md J9), a delayed-ACK timer otherwise (ATO), the advertised window
//    from free socket buffer space, and tcp_cleanup_rbuf's window-update ACK after the
//    application frees space.
// Where an end lives in a guest, every packet it sends and every ACK it takes costs guest CPU
// (COST_STACK_*, COST_NF_TX_PKT) and leaves through netfront; with writer threads
// (guests.writerPlacement) a guest's stream sends the data its writer copied into the send buffer
// (writer.ts, sndbuf.ts: the per-byte copy is the writer's), without them (none; spread is the default) it
// always has data and pays the copy when it sends; with GSO across the vif (netfront.gso.tx) a guest sending to an external host hands
// netfront skbs of up to the size goal (sendGso, sources.md J8): the per-skb stack and driver work
// is paid once per skb, and the NIC cuts the skb into MSS frames (TSO); a guest sending to another
// guest whose frontend takes GSO skbs (netfront.gso.rx) does the same, and the skb crosses dom0's
// bridge and the receiver's vif whole (netback fills one RX request per 4 KiB page, sources.md
// A10), so the receiver's stack takes it as one skb and ACKs it once (J9); external ends cost
// nothing and use the wire directly (their hosts are not the object of study).
// A guest's stream to dom0 (tcp-to-dom0) is sent like one to an external host; its receiving end
// is dom0's own TCP (dom0/stack.ts), whose delayed-ACK timer runs on the dom0 VCPU of its reader.
// Left out: D-SACK, SACK reneging, FACK and rate halving, window scaling arithmetic (windows are exact), Nagle, quick-ack mode at
// connection start, handshake and teardown, ECN, CUBIC (2.6.19+ default; Reno kept for clarity:
// in this short-RTT, loss-driven setting both keep the bottleneck busy).

import {
  CFG_GUESTS, CFG_OFF_GUEST_STREAMS, CFG_OFF_G2G_SENDER, CFG_PORTS, CFG_MSS, CFG_TCP_HDR,
  CFG_TCP_INIT_CWND, CFG_TCP_RCVBUF, CFG_TCP_RTO_MIN, CFG_TCP_DELACK, CFG_TCP_DUPTHRESH,
  CFG_TCP_WINDOW_SEGS, CFG_CPU_HZ, CFG_TCP_SACK, CFG_WARMUP, COMP_STACK, COST_STACK_TX_PKT,
  CFG_GSO_TX, CFG_GSO_MAX_SEGS, CFG_OFF_DOM0_STREAMS, CFG_SRIOV_GUESTS, ST_GSO_SKBS_SENT,
  COST_STACK_TX_PER_BYTE, CFG_WRITER_PLACEMENT, ST_INJECTED, ST_TCP_SEGS_SENT, ST_TCP_RETRANS,
} from "../../../src/abi/layout";
import { cfgU32, cfgU64, cfgTable, cost, costCycles } from "../../config";
import { WRITER_PLACEMENT_NONE } from "../../../src/abi/enums";
import { statInc, statAdd } from "../../stats";
import { eqNow } from "../../base/eventq";
import { pktAlloc, pkSetSegs, PKT_NONE, KIND_DATA } from "../../packet";
import { charge } from "../../cpu/account";
import {
  flowGuest, flowRx, flowClient, flowSender, flowPortIndex, flowsMarkGuestToGuest, flowsMarkToDom0, NO_GUEST,
} from "../../flows";
import { timerNew, TM_TCP_RTO, TM_TCP_DELACK, TIMER_NO_VCPU } from "../../kernel/timers";
import { linkSend, senderLink, guestPort } from "../../hw/link";
import { netfrontStage, netfrontVcpu } from "../../netfront/netfront";
import { MEM_TCP as MEM_PART } from "../../../src/abi/layout";
import { memArrays, freshArray } from "../../base/memory";
import { tsqLimit, tsqCharge } from "../../net/tsq";

/** Ethernet header + FCS (18) + preamble/SFD (8) + inter-frame gap (12) (sources.md J1). */
const ETH_OVERHEAD: u32 = 38;
const ETH_MIN_FRAME: u32 = 64; // incl. header and FCS
const IP_HDR: u32 = 20;

export let nFlows: u32 = 0;
/** Flows of guest g are [guestFlow0[g], guestFlow0[g] + guestFlows[g]): its received streams
 *  first (guestRxFlows[g] of them: from external hosts, then from other guests), then the
 *  streams it sends. */
export let guestFlow0 = new StaticArray<u32>(0);
export let guestFlows = new StaticArray<u32>(0);
export let guestRxFlows = new StaticArray<u32>(0);
export let W: u32 = 64; // per-flow window arrays (power of two)
export let mss: u32 = 1448;
let dataWire: u32 = 1538;
export let ackWire: u32 = 90;
let initCwnd: u32 = 3;
export let rcvBuf: u32 = 0;
export let rtoMin: f64 = 0;
let rtoMax: f64 = 0;
export let delack: u64 = 0;
export let dupThresh: u32 = 3;
export let sack: bool = true;
/** No writer threads (guests.writerPlacement none): a guest's copy is charged where data is sent. */
export let copyOnSend: bool = false;
/** Guests 0 .. vfGuests-1 send through an SR-IOV VF (TCP small queues does not throttle them). */
let vfGuests: u32 = 0;

// sender
export let sUna = new StaticArray<u32>(0);
export let sNxt = new StaticArray<u32>(0);
export let sHigh = new StaticArray<u32>(0); // highest sequence ever sent + 1
export let sCwnd = new StaticArray<u32>(0);
export let sCwndCnt = new StaticArray<u32>(0);
export let sSsthresh = new StaticArray<u32>(0);
export let sDupacks = new StaticArray<u32>(0);
export let sRecover = new StaticArray<u32>(0);
export let sInRecovery = new StaticArray<u8>(0);
export let sRwnd = new StaticArray<u32>(0);
export let sSrtt = new StaticArray<f64>(0);
export let sRttvar = new StaticArray<f64>(0);
export let sRto = new StaticArray<f64>(0);
export let sBackoff = new StaticArray<u32>(0);
export let sRtoTimer = new StaticArray<u32>(0);
export let sSendTime = new StaticArray<u64>(0); // [f*W + seq&(W-1)]
export let sRetx = new StaticArray<u8>(0); // [f*W + seq&(W-1)] retransmitted: no RTT sample (Karn)
export let sSacked = new StaticArray<u32>(0); // [f*W + seq&(W-1)] seq+1 when seq is SACKed, else stale
export let sHighSack = new StaticArray<u32>(0); // highest SACKed sequence + 1
export let sStarted = new StaticArray<u8>(0); // external senders: first transmission happened
export let sRetxNxt = new StaticArray<u32>(0); // [f*W + seq&(W-1)] snd_nxt when seq was last retransmitted
/** First segment each flow sent after the warm-up (NOT_YET before): goodput counts from it. */
export let sMeasuredFrom = new StaticArray<u32>(0);
export const NOT_YET: u32 = 0xffffffff;
let warmupEnd: u64 = 0;
/** Delayed-ACK timer of each flow's receiver (created here, in flow order, with the RTO timer). */
export let rDelackTimer = new StaticArray<u32>(0);
/** Flows whose sender hands netfront GSO skbs (a guest sending to an external host, GSO on). */
export let sGso = new StaticArray<u8>(0);
/** tp->max_window: the largest window the receiver advertised, segments (bounds the size goal). */
export let sMaxWnd = new StaticArray<u32>(0);
/** Segments of a full GSO skb (tcp_xmit_size_goal at GSO_MAX_SIZE). */
export let gsoMaxSegs: u32 = 1;

/** Reads the configuration, sets up every flow and its two timers (RTO, delayed ACK). */
export function tcpInit(): void {
  let guests = cfgU32(CFG_GUESTS);
  guestFlow0 = freshArray<u32>(<i32>guests);
  guestFlows = freshArray<u32>(<i32>guests);
  guestRxFlows = freshArray<u32>(<i32>guests);
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
  copyOnSend = cfgU32(CFG_WRITER_PLACEMENT) == WRITER_PLACEMENT_NONE;
  let n = <i32>nFlows;
  sUna = freshArray<u32>(n);
  sNxt = freshArray<u32>(n);
  sHigh = freshArray<u32>(n);
  sCwnd = freshArray<u32>(n);
  sCwndCnt = freshArray<u32>(n);
  sSsthresh = freshArray<u32>(n);
  sDupacks = freshArray<u32>(n);
  sRecover = freshArray<u32>(n);
  sInRecovery = freshArray<u8>(n);
  sRwnd = freshArray<u32>(n);
  sSrtt = freshArray<f64>(n);
  sRttvar = freshArray<f64>(n);
  sRto = freshArray<f64>(n);
  sBackoff = freshArray<u32>(n);
  sRtoTimer = freshArray<u32>(n);
  sSendTime = freshArray<u64>(n * <i32>W);
  sRetx = freshArray<u8>(n * <i32>W);
  sSacked = freshArray<u32>(n * <i32>W);
  sHighSack = freshArray<u32>(n);
  sRetxNxt = freshArray<u32>(n * <i32>W);
  sStarted = freshArray<u8>(n);
  sMeasuredFrom = freshArray<u32>(n);
  warmupEnd = cfgU64(CFG_WARMUP);
  rDelackTimer = freshArray<u32>(n);
  sGso = freshArray<u8>(n);
  sMaxWnd = freshArray<u32>(n);
  let gso = cfgU32(CFG_GSO_TX) == 1;
  gsoMaxSegs = cfgU32(CFG_GSO_MAX_SEGS);
  vfGuests = cfgU32(CFG_SRIOV_GUESTS);
  let ports = cfgU32(CFG_PORTS);
  let portFlows = freshArray<u32>(<i32>ports);
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
      flowsMarkGuestToGuest();
    }
    unchecked((flowSender[f] = sender));
    // A guest's streams to dom0 are the last of its flows.
    let toDom0 = <u32>cfgTable(CFG_OFF_DOM0_STREAMS, <i32>(2 * g));
    let dom0End = !rx && k >= unchecked(guestFlows[g]) - toDom0;
    if (dom0End) flowsMarkToDom0(f);
    let port = g % ports;
    unchecked((flowPortIndex[f] = unchecked(portFlows[port])));
    unchecked((portFlows[port] = unchecked(portFlows[port]) + 1));
    unchecked((flowGuest[f] = g));
    unchecked((flowRx[f] = rx ? 1 : 0));
    unchecked((sCwnd[f] = initCwnd));
    unchecked((sMeasuredFrom[f] = NOT_YET));
    unchecked((sSsthresh[f] = W / 2));
    unchecked((sRwnd[f] = W / 2 - 1));
    unchecked((sMaxWnd[f] = W / 2 - 1));
    // A guest behind netfront that sends to an external host, or to another guest (whose
    // frontend then takes GSO skbs: config relations): its skbs cross the vif whole.
    unchecked((sGso[f] = gso && (!rx || sender != NO_GUEST) && g >= vfGuests ? 1 : 0));
    unchecked((sRto[f] = rtoMin > <f64>cfgU64(CFG_CPU_HZ) ? rtoMin : <f64>cfgU64(CFG_CPU_HZ))); // RFC 6298: 1 s before a sample
    let gv = netfrontVcpu(g);
    // Timers run where the end lives: guest timers on the guest VCPU, external ones instantly.
    let senderTimerVcpu = !rx ? gv : sender != NO_GUEST ? netfrontVcpu(sender) : TIMER_NO_VCPU;
    unchecked((sRtoTimer[f] = timerNew(TM_TCP_RTO, f, senderTimerVcpu)));
    let receiverTimerVcpu = rx ? gv : dom0End ? <u32>cfgTable(CFG_OFF_DOM0_STREAMS, <i32>(2 * g + 1)) : TIMER_NO_VCPU;
    unchecked((rDelackTimer[f] = timerNew(TM_TCP_DELACK, f, receiverTimerVcpu)));
  }
}

/** Tallies the bytes tcpInit() allocates; `flows` is every guest's streams (flowsInit's count). */
export function tcpMemory(flows: u64): void {
  let guests = <u64>cfgU32(CFG_GUESTS);
  let W = <u64>cfgU32(CFG_TCP_WINDOW_SEGS);
  memArrays(MEM_PART, guests, 4, 3);
  memArrays(MEM_PART, flows, 4, 15);
  memArrays(MEM_PART, flows, 1, 3);
  memArrays(MEM_PART, flows, 8, 3);
  memArrays(MEM_PART, flows * W, 8);
  memArrays(MEM_PART, flows * W, 1);
  memArrays(MEM_PART, flows * W, 4, 2);
  memArrays(MEM_PART, <u64>cfgU32(CFG_PORTS), 4);
}

// ---- sending ----------------------------------------------------------------------------------

/** Transmits segment `seq` of flow f from wherever the sender lives. */
export function sendSegment(f: u32, seq: u32, retx: bool): void {
  let p = pktAlloc(KIND_DATA, f, seq, mss, dataWire);
  if (p == PKT_NONE) return;
  let slot = (f * W) + (seq & (W - 1));
  unchecked((sSendTime[slot] = eqNow));
  unchecked((sRetx[slot] = retx ? 1 : 0));
  // A segment first sent after the warm-up (one cycle after, for the wire's whole-cycle schedule)
  // reaches the wire inside the measured interval, and so do its retransmissions.
  if (!retx && eqNow > warmupEnd && unchecked(sMeasuredFrom[f]) == NOT_YET) unchecked((sMeasuredFrom[f] = seq));
  if (retx) unchecked((sRetxNxt[slot] = unchecked(sNxt[f])));
  statInc(ST_INJECTED);
  statInc(ST_TCP_SEGS_SENT);
  if (retx) statInc(ST_TCP_RETRANS);
  let sender = unchecked(flowSender[f]);
  if (unchecked(flowRx[f]) && sender == NO_GUEST) {
    linkSend(senderLink(guestPort(unchecked(flowGuest[f])), flowClient(f)), p);
  } else {
    // The per-skb transmit work; a writer paid the copy when it queued the data (writer.ts).
    if (copyOnSend) charge(COMP_STACK, <u64>(cost(COST_STACK_TX_PKT) + cost(COST_STACK_TX_PER_BYTE) * <f64>mss));
    else charge(COMP_STACK, costCycles(COST_STACK_TX_PKT));
    let g = sender != NO_GUEST ? sender : unchecked(flowGuest[f]);
    if (tsqLimit > 0 && g >= vfGuests) tsqCharge(f, mss); // sk_wmem_alloc until netfront frees it
    netfrontStage(g, p);
  }
}

/** Transmits segments [seq, seq + n) of guest-sent flow f as ONE GSO skb (n > 1): tcp_transmit_skb
 *  of an skb of n * mss bytes with gso_segs = n, handed to the sending guest's netfront whole
 *  (the flow's own guest, or for a flow between guests its sender). */
export function sendGso(f: u32, seq: u32, n: u32): void {
  let bytes = mss * n;
  let p = pktAlloc(KIND_DATA, f, seq, bytes, dataWire * n);
  if (p == PKT_NONE) return;
  pkSetSegs(p, n);
  let from = !(eqNow > warmupEnd && unchecked(sMeasuredFrom[f]) == NOT_YET);
  for (let i: u32 = 0; i < n; i++) {
    let slot = (f * W) + ((seq + i) & (W - 1));
    unchecked((sSendTime[slot] = eqNow));
    unchecked((sRetx[slot] = 0));
  }
  if (!from) unchecked((sMeasuredFrom[f] = seq));
  statAdd(ST_INJECTED, n);
  statAdd(ST_TCP_SEGS_SENT, n);
  statInc(ST_GSO_SKBS_SENT);
  // The stack's per-skb work once; a writer paid the per-byte copy (writer.ts), or, without
  // writers, it is paid here for every byte.
  if (copyOnSend) charge(COMP_STACK, <u64>(cost(COST_STACK_TX_PKT) + cost(COST_STACK_TX_PER_BYTE) * <f64>bytes));
  else charge(COMP_STACK, costCycles(COST_STACK_TX_PKT));
  let sender = unchecked(flowSender[f]);
  let g = sender != NO_GUEST ? sender : unchecked(flowGuest[f]);
  if (tsqLimit > 0 && g >= vfGuests) tsqCharge(f, bytes); // sk_wmem_alloc until netfront frees it
  netfrontStage(g, p);
}

/** Current retransmission timeout of flow f with back-off, cycles. */
export function rtoCycles(f: u32): u64 {
  let r = unchecked(sRto[f]) * <f64>(<u32>1 << unchecked(sBackoff[f]));
  if (r > rtoMax) r = rtoMax;
  return <u64>r;
}
