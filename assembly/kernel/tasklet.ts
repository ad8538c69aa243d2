// Linux tasklets (kernel/softirq.c; sources.md G1, G2).
//
// Models: tasklet_schedule appends the tasklet to the *calling* CPU's list unless
// TASKLET_STATE_SCHED is already set; tasklet_action clears SCHED and runs the function under
// TASKLET_STATE_RUN, so a tasklet never runs on two CPUs at once, and one scheduled while it
// runs elsewhere runs again after that instance ends. Here the tasklets are netback's: an RX
// tasklet (net_rx_action) and a TX tasklet (net_tx_action) per netback group.
// Left out: the busy re-raise loop a CPU spins in while the tasklet runs elsewhere (the CPU
// instead waits for the running instance to end; its spin time is not charged), HI tasklets.

import { ST_TASKLET_SCHEDULES, ST_TASKLET_BUSY_ELSEWHERE } from "../../src/abi/layout";
import { statInc } from "../stats";
import { taskletListAdd } from "../cpu/vcpu";
import { netbackRxStart, netbackRxFinish, netbackTxStart, netbackTxFinish } from "../netback/netback";

const NONE: u32 = 0xffffffff;

let tSched = new StaticArray<u8>(0);
let tRunning = new StaticArray<u8>(0);
let tWaitCpu = new StaticArray<u32>(0);
/** How many times each tasklet ran (tests: "runs where scheduled"). */
export let tRuns = new StaticArray<u32>(0);
/** VCPU of each tasklet's most recent run. */
export let tLastCpu = new StaticArray<u32>(0);

export function taskletsInit(n: u32): void {
  tSched = new StaticArray<u8>(<i32>n);
  tRunning = new StaticArray<u8>(<i32>n);
  tWaitCpu = new StaticArray<u32>(<i32>n);
  tRuns = new StaticArray<u32>(<i32>n);
  tLastCpu = new StaticArray<u32>(<i32>n);
  for (let i: u32 = 0; i < n; i++) unchecked((tWaitCpu[i] = NONE));
}

/** Tasklet ids: 2*group is the group's RX tasklet, 2*group+1 its TX tasklet. */
// @ts-ignore: decorator
@inline export function rxTasklet(grp: u32): u32 {
  return grp << 1;
}
// @ts-ignore: decorator
@inline export function txTasklet(grp: u32): u32 {
  return (grp << 1) | 1;
}

/** tasklet_schedule(t) called on VCPU v. */
export function taskletSchedule(t: u32, v: u32): void {
  if (unchecked(tSched[t])) return;
  unchecked((tSched[t] = 1));
  statInc(ST_TASKLET_SCHEDULES);
  taskletListAdd(v, t);
}

/** tasklet_action picked t on v: false if it is running elsewhere (it then runs on v later). */
export function taskletStart(v: u32, t: u32): bool {
  if (unchecked(tRunning[t])) {
    statInc(ST_TASKLET_BUSY_ELSEWHERE);
    unchecked((tWaitCpu[t] = v));
    return false;
  }
  unchecked((tSched[t] = 0));
  unchecked((tRunning[t] = 1));
  unchecked((tRuns[t] = unchecked(tRuns[t]) + 1));
  unchecked((tLastCpu[t] = v));
  let grp = t >> 1;
  if ((t & 1) == 0) netbackRxStart(v, grp);
  else netbackTxStart(v, grp);
  return true;
}

export function taskletFinish(v: u32, t: u32): void {
  let grp = t >> 1;
  if ((t & 1) == 0) netbackRxFinish(v, grp);
  else netbackTxFinish(v, grp);
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

/** Whether tasklet t is queued (SCHED) or running. */
export function taskletBusy(t: u32): bool {
  return unchecked(tSched[t]) != 0 || unchecked(tRunning[t]) != 0;
}
