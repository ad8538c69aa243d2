// dom0's software bridge and per-CPU input backlog (net/bridge, net/core/dev.c).
//
// Models: RX direction, the bridge forwards each frame from the physical port to the vif of
// the guest it is addressed to (bridge FDB lookup; guest g sits behind port g % ports) by
// calling netback's start_xmit; the per-packet bridge cost is charged in the NIC poll that
// carries the frame. TX direction, netback's net_tx_action hands guest packets to netif_rx:
// they wait in the current CPU's backlog (netdev_max_backlog, drop when full) until the
// backlog NAPI (process_backlog, weight 64) runs the bridge and the physical driver's xmit. In
// netback's NAPI mode (Linux 3.12-3.14) the vif's poll hands each skb to netif_receive_skb, so
// the bridge and the driver's xmit run inside that poll (bridgeTxCharge, bridgeTxForward).
// A frame from one guest to another guest of the host (its destination MAC is behind another
// vif in the FDB) is forwarded from the backlog straight to that vif's start_xmit: it never
// reaches the physical driver, so it costs bridge work but no NIC xmit. A frame addressed to dom0
// itself (a guest's stream to a process in dom0) is passed up dom0's own stack (br_pass_frame_up,
// dom0/stack.ts) in the same poll: in the backlog's poll its IP and TCP receive work is charged to
// the poll, and the frames the poll forwards wait apart until the poll ends; in netback's NAPI
// poll, which hands the bridge its skbs only as it ends, that work is charged late (it delays the
// VCPU's next job by the same cycles). With netloop (netback.netloop, 2.6.18-xen: dom0's address on
// veth0 behind the vif0.0 port) such a frame is forwarded to vif0.0 instead: loopback_start_xmit
// copies the guest's fragments (dom0/stack.ts) and puts the skb back on this CPU's backlog with
// netif_rx, whose next pass takes it up the stack; the poll stays scheduled while the backlog holds
// frames (process_backlog's loop).
// With netback's multi-queue support (netback/common.ts, sources.md V9) the NIC has already
// demultiplexed a received frame into its guest's queue: the frame goes to netback without the
// bridge's lookup and forwarding (no bridge cost).
// Left out: STP, FDB learning/ageing, netfilter, multicast flooding.

import {
  CFG_DOM0_BACKLOG_MAX, CFG_NAPI_WEIGHT, CFG_NB_MULTI_QUEUE, CFG_NETLOOP, COMP_BRIDGE, COMP_SOFTIRQ,
  COST_BRIDGE_PKT, COST_NB_START_XMIT, COST_NAPI_POLL, ST_DROP_DOM0_BACKLOG, ST_NAPI_POLLS_DOM0,
} from "../../src/abi/layout";
import { cfgU32, costCycles, costTimes } from "../config";
import { statInc } from "../stats";
import { fifoNew, fifoLen, fifoPush, fifoPop, fifoFull, fifoAt } from "../base/fifo";
import { pkAux, pktDrop, pktUnits, pkLooped, PKT_NONE } from "../packet";
import { charge } from "../cpu/account";
import { napiAdd, napiSchedule, NAPI_BACKLOG } from "../kernel/napi";
import { nicXmit } from "../hw/nic";
import { guestPort } from "../hw/link";
import { netbackStartXmit } from "../netback/rx";
import { netbackTxRelease } from "../netback/common";
import { pktGuest, pktGuestToGuest, anyGuestToGuest, pktDom0Flow } from "../flows";
import { dom0StackRx, dom0StackRxLate, dom0StackInUse, dom0Netloop } from "./stack";
import { MEM_OTHER } from "../../src/abi/layout";
import { memArrays, memFifos, freshArray } from "../base/memory";

let backlog = new StaticArray<i32>(0);
let backlogNapi = new StaticArray<u32>(0);
/** With frames for dom0 itself: per VCPU, the frames a running backlog poll forwards (the others
 *  went up dom0's stack). */
let forwardQ = new StaticArray<i32>(0);
let anyToDom0: bool = false;
/** netback.netloop: frames to dom0 cross netloop (copied, then netif_rx again) before going up. */
let netloop: bool = false;
let loopQ = new StaticArray<i32>(0); // per VCPU: frames a running poll handed netloop
let nDom0: u32 = 0;
/** Received frames skip the bridge (the NIC demultiplexed them: netback multi-queue). */
let nicDemux: bool = false;

export function bridgeInit(dom0Vcpus: u32): void {
  nDom0 = dom0Vcpus;
  anyToDom0 = dom0StackInUse();
  netloop = anyToDom0 && cfgU32(CFG_NETLOOP) == 1;
  nicDemux = cfgU32(CFG_NB_MULTI_QUEUE) == 1;
  backlog = freshArray<i32>(<i32>dom0Vcpus);
  backlogNapi = freshArray<u32>(<i32>dom0Vcpus);
  let lim = cfgU32(CFG_DOM0_BACKLOG_MAX);
  let w = cfgU32(CFG_NAPI_WEIGHT);
  for (let v: u32 = 0; v < dom0Vcpus; v++) {
    unchecked((backlog[v] = fifoNew(lim)));
    unchecked((backlogNapi[v] = napiAdd(NAPI_BACKLOG, v, w)));
  }
  if (anyToDom0) {
    forwardQ = freshArray<i32>(<i32>dom0Vcpus);
    for (let v: u32 = 0; v < dom0Vcpus; v++) unchecked((forwardQ[v] = fifoNew(w)));
  }
  if (netloop) {
    loopQ = freshArray<i32>(<i32>dom0Vcpus);
    for (let v: u32 = 0; v < dom0Vcpus; v++) unchecked((loopQ[v] = fifoNew(w)));
  }
}

/** Tallies the bytes bridgeInit(dom0Vcpus) allocates. */
export function bridgeMemory(dom0Vcpus: u64): void {
  memArrays(MEM_OTHER, dom0Vcpus, 4, 2);
  memFifos(MEM_OTHER, <u64>cfgU32(CFG_DOM0_BACKLOG_MAX), dom0Vcpus);
  if (dom0StackInUse()) {
    memArrays(MEM_OTHER, dom0Vcpus, 4);
    memFifos(MEM_OTHER, <u64>cfgU32(CFG_NAPI_WEIGHT), dom0Vcpus);
    if (cfgU32(CFG_NETLOOP) == 1) {
      memArrays(MEM_OTHER, dom0Vcpus, 4);
      memFifos(MEM_OTHER, <u64>cfgU32(CFG_NAPI_WEIGHT), dom0Vcpus);
    }
  }
}

/** Charges the bridge's per-frame work for `k` frames of a NIC poll on the current VCPU. Returns
 *  the cycles each frame adds to the poll, netback's start_xmit included (it runs inside the poll
 *  for a frame its vif takes at once; netback/rx.ts charges it where it runs). */
export function bridgeRxCharge(k: u32): u64 {
  let xmitPer = costCycles(COST_NB_START_XMIT);
  if (nicDemux) return xmitPer;
  let brPer = costCycles(COST_BRIDGE_PKT);
  charge(COMP_BRIDGE, brPer * <u64>k);
  return brPer + xmitPer;
}

/** br_handle_frame -> br_forward -> dev_queue_xmit(vif): a frame from `port` to its guest. */
export function bridgeRx(v: u32, port: u32, p: u32): void {
  netbackStartXmit(v, pktGuest(p), p);
}

/** netif_rx on dom0 VCPU v (from net_tx_action). */
export function backlogEnqueue(v: u32, p: u32): void {
  let b = unchecked(backlog[v]);
  if (fifoFull(b)) {
    let aux = pkAux(p);
    if (aux != PKT_NONE) netbackTxRelease(v, aux); // kfree_skb releases the granted page
    pktDrop(ST_DROP_DOM0_BACKLOG, p);
    return;
  }
  fifoPush(b, p);
  napiSchedule(unchecked(backlogNapi[v]), v);
}

export function backlogPollStart(v: u32, idx: u32, quota: u32): u32 {
  statInc(ST_NAPI_POLLS_DOM0);
  let n = fifoLen(unchecked(backlog[idx]));
  let k = n < quota ? n : quota;
  charge(COMP_SOFTIRQ, costCycles(COST_NAPI_POLL));
  bridgeTxCharge(k);
  if (anyToDom0) passUp(v, idx, k);
  return k;
}

/** The poll's k frames: those addressed to dom0 go up its stack now (their receive work is part of
 *  this poll), the others wait in order to be forwarded when the poll ends. */
function passUp(v: u32, idx: u32, k: u32): void {
  let b = unchecked(backlog[idx]);
  let fq = unchecked(forwardQ[idx]);
  for (let i: u32 = 0; i < k; i++) {
    let p = fifoPop(b);
    if (!pktDom0Flow(p)) fifoPush(fq, p);
    else if (netloop && !pkLooped(p)) {
      // br_forward to vif0.0: loopback_start_xmit copies the guest's fragments; netif_rx at the end.
      dom0Netloop(p);
      fifoPush(unchecked(loopQ[idx]), p);
    } else dom0StackRx(v, p);
  }
}

export function backlogPollFinish(v: u32, idx: u32, work: u32, exhausted: bool): bool {
  let b = unchecked(backlog[idx]);
  if (anyToDom0) {
    b = unchecked(forwardQ[idx]);
    work = fifoLen(b);
  }
  for (let i: u32 = 0; i < work; i++) bridgeTxForward(v, fifoPop(b));
  if (netloop) {
    // netloop's netif_rx (on veth0) into this CPU's backlog: process_backlog goes on while it holds frames.
    let lq = unchecked(loopQ[idx]);
    while (fifoLen(lq) > 0) backlogEnqueue(v, fifoPop(lq));
    if (fifoLen(unchecked(backlog[idx])) > 0) return false;
  }
  return !exhausted;
}

/** The bridge's work on `k` guest packets, charged to the job that forwards them. The driver's
 *  xmit (hw/nic.ts) and netback's start_xmit (guest-to-guest frames) are charged where they run,
 *  once per frame, whether the frame goes out now or waits in a stopped queue (G6). */
// @ts-ignore: decorator
@inline export function bridgeTxCharge(k: u32): void {
  charge(COMP_BRIDGE, costTimes(COST_BRIDGE_PKT, k));
}

/** br_handle_frame -> br_forward on VCPU v for a guest's packet: to the physical port, or to the
 *  vif of the guest it is addressed to; br_pass_frame_up for one addressed to dom0 (from netback's
 *  NAPI poll: the backlog's poll passed its own up already). */
// @ts-ignore: decorator
@inline export function bridgeTxForward(v: u32, p: u32): void {
  if (anyToDom0 && pktDom0Flow(p)) dom0StackRxLate(v, p);
  else if (anyGuestToGuest && pktGuestToGuest(p)) netbackStartXmit(v, pktGuest(p), p);
  else nicXmit(v, guestPort(pktGuest(p)), p);
}

export function bridgeHeldUnits(): u64 {
  let s: u64 = 0;
  for (let v: u32 = 0; v < nDom0; v++) {
    let b = unchecked(backlog[v]);
    for (let i: u32 = 0; i < fifoLen(b); i++) s += pktUnits(fifoAt(b, i));
    if (anyToDom0) {
      let fq = unchecked(forwardQ[v]);
      for (let i: u32 = 0; i < fifoLen(fq); i++) s += pktUnits(fifoAt(fq, i));
    }
    if (netloop) {
      let lq = unchecked(loopQ[v]);
      for (let i: u32 = 0; i < fifoLen(lq); i++) s += pktUnits(fifoAt(lq, i));
    }
  }
  return s;
}
