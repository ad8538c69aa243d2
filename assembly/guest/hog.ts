// A CPU-bound program in a guest: a busy loop on each VCPU of a guest whose traffic profile is
// "cpu-hog" (a compute benchmark, a `while (1)` loop), used as the CPU-bound competitor in
// testbeds where VCPUs share PCPUs (the credit scheduler's shares, caps, and a driver domain
// sharing its PCPUs with busy guests).
//
// Models: one user thread per VCPU that is always runnable and never blocks, so its VCPU never
// blocks either; it runs in jobs of a fixed quantum of application cycles (COMP_APP) and takes
// its turn round-robin with the VCPU's other threads. Kernel work (an event upcall, softirqs) on
// that VCPU starts when the current quantum ends: keep the quantum small against the latencies
// of interest (the guest kernel would interrupt the loop at once).
// Left out: the program's memory traffic (no cache or memory-bandwidth effects on others), and
// system calls (it spends every cycle in user space).

import { COMP_APP, CFG_OFF_VCPU_SCHED } from "../../src/abi/layout";
import { VSC_REC, VSC_HOG_QUANTUM } from "../../src/abi/sched-records";
import { cfgTable } from "../config";
import { memArrays } from "../base/memory";
import { MEM_OTHER } from "../../src/abi/layout";
import { charge } from "../cpu/account";
import { threadQueue } from "../cpu/vcpu";
import { hogThreadId } from "../kernel/threads";

let quantum = new StaticArray<u64>(0);

/** Tallies the bytes hogInit allocates. */
export function hogMemory(vcpus: u64): void {
  memArrays(MEM_OTHER, vcpus, 8);
}

/** Reads each VCPU's busy-loop quantum (cycles; 0 = none). */
export function hogInit(vcpus: u32): void {
  quantum = new StaticArray<u64>(<i32>vcpus);
  for (let v: u32 = 0; v < vcpus; v++) {
    unchecked((quantum[v] = <u64>cfgTable(CFG_OFF_VCPU_SCHED, <i32>(v * <u32>VSC_REC + <u32>VSC_HOG_QUANTUM))));
  }
}

/** At cycle 0 every busy loop becomes runnable on its VCPU. */
export function hogStartAll(vcpus: u32): void {
  for (let v: u32 = 0; v < vcpus; v++) if (unchecked(quantum[v]) > 0) threadQueue(v, hogThreadId(v));
}

/** One quantum of the loop on v. */
export function hogStart(v: u32): bool {
  let q = unchecked(quantum[v]);
  if (q == 0) return false;
  charge(COMP_APP, q);
  return true;
}

/** The loop always has more to do. */
export function hogHasWork(v: u32): bool {
  return unchecked(quantum[v]) > 0;
}
