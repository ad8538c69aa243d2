// VCPUs: what a virtual CPU executes, in Linux priority order, and where each cycle goes.
//
// Models: every VCPU (dom0's and each guest's) pinned 1:1 to its own PCPU, so a VCPU runs
// whenever it has work (no Xen credit-scheduler contention; a VCPU sharing a PCPU is rejected
// by the host's validation). On a VCPU, work runs as non-preemptible *jobs* whose cost in
// cycles comes from the cost model; the next job is chosen in this order:
//
//   1. NOTIFY   event-channel sends queued by the previous job (notify_remote_via_irq is the
//               last thing net_rx_action / xennet_poll do; modelled as its own short job so
//               its hypercall cost lands after the work that decided it)
//   2. UPCALL   pending event-channel ports: Xen upcall + each port's handler (hardirq level:
//               NIC PIRQ -> e1000 ISR, vif port -> netif_be_int / netfront interrupt, IPI)
//   3. TIMER    expired timers (TIMER_SOFTIRQ runs before NET_RX: softirq bit order)
//   4. SOFTIRQ  __do_softirq rounds: NET_RX (net_rx_action: NAPI polls up to netdev_budget,
//               each up to its weight, list_move_tail on full weight), then TASKLET
//               (tasklet_action runs the tasklets queued at its start); up to
//               MAX_SOFTIRQ_RESTART rounds, then the rest is deferred to ksoftirqd, which
//               competes with other threads until the next hardirq exit runs softirqs again
//               (2.6.x irq_exit behaviour; sources.md G3, G4)
//   5. THREADS  runnable threads round-robin, one job per turn: netback kthreads, the guest
//               application, ksoftirqd
//
// Why jobs and not per-instruction preemption: a hardirq arriving during a softirq job is taken
// at the job's end. Softirq handlers never nest on one CPU, so what a hardirq can start (a NAPI
// schedule, a tasklet) could not have run earlier anyway; only the handler's own start is
// delayed, by at most one job (one NAPI poll or one netback batch).
//
// Left out: VCPU sharing of a PCPU (credit scheduler, BOOST), SMT, cache effects, hardirq
// nesting, the 2-jiffy time bound of net_rx_action, CFS weights between threads (turns are
// round-robin per job).

import {
  COMP_XEN, COMP_SOFTIRQ, CFG_NETDEV_BUDGET, CFG_MAX_SOFTIRQ_RESTART, COST_VCPU_WAKE,
  COST_SOFTIRQ_ENTRY, ST_VCPU_WAKEUPS, ST_SOFTIRQ_DEFERRED, ST_UPCALLS, COST_XEN_UPCALL,
  COST_TIMER, COST_EVTCHN_SEND, ST_HYPERCALLS, GS_EVENTS_IN,
} from "../../src/abi/layout";
import { cfgU32, cost } from "../config";
import { chargeVcpu, statInc, statAdd, guestStatAdd } from "../stats";
import { eqPush, eqNow } from "../sim/eventq";
import { fifoNew, fifoLen, fifoPush, fifoPop, fifoAt } from "../sim/fifo";
import { EV_VCPU_DONE, EV_VCPU_WAKE } from "../sim/targets";
import { portHandlerStart, portHandlerFinish, evtchnSend, portPendingClear } from "../xen/evtchn";
import { napiStart, napiFinish } from "../kernel/napi";
import { taskletStart, taskletFinish, taskletRunningElsewhere } from "../kernel/tasklet";
import { netfrontFlushStaged } from "../netfront/netfront";
import { threadStart, threadFinish, threadRunnable } from "../kernel/threads";
import { timerStart, timerFinish } from "../kernel/timers";
import { traceJob } from "../observe/trace";

// VCPU run states.
const ST_IDLE: u8 = 0;
const ST_WAKING: u8 = 1; // a wake-up event is scheduled
const ST_BUSY: u8 = 2;

// Job kinds.
export const J_NONE: u8 = 0;
export const J_WAKE: u8 = 1;
export const J_NOTIFY: u8 = 2;
export const J_UPCALL: u8 = 3;
export const J_TIMER: u8 = 4;
export const J_NAPI: u8 = 5;
export const J_TASKLET: u8 = 6;
export const J_THREAD: u8 = 7;

// Softirq round phases.
const SP_NONE: u8 = 0;
const SP_NETRX: u8 = 1;
const SP_TASKLET: u8 = 2;

export let nVcpus: u32 = 0;
export let nDom0Vcpus: u32 = 0;
let vState = new StaticArray<u8>(0);
let vJob = new StaticArray<u8>(0);
let vJobArg = new StaticArray<u32>(0);
let vJobEnd = new StaticArray<u64>(0); // cycle at which the current (or last) job ends
/** Domain of each VCPU: 0 = dom0, g+1 = guest g. */
export let vDomain = new StaticArray<u32>(0);
/** Work lists per VCPU (FIFO ids). */
export let vPending = new StaticArray<i32>(0); // event ports pending delivery
export let vOutbox = new StaticArray<i32>(0); // event ports to notify when the current job ends
export let vPollList = new StaticArray<i32>(0); // NAPI instances scheduled here
export let vTasklets = new StaticArray<i32>(0); // tasklets scheduled here
export let vTimers = new StaticArray<i32>(0); // expired timer items
export let vThreads = new StaticArray<i32>(0); // runnable threads
/** Items the current job took (ports for an upcall, timer items). */
export let vJobItems = new StaticArray<i32>(0);
let vSoftPhase = new StaticArray<u8>(0);
let vBudget = new StaticArray<i32>(0);
let vTaskletsLeft = new StaticArray<u32>(0);
let vRestarts = new StaticArray<u32>(0);
let vDeferred = new StaticArray<u8>(0); // softirqs handed to ksoftirqd
/** Thread id of each VCPU's ksoftirqd. */
export let vKsoftirqd = new StaticArray<u32>(0);
let vEntryPending = new StaticArray<u8>(0); // a softirq round just started: charge its entry

let thrQueued = new StaticArray<u8>(0);
let vDebt = new StaticArray<u64>(0); // cycles charged after a job ended, spent by the next one

let netdevBudget: i32 = 300;
let maxRestart: u32 = 10;

/** VCPU whose job is being started or finished. */
export let curV: u32 = 0;
/** Cycles charged so far to the job being started. */
let jobCycles: u64 = 0;
/**
 * Debug builds only: whether a job of curV is being composed. charge() adds to that job (its
 * cycles delay curV's next completion), so it is legal only between picking curV's next job and
 * starting it; work done while a job finishes, or for another VCPU, goes through chargeLate.
 */
let jobOpen: bool = false;

export function vcpuInit(dom0Vcpus: u32, guests: u32, guestVcpus: u32, portsTotal: u32, napis: u32, tasklets: u32, threads: u32, jobItemLimit: u32, ksoftirqdBase: u32): void {
  nDom0Vcpus = dom0Vcpus;
  nVcpus = dom0Vcpus + guests * guestVcpus;
  let n = <i32>nVcpus;
  vState = new StaticArray<u8>(n);
  vJob = new StaticArray<u8>(n);
  vJobArg = new StaticArray<u32>(n);
  vJobEnd = new StaticArray<u64>(n);
  vDomain = new StaticArray<u32>(n);
  vPending = new StaticArray<i32>(n);
  vOutbox = new StaticArray<i32>(n);
  vPollList = new StaticArray<i32>(n);
  vTasklets = new StaticArray<i32>(n);
  vTimers = new StaticArray<i32>(n);
  vThreads = new StaticArray<i32>(n);
  vJobItems = new StaticArray<i32>(n);
  vSoftPhase = new StaticArray<u8>(n);
  vBudget = new StaticArray<i32>(n);
  vTaskletsLeft = new StaticArray<u32>(n);
  vRestarts = new StaticArray<u32>(n);
  vDeferred = new StaticArray<u8>(n);
  vKsoftirqd = new StaticArray<u32>(n);
  vEntryPending = new StaticArray<u8>(n);
  vDebt = new StaticArray<u64>(n);
  thrQueued = new StaticArray<u8>(<i32>threads);
  netdevBudget = <i32>cfgU32(CFG_NETDEV_BUDGET);
  maxRestart = cfgU32(CFG_MAX_SOFTIRQ_RESTART);
  for (let v: u32 = 0; v < nVcpus; v++) {
    unchecked((vDomain[v] = v < dom0Vcpus ? 0 : 1 + (v - dom0Vcpus) / guestVcpus));
    unchecked((vKsoftirqd[v] = ksoftirqdBase + v));
    unchecked((vPending[v] = fifoNew(portsTotal)));
    unchecked((vOutbox[v] = fifoNew(portsTotal)));
    unchecked((vPollList[v] = fifoNew(napis)));
    unchecked((vTasklets[v] = fifoNew(tasklets)));
    unchecked((vTimers[v] = fifoNew(jobItemLimit)));
    unchecked((vThreads[v] = fifoNew(threads)));
    unchecked((vJobItems[v] = fifoNew(jobItemLimit)));
  }
}

/** First VCPU index of guest g. */
export function guestVcpuBase(g: u32, guestVcpus: u32): u32 {
  return nDom0Vcpus + g * guestVcpus;
}

// ---- charging ------------------------------------------------------------------------------

/** Charges `cycles` of the job being started to component `comp` of the current VCPU. */
// @ts-ignore: decorator
@inline export function charge(comp: i32, cycles: u64): void {
  if (!ASC_NO_ASSERT) assert(jobOpen, "charge() outside a job being started on curV (use chargeLate)");
  jobCycles += cycles;
  chargeVcpu(curV, comp, cycles);
}

/** Charges a fractional cost (cycles, possibly per byte times bytes), rounded to whole cycles. */
// @ts-ignore: decorator
@inline export function chargeF(comp: i32, cycles: f64): void {
  if (!ASC_NO_ASSERT) assert(jobOpen, "chargeF() outside a job being started on curV (use chargeLate)");
  let c = <u64>(cycles + 0.5);
  jobCycles += c;
  chargeVcpu(curV, comp, c);
}

/** Charges work done at the end of a job on v (its cycles delay v's next job). */
export function chargeLate(v: u32, comp: i32, cycles: u64): void {
  chargeVcpu(v, comp, cycles);
  unchecked((vDebt[v] = unchecked(vDebt[v]) + cycles));
}

/** A model invariant failed: the engine stops the run with STOP_ERR_INVARIANT and this code. */
export let invariantError: u32 = 0;
export function setInvariantError(code: u32): void {
  if (invariantError == 0) invariantError = code;
}

// ---- waking ----------------------------------------------------------------------------------

/** New work for VCPU v (an event, a timer, a runnable thread): wake it if it is idle. */
export function vcpuKick(v: u32): void {
  if (unchecked(vState[v]) != ST_IDLE) return;
  unchecked((vState[v] = ST_WAKING));
  eqPush(eqNow, EV_VCPU_WAKE | v);
}

/** Event handler: a blocked VCPU is scheduled in (Xen wakes it and switches to it). */
export function vcpuOnWake(v: u32): void {
  statInc(ST_VCPU_WAKEUPS);
  curV = v;
  if (!ASC_NO_ASSERT) jobOpen = true;
  jobCycles = 0;
  charge(COMP_XEN, <u64>cost(COST_VCPU_WAKE));
  startJob(v, J_WAKE, 0);
}

/** Event handler: the job running on v has finished. */
export function vcpuOnDone(v: u32): void {
  curV = v;
  if (!ASC_NO_ASSERT) jobOpen = false;
  let kind = unchecked(vJob[v]);
  let arg = unchecked(vJobArg[v]);
  unchecked((vJob[v] = J_NONE));
  finishJob(v, kind, arg);
  // Packets the guest stack produced during the job leave through netfront now.
  let dom = unchecked(vDomain[v]);
  if (dom > 0) netfrontFlushStaged(v, dom - 1);
  dispatch(v);
}

function startJob(v: u32, kind: u8, arg: u32): void {
  if (!ASC_NO_ASSERT) {
    assert(jobOpen && v == curV, "startJob: not the VCPU whose job is being composed");
    jobOpen = false;
  }
  unchecked((vJob[v] = kind));
  unchecked((vJobArg[v] = arg));
  unchecked((vJobEnd[v] = eqNow + jobCycles));
  unchecked((vState[v] = ST_BUSY));
  traceJob(v, kind, arg, eqNow, jobCycles);
  eqPush(eqNow + jobCycles, EV_VCPU_DONE | v);
}

function finishJob(v: u32, kind: u8, arg: u32): void {
  switch (kind) {
    case J_NOTIFY: {
      let ob = unchecked(vOutbox[v]);
      let n = fifoLen(ob);
      for (let i: u32 = 0; i < n; i++) evtchnSend(fifoPop(ob));
      break;
    }
    case J_UPCALL: {
      let items = unchecked(vJobItems[v]);
      let n = fifoLen(items);
      for (let i: u32 = 0; i < n; i++) portHandlerFinish(v, fifoPop(items));
      // irq_exit runs pending softirqs again even if ksoftirqd had them (2.6.x).
      if (unchecked(vDeferred[v])) {
        unchecked((vDeferred[v] = 0));
        unchecked((vRestarts[v] = 0));
        unchecked((vSoftPhase[v] = SP_NONE));
      }
      break;
    }
    case J_TIMER: {
      let items = unchecked(vJobItems[v]);
      let n = fifoLen(items);
      for (let i: u32 = 0; i < n; i++) timerFinish(v, fifoPop(items));
      break;
    }
    case J_NAPI:
      napiFinish(v, arg);
      break;
    case J_TASKLET:
      taskletFinish(v, arg);
      break;
    case J_THREAD: {
      threadFinish(v, arg);
      // Round-robin: back to the tail if it still has work.
      if (threadRunnable(arg)) threadQueue(v, arg);
      break;
    }
    default:
      break;
  }
}

// ---- choosing the next job --------------------------------------------------------------------

function softirqPending(v: u32): bool {
  return fifoLen(unchecked(vPollList[v])) > 0 || fifoLen(unchecked(vTasklets[v])) > 0;
}

/** Starts the next softirq job of v's current __do_softirq round; false when there is none. */
function startSoftirqJob(v: u32): bool {
  while (true) {
    if (!softirqPending(v)) {
      unchecked((vSoftPhase[v] = SP_NONE));
      unchecked((vRestarts[v] = 0));
      return false;
    }
    let phase = unchecked(vSoftPhase[v]);
    if (phase == SP_NONE) {
      // __do_softirq entry: a new round with a fresh net_rx_action budget.
      unchecked((vSoftPhase[v] = SP_NETRX));
      unchecked((vBudget[v] = netdevBudget));
      unchecked((vEntryPending[v] = 1));
      phase = SP_NETRX;
    }
    if (phase == SP_NETRX) {
      let pl = unchecked(vPollList[v]);
      if (fifoLen(pl) > 0 && unchecked(vBudget[v]) > 0) {
        let n = fifoPop(pl);
        chargeEntry(v);
        let used = napiStart(v, n, <u32>unchecked(vBudget[v]));
        unchecked((vBudget[v] = unchecked(vBudget[v]) - <i32>used));
        startJob(v, J_NAPI, n);
        return true;
      }
      unchecked((vSoftPhase[v] = SP_TASKLET));
      unchecked((vTaskletsLeft[v] = fifoLen(unchecked(vTasklets[v]))));
      phase = SP_TASKLET;
    }
    // SP_TASKLET: tasklet_action runs the tasklets that were listed when it started.
    let tl = unchecked(vTasklets[v]);
    if (unchecked(vTaskletsLeft[v]) > 0 && fifoLen(tl) > 0) {
      unchecked((vTaskletsLeft[v] = unchecked(vTaskletsLeft[v]) - 1));
      let t = fifoPop(tl);
      if (taskletStart(v, t)) {
        chargeEntry(v);
        startJob(v, J_TASKLET, t);
        return true;
      }
      // Running on another CPU: it comes back to this list when that instance ends.
      continue;
    }
    // End of a round: restart while more was raised, up to MAX_SOFTIRQ_RESTART rounds.
    unchecked((vSoftPhase[v] = SP_NONE));
    if (!softirqPending(v)) {
      unchecked((vRestarts[v] = 0));
      return false;
    }
    let r = unchecked(vRestarts[v]) + 1;
    unchecked((vRestarts[v] = r));
    if (r >= maxRestart) {
      // wakeup_softirqd(): the rest runs at thread level, competing with other threads.
      statInc(ST_SOFTIRQ_DEFERRED);
      unchecked((vDeferred[v] = 1));
      unchecked((vRestarts[v] = 0));
      threadQueue(v, unchecked(vKsoftirqd[v]));
      return false;
    }
    // Only tasklets busy elsewhere remain listed: nothing runnable here now.
    if (fifoLen(unchecked(vPollList[v])) == 0 && !anyTaskletRunnable(v)) return false;
  }
  return false;
}

/** Whether some tasklet on v's list is not running elsewhere (so a new round can make progress). */
function anyTaskletRunnable(v: u32): bool {
  let tl = unchecked(vTasklets[v]);
  let n = fifoLen(tl);
  for (let i: u32 = 0; i < n; i++) if (!taskletRunningElsewhere(fifoAt(tl, i))) return true;
  return false;
}

function chargeEntry(v: u32): void {
  if (unchecked(vEntryPending[v])) {
    unchecked((vEntryPending[v] = 0));
    charge(COMP_SOFTIRQ, <u64>cost(COST_SOFTIRQ_ENTRY));
  }
}

/** Picks and starts v's next job, or leaves v idle. */
function dispatch(v: u32): void {
  curV = v;
  if (!ASC_NO_ASSERT) jobOpen = true;
  // Work charged at the end of the previous job (e.g. a qdisc drain) runs first.
  jobCycles = unchecked(vDebt[v]);
  unchecked((vDebt[v] = 0));
  // 1. event sends decided by the job that just ended
  let ob = unchecked(vOutbox[v]);
  let nOut = fifoLen(ob);
  if (nOut > 0) {
    charge(COMP_XEN, <u64>(cost(COST_EVTCHN_SEND) * <f64>nOut));
    statAdd(ST_HYPERCALLS, nOut);
    startJob(v, J_NOTIFY, 0);
    return;
  }
  // 2. hardirq level: pending event-channel ports
  let pend = unchecked(vPending[v]);
  let nPend = fifoLen(pend);
  if (nPend > 0) {
    statInc(ST_UPCALLS);
    let dom = unchecked(vDomain[v]);
    if (dom > 0) guestStatAdd(dom - 1, GS_EVENTS_IN, 1);
    charge(COMP_XEN, <u64>cost(COST_XEN_UPCALL));
    let items = unchecked(vJobItems[v]);
    for (let i: u32 = 0; i < nPend; i++) {
      let p = fifoPop(pend);
      portPendingClear(p);
      fifoPush(items, p);
      portHandlerStart(v, p);
    }
    startJob(v, J_UPCALL, 0);
    return;
  }
  // 3. expired timers (TIMER_SOFTIRQ)
  let tm = unchecked(vTimers[v]);
  let nT = fifoLen(tm);
  if (nT > 0) {
    let items = unchecked(vJobItems[v]);
    for (let i: u32 = 0; i < nT; i++) {
      let it = fifoPop(tm);
      fifoPush(items, it);
      charge(COMP_SOFTIRQ, <u64>cost(COST_TIMER));
      timerStart(v, it);
    }
    startJob(v, J_TIMER, 0);
    return;
  }
  // 4. softirqs, unless deferred to ksoftirqd
  if (!unchecked(vDeferred[v]) && startSoftirqJob(v)) return;
  // 5. threads, round-robin, one job per turn. A pass can re-queue ksoftirqd (a round that hit
  // MAX_SOFTIRQ_RESTART again defers again) while v still counts as busy, so its kick is not
  // seen: a second pass picks it up instead of blocking with work queued (a lost wake-up).
  let th = unchecked(vThreads[v]);
  for (let pass = 0; pass < 2; pass++) {
  let nTh = fifoLen(th);
  for (let i: u32 = 0; i < nTh; i++) {
    let t = fifoPop(th);
    unchecked((thrQueued[t] = 0));
    if (t == unchecked(vKsoftirqd[v])) {
      if (!unchecked(vDeferred[v])) continue;
      if (startSoftirqJob(v)) {
        threadQueue(v, t); // keeps its place in the rotation while softirqs stay pending
        return;
      }
      // The round ended. If it hit MAX_SOFTIRQ_RESTART again it re-queued ksoftirqd and stays
      // deferred (the next turn starts a new round); otherwise softirqs run inline again.
      if (!unchecked(thrQueued[t])) unchecked((vDeferred[v] = 0));
      continue;
    }
    if (threadStart(v, t)) {
      startJob(v, J_THREAD, t);
      return;
    }
  }
  if (fifoLen(th) == 0) break;
  }
  if (jobCycles > 0) {
    // Only late-charged work: spend it, then look again.
    startJob(v, J_NONE, 0);
    return;
  }
  // Nothing to do: block (SCHEDOP_block); the next event wakes the VCPU.
  unchecked((vState[v] = ST_IDLE));
  if (!ASC_NO_ASSERT) jobOpen = false;
}

// ---- work arrival helpers used by components ------------------------------------------------------


/** Makes thread t runnable on VCPU v (no-op if already queued). */
export function threadQueue(v: u32, t: u32): void {
  if (unchecked(thrQueued[t])) return;
  unchecked((thrQueued[t] = 1));
  fifoPush(unchecked(vThreads[v]), t);
  vcpuKick(v);
}

/** Queues event port p to be notified when v's current job ends (dedup per job). */
export function outboxAdd(v: u32, p: u32): void {
  fifoPush(unchecked(vOutbox[v]), p);
}

/** raise_softirq(NET_RX) for NAPI instance n on VCPU v (caller checked NAPI_STATE_SCHED). */
export function pollListAdd(v: u32, n: u32): void {
  fifoPush(unchecked(vPollList[v]), n);
  vcpuKick(v);
}

/** Appends tasklet t to v's tasklet list (caller checked TASKLET_STATE_SCHED). */
export function taskletListAdd(v: u32, t: u32): void {
  fifoPush(unchecked(vTasklets[v]), t);
  vcpuKick(v);
}

/** An expired timer item for v's TIMER softirq. */
export function timerListAdd(v: u32, item: u32): void {
  fifoPush(unchecked(vTimers[v]), item);
  vcpuKick(v);
}

/** Event port p became pending on v. */
export function pendingAdd(v: u32, p: u32): void {
  fifoPush(unchecked(vPending[v]), p);
  vcpuKick(v);
}

/** Whether v is running a job right now (for tests and invariants). */
export function vcpuBusy(v: u32): bool {
  return unchecked(vState[v]) == ST_BUSY;
}

/** Re-polls a NAPI instance that used its whole weight: list_move_tail. */
export function pollListRequeue(v: u32, n: u32): void {
  fifoPush(unchecked(vPollList[v]), n);
}


/** Busy cycles of v's current job that lie after cycle t (0 if v is idle by then). Busy time is
 *  charged when a job starts, so the host uses this to cut jobs at the edges of the measured
 *  interval. */
export function vcpuBusyAfter(v: u32, t: u64): u64 {
  let e = unchecked(vJobEnd[v]);
  return e > t ? e - t : 0;
}
