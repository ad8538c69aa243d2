// The credit scheduler's state (xen/credit.ts explains the scheduler and makes its decisions;
// xen/credit-runq.ts keeps the run queues): Xen 4.0's constants, the per-VCPU, per-PCPU and
// per-domain arrays, allocated once at init from the configuration, and the queries the VCPU
// layer (model/sched.ts) asks. Only the init here writes the configuration scalars.

import {
  CFG_PCPUS, CFG_DOM0_VCPUS, CFG_GUESTS, CFG_GUEST_VCPUS, CFG_SCHED_TICK, CFG_SCHED_TSLICE,
  CFG_SCHED_CREDIT_CYCLES, CFG_AFFINITY_WORDS, CFG_OFF_VCPU_SCHED, CFG_OFF_VCPU_AFFINITY, CFG_OFF_DOM_SCHED,
  CFG_WARMUP, CFG_SCHED_CREDIT_DEBIT, MEM_VCPU,
} from "../../src/abi/layout";
import { VSC_REC, VSC_PCPU, DSC_REC, DSC_WEIGHT, DSC_CAP } from "../../src/abi/sched-records";
import { CREDIT_DEBIT_TICK } from "../../src/abi/enums";
import { cfgU32, cfgU64, cfgTable } from "../config";
import { memArrays } from "../base/memory";

// Priorities (CSCHED_PRI_*).
export const PRI_BOOST: i32 = 0;
export const PRI_UNDER: i32 = -1;
export const PRI_OVER: i32 = -2;
export const PRI_IDLE: i32 = -64;

// Credit constants of Xen 4.0 (sources.md F6): 10 credits per ms (the configuration's cycles per
// credit, burnt from time stamps), 10 ms ticks, 3 ticks per slice and per accounting period.
export const CREDITS_PER_ACCT: i32 = 300; // = CREDITS_PER_TSLICE
export const CREDITS_PER_TICK: i32 = 100;
export const TICKS_PER_ACCT: u32 = 3;

export const NONE: i32 = -1;

export let nP: u32 = 0;
export let nV: u32 = 0;
export let nDom: u32 = 0;
export let words: u32 = 0;
export let tickCycles: u64 = 0;
export let tsliceCycles: u64 = 0;
export let creditCycles: u64 = 0;
export let warmup: u64 = 0;
/** Xen 3.0-3.4's debit (sources.md F9): the VCPU found running at a tick pays the whole tick, no
 *  other is charged; false: Xen 4.0's burn_credits from time stamps (F7). */
export let tickDebit: bool = false;

// Per VCPU.
export let vDom = new StaticArray<u32>(0);
export let vProc = new StaticArray<u32>(0); // vc->processor
export let vPri = new StaticArray<i32>(0);
export let vCredit = new StaticArray<i32>(0);
export let vStart = new StaticArray<i64>(0); // svc->start_time (absolute while running, relative off the PCPU)
export let vActive = new StaticArray<u8>(0); // on its domain's active list
export let vParked = new StaticArray<u8>(0); // CSCHED_FLAG_VCPU_PARKED
export let vRunnable = new StaticArray<u8>(0); // has work: woken, or descheduled before its work was done
export let vWaitFrom = new StaticArray<u64>(0); // when the current wait began (runnable, not running)
export let rqNext = new StaticArray<i32>(0);
export let rqPrev = new StaticArray<i32>(0);
export let vOnRq = new StaticArray<u8>(0);
export let affinity = new StaticArray<u32>(0); // nV * words

// Per PCPU.
export let pCur = new StaticArray<i32>(0); // running VCPU, NONE = idle
export let rqHead = new StaticArray<i32>(0);
export let rqTail = new StaticArray<i32>(0);
export let pIdle = new StaticArray<u8>(0); // in csched_priv.idlers
export let pSliceEnd = new StaticArray<u64>(0); // end of the running VCPU's slice (u64.MAX when idle)
export let pSliceEv = new StaticArray<u64>(0); // time of the slice event in the queue (u64.MAX: none)
export let pSortLast = new StaticArray<u32>(0);

// Per domain.
export let dWeight = new StaticArray<u32>(0);
export let dCap = new StaticArray<u32>(0);
export let dActiveVcpus = new StaticArray<u32>(0);
export let dFirstVcpu = new StaticArray<u32>(0);
export let dVcpus = new StaticArray<u32>(0);
export let activeDoms = new StaticArray<u32>(0); // csched_priv.active_sdom, head first
export let snapshot = new StaticArray<u32>(0); // the active list as accounting found it

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

/** Reads the scheduler's configuration and allocates its arrays (called by creditInit). */
export function creditStateInit(): void {
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
  tickDebit = cfgU32(CFG_SCHED_CREDIT_DEBIT) == <u32>CREDIT_DEBIT_TICK;
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
  dWeight = new StaticArray<u32>(<i32>nDom);
  dCap = new StaticArray<u32>(<i32>nDom);
  dActiveVcpus = new StaticArray<u32>(<i32>nDom);
  dFirstVcpu = new StaticArray<u32>(<i32>nDom);
  dVcpus = new StaticArray<u32>(<i32>nDom);
  activeDoms = new StaticArray<u32>(<i32>nDom);
  snapshot = new StaticArray<u32>(<i32>nDom);
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
@inline export function allowed(v: u32, p: u32): bool {
  return (unchecked(affinity[v * words + (p >> 5)]) & (<u32>1 << (p & 31))) != 0;
}
