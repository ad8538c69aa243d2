// Timers (kernel timer wheel / hrtimers, reduced to what the model arms): TCP retransmission
// and delayed-ACK timers, netback's notification-coalescing timer, the external hosts' receive
// interrupts (GRO).
//
// Models: a timer slot has a deadline; arming only moves the deadline, and at most one engine
// event per slot is pending at a time for the earliest deadline it had (re-arming later costs
// nothing until that event fires and re-schedules itself), so a per-ACK RTO re-arm does not
// flood the event queue. An expired timer of a guest or dom0 runs on its VCPU in TIMER softirq
// context (charged COST_TIMER plus whatever its handler does); timers of external hosts run
// instantly (those hosts have no CPU model).
// The timer functions are reached through model/ops.ts.
// Left out: timer-wheel granularity (jiffies); deadlines are exact cycles.

import { eqPush, eqNow } from "../base/eventq";
import { EV_TIMER } from "../base/targets";
import { timerListAdd } from "../cpu/vcpu";
import { MEM_OTHER as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";

/** Timer functions (the `function` of struct timer_list); model/ops.ts calls them. */
export const TM_TCP_RTO: u8 = 0;
export const TM_TCP_DELACK: u8 = 1;
export const TM_NB_COALESCE: u8 = 2;
export const TM_EXT_RX_POLL: u8 = 3;

const NEVER: u64 = u64.MAX_VALUE;
export const TIMER_NO_VCPU: u32 = 0xffffffff;

let tmKind = new StaticArray<u8>(0);
let tmArg = new StaticArray<u32>(0);
let tmVcpu = new StaticArray<u32>(0);
let tmDeadline = new StaticArray<u64>(0);
let tmEventAt = new StaticArray<u64>(0);
let count: u32 = 0;

export function timersInit(n: u32): void {
  tmKind = freshArray<u8>(<i32>n);
  tmArg = freshArray<u32>(<i32>n);
  tmVcpu = freshArray<u32>(<i32>n);
  tmDeadline = freshArray<u64>(<i32>n);
  tmEventAt = freshArray<u64>(<i32>n);
  count = 0;
}

/** Tallies the bytes timersInit(n) allocates. */
export function timersMemory(n: u64): void {
  memArrays(MEM_PART, n, 1);
  memArrays(MEM_PART, n, 4, 2);
  memArrays(MEM_PART, n, 8, 2);
}

/** Creates a timer slot; `vcpu` is where it runs (TIMER_NO_VCPU for external hosts). */
export function timerNew(kind: u8, arg: u32, vcpu: u32): u32 {
  let t = count++;
  unchecked((tmKind[t] = kind));
  unchecked((tmArg[t] = arg));
  unchecked((tmVcpu[t] = vcpu));
  unchecked((tmDeadline[t] = NEVER));
  unchecked((tmEventAt[t] = NEVER));
  return t;
}

/** mod_timer: (re)arms t to fire at absolute cycle `at`. */
export function timerArm(t: u32, at: u64): void {
  unchecked((tmDeadline[t] = at));
  if (at < unchecked(tmEventAt[t])) {
    unchecked((tmEventAt[t] = at));
    eqPush(at, EV_TIMER | t);
  }
}

/** del_timer. */
export function timerCancel(t: u32): void {
  unchecked((tmDeadline[t] = NEVER));
}

export function timerPending(t: u32): bool {
  return unchecked(tmDeadline[t]) != NEVER;
}

/** Function and argument of timer slot t. */
// @ts-ignore: decorator
@inline export function timerKind(t: u32): u8 {
  return unchecked(tmKind[t]);
}
// @ts-ignore: decorator
@inline export function timerArg(t: u32): u32 {
  return unchecked(tmArg[t]);
}

/** Engine event for slot t. An expired timer of a VCPU goes to its TIMER softirq list; true
 *  means an external host's timer expired and its function runs now. */
export function timerOnEvent(t: u32): bool {
  if (eqNow != unchecked(tmEventAt[t])) return false; // superseded by an earlier re-arm
  unchecked((tmEventAt[t] = NEVER));
  let d = unchecked(tmDeadline[t]);
  if (d == NEVER) return false; // cancelled
  if (d > eqNow) {
    // re-armed later meanwhile: follow the deadline
    unchecked((tmEventAt[t] = d));
    eqPush(d, EV_TIMER | t);
    return false;
  }
  unchecked((tmDeadline[t] = NEVER));
  let v = unchecked(tmVcpu[t]);
  if (v == TIMER_NO_VCPU) return true;
  timerListAdd(v, t);
  return false;
}
