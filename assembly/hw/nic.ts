// Physical NIC ports (e1000/e1000e/igb class; sources.md H1-H5, H10, A/J for framing).
//
// Models, per port: one or more RX queues (selected by RSS flow hash or VMDq destination guest),
// each with its own descriptor ring (frames DMA'd in; drop when no descriptor is free), its own
// MSI-X interrupt delivered through Xen as a PIRQ event to the dom0 VCPU the port is bound to,
// its own NAPI instance; a TX descriptor ring with a qdisc (txqueuelen) in front of it; TX
// completions cleaned in the poll of the port's first queue (e1000_clean: TX clean, then RX).
// One TX ring per port holds on a multi-queue port too: dom0 sends bridged frames (no socket, no
// recorded RX queue), which 2.6.32's skb_tx_hash puts all on one TX queue (sources.md H10); a guest
// skb freed there schedules its group's TX tasklet on the cleaning VCPU (netif_idx_release).
// Interrupt moderation (ITR, itr.ts) is a minimum spacing between interrupts: off, a fixed
// rate, or e1000's dynamic conservative mode, updated at each NAPI completion.
// The interrupt is masked from the moment it fires until napi_complete re-enables it.
// With SR-IOV the NIC's layer-2 sorter hands a frame addressed to a guest that owns a virtual
// function to that VF's queue (vf.ts) instead of the PF's queues; the VFs' interrupt
// moderation state follows the PF's in itr.ts.
// Offloads (offload.ts): TSO, a multi-segment skb taking one TX ring entry and one driver xmit
// and completing when its last frame has left; LRO in the driver's poll (nic.lro.enabled), the
// bridge and netback then seeing one skb per aggregate while the driver's RX work stays per frame
// and the poll's NAPI work counts frames.
// Left out: descriptor write-back delays (RxIntDelay/RADV), the TX descriptors a TSO skb's context
// and page fragments take (one ring entry per skb here), hardware LRO, flow control, Xen's cost of
// the physical interrupt itself, an 82599's Flow Director pick of the sender's TX queue (H10).

import {
  CFG_PORTS, CFG_RXQ_PER_PORT, CFG_QUEUE_SELECT, CFG_NIC_RX_RING, CFG_NIC_TX_RING, CFG_ITR_MODE,
  CFG_ITR_FIXED_INTERVAL, CFG_NIC_QDISC_LEN, CFG_CPU_HZ, CFG_NAPI_WEIGHT, CFG_SRIOV_GUESTS, COMP_NIC,
  COMP_SOFTIRQ, COST_NAPI_POLL, COST_NIC_RX_PKT, COST_NIC_IRQ, COST_NIC_TX_CLEAN_PKT, COST_NIC_TX_PKT, ST_DROP_NIC_RX_RING, ST_NIC_RX_FRAMES, ST_NIC_IRQS,
  ST_NIC_TX_FRAMES, ST_DROP_NIC_QDISC, ST_STAGE_WAIT_SUM, ST_STAGE_WAIT_COUNT, ST_NAPI_POLLS_DOM0,
} from "../../src/abi/layout";
import { cfgU32, cfgU64, costCycles, costTimes } from "../config";
import { statInc, statAdd } from "../stats";
import { eqPush, eqNow } from "../base/eventq";
import { EV_NIC_IRQ, EV_NIC_TXDONE } from "../base/targets";
import { fifoNew, fifoLen, fifoPush, fifoPop, fifoFull, fifoAt, pow2ceil } from "../base/fifo";
import { pkBirth, pkSetBirth, pkWire, pkAux, pktUnits, pktDrop, pkKind, pkSegs, PKT_NONE, KIND_DATA } from "../packet";
import { charge, chargeLate } from "../cpu/account";
import { ITR_MODE_DYNAMIC, QUEUE_SELECT_RSS } from "../../src/abi/enums";
import { napiAdd, napiSchedule, NAPI_NIC } from "../kernel/napi";
import { evtchnSend, pirqPort } from "../xen/evtchn";
import { linkSend, outLink } from "./link";
import { itrInit, itrSpacing, itrCountRx, itrCountTx, itrUpdate, itrMode } from "./itr";
import { bridgeRx, bridgeRxCharge } from "../dom0/bridge";
import { netbackTxRelease } from "../netback/common";
import { pktGuest, pktFlowHash } from "../flows";
import { traceNicArrival } from "../observe/trace";
import { MEM_NIC as MEM_PART } from "../../src/abi/layout";
import { itrMemory } from "./itr";
import { memArrays, memFifos, pow2ceil64, freshArray } from "../base/memory";
import { vfRxArrive } from "./vf";
import { tsoSend, lroPoll } from "./offload";
import { CFG_NIC_LRO, CFG_GUESTS, ST_NIC_LRO_SKBS } from "../../src/abi/layout";

const NEVER: u64 = u64.MAX_VALUE;

export let nPorts: u32 = 0;
export let qPerPort: u32 = 1;
let queueSelect: u32 = 0;
/** Guests 0 .. vfGuests-1 own a virtual function each (0: no SR-IOV). */
let vfGuests: u32 = 0;

// RX queues
export let rxRing = new StaticArray<i32>(0);
let rxNapi = new StaticArray<u32>(0);
let irqEnabled = new StaticArray<u8>(0);
let irqEventAt = new StaticArray<u64>(0);
let lastIrq = new StaticArray<u64>(0);
let pollClean = new StaticArray<u32>(0); // TX descriptors the current poll cleans
// LRO in the driver: queue 0's LRO instance (0 .. guests-1 are netfront's); per queue the skbs a poll hands the bridge and the frames' wire bytes.
let nicLro: bool = false;
let lroBase: u32 = 0;
let pollOut = new StaticArray<i32>(0);
let pollWire = new StaticArray<u32>(0);

// TX (per port)
let txCap: u32 = 0;
let txHead = new StaticArray<u32>(0);
let txTail = new StaticArray<u32>(0);
let txDepart = new StaticArray<u64>(0);
let txAuxArr = new StaticArray<u32>(0);
let txBytesArr = new StaticArray<u32>(0);
let txLimit: u32 = 0;
export let txQdisc = new StaticArray<i32>(0);
let txDoneAt = new StaticArray<u64>(0);

export function nicInit(): void {
  nPorts = cfgU32(CFG_PORTS);
  qPerPort = cfgU32(CFG_RXQ_PER_PORT);
  queueSelect = cfgU32(CFG_QUEUE_SELECT);
  vfGuests = cfgU32(CFG_SRIOV_GUESTS);
  let nq = <i32>(nPorts * qPerPort);
  let np = <i32>nPorts;
  rxRing = freshArray<i32>(nq);
  rxNapi = freshArray<u32>(nq);
  irqEnabled = freshArray<u8>(nq);
  irqEventAt = freshArray<u64>(nq);
  lastIrq = freshArray<u64>(nq);
  pollClean = freshArray<u32>(nq);
  nicLro = cfgU32(CFG_NIC_LRO) == 1;
  lroBase = cfgU32(CFG_GUESTS);
  pollWire = freshArray<u32>(nq);
  pollOut = freshArray<i32>(nq);
  if (nicLro) for (let q = 0; q < nq; q++) unchecked((pollOut[q] = fifoNew(cfgU32(CFG_NAPI_WEIGHT))));
  // Interrupt moderation state for the PF's queues, then one RX queue and one TX queue per VF.
  itrInit(<u32>nq + vfGuests, <u32>np + vfGuests, cfgU32(CFG_ITR_MODE), cfgU64(CFG_ITR_FIXED_INTERVAL), cfgU64(CFG_CPU_HZ));
  let ringLen = cfgU32(CFG_NIC_RX_RING);
  let weight = cfgU32(CFG_NAPI_WEIGHT);
  for (let q = 0; q < nq; q++) {
    unchecked((rxRing[q] = fifoNew(ringLen)));
    unchecked((rxNapi[q] = napiAdd(NAPI_NIC, <u32>q, weight)));
    unchecked((irqEnabled[q] = 1));
    unchecked((irqEventAt[q] = NEVER));
  }
  txLimit = cfgU32(CFG_NIC_TX_RING);
  txCap = pow2ceil(txLimit);
  txHead = freshArray<u32>(np);
  txTail = freshArray<u32>(np);
  txDepart = freshArray<u64>(np * <i32>txCap);
  txAuxArr = freshArray<u32>(np * <i32>txCap);
  txBytesArr = freshArray<u32>(np * <i32>txCap);
  txQdisc = freshArray<i32>(np);
  txDoneAt = freshArray<u64>(np);
  let qlen = cfgU32(CFG_NIC_QDISC_LEN);
  for (let p = 0; p < np; p++) {
    unchecked((txQdisc[p] = fifoNew(qlen)));
    unchecked((txDoneAt[p] = NEVER));
  }
}

/** Tallies the bytes nicInit() allocates. */
export function nicMemory(): void {
  let np = <u64>cfgU32(CFG_PORTS);
  let nq = np * <u64>cfgU32(CFG_RXQ_PER_PORT);
  memArrays(MEM_PART, nq, 4, 5); // rxRing, rxNapi, pollClean, pollWire, pollOut
  memArrays(MEM_PART, nq, 1);
  memArrays(MEM_PART, nq, 8, 2);
  if (cfgU32(CFG_NIC_LRO) == 1) memFifos(MEM_PART, <u64>cfgU32(CFG_NAPI_WEIGHT), nq);
  let vfs = <u64>cfgU32(CFG_SRIOV_GUESTS);
  itrMemory(nq + vfs, np + vfs);
  memFifos(MEM_PART, <u64>cfgU32(CFG_NIC_RX_RING), nq);
  let cap = pow2ceil64(<u64>cfgU32(CFG_NIC_TX_RING));
  memArrays(MEM_PART, np, 4, 3);
  memArrays(MEM_PART, np * cap, 8);
  memArrays(MEM_PART, np * cap, 4, 2);
  memArrays(MEM_PART, np, 8);
  memFifos(MEM_PART, <u64>cfgU32(CFG_NIC_QDISC_LEN), np);
}

/** The RX queue a frame arriving on `port` lands in: RSS by flow hash, or VMDq by guest. */
export function nicRxQueueFor(port: u32, p: u32): u32 {
  if (qPerPort == 1) return port;
  let i: u32;
  if (queueSelect == QUEUE_SELECT_RSS) i = pktFlowHash(p) % qPerPort;
  else i = (pktGuest(p) / nPorts) % qPerPort;
  return port * qPerPort + i;
}

// @ts-ignore: decorator
@inline function txPending(port: u32): u32 {
  return unchecked(txTail[port]) - unchecked(txHead[port]);
}
// @ts-ignore: decorator
@inline function txSlot(port: u32, i: u32): u32 {
  return port * txCap + (i & (txCap - 1));
}

/** TX descriptors of `port` whose frames have left the wire (cleanable now). */
function txCompleted(port: u32): u32 {
  let h = unchecked(txHead[port]);
  let t = unchecked(txTail[port]);
  let c: u32 = 0;
  while (h + c != t && unchecked(txDepart[txSlot(port, h + c)]) <= eqNow) c++;
  return c;
}

function irqCause(q: u32): bool {
  if (fifoLen(unchecked(rxRing[q])) > 0) return true;
  if (q % qPerPort == 0) {
    let port = q / qPerPort;
    if (txPending(port) > 0 && unchecked(txDepart[txSlot(port, unchecked(txHead[port]))]) <= eqNow) return true;
  }
  return false;
}

/** Raises queue q's interrupt when it has a cause, is unmasked and ITR allows (inlined: mostly masked). */
// @ts-ignore: decorator
@inline function maybeIrq(q: u32): void {
  if (unchecked(irqEnabled[q]) != 0 && unchecked(irqEventAt[q]) == NEVER) raiseIrq(q);
}
function raiseIrq(q: u32): void {
  if (!irqCause(q)) {
    // Only TX descriptors in flight: come back when the oldest completes.
    if (q % qPerPort == 0) {
      let port = q / qPerPort;
      if (txPending(port) > 0 && unchecked(txDoneAt[port]) == NEVER) {
        let at = unchecked(txDepart[txSlot(port, unchecked(txHead[port]))]);
        unchecked((txDoneAt[port] = at));
        eqPush(at, EV_NIC_TXDONE | port);
      }
    }
    return;
  }
  let t = unchecked(lastIrq[q]) + itrSpacing(<u32>q);
  if (t < eqNow) t = eqNow;
  unchecked((irqEventAt[q] = t));
  eqPush(t, EV_NIC_IRQ | q);
}

/** Engine event: the ITR spacing of queue q has passed (or a cause appeared with no spacing). */
export function nicOnIrqEvent(q: u32): void {
  unchecked((irqEventAt[q] = NEVER));
  if (!unchecked(irqEnabled[q]) || !irqCause(q)) return;
  unchecked((lastIrq[q] = eqNow));
  unchecked((irqEnabled[q] = 0));
  statInc(ST_NIC_IRQS);
  // Xen's physical IRQ handler: send_guest_pirq to the dom0 VCPU the port is bound to.
  evtchnSend(pirqPort(q));
}

/** Engine event: a TX descriptor of `port` completed while its queue was idle. */
export function nicOnTxDone(port: u32): void {
  unchecked((txDoneAt[port] = NEVER));
  maybeIrq(port * qPerPort);
}

/** A frame from the wire reaches port `port`: DMA into a free RX descriptor, or drop (inlined: one caller). */
// @ts-ignore: decorator
@inline export function nicRxArrive(port: u32, p: u32): void {
  if (vfGuests > 0) {
    let g = pktGuest(p);
    if (g < vfGuests) {
      vfRxArrive(g, p);
      return;
    }
  }
  let q = nicRxQueueFor(port, p);
  let ring = unchecked(rxRing[q]);
  if (fifoFull(ring)) {
    pktDrop(ST_DROP_NIC_RX_RING, p);
    return;
  }
  fifoPush(ring, p);
  traceNicArrival(port, q, p, eqNow);
  pkSetBirth(p, eqNow);
  statInc(ST_NIC_RX_FRAMES);
  maybeIrq(q);
}

/** The upcall on v takes queue q's interrupt: e1000_intr's cost. */
export function nicIrqStart(v: u32, q: u32): void {
  charge(COMP_NIC, costCycles(COST_NIC_IRQ));
}

/** e1000_intr on VCPU v (end of the upcall): schedule the queue's NAPI here. */
export function nicIsr(v: u32, q: u32): void {
  napiSchedule(unchecked(rxNapi[q]), v);
}

/** e1000_clean start: decides the batch and charges it. Returns RX frames taken. */
export function nicPollStart(v: u32, q: u32, quota: u32): u32 {
  statInc(ST_NAPI_POLLS_DOM0);
  let ring = unchecked(rxRing[q]);
  let n = fifoLen(ring);
  let k = n < quota ? n : quota;
  let c: u32 = 0;
  if (q % qPerPort == 0) c = txCompleted(q / qPerPort);
  unchecked((pollClean[q] = c));
  let pollCost = costCycles(COST_NAPI_POLL);
  let cleanCost = costTimes(COST_NIC_TX_CLEAN_PKT, c);
  charge(COMP_SOFTIRQ, pollCost);
  charge(COMP_NIC, cleanCost);
  let rxPer = costCycles(COST_NIC_RX_PKT);
  charge(COMP_NIC, rxPer * <u64>k);
  if (nicLro) return lroPollStart(v, q, k, eqNow + pollCost + cleanCost, rxPer);
  // The bridge and netback's start_xmit run inside this poll for each frame (bridgeRx below).
  let per = rxPer + bridgeRxCharge(k);
  // Waiting time at this stage: from DMA to the start of the driver's work on the frame.
  let begin = eqNow + pollCost + cleanCost;
  let waitSum: u64 = 0;
  for (let i: u32 = 0; i < k; i++) {
    let p = fifoAt(ring, i);
    waitSum += begin + per * <u64>i - pkBirth(p);
  }
  statAdd(ST_STAGE_WAIT_SUM, waitSum);
  statAdd(ST_STAGE_WAIT_COUNT, k);
  return k;
}

/** The poll's RX half with LRO in the driver (offload.ts): the frames go through queue q's LRO
 *  now, what it hands up waits for the bridge; the bridge and start_xmit cost per skb. */
function lroPollStart(v: u32, q: u32, k: u32, begin: u64, rxPer: u64): u32 {
  let ring = unchecked(rxRing[q]);
  let waitSum: u64 = 0; // as below, from DMA to the driver's work on each frame
  for (let i: u32 = 0; i < k; i++) waitSum += begin + rxPer * <u64>i - pkBirth(fifoAt(ring, i));
  statAdd(ST_STAGE_WAIT_SUM, waitSum);
  statAdd(ST_STAGE_WAIT_COUNT, k);
  let outQ = unchecked(pollOut[q]);
  unchecked((pollWire[q] = lroPoll(ring, k, lroBase + q, outQ)));
  let skbs = fifoLen(outQ);
  statAdd(ST_NIC_LRO_SKBS, skbs);
  bridgeRxCharge(skbs);
  return k;
}

/** e1000_clean end: hand frames to the bridge, free TX descriptors, maybe napi_complete. */
export function nicPollFinish(v: u32, q: u32, work: u32, exhausted: bool): bool {
  let bytes: u32 = 0;
  if (nicLro) {
    let outQ = unchecked(pollOut[q]);
    let n = fifoLen(outQ);
    for (let i: u32 = 0; i < n; i++) bridgeRx(v, q / qPerPort, fifoPop(outQ));
    bytes = unchecked(pollWire[q]);
  } else {
    let ring = unchecked(rxRing[q]);
    for (let i: u32 = 0; i < work; i++) {
      let p = fifoPop(ring);
      bytes += pkWire(p);
      bridgeRx(v, q / qPerPort, p);
    }
  }
  itrCountRx(q, work, bytes);
  let c = unchecked(pollClean[q]);
  if (c > 0) {
    let port = q / qPerPort;
    let h = unchecked(txHead[port]);
    let cb: u32 = 0;
    for (let i: u32 = 0; i < c; i++) {
      let s = txSlot(port, h + i);
      cb += unchecked(txBytesArr[s]);
      let aux = unchecked(txAuxArr[s]);
      if (aux != PKT_NONE) netbackTxRelease(v, aux);
    }
    unchecked((txHead[port] = h + c));
    itrCountTx(port, c, cb);
    drainQdisc(v, port);
  }
  if (exhausted) return false;
  // napi_complete: update ITR from what was seen, unmask, and re-raise if work arrived meanwhile.
  if (itrMode == ITR_MODE_DYNAMIC) itrUpdate(q, q / qPerPort, q % qPerPort == 0);
  unchecked((irqEnabled[q] = 1));
  maybeIrq(q);
  return true;
}

/** dev_queue_xmit to physical port `port` from VCPU v: TX ring, or qdisc while the ring is full. */
export function nicXmit(v: u32, port: u32, p: u32): void {
  let qd = unchecked(txQdisc[port]);
  if (fifoLen(qd) == 0 && txPending(port) < txLimit) {
    putOnRing(v, port, p);
    return;
  }
  if (fifoFull(qd)) {
    pktDrop(ST_DROP_NIC_QDISC, p);
    return;
  }
  fifoPush(qd, p);
}

/** The driver's xmit (e1000_xmit_frame) on VCPU v, once per skb (a TSO skb once): for an skb
 *  dev_queue_xmit hands over at once, or one the qdisc releases after a TX clean (sources.md G6). */
function putOnRing(v: u32, port: u32, p: u32): void {
  chargeLate(v, COMP_NIC, costCycles(COST_NIC_TX_PKT));
  let aux = pkAux(p);
  let wire = pkWire(p);
  let segs = pkSegs(p);
  let tso = pkKind(p) == KIND_DATA && segs > 1;
  let depart = tso ? tsoSend(outLink(port), p, segs) : linkSend(outLink(port), p);
  statAdd(ST_NIC_TX_FRAMES, tso ? segs : 1);
  let t = unchecked(txTail[port]);
  let s = txSlot(port, t);
  unchecked((txDepart[s] = depart));
  unchecked((txAuxArr[s] = aux));
  unchecked((txBytesArr[s] = wire));
  unchecked((txTail[port] = t + 1));
  maybeIrq(port * qPerPort);
}

/** qdisc_run after TX descriptors were freed (NET_TX softirq; charged to the next job). */
function drainQdisc(v: u32, port: u32): void {
  let qd = unchecked(txQdisc[port]);
  while (fifoLen(qd) > 0 && txPending(port) < txLimit) putOnRing(v, port, fifoPop(qd));
}

/** Packets held by the NIC (RX rings, TX qdiscs) for the conservation check. */
export function nicHeldUnits(): u64 {
  let s: u64 = 0;
  for (let q: u32 = 0; q < nPorts * qPerPort; q++) {
    let r = unchecked(rxRing[q]);
    for (let i: u32 = 0; i < fifoLen(r); i++) s += pktUnits(fifoAt(r, i));
    if (nicLro) {
      let o = unchecked(pollOut[q]);
      for (let i: u32 = 0; i < fifoLen(o); i++) s += pktUnits(fifoAt(o, i));
    }
  }
  for (let p: u32 = 0; p < nPorts; p++) {
    let qd = unchecked(txQdisc[p]);
    for (let i: u32 = 0; i < fifoLen(qd); i++) s += pktUnits(fifoAt(qd, i));
  }
  return s;
}
