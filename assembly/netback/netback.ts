// netback: dom0's half of the split network driver, as classic Xen ships it and as the
// multi-group variant generalises it.
//
// Models (linux-2.6.18-xen drivers/xen/netback/netback.c; pvops 2.6.32 multi-group netback;
// sources.md B1-B14, C1-C4, C9):
//  - G netback groups (G = 1 is stock Xen: ONE net_rx_tasklet and ONE net_tx_tasklet for all
//    vifs). Each group has its own rx_queue, pending ring (MAX_PENDING_REQS = 256), dealloc
//    list and bottom halves; each vif belongs to one group (assignment done by the host).
//  - Bottom halves run as tasklets (on the VCPU that scheduled them) or as one kernel thread
//    per group bound to a dom0 VCPU (netback_kthread=1), woken by an IPI from other VCPUs.
//  - start_xmit (netif_be_start_xmit): reserves RX request slots (rx_req_cons_peek), queues the
//    skb on the group's rx_queue, schedules the RX bottom half on the current VCPU; when fewer
//    than MAX_SKB_FRAGS+2 requests remain it stops the vif queue and sets req_event so netfront
//    notifies when it refills (packets then wait in the vif qdisc, tx_queue_len 32, and are
//    dropped beyond it); a frontend that cannot queue gets drops instead (B7, B14).
//  - net_rx_action: dequeues until count + MAX_SKB_FRAGS >= NET_RX_RING_SIZE (<= 238 MTU
//    frames, B2), one grant-copy op per frame in ONE multicall hypercall (B3, B4), then a
//    response per frame with RING_PUSH_RESPONSES_AND_CHECK_NOTIFY and at most one event per vif
//    per run (B5); reschedules itself while rx_queue is non-empty (B6).
//  - net_tx_action: first net_tx_action_dealloc (batched grant UNMAP + make_tx_response with
//    push-and-check-notify per response, B10, B11), then round-robin over the schedule list one
//    request per vif per turn while NR_PENDING_REQS + MAX_SKB_FRAGS < MAX_PENDING_REQS, with
//    RING_FINAL_CHECK_FOR_REQUESTS, one batched grant MAP hypercall, a 64-byte header copy and
//    netif_rx into the dom0 backlog (B8-B10). Freed NIC TX skbs return their pending slot through
//    netif_idx_release -> dealloc list -> TX bottom half on the freeing VCPU.
//  - netif_be_int: the vif joins the schedule list, maybe_schedule_tx_action (only while
//    pending < MAX_PENDING_REQS/2, B9), and the vif queue is woken if requests are available.
//  - Optional notification coalescing toward netfront (the paper's "lower event frequency"):
//    a response (RX or TX: one event channel per vif) whose push asks for a notification owes
//    one; it is sent once `count` responses were pushed since the last notification, or when a
//    `time` timer expires.
// Left out: page flipping (rx-copy only), GSO/multi-slot packets (every frame takes one slot),
// credit-based rate limiting (default unlimited, B13), the 500 ms queue-restart timer (netfront
// here always refills, which wakes the queue), smart-poll.

import {
  CFG_NETBACK_GROUPS, CFG_GUESTS, CFG_OFF_VIF_GROUP, CFG_OFF_GROUP_VCPU, CFG_NETBACK_MODE,
  CFG_NETBACK_QUEUE_LEN, CFG_NETBACK_CAN_QUEUE, CFG_NETBACK_SG, CFG_COALESCE_COUNT,
  CFG_COALESCE_TIME, CFG_OFF_VIF_VCPU,
  COMP_NETBACK, COMP_XEN, COMP_GRANT, COMP_SOFTIRQ,
  COST_TASKLET_RUN, COST_HYPERCALL, COST_GRANT_COPY_OP, COST_GRANT_COPY_PER_BYTE, COST_NB_RX_PKT,
  COST_GRANT_MAP_OP, COST_GRANT_UNMAP_OP, COST_NB_TX_PKT, COST_NB_TX_RESPONSE, COST_NB_START_XMIT,
  COST_KTHREAD_WAKE,
  ST_DROP_VIF_QDISC, ST_DROP_NETBACK_NO_SLOT, ST_VIF_QUEUE_STOPS, ST_HYPERCALLS, ST_GRANT_COPY_OPS,
  ST_GRANT_MAP_OPS, ST_GRANT_UNMAP_OPS, ST_NB_RX_RUNS, ST_NB_TX_RUNS, ST_NB_RX_PKTS, ST_NB_TX_PKTS,
  ST_NOTIFY_NB_RX, ST_NOTIFY_NB_RX_SUPPRESSED, ST_NOTIFY_NB_TX, ST_NOTIFY_NB_TX_SUPPRESSED,
  ST_KTHREAD_WAKEUPS, ST_COALESCE_TIMER_FIRES,
} from "../../src/abi/layout";
import { cfgU32, cfgU64, cfgTable, cost } from "../config";
import { NETBACK_MODE_KTHREAD } from "../../src/abi/enums";
import { statInc, statAdd } from "../stats";
import { eqNow } from "../sim/eventq";
import { fifoNew, fifoLen, fifoPush, fifoPop, fifoFull, fifoAt } from "../sim/fifo";
import { pAux, pWire, pktDrop, pktUnits, PKT_NONE } from "../packet";
import { charge, chargeLate, outboxAdd, threadQueue, setInvariantError } from "../cpu/vcpu";
import { taskletSchedule, rxTasklet, txTasklet } from "../kernel/tasklet";
import { kthreadId } from "../kernel/threads";
import { timerNew, timerArm, timerCancel, timerPending, TM_NB_COALESCE } from "../kernel/timers";
import { nfPort, ipiPort } from "../xen/evtchn";
import {
  RING_SIZE, reqProd, reqCons, rspProdPvt, reqEvent, ringSlotSet, ringSlotGet, ringPushResponses,
  ringUnconsumedRequests, ringFinalCheckRequests,
} from "../xen/ring";
import { backlogEnqueue } from "../dom0/bridge";
import { pktGuest } from "../traffic/external";

/** MAX_SKB_FRAGS on 4 KiB pages (sources.md A7). */
const MAX_SKB_FRAGS: u32 = 18;
/** MAX_PENDING_REQS (B8). */
const MAX_PENDING_REQS: u32 = 256;
/** Frame bytes a grant copy moves: wire bytes less preamble/SFD, IFG and FCS. */
const WIRE_NOT_COPIED: u32 = 24;
const NO_TIMER: u32 = 0xffffffff;

export let nGroups: u32 = 1;
let nVifs: u32 = 0;
let kthreadMode: bool = false;
let canQueue: bool = true;
let slotsNeeded: u32 = 20;
let coalesceCount: u32 = 1;
let coalesceTime: u64 = 0;
let coalescing: bool = false;

// per group
let gRxQueue = new StaticArray<i32>(0);
let gRxBatch = new StaticArray<i32>(0);
let gNotify = new StaticArray<i32>(0);
let gSched = new StaticArray<i32>(0);
let gDealloc = new StaticArray<i32>(0);
let gDeallocBatch = new StaticArray<i32>(0);
let gTxBatch = new StaticArray<i32>(0);
let gPendingFree = new StaticArray<i32>(0);
let gPendingCount = new StaticArray<u32>(0);
let gPendingVif = new StaticArray<u32>(0); // [grp * 256 + idx]
let gKtVcpu = new StaticArray<u32>(0);
let gKtJob = new StaticArray<u8>(0);
let gKtIpiWanted = new StaticArray<u8>(0);

// per vif
export let vifGroup = new StaticArray<u32>(0);
let vifStopped = new StaticArray<u8>(0);
let vifQdisc = new StaticArray<i32>(0);
let vifPeek = new StaticArray<u32>(0); // rx_req_cons_peek
let vifOnSched = new StaticArray<u8>(0);
let vifRxNotify = new StaticArray<u8>(0);
let vifOwed = new StaticArray<u8>(0); // coalescing: a notification is owed
let vifSince = new StaticArray<u32>(0); // coalescing: responses since the last notification
let vifTimer = new StaticArray<u32>(0);

// @ts-ignore: decorator
@inline export function txRingOf(vif: u32): u32 {
  return vif << 1;
}
// @ts-ignore: decorator
@inline export function rxRingOf(vif: u32): u32 {
  return (vif << 1) | 1;
}

export function netbackInit(): void {
  nGroups = cfgU32(CFG_NETBACK_GROUPS);
  nVifs = cfgU32(CFG_GUESTS);
  kthreadMode = cfgU32(CFG_NETBACK_MODE) == NETBACK_MODE_KTHREAD;
  canQueue = cfgU32(CFG_NETBACK_CAN_QUEUE) == 1;
  // A stopped vif wakes when a maximal skb fits: MAX_SKB_FRAGS + 2 requests with SG, else 1.
  slotsNeeded = cfgU32(CFG_NETBACK_SG) == 1 ? MAX_SKB_FRAGS + 2 : 1;
  coalesceCount = cfgU32(CFG_COALESCE_COUNT);
  coalesceTime = cfgU64(CFG_COALESCE_TIME);
  coalescing = coalesceCount > 1 || coalesceTime > 0;
  let G = <i32>nGroups;
  let N = <i32>nVifs;
  vifGroup = new StaticArray<u32>(N);
  let perGroup = new StaticArray<u32>(G);
  for (let i = 0; i < N; i++) {
    let g = <u32>cfgTable(CFG_OFF_VIF_GROUP, i);
    unchecked((vifGroup[i] = g));
    unchecked((perGroup[g] = unchecked(perGroup[g]) + 1));
  }
  gRxQueue = new StaticArray<i32>(G);
  gRxBatch = new StaticArray<i32>(G);
  gNotify = new StaticArray<i32>(G);
  gSched = new StaticArray<i32>(G);
  gDealloc = new StaticArray<i32>(G);
  gDeallocBatch = new StaticArray<i32>(G);
  gTxBatch = new StaticArray<i32>(G);
  gPendingFree = new StaticArray<i32>(G);
  gPendingCount = new StaticArray<u32>(G);
  gPendingVif = new StaticArray<u32>(G * <i32>MAX_PENDING_REQS);
  gKtVcpu = new StaticArray<u32>(G);
  gKtJob = new StaticArray<u8>(G);
  gKtIpiWanted = new StaticArray<u8>(G);
  for (let g = 0; g < G; g++) {
    let vifs = unchecked(perGroup[g]);
    let m = vifs > 0 ? vifs : 1;
    // At most RING_SIZE reserved requests per vif can be queued at once.
    unchecked((gRxQueue[g] = fifoNew(m * RING_SIZE)));
    unchecked((gRxBatch[g] = fifoNew(RING_SIZE)));
    unchecked((gNotify[g] = fifoNew(m)));
    unchecked((gSched[g] = fifoNew(m)));
    unchecked((gDealloc[g] = fifoNew(MAX_PENDING_REQS)));
    unchecked((gDeallocBatch[g] = fifoNew(MAX_PENDING_REQS)));
    unchecked((gTxBatch[g] = fifoNew(MAX_PENDING_REQS)));
    let fr = fifoNew(MAX_PENDING_REQS);
    unchecked((gPendingFree[g] = fr));
    for (let i: u32 = 0; i < MAX_PENDING_REQS; i++) fifoPush(fr, i);
    unchecked((gKtVcpu[g] = <u32>cfgTable(CFG_OFF_GROUP_VCPU, g)));
  }
  let qlen = cfgU32(CFG_NETBACK_QUEUE_LEN);
  vifStopped = new StaticArray<u8>(N);
  vifQdisc = new StaticArray<i32>(N);
  vifPeek = new StaticArray<u32>(N);
  vifOnSched = new StaticArray<u8>(N);
  vifRxNotify = new StaticArray<u8>(N);
  vifOwed = new StaticArray<u8>(N);
  vifSince = new StaticArray<u32>(N);
  vifTimer = new StaticArray<u32>(N);
  for (let i = 0; i < N; i++) {
    unchecked((vifQdisc[i] = fifoNew(qlen > 0 ? qlen : 1)));
    unchecked((vifTimer[i] = coalesceTime > 0 ? timerNew(TM_NB_COALESCE, <u32>i, <u32>cfgTable(CFG_OFF_VIF_VCPU, i)) : NO_TIMER));
  }
}

// ---- bottom-half scheduling ------------------------------------------------------------------------

function scheduleRx(v: u32, grp: u32): void {
  if (kthreadMode) kthreadWake(v, grp);
  else taskletSchedule(rxTasklet(grp), v);
}

function scheduleTx(v: u32, grp: u32): void {
  if (kthreadMode) kthreadWake(v, grp);
  else taskletSchedule(txTasklet(grp), v);
}

/** wake_up(&netbk->wq) from VCPU v: direct if the kthread lives here, else a reschedule IPI. */
function kthreadWake(v: u32, grp: u32): void {
  let kv = unchecked(gKtVcpu[grp]);
  if (kv == v) {
    threadQueue(v, kthreadId(grp));
    return;
  }
  if (unchecked(gKtIpiWanted[grp])) return;
  unchecked((gKtIpiWanted[grp] = 1));
  statInc(ST_KTHREAD_WAKEUPS);
  chargeLate(v, COMP_NETBACK, <u64>cost(COST_KTHREAD_WAKE));
  outboxAdd(v, ipiPort(kv));
}

/** Reschedule-IPI handler on dom0 VCPU v: make woken kthreads bound here runnable. */
export function netbackIpi(v: u32): void {
  for (let g: u32 = 0; g < nGroups; g++) {
    if (unchecked(gKtVcpu[g]) == v && unchecked(gKtIpiWanted[g])) {
      unchecked((gKtIpiWanted[g] = 0));
      threadQueue(v, kthreadId(g));
    }
  }
}

function txWorkAvailable(grp: u32): bool {
  return fifoLen(unchecked(gDealloc[grp])) > 0 ||
    (fifoLen(unchecked(gSched[grp])) > 0 && unchecked(gPendingCount[grp]) + MAX_SKB_FRAGS < MAX_PENDING_REQS);
}

export function netbackKthreadHasWork(grp: u32): bool {
  return fifoLen(unchecked(gRxQueue[grp])) > 0 || txWorkAvailable(grp);
}

/** One turn of the netback/<g> kthread loop: the RX action if RX work is queued, else TX. */
export function netbackKthreadStart(v: u32, grp: u32): bool {
  if (fifoLen(unchecked(gRxQueue[grp])) > 0) {
    unchecked((gKtJob[grp] = 0));
    netbackRxStart(v, grp);
    return true;
  }
  if (txWorkAvailable(grp)) {
    unchecked((gKtJob[grp] = 1));
    netbackTxStart(v, grp);
    return true;
  }
  return false;
}

export function netbackKthreadFinish(v: u32, grp: u32): void {
  if (unchecked(gKtJob[grp]) == 0) netbackRxFinish(v, grp);
  else netbackTxFinish(v, grp);
}

// ---- guest RX: start_xmit and net_rx_action ---------------------------------------------------------

/** netbk_queue_full: fewer free RX requests than one maximal packet needs. */
function queueFull(vif: u32): bool {
  let r = rxRingOf(vif);
  let peek = unchecked(vifPeek[vif]);
  return unchecked(reqProd[r]) - peek < slotsNeeded || unchecked(rspProdPvt[r]) + RING_SIZE - peek < slotsNeeded;
}

/** dev_queue_xmit(vif dev) from the bridge on VCPU v: qdisc while stopped, else start_xmit. */
export function netbackStartXmit(v: u32, vif: u32, p: u32): void {
  let qd = unchecked(vifQdisc[vif]);
  if (unchecked(vifStopped[vif]) || fifoLen(qd) > 0) {
    if (fifoFull(qd)) {
      releaseGuestPage(v, p);
      pktDrop(ST_DROP_VIF_QDISC, p);
      return;
    }
    fifoPush(qd, p);
    return;
  }
  startXmitOne(v, vif, p);
}

/** netif_be_start_xmit. */
function startXmitOne(v: u32, vif: u32, p: u32): void {
  let r = rxRingOf(vif);
  if (!canQueue && queueFull(vif)) {
    releaseGuestPage(v, p);
    pktDrop(ST_DROP_NETBACK_NO_SLOT, p);
    return;
  }
  if (unchecked(reqProd[r]) == unchecked(vifPeek[vif])) {
    // No request at all is posted: even a queueing frontend cannot take this packet.
    releaseGuestPage(v, p);
    pktDrop(ST_DROP_NETBACK_NO_SLOT, p);
    return;
  }
  unchecked((vifPeek[vif] = unchecked(vifPeek[vif]) + 1));
  let grp = unchecked(vifGroup[vif]);
  fifoPush(unchecked(gRxQueue[grp]), p);
  scheduleRx(v, grp);
  if (canQueue && queueFull(vif)) {
    unchecked((vifStopped[vif] = 1));
    statInc(ST_VIF_QUEUE_STOPS);
    // Ask netfront to notify once enough requests are posted again.
    unchecked((reqEvent[r] = unchecked(vifPeek[vif]) + slotsNeeded));
  }
}

/** netif_wake_queue when requests are available again: drain the qdisc into start_xmit. */
function maybeWake(v: u32, vif: u32): void {
  if (!unchecked(vifStopped[vif]) || queueFull(vif)) return;
  unchecked((vifStopped[vif] = 0));
  let qd = unchecked(vifQdisc[vif]);
  let moved: u32 = 0;
  while (fifoLen(qd) > 0 && !unchecked(vifStopped[vif])) {
    startXmitOne(v, vif, fifoPop(qd));
    moved++;
  }
  if (moved > 0) chargeLate(v, COMP_NETBACK, <u64>(cost(COST_NB_START_XMIT) * <f64>moved));
}

/** net_rx_action, first half: take the batch, build the copy ops, issue the multicall. */
export function netbackRxStart(v: u32, grp: u32): void {
  charge(COMP_SOFTIRQ, <u64>cost(COST_TASKLET_RUN));
  statInc(ST_NB_RX_RUNS);
  let q = unchecked(gRxQueue[grp]);
  let batch = unchecked(gRxBatch[grp]);
  let n: u32 = 0;
  let bytes: u64 = 0;
  while (n + MAX_SKB_FRAGS < RING_SIZE && fifoLen(q) > 0) {
    let p = fifoPop(q);
    let vif = pktGuest(p);
    let r = rxRingOf(vif);
    if (unchecked(reqCons[r]) == unchecked(reqProd[r])) {
      setInvariantError(1); // start_xmit reserved a request that is not there
      pktDrop(ST_DROP_NETBACK_NO_SLOT, p);
      continue;
    }
    unchecked((reqCons[r] = unchecked(reqCons[r]) + 1));
    fifoPush(batch, p);
    bytes += <u64>(unchecked(pWire[p]) - WIRE_NOT_COPIED);
    n++;
  }
  if (n == 0) return;
  statInc(ST_HYPERCALLS);
  statAdd(ST_GRANT_COPY_OPS, n);
  statAdd(ST_NB_RX_PKTS, n);
  charge(COMP_XEN, <u64>cost(COST_HYPERCALL));
  charge(COMP_GRANT, <u64>(cost(COST_GRANT_COPY_OP) * <f64>n + cost(COST_GRANT_COPY_PER_BYTE) * <f64>bytes));
  charge(COMP_NETBACK, <u64>(cost(COST_NB_RX_PKT) * <f64>n));
}

/** A packet from another guest's TX ring still holds that guest's page (mapped by net_tx_action):
 *  freeing its skb, after the copy into this guest or on a drop, releases the pending slot. */
// @ts-ignore: decorator
@inline function releaseGuestPage(v: u32, p: u32): void {
  let aux = unchecked(pAux[p]);
  if (aux != PKT_NONE) {
    unchecked((pAux[p] = PKT_NONE));
    netbackTxRelease(v, aux);
  }
}

/** net_rx_action, second half: responses, notifications, queue wake-ups, self-reschedule. */
export function netbackRxFinish(v: u32, grp: u32): void {
  let batch = unchecked(gRxBatch[grp]);
  let notify = unchecked(gNotify[grp]);
  let n = fifoLen(batch);
  for (let i: u32 = 0; i < n; i++) {
    let p = fifoPop(batch);
    releaseGuestPage(v, p);
    let vif = pktGuest(p);
    let r = rxRingOf(vif);
    let idx = unchecked(rspProdPvt[r]);
    ringSlotSet(r, idx, p);
    unchecked((rspProdPvt[r] = idx + 1));
    let want = ringPushResponses(r);
    // A produced response frees ring space a stopped queue may be waiting for.
    if (unchecked(vifStopped[vif])) maybeWake(v, vif);
    if (coalescing) {
      if (!coalesceDue(vif, want)) {
        statInc(ST_NOTIFY_NB_RX_SUPPRESSED);
        continue;
      }
      want = true;
    }
    if (!want) {
      statInc(ST_NOTIFY_NB_RX_SUPPRESSED);
      continue;
    }
    if (!unchecked(vifRxNotify[vif])) {
      unchecked((vifRxNotify[vif] = 1));
      fifoPush(notify, vif);
    } else {
      statInc(ST_NOTIFY_NB_RX_SUPPRESSED); // at most one event per vif per run
    }
  }
  let m = fifoLen(notify);
  for (let i: u32 = 0; i < m; i++) {
    let vif = fifoPop(notify);
    unchecked((vifRxNotify[vif] = 0));
    sendRxNotify(v, vif);
  }
  if (fifoLen(unchecked(gRxQueue[grp])) > 0) scheduleRx(v, grp);
}

/** Notification coalescing toward netfront (the paper's lower netback event frequency). The
 *  vif's one event channel serves both rings, so RX and TX responses share the count: a push
 *  that asks for a notification leaves one owed; it is sent once `count` responses went out
 *  since the last one, or when the timer armed at the first held response expires. */
function coalesceDue(vif: u32, want: bool): bool {
  if (want) unchecked((vifOwed[vif] = 1));
  unchecked((vifSince[vif] = unchecked(vifSince[vif]) + 1));
  if (!unchecked(vifOwed[vif])) return false;
  if (unchecked(vifSince[vif]) < coalesceCount) {
    let t = unchecked(vifTimer[vif]);
    if (t != NO_TIMER && !timerPending(t)) timerArm(t, eqNow + coalesceTime);
    return false;
  }
  return true;
}

function coalesceReset(vif: u32): void {
  unchecked((vifOwed[vif] = 0));
  unchecked((vifSince[vif] = 0));
  let t = unchecked(vifTimer[vif]);
  if (t != NO_TIMER) timerCancel(t);
}

function sendRxNotify(v: u32, vif: u32): void {
  statInc(ST_NOTIFY_NB_RX);
  outboxAdd(v, nfPort(vif));
  if (coalescing) coalesceReset(vif);
}

/** Coalescing timer of `vif` expired (TIMER softirq on the vif's dom0 VCPU). */
export function netbackCoalesceTimerFinish(v: u32, vif: u32): void {
  if (!unchecked(vifOwed[vif])) return;
  statInc(ST_COALESCE_TIMER_FIRES);
  sendRxNotify(v, vif);
}

// ---- guest TX: netif_be_int, net_tx_action, dealloc ---------------------------------------------------

/** netif_be_int on dom0 VCPU v (end of upcall). */
export function netbackInterrupt(v: u32, vif: u32): void {
  let grp = unchecked(vifGroup[vif]);
  if (!unchecked(vifOnSched[vif])) {
    unchecked((vifOnSched[vif] = 1));
    fifoPush(unchecked(gSched[grp]), vif);
  }
  maybeScheduleTx(v, grp);
  maybeWake(v, vif);
}

function maybeScheduleTx(v: u32, grp: u32): void {
  if (unchecked(gPendingCount[grp]) < MAX_PENDING_REQS / 2 && fifoLen(unchecked(gSched[grp])) > 0) scheduleTx(v, grp);
}

/** netif_idx_release from VCPU v: a NIC TX skb was freed; its pending slot goes to dealloc. */
export function netbackTxRelease(v: u32, aux: u32): void {
  let grp = aux >> 16;
  fifoPush(unchecked(gDealloc[grp]), (aux & 0xffff));
  scheduleTx(v, grp);
}

/** net_tx_action, first half: dealloc batch and the requests to map, with their hypercalls. */
export function netbackTxStart(v: u32, grp: u32): void {
  charge(COMP_SOFTIRQ, <u64>cost(COST_TASKLET_RUN));
  statInc(ST_NB_TX_RUNS);
  let dq = unchecked(gDealloc[grp]);
  let db = unchecked(gDeallocBatch[grp]);
  let d = fifoLen(dq);
  for (let i: u32 = 0; i < d; i++) fifoPush(db, fifoPop(dq));
  if (d > 0) {
    statInc(ST_HYPERCALLS);
    statAdd(ST_GRANT_UNMAP_OPS, d);
    charge(COMP_XEN, <u64>cost(COST_HYPERCALL));
    charge(COMP_GRANT, <u64>(cost(COST_GRANT_UNMAP_OP) * <f64>d));
    charge(COMP_NETBACK, <u64>(cost(COST_NB_TX_RESPONSE) * <f64>d));
  }
  let sched = unchecked(gSched[grp]);
  let free = unchecked(gPendingFree[grp]);
  let tb = unchecked(gTxBatch[grp]);
  let m: u32 = 0;
  while (unchecked(gPendingCount[grp]) + MAX_SKB_FRAGS < MAX_PENDING_REQS && fifoLen(sched) > 0) {
    let vif = fifoPop(sched);
    unchecked((vifOnSched[vif] = 0));
    let r = txRingOf(vif);
    if (!ringFinalCheckRequests(r)) continue;
    let rc = unchecked(reqCons[r]);
    let p = ringSlotGet(r, rc);
    unchecked((reqCons[r] = rc + 1));
    let idx = fifoPop(free);
    unchecked((gPendingVif[(grp << 8) + idx] = vif));
    unchecked((gPendingCount[grp] = unchecked(gPendingCount[grp]) + 1));
    unchecked((pAux[p] = (grp << 16) | idx));
    fifoPush(tb, p);
    m++;
    // netif_schedule_work: back on the list tail while it has more requests.
    if (ringFinalCheckRequests(r)) {
      unchecked((vifOnSched[vif] = 1));
      fifoPush(sched, vif);
    }
  }
  if (m > 0) {
    statInc(ST_HYPERCALLS);
    statAdd(ST_GRANT_MAP_OPS, m);
    statAdd(ST_NB_TX_PKTS, m);
    charge(COMP_XEN, <u64>cost(COST_HYPERCALL));
    charge(COMP_GRANT, <u64>(cost(COST_GRANT_MAP_OP) * <f64>m));
    charge(COMP_NETBACK, <u64>(cost(COST_NB_TX_PKT) * <f64>m));
  }
}

/** net_tx_action, second half: TX responses (+notify), mapped packets to netif_rx. */
export function netbackTxFinish(v: u32, grp: u32): void {
  let db = unchecked(gDeallocBatch[grp]);
  let free = unchecked(gPendingFree[grp]);
  let d = fifoLen(db);
  for (let i: u32 = 0; i < d; i++) {
    let idx = fifoPop(db);
    let vif = unchecked(gPendingVif[(grp << 8) + idx]);
    fifoPush(free, idx);
    unchecked((gPendingCount[grp] = unchecked(gPendingCount[grp]) - 1));
    let r = txRingOf(vif);
    unchecked((rspProdPvt[r] = unchecked(rspProdPvt[r]) + 1));
    let want = ringPushResponses(r);
    if (coalescing) want = coalesceDue(vif, want);
    if (want) {
      statInc(ST_NOTIFY_NB_TX);
      outboxAdd(v, nfPort(vif));
      if (coalescing) coalesceReset(vif);
    } else statInc(ST_NOTIFY_NB_TX_SUPPRESSED);
  }
  let tb = unchecked(gTxBatch[grp]);
  let m = fifoLen(tb);
  for (let i: u32 = 0; i < m; i++) backlogEnqueue(v, fifoPop(tb));
  // Slots freed by the dealloc may let more requests in.
  if (d > 0) maybeScheduleTx(v, grp);
}

/** Packets netback holds (queues, batches in progress) for the conservation check. */
export function netbackHeldUnits(): u64 {
  let s: u64 = 0;
  for (let g: u32 = 0; g < nGroups; g++) {
    s += sumUnits(unchecked(gRxQueue[g]));
    s += sumUnits(unchecked(gRxBatch[g]));
    s += sumUnits(unchecked(gTxBatch[g]));
  }
  for (let i: u32 = 0; i < nVifs; i++) s += sumUnits(unchecked(vifQdisc[i]));
  return s;
}

function sumUnits(q: i32): u64 {
  let s: u64 = 0;
  let n = fifoLen(q);
  for (let i: u32 = 0; i < n; i++) s += pktUnits(fifoAt(q, i));
  return s;
}

/** Pending TX requests in group grp (tests). */
export function netbackPendingCount(grp: u32): u32 {
  return unchecked(gPendingCount[grp]);
}

/** Whether the vif queue is stopped (tests). */
export function netbackVifStopped(vif: u32): bool {
  return unchecked(vifStopped[vif]) != 0;
}

/** Packets waiting in the vif's qdisc (tx_queue_len queue in front of netback), for time series. */
export function netbackVifQueueLen(vif: u32): u32 {
  return fifoLen(unchecked(vifQdisc[vif]));
}
