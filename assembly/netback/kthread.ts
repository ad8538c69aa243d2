// netback's kernel-thread mode (pvops netback_kthread=1; sources.md C3): one thread per group,
// bound to a dom0 VCPU, whose loop runs the RX action when RX work is queued, else the TX
// action, one action per turn (the VCPU's threads take turns round-robin). Woken from other
// VCPUs by a reschedule IPI (common.ts).
// Left out: the thread's sleep/wake-up latency beyond the IPI's cost; Linux 3.12-3.14's split of
// the two halves (guest TX in the vif's NAPI poll, in the softirq of the VCPU its interrupt
// reached; guest RX in an unbound per-vif kthread, sources.md C12), which this mode runs in one
// thread on one VCPU.

import { nGroups } from "./common";
import { rxQueued, netbackRxStart, netbackRxFinish } from "./rx";
import { txWorkAvailable, netbackTxStart, netbackTxFinish } from "./tx";
import { MEM_NETBACK as MEM_PART } from "../../src/abi/layout";
import { CFG_NETBACK_GROUPS } from "../../src/abi/layout";
import { cfgU32 } from "../config";
import { memArrays, freshArray } from "../base/memory";

let gKtJob = new StaticArray<u8>(0); // action of the turn in progress: 0 RX, 1 TX

export function netbackKthreadInit(): void {
  gKtJob = freshArray<u8>(<i32>nGroups);
}

/** Tallies the bytes netbackKthreadInit() allocates. */
export function netbackKthreadMemory(): void {
  memArrays(MEM_PART, <u64>cfgU32(CFG_NETBACK_GROUPS), 1);
}

export function netbackKthreadHasWork(grp: u32): bool {
  return rxQueued(grp) || txWorkAvailable(grp);
}

/** One turn of the netback/<g> kthread loop: the RX action if RX work is queued, else TX. */
export function netbackKthreadStart(v: u32, grp: u32): bool {
  if (rxQueued(grp)) {
    unchecked((gKtJob[grp] = 0));
    netbackRxStart(v, grp);
    return true;
  }
  if (txWorkAvailable(grp)) {
    unchecked((gKtJob[grp] = 1));
    netbackTxStart(v, grp);
    return true;
  }
  return false;
}

export function netbackKthreadFinish(v: u32, grp: u32): void {
  if (unchecked(gKtJob[grp]) == 0) netbackRxFinish(v, grp);
  else netbackTxFinish(v, grp);
}
