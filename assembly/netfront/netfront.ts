// netfront: the guest's half of the split network driver (2.6.18-xen netfront.c and pvops
// xen-netfront.c; sources.md D1-D9).
//
// Models, per guest (one vif each):
//  - interrupt (netif_int): reclaim TX slots (network_tx_buf_gc, which re-arms rsp_event at
//    half the outstanding requests, D8), then NAPI-schedule if RX responses are waiting (D9);
//  - NAPI poll (weight 64, D1): take up to `quota` RX responses (grant end + 256-byte head copy,
//    D6, charged per response), pass each to LRO (if enabled) or straight to the guest stack;
//    lower rx_target by one when more than 3/4 of it is still outstanding, refill RX requests
//    when the missing batch is at least rx_target/2, doubling rx_target when the ring nearly ran
//    dry (D2-D4), push the requests with RING_PUSH_REQUESTS_AND_CHECK_NOTIFY; when the poll did
//    less than its quota, RING_FINAL_CHECK_FOR_RESPONSES and complete;
//  - transmit (network_start_xmit): the packet's TX requests (one; with GSO across the vif a
//    head request, a GSO extra-info slot and one request per page fragment: xen/netif.ts, A9)
//    with one push-and-check-notify, stop the queue when fewer than MAX_SKB_FRAGS+2 slots remain
//    (D7), GC on every transmit (per response, that is per slot); packets the stack sends while
//    stopped wait in the guest qdisc. The xmit cost is per packet (skb), however many slots.
// Packets the guest stack creates during a job (ACKs, data) are staged and handed to
// network_start_xmit when the job ends (netfrontFlushStaged), in creation order. A guest that
// owns an SR-IOV virtual function sends through its VF driver instead (hw/vf.ts): its staged
// packets go to the VF's TX ring. A driver's xmit is charged where it runs, once per packet,
// whether the packet is handed over at once or waits in the stopped queue's qdisc (a qdisc
// enqueues, later dequeues and calls hard_start_xmit once: sources.md G6).
// With GSO on receive (netfront.gso.rx, A10) an skb netback passed whole spans several responses
// (xennet_get_responses: the first, the GSO extra slot, one per page): each costs the per-response
// work, the skb goes up the stack once, and the NAPI quota counts skbs.
// With split event channels (feature-split-event-channels, Linux 3.11+, negotiated with the
// NAPI-mode netback; sources.md C13) the vif has a TX and an RX channel: TX pushes notify the
// TX channel, RX refills the RX channel, and each has its own handler here, xennet_tx_interrupt
// (TX buffer GC) and xennet_rx_interrupt (NAPI schedule if RX responses wait); both are bound to
// the guest's VCPU0 like the one channel.
// With TCP small queues (net/tsq.ts) a TCP data skb's destructor runs when the GC consumes the
// response to its last slot (each slot's response drops one reference: xennet_tx_buf_gc), on the
// CPU doing the GC, or when a full queue drops it.
// Left out: page flipping, rx buffer allocation failure and its refill timer (D5), multi-queue,
// the carrier state machine.

import {
  CFG_GUESTS, CFG_GUEST_VCPUS, CFG_NF_WEIGHT, CFG_NF_RX_TARGET_MIN, CFG_NF_RX_TARGET_DEFAULT,
  CFG_NF_RX_TARGET_MAX, CFG_GUEST_QDISC_LEN, CFG_LRO_ENABLED, CFG_TCP_WINDOW_SEGS,
  CFG_TX_STREAMS_PER_GUEST, COMP_NETFRONT, COMP_SOFTIRQ, COST_NAPI_POLL, COST_NF_RX_PKT,
  COST_NF_REFILL_BUF, COST_NF_TX_GC_PKT, COST_NF_TX_PKT, COST_NF_IRQ,
  ST_NOTIFY_NF_TX, ST_NOTIFY_NF_TX_SUPPRESSED, ST_NOTIFY_NF_RX, ST_NOTIFY_NF_RX_SUPPRESSED,
  ST_DROP_GUEST_QDISC, ST_NAPI_POLLS_GUEST, ST_FINAL_CHECK_REPOLLS, GS_RX_PKTS, CFG_NF_TX_STOP_RESERVE,
  CFG_SRIOV_GUESTS,
} from "../../src/abi/layout";
import { cfgU32, costCycles, costTimes } from "../config";
import { statInc, guestStatAdd } from "../stats";
import { fifoNew, fifoLen, fifoPush, fifoPop, fifoFull, fifoAt } from "../base/fifo";
import { pkKind, pkFlow, pkBytes, pktDrop, pktUnits, KIND_DATA } from "../packet";
import { flowDirRx } from "../flows";
import { charge, chargeLate } from "../cpu/account";
import { outboxAdd, nDom0Vcpus } from "../cpu/vcpu";
import { napiAdd, napiSchedule, NAPI_NETFRONT } from "../kernel/napi";
import { nbPort, nbRxPort, evtchnBind, nfPort, nfRxPort } from "../xen/evtchn";
import {
  RING_SIZE, ringSlotSet, ringSlotGet, ringPushRequests, ringUnconsumedResponses, ringFinalCheckResponses,
  txRingOf, rxRingOf, ringReqCons, ringReqProd, ringReqProdPvt, ringRspCons, ringRspProd, ringSetReqProdPvt,
  ringSetRspCons, ringSetRspEvent,
} from "../xen/ring";
import { lroReceive, lroFlushAll, lroOutput } from "../net/lro";
import { stackDeliver, appWake } from "../guest/stack";
import { MEM_GUEST as MEM_PART } from "../../src/abi/layout";
import { memArrays, memFifos, freshArray } from "../base/memory";
import { vfXmit } from "../hw/vf";
import { netifInit, netifTxSlots, netifRxSlots, gsoRx } from "../xen/netif";
import { tsqLimit, tsqFree, tsqTxHeld, tsqTxFreed } from "../net/tsq";
import { curV } from "../cpu/account";

/** Free TX ring slots below which the TX queue stops: MAX_SKB_FRAGS + 2 by default, room for one maximal packet (D7). */
let txSlotsReserve: u32 = 20;

let nGuests: u32 = 0;
/** Guests 0 .. vfGuests-1 send through their SR-IOV VF, not through netfront. */
let vfGuests: u32 = 0;
let lro: bool = false;
let rxTargetMin: u32 = 8;
let rxTargetMax: u32 = 256;
let nfNapi = new StaticArray<u32>(0);
let nfVcpu = new StaticArray<u32>(0);
let rxTarget = new StaticArray<u32>(0);
let txStopped = new StaticArray<u8>(0);
let txQdisc = new StaticArray<i32>(0);
let staged = new StaticArray<i32>(0);
let pollRefill = new StaticArray<u32>(0);

export function netfrontInit(): void {
  netifInit();
  nGuests = cfgU32(CFG_GUESTS);
  let gv = cfgU32(CFG_GUEST_VCPUS);
  lro = cfgU32(CFG_LRO_ENABLED) == 1;
  rxTargetMin = cfgU32(CFG_NF_RX_TARGET_MIN);
  rxTargetMax = cfgU32(CFG_NF_RX_TARGET_MAX);
  txSlotsReserve = cfgU32(CFG_NF_TX_STOP_RESERVE);
  vfGuests = cfgU32(CFG_SRIOV_GUESTS);
  let n = <i32>nGuests;
  nfNapi = freshArray<u32>(n);
  nfVcpu = freshArray<u32>(n);
  rxTarget = freshArray<u32>(n);
  txStopped = freshArray<u8>(n);
  txQdisc = freshArray<i32>(n);
  staged = freshArray<i32>(n);
  pollRefill = freshArray<u32>(n);
  let weight = cfgU32(CFG_NF_WEIGHT);
  let qlen = cfgU32(CFG_GUEST_QDISC_LEN);
  let stageLimit = cfgU32(CFG_TCP_WINDOW_SEGS) * (1 + cfgU32(CFG_TX_STREAMS_PER_GUEST)) + 2 * RING_SIZE;
  for (let g: u32 = 0; g < nGuests; g++) {
    let v = nDom0Vcpus + g * gv; // the guest's VCPU0 takes the vif interrupt (F2)
    unchecked((nfVcpu[g] = v));
    evtchnBind(nfPort(g), v);
    evtchnBind(nfRxPort(g), v); // the same port without split event channels
    unchecked((nfNapi[g] = napiAdd(NAPI_NETFRONT, g, weight)));
    unchecked((txQdisc[g] = fifoNew(qlen)));
    unchecked((staged[g] = fifoNew(stageLimit)));
    let target = cfgU32(CFG_NF_RX_TARGET_DEFAULT);
    unchecked((rxTarget[g] = target));
    // Connect: post rx_target receive buffers (network_alloc_rx_buffers at open).
    let r = rxRingOf(g);
    ringSetReqProdPvt(r, target);
    ringPushRequests(r);
  }
}

/** Tallies the bytes netfrontInit() allocates. */
export function netfrontMemory(): void {
  let n = <u64>cfgU32(CFG_GUESTS);
  memArrays(MEM_PART, n, 4, 6);
  memArrays(MEM_PART, n, 1);
  memFifos(MEM_PART, <u64>cfgU32(CFG_GUEST_QDISC_LEN), n);
  let stageLimit = <u64>cfgU32(CFG_TCP_WINDOW_SEGS) * (1 + <u64>cfgU32(CFG_TX_STREAMS_PER_GUEST)) + 2 * <u64>RING_SIZE;
  memFifos(MEM_PART, stageLimit, n);
}

/** Guest VCPU that runs netfront's interrupt and NAPI for guest g. */
export function netfrontVcpu(g: u32): u32 {
  return unchecked(nfVcpu[g]);
}

// ---- interrupt and TX completion -----------------------------------------------------------------

/** Start of netif_int on v: its cost and the TX responses it will reclaim. */
export function netfrontInterruptStart(v: u32, g: u32): void {
  charge(COMP_NETFRONT, costCycles(COST_NF_IRQ));
  let r = txRingOf(g);
  let gc = ringRspProd(r) - ringRspCons(r);
  charge(COMP_NETFRONT, costTimes(COST_NF_TX_GC_PKT, gc));
}

/** Start of xennet_rx_interrupt on v (split event channels): its cost. */
export function netfrontRxInterruptStart(v: u32, g: u32): void {
  charge(COMP_NETFRONT, costCycles(COST_NF_IRQ));
}

/** xennet_rx_interrupt: NAPI schedule if RX responses wait. */
export function netfrontRxInterruptFinish(v: u32, g: u32): void {
  if (ringUnconsumedResponses(rxRingOf(g)) > 0) napiSchedule(unchecked(nfNapi[g]), v);
}

/** xennet_tx_interrupt (split event channels): the TX buffer GC only. */
export function netfrontTxInterruptFinish(v: u32, g: u32): void {
  txGc(v, g, false);
}

export function netfrontInterruptFinish(v: u32, g: u32): void {
  txGc(v, g, false);
  if (ringUnconsumedResponses(rxRingOf(g)) > 0) napiSchedule(unchecked(nfNapi[g]), v);
}

/** network_tx_buf_gc: consume TX responses, re-arm rsp_event, wake the queue. */
function txGc(v: u32, g: u32, charged: bool): void {
  let r = txRingOf(g);
  let prod = ringRspProd(r);
  let n = prod - ringRspCons(r);
  if (tsqLimit > 0) tsqTxFreed(v, g, ringRspCons(r), prod);
  ringSetRspCons(r, prod);
  // Ask for a callback once half of the still-outstanding requests are answered (D8).
  ringSetRspEvent(r, prod + ((ringReqProd(r) - prod) >> 1) + 1);
  if (!charged && n > 0) {
    // GC done from start_xmit is charged here; the interrupt path charged it up front.
  }
  if (unchecked(txStopped[g]) && txSlotAvailable(g)) {
    unchecked((txStopped[g] = 0));
    let qd = unchecked(txQdisc[g]);
    while (fifoLen(qd) > 0 && !unchecked(txStopped[g])) xmitOne(v, g, fifoPop(qd));
  }
}

/** A TCP data packet p that netfront drops before the ring: kfree_skb runs its destructor on v. */
// @ts-ignore: decorator
@inline function txDropFree(v: u32, p: u32): void {
  if (tsqLimit > 0 && pkKind(p) == KIND_DATA) tsqFree(v, pkFlow(p), pkBytes(p));
}

function txSlotAvailable(g: u32): bool {
  let r = txRingOf(g);
  return ringReqProdPvt(r) - ringRspCons(r) < RING_SIZE - txSlotsReserve;
}

// ---- transmit ---------------------------------------------------------------------------------------

/** The guest stack sends packet p (the stack charged its own work): p leaves when the job ends,
 *  and the driver's xmit (netfront's, or the VF driver's) is charged when it runs. */
export function netfrontStage(g: u32, p: u32): void {
  let st = unchecked(staged[g]);
  if (fifoFull(st)) {
    txDropFree(curV, p);
    pktDrop(ST_DROP_GUEST_QDISC, p);
    return;
  }
  fifoPush(st, p);
}

/** End of a guest job on v: dev_queue_xmit every staged packet of guest g, in order. Inlined
 *  test: three guest jobs in four stage nothing, and then cost a look at the queue, not a call. */
// @ts-ignore: decorator
@inline export function netfrontFlushStaged(v: u32, g: u32): void {
  let st = unchecked(staged[g]);
  let n = fifoLen(st);
  if (n != 0) xmitStaged(v, g, st, n);
}

/** netfrontFlushStaged for the n packets staged on queue st. */
function xmitStaged(v: u32, g: u32, st: i32, n: u32): void {
  if (g < vfGuests) {
    for (let i: u32 = 0; i < n; i++) vfXmit(v, g, fifoPop(st));
    return;
  }
  let qd = unchecked(txQdisc[g]);
  for (let i: u32 = 0; i < n; i++) {
    let p = fifoPop(st);
    if (unchecked(txStopped[g]) || fifoLen(qd) > 0) {
      if (fifoFull(qd)) {
        txDropFree(v, p);
        pktDrop(ST_DROP_GUEST_QDISC, p);
      } else fifoPush(qd, p);
      continue;
    }
    xmitOne(v, g, p);
  }
}

/** network_start_xmit for one packet on VCPU v, once per packet: for a packet dev_queue_xmit
 *  hands over at once, or one the qdisc releases when TX slots are reclaimed. */
function xmitOne(v: u32, g: u32, p: u32): void {
  chargeLate(v, COMP_NETFRONT, costCycles(COST_NF_TX_PKT));
  let r = txRingOf(g);
  let idx = ringReqProdPvt(r);
  // The packet is named in its first slot; netback reads how many slots follow from it.
  ringSlotSet(r, idx, p);
  let slots = netifTxSlots(p);
  if (tsqLimit > 0 && pkKind(p) == KIND_DATA) tsqTxHeld(g, idx + slots - 1, pkFlow(p), pkBytes(p));
  ringSetReqProdPvt(r, idx + slots);
  if (ringPushRequests(r)) {
    statInc(ST_NOTIFY_NF_TX);
    outboxAdd(v, nbPort(g));
  } else statInc(ST_NOTIFY_NF_TX_SUPPRESSED);
  // network_tx_buf_gc on every transmit reclaims what netback already answered.
  let gcN = ringRspProd(r) - ringRspCons(r);
  if (gcN > 0) {
    chargeLate(v, COMP_NETFRONT, costTimes(COST_NF_TX_GC_PKT, gcN));
    txGc(v, g, true);
  }
  if (!txSlotAvailable(g)) unchecked((txStopped[g] = 1));
}

// ---- receive: NAPI poll -------------------------------------------------------------------------------

export function netfrontPollStart(v: u32, g: u32, quota: u32): u32 {
  statInc(ST_NAPI_POLLS_GUEST);
  let r = rxRingOf(g);
  let avail = ringUnconsumedResponses(r);
  let cons = ringRspCons(r);
  // Up to `quota` skbs; an skb netback passed whole (GSO on receive) spans several responses.
  let k: u32 = 0;
  let resp: u32 = 0;
  if (gsoRx) {
    while (k < quota && resp < avail) {
      resp += netifRxSlots(ringSlotGet(r, cons + resp));
      k++;
    }
  } else {
    k = avail < quota ? avail : quota;
    resp = k;
  }
  charge(COMP_SOFTIRQ, costCycles(COST_NAPI_POLL));
  charge(COMP_NETFRONT, costTimes(COST_NF_RX_PKT, resp));
  let i: u32 = 0;
  while (i < resp) {
    let p = ringSlotGet(r, cons + i);
    i += gsoRx ? netifRxSlots(p) : 1;
    if (lro && pkKind(p) == KIND_DATA && flowDirRx(pkFlow(p))) {
      lroReceive(g, p);
      lroPassUp(v, g);
    } else stackDeliver(v, g, p);
  }
  ringSetRspCons(r, cons + resp);
  guestStatAdd(g, GS_RX_PKTS, resp);
  if (lro) {
    lroFlushAll(g);
    lroPassUp(v, g);
  }
  let a = rxTargetAdapt(unchecked(rxTarget[g]), rxTargetMin, rxTargetMax, ringReqProdPvt(r), ringRspProd(r), ringRspCons(r));
  let target = <u32>(a >> 32);
  let batch = <u32>a;
  if (batch > 0) charge(COMP_NETFRONT, costTimes(COST_NF_REFILL_BUF, batch));
  unchecked((rxTarget[g] = target));
  unchecked((pollRefill[g] = batch));
  return k;
}

/** What LRO flushed (aggregates, lone segments) goes up the guest stack, in order. The test for
 *  an empty queue is inlined into the poll: most segments merge into an aggregate and flush
 *  nothing, and then cost a look at the queue instead of a call. */
// @ts-ignore: decorator
@inline function lroPassUp(v: u32, g: u32): void {
  let q = lroOutput(g);
  if (fifoLen(q) > 0) lroDeliver(v, g, q);
}

/** lroPassUp for a non-empty queue q. */
function lroDeliver(v: u32, g: u32, q: i32): void {
  while (fifoLen(q) > 0) stackDeliver(v, g, fifoPop(q));
}

/** rx_target adaptation at the end of a poll, with `posted` requests (req_prod_pvt), `produced`
 *  responses (rsp_prod) and `consumed` responses (rsp_cons, after this poll). Returns the new
 *  target << 32 | the refill batch (0: not worth a refill yet). */
export function rxTargetAdapt(target: u32, min: u32, max: u32, posted: u32, produced: u32, consumed: u32): u64 {
  // Linear decrease when plenty is outstanding (D4)...
  if (posted - produced > (3 * target) / 4) target = target > min ? target - 1 : min;
  // ...network_alloc_rx_buffers: refill only a batch worth the effort (D3)...
  let outstanding = posted - consumed;
  let batch: u32 = target > outstanding ? target - outstanding : 0;
  if (batch < target / 2) batch = 0;
  // ...and exponential increase when the ring nearly ran dry.
  if (batch > 0 && posted - produced < target / 4) target = target * 2 < max ? target * 2 : max;
  return (<u64>target << 32) | <u64>batch;
}

export function netfrontPollFinish(v: u32, g: u32, work: u32, exhausted: bool): bool {
  let r = rxRingOf(g);
  let batch = unchecked(pollRefill[g]);
  if (batch > 0) {
    ringSetReqProdPvt(r, ringReqProdPvt(r) + batch);
    if (ringPushRequests(r)) {
      statInc(ST_NOTIFY_NF_RX);
      outboxAdd(v, nbRxPort(g));
    } else statInc(ST_NOTIFY_NF_RX_SUPPRESSED);
  }
  appWake(g);
  if (exhausted) return false;
  // Going idle: re-arm rsp_event and look once more (RING_FINAL_CHECK_FOR_RESPONSES).
  if (ringFinalCheckResponses(r)) {
    statInc(ST_FINAL_CHECK_REPOLLS);
    return false;
  }
  return true;
}

/** Packets netfront holds: staged, in the guest qdisc, in TX requests not yet taken by
 *  netback, and RX responses netfront has not consumed (conservation walk). */
export function netfrontHeldUnits(): u64 {
  let s: u64 = 0;
  for (let g: u32 = 0; g < nGuests; g++) {
    let st = unchecked(staged[g]);
    for (let i: u32 = 0; i < fifoLen(st); i++) s += pktUnits(fifoAt(st, i));
    let qd = unchecked(txQdisc[g]);
    for (let i: u32 = 0; i < fifoLen(qd); i++) s += pktUnits(fifoAt(qd, i));
    let tr = txRingOf(g);
    for (let i = ringReqCons(tr); i != ringReqProd(tr);) {
      let p = ringSlotGet(tr, i);
      s += pktUnits(p);
      i += netifTxSlots(p);
    }
    let rr = rxRingOf(g);
    for (let i = ringRspCons(rr); i != ringRspProd(rr);) {
      let p = ringSlotGet(rr, i);
      s += pktUnits(p);
      i += netifRxSlots(p);
    }
  }
  return s;
}
