// __do_softirq rounds (kernel/softirq.c, net/core/dev.c; sources.md G3, G4): which softirq work
// item a VCPU runs next, with the net_rx_action budget and the restart limit.
//
// Models: a round starts with a fresh `netdev_budget`; NET_RX polls the listed NAPI instances
// while budget is left (each poll is one job; its quota is min(weight, budget left), or the
// whole weight for a vif's instance of netback's NAPI mode: kernel/napi.ts), then
// TASKLET runs the tasklets that were listed when tasklet_action started; one running on
// another CPU goes back on this CPU's list with TASKLET_SOFTIRQ raised again, tasklet_action
// goes on with the rest of its list, and then, if the other instance still runs, this CPU spins
// (SQ_SPIN, a job that lasts until that run ends) before its next round retries it (sources.md
// G5). A round that ends with more raised restarts, up to MAX_SOFTIRQ_RESTART rounds; then the
// rest is handed to ksoftirqd (wakeup_softirqd), which competes with other threads until the
// next hardirq exit runs softirqs inline again (2.6.x irq_exit behaviour).
//
// This file only decides: softirqNext names the next item (a NAPI instance or a tasklet that
// was claimed with taskletTryRun) and the caller runs it through model/ops.ts. The caller also
// reports how much budget a poll used (softirqBudgetUse).
// Left out: the 2-jiffy time bound of net_rx_action, HI_SOFTIRQ, NET_TX (its work is modelled
// inside the NIC poll and charged late).

import { COMP_SOFTIRQ, COST_SOFTIRQ_ENTRY, ST_SOFTIRQ_DEFERRED } from "../../src/abi/layout";
import { costCycles } from "../config";
import { statInc } from "../stats";
import { fifoRecLen, fifoRecPop } from "../base/fifo";
import { charge } from "../cpu/account";
import { vcpuLists, VL_POLL, VL_TASKLETS, vKsoftirqd, threadQueue } from "../cpu/vcpu";
import { taskletTryRun, taskletRequeue, taskletRunning } from "./tasklet";
import { MEM_VCPU as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";

/** softirqNext results. */
export const SQ_NONE: u32 = 0;
export const SQ_NAPI: u32 = 1;
export const SQ_TASKLET: u32 = 2;
/** The tasklet in softirqItem runs on another CPU: it is back on this CPU's list; spin. */
export const SQ_SPIN: u32 = 3;

// Round phases.
const SP_NONE: u8 = 0;
const SP_NETRX: u8 = 1;
const SP_TASKLET: u8 = 2;

let netdevBudget: i32 = 300;
let maxRestart: u32 = 10;
let sPhase = new StaticArray<u8>(0);
let sBudget = new StaticArray<i32>(0);
let sTaskletsLeft = new StaticArray<u32>(0);
let sRestarts = new StaticArray<u32>(0);
let sDeferred = new StaticArray<u8>(0); // softirqs handed to ksoftirqd
let sEntryPending = new StaticArray<u8>(0); // a round just started: charge its entry once
const NO_TASKLET: u32 = 0xffffffff;
let sBusy = new StaticArray<u32>(0); // first tasklet of this pass of tasklet_action found running elsewhere

/** The NAPI instance or tasklet softirqNext chose. */
export let softirqItem: u32 = 0;

export function softirqInit(vcpus: u32, budget: u32, restarts: u32): void {
  let n = <i32>vcpus;
  netdevBudget = <i32>budget;
  maxRestart = restarts;
  sPhase = freshArray<u8>(n);
  sBudget = freshArray<i32>(n);
  sTaskletsLeft = freshArray<u32>(n);
  sRestarts = freshArray<u32>(n);
  sDeferred = freshArray<u8>(n);
  sEntryPending = freshArray<u8>(n);
  sBusy = freshArray<u32>(n);
  for (let i = 0; i < n; i++) unchecked((sBusy[i] = NO_TASKLET));
}

/** Tallies the bytes softirqInit(vcpus, ...) allocates. */
export function softirqMemory(vcpus: u64): void {
  memArrays(MEM_PART, vcpus, 1, 3);
  memArrays(MEM_PART, vcpus, 4, 4);
}

/** Picks v's next softirq item of the current round (SQ_NAPI, SQ_TASKLET or SQ_SPIN, the item
 *  in softirqItem), or SQ_NONE when the round ended with nothing pending here (maybe deferring
 *  the rest to ksoftirqd). A tasklet it returns with SQ_TASKLET is already claimed
 *  (TASKLET_STATE_RUN); one returned with SQ_SPIN runs elsewhere and is listed here again. */
// @ts-ignore: decorator
@inline export function softirqNext(v: u32): u32 {
  // v's NET_RX poll list and tasklet list, found once.
  let lists = vcpuLists(v);
  let pl = lists + VL_POLL;
  let tl = lists + VL_TASKLETS;
  while (true) {
    if (fifoRecLen(pl) == 0 && fifoRecLen(tl) == 0) {
      unchecked((sPhase[v] = SP_NONE));
      unchecked((sRestarts[v] = 0));
      return SQ_NONE;
    }
    let phase = unchecked(sPhase[v]);
    if (phase == SP_NONE) {
      // __do_softirq entry: a new round with a fresh net_rx_action budget.
      unchecked((sPhase[v] = SP_NETRX));
      unchecked((sBudget[v] = netdevBudget));
      unchecked((sEntryPending[v] = 1));
      unchecked((sBusy[v] = NO_TASKLET));
      phase = SP_NETRX;
    }
    if (phase == SP_NETRX) {
      if (fifoRecLen(pl) > 0 && unchecked(sBudget[v]) > 0) {
        softirqItem = fifoRecPop(pl);
        return SQ_NAPI;
      }
      unchecked((sPhase[v] = SP_TASKLET));
      unchecked((sTaskletsLeft[v] = fifoRecLen(tl)));
    }
    // SP_TASKLET: tasklet_action runs the tasklets that were listed when it started.
    while (unchecked(sTaskletsLeft[v]) > 0 && fifoRecLen(tl) > 0) {
      unchecked((sTaskletsLeft[v] = unchecked(sTaskletsLeft[v]) - 1));
      let t = fifoRecPop(tl);
      if (taskletTryRun(v, t)) {
        softirqItem = t;
        return SQ_TASKLET;
      }
      // tasklet_trylock failed: back on this CPU's list, TASKLET_SOFTIRQ raised again, and
      // tasklet_action goes on with the rest of its list.
      taskletRequeue(v, t);
      if (unchecked(sBusy[v]) == NO_TASKLET) unchecked((sBusy[v] = t));
    }
    // The list is done; a tasklet found running elsewhere keeps the CPU in the re-raise loop
    // while it still runs there. If its run ended while the rest of the list ran, nothing spins:
    // the restart below claims it at its next tasklet_trylock.
    let b = unchecked(sBusy[v]);
    if (b != NO_TASKLET) {
      unchecked((sBusy[v] = NO_TASKLET));
      if (taskletRunning(b)) {
        softirqItem = b;
        return SQ_SPIN;
      }
    }
    // End of a round: restart while more was raised, up to MAX_SOFTIRQ_RESTART rounds.
    unchecked((sPhase[v] = SP_NONE));
    if (fifoRecLen(pl) == 0 && fifoRecLen(tl) == 0) {
      unchecked((sRestarts[v] = 0));
      return SQ_NONE;
    }
    let r = unchecked(sRestarts[v]) + 1;
    unchecked((sRestarts[v] = r));
    if (r >= maxRestart) {
      // wakeup_softirqd(): the rest runs at thread level, competing with other threads.
      statInc(ST_SOFTIRQ_DEFERRED);
      unchecked((sDeferred[v] = 1));
      unchecked((sRestarts[v] = 0));
      threadQueue(v, unchecked(vKsoftirqd[v]));
      return SQ_NONE;
    }
  }
  return SQ_NONE;
}

/** net_rx_action budget left in v's round (the quota limit of the next poll). */
// @ts-ignore: decorator
@inline export function softirqBudget(v: u32): u32 {
  return <u32>unchecked(sBudget[v]);
}

/** A poll on v took `used` packets of the round's budget. */
// @ts-ignore: decorator
@inline export function softirqBudgetUse(v: u32, used: u32): void {
  unchecked((sBudget[v] = unchecked(sBudget[v]) - <i32>used));
}

/** Charges __do_softirq's entry to the job being started, once per round. */
export function softirqChargeEntry(v: u32): void {
  if (unchecked(sEntryPending[v])) {
    unchecked((sEntryPending[v] = 0));
    charge(COMP_SOFTIRQ, costCycles(COST_SOFTIRQ_ENTRY));
  }
}

/** Whether v's softirqs are deferred to ksoftirqd. */
// @ts-ignore: decorator
@inline export function softirqDeferred(v: u32): bool {
  return unchecked(sDeferred[v]) != 0;
}

/** ksoftirqd's turn ended the deferral (its round finished without hitting the limit again). */
export function softirqUndefer(v: u32): void {
  unchecked((sDeferred[v] = 0));
}

/** irq_exit on v: pending softirqs run inline again even if ksoftirqd had them (2.6.x). */
export function softirqIrqExit(v: u32): void {
  if (unchecked(sDeferred[v])) {
    unchecked((sDeferred[v] = 0));
    unchecked((sRestarts[v] = 0));
    unchecked((sPhase[v] = SP_NONE));
  }
}
