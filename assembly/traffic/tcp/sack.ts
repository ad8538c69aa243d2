// TCP SACK loss recovery (RFC 2018 blocks, RFC 6675 pipe, FACK loss marking as Linux 2.6 does
// it; see common.ts for the flow model): the sender's scoreboard of SACKed segments, lost-
// retransmit detection, and what to send while in recovery.
// Left out: D-SACK, SACK reneging, rate halving.

import { tsqLimit, tsqThrottle } from "../../net/tsq";
import { sUna, sNxt, sHigh, sCwnd, sRwnd, sRetx, sSacked, sHighSack, sRetxNxt, W, sendSegment } from "./common";
import { sWritten, hasWriter } from "./sndbuf";

// @ts-ignore: decorator
@inline export function isSacked(f: u32, seq: u32): bool {
  return unchecked(sSacked[f * W + (seq & (W - 1))]) == seq + 1;
}

/** Records the SACK block [lo, hi) of an ACK in the scoreboard (only segments above `una`). */
export function sackMark(f: u32, una: u32, lo: u32, hi: u32): void {
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
export function sackSend(f: u32): void {
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
      // New data within the receiver's window, and (a guest's stream) as far as its writer wrote.
      if (nxt >= una + rwnd || (hasWriter(f) && nxt >= unchecked(sWritten[f]))) break;
      // TCP small queues (net/tsq.ts): tcp_write_xmit's test before new data.
      if (tsqLimit > 0 && nxt >= unchecked(sHigh[f]) && tsqThrottle(f)) break;
      sendSegment(f, nxt, nxt < unchecked(sHigh[f]));
      nxt++;
      unchecked((sNxt[f] = nxt));
      if (nxt > unchecked(sHigh[f])) unchecked((sHigh[f] = nxt));
    }
    pipe++;
  }
}
