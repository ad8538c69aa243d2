// VCPUs: run state and the work lists each virtual CPU keeps.
//
// Models: the VCPUs of dom0 and of each guest. Work waits on per-VCPU lists, as the kernel
// keeps them per CPU: event-channel ports pending delivery, event sends the current job decided
// (sent when it ends), the NET_RX poll list, the tasklet list, expired timers and runnable
// threads. New work on an idle VCPU wakes it (SCHEDOP_block ends; a wake-up event). A VCPU runs
// one job at a time that the guest kernel does not interrupt; which job comes next is
// model/sched.ts's choice. When VCPUs share PCPUs, Xen may take the PCPU away in the middle of a
// job (a time slice ends, a boosted VCPU wakes up): the job is paused with the cycles it still
// needs and goes on when the VCPU runs again (the credit scheduler, xen/credit.ts, decides).
// Each switch to a VCPU opens its run with the switch's own cycles (Xen's context switch and
// the refill of the caches the VCPU before it evicted); taken away before they are over, the
// VCPU keeps none of them: the next switch to it refills its caches again, from the start.
// Left out: SMT.

import { eqPush, eqPushInline, eqPushNow, eqNow } from "../base/eventq";
import { fifoNew, fifoRec, fifoRecPush, fifoPushFront, FIFO_REC_BYTES } from "../base/fifo";
import { EV_VCPU_DONE, EV_VCPU_WAKE, EV_VCPU_DONE_CREDIT, EV_VCPU_WAKE_CREDIT } from "../base/targets";
import { traceJob } from "../observe/trace";
import { COMP_XEN, MEM_VCPU as MEM_PART } from "../../src/abi/layout";
import { memArrays, memFifos, freshArray } from "../base/memory";
import { debtOwed } from "./account";
import { unchargeVcpu } from "../stats";

// VCPU run states.
const ST_IDLE: u8 = 0;
const ST_WAKING: u8 = 1; // a wake-up event is scheduled
const ST_BUSY: u8 = 2;
const ST_PAUSED: u8 = 3; // descheduled by Xen in the middle of a job

// Kinds of the wake-up and job-end events, chosen at init: the credit scheduler's when VCPUs share
// PCPUs, else the pinned ones (model/engine.ts sends each kind to its own handler).
let wakeKind: u32 = EV_VCPU_WAKE;
let doneKind: u32 = EV_VCPU_DONE;

export let nVcpus: u32 = 0;
export let nDom0Vcpus: u32 = 0;
let vState = new StaticArray<u8>(0);
/** Kind and argument of v's current job (model/sched.ts numbers the kinds). */
export let vJob = new StaticArray<u8>(0);
export let vJobArg = new StaticArray<u32>(0);
let vJobEnd = new StaticArray<u64>(0); // cycle at which the current (or last) job ends
let vJobLeft = new StaticArray<u64>(0); // cycles a paused job still needs
let vStaleDone = new StaticArray<u32>(0); // job-end events of paused jobs still in the queue
let vSwitchEnd = new StaticArray<u64>(0); // cycle at which the switch that opened v's run ends
let vSwitchCycles = new StaticArray<u64>(0); // and its length
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

// The records of a VCPU's seven work lists lie side by side, in the order below: vcpuInit creates
// them one after another, VCPU after VCPU, and the FIFO table gives consecutive queues consecutive
// records (base/fifo.ts). So v's lists are reached from one address computed from v, without a
// load: the job selection looks at three to five of them per job (model/sched.ts).
export const VL_PENDING: usize = 0;
export const VL_OUTBOX: usize = FIFO_REC_BYTES;
export const VL_POLL: usize = 2 * FIFO_REC_BYTES;
export const VL_TASKLETS: usize = 3 * FIFO_REC_BYTES;
export const VL_TIMERS: usize = 4 * FIFO_REC_BYTES;
export const VL_THREADS: usize = 5 * FIFO_REC_BYTES;
export const VL_ITEMS: usize = 6 * FIFO_REC_BYTES;
const VL_BYTES: usize = 7 * FIFO_REC_BYTES;
let listsBase: usize = 0;

/** Address of the record of v's first work list (add a VL_* offset for one list). */
// @ts-ignore: decorator
@inline export function vcpuLists(v: u32): usize {
  return listsBase + <usize>v * VL_BYTES;
}
/** Thread id of each VCPU's ksoftirqd. */
export let vKsoftirqd = new StaticArray<u32>(0);
/** Whether thread t is on its VCPU's runnable list. */
export let thrQueued = new StaticArray<u8>(0);

// Limits of the work lists. Each entry is on a list at most once (a pending port until its
// upcall, a scheduled NAPI instance or tasklet, a queued thread, an expired timer slot), so a
// list holds at most what can be bound to its VCPU. dom0 VCPUs may get any dom0 port, NAPI
// instance, tasklet, kthread or timer (dynamic dispatch moves ports among them); a guest VCPU
// only its own guest's: the frontend port (two with split event channels), the netfront NAPI, the application thread,
// the writer threads of the streams it sends, ksoftirqd and a busy loop, and the timers of the guest's TCP ends (one per flow it receives, one per flow it
// sends). A guest job notifies only its vif's backend port, at most once per ring (the ring's
// event index cannot move while the job is composed). Sized per VCPU, not by the model's total:
// thousands of guests would otherwise cost memory quadratic in their number.
let dom0Ports: u32 = 0;
let dom0Napis: u32 = 0;
let dom0Tasklets: u32 = 0;
let dom0Threads: u32 = 0;
let dom0Items: u32 = 0;
let guestItems: u32 = 0;
/** Ports a guest VCPU may have pending: its vif's frontend port, or two with split event channels. */
let guestPorts: u32 = 1;
const GUEST_NOTIFIES: u32 = 2;
const GUEST_NAPIS: u32 = 1;
/** A guest VCPU's tasklet list: empty, or with TCP small queues its own tsq tasklet (net/tsq.ts). */
let guestTasklets: u32 = 0;
const GUEST_THREADS: u32 = 3; // the application, ksoftirqd, the busy loop of a CPU-bound guest
let guestThreads: u32 = GUEST_THREADS; // ... and the writer threads one guest VCPU may hold

function setLimits(
  portsTotal: u32, napis: u32, tasklets: u32, threads: u32, jobItemLimit: u32, guestTimers: u32, splitVifs: u32,
  guestWriters: u32, guestTaskletCount: u32,
): void {
  guestTasklets = guestTaskletCount;
  guestPorts = splitVifs > 0 ? 2 : 1;
  guestThreads = GUEST_THREADS + guestWriters;
  dom0Ports = portsTotal;
  dom0Napis = napis;
  dom0Tasklets = tasklets;
  dom0Threads = threads;
  dom0Items = jobItemLimit;
  guestItems = guestTimers > guestPorts ? guestTimers : guestPorts;
}

/** Builds the VCPUs. `guestTimers` bounds the timer slots of one guest's TCP ends; `splitVifs` is
 *  the number of vifs with split event channels (a guest VCPU may then have two ports pending);
 *  `guestWriters` bounds the writer threads of one guest. */
export function vcpuInit(
  dom0Vcpus: u32, guests: u32, guestVcpus: u32, portsTotal: u32, napis: u32, tasklets: u32, threads: u32,
  jobItemLimit: u32, ksoftirqdBase: u32, guestTimers: u32, credit: bool, splitVifs: u32 = 0, guestWriters: u32 = 0,
  guestTaskletCount: u32 = 0,
): void {
  wakeKind = credit ? EV_VCPU_WAKE_CREDIT : EV_VCPU_WAKE;
  doneKind = credit ? EV_VCPU_DONE_CREDIT : EV_VCPU_DONE;
  nDom0Vcpus = dom0Vcpus;
  nVcpus = dom0Vcpus + guests * guestVcpus;
  setLimits(portsTotal, napis, tasklets, threads, jobItemLimit, guestTimers, splitVifs, guestWriters, guestTaskletCount);
  let n = <i32>nVcpus;
  vState = freshArray<u8>(n);
  vJob = freshArray<u8>(n);
  vJobArg = freshArray<u32>(n);
  vJobEnd = freshArray<u64>(n);
  vJobLeft = freshArray<u64>(n);
  vStaleDone = freshArray<u32>(n);
  vSwitchEnd = freshArray<u64>(n);
  vSwitchCycles = freshArray<u64>(n);
  vDomain = freshArray<u32>(n);
  vPending = freshArray<i32>(n);
  vOutbox = freshArray<i32>(n);
  vPollList = freshArray<i32>(n);
  vTasklets = freshArray<i32>(n);
  vTimers = freshArray<i32>(n);
  vThreads = freshArray<i32>(n);
  vJobItems = freshArray<i32>(n);
  vKsoftirqd = freshArray<u32>(n);
  thrQueued = freshArray<u8>(<i32>threads);
  for (let v: u32 = 0; v < nVcpus; v++) {
    let d0 = v < dom0Vcpus;
    unchecked((vDomain[v] = d0 ? 0 : 1 + (v - dom0Vcpus) / guestVcpus));
    unchecked((vKsoftirqd[v] = ksoftirqdBase + v));
    unchecked((vPending[v] = fifoNew(d0 ? dom0Ports : guestPorts)));
    unchecked((vOutbox[v] = fifoNew(d0 ? dom0Ports : GUEST_NOTIFIES)));
    unchecked((vPollList[v] = fifoNew(d0 ? dom0Napis : GUEST_NAPIS)));
    unchecked((vTasklets[v] = fifoNew(d0 ? dom0Tasklets : guestTasklets)));
    unchecked((vTimers[v] = fifoNew(d0 ? dom0Items : guestItems)));
    unchecked((vThreads[v] = fifoNew(d0 ? dom0Threads : guestThreads)));
    unchecked((vJobItems[v] = fifoNew(d0 ? dom0Items : guestItems)));
  }
  listsBase = nVcpus > 0 ? fifoRec(unchecked(vPending[0])) : 0;
  if (!ASC_NO_ASSERT) {
    for (let v: u32 = 0; v < nVcpus; v++) {
      let l = vcpuLists(v);
      assert(fifoRec(unchecked(vPending[v])) == l + VL_PENDING && fifoRec(unchecked(vOutbox[v])) == l + VL_OUTBOX);
      assert(fifoRec(unchecked(vPollList[v])) == l + VL_POLL && fifoRec(unchecked(vTasklets[v])) == l + VL_TASKLETS);
      assert(fifoRec(unchecked(vTimers[v])) == l + VL_TIMERS && fifoRec(unchecked(vThreads[v])) == l + VL_THREADS);
      assert(fifoRec(unchecked(vJobItems[v])) == l + VL_ITEMS);
    }
  }
}

/** Tallies the bytes vcpuInit allocates (same arguments but ksoftirqdBase). */
export function vcpuMemory(
  dom0Vcpus: u32, guests: u32, guestVcpus: u32, portsTotal: u32, napis: u32, tasklets: u32, threads: u32,
  jobItemLimit: u32, guestTimers: u32, splitVifs: u32 = 0, guestWriters: u32 = 0, guestTaskletCount: u32 = 0,
): void {
  setLimits(portsTotal, napis, tasklets, threads, jobItemLimit, guestTimers, splitVifs, guestWriters, guestTaskletCount);
  let n = <u64>dom0Vcpus + <u64>guests * <u64>guestVcpus;
  let d = <u64>dom0Vcpus;
  let gn = n - d;
  memArrays(MEM_PART, n, 1, 2);
  memArrays(MEM_PART, n, 4, 11);
  memArrays(MEM_PART, n, 8, 4);
  memArrays(MEM_PART, <u64>threads, 1);
  memFifos(MEM_PART, <u64>dom0Ports, 2 * d);
  memFifos(MEM_PART, <u64>dom0Napis, d);
  memFifos(MEM_PART, <u64>dom0Tasklets, d);
  memFifos(MEM_PART, <u64>dom0Items, 2 * d);
  memFifos(MEM_PART, <u64>dom0Threads, d);
  memFifos(MEM_PART, <u64>guestPorts, gn);
  memFifos(MEM_PART, <u64>GUEST_NOTIFIES, gn);
  memFifos(MEM_PART, <u64>GUEST_NAPIS, gn);
  memFifos(MEM_PART, <u64>guestTasklets, gn);
  memFifos(MEM_PART, <u64>guestItems, 2 * gn);
  memFifos(MEM_PART, <u64>guestThreads, gn);
}

// ---- running ---------------------------------------------------------------------------------

/** New work for VCPU v (an event, a timer, a runnable thread): wake it if it is idle. Inlined:
 *  most kicks find v busy already, and then cost one load instead of a call. */
// @ts-ignore: decorator
@inline export function vcpuKick(v: u32): void {
  if (unchecked(vState[v]) == ST_IDLE) vcpuWake(v);
}

/** Wakes idle VCPU v. */
function vcpuWake(v: u32): void {
  unchecked((vState[v] = ST_WAKING));
  // A zero-delay event: when nothing else is pending at this instant it runs right after the
  // current handler without entering the queue (base/eventq.ts, same-instant events).
  eqPushNow(wakeKind | v);
}

/** Starts a job of `kind` on v that takes `cycles`: its end is an engine event. The first
 *  `traced` cycles are a part of the job the trace has already shown (the switch to a woken
 *  VCPU, which opens the job it picks: model/sched.ts). */
export function vcpuStartJob(v: u32, kind: u8, arg: u32, cycles: u64, traced: u64 = 0): void {
  vcpuStartJobInline(v, kind, arg, cycles, traced);
}

/** vcpuStartJob, inlined into the caller: the end of a job, where most jobs start (model/sched.ts). */
// @ts-ignore: decorator
@inline export function vcpuStartJobInline(v: u32, kind: u8, arg: u32, cycles: u64, traced: u64): void {
  unchecked((vJob[v] = kind));
  unchecked((vJobArg[v] = arg));
  unchecked((vJobEnd[v] = eqNow + cycles));
  unchecked((vState[v] = ST_BUSY));
  if (traced == 0 || cycles > traced) traceJob(v, kind, arg, eqNow + traced, cycles - traced);
  // A job of no cycles (a cost set to 0) ends at the instant it starts, as a same-instant event.
  // The job's end is more than half of all scheduling in a run: the push is inlined here (the
  // model's other places call eqPush).
  if (cycles == 0) eqPushNow(doneKind | v);
  else eqPushInline(eqNow + cycles, doneKind | v);
}

/** v has nothing to do: it blocks (SCHEDOP_block) until new work kicks it. */
export function vcpuBlock(v: u32): void {
  unchecked((vState[v] = ST_IDLE));
}

/** Busy cycles of v charged so far that lie after cycle t: the rest of its current job, and work
 *  charged late (a rebind) that it has not run yet, which runs at its next job. Busy time is
 *  charged when a job starts (or late work when it is charged), so the host uses this to cut
 *  jobs at the edges of the measured interval. */
export function vcpuBusyAfter(v: u32, t: u64): u64 {
  if (unchecked(vState[v]) == ST_PAUSED) return unchecked(vJobLeft[v]) + debtOwed(v);
  let e = unchecked(vJobEnd[v]);
  return (e > t ? e - t : 0) + debtOwed(v);
}

/** Cycles v's current job still needs: to its end while it runs, what is left while it is
 *  paused (its PCPU taken away), 0 when v has no job. */
export function vcpuJobLeft(v: u32): u64 {
  let s = unchecked(vState[v]);
  if (s == ST_PAUSED) return unchecked(vJobLeft[v]);
  if (s != ST_BUSY) return 0;
  let e = unchecked(vJobEnd[v]);
  return e > eqNow ? e - eqNow : 0;
}

// ---- descheduling (shared PCPUs) -------------------------------------------------------------

/** Xen takes v's PCPU away. If v was in the middle of a job, the job is paused with the cycles
 *  it still needs (its end event, already queued, becomes stale) and true is returned. */
export function vcpuPause(v: u32): bool {
  if (unchecked(vState[v]) != ST_BUSY) return false;
  let e = unchecked(vJobEnd[v]);
  let left = e > eqNow ? e - eqNow : 0;
  // The switch that opened this run is not over: what is left of it is dropped (and no longer
  // counted as busy time); the switch that resumes the job will refill the caches in full.
  let se = unchecked(vSwitchEnd[v]);
  if (se > eqNow) {
    let unrun = se - eqNow;
    let c = unchecked(vSwitchCycles[v]);
    if (unrun > c) unrun = c;
    if (unrun > left) unrun = left;
    left -= unrun;
    unchargeVcpu(v, COMP_XEN, unrun);
  }
  unchecked((vSwitchEnd[v] = 0));
  unchecked((vJobLeft[v] = left));
  unchecked((vStaleDone[v] = unchecked(vStaleDone[v]) + 1));
  unchecked((vState[v] = ST_PAUSED));
  return true;
}

/** Whether v is blocked (SCHEDOP_block: no work, off its PCPU). */
export function vcpuIsBlocked(v: u32): bool {
  return unchecked(vState[v]) == ST_IDLE;
}

export function vcpuIsPaused(v: u32): bool {
  return unchecked(vState[v]) == ST_PAUSED;
}

/** The switch to v, `cycles` long, starts at cycle `from` and opens v's run: if Xen takes the
 *  PCPU away before it is over, vcpuPause drops the rest of it. */
// @ts-ignore: decorator
@inline export function vcpuSwitchIn(v: u32, from: u64, cycles: u64): void {
  unchecked((vSwitchEnd[v] = from + cycles));
  unchecked((vSwitchCycles[v] = cycles));
}

/** v runs again: its paused job goes on after `switchCycles` of switching to it. */
export function vcpuResume(v: u32, switchCycles: u64): void {
  vcpuSwitchIn(v, eqNow, switchCycles);
  let left = unchecked(vJobLeft[v]);
  unchecked((vJobEnd[v] = eqNow + switchCycles + left));
  unchecked((vState[v] = ST_BUSY));
  traceJob(v, unchecked(vJob[v]), unchecked(vJobArg[v]), eqNow, switchCycles + left);
  eqPush(eqNow + switchCycles + left, doneKind | v);
}

/** A job-end event of v arrived: true if it belongs to a job that was paused since (ignore it).
 *  A paused job's old end event always comes before the end event of its resumption. */
export function vcpuStaleDone(v: u32): bool {
  let n = unchecked(vStaleDone[v]);
  if (n == 0) return false;
  unchecked((vStaleDone[v] = n - 1));
  return true;
}

// ---- work arrival ----------------------------------------------------------------------------

/** Makes thread t runnable on VCPU v (no-op if already queued). */
export function threadQueue(v: u32, t: u32): void {
  if (unchecked(thrQueued[t])) return;
  unchecked((thrQueued[t] = 1));
  fifoRecPush(vcpuLists(v) + VL_THREADS, t);
  vcpuKick(v);
}

/** Queues event port p to be notified when v's current job ends. */
export function outboxAdd(v: u32, p: u32): void {
  fifoRecPush(vcpuLists(v) + VL_OUTBOX, p);
}

/** raise_softirq(NET_RX) for NAPI instance n on VCPU v (caller checked NAPI_STATE_SCHED). */
export function pollListAdd(v: u32, n: u32): void {
  fifoRecPush(vcpuLists(v) + VL_POLL, n);
  vcpuKick(v);
}

/** Re-polls a NAPI instance that used its whole weight: list_move_tail. */
export function pollListRequeue(v: u32, n: u32): void {
  fifoRecPush(vcpuLists(v) + VL_POLL, n);
}

/** Keeps a NAPI instance that did less than its weight but did not complete at the list head,
 *  where net_rx_action (2.6.24+) leaves it: it is polled again next. */
export function pollListRequeueHead(v: u32, n: u32): void {
  fifoPushFront(unchecked(vPollList[v]), n);
}

/** Appends tasklet t to v's tasklet list (caller checked TASKLET_STATE_SCHED). */
export function taskletListAdd(v: u32, t: u32): void {
  fifoRecPush(vcpuLists(v) + VL_TASKLETS, t);
  vcpuKick(v);
}

/** An expired timer item for v's TIMER softirq. */
export function timerListAdd(v: u32, item: u32): void {
  fifoRecPush(vcpuLists(v) + VL_TIMERS, item);
  vcpuKick(v);
}

/** Event port p became pending on v. */
export function pendingAdd(v: u32, p: u32): void {
  fifoRecPush(vcpuLists(v) + VL_PENDING, p);
  vcpuKick(v);
}
