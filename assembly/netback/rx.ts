// netback, guest-RX half: start_xmit from the bridge and net_rx_action (see common.ts for the
// groups and bottom halves).
//
// Models (sources.md B2-B7, B14, C11; MAX_SKB_FRAGS is netback.maxSkbFrags, 18 on 2.6.x, 17 on 3.13):
//  - start_xmit (netif_be_start_xmit): reserves RX request slots (rx_req_cons_peek), queues the
//    skb on the group's rx_queue, schedules the RX bottom half on the current VCPU; when fewer
//    than MAX_SKB_FRAGS+2 requests remain it stops the vif queue and sets req_event so netfront
//    notifies when it refills (packets then wait in the vif qdisc, tx_queue_len 32, and are
//    dropped beyond it); a frontend that cannot queue gets drops instead (B7, B14). A frame
//    that waits in the qdisc meets start_xmit once, when netif_wake_queue lets the qdisc hand
//    it over (qdisc_restart, sources.md G6), so start_xmit's cost is charged once per frame, on the
//    VCPU that runs it.
//  - net_rx_action: dequeues until count + MAX_SKB_FRAGS >= NET_RX_RING_SIZE (<= 238 MTU
//    frames, B2), one grant-copy op per frame in ONE multicall hypercall (B3, B4), then a
//    response per frame with RING_PUSH_RESPONSES_AND_CHECK_NOTIFY and at most one event per vif
//    per run (B5); reschedules itself while rx_queue is non-empty (B6).
//  - each skb queued by start_xmit on one VCPU and dequeued by net_rx_action on another brings
//    kernel.skbCacheLines cache lines over from the first VCPU's cache (P1; common.ts).
//  - a GSO skb (an aggregate of the dom0 NIC driver's LRO) to a frontend that takes GSO skbs
//    (xen/netif.ts, A10) reserves and fills one request per 4 KiB page of its frame plus the GSO
//    extra slot: one copy op per page, every byte copied, one response per slot; the per-skb work
//    (start_xmit, net_rx_action's per-packet cost) is paid once. The batch limit counts slots.
//  - with multi-queue (common.ts, V9) a frame the NIC already DMA'd into the guest's buffer needs
//    no copy op: the run only maps and unmaps those buffers, and not even that with grant reuse;
//    frames from another guest (through the bridge) are still copied.
// Left out: see common.ts.

import {
  CFG_GUESTS, CFG_NETBACK_QUEUE_LEN, CFG_NETBACK_CAN_QUEUE, CFG_NETBACK_SG, CFG_NB_MAX_SKB_FRAGS, COMP_NETBACK,
  COST_NB_RX_PKT, COST_NB_START_XMIT, ST_DROP_VIF_QDISC, ST_DROP_NETBACK_NO_SLOT, ST_VIF_QUEUE_STOPS,
  ST_NB_RX_RUNS, ST_NB_RX_PKTS, ST_NOTIFY_NB_RX_SUPPRESSED, CFG_SKB_CACHE_LINES, ST_NB_SKB_HANDOFFS,
  ST_NB_RX_SLOTS, CFG_OFF_VIF_VCPU,
} from "../../src/abi/layout";
import { netifInit, netifRxSlots, netifFrameBytes } from "../xen/netif";
import { cfgU32, cfgTable, costCycles, costTimes } from "../config";
import { statInc, statAdd } from "../stats";
import { fifoNew, fifoLen, fifoPush, fifoPop, fifoFull, fifoAt } from "../base/fifo";
import { pkWire, pkAux, pktDrop, PKT_NONE } from "../packet";
import { pktGuest, pktGuestToGuest, anyGuestToGuest } from "../flows";
import { charge, chargeLate, setInvariantError } from "../cpu/account";
import {
  RING_SIZE, ringSlotSet, ringPushResponses, rxRingOf, ringReqCons, ringReqProd, ringRspProdPvt,
  ringSetReqCons, ringSetReqEvent, ringSetRspProdPvt,
} from "../xen/ring";
import { grantCopyBatch, grantMapBatch, grantUnmapBatch, grantOp, GRANT_LOCAL } from "../xen/grant";
import {
  nGroups, nVifs, vifGroup, groupVifs, scheduleRx, bottomHalfCharge, sumUnits, releaseGuestPage,
  lineTransferCycles, gPendingVif,
} from "./common";
import { multiQueue, grantReuse, napiMode } from "./common";
import { evtchnBind, nbRxPort } from "../xen/evtchn";
import { coalescing, coalesceDue, sendRxNotify } from "./coalesce";
import { MEM_NETBACK as MEM_PART } from "../../src/abi/layout";
import { CFG_NETBACK_GROUPS } from "../../src/abi/layout";
import { groupVifsOf } from "./common";
import { memArrays, memFifos, freshArray } from "../base/memory";

/** Frame bytes a grant copy moves: wire bytes less preamble/SFD, IFG and FCS. */
const WIRE_NOT_COPIED: u32 = 24;

let canQueue: bool = true;
let slotsNeeded: u32 = 20;
let maxSkbFrags: u32 = 18; // the dom0 kernel's MAX_SKB_FRAGS (netback.maxSkbFrags)
let skbLines: f64 = 5; // kernel.skbCacheLines
// per group
let gRxQueue = new StaticArray<i32>(0);
let gRxQueueCpu = new StaticArray<i32>(0); // the VCPU whose start_xmit queued each rx_queue entry
let gRxBatch = new StaticArray<i32>(0);
let gNotify = new StaticArray<i32>(0);
// per vif
let vifStopped = new StaticArray<u8>(0);
let vifQdisc = new StaticArray<i32>(0);
let vifPeek = new StaticArray<u32>(0); // rx_req_cons_peek
let vifRxNotify = new StaticArray<u8>(0);

export function netbackRxInit(): void {
  netifInit();
  canQueue = cfgU32(CFG_NETBACK_CAN_QUEUE) == 1;
  skbLines = <f64>cfgU32(CFG_SKB_CACHE_LINES);
  // A stopped vif wakes when a maximal skb fits: MAX_SKB_FRAGS + 2 requests with SG, else 1
  // (2.6.18: MAX_SKB_FRAGS + 2 = 20; 3.13: DIV_ROUND_UP(MTU, PAGE_SIZE) + MAX_SKB_FRAGS + 1 = 19).
  maxSkbFrags = cfgU32(CFG_NB_MAX_SKB_FRAGS);
  slotsNeeded = cfgU32(CFG_NETBACK_SG) == 1 ? maxSkbFrags + 2 : 1;
  let G = <i32>nGroups;
  let N = <i32>cfgU32(CFG_GUESTS);
  gRxQueue = freshArray<i32>(G);
  gRxQueueCpu = freshArray<i32>(G);
  gRxBatch = freshArray<i32>(G);
  gNotify = freshArray<i32>(G);
  for (let g = 0; g < G; g++) {
    let m = groupVifs(<u32>g);
    // At most RING_SIZE reserved requests per vif can be queued at once.
    unchecked((gRxQueue[g] = fifoNew(m * RING_SIZE)));
    unchecked((gRxQueueCpu[g] = fifoNew(m * RING_SIZE)));
    unchecked((gRxBatch[g] = fifoNew(RING_SIZE)));
    unchecked((gNotify[g] = fifoNew(m)));
  }
  let qlen = cfgU32(CFG_NETBACK_QUEUE_LEN);
  vifStopped = freshArray<u8>(N);
  vifQdisc = freshArray<i32>(N);
  vifPeek = freshArray<u32>(N);
  vifRxNotify = freshArray<u8>(N);
  for (let i = 0; i < N; i++) unchecked((vifQdisc[i] = fifoNew(qlen > 0 ? qlen : 1)));
  // NAPI mode, split event channels: each vif's RX channel (rx_irq) is bound where the dispatch
  // policy binds the vif's channels (its TX channel, the engine binds).
  if (napiMode) for (let i = 0; i < N; i++) evtchnBind(nbRxPort(<u32>i), <u32>cfgTable(CFG_OFF_VIF_VCPU, i));
}

/** Tallies the bytes netbackRxInit() allocates. */
export function netbackRxMemory(): void {
  let G = <u64>cfgU32(CFG_NETBACK_GROUPS);
  let N = <u64>cfgU32(CFG_GUESTS);
  memArrays(MEM_PART, G, 4, 4);
  for (let g: u32 = 0; g < <u32>G; g++) {
    let m = <u64>groupVifsOf(g);
    memFifos(MEM_PART, m * <u64>RING_SIZE, 2);
    memFifos(MEM_PART, <u64>RING_SIZE);
    memFifos(MEM_PART, m);
  }
  let qlen = <u64>cfgU32(CFG_NETBACK_QUEUE_LEN);
  memArrays(MEM_PART, N, 1, 2);
  memArrays(MEM_PART, N, 4, 2);
  memFifos(MEM_PART, qlen > 0 ? qlen : 1, N);
}

/** Whether group grp has packets queued for its RX bottom half. */
export function rxQueued(grp: u32): bool {
  return fifoLen(unchecked(gRxQueue[grp])) > 0;
}

/** netbk_queue_full: fewer free RX requests than one maximal packet needs. */
function queueFull(vif: u32): bool {
  let r = rxRingOf(vif);
  let peek = unchecked(vifPeek[vif]);
  return ringReqProd(r) - peek < slotsNeeded || ringRspProdPvt(r) + RING_SIZE - peek < slotsNeeded;
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

/** netif_be_start_xmit on VCPU v, for a frame dev_queue_xmit hands over at once or one the
 *  qdisc releases when the queue wakes: its cost is charged here, once per frame, to the VCPU
 *  that runs it (the NIC poll's, or the one whose wake-up drains the qdisc). */
function startXmitOne(v: u32, vif: u32, p: u32): void {
  chargeLate(v, COMP_NETBACK, costCycles(COST_NB_START_XMIT));
  let r = rxRingOf(vif);
  if (!canQueue && queueFull(vif)) {
    releaseGuestPage(v, p);
    pktDrop(ST_DROP_NETBACK_NO_SLOT, p);
    return;
  }
  let k = netifRxSlots(p);
  if (ringReqProd(r) - unchecked(vifPeek[vif]) < k) {
    // Too few requests posted (none, for a frame): even a queueing frontend cannot take this packet.
    releaseGuestPage(v, p);
    pktDrop(ST_DROP_NETBACK_NO_SLOT, p);
    return;
  }
  unchecked((vifPeek[vif] = unchecked(vifPeek[vif]) + k));
  let grp = unchecked(vifGroup[vif]);
  fifoPush(unchecked(gRxQueue[grp]), p);
  fifoPush(unchecked(gRxQueueCpu[grp]), v);
  scheduleRx(v, grp);
  if (canQueue && queueFull(vif)) {
    unchecked((vifStopped[vif] = 1));
    statInc(ST_VIF_QUEUE_STOPS);
    // Ask netfront to notify once enough requests are posted again.
    ringSetReqEvent(r, unchecked(vifPeek[vif]) + slotsNeeded);
  }
}

/** netif_wake_queue when requests are available again: drain the qdisc into start_xmit. */
export function maybeWake(v: u32, vif: u32): void {
  if (!unchecked(vifStopped[vif]) || queueFull(vif)) return;
  unchecked((vifStopped[vif] = 0));
  let qd = unchecked(vifQdisc[vif]);
  while (fifoLen(qd) > 0 && !unchecked(vifStopped[vif])) startXmitOne(v, vif, fifoPop(qd));
}

/** net_rx_action, first half: take the batch, build the copy ops, issue the multicall. */
export function netbackRxStart(v: u32, grp: u32): void {
  bottomHalfCharge();
  statInc(ST_NB_RX_RUNS);
  let q = unchecked(gRxQueue[grp]);
  let qc = unchecked(gRxQueueCpu[grp]);
  let batch = unchecked(gRxBatch[grp]);
  let n: u32 = 0; // request slots taken (the batch limit counts slots)
  let m: u32 = 0; // skbs
  let ops: u32 = 0; // copy ops
  let bytes: u64 = 0;
  let handoffs: u32 = 0;
  let dma: u32 = 0; // frames the NIC already put in the guest's buffer (multi-queue)
  while (n + maxSkbFrags < RING_SIZE && fifoLen(q) > 0) {
    let p = fifoPop(q);
    if (<u32>fifoPop(qc) != v) handoffs++;
    let vif = pktGuest(p);
    let r = rxRingOf(vif);
    let k = netifRxSlots(p);
    if (ringReqProd(r) - ringReqCons(r) < k) {
      setInvariantError(1); // start_xmit reserved requests that are not there
      pktDrop(ST_DROP_NETBACK_NO_SLOT, p);
      continue;
    }
    ringSetReqCons(r, ringReqCons(r) + k);
    fifoPush(batch, p);
    n += k;
    m++;
    if (multiQueue && !(anyGuestToGuest && pktGuestToGuest(p))) {
      dma++;
      continue;
    }
    // A page netback mapped from another guest's TX request is copied through that guest's
    // grant (netbk_gop_frag_copy, PageForeign), a page of dom0's own as a local frame.
    let aux = pkAux(p);
    let src = aux == PKT_NONE ? GRANT_LOCAL : 1 + unchecked(gPendingVif[((aux >> 16) << 8) + (aux & 0xffff)]);
    let c: u32 = 1;
    if (k > 1) {
      // A GSO skb: one copy op per page it fills (every slot but the extra one).
      c = k - 1;
      bytes += <u64>netifFrameBytes(p);
    } else {
      bytes += <u64>(pkWire(p) - WIRE_NOT_COPIED);
    }
    ops += c;
    for (let j: u32 = 0; j < c; j++) grantOp(src, 1 + vif);
  }
  if (handoffs > 0) {
    statAdd(ST_NB_SKB_HANDOFFS, handoffs);
    charge(COMP_NETBACK, lineTransferCycles(skbLines * <f64>handoffs));
  }
  if (m == 0) return;
  if (ops > 0) grantCopyBatch(ops, bytes);
  if (dma > 0 && !grantReuse) {
    dmaGrantOps(batch);
    grantMapBatch(dma);
    dmaGrantOps(batch);
    grantUnmapBatch(dma);
  }
  statAdd(ST_NB_RX_PKTS, m);
  statAdd(ST_NB_RX_SLOTS, n);
  charge(COMP_NETBACK, costTimes(COST_NB_RX_PKT, m));
}

/** The grant operations (one per frame, on its guest's grant table) of the frames in `batch`
 *  that the NIC put in guest buffers (multi-queue). */
function dmaGrantOps(batch: i32): void {
  let n = fifoLen(batch);
  for (let i: u32 = 0; i < n; i++) {
    let p = fifoAt(batch, i);
    if (!(anyGuestToGuest && pktGuestToGuest(p))) grantOp(GRANT_LOCAL, 1 + pktGuest(p));
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
    let idx = ringRspProdPvt(r);
    // The skb is named in its first response; netfront reads how many follow from it.
    ringSlotSet(r, idx, p);
    ringSetRspProdPvt(r, idx + netifRxSlots(p));
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

/** Packets the RX half holds (rx_queue, the batch in progress, vif qdiscs), for conservation. */
export function netbackRxHeldUnits(): u64 {
  let s: u64 = 0;
  for (let g: u32 = 0; g < nGroups; g++) {
    s += sumUnits(unchecked(gRxQueue[g]));
    s += sumUnits(unchecked(gRxBatch[g]));
  }
  for (let i: u32 = 0; i < nVifs; i++) s += sumUnits(unchecked(vifQdisc[i]));
  return s;
}

/** Whether vif's queue is stopped (netif_stop_queue). */
export function netbackVifStopped(vif: u32): bool {
  return unchecked(vifStopped[vif]) != 0;
}

/** Packets waiting in the vif's qdisc (tx_queue_len queue in front of netback), for time series. */
export function netbackVifQueueLen(vif: u32): u32 {
  return fifoLen(unchecked(vifQdisc[vif]));
}
