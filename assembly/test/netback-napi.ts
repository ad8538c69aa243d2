// Mechanism test module: netback's NAPI mode (Linux 3.12-3.14) on the real netback/ files, the
// real NAPI and softirq state: the vif's TX interrupt schedules its NAPI instance on the VCPU
// that took it, a poll takes at most its quota (min of XENVIF_NAPI_WEIGHT and the budget left),
// builds no TX event while it runs and re-arms it when it completes, a poll that did less than
// its quota but finds new requests stays at the head of the poll list, and the skbs it passes
// to the bridge wake the receiving vif's unbound thread on the polling VCPU. Two vifs: guest 0
// sends one TCP flow to guest 1 (the bridge forwards it between the vifs, no NIC involved).
// Driven by test/assembly/netback-napi.test.ts.

import {
  CFG_NETBACK_GROUPS, CFG_GUESTS, CFG_NETBACK_QUEUE_LEN, CFG_NETBACK_CAN_QUEUE, CFG_NETBACK_SG, CFG_NB_MAX_SKB_FRAGS,
  CFG_COALESCE_COUNT, CFG_OFF_VIF_GROUP, CFG_OFF_GROUP_VCPU, CFG_OFF_VIF_VCPU, CFG_DOM0_BACKLOG_MAX, CFG_NAPI_WEIGHT,
  CFG_NB_PKT_PROT_LEN, CFG_NETBACK_MODE, CFG_NB_TX_COPY, CFG_TCP_HDR,
} from "../../src/abi/layout";
import { NETBACK_MODE_NAPI } from "../../src/abi/enums";
import { fifoLen, fifoPop, fifoAt } from "../base/fifo";
import { cfgU32 } from "../config";
import { pktAlloc, KIND_DATA } from "../packet";
import { flowsInit, flowGuest, flowSender, flowsMarkGuestToGuest } from "../flows";
import { accountInit, jobBegin } from "../cpu/account";
import { vcpuInit, vcpuStartJob, vPollList, vThreads, thrQueued } from "../cpu/vcpu";
import { taskletsInit } from "../kernel/tasklet";
import { napiInit, napiArg, napiQuota, napiPollBegin, napiPollEnd, napiPollExhausted, napiScheduled } from "../kernel/napi";
import { softirqInit } from "../kernel/softirq";
import { threadIdsInit, threadCount, kthreadId } from "../kernel/threads";
import { evtchnInit, portKindOf, nbPort, nbRxPort, nfPort, nfRxPort } from "../xen/evtchn";
import {
  ringsInit, ringSlotSet, txRingOf, rxRingOf, ringReqCons, ringReqEvent, ringReqProd, ringReqProdPvt,
  ringRspProdPvt, ringSetReqProd, ringSetReqProdPvt, ringSetReqEvent,
} from "../xen/ring";
import { bridgeInit } from "../dom0/bridge";
import { netbackCommonInit } from "../netback/common";
import { coalesceInit } from "../netback/coalesce";
import { netbackRxInit, rxQueued } from "../netback/rx";
import { netbackTxInit } from "../netback/tx";
import { netbackKthreadInit } from "../netback/kthread";
import { netbackTxIrq, netbackPollStart, netbackPollFinish } from "../netback/napi";
import { worldInit, cfgPut, cfgTableFill } from "./world";

const DOM0_VCPUS: u32 = 2;
let seq: u32 = 0;
// The poll in progress (started by pollStart, ended by pollFinish).
let curN: u32 = 0;
let curV: u32 = 0;
let curWork: u32 = 0;

/** Two dom0 VCPUs (both busy, so new work only queues), two guests of one VCPU each, two vifs. */
export function setup(): void {
  worldInit(2, DOM0_VCPUS + 2);
  cfgPut(CFG_NETBACK_MODE, NETBACK_MODE_NAPI);
  cfgPut(CFG_NB_TX_COPY, 1);
  cfgPut(CFG_NB_PKT_PROT_LEN, 64);
  cfgPut(CFG_TCP_HDR, 32);
  cfgPut(CFG_NETBACK_GROUPS, 2);
  cfgPut(CFG_GUESTS, 2);
  cfgPut(CFG_NETBACK_QUEUE_LEN, 32);
  cfgPut(CFG_NETBACK_CAN_QUEUE, 1);
  cfgPut(CFG_NETBACK_SG, 1);
  cfgPut(CFG_NB_MAX_SKB_FRAGS, 17);
  cfgPut(CFG_COALESCE_COUNT, 1);
  cfgPut(CFG_DOM0_BACKLOG_MAX, 1000);
  cfgPut(CFG_NAPI_WEIGHT, 64);
  cfgTableFill(CFG_OFF_VIF_GROUP, 2, 0); // vif i in group i: one group per vif
  cfgPut(<i32>cfgU32(CFG_OFF_VIF_GROUP) + 1, 1);
  cfgTableFill(CFG_OFF_GROUP_VCPU, 2, 0); // the kthread placement table: not used by this mode
  cfgTableFill(CFG_OFF_VIF_VCPU, 2, 1);
  flowsInit(1, 0, 0);
  unchecked((flowGuest[0] = 1)); // TCP flow 0: guest 0 sends to guest 1
  unchecked((flowSender[0] = 0));
  flowsMarkGuestToGuest();
  let V = DOM0_VCPUS + 2;
  accountInit(V);
  threadIdsInit(2, 2);
  let threads = threadCount(V);
  vcpuInit(DOM0_VCPUS, 2, 1, 16, 8, 4, threads, 16, 4, 2, false, 2);
  for (let v: u32 = 0; v < DOM0_VCPUS; v++) vcpuStartJob(v, 0, 0, 1000000);
  taskletsInit(4);
  napiInit(4);
  softirqInit(V, 300, 10);
  evtchnInit(0, 2, DOM0_VCPUS, 0, 2);
  ringsInit(4);
  bridgeInit(DOM0_VCPUS);
  netbackCommonInit();
  netbackRxInit();
  netbackTxInit();
  coalesceInit();
  netbackKthreadInit();
  // Guest 1 posts 256 RX requests (its vif takes what guest 0 sends).
  let r = rxRingOf(1);
  ringSetReqProdPvt(r, 256);
  ringSetReqProd(r, 256);
  seq = 0;
}

// ---- the vif's channels ----
/** Port kinds of vif 0's four channel ends: backend TX, frontend TX, backend RX, frontend RX. */
export function portKinds(): u32 {
  return (
    (<u32>portKindOf(nbPort(0)) << 24) | (<u32>portKindOf(nfPort(0)) << 16) | (<u32>portKindOf(nbRxPort(0)) << 8) |
    <u32>portKindOf(nfRxPort(0))
  );
}

// ---- guest 0 transmits ----
/** Guest 0 posts n MTU-sized TCP segments to its TX ring (one request each). */
export function postTx(vif: u32, n: u32): void {
  let r = txRingOf(vif);
  for (let i: u32 = 0; i < n; i++) {
    let p = pktAlloc(KIND_DATA, 0, seq++, 1448, 1538);
    let idx = ringReqProdPvt(r);
    ringSlotSet(r, idx, p);
    ringSetReqProdPvt(r, idx + 1);
  }
  ringSetReqProd(r, ringReqProdPvt(r));
}
/** Sets vif's TX req_event (what the frontend's next push compares against). */
export function setTxReqEvent(vif: u32, e: u32): void {
  ringSetReqEvent(txRingOf(vif), e);
}
export function txReqEvent(vif: u32): u32 {
  return ringReqEvent(txRingOf(vif));
}
export function txReqCons(vif: u32): u32 {
  return ringReqCons(txRingOf(vif));
}
export function txReqProd(vif: u32): u32 {
  return ringReqProd(txRingOf(vif));
}
export function txResponses(vif: u32): u32 {
  return ringRspProdPvt(txRingOf(vif));
}

// ---- interrupts and NET_RX polls ----
/** xenvif_tx_interrupt of vif on dom0 VCPU v. */
export function txIrq(v: u32, vif: u32): void {
  netbackTxIrq(v, vif);
}
/** NAPI instances on v's poll list. */
export function pollListLen(v: u32): u32 {
  return fifoLen(unchecked(vPollList[v]));
}
/** Entry i of v's poll list (0 = head). */
export function pollListAt(v: u32, i: u32): u32 {
  return fifoAt(unchecked(vPollList[v]), i);
}
/** Whether NAPI instance n is scheduled. */
export function scheduled(n: u32): u32 {
  return napiScheduled(n) ? 1 : 0;
}
/** net_rx_action on v takes the head of its poll list and starts its poll with `budgetLeft`;
 *  returns the skbs the poll takes. */
export function pollStart(v: u32, budgetLeft: u32): u32 {
  // softirqNext takes the head of the list; the poll's end lists it again unless it completes.
  curN = fifoPop(unchecked(vPollList[v]));
  curV = v;
  jobBegin(v, 0);
  let quota = napiQuota(curN, budgetLeft);
  curWork = netbackPollStart(v, napiArg(curN), quota);
  napiPollBegin(curN, quota, curWork);
  return curWork;
}
/** The poll's job ends: its effects, then complete or stay listed. Returns 1 if it completed. */
export function pollFinish(): u32 {
  let c = netbackPollFinish(curV, napiArg(curN), curWork, napiPollExhausted(curN));
  napiPollEnd(curV, curN, c);
  return c ? 1 : 0;
}

// ---- guest 1's receive side: the vif's thread ----
/** Whether vif's thread is runnable on dom0 VCPU v. */
export function threadOn(v: u32, vif: u32): u32 {
  let q = unchecked(vThreads[v]);
  let t = kthreadId(vif);
  for (let i: u32 = 0; i < fifoLen(q); i++) if (fifoAt(q, i) == t) return 1;
  return 0;
}
export function threadQueued(vif: u32): u32 {
  return unchecked(thrQueued[kthreadId(vif)]);
}
/** Whether skbs wait for vif's thread (its rx_queue). */
export function rxWaiting(vif: u32): u32 {
  return rxQueued(vif) ? 1 : 0;
}
