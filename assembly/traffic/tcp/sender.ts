// TCP sender (see common.ts for the flow model): tcp_write_xmit within min(cwnd, rwnd), tcp_ack
// with Reno congestion control, fast retransmit and recovery (SACK-based, sack.ts, or NewReno),
// and Jacobson/Karels RTT estimation from timestamps with Karn's rule.
// With writer threads (guests.writerPlacement other than none), a guest's stream sends only what
// its writer has copied into the write queue (writer.ts, sndbuf.ts, sources.md J10-J12): tcp_sendmsg copies the data in the writer's context, ahead of
// the window, and this file transmits it, from the writer's tcp_push or from the ACK processing
// that opens the window (tcp_data_snd_check), which then frees the acknowledged data and wakes a
// writer asleep on a full buffer (tcp_check_space). The per-byte copy (costs.stackTxPerByteCycles)
// is the writer's; the per-skb transmit work (costs.stackTxPacketCycles) is charged where the skb
// is sent; a retransmission sends from the write queue again without a copy. Without writers
// (none, the default) a guest's stream always has data, and the copy is charged with each
// segment it sends, retransmissions too (common.ts).
// A sender with GSO across the vif (common.ts sGso) sends new data as tcp_write_xmit does with
// TSO (sources.md J8): the bulk writer's write queue holds skbs of the size goal (GSO_MAX_SIZE in
// segments, at most half the largest window the receiver advertised: tcp_bound_to_half_wnd); an
// skb the window takes whole goes out whole, one the window would split is split only when
// tcp_tso_should_defer says so (loss recovery, or the window open by at least a third of
// min(snd_wnd, cwnd): tcp_tso_win_divisor = 3), else the sender waits for the next ACK.
// Retransmissions go one segment at a time. Left out: the two-jiffy limit on a deferral (an ACK
// always comes sooner at these RTTs), and TSO autosizing by pacing rate (3.12+; at these rates it
// gives the full 64 KB).
// With TCP small queues (tcp.smallQueueBytes, net/tsq.ts) new data also waits while the driver
// holds the limit's worth of the stream's skbs; the tsq tasklet of the CPU that freed one, or the
// writer's release_sock when it owned the socket, sends again (tcpTsqTasklet, tcpTsqRelease).

import {
  CFG_START_JITTER, ST_DELIVERED, ST_TCP_FAST_RECOVERIES, GS_TX_ACKED_BYTES, GS_TX_ACKED_EARLY_BYTES,
  ST_TCP_RWND_SUM, ST_TCP_RWND_ACKS,
  ST_TCP_RTT_SUM, ST_TCP_RTT_SAMPLES,
} from "../../../src/abi/layout";
import { cfgU64 } from "../../config";
import { rngUniform } from "../../base/rng";
import { statInc, statAdd, guestStatAdd } from "../../stats";
import { eqNow } from "../../base/eventq";
import { pktFree, pkSeq, pkWin, pktUnits, pkSackLo, pkSackHi } from "../../packet";
import { flowGuest, flowRx, flowSender, NO_GUEST } from "../../flows";
import { timerArm, timerCancel, timerPending } from "../../kernel/timers";
import {
  sUna, sNxt, sHigh, sCwnd, sCwndCnt, sSsthresh, sDupacks, sRecover, sInRecovery, sRwnd, sSrtt, sRttvar,
  sRto, sBackoff, sRtoTimer, sSendTime, sRetx, sHighSack, sStarted, W, mss, rtoMin, dupThresh, sack,
  sendSegment, rtoCycles, sMeasuredFrom, sGso, sMaxWnd, gsoMaxSegs, sendGso,
} from "./common";
import { isSacked, sackMark, sackSend } from "./sack";
import { sWritten, hasWriter, tcpCheckSpace, sOwned } from "./sndbuf";
import { tsqLimit, tsqThrottle, tsqNext, tsqDeferred } from "../../net/tsq";

/** Starts external sender f at cycle 0: its first transmission waits on its RTO timer until a
 *  seeded start time (a guest's streams start when their writer threads first write, writer.ts). */
export function tcpStartRx(f: u32): void {
  let at = <u64>(rngUniform() * <f64>cfgU64(CFG_START_JITTER));
  // A sending guest starts from its own VCPU (a timer there), never from init.
  if (at == 0 && unchecked(flowSender[f]) != NO_GUEST) at = 1;
  if (at == 0) {
    unchecked((sStarted[f] = 1));
    senderPush(f);
  } else timerArm(unchecked(sRtoTimer[f]), at);
}

/** A guest TX flow's application starts writing (no writer threads: its data is always there). */
export function tcpTxFlowStart(f: u32): void {
  senderPush(f);
}

/** tcp_push: what flow f sends once its writer has queued data (in or out of loss recovery). */
export function tcpPush(f: u32): void {
  if (sack && unchecked(sInRecovery[f])) {
    sackSend(f);
    let t = unchecked(sRtoTimer[f]);
    if (!timerPending(t)) timerArm(t, eqNow + rtoCycles(f));
  } else senderPush(f);
}

/** tcp_tasklet_func on CPU v: each socket its list holds sends again (tcp_tsq_handler's
 *  tcp_write_xmit, as tcp_push does in or out of loss recovery), unless its writer owns it:
 *  then TCP_TSQ_DEFERRED leaves the send to the writer's release_sock. */
export function tcpTsqTasklet(v: u32): void {
  let f = tsqNext(v);
  while (f >= 0) {
    if (unchecked(sOwned[f])) unchecked((tsqDeferred[f] = 1));
    else tcpPush(<u32>f);
    f = tsqNext(v);
  }
}

/** Whether flow f has a TSQ send deferred to its writer's release_sock (TCP_TSQ_DEFERRED). */
export function tcpTsqDeferred(f: u32): bool {
  return tsqLimit > 0 && unchecked(tsqDeferred[f]) != 0;
}

/** tcp_release_cb when flow f's writer lets its socket go: a deferred TSQ send runs now, in the
 *  writer's context. Whether there was one. */
export function tcpTsqRelease(f: u32): bool {
  if (!tcpTsqDeferred(f)) return false;
  unchecked((tsqDeferred[f] = 0));
  tcpPush(f);
  return true;
}

/** Sends what the window and the write queue allow (tcp_write_xmit), arms the RTO. */
export function senderPush(f: u32): void {
  let una = unchecked(sUna[f]);
  let cwnd = unchecked(sCwnd[f]);
  let rwnd = unchecked(sRwnd[f]);
  let wnd = cwnd < rwnd ? cwnd : rwnd;
  let limit = una + wnd;
  // A guest's stream sends only what its writer has copied (write_seq); an external one has no end.
  let end = hasWriter(f) ? unchecked(sWritten[f]) : u32.MAX_VALUE;
  if (limit > end) limit = end;
  let nxt = unchecked(sNxt[f]);
  let gso = unchecked(sGso[f]) != 0;
  while (nxt < limit) {
    if (gso && nxt >= unchecked(sHigh[f])) {
      let n = gsoChunk(f, nxt, limit - nxt, wnd, end);
      if (n == 0) break; // tcp_tso_should_defer: wait for the window to open further
      if (tsqLimit > 0 && tsqThrottle(f)) break; // TCP small queues: wait for the driver (net/tsq.ts)
      if (n == 1) sendSegment(f, nxt, false);
      else sendGso(f, nxt, n);
      nxt += n;
      continue;
    }
    // New data waits while the driver holds the limit's worth of this stream's skbs (TSQ).
    if (tsqLimit > 0 && nxt >= unchecked(sHigh[f]) && tsqThrottle(f)) break;
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

/** tcp_xmit_size_goal of GSO flow f, segments: GSO_MAX_SIZE, at most half the largest window. */
export function gsoGoal(f: u32): u32 {
  let half = unchecked(sMaxWnd[f]) >> 1;
  let goal = gsoMaxSegs < half ? gsoMaxSegs : half;
  return goal < 1 ? 1 : goal;
}

/**
 * Segments tcp_write_xmit sends next at new segment `nxt` of GSO flow f with `avail` segments of
 * window and written data (`wnd` = min(cwnd, rwnd)); 0 when tcp_tso_should_defer holds the skb
 * back. The write queue's skbs hold `goal` segments each, from the stream's start; the one holding
 * nxt ends at the next multiple of goal (earlier splits leave its remainder at the queue's head),
 * or where the writer's data ends (`end`, write_seq).
 */
function gsoChunk(f: u32, nxt: u32, avail: u32, wnd: u32, end: u32): u32 {
  let goal = gsoGoal(f);
  let skb = goal - nxt % goal;
  if (skb > end - nxt) skb = end - nxt;
  // The window takes the whole skb (a full one, or a remainder in mid-queue): send it.
  if (avail >= skb) return skb;
  // Splitting: at once outside the Open state, or when the window is open by at least a third.
  if (unchecked(sInRecovery[f]) || avail * 3 >= wnd) return avail;
  return 0;
}

/** tcp_ack for the ACK packet p of flow f (frees p). */
/**
 * Enters loss recovery at snd_una `una`: ssthresh = max(flight / 2, 2), `recover` = snd_nxt (so
 * the same window is not entered twice), cwnd = ssthresh + `cwndExtra` (NewReno inflates by the
 * duplicate ACKs that left the network; SACK counts the pipe instead), and retransmits the first
 * hole at once (fast retransmit).
 */
// @ts-ignore: decorator
@inline function enterRecovery(f: u32, una: u32, cwndExtra: u32): void {
  statInc(ST_TCP_FAST_RECOVERIES);
  let flight = unchecked(sNxt[f]) - una;
  let ss = flight / 2;
  if (ss < 2) ss = 2;
  unchecked((sSsthresh[f] = ss));
  unchecked((sRecover[f] = unchecked(sNxt[f])));
  unchecked((sInRecovery[f] = 1));
  unchecked((sCwnd[f] = ss + cwndExtra));
  sendSegment(f, una, true);
}

export function tcpSenderOnAck(f: u32, p: u32): void {
  let ack = pkSeq(p);
  let win = pkWin(p);
  statAdd(ST_DELIVERED, pktUnits(p));
  pktFree(p);
  let sLo = pkSackLo(p);
  let sHi = pkSackHi(p);
  let una = unchecked(sUna[f]);
  let oldRwnd = unchecked(sRwnd[f]);
  unchecked((sRwnd[f] = win));
  if (win > unchecked(sMaxWnd[f])) unchecked((sMaxWnd[f] = win));
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
    let sender = !unchecked(flowRx[f]) ? unchecked(flowGuest[f]) : unchecked(flowSender[f]);
    if (sender != NO_GUEST) {
      // Goodput counts the data first sent after the warm-up; what was sent earlier and acked in
      // the measured interval is counted apart (a short interval could beat the line rate).
      let from = unchecked(sMeasuredFrom[f]);
      let early = ack < from ? acked : una < from ? from - una : 0;
      guestStatAdd(sender, GS_TX_ACKED_BYTES, <u64>acked * <u64>mss);
      guestStatAdd(sender, GS_TX_ACKED_EARLY_BYTES, <u64>early * <u64>mss);
    }
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
      enterRecovery(f, una, 0);
    } else if (d == dupThresh && una >= unchecked(sRecover[f])) {
      // Fast retransmit; NewReno's `recover` avoids re-entering for the same window.
      enterRecovery(f, una, dupThresh);
    }
  }
  // tcp_data_snd_check: push what the window now allows, then tcp_check_space (a writer asleep
  // on a full send buffer is woken once the acknowledged data freed a third of it).
  tcpPush(f);
  if (ack > una && hasWriter(f)) tcpCheckSpace(f);
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

/** Sender's congestion window, segments (time series). */
export function tcpCwnd(f: u32): u32 {
  return unchecked(sCwnd[f]);
}
/** Receive window the sender last heard from its peer, segments (time series). */
export function tcpRwnd(f: u32): u32 {
  return unchecked(sRwnd[f]);
}
