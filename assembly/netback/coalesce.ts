// netback's optional notification coalescing toward netfront (the paper's "lower event
// frequency"; sources.md C9).
//
// Models: the vif's one event channel serves both rings, so RX and TX responses share the
// count: a push whose RING_PUSH_RESPONSES_AND_CHECK_NOTIFY asks for a notification leaves one
// owed; it is sent once `count` responses went out since the last notification, or when the
// `time` timer armed at the first held response expires (it runs in TIMER softirq on the vif's
// dom0 VCPU). Without coalescing (count 1, time 0) every requested notification goes at once.
// Left out: adapting count or time to the load.

import {
  CFG_GUESTS, CFG_COALESCE_COUNT, CFG_COALESCE_TIME, CFG_OFF_VIF_VCPU, ST_NOTIFY_NB_RX,
  ST_COALESCE_TIMER_FIRES,
} from "../../src/abi/layout";
import { cfgU32, cfgU64, cfgTable } from "../config";
import { statInc } from "../stats";
import { eqNow } from "../base/eventq";
import { outboxAdd } from "../cpu/vcpu";
import { timerNew, timerArm, timerCancel, timerPending, TM_NB_COALESCE } from "../kernel/timers";
import { nfRxPort } from "../xen/evtchn";
import { MEM_NETBACK as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";

const NO_TIMER: u32 = 0xffffffff;

let coalesceCount: u32 = 1;
let coalesceTime: u64 = 0;
/** Whether notifications are coalesced at all. */
export let coalescing: bool = false;
let vifOwed = new StaticArray<u8>(0); // a notification is owed
let vifSince = new StaticArray<u32>(0); // responses since the last notification
let vifTimer = new StaticArray<u32>(0);

export function coalesceInit(): void {
  coalesceCount = cfgU32(CFG_COALESCE_COUNT);
  coalesceTime = cfgU64(CFG_COALESCE_TIME);
  coalescing = coalesceCount > 1 || coalesceTime > 0;
  let N = <i32>cfgU32(CFG_GUESTS);
  vifOwed = freshArray<u8>(N);
  vifSince = freshArray<u32>(N);
  vifTimer = freshArray<u32>(N);
  for (let i = 0; i < N; i++) {
    unchecked((vifTimer[i] = coalesceTime > 0 ? timerNew(TM_NB_COALESCE, <u32>i, <u32>cfgTable(CFG_OFF_VIF_VCPU, i)) : NO_TIMER));
  }
}

/** Tallies the bytes coalesceInit() allocates. */
export function coalesceMemory(): void {
  let N = <u64>cfgU32(CFG_GUESTS);
  memArrays(MEM_PART, N, 1);
  memArrays(MEM_PART, N, 4, 2);
}

/** A response was pushed on one of vif's rings; `want` is what the push's check said. Returns
 *  whether the notification is due now. */
export function coalesceDue(vif: u32, want: bool): bool {
  if (want) unchecked((vifOwed[vif] = 1));
  unchecked((vifSince[vif] = unchecked(vifSince[vif]) + 1));
  if (!unchecked(vifOwed[vif])) return false;
  if (unchecked(vifSince[vif]) < coalesceCount) {
    let t = unchecked(vifTimer[vif]);
    if (t != NO_TIMER && !timerPending(t)) timerArm(t, eqNow + coalesceTime);
    return false;
  }
  return true;
}

/** A notification went to vif's frontend: nothing is owed any more. */
export function coalesceReset(vif: u32): void {
  unchecked((vifOwed[vif] = 0));
  unchecked((vifSince[vif] = 0));
  let t = unchecked(vifTimer[vif]);
  if (t != NO_TIMER) timerCancel(t);
}

/** notify_remote_via_irq toward vif's frontend when v's job ends (RX side). */
export function sendRxNotify(v: u32, vif: u32): void {
  statInc(ST_NOTIFY_NB_RX);
  outboxAdd(v, nfRxPort(vif)); // the vif's one channel, or its RX channel when split
  if (coalescing) coalesceReset(vif);
}

/** Coalescing timer of `vif` expired (TIMER softirq on the vif's dom0 VCPU). */
export function netbackCoalesceTimerFinish(v: u32, vif: u32): void {
  if (!unchecked(vifOwed[vif])) return;
  statInc(ST_COALESCE_TIMER_FIRES);
  sendRxNotify(v, vif);
}
