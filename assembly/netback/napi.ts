// netback's NAPI mode: the threading of Linux 3.12-3.14 xen-netback ("switch to NAPI + kthread
// 1:1 model"), one NAPI instance and one kernel thread per vif, with split event channels
// (sources.md C12, C13). This file: the vif's two interrupt handlers and its NAPI poll; the
// instances are registered with the TX half (tx.ts), the RX channel is bound with the RX half
// (rx.ts), the thread's wake-up is in common.ts, its loop in kthread.ts.
//
// Models:
//  - xenvif_tx_interrupt, the handler of the vif's TX channel (tx_irq), runs on the dom0 VCPU the
//    channel is bound to (evtchn.dispatch): if the TX ring holds unconsumed requests it
//    napi_schedules the vif's instance there, so the guest-TX work runs in that VCPU's NET_RX
//    softirq, within its netdev_budget;
//  - xenvif_poll (weight XENVIF_NAPI_WEIGHT = 64): xenvif_tx_action(vif, budget) builds at most
//    `budget` skbs (tx.ts), grant-copies them in one batch and hands each to netif_receive_skb in
//    the poll (bridge and NIC xmit included). A poll that used its whole quota stays scheduled
//    (list tail); one that did less runs RING_FINAL_CHECK_FOR_REQUESTS on the TX ring: with no
//    new requests it completes (__napi_complete; req_event is now armed, so the next request
//    raises the TX interrupt again), with new ones it stays scheduled at the head of the poll
//    list and is polled again next (kernel/napi.ts);
//  - xenvif_rx_interrupt, the handler of the vif's RX channel (rx_irq, bound like the TX one):
//    netfront posted RX requests, so a stopped vif queue is woken when the ring has room again
//    (netif_wake_queue; the qdisc then hands its packets to xenvif_start_xmit on this VCPU). It
//    does not wake the thread: every skb on the vif's rx_queue already has its requests reserved;
//  - a poll on a VCPU other than the vif's previous poll finds the vif's TX state in that
//    VCPU's cache (kernel.netbackStateCacheLines lines, P1), as a group's tasklet does.
// Left out: the non-split channel of a frontend without feature-split-event-channels
// (xenvif_interrupt), the vif's "disabled" (rogue frontend) state, credit shaping, 3.15+'s
// grant mapping of TX requests with its dealloc thread (this mode copies, netback.txGrantCopy).

import { COMP_SOFTIRQ, COST_NAPI_POLL, ST_FINAL_CHECK_REPOLLS, ST_NAPI_POLLS_DOM0 } from "../../src/abi/layout";
import { costCycles } from "../config";
import { statInc } from "../stats";
import { charge } from "../cpu/account";
import { napiSchedule } from "../kernel/napi";
import { txRingOf, ringUnconsumedRequests, ringFinalCheckRequests } from "../xen/ring";
import { vifGroup, stateFromOtherCpu } from "./common";
import { netbackTxStart, netbackTxFinish, txScheduleVif, vifNapi, vifPollVcpu, NO_VCPU } from "./tx";
import { maybeWake } from "./rx";

/** xenvif_tx_interrupt on dom0 VCPU v (end of the upcall). */
export function netbackTxIrq(v: u32, vif: u32): void {
  if (ringUnconsumedRequests(txRingOf(vif)) > 0) napiSchedule(unchecked(vifNapi[vif]), v);
}

/** xenvif_rx_interrupt on dom0 VCPU v (end of the upcall): wake a stopped queue that has room. */
export function netbackRxIrq(v: u32, vif: u32): void {
  maybeWake(v, vif);
}

/** xenvif_poll on v with `quota` (min of the weight and the budget left): the first half of
 *  xenvif_tx_action. Returns the skbs it takes. */
export function netbackPollStart(v: u32, vif: u32, quota: u32): u32 {
  statInc(ST_NAPI_POLLS_DOM0);
  charge(COMP_SOFTIRQ, costCycles(COST_NAPI_POLL));
  let last = unchecked(vifPollVcpu[vif]);
  if (last != NO_VCPU && last != v) stateFromOtherCpu();
  unchecked((vifPollVcpu[vif] = v));
  txScheduleVif(vif);
  return netbackTxStart(v, unchecked(vifGroup[vif]), quota);
}

/** The poll's end on v: xenvif_tx_submit's effects, then complete or stay scheduled. */
export function netbackPollFinish(v: u32, vif: u32, work: u32, exhausted: bool): bool {
  netbackTxFinish(v, unchecked(vifGroup[vif]));
  if (exhausted) return false;
  // local_irq_save; RING_FINAL_CHECK_FOR_REQUESTS; __napi_complete unless more came in.
  if (ringFinalCheckRequests(txRingOf(vif))) {
    statInc(ST_FINAL_CHECK_REPOLLS);
    return false;
  }
  return true;
}
