// NAPI (net/core/dev.c; sources.md G3, D1): interrupt-driven scheduling of batched polls.
//
// Models: napi_schedule sets NAPI_STATE_SCHED and puts the instance on the *current* CPU's
// poll list (raising NET_RX); net_rx_action polls each listed instance with
// min(weight, budget left); an instance that used its whole weight stays scheduled and moves to
// the list tail (list_move_tail); one that did less calls napi_complete and re-enables its
// interrupt. Instances here: each NIC RX queue (e1000 poll: RX clean + TX clean), dom0's
// per-CPU backlog (process_backlog: packets netback TX hands to netif_rx), each netfront, each
// guest's SR-IOV VF driver, and in netback's NAPI mode each vif (xenvif_poll, Linux 3.12-3.14).
// An instance whose poll did less than its quota without completing (xenvif_poll: its final
// check found new requests) stays at the list head, where 2.6.24+ net_rx_action leaves any
// instance that did not use its whole weight, and is polled again next (sources.md C13); like
// every instance of 2.6.24+ net_rx_action it is polled with its whole weight, even when less
// budget is left. The other instances keep 2.6.18's net_rx_action, the kernel of the reproduced
// paper's dom0 and guests, which moves every instance that stays scheduled to the tail and
// polls it with min(weight, budget left).
// The poll functions are reached through model/ops.ts.
// Left out: GRO, busy polling, threaded NAPI.

import { ST_NAPI_BUDGET_EXHAUSTED } from "../../src/abi/layout";
import { statInc } from "../stats";
import { pollListAdd, pollListRequeue, pollListRequeueHead } from "../cpu/vcpu";
import { MEM_OTHER as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";

/** Poll functions (the `poll` pointer of struct napi_struct); model/ops.ts calls them. */
export const NAPI_NIC: u8 = 0; // e1000_clean of a NIC RX queue
export const NAPI_BACKLOG: u8 = 1; // process_backlog of a dom0 CPU
export const NAPI_NETFRONT: u8 = 2; // netfront's poll
export const NAPI_VF: u8 = 3; // a guest's SR-IOV VF driver poll (igbvf_poll)
export const NAPI_NETBACK: u8 = 4; // xenvif_poll of one vif (netback's NAPI mode)

let nKind = new StaticArray<u8>(0);
let nArg = new StaticArray<u32>(0);
let nSched = new StaticArray<u8>(0);
let nWeight = new StaticArray<u32>(0); // weight of this instance
let nQuota = new StaticArray<u32>(0); // quota of the poll in progress
let nWork = new StaticArray<u32>(0); // packets taken by the poll in progress
let count: u32 = 0;

export function napiInit(n: u32): void {
  nKind = freshArray<u8>(<i32>n);
  nArg = freshArray<u32>(<i32>n);
  nSched = freshArray<u8>(<i32>n);
  nWeight = freshArray<u32>(<i32>n);
  nQuota = freshArray<u32>(<i32>n);
  nWork = freshArray<u32>(<i32>n);
  count = 0;
}

/** Tallies the bytes napiInit(n) allocates. */
export function napiMemory(n: u64): void {
  memArrays(MEM_PART, n, 1, 2);
  memArrays(MEM_PART, n, 4, 4);
}

/** netif_napi_add: returns the new instance's id. */
export function napiAdd(kind: u8, arg: u32, weight: u32): u32 {
  let n = count++;
  unchecked((nKind[n] = kind));
  unchecked((nArg[n] = arg));
  unchecked((nWeight[n] = weight));
  return n;
}

/** napi_schedule on VCPU v. Returns false if it was already scheduled. */
export function napiSchedule(n: u32, v: u32): bool {
  if (unchecked(nSched[n])) return false;
  unchecked((nSched[n] = 1));
  pollListAdd(v, n);
  return true;
}

/** Whether n is scheduled (NAPI_STATE_SCHED). */
export function napiScheduled(n: u32): bool {
  return unchecked(nSched[n]) != 0;
}

/** Poll function and its argument of instance n. */
// @ts-ignore: decorator
@inline export function napiKind(n: u32): u8 {
  return unchecked(nKind[n]);
}
// @ts-ignore: decorator
@inline export function napiArg(n: u32): u32 {
  return unchecked(nArg[n]);
}

/** Quota of a poll of n with `budgetLeft` of netdev_budget left: min(weight, budget), as 2.6.18's
 *  net_rx_action gives it. A vif's instance (netback's NAPI mode, a Linux 3.12-3.14 dom0) is
 *  polled as 2.6.24+ net_rx_action polls every instance, with its whole weight
 *  (n->poll(n, weight), sources.md C13): the budget left may then go below zero, which ends the
 *  round. */
// @ts-ignore: decorator
@inline export function napiQuota(n: u32, budgetLeft: u32): u32 {
  let w = unchecked(nWeight[n]);
  if (unchecked(nKind[n]) == NAPI_NETBACK) return w;
  return w < budgetLeft ? w : budgetLeft;
}

/** A poll of n started with `quota` and took `work` packets. */
// @ts-ignore: decorator
@inline export function napiPollBegin(n: u32, quota: u32, work: u32): void {
  unchecked((nQuota[n] = quota));
  unchecked((nWork[n] = work));
}

/** Packets the poll in progress took. */
// @ts-ignore: decorator
@inline export function napiPollWork(n: u32): u32 {
  return unchecked(nWork[n]);
}

/** A poll that used its whole quota has more to do (or ran out of budget). */
// @ts-ignore: decorator
@inline export function napiPollExhausted(n: u32): bool {
  return unchecked(nWork[n]) >= unchecked(nQuota[n]);
}

/** Packets taken by the poll in progress on instance n (trace points). */
export function napiWorkOf(n: u32): u32 {
  return unchecked(nWork[n]);
}
/** Kind (NAPI_*) and argument (queue, VCPU, guest) of instance n, as kind << 24 | arg (trace points). */
export function napiWhat(n: u32): u32 {
  return (<u32>unchecked(nKind[n]) << 24) | (unchecked(nArg[n]) & 0xffffff);
}

/** Ends the poll on v: napi_complete when the poll function completed, else stay scheduled: at
 *  the list tail (list_move_tail) after using the whole quota, at the head (polled again next)
 *  after less (a vif's poll whose final check found more requests; see the header). */
export function napiPollEnd(v: u32, n: u32, complete: bool): void {
  if (complete) {
    unchecked((nSched[n] = 0));
  } else if (napiPollExhausted(n)) {
    statInc(ST_NAPI_BUDGET_EXHAUSTED);
    pollListRequeue(v, n);
  } else if (unchecked(nKind[n]) == NAPI_NETBACK) {
    pollListRequeueHead(v, n);
  } else {
    pollListRequeue(v, n);
  }
}
