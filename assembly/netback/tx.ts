// netback, guest-TX half: netif_be_int, net_tx_action and the dealloc path (see common.ts for
// the groups and bottom halves).
//
// Models (sources.md B8-B11):
//  - netif_be_int: the vif joins the schedule list, maybe_schedule_tx_action (only while
//    pending < MAX_PENDING_REQS/2, B9), and the vif queue is woken if requests are available.
//  - net_tx_action: first net_tx_action_dealloc (batched grant UNMAP + make_tx_response with
//    push-and-check-notify per response, B10, B11), then round-robin over the schedule list one
//    request per vif per turn while NR_PENDING_REQS + MAX_SKB_FRAGS < MAX_PENDING_REQS, with
//    RING_FINAL_CHECK_FOR_REQUESTS, one batched grant MAP hypercall, a 64-byte header copy and
//    netif_rx into the dom0 backlog (B8-B10). Each request holds a slot of the group's pending
//    ring until the NIC frees the skb: netif_idx_release -> dealloc list -> TX bottom half on
//    the freeing VCPU.
// With grant reuse (common.ts, V9) the guest's pages stay mapped: no map or unmap hypercall.
// Left out: see common.ts.

import {
  CFG_GUESTS, COMP_NETBACK, COST_NB_INT, COST_NB_TX_PKT, COST_NB_TX_RESPONSE, ST_NB_TX_RUNS, ST_NB_TX_PKTS,
  ST_NOTIFY_NB_TX, ST_NOTIFY_NB_TX_SUPPRESSED,
} from "../../src/abi/layout";
import { cfgU32, costCycles, costTimes } from "../config";
import { statInc, statAdd } from "../stats";
import { fifoNew, fifoLen, fifoPush, fifoPop } from "../base/fifo";
import { pkSetAux } from "../packet";
import { charge } from "../cpu/account";
import { outboxAdd } from "../cpu/vcpu";
import { nfPort } from "../xen/evtchn";
import { reqCons, rspProdPvt, ringSlotGet, ringPushResponses, ringFinalCheckRequests, txRingOf } from "../xen/ring";
import { grantMapBatch, grantUnmapBatch } from "../xen/grant";
import { backlogEnqueue } from "../dom0/bridge";
import { MAX_SKB_FRAGS, MAX_PENDING_REQS, nGroups, vifGroup, groupVifs, scheduleTx, bottomHalfCharge, sumUnits, gDealloc } from "./common";
import { grantReuse } from "./common";
import { coalescing, coalesceDue, coalesceReset } from "./coalesce";
import { maybeWake } from "./rx";
import { MEM_NETBACK as MEM_PART } from "../../src/abi/layout";
import { CFG_NETBACK_GROUPS } from "../../src/abi/layout";
import { groupVifsOf } from "./common";
import { memArrays, memFifos, freshArray } from "../base/memory";

// per group
let gSched = new StaticArray<i32>(0);
let gDeallocBatch = new StaticArray<i32>(0);
let gTxBatch = new StaticArray<i32>(0);
let gPendingFree = new StaticArray<i32>(0);
let gPendingCount = new StaticArray<u32>(0);
let gPendingVif = new StaticArray<u32>(0); // [grp * 256 + idx]
// per vif
let vifOnSched = new StaticArray<u8>(0);

export function netbackTxInit(): void {
  let G = <i32>nGroups;
  gSched = freshArray<i32>(G);
  gDeallocBatch = freshArray<i32>(G);
  gTxBatch = freshArray<i32>(G);
  gPendingFree = freshArray<i32>(G);
  gPendingCount = freshArray<u32>(G);
  gPendingVif = freshArray<u32>(G * <i32>MAX_PENDING_REQS);
  for (let g = 0; g < G; g++) {
    unchecked((gSched[g] = fifoNew(groupVifs(<u32>g))));
    unchecked((gDeallocBatch[g] = fifoNew(MAX_PENDING_REQS)));
    unchecked((gTxBatch[g] = fifoNew(MAX_PENDING_REQS)));
    let fr = fifoNew(MAX_PENDING_REQS);
    unchecked((gPendingFree[g] = fr));
    for (let i: u32 = 0; i < MAX_PENDING_REQS; i++) fifoPush(fr, i);
  }
  vifOnSched = freshArray<u8>(<i32>cfgU32(CFG_GUESTS));
}

/** Tallies the bytes netbackTxInit() allocates. */
export function netbackTxMemory(): void {
  let G = <u64>cfgU32(CFG_NETBACK_GROUPS);
  memArrays(MEM_PART, G, 4, 5);
  memArrays(MEM_PART, G * <u64>MAX_PENDING_REQS, 4);
  for (let g: u32 = 0; g < <u32>G; g++) memFifos(MEM_PART, <u64>groupVifsOf(g));
  memFifos(MEM_PART, <u64>MAX_PENDING_REQS, 3 * G);
  memArrays(MEM_PART, <u64>cfgU32(CFG_GUESTS), 1);
}

/** Whether group grp's TX bottom half has work it can do now. */
export function txWorkAvailable(grp: u32): bool {
  return fifoLen(unchecked(gDealloc[grp])) > 0 ||
    (fifoLen(unchecked(gSched[grp])) > 0 && unchecked(gPendingCount[grp]) + MAX_SKB_FRAGS < MAX_PENDING_REQS);
}

/** The upcall on v takes vif's backend port: netif_be_int's cost. */
export function netbackInterruptStart(v: u32, vif: u32): void {
  charge(COMP_NETBACK, costCycles(COST_NB_INT));
}

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


/** net_tx_action, first half: dealloc batch and the requests to map, with their hypercalls. */
export function netbackTxStart(v: u32, grp: u32): void {
  bottomHalfCharge();
  statInc(ST_NB_TX_RUNS);
  let dq = unchecked(gDealloc[grp]);
  let db = unchecked(gDeallocBatch[grp]);
  let d = fifoLen(dq);
  for (let i: u32 = 0; i < d; i++) fifoPush(db, fifoPop(dq));
  if (d > 0) {
    if (!grantReuse) grantUnmapBatch(d);
    charge(COMP_NETBACK, costTimes(COST_NB_TX_RESPONSE, d));
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
    pkSetAux(p, (grp << 16) | idx);
    fifoPush(tb, p);
    m++;
    // netif_schedule_work: back on the list tail while it has more requests.
    if (ringFinalCheckRequests(r)) {
      unchecked((vifOnSched[vif] = 1));
      fifoPush(sched, vif);
    }
  }
  if (m > 0) {
    if (!grantReuse) grantMapBatch(m);
    statAdd(ST_NB_TX_PKTS, m);
    charge(COMP_NETBACK, costTimes(COST_NB_TX_PKT, m));
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

/** Packets the TX half holds (mapped requests on their way to netif_rx), for conservation. */
export function netbackTxHeldUnits(): u64 {
  let s: u64 = 0;
  for (let g: u32 = 0; g < nGroups; g++) s += sumUnits(unchecked(gTxBatch[g]));
  return s;
}

/** Slots of group grp's pending ring in use (NR_PENDING_REQS). */
export function netbackPendingCount(grp: u32): u32 {
  return unchecked(gPendingCount[grp]);
}
