// Xen's credit scheduler (credit1, Xen 4.0 xen/common/sched_credit.c, with Xen 3.0-3.4's debit as
// an option): which VCPU each PCPU runs when VCPUs share PCPUs (sources.md F6, F7, F9).
//
// Models, as the Xen 4.0 code does it:
// - per-PCPU run queues ordered by priority, BOOST > UNDER > OVER, first in first out within a
//   priority (__runq_insert); the idle VCPU stands behind everything (priority IDLE);
// - credits: every 30 ms (csched_acct) each active domain earns 300 credits per PCPU, shared by
//   weight, capped at what its active VCPUs can use (with the surplus handed to later domains as
//   csched_acct does) and at its cap; a VCPU's share is split evenly over its active VCPUs. The
//   running VCPU pays 10 credits per ms it ran (burn_credits, from the time stamps, remainder
//   kept) at every 10 ms tick and whenever its PCPU reschedules; or, as Xen 3.0-3.4 did
//   (cpu.creditDebit = tick, sources.md F9), the VCPU found running at a tick pays the tick's 100
//   credits and nothing else is charged, so a VCPU that runs in short bursts between ticks pays
//   only for the ticks it happens to be caught at. Credit >= 0 is UNDER, < 0 OVER;
//   credit is floored at -300; a VCPU above +300 stops earning (leaves the active list) and
//   restarts at 0 the next time a tick finds it running;
// - caps: a VCPU of a capped domain below -(its share of the cap) at accounting is parked
//   (vcpu_pause) until accounting finds its credit >= 0 again; an unparked VCPU is not boosted;
// - BOOST: a VCPU woken while UNDER is boosted; a tick that finds it running takes the boost away;
// - wake-up (csched_vcpu_wake + __runq_tickle): the woken VCPU joins its PCPU's run queue; that
//   PCPU reschedules at once if the woken VCPU's priority is strictly higher than what it runs
//   (a BOOST wake-up preempts an UNDER or OVER VCPU), and, when that PCPU is busy, every idle
//   PCPU in the woken VCPU's affinity reschedules too;
// - csched_schedule: the current VCPU, if still runnable, goes back into the run queue (behind
//   its priority); the head runs next if it is UNDER or better, otherwise the PCPU first looks at
//   the busy PCPUs after it (cyclically) for a queued, not running VCPU of strictly higher
//   priority whose affinity allows this PCPU, and takes it (csched_load_balance); an idle PCPU
//   therefore steals queued work wherever affinity allows. The chosen VCPU runs for a 30 ms slice;
// - after accounting every PCPU moves UNDER VCPUs ahead of OVER ones in its queue (csched_runq_sort).
// Simplified: every PCPU ticks at the same instants (10 ms, 20 ms, ...) and accounting runs at
// every third tick, after that tick's burning (Xen runs its master accounting timer and the
// per-PCPU tickers independently); a tickled PCPU reschedules at once (no IPI latency).
// Left out: migration of the running VCPU at a tick when another PCPU would suit it better
// (_csched_cpu_pick's SMT and core topology), vcpu_migration_delay (0 by default: no VCPU is
// "cache hot"), yield, credit2, and scheduler locks (one PCPU's decision is never interrupted).
//
// This file makes the scheduler's decisions (accounting, wake-up, schedule, ticks and slices); its
// state is in credit-state.ts, its run queues in credit-runq.ts; model/sched.ts applies the
// decisions to the VCPUs (switching a VCPU in or out, pausing and resuming its work).

import { ST_SCHED_STEALS, ST_SCHED_PARKS } from "../../src/abi/layout";
import { statInc, recordVcpuWait } from "../stats";
import { eqPush, eqNow } from "../base/eventq";
import { EV_SCHED_TICK, EV_SCHED_SLICE } from "../base/targets";
import {
  NONE, PRI_BOOST, PRI_IDLE, PRI_OVER, PRI_UNDER, CREDITS_PER_ACCT, CREDITS_PER_TICK, TICKS_PER_ACCT, tickDebit, nP,
  tickCycles, tsliceCycles,
  creditCycles, warmup, vDom, vProc, vPri, vCredit, vStart, vActive, vParked, vRunnable, vWaitFrom, vOnRq, pCur,
  rqHead, rqNext, pIdle, pSliceEnd, pSliceEv, dWeight, dCap, dActiveVcpus, dFirstVcpu, dVcpus, activeDoms, snapshot,
  allowed, creditStateInit,
} from "./credit-state";
import { runqInsert, runqRemove, runqSort, tickle, runqTickle, creditRunqInit } from "./credit-runq";

export {
  PRI_BOOST, PRI_UNDER, PRI_OVER, PRI_IDLE, creditMemory, creditCurrent, creditProcessor, creditPriority, creditOf,
  creditWaiting, creditWaitFrom,
} from "./credit-state";
export { tickled, nTickled, creditTickledDone } from "./credit-runq";

let tickNo: u32 = 0;
let weightTotal: u32 = 0; // csched_priv.weight: weights of the active domains
let creditBalance: i32 = 0; // csched_priv.credit_balance
let sortEpoch: u32 = 0; // csched_priv.runq_sort

let nActiveDoms: u32 = 0; // entries of activeDoms

export function creditInit(): void {
  creditStateInit();
  creditRunqInit();
  nActiveDoms = 0;
  weightTotal = 0;
  creditBalance = 0;
  sortEpoch = 0;
  tickNo = 0;
  eqPush(tickCycles, EV_SCHED_TICK);
}

// ---- credits -----------------------------------------------------------------------------------

/** burn_credits: the running VCPU pays for the time since its start stamp, in whole credits
 *  (rounded to nearest); the stamp advances by what was paid, so the remainder carries over. */
function burn(v: u32, now: u64): void {
  let delta = <i64>now - unchecked(vStart[v]);
  if (delta <= 0) return;
  let c = (<u64>delta + (creditCycles >> 1)) / creditCycles;
  unchecked((vCredit[v] = unchecked(vCredit[v]) - <i32>c));
  unchecked((vStart[v] = unchecked(vStart[v]) + <i64>(c * creditCycles)));
}

/** __csched_vcpu_acct_start: v (and its domain) earn credits again. */
function acctStart(v: u32): void {
  if (unchecked(vActive[v])) return;
  unchecked((vActive[v] = 1));
  let d = unchecked(vDom[v]);
  let n = unchecked(dActiveVcpus[d]);
  unchecked((dActiveVcpus[d] = n + 1));
  if (n == 0) {
    // list_add: the domain joins the active list at its head
    for (let i = nActiveDoms; i > 0; i--) unchecked((activeDoms[i] = activeDoms[i - 1]));
    unchecked((activeDoms[0] = d));
    nActiveDoms++;
    weightTotal += unchecked(dWeight[d]);
  }
}

/** __csched_vcpu_acct_stop_locked: v stops earning; its domain leaves the list with its last. */
function acctStop(v: u32): void {
  unchecked((vActive[v] = 0));
  let d = unchecked(vDom[v]);
  let n = unchecked(dActiveVcpus[d]) - 1;
  unchecked((dActiveVcpus[d] = n));
  if (n == 0) {
    let k: u32 = 0;
    while (unchecked(activeDoms[k]) != d) k++;
    for (let i = k; i + 1 < nActiveDoms; i++) unchecked((activeDoms[i] = activeDoms[i + 1]));
    nActiveDoms--;
    weightTotal -= unchecked(dWeight[d]);
  }
}

/** Moves domain at position k of the active list to its head (list_del + list_add). */
function activeToHead(k: u32): void {
  let d = unchecked(activeDoms[k]);
  for (let i = k; i > 0; i--) unchecked((activeDoms[i] = activeDoms[i - 1]));
  unchecked((activeDoms[0] = d));
}

/** csched_acct: every active domain earns its share of the PCPUs' credits for the next period. */
function acct(): void {
  let total: u32 = <u32>CREDITS_PER_ACCT * nP; // csched_priv.credit: 300 per PCPU
  if (creditBalance < 0) total += <u32>(-creditBalance);
  // The weights as the walk starts (VCPUs that stop earning change the global during the walk).
  let wTotal = weightTotal;
  if (wTotal == 0) {
    creditBalance = 0;
    return;
  }
  let weightLeft = wTotal;
  let balance: i32 = 0;
  let xtra = false;
  // Walk a snapshot of the list: VCPUs that stop earning leave it during the walk.
  let n = nActiveDoms;
  let order = snapshot;
  for (let k: u32 = 0; k < n; k++) unchecked((order[k] = activeDoms[k]));
  for (let k: u32 = 0; k < n; k++) {
    let d = unchecked(order[k]);
    let w = unchecked(dWeight[d]);
    let act = unchecked(dActiveVcpus[d]);
    weightLeft -= w;
    // At most a full period for each active VCPU, more only when the system balance is negative.
    let peak: u32 = act * <u32>CREDITS_PER_ACCT;
    // (Products in 64 bits: Xen's 32-bit ones are safe on its hosts, not on 4096 PCPUs x weight 65535.)
    if (creditBalance < 0) peak += <u32>((<u64>(-creditBalance) * w + (wTotal - 1)) / wTotal);
    let capShare: u32 = 0;
    let cap = unchecked(dCap[d]);
    if (cap != 0) {
      let c = (cap * <u32>CREDITS_PER_ACCT + 99) / 100;
      if (c < peak) peak = c;
      capShare = (c + (act - 1)) / act;
    }
    let fair = <u32>((<u64>total * w + (wTotal - 1)) / wTotal);
    if (fair < peak) {
      xtra = true;
    } else {
      // Give other domains a chance at the unused credits.
      if (weightLeft != 0) total += <u32>((<u64>(fair - peak) * wTotal + (weightLeft - 1)) / weightLeft);
      if (xtra) {
        // Lazily keep domains with extra credits at the head of the list.
        let pos: u32 = 0;
        while (unchecked(activeDoms[pos]) != d) pos++;
        activeToHead(pos);
      }
      fair = peak;
    }
    let perVcpu = <i32>((fair + (act - 1)) / act);
    let first = unchecked(dFirstVcpu[d]);
    let last = first + unchecked(dVcpus[d]);
    for (let v = first; v < last; v++) {
      if (!unchecked(vActive[v])) continue;
      let credit = unchecked(vCredit[v]) + perVcpu;
      unchecked((vCredit[v] = credit));
      if (credit < 0) {
        unchecked((vPri[v] = PRI_OVER));
        if (cap != 0 && credit < -<i32>capShare && !unchecked(vParked[v])) park(v);
        if (credit < -CREDITS_PER_ACCT) {
          credit = -CREDITS_PER_ACCT;
          unchecked((vCredit[v] = credit));
        }
      } else {
        unchecked((vPri[v] = PRI_UNDER));
        if (unchecked(vParked[v])) unpark(v);
        if (credit > CREDITS_PER_ACCT) {
          acctStop(v);
          credit = 0;
          unchecked((vCredit[v] = 0));
        }
      }
      balance += credit;
    }
  }
  creditBalance = balance;
  sortEpoch++;
}

/** vcpu_pause_nosync by csched_acct: a parked VCPU leaves the PCPU (or its run queue). */
function park(v: u32): void {
  statInc(ST_SCHED_PARKS);
  unchecked((vParked[v] = 1));
  let p = unchecked(vProc[v]);
  if (unchecked(pCur[p]) == <i32>v) tickle(p);
  else if (unchecked(vOnRq[v])) runqRemove(p, v);
}

/** vcpu_unpause: the flag goes after the wake-up, so a parked VCPU coming back is not boosted. */
function unpark(v: u32): void {
  if (unchecked(vRunnable[v]) && !unchecked(vOnRq[v]) && unchecked(pCur[vProc[v]]) != <i32>v) {
    let p = unchecked(vProc[v]);
    runqInsert(p, v);
    runqTickle(p, v);
  }
  unchecked((vParked[v] = 0));
}

// ---- events ------------------------------------------------------------------------------------

/** csched_vcpu_wake: v has work again (a blocked VCPU was woken). Fills `tickled`. */
export function creditWake(v: u32): void {
  unchecked((vRunnable[v] = 1));
  unchecked((vWaitFrom[v] = eqNow));
  if (unchecked(vParked[v])) return; // paused: it runs once accounting unparks it
  if (unchecked(vPri[v]) == PRI_UNDER) unchecked((vPri[v] = PRI_BOOST));
  let p = unchecked(vProc[v]);
  runqInsert(p, v);
  runqTickle(p, v);
}

/** v blocked (SCHEDOP_block): it is no longer runnable; its PCPU must reschedule. */
export function creditBlock(v: u32): void {
  unchecked((vRunnable[v] = 0));
}

/**
 * csched_schedule on PCPU p: returns the VCPU p runs next (-1: idle) and makes it current.
 * The previous VCPU, if it still has work, is back in the run queue.
 */
export function creditSchedule(p: u32): i32 {
  let now = eqNow;
  let cur = unchecked(pCur[p]);
  if (cur != NONE) {
    if (!tickDebit) burn(<u32>cur, now);
    unchecked((vStart[cur] = unchecked(vStart[cur]) - <i64>now));
    if (unchecked(vRunnable[cur]) && !unchecked(vParked[cur])) runqInsert(p, <u32>cur);
  }
  let next = unchecked(rqHead[p]);
  let nextPri = next == NONE ? PRI_IDLE : unchecked(vPri[next]);
  if (nextPri > PRI_OVER) {
    runqRemove(p, <u32>next);
  } else {
    let s = loadBalance(p, nextPri);
    if (s != NONE) next = s;
    else if (next != NONE) runqRemove(p, <u32>next);
  }
  unchecked((pIdle[p] = next == NONE ? 1 : 0));
  unchecked((pCur[p] = next));
  if (next != NONE) {
    unchecked((vStart[next] = unchecked(vStart[next]) + <i64>now));
    armSlice(p, now + tsliceCycles);
    if (next != cur) recordVcpuWait(<u32>next, now - unchecked(vWaitFrom[next]), now, warmup);
  } else {
    unchecked((pSliceEnd[p] = u64.MAX_VALUE));
  }
  if (cur != NONE && cur != next && unchecked(vRunnable[cur])) unchecked((vWaitFrom[cur] = now));
  return next;
}

/** csched_load_balance + csched_runq_steal: the first queued VCPU of strictly higher priority
 *  than `pri` on a busy PCPU after p whose affinity allows p; it moves to p. */
function loadBalance(p: u32, pri: i32): i32 {
  for (let k: u32 = 1; k < nP; k++) {
    let q = (p + k) % nP;
    if (unchecked(pIdle[q])) continue; // an idle PCPU picks up its own queue
    let it = unchecked(rqHead[q]);
    while (it != NONE) {
      if (unchecked(vPri[it]) <= pri) break;
      if (allowed(<u32>it, p)) {
        runqRemove(q, <u32>it);
        unchecked((vProc[it] = p));
        statInc(ST_SCHED_STEALS);
        return it;
      }
      it = unchecked(rqNext[it]);
    }
  }
  return NONE;
}

/** One slice timer per PCPU in the event queue at a time: it is re-armed when it fires early. */
function armSlice(p: u32, end: u64): void {
  unchecked((pSliceEnd[p] = end));
  if (unchecked(pSliceEv[p]) == u64.MAX_VALUE) {
    unchecked((pSliceEv[p] = end));
    eqPush(end, EV_SCHED_SLICE | p);
  }
}

/** Slice event of PCPU p: true when the running VCPU's slice is over (p must reschedule). */
export function creditOnSlice(p: u32): bool {
  unchecked((pSliceEv[p] = u64.MAX_VALUE));
  let end = unchecked(pSliceEnd[p]);
  if (end == u64.MAX_VALUE) return false;
  if (eqNow < end) {
    unchecked((pSliceEv[p] = end));
    eqPush(end, EV_SCHED_SLICE | p);
    return false;
  }
  return true;
}

/** The 10 ms tick on every PCPU (csched_tick), and accounting every third one. Fills `tickled`
 *  with the PCPUs whose running VCPU was parked or on which an unparked VCPU should run. */
export function creditOnTick(): void {
  let now = eqNow;
  tickNo++;
  for (let p: u32 = 0; p < nP; p++) {
    let cur = unchecked(pCur[p]);
    if (cur == NONE) continue;
    // csched_vcpu_acct: a VCPU found running at a tick uses real CPU: no more boost.
    if (unchecked(vPri[cur]) == PRI_BOOST) unchecked((vPri[cur] = PRI_UNDER));
    // Xen 3.x debits the whole tick from whoever runs at it (atomic_sub(CSCHED_CREDITS_PER_TICK)),
    // however long it ran since the last one; Xen 4.0 the time it ran, from time stamps.
    if (tickDebit) unchecked((vCredit[cur] = unchecked(vCredit[cur]) - CREDITS_PER_TICK));
    else burn(<u32>cur, now);
    acctStart(<u32>cur);
  }
  if (tickNo % TICKS_PER_ACCT == 0) acct();
  for (let p: u32 = 0; p < nP; p++) runqSort(p, sortEpoch);
  eqPush(now + tickCycles, EV_SCHED_TICK);
}
