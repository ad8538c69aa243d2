// CPU accounting: where each cycle of a VCPU goes, and the length of the job being started.
//
// Models: a job's cost is the sum of what its work charges from the cost model, per operation
// (cycles, cycles per byte times bytes), split by component (NIC, bridge, netback, Xen, ...).
// Work decided at the end of a job (a qdisc drain, a wake-up IPI) is charged late: it lands in
// the VCPU's counters at once and delays the VCPU's next job by its cycles.
// Left out: cache and TLB effects, cost variance (every charge is the constant's mean).

import { chargeVcpu } from "../stats";
import { MEM_VCPU as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";
import { faultRaise } from "../base/fault";

/** VCPU whose job is being started or finished. */
export let curV: u32 = 0;
/** Cycles charged so far to the job being started. */
export let jobCycles: u64 = 0;
let vDebt = new StaticArray<u64>(0); // cycles charged after a job ended, spent by the next one
/**
 * Debug builds only: whether a job of curV is being composed. charge() adds to that job (its
 * cycles delay curV's next completion), so it is legal only between picking curV's next job and
 * starting it; work done while a job finishes, or for another VCPU, goes through chargeLate.
 */
let jobOpen: bool = false;

export function accountInit(vcpus: u32): void {
  vDebt = freshArray<u64>(<i32>vcpus);
  curV = 0;
  jobCycles = 0;
}

/** Tallies the bytes accountInit(vcpus) allocates. */
export function accountMemory(vcpus: u64): void {
  memArrays(MEM_PART, vcpus, 8);
}

/** Charges from now on go to v (a job on v is finishing). */
// @ts-ignore: decorator
@inline export function jobOwner(v: u32): void {
  curV = v;
  if (!ASC_NO_ASSERT) jobOpen = false;
}

/** A job on v is being picked: charges go to v, starting from `cycles` already owed. */
// @ts-ignore: decorator
@inline export function jobBegin(v: u32, cycles: u64): void {
  curV = v;
  if (!ASC_NO_ASSERT) jobOpen = true;
  jobCycles = cycles;
}

/** The job being composed on v is started (or v blocks): no more charges to it. */
// @ts-ignore: decorator
@inline export function jobClose(v: u32): void {
  if (!ASC_NO_ASSERT) {
    assert(jobOpen && v == curV, "startJob: not the VCPU whose job is being composed");
    jobOpen = false;
  }
}

/** Charges `cycles` of the job being started to component `comp` of the current VCPU. */
// @ts-ignore: decorator
@inline export function charge(comp: i32, cycles: u64): void {
  if (!ASC_NO_ASSERT) assert(jobOpen, "charge() outside a job being started on curV (use chargeLate)");
  jobCycles += cycles;
  chargeVcpu(curV, comp, cycles);
}

/** Charges work done at the end of a job on v (its cycles delay v's next job). */
export function chargeLate(v: u32, comp: i32, cycles: u64): void {
  chargeVcpu(v, comp, cycles);
  unchecked((vDebt[v] = unchecked(vDebt[v]) + cycles));
}

/** Late-charged cycles v owes and has not run yet (they run at the start of its next job). */
export function debtOwed(v: u32): u64 {
  return unchecked(vDebt[v]);
}

/** Charges the switch that resumes v's paused job (its cycles lengthen that job, which the
 *  caller extends by the same amount: cpu/vcpu.ts vcpuResume). */
export function chargeSwitch(v: u32, comp: i32, cycles: u64): void {
  chargeVcpu(v, comp, cycles);
}

/** Takes the late-charged cycles v owes (they start its next job). */
export function debtTake(v: u32): u64 {
  let d = unchecked(vDebt[v]);
  unchecked((vDebt[v] = 0));
  return d;
}

/** A model invariant failed: the engine stops the run with STOP_ERR_INVARIANT and this code. */
export let invariantError: u32 = 0;
export function setInvariantError(code: u32): void {
  if (invariantError == 0) invariantError = code;
  faultRaise();
}
