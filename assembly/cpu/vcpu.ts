// VCPUs: run state and the work lists each virtual CPU keeps.
//
// Models: every VCPU (dom0's and each guest's) pinned 1:1 to its own PCPU, so a VCPU runs
// whenever it has work (no Xen credit-scheduler contention; a VCPU sharing a PCPU is rejected
// by the host's validation). Work waits on per-VCPU lists, as the kernel keeps them per CPU:
// event-channel ports pending delivery, event sends the current job decided (sent when it
// ends), the NET_RX poll list, the tasklet list, expired timers and runnable threads. New work
// on an idle VCPU wakes it (SCHEDOP_block ends; a wake-up event). A VCPU runs one
// non-preemptible job at a time; which job comes next is model/sched.ts's choice.
// Left out: VCPU sharing of a PCPU (credit scheduler, BOOST), SMT.

import { eqPush, eqNow } from "../base/eventq";
import { fifoNew, fifoPush } from "../base/fifo";
import { EV_VCPU_DONE, EV_VCPU_WAKE } from "../base/targets";
import { traceJob } from "../observe/trace";

// VCPU run states.
const ST_IDLE: u8 = 0;
const ST_WAKING: u8 = 1; // a wake-up event is scheduled
const ST_BUSY: u8 = 2;

export let nVcpus: u32 = 0;
export let nDom0Vcpus: u32 = 0;
let vState = new StaticArray<u8>(0);
/** Kind and argument of v's current job (model/sched.ts numbers the kinds). */
export let vJob = new StaticArray<u8>(0);
export let vJobArg = new StaticArray<u32>(0);
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
/** Thread id of each VCPU's ksoftirqd. */
export let vKsoftirqd = new StaticArray<u32>(0);
/** Whether thread t is on its VCPU's runnable list. */
export let thrQueued = new StaticArray<u8>(0);

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
  vKsoftirqd = new StaticArray<u32>(n);
  thrQueued = new StaticArray<u8>(<i32>threads);
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

// ---- running ---------------------------------------------------------------------------------

/** New work for VCPU v (an event, a timer, a runnable thread): wake it if it is idle. */
export function vcpuKick(v: u32): void {
  if (unchecked(vState[v]) != ST_IDLE) return;
  unchecked((vState[v] = ST_WAKING));
  eqPush(eqNow, EV_VCPU_WAKE | v);
}

/** Starts a job of `kind` on v that takes `cycles`: its end is an engine event. */
export function vcpuStartJob(v: u32, kind: u8, arg: u32, cycles: u64): void {
  unchecked((vJob[v] = kind));
  unchecked((vJobArg[v] = arg));
  unchecked((vJobEnd[v] = eqNow + cycles));
  unchecked((vState[v] = ST_BUSY));
  traceJob(v, kind, arg, eqNow, cycles);
  eqPush(eqNow + cycles, EV_VCPU_DONE | v);
}

/** v has nothing to do: it blocks (SCHEDOP_block) until new work kicks it. */
export function vcpuBlock(v: u32): void {
  unchecked((vState[v] = ST_IDLE));
}

/** Busy cycles of v's current job that lie after cycle t (0 if v is idle by then). Busy time is
 *  charged when a job starts, so the host uses this to cut jobs at the edges of the measured
 *  interval. */
export function vcpuBusyAfter(v: u32, t: u64): u64 {
  let e = unchecked(vJobEnd[v]);
  return e > t ? e - t : 0;
}

// ---- work arrival ----------------------------------------------------------------------------

/** Makes thread t runnable on VCPU v (no-op if already queued). */
export function threadQueue(v: u32, t: u32): void {
  if (unchecked(thrQueued[t])) return;
  unchecked((thrQueued[t] = 1));
  fifoPush(unchecked(vThreads[v]), t);
  vcpuKick(v);
}

/** Queues event port p to be notified when v's current job ends. */
export function outboxAdd(v: u32, p: u32): void {
  fifoPush(unchecked(vOutbox[v]), p);
}

/** raise_softirq(NET_RX) for NAPI instance n on VCPU v (caller checked NAPI_STATE_SCHED). */
export function pollListAdd(v: u32, n: u32): void {
  fifoPush(unchecked(vPollList[v]), n);
  vcpuKick(v);
}

/** Re-polls a NAPI instance that used its whole weight: list_move_tail. */
export function pollListRequeue(v: u32, n: u32): void {
  fifoPush(unchecked(vPollList[v]), n);
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
