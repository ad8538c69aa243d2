// NAPI (net/core/dev.c; sources.md G3, D1): interrupt-driven scheduling of batched polls.
//
// Models: napi_schedule sets NAPI_STATE_SCHED and puts the instance on the *current* CPU's
// poll list (raising NET_RX); net_rx_action polls each listed instance with
// min(weight, budget left); an instance that used its whole weight stays scheduled and moves to
// the list tail (list_move_tail); one that did less calls napi_complete and re-enables its
// interrupt. Instances here: each NIC RX queue (e1000 poll: RX clean + TX clean), dom0's
// per-CPU backlog (process_backlog: packets netback TX hands to netif_rx), and each netfront.
// Left out: GRO, busy polling, threaded NAPI.

import { ST_NAPI_BUDGET_EXHAUSTED } from "../../src/abi/layout";
import { statInc } from "../stats";
import { pollListAdd, pollListRequeue } from "../cpu/vcpu";
import { nicPollStart, nicPollFinish } from "../hw/nic";
import { backlogPollStart, backlogPollFinish } from "../dom0/bridge";
import { netfrontPollStart, netfrontPollFinish } from "../netfront/netfront";

export const NAPI_NIC: u8 = 0;
export const NAPI_BACKLOG: u8 = 1;
export const NAPI_NETFRONT: u8 = 2;

let nKind = new StaticArray<u8>(0);
let nArg = new StaticArray<u32>(0);
let nSched = new StaticArray<u8>(0);
let nWeight = new StaticArray<u32>(0); // weight of this instance
let nQuota = new StaticArray<u32>(0); // quota of the poll in progress
let nWork = new StaticArray<u32>(0); // packets taken by the poll in progress
export let nPolls = new StaticArray<u32>(0);
let count: u32 = 0;

export function napiInit(n: u32): void {
  nKind = new StaticArray<u8>(<i32>n);
  nArg = new StaticArray<u32>(<i32>n);
  nSched = new StaticArray<u8>(<i32>n);
  nWeight = new StaticArray<u32>(<i32>n);
  nQuota = new StaticArray<u32>(<i32>n);
  nWork = new StaticArray<u32>(<i32>n);
  nPolls = new StaticArray<u32>(<i32>n);
  count = 0;
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

export function napiScheduled(n: u32): bool {
  return unchecked(nSched[n]) != 0;
}

/** Starts one poll of n on v with at most `budgetLeft` packets. Returns the packets it takes. */
export function napiStart(v: u32, n: u32, budgetLeft: u32): u32 {
  let w = unchecked(nWeight[n]);
  let quota = w < budgetLeft ? w : budgetLeft;
  let kind = unchecked(nKind[n]);
  let arg = unchecked(nArg[n]);
  let work: u32 = 0;
  if (kind == NAPI_NIC) work = nicPollStart(v, arg, quota);
  else if (kind == NAPI_BACKLOG) work = backlogPollStart(v, arg, quota);
  else work = netfrontPollStart(v, arg, quota);
  unchecked((nQuota[n] = quota));
  unchecked((nWork[n] = work));
  unchecked((nPolls[n] = unchecked(nPolls[n]) + 1));
  return work;
}

/** Packets taken by the poll in progress on instance n (trace points). */
export function napiWorkOf(n: u32): u32 {
  return unchecked(nWork[n]);
}
/** Kind (NAPI_*) and argument (queue, VCPU, guest) of instance n, as kind << 24 | arg (trace points). */
export function napiWhat(n: u32): u32 {
  return (<u32>unchecked(nKind[n]) << 24) | (unchecked(nArg[n]) & 0xffffff);
}

/** Ends the poll: napi_complete, or stay scheduled and go to the list tail. */
export function napiFinish(v: u32, n: u32): void {
  let kind = unchecked(nKind[n]);
  let arg = unchecked(nArg[n]);
  let quota = unchecked(nQuota[n]);
  let work = unchecked(nWork[n]);
  // A poll that used its whole quota has more to do (or ran out of budget): keep it scheduled.
  let exhausted = work >= quota;
  let complete = false;
  if (kind == NAPI_NIC) complete = nicPollFinish(v, arg, work, exhausted);
  else if (kind == NAPI_BACKLOG) complete = backlogPollFinish(v, arg, work, exhausted);
  else complete = netfrontPollFinish(v, arg, work, exhausted);
  if (complete) {
    unchecked((nSched[n] = 0));
  } else {
    if (exhausted) statInc(ST_NAPI_BUDGET_EXHAUSTED);
    pollListRequeue(v, n);
  }
}

/** Whether instance n has packets waiting (used by invariants and tests). */
export function napiHasWork(n: u32): bool {
  return unchecked(nSched[n]) != 0;
}
