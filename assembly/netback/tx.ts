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
//    the freeing VCPU. net_tx_submit copies the first PKT_PROT_LEN bytes of a packet's first
//    request into the skb (all of it when the packet has MAX_SKB_FRAGS further requests); a first
//    request no longer than that (a TCP ACK: 66 bytes with timestamps against 2.6.18's 64 and
//    pvops 2.6.32's 72, B10, C7) is copied whole, and its slot is released at once
//    ("Schedule a response immediately"): the TX tasklet is scheduled again on this CPU, and
//    its next run unmaps the page and answers the request, whatever CPU later frees the skb.
// With grant reuse (common.ts, V9) the guest's pages stay mapped: no map or unmap hypercall.
// With GSO across the vif (xen/netif.ts, B16) one packet is several requests: netbk_count_requests
// and netbk_get_requests take its first request, its GSO extra-info slot and one request per
// page fragment, give each granting request a pending slot and a map op, and build ONE skb
// (gso_size from the extra slot) that goes to netif_rx whole: the per-skb work (skb alloc,
// header copy, netif_rx) is paid once per skb, the per-slot work (map, unmap, response) per slot.
// With grant copy (netback.txGrantCopy, upstream Linux 3.0-3.14, C10) xen_netbk_tx_build_gops
// copies instead of mapping: one copy op for the header (PKT_PROT_LEN bytes of the first
// request), one per further request that carries data, every byte of the frame copied by Xen,
// all in the run's one GNTTABOP_copy hypercall; xen_netbk_tx_submit then releases each pending
// slot and makes its response at once (xen_netbk_idx_release), so the guest gets its slots back
// in the same run and nothing waits for the NIC to free the skb.
// In netback's NAPI mode (Linux 3.12-3.14, common.ts; the poll itself is napi.ts) the action is
// xenvif_tx_action(vif, budget) of one vif: xenvif_tx_build_gops takes packets while the
// pending ring has room, fewer than `budget` skbs are built and the copy ops fit tx_copy_ops
// (2 x MAX_PENDING_REQS), looking at the ring with RING_HAS_UNCONSUMED_REQUESTS, which leaves
// req_event alone (the poll re-arms it when it completes); xenvif_tx_submit hands each skb to
// netif_receive_skb inside the poll, so the bridge and the NIC driver's xmit run there, not in
// a backlog poll (sources.md C12, C13).
// Left out: see common.ts.

import {
  CFG_GUESTS, COMP_NETBACK, COST_NB_INT, COST_NB_TX_PKT, COST_NB_TX_RESPONSE, ST_NB_TX_RUNS, ST_NB_TX_PKTS,
  ST_NOTIFY_NB_TX, ST_NOTIFY_NB_TX_SUPPRESSED,
} from "../../src/abi/layout";
import { cfgU32, costCycles, costTimes } from "../config";
import { statInc, statAdd } from "../stats";
import { fifoNew, fifoLen, fifoPush, fifoPop } from "../base/fifo";
import { pkAux, pkSetAux, pkKind, PKT_NONE, KIND_DATA } from "../packet";
import { charge } from "../cpu/account";
import { outboxAdd } from "../cpu/vcpu";
import { nfPort } from "../xen/evtchn";
import {
  ringSlotGet, ringPushResponses, ringFinalCheckRequests, txRingOf, ringReqCons, ringRspProdPvt,
  ringSetReqCons, ringSetRspProdPvt, ringUnconsumedRequests,
} from "../xen/ring";
import { grantMapBatch, grantUnmapBatch, grantCopyBatch, grantOp, GRANT_LOCAL } from "../xen/grant";
import { netifInit, netifTxSlots, netifTxGrants, netifFrameBytes, netifTxHeadBytes, gsoTx } from "../xen/netif";
import { gPendingNext, gPendingRsp, gPendingVif, PENDING_END } from "./common";
import { CFG_NB_TX_COPY, CFG_NB_PKT_PROT_LEN, ST_NB_TX_SLOTS } from "../../src/abi/layout";
import { backlogEnqueue, bridgeTxCharge, bridgeTxForward } from "../dom0/bridge";
import {
  MAX_SKB_FRAGS, MAX_PENDING_REQS, nGroups, vifGroup, groupVifs, scheduleTx, bottomHalfCharge, sumUnits,
  gDealloc, netbackTxReleaseSlot,
} from "./common";
import { grantReuse, napiMode } from "./common";
import { coalescing, coalesceDue, coalesceReset } from "./coalesce";
import { maybeWake } from "./rx";
import { MEM_NETBACK as MEM_PART } from "../../src/abi/layout";
import { CFG_NETBACK_GROUPS, CFG_NETBACK_MODE } from "../../src/abi/layout";
import { NETBACK_MODE_NAPI } from "../../src/abi/enums";
import { napiAdd, NAPI_NETBACK } from "../kernel/napi";
import { groupVifsOf } from "./common";
import { memArrays, memFifos, freshArray } from "../base/memory";

// per group
let gSched = new StaticArray<i32>(0);
let gDeallocBatch = new StaticArray<i32>(0);
let gTxBatch = new StaticArray<i32>(0);
let gPendingFree = new StaticArray<i32>(0);
let gPendingCount = new StaticArray<u32>(0);
// per vif
let vifOnSched = new StaticArray<u8>(0);
/** NAPI mode: each vif's NAPI instance (netif_napi_add in xenvif_alloc) and the VCPU of its
 *  previous poll (NO_VCPU before the first). */
export let vifNapi = new StaticArray<u32>(0);
export let vifPollVcpu = new StaticArray<u32>(0);
export const NO_VCPU: u32 = 0xffffffff;
/** XENVIF_NAPI_WEIGHT (drivers/net/xen-netback/interface.c, sources.md C12, C13). */
export const XENVIF_NAPI_WEIGHT: u32 = 64;
/** net_tx_action grant-copies the requests and answers them in the same run (3.x netback). */
let txCopy: bool = false;
/** PKT_PROT_LEN of 3.0-3.12 netback: the header bytes copied into the skb's linear area (C10; 3.13
 *  has 128, which differs only for a first request of 129-138 bytes). */
const PKT_PROT_LEN: u32 = 14 + 4 + 20 + 40 + 20 + 40;
/** PKT_PROT_LEN of the mapping netback (64 on 2.6.18-xen, 72 on pvops 2.6.32; B10, C7). */
let protLen: u32 = 64;
/** No limit: a tasklet's or kthread's run takes what the pending ring allows. */
export const TX_NO_BUDGET: u32 = 0xffffffff;
/** Grant-copy ops one NAPI-mode poll may build: the vif's tx_copy_ops[2 * MAX_PENDING_REQS] (C13). */
const TX_COPY_OPS_MAX: u32 = 2 * MAX_PENDING_REQS;

export function netbackTxInit(): void {
  netifInit();
  txCopy = cfgU32(CFG_NB_TX_COPY) == 1;
  protLen = cfgU32(CFG_NB_PKT_PROT_LEN);
  let G = <i32>nGroups;
  gSched = freshArray<i32>(G);
  gDeallocBatch = freshArray<i32>(G);
  gTxBatch = freshArray<i32>(G);
  gPendingFree = freshArray<i32>(G);
  gPendingCount = freshArray<u32>(G);
  for (let g = 0; g < G; g++) {
    unchecked((gSched[g] = fifoNew(groupVifs(<u32>g))));
    unchecked((gDeallocBatch[g] = fifoNew(MAX_PENDING_REQS)));
    unchecked((gTxBatch[g] = fifoNew(MAX_PENDING_REQS)));
    let fr = fifoNew(MAX_PENDING_REQS);
    unchecked((gPendingFree[g] = fr));
    for (let i: u32 = 0; i < MAX_PENDING_REQS; i++) fifoPush(fr, i);
  }
  vifOnSched = freshArray<u8>(<i32>cfgU32(CFG_GUESTS));
  if (!napiMode) return;
  let N = <i32>cfgU32(CFG_GUESTS);
  vifNapi = freshArray<u32>(N);
  vifPollVcpu = freshArray<u32>(N);
  for (let i = 0; i < N; i++) {
    unchecked((vifNapi[i] = napiAdd(NAPI_NETBACK, <u32>i, XENVIF_NAPI_WEIGHT)));
    unchecked((vifPollVcpu[i] = NO_VCPU));
  }
}

/** NAPI instances netbackTxInit() adds (one per vif in NAPI mode), from the configuration before init. */
export function netbackNapiCount(): u32 {
  return cfgU32(CFG_NETBACK_MODE) == NETBACK_MODE_NAPI ? cfgU32(CFG_GUESTS) : 0;
}

/** Tallies the bytes netbackTxInit() allocates. */
export function netbackTxMemory(): void {
  let G = <u64>cfgU32(CFG_NETBACK_GROUPS);
  memArrays(MEM_PART, G, 4, 5);
  for (let g: u32 = 0; g < <u32>G; g++) memFifos(MEM_PART, <u64>groupVifsOf(g));
  memFifos(MEM_PART, <u64>MAX_PENDING_REQS, 3 * G);
  memArrays(MEM_PART, <u64>cfgU32(CFG_GUESTS), 1);
  let napis = <u64>netbackNapiCount();
  if (napis > 0) memArrays(MEM_PART, napis, 4, 2);
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


/** net_tx_action, first half: dealloc batch and the requests to map (or copy), with their
 *  hypercalls; at most `budget` skbs (TX_NO_BUDGET but in NAPI mode). Returns the skbs built. */
export function netbackTxStart(v: u32, grp: u32, budget: u32 = TX_NO_BUDGET): u32 {
  // A NAPI poll's own cost is the poll's (napi.ts).
  if (!napiMode) bottomHalfCharge();
  statInc(ST_NB_TX_RUNS);
  let dq = unchecked(gDealloc[grp]);
  let db = unchecked(gDeallocBatch[grp]);
  let d = fifoLen(dq);
  let responses: u32 = 0;
  for (let i: u32 = 0; i < d; i++) {
    let idx = fifoPop(dq);
    responses += <u32>unchecked(gPendingRsp[(grp << 8) + idx]);
    fifoPush(db, idx);
    if (!grantReuse) grantOp(GRANT_LOCAL, 1 + unchecked(gPendingVif[(grp << 8) + idx]));
  }
  if (d > 0 && !grantReuse) grantUnmapBatch(d);
  let sched = unchecked(gSched[grp]);
  let free = unchecked(gPendingFree[grp]);
  let tb = unchecked(gTxBatch[grp]);
  let m: u32 = 0;
  let grants: u32 = 0;
  let slots: u32 = 0;
  let copyOps: u32 = 0;
  let copyBytes: u64 = 0;
  let opsMax = napiMode ? TX_COPY_OPS_MAX : TX_NO_BUDGET;
  while (
    unchecked(gPendingCount[grp]) + MAX_SKB_FRAGS < MAX_PENDING_REQS && fifoLen(sched) > 0 && m < budget &&
    copyOps < opsMax
  ) {
    let vif = fifoPop(sched);
    unchecked((vifOnSched[vif] = 0));
    let r = txRingOf(vif);
    if (!txRequestsWaiting(r)) continue;
    let rc = ringReqCons(r);
    let p = ringSlotGet(r, rc);
    // The packet's requests: its first, the GSO extra slot, one per page fragment (netif.ts).
    let k = netifTxSlots(p);
    ringSetReqCons(r, rc + k);
    let n = netifTxGrants(p);
    // One pending slot per granting request, chained; the first answers the extra slot too.
    let first = fifoPop(free);
    let prev = first;
    unchecked((gPendingVif[(grp << 8) + first] = vif));
    unchecked((gPendingRsp[(grp << 8) + first] = <u8>(1 + k - n)));
    for (let j: u32 = 1; j < n; j++) {
      let idx = fifoPop(free);
      unchecked((gPendingVif[(grp << 8) + idx] = vif));
      unchecked((gPendingRsp[(grp << 8) + idx] = 1));
      unchecked((gPendingNext[(grp << 8) + prev] = <u16>idx));
      prev = idx;
    }
    unchecked((gPendingNext[(grp << 8) + prev] = PENDING_END));
    unchecked((gPendingCount[grp] = unchecked(gPendingCount[grp]) + n));
    pkSetAux(p, (grp << 16) | first);
    fifoPush(tb, p);
    m++;
    grants += n;
    slots += k;
    if (txCopy) {
      // The header op, then one op per further data request (a linear frame's rest, or each
      // page fragment after the head request of a scatter-gather packet).
      let bytes = netifFrameBytes(p);
      let c: u32 = 1 + (gsoTx && pkKind(p) == KIND_DATA ? n - 1 : bytes > PKT_PROT_LEN ? 1 : 0);
      copyOps += c;
      copyBytes += <u64>bytes;
      for (let j: u32 = 0; j < c; j++) grantOp(1 + vif, GRANT_LOCAL);
    } else if (!grantReuse) {
      for (let j: u32 = 0; j < n; j++) grantOp(GRANT_LOCAL, 1 + vif);
    }
    // netif_schedule_work: back on the list tail while it has more requests.
    if (txRequestsWaiting(r)) {
      unchecked((vifOnSched[vif] = 1));
      fifoPush(sched, vif);
    }
  }
  if (m > 0) {
    if (txCopy) grantCopyBatch(copyOps, copyBytes);
    else if (!grantReuse) grantMapBatch(grants);
    statAdd(ST_NB_TX_PKTS, m);
    statAdd(ST_NB_TX_SLOTS, slots);
    charge(COMP_NETBACK, costTimes(COST_NB_TX_PKT, m));
    // With grant copy every request is answered in this run (second half).
    if (txCopy) responses += slots;
  }
  if (responses > 0) charge(COMP_NETBACK, costTimes(COST_NB_TX_RESPONSE, responses));
  // xenvif_tx_submit -> netif_receive_skb: the bridge's work on each skb runs in the poll.
  if (napiMode && m > 0) bridgeTxCharge(m);
  return m;
}

/** Whether ring r has requests to take: RING_FINAL_CHECK_FOR_REQUESTS (re-arming req_event
 *  when there are none) in the tasklet and kthread netbacks, RING_HAS_UNCONSUMED_REQUESTS in a
 *  NAPI poll, which re-arms the event only when it completes. */
// @ts-ignore: decorator
@inline function txRequestsWaiting(r: u32): bool {
  return napiMode ? ringUnconsumedRequests(r) > 0 : ringFinalCheckRequests(r);
}

/** Puts vif on its group's schedule list if it is not there (NAPI mode: the poll serves it). */
export function txScheduleVif(vif: u32): void {
  if (unchecked(vifOnSched[vif])) return;
  unchecked((vifOnSched[vif] = 1));
  fifoPush(unchecked(gSched[unchecked(vifGroup[vif])]), vif);
}

/** make_tx_response for pending slot idx of group grp (and its extra-info slot), from VCPU v:
 *  the slot returns to the free list and the response is pushed with a notify check. */
function txRespond(v: u32, grp: u32, idx: u32, free: i32): void {
  let vif = unchecked(gPendingVif[(grp << 8) + idx]);
  fifoPush(free, idx);
  unchecked((gPendingCount[grp] = unchecked(gPendingCount[grp]) - 1));
  let r = txRingOf(vif);
  ringSetRspProdPvt(r, ringRspProdPvt(r) + <u32>unchecked(gPendingRsp[(grp << 8) + idx]));
  let want = ringPushResponses(r);
  if (coalescing) want = coalesceDue(vif, want);
  if (want) {
    statInc(ST_NOTIFY_NB_TX);
    outboxAdd(v, nfPort(vif));
    if (coalescing) coalesceReset(vif);
  } else statInc(ST_NOTIFY_NB_TX_SUPPRESSED);
}

/** net_tx_action, second half: TX responses (+notify), the new skbs to netif_rx. */
export function netbackTxFinish(v: u32, grp: u32): void {
  let db = unchecked(gDeallocBatch[grp]);
  let free = unchecked(gPendingFree[grp]);
  let d = fifoLen(db);
  for (let i: u32 = 0; i < d; i++) txRespond(v, grp, fifoPop(db), free);
  let tb = unchecked(gTxBatch[grp]);
  let m = fifoLen(tb);
  for (let i: u32 = 0; i < m; i++) {
    let p = fifoPop(tb);
    if (txCopy) {
      // xen_netbk_tx_submit: the data is in dom0's pages; every slot is released now.
      let idx = <u16>(pkAux(p) & 0xffff);
      while (idx != PENDING_END) {
        let next = unchecked(gPendingNext[(grp << 8) + <u32>idx]);
        txRespond(v, grp, <u32>idx, free);
        idx = next;
      }
      pkSetAux(p, PKT_NONE);
      if (napiMode) {
        bridgeTxForward(v, p);
        continue;
      }
    } else if (headCopiedWhole(p)) {
      // data_len == txp->size: netif_idx_release now; the skb keeps its fragments' slots only.
      let idx = pkAux(p) & 0xffff;
      let next = unchecked(gPendingNext[(grp << 8) + idx]);
      pkSetAux(p, next == PENDING_END ? PKT_NONE : (grp << 16) | <u32>next);
      netbackTxReleaseSlot(v, grp, idx);
    }
    backlogEnqueue(v, p);
  }
  // Slots freed by the dealloc (or by the copy) may let more requests in (a NAPI poll decides
  // that itself when it ends).
  if (!napiMode && (d > 0 || (txCopy && m > 0))) maybeScheduleTx(v, grp);
}

/** Whether net_tx_submit copies packet p's first request whole into the skb's linear area:
 *  data_len = txreq.size unless txreq.size > PKT_PROT_LEN and fewer than MAX_SKB_FRAGS
 *  further requests follow (B10, C7). */
function headCopiedWhole(p: u32): bool {
  return netifTxHeadBytes(p) <= protLen || netifTxGrants(p) - 1 >= MAX_SKB_FRAGS;
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
