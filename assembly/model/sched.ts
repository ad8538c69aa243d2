// VCPU job selection: what a virtual CPU runs next, in Linux priority order.
//
// Models: on a VCPU, work runs as non-preemptible *jobs* whose cost in cycles comes from the
// cost model; when one ends, the next is chosen in this order:
//
//   1. NOTIFY   event-channel sends queued by the previous job (notify_remote_via_irq is the
//               last thing net_rx_action / xennet_poll do; modelled as its own short job so
//               its hypercall cost lands after the work that decided it)
//   2. UPCALL   pending event-channel ports: Xen upcall + each port's handler (hardirq level:
//               NIC PIRQ -> e1000 ISR, vif port -> netif_be_int / netfront interrupt, IPI)
//   3. TIMER    expired timers (TIMER_SOFTIRQ runs before NET_RX: softirq bit order)
//   4. SOFTIRQ  __do_softirq rounds (kernel/softirq.ts): NAPI polls within netdev_budget, then
//               tasklets; after MAX_SOFTIRQ_RESTART rounds the rest goes to ksoftirqd
//   5. THREADS  runnable threads round-robin, one job per turn: netback kthreads, the guest
//               application, ksoftirqd
//
// A blocked VCPU that is woken has no job of its own for the switch: Xen's switch to it (a
// context switch, COST_VCPU_WAKE) opens the first job it then picks, and that pick is made at
// the wake-up. On return from SCHEDOP_block the guest goes straight into the upcall (or the
// timer or thread it was woken for): nothing else can run on that VCPU in between, so only the
// instant of the pick moves (by the switch's cost), not the order of any work on the VCPU.
//
// Why jobs and not per-instruction preemption: a hardirq arriving during a softirq job is taken
// at the job's end. Softirq handlers never nest on one CPU, so what a hardirq can start (a NAPI
// schedule, a tasklet) could not have run earlier anyway; only the handler's own start is
// delayed, by at most one job (one NAPI poll or one netback batch, with the switch to a woken
// VCPU in front of it).
//
// The upcall stays a job of its own, and the softirq round after it is picked at its end: a
// NAPI poll decides its batch when it starts, so a poll that started with the upcall (as one job
// for both, the way irq_exit runs __do_softirq) would miss the frames that arrive during the
// switch and the handler. On a window-limited 10 GbE flow (one-busy-eight-idle) that cost 13% of
// the goodput, and took oi2009-lro-vnic-shared-cpu out of its tolerance in `pvnetsim validate`.
//
// Each job has a start (decides and charges its work) and a finish (applies its effects at the
// job's end); the work itself is reached through model/ops.ts.
//
// Which VCPU a PCPU runs: when every VCPU has a PCPU of its own and no cap (the host decides at
// init: CFG_SCHED_CREDIT = 0), a woken VCPU runs at once and nothing else is done: vcpuOnWake and
// vcpuOnDone handle the pinned VCPU events and test nothing about a scheduler. Otherwise the VCPU
// events are of the credit kinds (cpu/vcpu.ts picks them at init), handled by vcpuOnWakeCredit
// and vcpuOnDoneCredit, and the
// credit scheduler (xen/credit.ts) decides, and this file applies its decisions: a VCPU switched
// out in the middle of a job has the job paused (cpu/vcpu.ts); a VCPU switched in resumes its
// paused job or, woken from a block, starts with the switch itself as a job. A switch from the
// idle VCPU costs COST_VCPU_WAKE (as in the pinned case); from another VCPU, COST_CTX_SWITCH.
// Both are charged to the VCPU switched in (Xen time spent on its behalf).
// Left out: hardirq nesting, CFS weights between threads (turns are round-robin per job).

import {
  COMP_XEN, COMP_SOFTIRQ, COST_VCPU_WAKE, ST_VCPU_WAKEUPS, ST_UPCALLS, COST_XEN_UPCALL, COST_TIMER,
  COST_EVTCHN_SEND, ST_HYPERCALLS, GS_EVENTS_IN, COST_CTX_SWITCH, ST_CTX_SWITCHES, ST_SCHED_PREEMPTIONS,
  VS_SWITCHES_IN, COST_TASKLET_RUN,
} from "../../src/abi/layout";
import { costCycles, costTimes } from "../config";
import { statInc, statAdd, guestStatAdd, recordVcpuNoWait, vcpuStatAdd } from "../stats";
import { fifoRecLen, fifoRecPush, fifoRecPop } from "../base/fifo";
import { charge, chargeSwitch, jobBegin, jobOwner, jobClose, jobCycles, debtTake } from "../cpu/account";
import {
  vJob, vJobArg, vDomain, vcpuLists, VL_PENDING, VL_OUTBOX, VL_TIMERS, VL_THREADS, VL_ITEMS, vKsoftirqd, thrQueued,
  vcpuStartJob, vcpuStartJobInline, vcpuBlock, threadQueue, vcpuPause, vcpuIsPaused, vcpuResume, vcpuStaleDone, vcpuIsBlocked,
  vcpuJobLeft, vcpuSwitchIn,
} from "../cpu/vcpu";
import { taskletOwner } from "../kernel/tasklet";
import { eqNow } from "../base/eventq";
import { TRACING, traceJob } from "../observe/trace";
import {
  creditWake, creditBlock, creditSchedule, creditCurrent, creditProcessor, creditOnSlice, creditOnTick,
  creditTickledDone, tickled, nTickled, creditWaiting, creditWaitFrom,
} from "../xen/credit";
import { evtchnSend, portPendingClear } from "../xen/evtchn";
import { domainLocksOn, evLock, lockSectionAt } from "../xen/spinlock";
import {
  softirqNext, softirqItem, softirqBudget, softirqBudgetUse, softirqChargeEntry, softirqDeferred,
  softirqUndefer, softirqIrqExit, SQ_NONE, SQ_NAPI, SQ_SPIN,
} from "../kernel/softirq";
import {
  opsIrqStart, opsIrqFinish, opsTimerStart, opsTimerFinish, opsNapiPoll, opsNapiFinish, opsTaskletRun,
  opsTaskletFinish, opsThreadStart, opsThreadFinish, opsThreadRunnable, opsJobEnd,
} from "./ops";

// Job kinds.
const J_NONE: u8 = 0;
const J_WAKE: u8 = 1;
const J_NOTIFY: u8 = 2;
const J_UPCALL: u8 = 3;
const J_TIMER: u8 = 4;
const J_NAPI: u8 = 5;
const J_TASKLET: u8 = 6;
const J_THREAD: u8 = 7;
const J_SPIN: u8 = 8; // tasklet_action's re-raise loop while the tasklet runs on another CPU

/** Cycles of the job being composed that the trace already shows as a part of its own: the
 *  switch to a woken VCPU that opens a job (see the header). Kept only in the trace build. */
let tracedCycles: u64 = 0;

// The job pick composed, for its caller to start (one call site per caller, not one per kind): the
// kind in the low byte, the argument above it, bit 40 set (kind J_NONE is a job too: late work).
const NO_JOB: u64 = 0;
// @ts-ignore: decorator
@inline function composed(kind: u8, arg: u32): u64 {
  return (<u64>1 << 40) | (<u64>arg << 8) | <u64>kind;
}

/** Starts the job pick composed on v, if any. */
// @ts-ignore: decorator
@inline function startComposed(v: u32, job: u64): void {
  if (job != NO_JOB) {
    jobClose(v);
    vcpuStartJob(v, <u8>job, <u32>(job >> 8), jobCycles, tracedCycles);
    if (TRACING) tracedCycles = 0;
  }
}

/** startComposed at the end of a job, where most jobs start: the start, with its push of the
 *  job's end, inlined. */
// @ts-ignore: decorator
@inline function startComposedInline(v: u32, job: u64): void {
  if (job != NO_JOB) {
    jobClose(v);
    vcpuStartJobInline(v, <u8>job, <u32>(job >> 8), jobCycles, tracedCycles);
    if (TRACING) tracedCycles = 0;
  }
}

/** The trace shows the work composed so far on v (not yet shown) as a part of kind `kind`. */
// @ts-ignore: decorator
@inline function tracePart(v: u32, kind: u8): void {
  if (TRACING) {
    traceJob(v, kind, 0, eqNow + tracedCycles, jobCycles - tracedCycles);
    tracedCycles = jobCycles;
  }
}

/** Whether the credit scheduler decides (VCPUs share PCPUs, or a cap applies); set at init. */
let schedCredit: bool = false;

export function schedInit(credit: bool): void {
  schedCredit = credit;
}

/** Event handler: a blocked VCPU was woken; its own PCPU is idle, so Xen switches to it at once. */
export function vcpuOnWake(v: u32): void {
  statInc(ST_VCPU_WAKEUPS);
  recordVcpuNoWait(v);
  wakeInto(v, costCycles(COST_VCPU_WAKE));
}

/** v, blocked until now, is switched in at a cost of `switchCycles`: the switch opens its next
 *  job. The guest resumes where SCHEDOP_block returns and goes straight to what it finds pending
 *  (the upcall first); nothing else can run on v in between. */
function wakeInto(v: u32, switchCycles: u64): void {
  jobBegin(v, debtTake(v));
  // Xen switches first; work v owes (charged late, while it was blocked) runs after.
  vcpuSwitchIn(v, eqNow, switchCycles);
  charge(COMP_XEN, switchCycles);
  tracePart(v, J_WAKE);
  startComposed(v, pick(v, J_WAKE));
}

/** Cycles before cycle t of the wait v is in (runnable, no PCPU); 0 when it is not waiting. */
export function vcpuWaitBefore(v: u32, t: u64): u64 {
  if (!schedCredit || !creditWaiting(v)) return 0;
  let from = creditWaitFrom(v);
  return t > from ? t - from : 0;
}

/** Event handler, VCPUs sharing PCPUs: a blocked VCPU was woken (Xen's vcpu_wake). */
export function vcpuOnWakeCredit(v: u32): void {
  creditWake(v);
  runTickled();
}

/** Event handler, VCPUs sharing PCPUs: a job of v ended, unless it was paused since (a stale end);
 *  if v then blocks, its PCPU reschedules. */
export function vcpuOnDoneCredit(v: u32): void {
  if (vcpuStaleDone(v)) return;
  vcpuOnDone(v);
  if (vcpuIsBlocked(v)) {
    creditBlock(v);
    pcpuSchedule(creditProcessor(v));
    runTickled();
  }
}

/** Event handler: PCPU p's time slice timer. */
export function pcpuOnSlice(p: u32): void {
  if (creditOnSlice(p)) pcpuSchedule(p);
}

/** Event handler: the credit scheduler's tick. */
export function schedOnTick(): void {
  creditOnTick();
  runTickled();
}

/** Runs the schedule of every PCPU the last decision tickled (SCHEDULE_SOFTIRQ). */
function runTickled(): void {
  for (let i: u32 = 0; i < nTickled; i++) pcpuSchedule(unchecked(tickled[i]));
  creditTickledDone();
}

/** PCPU p reschedules: switch from its current VCPU to the one the credit scheduler picks. */
function pcpuSchedule(p: u32): void {
  let prev = creditCurrent(p);
  let next = creditSchedule(p);
  if (next == prev) return;
  if (prev >= 0 && vcpuPause(<u32>prev)) statInc(ST_SCHED_PREEMPTIONS);
  if (next < 0) return;
  let v = <u32>next;
  let c: u64 = 0;
  if (prev < 0) {
    c = costCycles(COST_VCPU_WAKE);
  } else {
    c = costCycles(COST_CTX_SWITCH);
    statInc(ST_CTX_SWITCHES);
    vcpuStatAdd(v, VS_SWITCHES_IN, 1);
  }
  if (vcpuIsPaused(v)) {
    chargeSwitch(v, COMP_XEN, c);
    vcpuResume(v, c);
    return;
  }
  // Woken from a block: the switch opens its next job.
  statInc(ST_VCPU_WAKEUPS);
  wakeInto(v, c);
}

/** Event handler: the job running on v has finished. */
export function vcpuOnDone(v: u32): void {
  jobOwner(v);
  let kind = unchecked(vJob[v]);
  let arg = unchecked(vJobArg[v]);
  unchecked((vJob[v] = J_NONE));
  finishJob(v, kind, arg);
  opsJobEnd(v, unchecked(vDomain[v]));
  dispatch(v);
}

/** Applies the effects of v's job that ended. Inlined into its one caller, vcpuOnDone. */
// @ts-ignore: decorator
@inline function finishJob(v: u32, kind: u8, arg: u32): void {
  switch (kind) {
    case J_NOTIFY: {
      let ob = vcpuLists(v) + VL_OUTBOX;
      let n = fifoRecLen(ob);
      for (let i: u32 = 0; i < n; i++) evtchnSend(fifoRecPop(ob));
      break;
    }
    case J_UPCALL: {
      let items = vcpuLists(v) + VL_ITEMS;
      let n = fifoRecLen(items);
      for (let i: u32 = 0; i < n; i++) opsIrqFinish(v, fifoRecPop(items));
      softirqIrqExit(v);
      break;
    }
    case J_TIMER: {
      let items = vcpuLists(v) + VL_ITEMS;
      let n = fifoRecLen(items);
      for (let i: u32 = 0; i < n; i++) opsTimerFinish(v, fifoRecPop(items));
      break;
    }
    case J_NAPI:
      opsNapiFinish(v, arg);
      break;
    case J_TASKLET:
      opsTaskletFinish(v, arg);
      break;
    case J_THREAD: {
      opsThreadFinish(v, arg);
      // Round-robin: back to the tail if it still has work.
      if (opsThreadRunnable(arg)) threadQueue(v, arg);
      break;
    }
    default:
      break;
  }
}

/** Composes the next softirq job of v's current __do_softirq round; NO_JOB when there is none. */
function composeSoftirqJob(v: u32): u64 {
  let k = softirqNext(v);
  if (k == SQ_NONE) return NO_JOB;
  let item = softirqItem;
  softirqChargeEntry(v);
  if (k == SQ_NAPI) {
    softirqBudgetUse(v, opsNapiPoll(v, item, softirqBudget(v)));
    return composed(J_NAPI, item);
  }
  if (k == SQ_SPIN) {
    // The re-raise loop keeps v busy until the instance on the other CPU ends (at least one
    // tasklet_action pass): __do_softirq restarts, then ksoftirqd, retry tasklet_trylock.
    let left = vcpuJobLeft(taskletOwner(item));
    let pass = costCycles(COST_TASKLET_RUN);
    charge(COMP_SOFTIRQ, left > pass ? left : pass);
    return composed(J_SPIN, item);
  }
  opsTaskletRun(v, item);
  return composed(J_TASKLET, item);
}

/** Picks and starts v's next job, or leaves v idle. Inlined into vcpuOnDone, its one caller. */
// @ts-ignore: decorator
@inline function dispatch(v: u32): void {
  // Work charged at the end of the previous job (e.g. a qdisc drain) runs first.
  jobBegin(v, debtTake(v));
  startComposedInline(v, pick(v, J_NONE));
}

/** Composes v's next job onto what is charged already (late work, a switch to v) and returns it
 *  for the caller to start, or leaves v idle (NO_JOB). With nothing else to do, charged cycles
 *  still run, as a job of `restKind`. */
function pick(v: u32, restKind: u8): u64 {
  // 1. event sends decided by the job that just ended
  let lists = vcpuLists(v);
  let nOut = fifoRecLen(lists + VL_OUTBOX);
  if (nOut > 0) {
    // evtchn_send holds the sending domain's event lock for each send (Xen 4.5 and earlier):
    // its lock word, and the remote's pending word and vcpu_info the remote last wrote.
    if (domainLocksOn()) {
      let per = costCycles(COST_EVTCHN_SEND);
      let lock = evLock(unchecked(vDomain[v]));
      for (let i: u32 = 0; i < nOut; i++) lockSectionAt(lock, 1, 2, COMP_XEN, per * <u64>i);
    }
    charge(COMP_XEN, costTimes(COST_EVTCHN_SEND, nOut));
    statAdd(ST_HYPERCALLS, nOut);
    return composed(J_NOTIFY, 0);
  }
  // 2. hardirq level: pending event-channel ports
  let pend = lists + VL_PENDING;
  let nPend = fifoRecLen(pend);
  if (nPend > 0) {
    statInc(ST_UPCALLS);
    let dom = unchecked(vDomain[v]);
    if (dom > 0) guestStatAdd(dom - 1, GS_EVENTS_IN, 1);
    charge(COMP_XEN, costCycles(COST_XEN_UPCALL));
    let items = lists + VL_ITEMS;
    for (let i: u32 = 0; i < nPend; i++) {
      let p = fifoRecPop(pend);
      portPendingClear(p);
      fifoRecPush(items, p);
      opsIrqStart(v, p);
    }
    return composed(J_UPCALL, 0);
  }
  // 3. expired timers (TIMER_SOFTIRQ)
  let tm = lists + VL_TIMERS;
  let nT = fifoRecLen(tm);
  if (nT > 0) {
    let items = lists + VL_ITEMS;
    for (let i: u32 = 0; i < nT; i++) {
      let it = fifoRecPop(tm);
      fifoRecPush(items, it);
      charge(COMP_SOFTIRQ, costCycles(COST_TIMER));
      opsTimerStart(v, it);
    }
    return composed(J_TIMER, 0);
  }
  // 4. softirqs, unless deferred to ksoftirqd
  if (!softirqDeferred(v)) {
    let job = composeSoftirqJob(v);
    if (job != NO_JOB) return job;
  }
  // 5. threads, round-robin, one job per turn. A pass can re-queue ksoftirqd (a round that hit
  // MAX_SOFTIRQ_RESTART again defers again) while v still counts as busy, so its kick is not
  // seen: a second pass picks it up instead of blocking with work queued (a lost wake-up).
  let th = lists + VL_THREADS;
  for (let pass = 0; pass < 2; pass++) {
    let nTh = fifoRecLen(th);
    for (let i: u32 = 0; i < nTh; i++) {
      let t = fifoRecPop(th);
      unchecked((thrQueued[t] = 0));
      if (t == unchecked(vKsoftirqd[v])) {
        if (!softirqDeferred(v)) continue;
        let job = composeSoftirqJob(v);
        if (job != NO_JOB) {
          // Keeps its place in the rotation while softirqs stay pending. (Queued before the job
          // starts: v is running, so the queueing kicks nothing, and the start touches no list.)
          threadQueue(v, t);
          return job;
        }
        // The round ended. If it hit MAX_SOFTIRQ_RESTART again it re-queued ksoftirqd and stays
        // deferred (the next turn starts a new round); otherwise softirqs run inline again.
        if (!unchecked(thrQueued[t])) softirqUndefer(v);
        continue;
      }
      if (opsThreadStart(v, t)) return composed(J_THREAD, t);
    }
    if (fifoRecLen(th) == 0) break;
  }
  if (jobCycles > 0) {
    // Only late-charged work or a switch to v: spend it, then look again.
    return composed(restKind, 0);
  }
  // Nothing to do: block (SCHEDOP_block); the next event wakes the VCPU.
  vcpuBlock(v);
  if (!ASC_NO_ASSERT) jobOwner(v);
  return NO_JOB;
}
