// SR-IOV virtual functions: direct assignment of a NIC queue pair to a guest, as Dong et al.
// (HPCA 2010) build it in Xen (sources.md V14, H6-H8). One VF per guest that owns one: the
// guest runs the VF driver (igbvf / ixgbevf) itself and dom0 is not on its data path.
//
// Models, per VF:
//  - RX: the NIC's layer-2 sorter (nic.ts nicRxArrive) puts a frame addressed to the guest in
//    the VF's own descriptor ring, DMA'd straight into guest memory (VT-d maps the guest's
//    pages for the device: no grant, no copy, no bridge, no netback); drop when no descriptor
//    is free;
//  - its MSI-X interrupt: moderated as the PF's queues (igbvf has the same dynamic
//    conservative ITR classes, H8), raised through Xen as a physical IRQ that Xen injects into
//    the guest VCPU the VF's port is bound to (the guest's VCPU0), charged to that VCPU as
//    costs.vfIrqInjectCycles on top of the ordinary upcall;
//  - the guest's VF driver: hardirq (costs.nicIrqCycles), NAPI poll in the guest's NET_RX
//    softirq (weight netfront.napiWeight): TX clean, RX clean per frame (costs.nicRxPacketCycles),
//    then netif_receive_skb into the guest stack; napi_complete updates the ITR and unmasks;
//  - TX: the guest stack's packets leave at the end of the job (netfront.ts stages them) through
//    the VF driver's xmit (costs.nicTxPacketCycles, once per packet where it runs) onto the VF's own TX
//    descriptor ring, with a qdisc (nic.txQueueLenPackets) in front; the VF's frames share the
//    port's wire with the PF's (link.ts serializes both in order of hand-over).
// Left out: the NIC's internal VF-to-VF switch (guest-to-guest traffic between VF guests is
// refused by the configuration), the PF-VF mailbox, IOTLB misses of VT-d, LRO in the VF driver,
// VF rate limiting, live migration.

import {
  CFG_SRIOV_GUESTS, CFG_PORTS, CFG_GUEST_VCPUS, CFG_NIC_RX_RING, CFG_NIC_TX_RING, CFG_NIC_QDISC_LEN,
  CFG_NF_WEIGHT, CFG_RXQ_PER_PORT, COMP_NIC, COMP_XEN, COMP_SOFTIRQ, COST_NAPI_POLL, COST_NIC_RX_PKT,
  COST_NIC_IRQ, COST_NIC_TX_CLEAN_PKT, COST_NIC_TX_PKT, COST_VF_IRQ_INJECT, ST_DROP_NIC_RX_RING,
  ST_NIC_RX_FRAMES, ST_NIC_IRQS, ST_NIC_TX_FRAMES, ST_DROP_NIC_QDISC, ST_NAPI_POLLS_GUEST, GS_RX_PKTS,
  MEM_NIC as MEM_PART,
} from "../../src/abi/layout";
import { ITR_MODE_DYNAMIC } from "../../src/abi/enums";
import { cfgU32, costCycles, costTimes } from "../config";
import { statInc, guestStatAdd } from "../stats";
import { eqPush, eqNow } from "../base/eventq";
import { EV_NIC_IRQ, EV_NIC_TXDONE } from "../base/targets";
import { fifoNew, fifoLen, fifoPush, fifoPop, fifoFull, fifoAt, pow2ceil } from "../base/fifo";
import { pkSetBirth, pkWire, pktUnits, pktDrop } from "../packet";
import { charge, chargeLate } from "../cpu/account";
import { nDom0Vcpus } from "../cpu/vcpu";
import { napiAdd, napiSchedule, NAPI_VF } from "../kernel/napi";
import { evtchnSend, evtchnBind, vfPort } from "../xen/evtchn";
import { linkSend, outLink } from "./link";
import { itrSpacing, itrCountRx, itrCountTx, itrUpdate, itrMode } from "./itr";
import { stackDeliver, appWake } from "../guest/stack";
import { memArrays, memFifos, pow2ceil64, freshArray } from "../base/memory";

const NEVER: u64 = u64.MAX_VALUE;

/** Guests 0 .. nVf-1 own VF 0 .. nVf-1 (VF i belongs to guest i). */
export let nVf: u32 = 0;
let nPorts: u32 = 0;
/** Index of VF 0's RX queue among the NIC's queues (after the PF's): its ITR slot and event index. */
let qBase: u32 = 0;

let vfPortOf = new StaticArray<u32>(0);
let vfNapi = new StaticArray<u32>(0);
let rxRing = new StaticArray<i32>(0);
let irqEnabled = new StaticArray<u8>(0);
let irqEventAt = new StaticArray<u64>(0);
let lastIrq = new StaticArray<u64>(0);
let pollClean = new StaticArray<u32>(0);
let txCap: u32 = 0;
let txLimit: u32 = 0;
let txHead = new StaticArray<u32>(0);
let txTail = new StaticArray<u32>(0);
let txDepart = new StaticArray<u64>(0);
let txBytes = new StaticArray<u32>(0);
let txQdisc = new StaticArray<i32>(0);
let txDoneAt = new StaticArray<u64>(0);

export function vfInit(): void {
  nVf = cfgU32(CFG_SRIOV_GUESTS);
  nPorts = cfgU32(CFG_PORTS);
  qBase = nPorts * cfgU32(CFG_RXQ_PER_PORT);
  let n = <i32>nVf;
  vfPortOf = freshArray<u32>(n);
  vfNapi = freshArray<u32>(n);
  rxRing = freshArray<i32>(n);
  irqEnabled = freshArray<u8>(n);
  irqEventAt = freshArray<u64>(n);
  lastIrq = freshArray<u64>(n);
  pollClean = freshArray<u32>(n);
  txLimit = cfgU32(CFG_NIC_TX_RING);
  txCap = pow2ceil(txLimit);
  txHead = freshArray<u32>(n);
  txTail = freshArray<u32>(n);
  txDepart = freshArray<u64>(n * <i32>txCap);
  txBytes = freshArray<u32>(n * <i32>txCap);
  txQdisc = freshArray<i32>(n);
  txDoneAt = freshArray<u64>(n);
  let ringLen = cfgU32(CFG_NIC_RX_RING);
  let qlen = cfgU32(CFG_NIC_QDISC_LEN);
  let weight = cfgU32(CFG_NF_WEIGHT);
  let gv = cfgU32(CFG_GUEST_VCPUS);
  for (let vf: u32 = 0; vf < nVf; vf++) {
    unchecked((vfPortOf[vf] = vf % nPorts)); // guest g sits behind port g % ports
    unchecked((rxRing[vf] = fifoNew(ringLen)));
    unchecked((vfNapi[vf] = napiAdd(NAPI_VF, vf, weight)));
    unchecked((irqEnabled[vf] = 1));
    unchecked((irqEventAt[vf] = NEVER));
    unchecked((txQdisc[vf] = fifoNew(qlen)));
    unchecked((txDoneAt[vf] = NEVER));
    evtchnBind(vfPort(vf), nDom0Vcpus + vf * gv); // the guest's VCPU0 takes the VF's interrupt
  }
}

/** Tallies the bytes vfInit() allocates. */
export function vfMemory(): void {
  let n = <u64>cfgU32(CFG_SRIOV_GUESTS);
  let cap = pow2ceil64(<u64>cfgU32(CFG_NIC_TX_RING));
  memArrays(MEM_PART, n, 4, 2);
  memArrays(MEM_PART, n, 4);
  memArrays(MEM_PART, n, 1);
  memArrays(MEM_PART, n, 8, 2);
  memArrays(MEM_PART, n, 4);
  memArrays(MEM_PART, n, 4, 2);
  memArrays(MEM_PART, n * cap, 8);
  memArrays(MEM_PART, n * cap, 4);
  memArrays(MEM_PART, n, 4);
  memArrays(MEM_PART, n, 8);
  memFifos(MEM_PART, <u64>cfgU32(CFG_NIC_RX_RING), n);
  memFifos(MEM_PART, <u64>cfgU32(CFG_NIC_QDISC_LEN), n);
}

// @ts-ignore: decorator
@inline function txPending(vf: u32): u32 {
  return unchecked(txTail[vf]) - unchecked(txHead[vf]);
}

// @ts-ignore: decorator
@inline function txSlot(vf: u32, i: u32): u32 {
  return vf * txCap + (i & (txCap - 1));
}

/** TX descriptors of the VF whose frames have left the wire (cleanable now). */
function txCompleted(vf: u32): u32 {
  let h = unchecked(txHead[vf]);
  let t = unchecked(txTail[vf]);
  let c: u32 = 0;
  while (h + c != t && unchecked(txDepart[txSlot(vf, h + c)]) <= eqNow) c++;
  return c;
}

function irqCause(vf: u32): bool {
  if (fifoLen(unchecked(rxRing[vf])) > 0) return true;
  return txPending(vf) > 0 && unchecked(txDepart[txSlot(vf, unchecked(txHead[vf]))]) <= eqNow;
}

/** Raises the VF's interrupt when it has a cause, is unmasked, and ITR spacing allows. */
function maybeIrq(vf: u32): void {
  if (!unchecked(irqEnabled[vf]) || unchecked(irqEventAt[vf]) != NEVER) return;
  if (!irqCause(vf)) {
    // Only TX descriptors in flight: come back when the oldest completes.
    if (txPending(vf) > 0 && unchecked(txDoneAt[vf]) == NEVER) {
      let at = unchecked(txDepart[txSlot(vf, unchecked(txHead[vf]))]);
      unchecked((txDoneAt[vf] = at));
      eqPush(at, EV_NIC_TXDONE | (nPorts + vf));
    }
    return;
  }
  let t = unchecked(lastIrq[vf]) + itrSpacing(qBase + vf);
  if (t < eqNow) t = eqNow;
  unchecked((irqEventAt[vf] = t));
  eqPush(t, EV_NIC_IRQ | (qBase + vf));
}

/** Engine event: the VF's ITR spacing has passed. The MSI-X message goes to Xen, which injects
 *  it into the guest as a virtual interrupt (the VF's port, bound to the guest's VCPU). */
export function vfOnIrqEvent(vf: u32): void {
  unchecked((irqEventAt[vf] = NEVER));
  if (!unchecked(irqEnabled[vf]) || !irqCause(vf)) return;
  unchecked((lastIrq[vf] = eqNow));
  unchecked((irqEnabled[vf] = 0));
  statInc(ST_NIC_IRQS);
  evtchnSend(vfPort(vf));
}

/** Engine event: a TX descriptor of the VF completed while it was idle. */
export function vfOnTxDone(vf: u32): void {
  unchecked((txDoneAt[vf] = NEVER));
  maybeIrq(vf);
}

/** The NIC's sorter hands frame p, addressed to VF vf's guest, to the VF's RX ring. */
export function vfRxArrive(vf: u32, p: u32): void {
  let ring = unchecked(rxRing[vf]);
  if (fifoFull(ring)) {
    pktDrop(ST_DROP_NIC_RX_RING, p);
    return;
  }
  fifoPush(ring, p);
  pkSetBirth(p, eqNow);
  statInc(ST_NIC_RX_FRAMES);
  maybeIrq(vf);
}

/** The upcall on guest VCPU v takes the VF's interrupt: Xen's injection and the hardirq. */
export function vfIrqStart(v: u32, vf: u32): void {
  charge(COMP_XEN, costCycles(COST_VF_IRQ_INJECT));
  charge(COMP_NIC, costCycles(COST_NIC_IRQ));
}

/** The VF driver's interrupt handler (end of the upcall): schedule its NAPI on v. */
export function vfIsr(v: u32, vf: u32): void {
  napiSchedule(unchecked(vfNapi[vf]), v);
}

/** igbvf_poll start on guest VCPU v: TX clean, RX clean of up to `quota` frames, each handed to
 *  the guest stack (netif_receive_skb). Returns the frames taken. */
export function vfPollStart(v: u32, vf: u32, quota: u32): u32 {
  statInc(ST_NAPI_POLLS_GUEST);
  let ring = unchecked(rxRing[vf]);
  let n = fifoLen(ring);
  let k = n < quota ? n : quota;
  let c = txCompleted(vf);
  unchecked((pollClean[vf] = c));
  charge(COMP_SOFTIRQ, costCycles(COST_NAPI_POLL));
  charge(COMP_NIC, costTimes(COST_NIC_TX_CLEAN_PKT, c) + costCycles(COST_NIC_RX_PKT) * <u64>k);
  let bytes: u32 = 0;
  for (let i: u32 = 0; i < k; i++) {
    let p = fifoPop(ring);
    bytes += pkWire(p);
    stackDeliver(v, vf, p);
  }
  itrCountRx(qBase + vf, k, bytes);
  guestStatAdd(vf, GS_RX_PKTS, k);
  return k;
}

/** igbvf_poll end: free cleaned TX descriptors, wake the application, maybe napi_complete. */
export function vfPollFinish(v: u32, vf: u32, work: u32, exhausted: bool): bool {
  let c = unchecked(pollClean[vf]);
  if (c > 0) {
    let h = unchecked(txHead[vf]);
    let cb: u32 = 0;
    for (let i: u32 = 0; i < c; i++) cb += unchecked(txBytes[txSlot(vf, h + i)]);
    unchecked((txHead[vf] = h + c));
    itrCountTx(nPorts + vf, c, cb);
    drainQdisc(v, vf);
  }
  appWake(vf);
  if (exhausted) return false;
  if (itrMode == ITR_MODE_DYNAMIC) itrUpdate(qBase + vf, nPorts + vf, true);
  unchecked((irqEnabled[vf] = 1));
  maybeIrq(vf);
  return true;
}

/** dev_queue_xmit of guest g's packet p to its VF at the end of a job on v: TX ring, or qdisc
 *  while the ring is full. */
export function vfXmit(v: u32, g: u32, p: u32): void {
  let qd = unchecked(txQdisc[g]);
  if (fifoLen(qd) == 0 && txPending(g) < txLimit) {
    putOnRing(v, g, p);
    return;
  }
  if (fifoFull(qd)) {
    pktDrop(ST_DROP_NIC_QDISC, p);
    return;
  }
  fifoPush(qd, p);
}

/** The VF driver's xmit on VCPU v, once per packet: for a packet dev_queue_xmit hands over at
 *  once, or one the qdisc releases after a TX clean (sources.md G6). */
function putOnRing(v: u32, vf: u32, p: u32): void {
  chargeLate(v, COMP_NIC, costCycles(COST_NIC_TX_PKT));
  let depart = linkSend(outLink(unchecked(vfPortOf[vf])), p);
  let t = unchecked(txTail[vf]);
  let s = txSlot(vf, t);
  unchecked((txDepart[s] = depart));
  unchecked((txBytes[s] = pkWire(p)));
  unchecked((txTail[vf] = t + 1));
  statInc(ST_NIC_TX_FRAMES);
  maybeIrq(vf);
}

/** qdisc_run after TX descriptors were freed (charged to v's next job). */
function drainQdisc(v: u32, vf: u32): void {
  let qd = unchecked(txQdisc[vf]);
  while (fifoLen(qd) > 0 && txPending(vf) < txLimit) putOnRing(v, vf, fifoPop(qd));
}

/** Packets the VFs hold (RX rings, TX qdiscs) for the conservation check. */
export function vfHeldUnits(): u64 {
  let s: u64 = 0;
  for (let vf: u32 = 0; vf < nVf; vf++) {
    let r = unchecked(rxRing[vf]);
    for (let i: u32 = 0; i < fifoLen(r); i++) s += pktUnits(fifoAt(r, i));
    let qd = unchecked(txQdisc[vf]);
    for (let i: u32 = 0; i < fifoLen(qd); i++) s += pktUnits(fifoAt(qd, i));
  }
  return s;
}
