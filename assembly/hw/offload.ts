// The NIC's segmentation and aggregation offloads, as the physical port and its driver do them.
//
// Models:
//  - TSO (sources.md H9): the driver gives the NIC one skb of several MSS segments (a guest's GSO
//    skb that crossed the vif whole) with one context; the NIC sends one frame per segment, each
//    with its own headers and Ethernet overhead, serialized on the wire one after another.
//  - LRO in the driver's NAPI poll (nic.lro.enabled; inet_lro, sources.md I1-I4, net/lro.ts, one
//    instance per RX queue with the same lro_mgr settings as netfront's): each TCP data segment of
//    a guest-bound flow goes to lro_receive_skb, everything else passes on as it is, and
//    lro_flush_all at the end of the poll hands up what is still held.
// nic.ts calls both and keeps the rings, the costs and the interrupt state.
// Left out: TSO's per-fragment TX descriptors, header checks before merging, LRO's
// disabling by the bridge in later kernels (dev_disable_lro, 2.6.27+).

import { ST_NIC_TSO_SKBS } from "../../src/abi/layout";
import { statInc } from "../stats";
import { fifoLen, fifoPush, fifoPop } from "../base/fifo";
import { pktAlloc, pktFree, pkKind, pkFlow, pkSeq, pkBytes, pkWire, PKT_NONE, KIND_DATA } from "../packet";
import { flowDirRx } from "../flows";
import { linkSend } from "./link";
import { lroReceive, lroFlushAll, lroOutput } from "../net/lro";

/** TSO: cuts skb p of `segs` MSS segments into frames on link l and frees p. Returns when the
 *  last frame has left (0 when the link's queue dropped every frame). */
export function tsoSend(l: u32, p: u32, segs: u32): u64 {
  statInc(ST_NIC_TSO_SKBS);
  let f = pkFlow(p);
  let seq = pkSeq(p);
  let bytes = pkBytes(p) / segs;
  let wire = pkWire(p) / segs;
  let depart: u64 = 0;
  for (let i: u32 = 0; i < segs; i++) {
    let q = pktAlloc(KIND_DATA, f, seq + i, bytes, wire);
    if (q == PKT_NONE) break; // the pool ran out: the run stops with its error
    let d = linkSend(l, q);
    if (d > depart) depart = d;
  }
  pktFree(p);
  return depart;
}

/** LRO in the driver's poll: pops the `k` frames at the head of RX ring `ring`, passes them
 *  through LRO instance `inst` and puts what it hands up on `outQ`, in order. Returns the
 *  frames' wire bytes (for interrupt moderation). */
export function lroPoll(ring: i32, k: u32, inst: u32, outQ: i32): u32 {
  let lq = lroOutput(inst);
  let wire: u32 = 0;
  for (let i: u32 = 0; i < k; i++) {
    let p = fifoPop(ring);
    wire += pkWire(p);
    if (pkKind(p) == KIND_DATA && flowDirRx(pkFlow(p))) {
      lroReceive(inst, p);
      while (fifoLen(lq) > 0) fifoPush(outQ, fifoPop(lq));
    } else fifoPush(outQ, p);
  }
  lroFlushAll(inst);
  while (fifoLen(lq) > 0) fifoPush(outQ, fifoPop(lq));
  return wire;
}
