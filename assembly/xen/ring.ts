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
import { memArrays, freshArray } from "../base/memory";

export const RING_SIZE: u32 = 256;
const RING_MASK: u32 = RING_SIZE - 1;

export let reqProd = new StaticArray<u32>(0);
export let reqEvent = new StaticArray<u32>(0);
export let rspProd = new StaticArray<u32>(0);
export let rspEvent = new StaticArray<u32>(0);
export let reqProdPvt = new StaticArray<u32>(0); // front
export let rspCons = new StaticArray<u32>(0); // front
export let rspProdPvt = new StaticArray<u32>(0); // back
export let reqCons = new StaticArray<u32>(0); // back
let slots = new StaticArray<u32>(0);

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
  let m = <i32>n;
  reqProd = freshArray<u32>(m);
  reqEvent = freshArray<u32>(m);
  rspProd = freshArray<u32>(m);
  rspEvent = freshArray<u32>(m);
  reqProdPvt = freshArray<u32>(m);
  rspCons = freshArray<u32>(m);
  rspProdPvt = freshArray<u32>(m);
  reqCons = freshArray<u32>(m);
  slots = freshArray<u32>(m * <i32>RING_SIZE);
  // SHARED_RING_INIT: producers at 0, event indices at 1 (notify on the first message).
  for (let r = 0; r < m; r++) {
    unchecked((reqEvent[r] = 1));
    unchecked((rspEvent[r] = 1));
  }
}

/** Tallies the bytes ringsInit(n) allocates. */
export function ringsMemory(n: u64): void {
  memArrays(MEM_PART, n, 4, 8);
  memArrays(MEM_PART, n * <u64>RING_SIZE, 4);
}

// @ts-ignore: decorator
@inline export function ringSlotSet(r: u32, idx: u32, v: u32): void {
  unchecked((slots[(r << 8) + (idx & RING_MASK)] = v));
}
// @ts-ignore: decorator
@inline export function ringSlotGet(r: u32, idx: u32): u32 {
  return unchecked(slots[(r << 8) + (idx & RING_MASK)]);
}

/**
 * Debug builds only (compiled out when assertions are off): the order ring.h keeps between the
 * eight indices of ring r, all free-running, so compared by distance:
 *   rsp_cons <= rsp_prod <= rsp_prod_pvt <= req_cons <= req_prod <= req_prod_pvt <= rsp_cons + size
 * (the frontend never has more requests outstanding than slots; the backend never responds to a
 * request it has not consumed, nor consumes one not yet published).
 */
export function ringCheckOrder(r: u32): void {
  let rc = unchecked(rspCons[r]);
  let rp = unchecked(rspProd[r]);
  let rpp = unchecked(rspProdPvt[r]);
  let qc = unchecked(reqCons[r]);
  let qp = unchecked(reqProd[r]);
  let qpp = unchecked(reqProdPvt[r]);
  let span = qpp - rc; // requests the frontend has outstanding
  assert(span <= RING_SIZE, "ring: more requests outstanding than slots (req_prod_pvt - rsp_cons > RING_SIZE)");
  // Each step is at most the span, and the steps add up to it: the indices are in order.
  let steps = <u64>(rp - rc) + <u64>(rpp - rp) + <u64>(qc - rpp) + <u64>(qp - qc) + <u64>(qpp - qp);
  assert(steps == <u64>span, "ring: indices out of order (rsp_cons <= rsp_prod <= rsp_prod_pvt <= req_cons <= req_prod <= req_prod_pvt)");
}

/** RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: publish req_prod_pvt; true if the backend must be notified. */
export function ringPushRequests(r: u32): bool {
  if (!ASC_NO_ASSERT) ringCheckOrder(r);
  let old = unchecked(reqProd[r]);
  let nw = unchecked(reqProdPvt[r]);
  unchecked((reqProd[r] = nw));
  return nw - unchecked(reqEvent[r]) < nw - old;
}

/** RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: publish rsp_prod_pvt; true if the frontend must be notified. */
export function ringPushResponses(r: u32): bool {
  if (!ASC_NO_ASSERT) ringCheckOrder(r);
  let old = unchecked(rspProd[r]);
  let nw = unchecked(rspProdPvt[r]);
  unchecked((rspProd[r] = nw));
  return nw - unchecked(rspEvent[r]) < nw - old;
}

/** RING_HAS_UNCONSUMED_REQUESTS (backend view), bounded as ring.h bounds it. */
export function ringUnconsumedRequests(r: u32): u32 {
  let req = unchecked(reqProd[r]) - unchecked(reqCons[r]);
  let rsp = RING_SIZE - (unchecked(reqCons[r]) - unchecked(rspProdPvt[r]));
  return req < rsp ? req : rsp;
}

/** RING_HAS_UNCONSUMED_RESPONSES (frontend view). */
// @ts-ignore: decorator
@inline export function ringUnconsumedResponses(r: u32): u32 {
  return unchecked(rspProd[r]) - unchecked(rspCons[r]);
}

/** RING_FINAL_CHECK_FOR_REQUESTS (backend going idle). True if work remains. */
export function ringFinalCheckRequests(r: u32): bool {
  if (!ASC_NO_ASSERT) ringCheckOrder(r);
  if (ringUnconsumedRequests(r) > 0) return true;
  unchecked((reqEvent[r] = unchecked(reqCons[r]) + 1));
  // mb(): the event index is visible before prod is read again.
  return ringUnconsumedRequests(r) > 0;
}

/** RING_FINAL_CHECK_FOR_RESPONSES (frontend going idle). True if work remains. */
export function ringFinalCheckResponses(r: u32): bool {
  if (!ASC_NO_ASSERT) ringCheckOrder(r);
  if (ringUnconsumedResponses(r) > 0) return true;
  unchecked((rspEvent[r] = unchecked(rspCons[r]) + 1));
  return ringUnconsumedResponses(r) > 0;
}

/** RING_FREE_REQUESTS (frontend view): slots the frontend may still fill. */
// @ts-ignore: decorator
@inline export function ringFreeRequests(r: u32): u32 {
  return RING_SIZE - (unchecked(reqProdPvt[r]) - unchecked(rspCons[r]));
}
