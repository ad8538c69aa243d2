// Large receive offload in netfront (the paper's fourth technique; inet_lro semantics,
// net/ipv4/inet_lro.c; sources.md I1-I4, D12).
//
// Models: per guest a fixed set of LRO descriptors (lro_mgr.max_desc), each aggregating one TCP
// flow: an in-sequence segment of the same flow is merged into the descriptor's parent skb; the
// parent is flushed to the stack when it holds max_aggr segments, when its length would pass
// 64 KB (65535 - MTU), when a segment of its flow arrives out of sequence (the segment is then
// passed up on its own), and for every descriptor at the end of the NAPI poll (lro_flush_all).
// When no descriptor is free a segment is passed up unaggregated. Only TCP data segments of flows
// received by the guest are aggregated; ACKs and UDP bypass LRO. The stack then sees one skb per
// aggregate, so it pays per-packet costs (and sends delayed ACKs) per aggregate, not per segment.
// Aggregates and lone segments leave through a per-guest output queue that netfront passes up
// the stack right after each call, in order, so LRO itself never calls the stack.
// The same inet_lro runs in the dom0 NIC driver's NAPI poll when nic.lro.enabled (sources.md I1-I4,
// A10): instances nGuests .. nGuests + queues - 1, one per NIC RX queue, with the same lro_mgr
// settings; the NIC poll (hw/nic.ts) hands what they flush to the bridge.
// Left out: header checks (TCP flags/options, checksum, IP fragments), timestamps in aggregates.

import {
  CFG_LRO_MAX_AGGR, CFG_LRO_DESCRIPTORS, CFG_MTU, CFG_GUESTS, CFG_MSS, COMP_LRO, COST_LRO_SEG,
  CFG_NIC_LRO, CFG_PORTS, CFG_RXQ_PER_PORT,
  ST_LRO_AGGREGATES, ST_LRO_SEGMENTS, ST_LRO_FLUSH_END_OF_POLL, ST_LRO_FLUSH_MAX_AGGR, ST_LRO_FLUSH_64K,
  ST_LRO_FLUSH_OUT_OF_ORDER, ST_LRO_FLUSH_NO_DESCRIPTOR,
} from "../../src/abi/layout";
import { cfgU32, costCycles } from "../config";
import { statInc } from "../stats";
import { fifoNew, fifoPush, fifoLen, fifoAt } from "../base/fifo";
import {
  pkFlow, pkSegs, pktFree, pktUnits, pktRec, pkrFlow, pkrSeq, pkrSegs, pkrBytes, pkrSetSegs, pkrSetBytes, PKT_NONE,
} from "../packet";
import { charge } from "../cpu/account";
import { traceLroMerge } from "../observe/trace";
import { MEM_GUEST as MEM_PART } from "../../src/abi/layout";
import { memArrays, memFifos, freshArray } from "../base/memory";

let maxAggr: u32 = 1;
let nDesc: u32 = 1;
let maxLen: u32 = 65535;
let dHead = new StaticArray<u32>(0); // [guest * nDesc + d] parent packet or PKT_NONE
let dNext = new StaticArray<u32>(0); // next expected sequence number of the parent's flow
let out = new StaticArray<i32>(0); // per guest: skbs for the stack, in order

/** LRO instances: one per guest (netfront), then one per dom0 NIC RX queue with nic.lro.enabled. */
function lroInstances(): u32 {
  let n = cfgU32(CFG_GUESTS);
  if (cfgU32(CFG_NIC_LRO) == 1) n += cfgU32(CFG_PORTS) * cfgU32(CFG_RXQ_PER_PORT);
  return n;
}

/** The LRO instance of dom0 NIC RX queue q. */
export function lroNicInstance(q: u32): u32 {
  return cfgU32(CFG_GUESTS) + q;
}

export function lroInit(): void {
  maxAggr = cfgU32(CFG_LRO_MAX_AGGR);
  nDesc = cfgU32(CFG_LRO_DESCRIPTORS);
  maxLen = 65535 - cfgU32(CFG_MTU);
  let guests = <i32>lroInstances();
  let n = guests * <i32>nDesc;
  dHead = freshArray<u32>(n);
  dNext = freshArray<u32>(n);
  for (let i = 0; i < n; i++) unchecked((dHead[i] = PKT_NONE));
  out = freshArray<i32>(guests);
  // One call passes up at most every descriptor, or a flushed parent and a lone segment.
  for (let g = 0; g < guests; g++) unchecked((out[g] = fifoNew(nDesc + 2)));
  // Segments this large cannot be merged at all: nothing to aggregate.
  if (cfgU32(CFG_MSS) > maxLen) maxAggr = 1;
}

/** Tallies the bytes lroInit() allocates. */
export function lroMemory(): void {
  let guests = <u64>lroInstances();
  let nDesc = <u64>cfgU32(CFG_LRO_DESCRIPTORS);
  memArrays(MEM_PART, guests * nDesc, 4, 2);
  memArrays(MEM_PART, guests, 4);
  memFifos(MEM_PART, nDesc + 2, guests);
}

/** Instance g's queue of skbs LRO passes up (netfront, or the NIC poll, drains it after each call). */
// @ts-ignore: decorator
@inline export function lroOutput(g: u32): i32 {
  return unchecked(out[g]);
}

function flush(g: u32, slot: u32, stat: i32): void {
  let head = unchecked(dHead[slot]);
  unchecked((dHead[slot] = PKT_NONE));
  statInc(stat);
  statInc(ST_LRO_AGGREGATES);
  fifoPush(unchecked(out[g]), head);
}

/** lro_receive_skb for a TCP data segment p of guest g, inside netfront's poll. Inlined into its
 *  few callers (netfront, the NIC poll): it runs once per received segment. */
// @ts-ignore: decorator
@inline export function lroReceive(g: u32, p: u32): void {
  charge(COMP_LRO, costCycles(COST_LRO_SEG));
  statInc(ST_LRO_SEGMENTS);
  let pr = pktRec(p);
  let f = pkrFlow(pr);
  // The descriptor walk reads its arrays and bounds from locals: V8 reloads a module global after
  // every store to linear memory, and would otherwise reload these at every descriptor.
  let n = nDesc;
  let heads = dHead;
  let base = g * n;
  let free: u32 = PKT_NONE;
  for (let slot = base, end = base + n; slot < end; slot++) {
    let head = unchecked(heads[slot]);
    if (head == PKT_NONE) {
      if (free == PKT_NONE) free = slot;
      continue;
    }
    if (pkFlow(head) != f) continue;
    let nexts = dNext;
    let seq = pkrSeq(pr);
    if (seq != unchecked(nexts[slot])) {
      // Out of sequence (a retransmission or a hole): flush, pass this one up alone.
      flush(g, slot, ST_LRO_FLUSH_OUT_OF_ORDER);
      statInc(ST_LRO_AGGREGATES);
      fifoPush(unchecked(out[g]), p);
      return;
    }
    // lro_add_packet: merge into the parent and release the merged skb's header.
    let hr = pktRec(head);
    let pSegs = pkrSegs(pr);
    let segs = pkrSegs(hr) + pSegs;
    let bytes = pkrBytes(hr) + pkrBytes(pr);
    pkrSetSegs(hr, segs);
    pkrSetBytes(hr, bytes);
    unchecked((nexts[slot] = seq + pSegs));
    traceLroMerge(head, p);
    pktFree(p);
    if (segs >= maxAggr) flush(g, slot, ST_LRO_FLUSH_MAX_AGGR);
    else if (bytes > maxLen) flush(g, slot, ST_LRO_FLUSH_64K);
    return;
  }
  if (free == PKT_NONE || maxAggr <= 1) {
    statInc(ST_LRO_FLUSH_NO_DESCRIPTOR);
    statInc(ST_LRO_AGGREGATES);
    fifoPush(unchecked(out[g]), p);
    return;
  }
  unchecked((heads[free] = p));
  unchecked((dNext[free] = pkrSeq(pr) + pkrSegs(pr)));
}

/** lro_flush_all at the end of netfront's poll. */
export function lroFlushAll(g: u32): void {
  let base = g * nDesc;
  for (let d: u32 = 0; d < nDesc; d++) {
    if (unchecked(dHead[base + d]) != PKT_NONE) flush(g, base + d, ST_LRO_FLUSH_END_OF_POLL);
  }
}

/** Segments held in LRO descriptors and output queues (always 0 between polls; for the
 *  conservation walk). */
export function lroHeldUnits(): u64 {
  let s: u64 = 0;
  for (let i = 0; i < dHead.length; i++) {
    let h = unchecked(dHead[i]);
    if (h != PKT_NONE) s += pkSegs(h);
  }
  for (let g = 0; g < out.length; g++) {
    let q = unchecked(out[g]);
    for (let i: u32 = 0; i < fifoLen(q); i++) s += pktUnits(fifoAt(q, i));
  }
  return s;
}
