// netback: dom0's half of the split network driver, as classic Xen ships it and as the
// multi-group variant generalises it. This file: groups, vifs, and how bottom halves are run.
//
// Models (linux-2.6.18-xen drivers/xen/netback/netback.c; pvops 2.6.32 multi-group netback;
// sources.md B1-B14, C1-C4, C9):
//  - G netback groups (G = 1 is stock Xen: ONE net_rx_tasklet and ONE net_tx_tasklet for all
//    vifs). Each group has its own rx_queue, pending ring (MAX_PENDING_REQS = 256), dealloc
//    list and bottom halves; each vif belongs to one group (assignment done by the host).
//  - Bottom halves run as tasklets (on the VCPU that scheduled them) or as one kernel thread
//    per group bound to a dom0 VCPU (netback_kthread=1), woken by an IPI from other VCPUs
//    (kthread.ts runs its loop).
//  - NAPI mode (Linux 3.12-3.14, sources.md C12, C13): every vif is a group of its own (its own
//    pending ring and rx_queue); the guest-TX half runs in the vif's NAPI poll (napi.ts), the
//    guest-RX half in the vif's kernel thread, created with kthread_create and never bound: a
//    wake-up (wake_up(&vif->wq) in xenvif_start_xmit) of the sleeping thread makes it runnable on
//    the waking VCPU ([I]: the scheduler's wake-affine placement; its search for an idle CPU
//    and its load balancing are left out); a thread that is running or already runnable stays
//    where it is. Its loop runs the RX action only (kthread.ts).
//  - Shared state across CPUs (sources.md P1): a tasklet run on another CPU than the group's
//    previous run finds the group's state (queue heads and locks, counters, the copy-op and
//    pending arrays that run wrote) Modified in that CPU's cache, and each skb start_xmit
//    queued on one CPU and net_rx_action dequeues on another brings its lines over
//    (kernel.netbackStateCacheLines, kernel.skbCacheLines); each transferred line costs
//    costs.cacheLineTransferCycles.
// The guest-RX half (start_xmit, net_rx_action) is rx.ts, the guest-TX half (netif_be_int,
// net_tx_action, dealloc) tx.ts, notification coalescing toward netfront coalesce.ts. Calls go
// tx -> rx -> coalesce -> common and kthread -> {rx, tx}, never back.
// Ram et al.'s driver-domain optimisations (sources.md V9, W11), each off by default:
//  - multi-queue: with one VMDq RX queue per guest, netback posts the guest's RX buffers to that
//    queue, so the NIC demultiplexes and DMAs each frame into guest memory: the bridge and the
//    grant copy of a received frame are skipped (bridge.ts, rx.ts); without grant reuse each
//    buffer is grant-mapped for the DMA and unmapped after it ([I]: one map and one unmap per
//    frame, batched per net_rx_action run);
//  - grant reuse: guest pages stay mapped in dom0 and are reused, so the per-packet grant map
//    and unmap of TX requests (tx.ts) and of multi-queue RX buffers disappear ([I]: which paths
//    the source's reuse covers is assumed, the abstract names "memory protection overheads").
// With GSO across the vif (xen/netif.ts, sources.md B16) one guest skb holds several slots of
// the pending ring, one per request that grants a page; they are chained here, so freeing the
// skb releases all of them, and the first one also answers the skb's extra-info slot.
// Left out: page flipping (rx-copy only), GSO on the guest-RX path (every frame takes one RX slot),
// credit-based rate limiting (default unlimited, B13), the 500 ms queue-restart timer (netfront
// here always refills, which wakes the queue), smart-poll.

import {
  CFG_NETBACK_GROUPS, CFG_GUESTS, CFG_OFF_VIF_GROUP, CFG_OFF_GROUP_VCPU, CFG_NETBACK_MODE, COMP_NETBACK,
  COMP_XEN, COMP_SOFTIRQ, COST_TASKLET_RUN, COST_KTHREAD_WAKE, ST_KTHREAD_WAKEUPS, COST_CACHE_LINE_XFER,
  CFG_NB_STATE_CACHE_LINES, ST_NB_STATE_MIGRATIONS,
  CFG_NB_MULTI_QUEUE, CFG_NB_GRANT_REUSE,
} from "../../src/abi/layout";
import { cfgU32, cfgTable, cost, costCycles } from "../config";
import { NETBACK_MODE_KTHREAD, NETBACK_MODE_NAPI } from "../../src/abi/enums";
import { statInc } from "../stats";
import { fifoNew, fifoLen, fifoPush, fifoAt } from "../base/fifo";
import { pkAux, pkSetAux, pktUnits, PKT_NONE } from "../packet";
import { charge, chargeLate } from "../cpu/account";
import { outboxAdd, threadQueue, thrQueued } from "../cpu/vcpu";
import { taskletAdd, taskletSchedule, TASKLET_NB_RX, TASKLET_NB_TX } from "../kernel/tasklet";
import { kthreadId } from "../kernel/threads";
import { ipiPort } from "../xen/evtchn";
import { MEM_NETBACK as MEM_PART } from "../../src/abi/layout";
import { memArrays, memFifos, freshArray } from "../base/memory";

/** MAX_SKB_FRAGS on 4 KiB pages (sources.md A7). */
export const MAX_SKB_FRAGS: u32 = 18;
/** MAX_PENDING_REQS (B8). */
export const MAX_PENDING_REQS: u32 = 256;

export let nGroups: u32 = 1;
export let nVifs: u32 = 0;
let kthreadMode: bool = false;
/** Linux 3.12-3.14 netback: guest TX in each vif's NAPI poll, guest RX in each vif's unbound kthread. */
export let napiMode: bool = false;
let stateLines: f64 = 0; // kernel.netbackStateCacheLines
/** Frames from the NIC reach guest memory by DMA into posted guest buffers (no grant copy). */
export let multiQueue: bool = false;
/** Guest pages stay mapped in dom0: no per-packet grant map or unmap. */
export let grantReuse: bool = false;

/** Group of each vif, and how many vifs each group serves. */
export let vifGroup = new StaticArray<u32>(0);
let gVifs = new StaticArray<u32>(0);
let gKtVcpu = new StaticArray<u32>(0);
let gKtIpiWanted = new StaticArray<u8>(0);
/** NAPI mode: the vif's thread is in the middle of a turn (a wake-up then finds it running). */
export let gKtRunning = new StaticArray<u8>(0);
let gRxTasklet = new StaticArray<u32>(0);
let gTxTasklet = new StaticArray<u32>(0);
/** Per group: pending-ring slots of freed TX skbs, for the TX action to unmap (tx.ts). */
export let gDealloc = new StaticArray<i32>(0);
/** [grp * MAX_PENDING_REQS + idx]: the next pending slot of the same skb (PENDING_END: none). */
export let gPendingNext = new StaticArray<u16>(0);
/** [grp * MAX_PENDING_REQS + idx]: TX responses releasing the slot makes (2 when it also answers
 *  the skb's extra-info slot: make_tx_response writes a NETIF_RSP_NULL after it). */
export let gPendingRsp = new StaticArray<u8>(0);
/** [grp * MAX_PENDING_REQS + idx]: the vif whose TX request holds the slot. */
export let gPendingVif = new StaticArray<u32>(0);
/** End of a pending-slot chain. */
export const PENDING_END: u16 = 0xffff;

export function netbackCommonInit(): void {
  nGroups = cfgU32(CFG_NETBACK_GROUPS);
  nVifs = cfgU32(CFG_GUESTS);
  kthreadMode = cfgU32(CFG_NETBACK_MODE) == NETBACK_MODE_KTHREAD;
  napiMode = cfgU32(CFG_NETBACK_MODE) == NETBACK_MODE_NAPI;
  stateLines = <f64>cfgU32(CFG_NB_STATE_CACHE_LINES);
  multiQueue = cfgU32(CFG_NB_MULTI_QUEUE) == 1;
  grantReuse = cfgU32(CFG_NB_GRANT_REUSE) == 1;
  let G = <i32>nGroups;
  let N = <i32>nVifs;
  vifGroup = freshArray<u32>(N);
  gVifs = freshArray<u32>(G);
  for (let i = 0; i < N; i++) {
    let g = <u32>cfgTable(CFG_OFF_VIF_GROUP, i);
    unchecked((vifGroup[i] = g));
    unchecked((gVifs[g] = unchecked(gVifs[g]) + 1));
  }
  gKtVcpu = freshArray<u32>(G);
  gKtIpiWanted = freshArray<u8>(G);
  if (napiMode) gKtRunning = freshArray<u8>(G);
  gRxTasklet = freshArray<u32>(G);
  gTxTasklet = freshArray<u32>(G);
  gDealloc = freshArray<i32>(G);
  gPendingNext = freshArray<u16>(G * <i32>MAX_PENDING_REQS);
  gPendingRsp = freshArray<u8>(G * <i32>MAX_PENDING_REQS);
  gPendingVif = freshArray<u32>(G * <i32>MAX_PENDING_REQS);
  for (let g = 0; g < G; g++) {
    unchecked((gKtVcpu[g] = <u32>cfgTable(CFG_OFF_GROUP_VCPU, g)));
    unchecked((gRxTasklet[g] = taskletAdd(TASKLET_NB_RX, <u32>g)));
    unchecked((gTxTasklet[g] = taskletAdd(TASKLET_NB_TX, <u32>g)));
    unchecked((gDealloc[g] = fifoNew(MAX_PENDING_REQS)));
  }
}

/** Tallies the bytes netbackCommonInit() allocates. */
export function netbackCommonMemory(): void {
  let G = <u64>cfgU32(CFG_NETBACK_GROUPS);
  memArrays(MEM_PART, <u64>cfgU32(CFG_GUESTS), 4);
  memArrays(MEM_PART, G, 4, 5);
  memArrays(MEM_PART, G, 1);
  if (cfgU32(CFG_NETBACK_MODE) == NETBACK_MODE_NAPI) memArrays(MEM_PART, G, 1);
  memFifos(MEM_PART, <u64>MAX_PENDING_REQS, G);
  memArrays(MEM_PART, G * <u64>MAX_PENDING_REQS, 2);
  memArrays(MEM_PART, G * <u64>MAX_PENDING_REQS, 1);
  memArrays(MEM_PART, G * <u64>MAX_PENDING_REQS, 4);
}

/** Vifs group g serves by the configuration, before init (as groupVifs; for the memory layout). */
export function groupVifsOf(g: u32): u32 {
  let N = cfgU32(CFG_GUESTS);
  let n: u32 = 0;
  for (let i: u32 = 0; i < N; i++) if (<u32>cfgTable(CFG_OFF_VIF_GROUP, <i32>i) == g) n++;
  return n > 0 ? n : 1;
}

/** Vifs group g serves (at least 1, for sizing). */
export function groupVifs(g: u32): u32 {
  let n = unchecked(gVifs[g]);
  return n > 0 ? n : 1;
}

// ---- bottom-half scheduling ------------------------------------------------------------------------

/** Schedules group grp's RX bottom half from VCPU v. */
export function scheduleRx(v: u32, grp: u32): void {
  if (kthreadMode) kthreadWake(v, grp);
  else if (napiMode) vifThreadWake(v, grp);
  else taskletSchedule(unchecked(gRxTasklet[grp]), v);
}

/** NAPI mode: wake_up(&vif->wq) from VCPU v. A sleeping thread becomes runnable here; one that
 *  is running or runnable already is left where it is (its loop sees the new work). */
function vifThreadWake(v: u32, grp: u32): void {
  let t = kthreadId(grp);
  if (unchecked(thrQueued[t]) || unchecked(gKtRunning[grp])) return;
  threadQueue(v, t);
}

/** Schedules group grp's TX bottom half from VCPU v. */
export function scheduleTx(v: u32, grp: u32): void {
  if (kthreadMode) kthreadWake(v, grp);
  else taskletSchedule(unchecked(gTxTasklet[grp]), v);
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
  chargeLate(v, COMP_NETBACK, costCycles(COST_KTHREAD_WAKE));
  outboxAdd(v, ipiPort(kv));
}

/** netif_idx_release from VCPU v: a guest TX skb was freed (by the NIC, a drop, or netback RX
 *  after copying it into another guest); its pending slot goes to the dealloc list. */
export function netbackTxRelease(v: u32, aux: u32): void {
  let grp = aux >> 16;
  let q = unchecked(gDealloc[grp]);
  let idx = <u16>(aux & 0xffff);
  // Every page the skb held (one slot without GSO across the vif).
  while (idx != PENDING_END) {
    fifoPush(q, <u32>idx);
    idx = unchecked(gPendingNext[(grp << 8) + <u32>idx]);
  }
  scheduleTx(v, grp);
}

/** netif_idx_release of one pending slot of group grp from VCPU v (net_tx_submit, for a request
 *  it copied whole into the skb): the slot goes to the dealloc list now. */
export function netbackTxReleaseSlot(v: u32, grp: u32, idx: u32): void {
  fifoPush(unchecked(gDealloc[grp]), idx);
  scheduleTx(v, grp);
}

/** A packet from another guest's TX ring still holds that guest's page (mapped by net_tx_action):
 *  freeing its skb, after the copy into this guest or on a drop, releases the pending slot. */
// @ts-ignore: decorator
@inline export function releaseGuestPage(v: u32, p: u32): void {
  let aux = pkAux(p);
  if (aux != PKT_NONE) {
    pkSetAux(p, PKT_NONE);
    netbackTxRelease(v, aux);
  }
}

/** The upcall on v takes the reschedule IPI: its cost. */
export function netbackIpiStart(v: u32): void {
  charge(COMP_XEN, costCycles(COST_KTHREAD_WAKE));
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

/** A bottom half starts a run: the tasklet (or kthread turn) overhead. */
export function bottomHalfCharge(): void {
  charge(COMP_SOFTIRQ, costCycles(COST_TASKLET_RUN));
}

/** Cycles of `lines` cache lines each found Modified in another core's cache. */
// @ts-ignore: decorator
@inline export function lineTransferCycles(lines: f64): u64 {
  return <u64>(lines * cost(COST_CACHE_LINE_XFER));
}

/** A bottom-half run on a CPU other than its previous run's: the group's state comes over. */
export function stateFromOtherCpu(): void {
  statInc(ST_NB_STATE_MIGRATIONS);
  charge(COMP_NETBACK, lineTransferCycles(stateLines));
}

/** Segments of the packets queued in FIFO q (conservation walk). */
export function sumUnits(q: i32): u64 {
  let s: u64 = 0;
  let n = fifoLen(q);
  for (let i: u32 = 0; i < n; i++) s += pktUnits(fifoAt(q, i));
  return s;
}
