// Xen shared I/O rings (include/xen/interface/io/ring.h), one TX and one RX ring per vif.
//
//   shared page (4 KiB)                     private halves
//   +0   req_prod   (frontend writes)       front_ring: req_prod_pvt, rsp_cons
//   +4   req_event  (backend writes)        back_ring:  rsp_prod_pvt, req_cons
//   +8   rsp_prod   (backend writes)
//   +12  rsp_event  (frontend writes)
//   +16  pad[48]
//   +64  ring[256]  union { request, response }  (sources.md A1-A5)
//
// Indices are free-running u32, masked with size-1 on access and never reset on wrap; every
// count is a difference of two indices, which stays right across wrap-around. Notification
// follows ring.h exactly: after a push, notify iff the consumer's event index lies in the newly
// pushed range, (new - event) < (new - old) (sources.md E1); a consumer going idle re-arms with
// event = cons + 1 and re-checks (FINAL_CHECK, E2). Each slot holds a packet id: a TX request
// names the packet the guest sends; an RX response names the packet netback copied in.
// Left out: the grant references and offsets inside requests (no memory is modelled).

import { MEM_XEN as MEM_PART } from "../../src/abi/layout";
import { memAdd, rawBytes } from "../base/memory";

export const RING_SIZE: u32 = 256;
const RING_MASK: u32 = RING_SIZE - 1;

// Layout (raw linear memory, allocated once in ringsInit): one record per ring, its eight indices
// together in the first 32 bytes (the shared page's four and the two private halves' four, so
// a ring operation touches one cache line for all of them), then its 256 slots, as the shared
// page puts the ring after its header:
//
//   rec(r) = ringBase + r * RING_RECORD_BYTES
//   +0  req_prod      +4  req_event     +8  rsp_prod      +12 rsp_event     (shared page)
//   +16 req_prod_pvt  +20 rsp_cons                                          (front_ring)
//   +24 rsp_prod_pvt  +28 req_cons                                          (back_ring)
//   +32 pad to 64, then +64 slot[256], u32 each
// @ts-ignore: decorator
@inline const SLOTS_OFFSET: usize = 64;
/** Bytes of one ring's record. */
// @ts-ignore: decorator
@inline const RING_RECORD_BYTES: usize = SLOTS_OFFSET + (<usize>RING_SIZE << 2);

let ringBase: usize = 0;

// @ts-ignore: decorator
@inline function rec(r: u32): usize {
  return ringBase + <usize>r * RING_RECORD_BYTES;
}

/** Address of ring r's record. Code that works on one ring several times in a row takes it once
 *  and reaches the indices through the ringRec* accessors below, as ring.h's macros work on one
 *  ring pointer: every ringX(r) reads ringBase (a Wasm global, which V8 reloads from the instance
 *  after each memory store) and recomputes the address. */
// @ts-ignore: decorator
@inline export function ringRec(r: u32): usize {
  return rec(r);
}

// Index access through a record address q = ringRec(r): ringRecX(q) reads, ringRecSetX(q, v) writes.
// @ts-ignore: decorator
@inline export function ringRecReqProd(q: usize): u32 { return load<u32>(q, 0); }
// @ts-ignore: decorator
@inline export function ringRecReqEvent(q: usize): u32 { return load<u32>(q, 4); }
// @ts-ignore: decorator
@inline export function ringRecRspProd(q: usize): u32 { return load<u32>(q, 8); }
// @ts-ignore: decorator
@inline export function ringRecRspEvent(q: usize): u32 { return load<u32>(q, 12); }
// @ts-ignore: decorator
@inline export function ringRecReqProdPvt(q: usize): u32 { return load<u32>(q, 16); }
// @ts-ignore: decorator
@inline export function ringRecRspCons(q: usize): u32 { return load<u32>(q, 20); }
// @ts-ignore: decorator
@inline export function ringRecRspProdPvt(q: usize): u32 { return load<u32>(q, 24); }
// @ts-ignore: decorator
@inline export function ringRecReqCons(q: usize): u32 { return load<u32>(q, 28); }
// @ts-ignore: decorator
@inline export function ringRecSetReqProd(q: usize, v: u32): void { store<u32>(q, v, 0); }
// @ts-ignore: decorator
@inline export function ringRecSetReqEvent(q: usize, v: u32): void { store<u32>(q, v, 4); }
// @ts-ignore: decorator
@inline export function ringRecSetRspProd(q: usize, v: u32): void { store<u32>(q, v, 8); }
// @ts-ignore: decorator
@inline export function ringRecSetRspEvent(q: usize, v: u32): void { store<u32>(q, v, 12); }
// @ts-ignore: decorator
@inline export function ringRecSetReqProdPvt(q: usize, v: u32): void { store<u32>(q, v, 16); }
// @ts-ignore: decorator
@inline export function ringRecSetRspCons(q: usize, v: u32): void { store<u32>(q, v, 20); }
// @ts-ignore: decorator
@inline export function ringRecSetRspProdPvt(q: usize, v: u32): void { store<u32>(q, v, 24); }
// @ts-ignore: decorator
@inline export function ringRecSetReqCons(q: usize, v: u32): void { store<u32>(q, v, 28); }

// Index access by ring number (r): ringX(r) reads, ringSetX(r, v) writes.
// @ts-ignore: decorator
@inline export function ringReqProd(r: u32): u32 { return ringRecReqProd(rec(r)); }
// @ts-ignore: decorator
@inline export function ringReqEvent(r: u32): u32 { return ringRecReqEvent(rec(r)); }
// @ts-ignore: decorator
@inline export function ringRspProd(r: u32): u32 { return ringRecRspProd(rec(r)); }
// @ts-ignore: decorator
@inline export function ringRspEvent(r: u32): u32 { return ringRecRspEvent(rec(r)); }
// @ts-ignore: decorator
@inline export function ringReqProdPvt(r: u32): u32 { return ringRecReqProdPvt(rec(r)); }
// @ts-ignore: decorator
@inline export function ringRspCons(r: u32): u32 { return ringRecRspCons(rec(r)); }
// @ts-ignore: decorator
@inline export function ringRspProdPvt(r: u32): u32 { return ringRecRspProdPvt(rec(r)); }
// @ts-ignore: decorator
@inline export function ringReqCons(r: u32): u32 { return ringRecReqCons(rec(r)); }
// @ts-ignore: decorator
@inline export function ringSetReqProd(r: u32, v: u32): void { ringRecSetReqProd(rec(r), v); }
// @ts-ignore: decorator
@inline export function ringSetReqEvent(r: u32, v: u32): void { ringRecSetReqEvent(rec(r), v); }
// @ts-ignore: decorator
@inline export function ringSetRspProd(r: u32, v: u32): void { ringRecSetRspProd(rec(r), v); }
// @ts-ignore: decorator
@inline export function ringSetRspEvent(r: u32, v: u32): void { ringRecSetRspEvent(rec(r), v); }
// @ts-ignore: decorator
@inline export function ringSetReqProdPvt(r: u32, v: u32): void { ringRecSetReqProdPvt(rec(r), v); }
// @ts-ignore: decorator
@inline export function ringSetRspCons(r: u32, v: u32): void { ringRecSetRspCons(rec(r), v); }
// @ts-ignore: decorator
@inline export function ringSetRspProdPvt(r: u32, v: u32): void { ringRecSetRspProdPvt(rec(r), v); }
// @ts-ignore: decorator
@inline export function ringSetReqCons(r: u32, v: u32): void { ringRecSetReqCons(rec(r), v); }

/** Rings of vif v: 2v its TX ring (guest -> dom0 requests), 2v+1 its RX ring. */
// @ts-ignore: decorator
@inline export function txRingOf(vif: u32): u32 {
  return vif << 1;
}
// @ts-ignore: decorator
@inline export function rxRingOf(vif: u32): u32 {
  return (vif << 1) | 1;
}

export function ringsInit(n: u32): void {
  // Memory from the runtime is zero (base/memory.ts freshArray): producers and consumers at 0.
  ringBase = heap.alloc(<usize>n * RING_RECORD_BYTES);
  // SHARED_RING_INIT: event indices at 1 (notify on the first message).
  for (let r: u32 = 0; r < n; r++) {
    ringSetReqEvent(r, 1);
    ringSetRspEvent(r, 1);
  }
}

/** Tallies the bytes ringsInit(n) allocates. */
export function ringsMemory(n: u64): void {
  memAdd(MEM_PART, rawBytes(n * <u64>RING_RECORD_BYTES));
}

// @ts-ignore: decorator
@inline export function ringRecSlotSet(q: usize, idx: u32, v: u32): void {
  store<u32>(q + SLOTS_OFFSET + (<usize>(idx & RING_MASK) << 2), v);
}
// @ts-ignore: decorator
@inline export function ringRecSlotGet(q: usize, idx: u32): u32 {
  return load<u32>(q + SLOTS_OFFSET + (<usize>(idx & RING_MASK) << 2));
}
// @ts-ignore: decorator
@inline export function ringSlotSet(r: u32, idx: u32, v: u32): void {
  ringRecSlotSet(rec(r), idx, v);
}
// @ts-ignore: decorator
@inline export function ringSlotGet(r: u32, idx: u32): u32 {
  return ringRecSlotGet(rec(r), idx);
}

/**
 * Debug builds only (compiled out when assertions are off): the order ring.h keeps between the
 * eight indices of ring r, all free-running, so compared by distance:
 *   rsp_cons <= rsp_prod <= rsp_prod_pvt <= req_cons <= req_prod <= req_prod_pvt <= rsp_cons + size
 * (the frontend never has more requests outstanding than slots; the backend never responds to a
 * request it has not consumed, nor consumes one not yet published).
 */
export function ringCheckOrder(r: u32): void {
  let rc = ringRspCons(r);
  let rp = ringRspProd(r);
  let rpp = ringRspProdPvt(r);
  let qc = ringReqCons(r);
  let qp = ringReqProd(r);
  let qpp = ringReqProdPvt(r);
  let span = qpp - rc; // requests the frontend has outstanding
  assert(span <= RING_SIZE, "ring: more requests outstanding than slots (req_prod_pvt - rsp_cons > RING_SIZE)");
  // Each step is at most the span, and the steps add up to it: the indices are in order.
  let steps = <u64>(rp - rc) + <u64>(rpp - rp) + <u64>(qc - rpp) + <u64>(qp - qc) + <u64>(qpp - qp);
  assert(steps == <u64>span, "ring: indices out of order (rsp_cons <= rsp_prod <= rsp_prod_pvt <= req_cons <= req_prod <= req_prod_pvt)");
}

/** RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: publish req_prod_pvt; true if the backend must be notified. */
export function ringPushRequests(r: u32): bool {
  if (!ASC_NO_ASSERT) ringCheckOrder(r);
  let q = rec(r);
  let old = ringRecReqProd(q);
  let nw = ringRecReqProdPvt(q);
  ringRecSetReqProd(q, nw);
  return nw - ringRecReqEvent(q) < nw - old;
}

/** req_prod_pvt = nw, then RING_PUSH_REQUESTS_AND_CHECK_NOTIFY on the ring at q: the same stores
 *  and the same answer as ringRecSetReqProdPvt(q, nw) followed by ringPushRequests, for a producer
 *  that has just computed its new private index. It publishes nw without reading back the index it
 *  has just written: neither binaryen nor V8 forwards a store to a later load of linear memory (gcc
 *  does), and that read-back lies on the producer's critical path, once per request. */
// @ts-ignore: decorator
@inline export function ringRecPushRequestsFrom(q: usize, nw: u32): bool {
  ringRecSetReqProdPvt(q, nw);
  if (!ASC_NO_ASSERT) ringCheckOrder(<u32>((q - ringBase) / RING_RECORD_BYTES));
  let old = ringRecReqProd(q);
  ringRecSetReqProd(q, nw);
  return nw - ringRecReqEvent(q) < nw - old;
}

/** RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: publish rsp_prod_pvt; true if the frontend must be notified. */
export function ringPushResponses(r: u32): bool {
  if (!ASC_NO_ASSERT) ringCheckOrder(r);
  let q = rec(r);
  let old = ringRecRspProd(q);
  let nw = ringRecRspProdPvt(q);
  ringRecSetRspProd(q, nw);
  return nw - ringRecRspEvent(q) < nw - old;
}

/** RING_HAS_UNCONSUMED_REQUESTS (backend view), bounded as ring.h bounds it. */
export function ringUnconsumedRequests(r: u32): u32 {
  return ringRecUnconsumedRequests(rec(r));
}
// @ts-ignore: decorator
@inline export function ringRecUnconsumedRequests(q: usize): u32 {
  return ringRecUnconsumedRequestsAt(q, ringRecReqCons(q), ringRecRspProdPvt(q));
}
/** RING_HAS_UNCONSUMED_REQUESTS on the ring at q for a backend that holds its req_cons and
 *  rsp_prod_pvt (as just stored) in hand: the same answer without reading them back (see
 *  ringRecPushRequestsFrom). */
// @ts-ignore: decorator
@inline export function ringRecUnconsumedRequestsAt(q: usize, cons: u32, rspProdPvt: u32): u32 {
  let req = ringRecReqProd(q) - cons;
  let rsp = RING_SIZE - (cons - rspProdPvt);
  return req < rsp ? req : rsp;
}

/** RING_HAS_UNCONSUMED_RESPONSES (frontend view). */
// @ts-ignore: decorator
@inline export function ringUnconsumedResponses(r: u32): u32 {
  return ringRspProd(r) - ringRspCons(r);
}

/** RING_FINAL_CHECK_FOR_REQUESTS (backend going idle). True if work remains. */
export function ringFinalCheckRequests(r: u32): bool {
  if (!ASC_NO_ASSERT) ringCheckOrder(r);
  let q = rec(r);
  if (ringRecUnconsumedRequests(q) > 0) return true;
  ringRecSetReqEvent(q, ringRecReqCons(q) + 1);
  // mb(): the event index is visible before prod is read again.
  return ringRecUnconsumedRequests(q) > 0;
}

/** RING_FINAL_CHECK_FOR_RESPONSES (frontend going idle). True if work remains. */
export function ringFinalCheckResponses(r: u32): bool {
  if (!ASC_NO_ASSERT) ringCheckOrder(r);
  let q = rec(r);
  if (ringRecRspProd(q) - ringRecRspCons(q) > 0) return true;
  ringRecSetRspEvent(q, ringRecRspCons(q) + 1);
  return ringRecRspProd(q) - ringRecRspCons(q) > 0;
}

/** RING_FREE_REQUESTS (frontend view): slots the frontend may still fill. */
// @ts-ignore: decorator
@inline export function ringFreeRequests(r: u32): u32 {
  return ringRecFreeRequests(rec(r));
}
// @ts-ignore: decorator
@inline export function ringRecFreeRequests(q: usize): u32 {
  return RING_SIZE - (ringRecReqProdPvt(q) - ringRecRspCons(q));
}
