// Linux tasklets (kernel/softirq.c; sources.md G1, G2).
//
// Models: tasklet_schedule appends the tasklet to the *calling* CPU's list unless
// TASKLET_STATE_SCHED is already set; tasklet_action clears SCHED and runs the function under
// TASKLET_STATE_RUN, so a tasklet never runs on two CPUs at once. A CPU whose tasklet_action
// finds the tasklet running elsewhere (tasklet_trylock fails) puts it back on its own list and
// re-raises TASKLET_SOFTIRQ; once the rest of its list has run, __do_softirq restarts, then
// ksoftirqd loops, so that CPU spins in the re-raise loop until the other instance ends and it
// can claim the tasklet (softirq.ts, model/sched.ts charge the spin; sources.md G2, G5). Which CPU ran a tasklet last is kept, so a run
// on another CPU can be charged for the state it finds in that CPU's cache (netback/common.ts).
// The tasklets here are netback's (an RX and a TX tasklet per netback group) and, with TCP small
// queues, one per CPU for the guests' TCP (net/tsq.ts); their functions
// are reached through model/ops.ts.
// Left out: HI tasklets, tasklet_disable (count), and the other softirqs a real re-raise loop
// runs between its retries (a spinning CPU here serves its NIC polls between spin jobs).

import { ST_TASKLET_SCHEDULES, ST_TASKLET_BUSY_ELSEWHERE } from "../../src/abi/layout";
import { statInc } from "../stats";
import { taskletListAdd } from "../cpu/vcpu";
import { MEM_OTHER as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";

/** Tasklet functions (the `func` of struct tasklet_struct); model/ops.ts calls them. */
export const TASKLET_NB_RX: u8 = 0; // netback's net_rx_action
export const TASKLET_NB_TX: u8 = 1; // netback's net_tx_action
export const TASKLET_TSQ: u8 = 2; // a guest CPU's TCP small queues tasklet (tcp_tasklet_func)

const NONE: u32 = 0xffffffff;

let tFunc = new StaticArray<u8>(0);
let tArg = new StaticArray<u32>(0);
let tSched = new StaticArray<u8>(0);
let tRunning = new StaticArray<u8>(0);
/** How many times each tasklet ran (tests: "runs where scheduled"). */
export let tRuns = new StaticArray<u32>(0);
/** VCPU of each tasklet's most recent run. */
export let tLastCpu = new StaticArray<u32>(0);
/** Whether the tasklet taskletTryRun just claimed last ran on another CPU. */
export let taskletMigrated: bool = false;
let count: u32 = 0;

export function taskletsInit(n: u32): void {
  tFunc = freshArray<u8>(<i32>n);
  tArg = freshArray<u32>(<i32>n);
  tSched = freshArray<u8>(<i32>n);
  tRunning = freshArray<u8>(<i32>n);
  tRuns = freshArray<u32>(<i32>n);
  tLastCpu = freshArray<u32>(<i32>n);
  for (let i: u32 = 0; i < n; i++) unchecked((tLastCpu[i] = NONE));
  count = 0;
}

/** Tallies the bytes taskletsInit(n) allocates. */
export function taskletsMemory(n: u64): void {
  memArrays(MEM_PART, n, 1, 3);
  memArrays(MEM_PART, n, 4, 3);
}

/** tasklet_init: returns the new tasklet's id. */
export function taskletAdd(func: u8, arg: u32): u32 {
  let t = count++;
  unchecked((tFunc[t] = func));
  unchecked((tArg[t] = arg));
  return t;
}

/** Function and argument of tasklet t. */
// @ts-ignore: decorator
@inline export function taskletFunc(t: u32): u8 {
  return unchecked(tFunc[t]);
}
// @ts-ignore: decorator
@inline export function taskletArg(t: u32): u32 {
  return unchecked(tArg[t]);
}

/** tasklet_schedule(t) called on VCPU v. Inlined into its callers: most calls find t scheduled
 *  already (TASKLET_STATE_SCHED set) and then cost one load, not a call. */
// @ts-ignore: decorator
@inline export function taskletSchedule(t: u32, v: u32): void {
  if (unchecked(tSched[t])) return;
  unchecked((tSched[t] = 1));
  statInc(ST_TASKLET_SCHEDULES);
  taskletListAdd(v, t);
}

/** tasklet_action picked t on v: claims it (clears SCHED, sets RUN) and returns true, or false
 *  if it is running elsewhere (the caller puts it back on v's list, keeping SCHED, and spins).
 *  On success taskletMigrated says whether its previous run was on another CPU. */
export function taskletTryRun(v: u32, t: u32): bool {
  if (unchecked(tRunning[t])) {
    statInc(ST_TASKLET_BUSY_ELSEWHERE);
    return false;
  }
  let last = unchecked(tLastCpu[t]);
  taskletMigrated = last != NONE && last != v;
  unchecked((tSched[t] = 0));
  unchecked((tRunning[t] = 1));
  unchecked((tRuns[t] = unchecked(tRuns[t]) + 1));
  unchecked((tLastCpu[t] = v));
  return true;
}

/** The VCPU running t now (its most recent run), for a CPU that found it busy. */
// @ts-ignore: decorator
@inline export function taskletOwner(t: u32): u32 {
  return unchecked(tLastCpu[t]);
}

/** Whether t's function is running now (TASKLET_STATE_RUN set), on whichever CPU. */
// @ts-ignore: decorator
@inline export function taskletRunning(t: u32): bool {
  return unchecked(tRunning[t]) != 0;
}

/** tasklet_action on v found t running elsewhere: back on v's list, SCHED still set. */
export function taskletRequeue(v: u32, t: u32): void {
  taskletListAdd(v, t);
}

/** t's function returned: clear RUN (a CPU spinning on it claims it at its next retry). */
export function taskletDone(t: u32): void {
  unchecked((tRunning[t] = 0));
}

