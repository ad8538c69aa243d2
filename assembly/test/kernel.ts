// Mechanism test module: the kernel's scheduling state machines (kernel/) on the per-VCPU work
// lists (cpu/), without any component. Driven by test/assembly/kernel.test.ts.

import { ST_TASKLET_SCHEDULES, ST_TASKLET_BUSY_ELSEWHERE, ST_NAPI_BUDGET_EXHAUSTED, ST_SOFTIRQ_DEFERRED, ST_EVTCHN_SENT, ST_EVTCHN_MERGED } from "../../src/abi/layout";
import { fifoLen, fifoPop, fifoAt } from "../base/fifo";
import { eqPop, eqSize, eqNow, eqTarget } from "../base/eventq";
import { EV_TIMER, EV_INDEX_MASK, EV_KIND_SHIFT } from "../base/targets";
import { accountInit } from "../cpu/account";
import { vcpuInit, vcpuStartJob, vTasklets, vPollList, vTimers, vPending, vKsoftirqd, thrQueued } from "../cpu/vcpu";
import {
  taskletsInit, taskletAdd, taskletSchedule, taskletTryRun, taskletDone, taskletRequeue, taskletMigrated, tRuns,
  tLastCpu, TASKLET_NB_RX,
} from "../kernel/tasklet";
import { napiInit, napiAdd, napiSchedule, napiScheduled, napiQuota, napiPollBegin, napiPollEnd, NAPI_NIC } from "../kernel/napi";
import { softirqInit, softirqNext, softirqItem, softirqBudget, softirqBudgetUse, softirqDeferred, SQ_NAPI, SQ_TASKLET, SQ_NONE } from "../kernel/softirq";
import { timersInit, timerNew, timerArm, timerCancel, timerOnEvent, TM_TCP_RTO, TIMER_NO_VCPU } from "../kernel/timers";
import { evtchnInit, evtchnBind, evtchnSend, portPendingClear } from "../xen/evtchn";
import { worldInit, counter } from "./world";

export { counter };

/** `vcpus` VCPUs, all busy (so new work queues without wake-up events), `tasklets` tasklets,
 *  `napis` NAPI instances of weight `weight`, netdev_budget `budget`, MAX_SOFTIRQ_RESTART
 *  `restarts`, `timers` timer slots, and event channels for 2 NIC queues and 2 vifs. */
export function setup(vcpus: u32, tasklets: u32, napis: u32, weight: u32, budget: u32, restarts: u32, timers: u32): void {
  worldInit(2, vcpus);
  accountInit(vcpus);
  vcpuInit(vcpus, 0, 1, 16, napis, tasklets, 4 + vcpus, 16, 4, 0, false);
  for (let v: u32 = 0; v < vcpus; v++) vcpuStartJob(v, 0, 0, 1000000);
  taskletsInit(tasklets);
  for (let t: u32 = 0; t < tasklets; t++) taskletAdd(TASKLET_NB_RX, t);
  napiInit(napis);
  for (let n: u32 = 0; n < napis; n++) napiAdd(NAPI_NIC, n, weight);
  softirqInit(vcpus, budget, restarts);
  timersInit(timers);
  evtchnInit(2, 2, vcpus, 0);
}

// ---- tasklets ----
export function taskletScheduleOn(t: u32, v: u32): void {
  taskletSchedule(t, v);
}
export function taskletListLen(v: u32): u32 {
  return fifoLen(unchecked(vTasklets[v]));
}
/** tasklet_action on v takes the head of its list: 1 if it runs (left running), 0 if busy
 *  elsewhere (then listed on v again, as tasklet_action re-lists it). */
export function taskletActionHead(v: u32): u32 {
  let t = fifoPop(unchecked(vTasklets[v]));
  if (taskletTryRun(v, t)) return 1;
  taskletRequeue(v, t);
  return 0;
}
/** Whether the run claimed last found its previous run on another CPU. */
export function taskletLastClaimMigrated(): u32 {
  return taskletMigrated ? 1 : 0;
}
export function taskletFinish(t: u32): void {
  taskletDone(t);
}
export function taskletRuns(t: u32): u32 {
  return unchecked(tRuns[t]);
}
export function taskletLastCpu(t: u32): u32 {
  return unchecked(tLastCpu[t]);
}
export function statSchedules(): u64 {
  return counter(ST_TASKLET_SCHEDULES);
}
export function statBusyElsewhere(): u64 {
  return counter(ST_TASKLET_BUSY_ELSEWHERE);
}

// ---- NAPI and softirq rounds ----
let backlog = new StaticArray<u32>(64);
let trace = new StaticArray<u32>(256);
let traceLen: u32 = 0;

/** Instance n has `packets` waiting and is scheduled on v. */
export function napiLoad(n: u32, v: u32, packets: u32): u32 {
  unchecked((backlog[n] = packets));
  return napiSchedule(n, v) ? 1 : 0;
}
export function napiIsScheduled(n: u32): u32 {
  return napiScheduled(n) ? 1 : 0;
}

/** Runs v's softirq items until the round machinery has nothing runnable or spins on a tasklet
 *  running elsewhere: each NAPI poll takes min(quota, waiting) and completes when it took less
 *  than its quota; each tasklet runs and ends at once. Records (kind << 24 | item << 12 | quota)
 *  per item, the spin too; returns the count. */
export function softirqRun(v: u32, maxItems: u32): u32 {
  return softirqRunEnding(v, maxItems, 0xffffffff);
}
/** softirqRun, where tasklet `ends` (running on another CPU) finishes its run while the first
 *  tasklet this CPU runs is running. */
export function softirqRunEnding(v: u32, maxItems: u32, ends: u32): u32 {
  traceLen = 0;
  while (traceLen < maxItems) {
    let k = softirqNext(v);
    if (k == SQ_NAPI) {
      let n = softirqItem;
      let quota = napiQuota(n, softirqBudget(v));
      let w = unchecked(backlog[n]);
      let work = w < quota ? w : quota;
      unchecked((backlog[n] = w - work));
      softirqBudgetUse(v, work);
      napiPollBegin(n, quota, work);
      napiPollEnd(v, n, work < quota);
      unchecked((trace[traceLen++] = (SQ_NAPI << 24) | (n << 12) | quota));
    } else if (k == SQ_TASKLET) {
      if (ends != 0xffffffff) {
        taskletDone(ends);
        ends = 0xffffffff;
      }
      taskletDone(softirqItem);
      unchecked((trace[traceLen++] = (SQ_TASKLET << 24) | (softirqItem << 12)));
    } else {
      // SQ_SPIN (recorded: the tasklet runs elsewhere and this CPU now spins) or SQ_NONE.
      if (k != SQ_NONE) unchecked((trace[traceLen++] = (k << 24) | (softirqItem << 12)));
      break;
    }
  }
  return traceLen;
}
export function traceAt(i: u32): u32 {
  return unchecked(trace[i]);
}
export function pollListLen(v: u32): u32 {
  return fifoLen(unchecked(vPollList[v]));
}
export function deferred(v: u32): u32 {
  return softirqDeferred(v) ? 1 : 0;
}
export function ksoftirqdQueued(v: u32): u32 {
  return unchecked(thrQueued[unchecked(vKsoftirqd[v])]);
}
export function statBudgetExhausted(): u64 {
  return counter(ST_NAPI_BUDGET_EXHAUSTED);
}
export function statDeferred(): u64 {
  return counter(ST_SOFTIRQ_DEFERRED);
}

// ---- timers ----
export function timerCreate(v: u32): u32 {
  return timerNew(TM_TCP_RTO, 0, v);
}
export function timerCreateExternal(): u32 {
  return timerNew(TM_TCP_RTO, 0, TIMER_NO_VCPU);
}
export function timerArmAt(t: u32, at: u64): void {
  timerArm(t, at);
}
export function timerDel(t: u32): void {
  timerCancel(t);
}
let fires = new StaticArray<u64>(64);
let nFires: u32 = 0;
/** Pops every pending event (all timer events here): returns how many there were; each expiry
 *  (to a VCPU list or fired externally) is recorded as its cycle. */
export function timersRun(): u32 {
  let events: u32 = 0;
  nFires = 0;
  while (eqSize > 0) {
    eqPop();
    if (eqTarget >> EV_KIND_SHIFT != EV_TIMER >> EV_KIND_SHIFT) continue;
    events++;
    let t = eqTarget & EV_INDEX_MASK;
    let before = timerListTotal();
    let external = timerOnEvent(t);
    if (external || timerListTotal() > before) unchecked((fires[nFires++] = eqNow));
  }
  return events;
}
function timerListTotal(): u32 {
  let s: u32 = 0;
  for (let v = 0; v < vTimers.length; v++) s += fifoLen(unchecked(vTimers[v]));
  return s;
}
export function timerFires(): u32 {
  return nFires;
}
export function timerFireAt(i: u32): u64 {
  return unchecked(fires[i]);
}
export function timerListLen(v: u32): u32 {
  return fifoLen(unchecked(vTimers[v]));
}

// ---- event channels ----
export function portBind(p: u32, v: u32): void {
  evtchnBind(p, v);
}
export function portSend(p: u32): void {
  evtchnSend(p);
}
export function pendingLen(v: u32): u32 {
  return fifoLen(unchecked(vPending[v]));
}
export function pendingAt(v: u32, i: u32): u32 {
  return fifoAt(unchecked(vPending[v]), i);
}
/** The upcall on v takes its pending ports (clearing each pending bit). Returns how many. */
export function upcall(v: u32): u32 {
  let q = unchecked(vPending[v]);
  let n = fifoLen(q);
  for (let i: u32 = 0; i < n; i++) portPendingClear(fifoPop(q));
  return n;
}
export function statSent(): u64 {
  return counter(ST_EVTCHN_SENT);
}
export function statMerged(): u64 {
  return counter(ST_EVTCHN_MERGED);
}
