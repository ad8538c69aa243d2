// The credit scheduler's run queues and reschedule requests (part of xen/credit.ts, which explains
// the scheduler): per-PCPU queues ordered by priority (__runq_insert, csched_runq_sort), and the
// list of PCPUs a decision asks to reschedule (__runq_tickle: SCHEDULE_SOFTIRQ raised on them).

import { ST_SCHED_BOOST_PREEMPTIONS, ST_SCHED_BOOST_PREEMPT_OVER } from "../../src/abi/layout";
import { statInc } from "../stats";
import {
  NONE, PRI_BOOST, PRI_IDLE, PRI_OVER, PRI_UNDER, nP, vPri, rqNext, rqPrev, rqHead, rqTail, vOnRq, pCur, pIdle,
  pSortLast, allowed,
} from "./credit-state";

/** PCPUs a decision asks to reschedule (SCHEDULE_SOFTIRQ raised), in the order to run them. */
export let tickled = new StaticArray<u32>(0);
export let nTickled: u32 = 0;
let tickledMark = new StaticArray<u8>(0);

/** Allocates the reschedule list (called by creditInit). */
export function creditRunqInit(): void {
  tickled = new StaticArray<u32>(<i32>nP);
  tickledMark = new StaticArray<u8>(<i32>nP);
  nTickled = 0;
}

// ---- run queues --------------------------------------------------------------------------------

/** __runq_insert: behind every VCPU of the same or higher priority. */
export function runqInsert(p: u32, v: u32): void {
  let pri = unchecked(vPri[v]);
  let it = unchecked(rqHead[p]);
  while (it != NONE && unchecked(vPri[it]) >= pri) it = unchecked(rqNext[it]);
  // insert before `it` (at the tail when it is NONE)
  let prev = it == NONE ? unchecked(rqTail[p]) : unchecked(rqPrev[it]);
  unchecked((rqPrev[v] = prev));
  unchecked((rqNext[v] = it));
  if (prev == NONE) unchecked((rqHead[p] = <i32>v));
  else unchecked((rqNext[prev] = <i32>v));
  if (it == NONE) unchecked((rqTail[p] = <i32>v));
  else unchecked((rqPrev[it] = <i32>v));
  unchecked((vOnRq[v] = 1));
}

export function runqRemove(p: u32, v: u32): void {
  let prev = unchecked(rqPrev[v]);
  let next = unchecked(rqNext[v]);
  if (prev == NONE) unchecked((rqHead[p] = next));
  else unchecked((rqNext[prev] = next));
  if (next == NONE) unchecked((rqTail[p] = prev));
  else unchecked((rqPrev[next] = prev));
  unchecked((rqPrev[v] = NONE));
  unchecked((rqNext[v] = NONE));
  unchecked((vOnRq[v] = 0));
}

/** csched_runq_sort: UNDER (and BOOST) VCPUs move ahead of OVER ones, keeping their order. Runs
 *  once per accounting period (`epoch` counts them) per PCPU. */
export function runqSort(p: u32, epoch: u32): void {
  if (unchecked(pSortLast[p]) == epoch) return;
  unchecked((pSortLast[p] = epoch));
  let lastUnder = NONE;
  let it = unchecked(rqHead[p]);
  while (it != NONE) {
    let next = unchecked(rqNext[it]);
    if (unchecked(vPri[it]) >= PRI_UNDER) {
      if (unchecked(rqPrev[it]) != lastUnder) {
        runqRemove(p, <u32>it);
        // re-insert right after lastUnder (at the head when there is none)
        let after = lastUnder == NONE ? unchecked(rqHead[p]) : unchecked(rqNext[lastUnder]);
        unchecked((rqPrev[it] = lastUnder));
        unchecked((rqNext[it] = after));
        if (lastUnder == NONE) unchecked((rqHead[p] = it));
        else unchecked((rqNext[lastUnder] = it));
        if (after == NONE) unchecked((rqTail[p] = it));
        else unchecked((rqPrev[after] = it));
        unchecked((vOnRq[it] = 1));
      }
      lastUnder = it;
    }
    it = next;
  }
}

// ---- reschedule requests ------------------------------------------------------------------------

export function tickle(p: u32): void {
  if (unchecked(tickledMark[p])) return;
  unchecked((tickledMark[p] = 1));
  unchecked((tickled[nTickled++] = p));
}

/** The caller ran every tickled PCPU's schedule: the list starts empty again. */
export function creditTickledDone(): void {
  for (let i: u32 = 0; i < nTickled; i++) unchecked((tickledMark[tickled[i]] = 0));
  nTickled = 0;
}

/** __runq_tickle: v joined p's run queue. */
export function runqTickle(p: u32, v: u32): void {
  let cur = unchecked(pCur[p]);
  let curPri = cur == NONE ? PRI_IDLE : unchecked(vPri[cur]);
  let pri = unchecked(vPri[v]);
  if (pri > curPri) {
    tickle(p);
    if (pri == PRI_BOOST && cur != NONE) {
      statInc(ST_SCHED_BOOST_PREEMPTIONS);
      if (curPri == PRI_OVER) statInc(ST_SCHED_BOOST_PREEMPT_OVER);
    }
  }
  // p has at least two runnable VCPUs: idle PCPUs the VCPU may run on look for work.
  if (curPri > PRI_IDLE) {
    for (let q: u32 = 0; q < nP; q++) if (unchecked(pIdle[q]) && allowed(v, q)) tickle(q);
  }
}
