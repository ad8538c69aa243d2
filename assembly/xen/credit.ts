// Xen's credit scheduler (credit1, Xen 3.4/4.0 xen/common/sched_credit.c): which VCPU each PCPU
// runs when VCPUs share PCPUs (sources.md F6, F7).
//
// Models, as the Xen 4.0 code does it:
// - per-PCPU run queues ordered by priority, BOOST > UNDER > OVER, first in first out within a
//   priority (__runq_insert); the idle VCPU stands behind everything (priority IDLE);
// - credits: every 30 ms (csched_acct) each active domain earns 300 credits per PCPU, shared by
//   weight, capped at what its active VCPUs can use (with the surplus handed to later domains as
//   csched_acct does) and at its cap; a VCPU's share is split evenly over its active VCPUs. The
//   running VCPU pays 10 credits per ms it ran (burn_credits, from the time stamps, remainder
//   kept) at every 10 ms tick and whenever its PCPU reschedules. Credit >= 0 is UNDER, < 0 OVER;
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
// This file keeps the scheduler's state and makes its decisions; model/sched.ts applies them to
// the VCPUs (switching a VCPU in or out, pausing and resuming its work).

import {
  CFG_PCPUS, CFG_DOM0_VCPUS, CFG_GUESTS, CFG_GUEST_VCPUS, CFG_SCHED_TICK, CFG_SCHED_TSLICE,
  CFG_SCHED_CREDIT_CYCLES, CFG_AFFINITY_WORDS, CFG_OFF_VCPU_SCHED, CFG_OFF_VCPU_AFFINITY, CFG_OFF_DOM_SCHED,
  CFG_WARMUP, VSC_REC, VSC_PCPU, DSC_REC, DSC_WEIGHT, DSC_CAP, ST_SCHED_STEALS, ST_SCHED_PARKS,
  ST_SCHED_BOOST_PREEMPTIONS, ST_SCHED_BOOST_PREEMPT_OVER,
} from "../../src/abi/layout";
import { cfgU32, cfgU64, cfgTable } from "../config";
import { memArrays } from "../base/memory";
import { MEM_VCPU } from "../../src/abi/layout";
import { statInc, recordVcpuWait } from "../stats";
import { eqPush, eqNow } from "../base/eventq";
import { EV_SCHED_TICK, EV_SCHED_SLICE } from "../base/targets";

// Priorities (CSCHED_PRI_*).
export const PRI_BOOST: i32 = 0;
export const PRI_UNDER: i32 = -1;
export const PRI_OVER: i32 = -2;
export const PRI_IDLE: i32 = -64;

// Credit constants of Xen 4.0 (sources.md F6): 10 credits per ms, 10 ms ticks, 3 ticks per
// slice and per accounting period.
const CREDITS_PER_TICK: i32 = 100;
const CREDITS_PER_ACCT: i32 = 300; // = CREDITS_PER_TSLICE
const TICKS_PER_ACCT: u32 = 3;

const NONE: i32 = -1;

let nP: u32 = 0;
let nV: u32 = 0;
let nDom: u32 = 0;
let words: u32 = 0;
let tickCycles: u64 = 0;
let tsliceCycles: u64 = 0;
let creditCycles: u64 = 0;
let warmup: u64 = 0;
let tickNo: u32 = 0;
let weightTotal: u32 = 0; // csched_priv.weight: weights of the active domains
let creditBalance: i32 = 0; // csched_priv.credit_balance
let sortEpoch: u32 = 0; // csched_priv.runq_sort

// Per VCPU.
let vDom = new StaticArray<u32>(0);
let vProc = new StaticArray<u32>(0); // vc->processor
let vPri = new StaticArray<i32>(0);
let vCredit = new StaticArray<i32>(0);
let vStart = new StaticArray<i64>(0); // svc->start_time (absolute while running, relative off the PCPU)
let vActive = new StaticArray<u8>(0); // on its domain's active list
let vParked = new StaticArray<u8>(0); // CSCHED_FLAG_VCPU_PARKED
let vRunnable = new StaticArray<u8>(0); // has work: woken, or descheduled before its work was done
let vWaitFrom = new StaticArray<u64>(0); // when the current wait began (runnable, not running)
let rqNext = new StaticArray<i32>(0);
let rqPrev = new StaticArray<i32>(0);
let vOnRq = new StaticArray<u8>(0);
let affinity = new StaticArray<u32>(0); // nV * words

// Per PCPU.
let pCur = new StaticArray<i32>(0); // running VCPU, NONE = idle
let rqHead = new StaticArray<i32>(0);
let rqTail = new StaticArray<i32>(0);
let pIdle = new StaticArray<u8>(0); // in csched_priv.idlers
let pSliceEnd = new StaticArray<u64>(0); // end of the running VCPU's slice (u64.MAX when idle)
let pSliceEv = new StaticArray<u64>(0); // time of the slice event in the queue (u64.MAX: none)
let pSortLast = new StaticArray<u32>(0);

// Per domain.
let dWeight = new StaticArray<u32>(0);
let dCap = new StaticArray<u32>(0);
let dActiveVcpus = new StaticArray<u32>(0);
let dFirstVcpu = new StaticArray<u32>(0);
let dVcpus = new StaticArray<u32>(0);
let activeDoms = new StaticArray<u32>(0); // csched_priv.active_sdom, head first
let nActiveDoms: u32 = 0;
let snapshot = new StaticArray<u32>(0); // the active list as accounting found it

/** PCPUs a decision asks to reschedule (SCHEDULE_SOFTIRQ raised), in the order to run them. */
export let tickled = new StaticArray<u32>(0);
export let nTickled: u32 = 0;
let tickledMark = new StaticArray<u8>(0);

/** Tallies the bytes creditInit allocates (arrays per VCPU, per PCPU and per domain). */
export function creditMemory(pcpus: u64, vcpus: u64, domains: u64, affinityWords: u64): void {
  memArrays(MEM_VCPU, vcpus, 4, 6);
  memArrays(MEM_VCPU, vcpus, 8, 2);
  memArrays(MEM_VCPU, vcpus, 1, 4);
  memArrays(MEM_VCPU, vcpus * affinityWords, 4);
  memArrays(MEM_VCPU, pcpus, 4, 5);
  memArrays(MEM_VCPU, pcpus, 1, 2);
  memArrays(MEM_VCPU, pcpus, 8, 2);
  memArrays(MEM_VCPU, domains, 4, 7);
}

export function creditInit(): void {
  nP = cfgU32(CFG_PCPUS);
  let D = cfgU32(CFG_DOM0_VCPUS);
  let N = cfgU32(CFG_GUESTS);
  let gv = cfgU32(CFG_GUEST_VCPUS);
  nV = D + N * gv;
  nDom = N + 1;
  words = cfgU32(CFG_AFFINITY_WORDS);
  tickCycles = cfgU64(CFG_SCHED_TICK);
  tsliceCycles = cfgU64(CFG_SCHED_TSLICE);
  creditCycles = cfgU64(CFG_SCHED_CREDIT_CYCLES);
  warmup = cfgU64(CFG_WARMUP);
  let v = <i32>nV;
  let p = <i32>nP;
  vDom = new StaticArray<u32>(v);
  vProc = new StaticArray<u32>(v);
  vPri = new StaticArray<i32>(v);
  vCredit = new StaticArray<i32>(v);
  vStart = new StaticArray<i64>(v);
  vActive = new StaticArray<u8>(v);
  vParked = new StaticArray<u8>(v);
  vRunnable = new StaticArray<u8>(v);
  vWaitFrom = new StaticArray<u64>(v);
  rqNext = new StaticArray<i32>(v);
  rqPrev = new StaticArray<i32>(v);
  vOnRq = new StaticArray<u8>(v);
  affinity = new StaticArray<u32>(<i32>(nV * words));
  pCur = new StaticArray<i32>(p);
  rqHead = new StaticArray<i32>(p);
  rqTail = new StaticArray<i32>(p);
  pIdle = new StaticArray<u8>(p);
  pSliceEnd = new StaticArray<u64>(p);
  pSliceEv = new StaticArray<u64>(p);
  pSortLast = new StaticArray<u32>(p);
  tickled = new StaticArray<u32>(p);
  tickledMark = new StaticArray<u8>(p);
  dWeight = new StaticArray<u32>(<i32>nDom);
  dCap = new StaticArray<u32>(<i32>nDom);
  dActiveVcpus = new StaticArray<u32>(<i32>nDom);
  dFirstVcpu = new StaticArray<u32>(<i32>nDom);
  dVcpus = new StaticArray<u32>(<i32>nDom);
  activeDoms = new StaticArray<u32>(<i32>nDom);
  snapshot = new StaticArray<u32>(<i32>nDom);
  nActiveDoms = 0;
  weightTotal = 0;
  creditBalance = 0;
  sortEpoch = 0;
  tickNo = 0;
  nTickled = 0;
  for (let d: u32 = 0; d < nDom; d++) {
    unchecked((dWeight[d] = <u32>cfgTable(CFG_OFF_DOM_SCHED, <i32>(d * <u32>DSC_REC + <u32>DSC_WEIGHT))));
    unchecked((dCap[d] = <u32>cfgTable(CFG_OFF_DOM_SCHED, <i32>(d * <u32>DSC_REC + <u32>DSC_CAP))));
    unchecked((dFirstVcpu[d] = d == 0 ? 0 : D + (d - 1) * gv));
    unchecked((dVcpus[d] = d == 0 ? D : gv));
  }
  for (let i: u32 = 0; i < nV; i++) {
    unchecked((vDom[i] = i < D ? 0 : 1 + (i - D) / gv));
    unchecked((vProc[i] = <u32>cfgTable(CFG_OFF_VCPU_SCHED, <i32>(i * <u32>VSC_REC + <u32>VSC_PCPU))));
    unchecked((vPri[i] = PRI_UNDER));
    unchecked((rqNext[i] = NONE));
    unchecked((rqPrev[i] = NONE));
    for (let w: u32 = 0; w < words; w++) {
      unchecked((affinity[i * words + w] = <u32>cfgTable(CFG_OFF_VCPU_AFFINITY, <i32>(i * words + w))));
    }
  }
  for (let q: u32 = 0; q < nP; q++) {
    unchecked((pCur[q] = NONE));
    unchecked((rqHead[q] = NONE));
    unchecked((rqTail[q] = NONE));
    unchecked((pIdle[q] = 1));
    unchecked((pSliceEnd[q] = u64.MAX_VALUE));
    unchecked((pSliceEv[q] = u64.MAX_VALUE));
  }
  eqPush(tickCycles, EV_SCHED_TICK);
}

// ---- queries ---------------------------------------------------------------------------------

/** VCPU running on PCPU p, or -1 when p is idle. */
export function creditCurrent(p: u32): i32 {
  return unchecked(pCur[p]);
}
/** PCPU VCPU v is on (vc->processor). */
export function creditProcessor(v: u32): u32 {
  return unchecked(vProc[v]);
}
export function creditPriority(v: u32): i32 {
  return unchecked(vPri[v]);
}
export function creditOf(v: u32): i32 {
  return unchecked(vCredit[v]);
}
/** Whether v waits for a PCPU now (runnable, not running); its wait began at creditWaitFrom(v). */
export function creditWaiting(v: u32): bool {
  return unchecked(vRunnable[v]) != 0 && unchecked(pCur[vProc[v]]) != <i32>v;
}
export function creditWaitFrom(v: u32): u64 {
  return unchecked(vWaitFrom[v]);
}

// @ts-ignore: decorator
@inline function allowed(v: u32, p: u32): bool {
  return (unchecked(affinity[v * words + (p >> 5)]) & (<u32>1 << (p & 31))) != 0;
}

// ---- run queues --------------------------------------------------------------------------------

/** __runq_insert: behind every VCPU of the same or higher priority. */
function runqInsert(p: u32, v: u32): void {
  let pri = unchecked(vPri[v]);
  let it = unchecked(rqHead[p]);
  while (it != NONE && unchecked(vPri[it]) >= pri) it = unchecked(rqNext[it]);
  // insert before `it` (at the tail when it is NONE)
  let prev = it == NONE ? unchecked(rqTail[p]) : unchecked(rqPrev[it]);
  unchecked((rqPrev[v] = prev));
  unchecked((rqNext[v] = it));
  if (prev == NONE) unchecked((rqHead[p] = <i32>v));
  else unchecked((rqNext[prev] = <i32>v));
  if (it == NONE) unchecked((rqTail[p] = <i32>v));
  else unchecked((rqPrev[it] = <i32>v));
  unchecked((vOnRq[v] = 1));
}

function runqRemove(p: u32, v: u32): void {
  let prev = unchecked(rqPrev[v]);
  let next = unchecked(rqNext[v]);
  if (prev == NONE) unchecked((rqHead[p] = next));
  else unchecked((rqNext[prev] = next));
  if (next == NONE) unchecked((rqTail[p] = prev));
  else unchecked((rqPrev[next] = prev));
  unchecked((rqPrev[v] = NONE));
  unchecked((rqNext[v] = NONE));
  unchecked((vOnRq[v] = 0));
}

/** csched_runq_sort: UNDER (and BOOST) VCPUs move ahead of OVER ones, keeping their order. */
function runqSort(p: u32): void {
  if (unchecked(pSortLast[p]) == sortEpoch) return;
  unchecked((pSortLast[p] = sortEpoch));
  let lastUnder = NONE;
  let it = unchecked(rqHead[p]);
  while (it != NONE) {
    let next = unchecked(rqNext[it]);
    if (unchecked(vPri[it]) >= PRI_UNDER) {
      if (unchecked(rqPrev[it]) != lastUnder) {
        runqRemove(p, <u32>it);
        // re-insert right after lastUnder (at the head when there is none)
        let after = lastUnder == NONE ? unchecked(rqHead[p]) : unchecked(rqNext[lastUnder]);
        unchecked((rqPrev[it] = lastUnder));
        unchecked((rqNext[it] = after));
        if (lastUnder == NONE) unchecked((rqHead[p] = it));
        else unchecked((rqNext[lastUnder] = it));
        if (after == NONE) unchecked((rqTail[p] = it));
        else unchecked((rqPrev[after] = it));
        unchecked((vOnRq[it] = 1));
      }
      lastUnder = it;
    }
    it = next;
  }
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

function tickle(p: u32): void {
  if (unchecked(tickledMark[p])) return;
  unchecked((tickledMark[p] = 1));
  unchecked((tickled[nTickled++] = p));
}

/** The caller ran every tickled PCPU's schedule: the list starts empty again. */
export function creditTickledDone(): void {
  for (let i: u32 = 0; i < nTickled; i++) unchecked((tickledMark[tickled[i]] = 0));
  nTickled = 0;
}

/** __runq_tickle: v joined p's run queue. */
function runqTickle(p: u32, v: u32): void {
  let cur = unchecked(pCur[p]);
  let curPri = cur == NONE ? PRI_IDLE : unchecked(vPri[cur]);
  let pri = unchecked(vPri[v]);
  if (pri > curPri) {
    tickle(p);
    if (pri == PRI_BOOST && cur != NONE) {
      statInc(ST_SCHED_BOOST_PREEMPTIONS);
      if (curPri == PRI_OVER) statInc(ST_SCHED_BOOST_PREEMPT_OVER);
    }
  }
  // p has at least two runnable VCPUs: idle PCPUs the VCPU may run on look for work.
  if (curPri > PRI_IDLE) {
    for (let q: u32 = 0; q < nP; q++) if (unchecked(pIdle[q]) && allowed(v, q)) tickle(q);
  }
}

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
    burn(<u32>cur, now);
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
    burn(<u32>cur, now);
    acctStart(<u32>cur);
  }
  if (tickNo % TICKS_PER_ACCT == 0) acct();
  for (let p: u32 = 0; p < nP; p++) runqSort(p);
  eqPush(now + tickCycles, EV_SCHED_TICK);
}
