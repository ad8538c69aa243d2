// TCP Small Queues in a guest's TCP sender (Linux 3.6-3.11 net/ipv4/tcp_output.c; sources.md J13-J16).
//
// Models, per guest TCP stream that sends through netfront (tcp.smallQueueBytes > 0):
//  - sk_wmem_alloc: tcp_transmit_skb charges each skb it hands down (skb_set_owner_w with the
//    tcp_wfree destructor) by its truesize, here the payload plus tcp.skbOverheadBytes (the
//    send buffer's per-skb size, sndbuf.ts); the charge stays until the driver frees the skb:
//    netfront frees a transmitted skb only when netback's TX response for its last slot comes
//    back (the TX buffer GC, netfront.ts), so the whole path up to netback's copy counts;
//  - tcp_write_xmit stops before sending new data while sk_wmem_alloc >= the limit
//    (sysctl_tcp_limit_output_bytes, a fixed 131072 bytes in 3.6-3.11) and sets TSQ_THROTTLED;
//  - tcp_wfree: a freed skb returns its truesize; if TSQ_THROTTLED was set and TSQ_QUEUED was
//    not, it clears the one, sets the other, puts the socket on the freeing CPU's list and
//    schedules that CPU's tsq tasklet (one per CPU);
//  - tcp_tasklet_func (in the tasklet, on that CPU): for each socket on the list, clears
//    TSQ_QUEUED and, unless the writer owns the socket, calls tcp_write_xmit; an owned socket
//    gets TCP_TSQ_DEFERRED and its writer's release_sock (tcp_release_cb) transmits instead.
// Its work is tcp_write_xmit's per-skb work (costs.stackTxPacketCycles, charged where each skb
// is sent) plus the entry cost every tasklet run pays (COST_TASKLET_RUN, model/sched.ts).
// Left out: later kernels' ties of the limit to the pacing rate (sk_pacing_rate >> 10) and every
// later refinement; tcp_wfree's run from NET_TX_SOFTIRQ's completion queue (dev_kfree_skb_irq)
// rather than in the GC itself (the same CPU, a little later); pure ACKs a guest sends (they count
// against their own socket, which never throttles: it sends no data); retransmissions
// (tcp_retransmit_skb does not test the limit); guests with an SR-IOV VF (their streams are not
// throttled); the one byte tcp_wfree keeps until the tasklet's sock_put.

import { cfgU32 } from "../config";
import { CFG_TCP_SMALL_QUEUE, CFG_TCP_SKB_OVERHEAD } from "../../src/abi/layout";
import { fifoNew, fifoLen, fifoPush, fifoPop } from "../base/fifo";
import { taskletAdd, taskletSchedule, TASKLET_TSQ } from "../kernel/tasklet";
import { MEM_TCP as MEM_PART } from "../../src/abi/layout";
import { RING_SIZE } from "../xen/ring";
import { memArrays, memFifos, freshArray } from "../base/memory";

/** sysctl_tcp_limit_output_bytes; 0: TCP small queues off (kernels before 3.6). */
export let tsqLimit: u32 = 0;
let skbOverhead: u32 = 0;
/** sk_wmem_alloc of each flow: truesize of its skbs the driver still holds, bytes. */
export let tsqWmemAlloc = new StaticArray<u32>(0);
/** TSQ_THROTTLED, TSQ_QUEUED and TCP_TSQ_DEFERRED of each flow. */
export let tsqThrottled = new StaticArray<u8>(0);
let tsqQueued = new StaticArray<u8>(0);
export let tsqDeferred = new StaticArray<u8>(0);
/** Per guest and netfront TX slot: flow + 1 and payload bytes of the TCP data skb whose last
 *  request is in that slot (0: none); the GC of its response frees the skb. */
let txSkbFlow = new StaticArray<u32>(0);
let txSkbBytes = new StaticArray<u32>(0);
/** Per CPU: the tsq tasklet and its list of sockets. */
let cpuTasklet = new StaticArray<u32>(0);
let cpuList = new StaticArray<i32>(0);

/** Tasklets tsqInit adds for `vcpus` CPUs (0 when TSQ is off). */
export function tsqTasklets(vcpus: u32): u32 {
  return cfgU32(CFG_TCP_SMALL_QUEUE) > 0 ? vcpus : 0;
}

/** Sets up TSQ for `flows` streams, `vcpus` CPUs and `guests` vifs (after taskletsInit). */
export function tsqInit(flows: u32, vcpus: u32, guests: u32): void {
  tsqLimit = cfgU32(CFG_TCP_SMALL_QUEUE);
  skbOverhead = cfgU32(CFG_TCP_SKB_OVERHEAD);
  if (tsqLimit == 0) return; // off: nothing allocated (tsqMemory tallies nothing)
  let n = flows;
  let c = vcpus;
  tsqWmemAlloc = freshArray<u32>(<i32>n);
  tsqThrottled = freshArray<u8>(<i32>n);
  tsqQueued = freshArray<u8>(<i32>n);
  tsqDeferred = freshArray<u8>(<i32>n);
  cpuTasklet = freshArray<u32>(<i32>c);
  cpuList = freshArray<i32>(<i32>c);
  txSkbFlow = freshArray<u32>(<i32>(guests * RING_SIZE));
  txSkbBytes = freshArray<u32>(<i32>(guests * RING_SIZE));
  for (let v: u32 = 0; v < c; v++) {
    unchecked((cpuTasklet[v] = taskletAdd(TASKLET_TSQ, v)));
    unchecked((cpuList[v] = fifoNew(n)));
  }
}

/** Tallies the bytes tsqInit allocates. */
export function tsqMemory(flows: u64, vcpus: u64, guests: u64): void {
  if (cfgU32(CFG_TCP_SMALL_QUEUE) == 0) return;
  memArrays(MEM_PART, guests * <u64>RING_SIZE, 4, 2);
  memArrays(MEM_PART, flows, 4);
  memArrays(MEM_PART, flows, 1, 3);
  memArrays(MEM_PART, vcpus, 4, 2);
  memFifos(MEM_PART, flows, vcpus);
}

/** skb->truesize of an skb carrying `bytes` of payload. */
// @ts-ignore: decorator
@inline export function tsqTruesize(bytes: u32): u32 {
  return bytes + skbOverhead;
}

/** tcp_transmit_skb: flow f's skb of `bytes` payload goes down (atomic_add truesize). */
export function tsqCharge(f: u32, bytes: u32): void {
  unchecked((tsqWmemAlloc[f] = unchecked(tsqWmemAlloc[f]) + tsqTruesize(bytes)));
}

/** tcp_write_xmit's test before an skb of new data: true (and TSQ_THROTTLED set) when flow f
 *  already has the limit's worth of skbs below it. */
export function tsqThrottle(f: u32): bool {
  if (unchecked(tsqWmemAlloc[f]) < tsqLimit) return false;
  unchecked((tsqThrottled[f] = 1));
  return true;
}

/** tcp_wfree on CPU v: flow f's skb of `bytes` payload is freed. */
export function tsqFree(v: u32, f: u32, bytes: u32): void {
  let t = tsqTruesize(bytes);
  let a = unchecked(tsqWmemAlloc[f]);
  unchecked((tsqWmemAlloc[f] = a > t ? a - t : 0));
  if (!unchecked(tsqThrottled[f]) || unchecked(tsqQueued[f])) return;
  unchecked((tsqThrottled[f] = 0));
  unchecked((tsqQueued[f] = 1));
  fifoPush(unchecked(cpuList[v]), f);
  taskletSchedule(unchecked(cpuTasklet[v]), v);
}

/** netfront put flow f's skb of `bytes` payload on guest g's TX ring, its last request at `last`. */
export function tsqTxHeld(g: u32, last: u32, f: u32, bytes: u32): void {
  let s = g * RING_SIZE + (last & (RING_SIZE - 1));
  unchecked((txSkbFlow[s] = f + 1));
  unchecked((txSkbBytes[s] = bytes));
}

/** netfront's TX GC on CPU v consumed guest g's responses [from, to): the skbs whose last request
 *  they answer are freed (dev_kfree_skb_irq), and each TCP data skb's destructor runs on v. */
export function tsqTxFreed(v: u32, g: u32, from: u32, to: u32): void {
  let base = g * RING_SIZE;
  for (let i = from; i != to; i++) {
    let s = base + (i & (RING_SIZE - 1));
    let fl = unchecked(txSkbFlow[s]);
    if (fl == 0) continue;
    unchecked((txSkbFlow[s] = 0));
    tsqFree(v, fl - 1, unchecked(txSkbBytes[s]));
  }
}

/** tcp_tasklet_func on CPU v: the next socket of its list (clearing TSQ_QUEUED), or -1. */
export function tsqNext(v: u32): i32 {
  let q = unchecked(cpuList[v]);
  if (fifoLen(q) == 0) return -1;
  let f = fifoPop(q);
  unchecked((tsqQueued[f] = 0));
  return <i32>f;
}
