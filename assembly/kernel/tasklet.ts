// Linux tasklets (kernel/softirq.c; sources.md G1, G2).
//
// Models: tasklet_schedule appends the tasklet to the *calling* CPU's list unless
// TASKLET_STATE_SCHED is already set; tasklet_action clears SCHED and runs the function under
// TASKLET_STATE_RUN, so a tasklet never runs on two CPUs at once, and one scheduled while it
// runs elsewhere runs again after that instance ends. The tasklets here are netback's (an RX and a TX tasklet
// per netback group); their functions are reached through model/ops.ts.
// Left out: the busy re-raise loop a CPU spins in while the tasklet runs elsewhere (the CPU
// instead waits for the running instance to end; its spin time is not charged), HI tasklets.

import { ST_TASKLET_SCHEDULES, ST_TASKLET_BUSY_ELSEWHERE } from "../../src/abi/layout";
import { statInc } from "../stats";
import { taskletListAdd } from "../cpu/vcpu";
import { MEM_OTHER as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";

/** Tasklet functions (the `func` of struct tasklet_struct); model/ops.ts calls them. */
export const TASKLET_NB_RX: u8 = 0; // netback's net_rx_action
export const TASKLET_NB_TX: u8 = 1; // netback's net_tx_action

const NONE: u32 = 0xffffffff;

let tFunc = new StaticArray<u8>(0);
let tArg = new StaticArray<u32>(0);
let tSched = new StaticArray<u8>(0);
let tRunning = new StaticArray<u8>(0);
let tWaitCpu = new StaticArray<u32>(0);
/** How many times each tasklet ran (tests: "runs where scheduled"). */
export let tRuns = new StaticArray<u32>(0);
/** VCPU of each tasklet's most recent run. */
export let tLastCpu = new StaticArray<u32>(0);
let count: u32 = 0;

export function taskletsInit(n: u32): void {
  tFunc = freshArray<u8>(<i32>n);
  tArg = freshArray<u32>(<i32>n);
  tSched = freshArray<u8>(<i32>n);
  tRunning = freshArray<u8>(<i32>n);
  tWaitCpu = freshArray<u32>(<i32>n);
  tRuns = freshArray<u32>(<i32>n);
  tLastCpu = freshArray<u32>(<i32>n);
  for (let i: u32 = 0; i < n; i++) unchecked((tWaitCpu[i] = NONE));
  count = 0;
}

/** Tallies the bytes taskletsInit(n) allocates. */
export function taskletsMemory(n: u64): void {
  memArrays(MEM_PART, n, 1, 3);
  memArrays(MEM_PART, n, 4, 4);
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

/** tasklet_schedule(t) called on VCPU v. */
export function taskletSchedule(t: u32, v: u32): void {
  if (unchecked(tSched[t])) return;
  unchecked((tSched[t] = 1));
  statInc(ST_TASKLET_SCHEDULES);
  taskletListAdd(v, t);
}

/** tasklet_action picked t on v: claims it (clears SCHED, sets RUN) and returns true, or false
 *  if it is running elsewhere (it then runs on v after that instance ends). */
export function taskletTryRun(v: u32, t: u32): bool {
  if (unchecked(tRunning[t])) {
    statInc(ST_TASKLET_BUSY_ELSEWHERE);
    unchecked((tWaitCpu[t] = v));
    return false;
  }
  unchecked((tSched[t] = 0));
  unchecked((tRunning[t] = 1));
  unchecked((tRuns[t] = unchecked(tRuns[t]) + 1));
  unchecked((tLastCpu[t] = v));
  return true;
}

/** t's function returned: clear RUN; a CPU that found it busy gets it back on its list. */
export function taskletDone(t: u32): void {
  unchecked((tRunning[t] = 0));
  let w = unchecked(tWaitCpu[t]);
  if (w != NONE) {
    unchecked((tWaitCpu[t] = NONE));
    taskletListAdd(w, t);
  }
}

/** Whether t is running now (on a CPU other than the caller's, since the caller is not running it). */
export function taskletRunningElsewhere(t: u32): bool {
  return unchecked(tRunning[t]) != 0;
}

