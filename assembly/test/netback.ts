// Mechanism test module: netback's vif queue stop/wake (start_xmit, net_rx_action, netif_be_int)
// and its pending ring (net_tx_action, netif_idx_release, dealloc, the release at once of a
// request copied whole under PKT_PROT_LEN), on the real netback/ files
// with one vif in one group (tasklet mode). Driven by test/assembly/netback.test.ts.

import {
  CFG_NETBACK_GROUPS, CFG_GUESTS, CFG_NETBACK_QUEUE_LEN, CFG_NETBACK_CAN_QUEUE, CFG_NETBACK_SG, CFG_NB_MAX_SKB_FRAGS,
  CFG_COALESCE_COUNT, CFG_OFF_VIF_GROUP, CFG_OFF_GROUP_VCPU, CFG_OFF_VIF_VCPU, CFG_DOM0_BACKLOG_MAX, CFG_NAPI_WEIGHT,
  CFG_NB_PKT_PROT_LEN, CFG_TCP_HDR, ST_DROP_VIF_QDISC, ST_VIF_QUEUE_STOPS,
} from "../../src/abi/layout";
import { fifoLen, fifoPop } from "../base/fifo";
import { pktAlloc, pkAux, KIND_DATA, KIND_ACK, PKT_NONE } from "../packet";
import { flowsInit } from "../flows";
import { accountInit, jobBegin } from "../cpu/account";
import { vcpuInit, vcpuStartJob, vTasklets } from "../cpu/vcpu";
import { taskletsInit, taskletTryRun, taskletDone } from "../kernel/tasklet";
import { napiInit } from "../kernel/napi";
import { threadIdsInit } from "../kernel/threads";
import { evtchnInit } from "../xen/evtchn";
import {
  ringsInit, ringSlotSet, txRingOf, rxRingOf, ringReqCons, ringReqEvent, ringReqProd, ringReqProdPvt,
  ringRspProdPvt, ringSetReqProd, ringSetReqProdPvt,
} from "../xen/ring";
import { bridgeInit } from "../dom0/bridge";
import { netbackCommonInit } from "../netback/common";
import { coalesceInit } from "../netback/coalesce";
import {
  netbackRxInit, netbackStartXmit, netbackRxStart, netbackRxFinish, netbackVifStopped, netbackVifQueueLen,
} from "../netback/rx";
import { netbackTxInit, netbackInterrupt, netbackTxStart, netbackTxFinish, netbackPendingCount } from "../netback/tx";
import { netbackTxRelease } from "../netback/common";
import { worldInit, cfgPut, cfgTableFill, counter } from "./world";

let posted = new StaticArray<u32>(512); // TX packets the guest posted, in order
let nPosted: u32 = 0;
let seq: u32 = 0;

/** dom0 VCPU 0 (busy, so work queues without wake-ups) and guest 0's VCPU 1; one vif. */
export function setup(qdiscLen: u32): void {
  init(qdiscLen, 0);
}

/** The same with netback's PKT_PROT_LEN set and TCP headers with timestamps (32 bytes: an ACK
 *  frame is 66 bytes). */
export function setupProtLen(qdiscLen: u32, protLen: u32): void {
  init(qdiscLen, protLen);
}

function init(qdiscLen: u32, protLen: u32): void {
  worldInit(1, 2);
  if (protLen > 0) {
    cfgPut(CFG_NB_PKT_PROT_LEN, protLen);
    cfgPut(CFG_TCP_HDR, 32);
  }
  cfgPut(CFG_NETBACK_GROUPS, 1);
  cfgPut(CFG_GUESTS, 1);
  cfgPut(CFG_NETBACK_QUEUE_LEN, qdiscLen);
  cfgPut(CFG_NETBACK_CAN_QUEUE, 1);
  cfgPut(CFG_NETBACK_SG, 1);
  cfgPut(CFG_NB_MAX_SKB_FRAGS, 18); // 2.6.18's MAX_SKB_FRAGS: a stopped vif wants 20 requests
  cfgPut(CFG_COALESCE_COUNT, 1);
  cfgPut(CFG_DOM0_BACKLOG_MAX, 1000);
  cfgPut(CFG_NAPI_WEIGHT, 64);
  cfgTableFill(CFG_OFF_VIF_GROUP, 1, 0);
  cfgTableFill(CFG_OFF_GROUP_VCPU, 1, 0);
  cfgTableFill(CFG_OFF_VIF_VCPU, 1, 0);
  flowsInit(1, 0, 0); // TCP flow 0 belongs to guest 0
  accountInit(2);
  threadIdsInit(1, 1);
  vcpuInit(1, 1, 1, 8, 4, 2, 8, 8, 2, 8, false);
  vcpuStartJob(0, 0, 0, 1000000);
  taskletsInit(2);
  napiInit(1);
  evtchnInit(0, 1, 1, 0);
  ringsInit(2);
  bridgeInit(1);
  netbackCommonInit();
  netbackRxInit();
  netbackTxInit();
  coalesceInit();
  nPosted = 0;
}

// ---- guest RX: the frontend posts RX requests, the bridge forwards frames ----
export function postRx(n: u32): void {
  let r = rxRingOf(0);
  ringSetReqProdPvt(r, ringReqProdPvt(r) + n);
  ringSetReqProd(r, ringReqProdPvt(r));
}
export function xmit(n: u32): void {
  for (let i: u32 = 0; i < n; i++) netbackStartXmit(0, 0, pktAlloc(KIND_DATA, 0, seq++, 1448, 1538));
}
/** net_rx_action on dom0 VCPU 0. Returns RX responses produced so far. */
export function rxAction(): u32 {
  jobBegin(0, 0); // the tasklet job being composed on dom0 VCPU 0
  netbackRxStart(0, 0);
  netbackRxFinish(0, 0);
  return ringRspProdPvt(rxRingOf(0));
}
export function stopped(): u32 {
  return netbackVifStopped(0) ? 1 : 0;
}
export function qdiscLen(): u32 {
  return netbackVifQueueLen(0);
}
export function rxReqEvent(): u32 {
  return ringReqEvent(rxRingOf(0));
}
export function qdiscDrops(): u64 {
  return counter(ST_DROP_VIF_QDISC);
}
export function queueStops(): u64 {
  return counter(ST_VIF_QUEUE_STOPS);
}

// ---- guest TX: the frontend posts TX requests and notifies ----
export function postTx(n: u32): void {
  let r = txRingOf(0);
  for (let i: u32 = 0; i < n; i++) {
    let p = pktAlloc(KIND_DATA, 0, seq++, 1448, 1538);
    unchecked((posted[nPosted++] = p));
    let idx = ringReqProdPvt(r);
    ringSlotSet(r, idx, p);
    ringSetReqProdPvt(r, idx + 1);
  }
  ringSetReqProd(r, ringReqProdPvt(r));
}
/** The guest posts n pure ACKs (one request each, a 66-byte frame with TCP timestamps). */
export function postTxAcks(n: u32): void {
  let r = txRingOf(0);
  for (let i: u32 = 0; i < n; i++) {
    let p = pktAlloc(KIND_ACK, 0, seq, 0, 66);
    unchecked((posted[nPosted++] = p));
    let idx = ringReqProdPvt(r);
    ringSlotSet(r, idx, p);
    ringSetReqProdPvt(r, idx + 1);
  }
  ringSetReqProd(r, ringReqProdPvt(r));
}
/** Posted packets [from, from + n) whose skb still holds a pending slot (to be released when
 *  the NIC frees it). */
export function holdingSlot(from: u32, n: u32): u32 {
  let c: u32 = 0;
  for (let i = from; i < from + n; i++) if (pkAux(unchecked(posted[i])) != PKT_NONE) c++;
  return c;
}
/** netif_be_int on dom0 VCPU 0 (the frontend's notification). */
export function interrupt(): void {
  netbackInterrupt(0, 0);
}
/** Tasklets listed on dom0 VCPU 0 (the TX or RX bottom half was scheduled). */
export function bottomHalvesListed(): u32 {
  return fifoLen(unchecked(vTasklets[0]));
}
/** tasklet_action on dom0 VCPU 0 runs the listed TX tasklet (net_tx_action) once; 0 if none
 *  was listed. */
export function txAction(): u32 {
  let tl = unchecked(vTasklets[0]);
  if (fifoLen(tl) == 0) return 0;
  let t = fifoPop(tl);
  taskletTryRun(0, t);
  jobBegin(0, 0);
  netbackTxStart(0, 0);
  netbackTxFinish(0, 0);
  taskletDone(t);
  return 1;
}
export function pending(): u32 {
  return netbackPendingCount(0);
}
export function txUnconsumed(): u32 {
  let r = txRingOf(0);
  return ringReqProd(r) - ringReqCons(r);
}
export function txResponses(): u32 {
  return ringRspProdPvt(txRingOf(0));
}
/** The NIC freed the skbs of posted packets [from, from + n): netif_idx_release. */
export function release(from: u32, n: u32): void {
  for (let i = from; i < from + n; i++) netbackTxRelease(0, pkAux(unchecked(posted[i])));
}
