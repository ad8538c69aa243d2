// netback's kernel-thread mode (pvops netback_kthread=1; sources.md C3): one thread per group,
// bound to a dom0 VCPU, whose loop runs the RX action when RX work is queued, else the TX
// action, one action per turn (the VCPU's threads take turns round-robin). Woken from other
// VCPUs by a reschedule IPI (common.ts).
// In netback's NAPI mode (Linux 3.12-3.14, sources.md C13) the thread is the vif's own
// (xenvif_kthread): its loop runs only the RX action (xenvif_rx_action) while the vif's
// rx_queue is not empty, then sleeps; it is not bound, so it runs where it was woken (common.ts),
// and a turn on a VCPU other than its previous one brings the vif's RX state over (P1).
// Left out: the thread's sleep/wake-up latency beyond the IPI's cost (bound threads) and the
// scheduler's cost of switching to it.

import { nGroups, napiMode, gKtRunning, stateFromOtherCpu } from "./common";
import { rxQueued, netbackRxStart, netbackRxFinish } from "./rx";
import { txWorkAvailable, netbackTxStart, netbackTxFinish } from "./tx";
import { MEM_NETBACK as MEM_PART } from "../../src/abi/layout";
import { CFG_NETBACK_GROUPS, CFG_NETBACK_MODE } from "../../src/abi/layout";
import { NETBACK_MODE_NAPI } from "../../src/abi/enums";
import { cfgU32 } from "../config";
import { memArrays, freshArray } from "../base/memory";

let gKtJob = new StaticArray<u8>(0); // action of the turn in progress: 0 RX, 1 TX
let gKtVcpuLast = new StaticArray<u32>(0); // NAPI mode: VCPU of the thread's previous turn
const NO_VCPU: u32 = 0xffffffff;

export function netbackKthreadInit(): void {
  gKtJob = freshArray<u8>(<i32>nGroups);
  if (!napiMode) return;
  gKtVcpuLast = freshArray<u32>(<i32>nGroups);
  for (let g: u32 = 0; g < nGroups; g++) unchecked((gKtVcpuLast[g] = NO_VCPU));
}

/** Tallies the bytes netbackKthreadInit() allocates. */
export function netbackKthreadMemory(): void {
  let G = <u64>cfgU32(CFG_NETBACK_GROUPS);
  memArrays(MEM_PART, G, 1);
  if (cfgU32(CFG_NETBACK_MODE) == NETBACK_MODE_NAPI) memArrays(MEM_PART, G, 4);
}

export function netbackKthreadHasWork(grp: u32): bool {
  if (napiMode) return rxQueued(grp);
  return rxQueued(grp) || txWorkAvailable(grp);
}

/** One turn of the netback/<g> kthread loop: the RX action if RX work is queued, else TX (in
 *  NAPI mode a turn of the vif's thread: the RX action only). */
export function netbackKthreadStart(v: u32, grp: u32): bool {
  if (napiMode) {
    if (!rxQueued(grp)) return false;
    let last = unchecked(gKtVcpuLast[grp]);
    if (last != NO_VCPU && last != v) stateFromOtherCpu();
    unchecked((gKtVcpuLast[grp] = v));
    unchecked((gKtRunning[grp] = 1));
    unchecked((gKtJob[grp] = 0));
    netbackRxStart(v, grp);
    return true;
  }
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
  if (napiMode) unchecked((gKtRunning[grp] = 0));
}
