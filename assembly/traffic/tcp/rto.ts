// TCP retransmission timeout (RFC 6298 with Linux's back-off; see common.ts for the flow
// model): go-back-N with ssthresh = flight/2 and cwnd = 1, exponential back-off up to 2^10,
// zero-window probes (persist) when nothing is in flight and the window is closed. An external
// sender's first transmission also waits on this timer, until its seeded start time, and so does
// the first write of a guest's stream to another guest (its writer, writer.ts).

import { ST_TCP_RTOS } from "../../../src/abi/layout";
import { statInc } from "../../stats";
import { eqNow } from "../../base/eventq";
import { flowRx } from "../../flows";
import { timerArm, timerCancel } from "../../kernel/timers";
import {
  sUna, sNxt, sHigh, sCwnd, sCwndCnt, sSsthresh, sDupacks, sRecover, sInRecovery, sRwnd, sBackoff, sRtoTimer,
  sStarted, sendSegment, rtoCycles,
} from "./common";
import { senderPush } from "./sender";
import { sWritten, hasWriter } from "./sndbuf";
import { writerWake } from "./writer";

/** Retransmission timeout of flow f (or a zero-window probe). */
export function tcpOnRto(f: u32): void {
  if (unchecked(flowRx[f]) && !unchecked(sStarted[f])) {
    unchecked((sStarted[f] = 1));
    // A guest's stream to another guest starts when its writer first writes.
    if (hasWriter(f)) writerWake(f);
    else senderPush(f);
    return;
  }
  let una = unchecked(sUna[f]);
  if (unchecked(sNxt[f]) == una) {
    // A zero-window probe carries the next segment written (a guest writer may have none yet).
    if (unchecked(sRwnd[f]) == 0 && !(hasWriter(f) && una >= unchecked(sWritten[f]))) {
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
