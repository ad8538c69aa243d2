// Event queue: the pending-event set of the discrete-event engine.
//
// Models: nothing physical. It is the engine's calendar: events are (time, seq, target) with
// u64 time in CPU cycles, ordered by time and then by insertion sequence, as in ns-3 (ts, uid)
// and SimPy (time, priority, eid). Same-time events therefore run in the order they were
// scheduled, which is what makes runs bit-for-bit reproducible.
//
// Layout (raw linear memory, allocated once in eqInit, never grown):
//
//   heapBase + 16*i:  +0 time   u64   cycle at which the event fires
//                     +8 seq    u32   insertion sequence number (wraps at 2^32)
//                     +12 target u32  what to do: component kind and index, decoded by the caller
//
// A binary min-heap with raw load/store (toolchain.md: bounds-checked StaticArray access costs
// 4x; the sift loops below are the hottest code in the engine). The sequence number wraps; the
// comparison is wrap-aware ((i32)(a-b) < 0), which is exact as long as two events that are
// pending at the same time were inserted less than 2^31 insertions apart.
//
// Pop is lazy (replace-top): eqPop reads the root and marks it taken but leaves it in place; the
// next push overwrites the root and sifts the new event down, and only a pop or peek that finds
// the root taken removes it the usual way (last entry to the root, sift down). An event handler
// that schedules at least one event thus costs one sift-down instead of a sift-down and a sift-up,
// and an event scheduled soon sinks only a level or two. (time, seq) keys are unique, so every
// valid heap pops in the same order: the change is invisible to the model.
//
// The sift-down picks the smaller child without a branch on the times (the comparison result is
// added to the index, and the chosen time is selected, not loaded again): which child is smaller
// is a coin toss in a large heap, and a mispredicted branch per level is what a branchy choice
// costs there. Only equal times, which are rare, decide by sequence number behind a branch.
//
// Same-instant events (eqPushNow). An event scheduled for the current instant while no other
// event of this instant is pending would be the very next one popped: it has the largest sequence
// number so far and every other pending event is later. Such an event skips the heap and goes to
// a small FIFO that the engine runs right after the current handler, before it pops again: the
// order of execution is exactly the one the heap would give. One scheduled while an event of this
// instant is pending (it must run after that one) goes to the heap as usual, and so does every
// later one of the instant, so FIFO entries always come before the instant's heap entries. The
// engine runs the FIFO only while it turns eqInstantOn on (the FIFO has room for one entry per
// VCPU; when it is full the event goes to the heap, which keeps the order too).
//
// Left out: cancellation. Components that need to cancel (timers) keep their own "armed at"
// field and ignore stale firings (gem5's scheduled() guard does the same job).

import { memAdd, rawBytes } from "./memory";
import { faultRaise } from "./fault";

let heapBase: usize = 0;
let heapCap: u32 = 0;
let nextSeq: u32 = 0;
/** The root holds the event popped last (taken, not yet removed); see the header. */
let topTaken: bool = false;

/** Number of pending events (a taken root is not counted). */
export let eqSize: u32 = 0;
/** Time of the event most recently popped (the simulation clock), cycles. */
export let eqNow: u64 = 0;
/** Target of the event most recently popped. */
export let eqTarget: u32 = 0;
/** Set when a push found the queue full; the engine stops with an error reason. */
export let eqOverflow: bool = false;
/** Largest number of pending events seen. */
export let eqMaxSize: u32 = 0;

let instBase: usize = 0;
let instCap: u32 = 0;
let instHead: u32 = 0;
/** Same-instant events waiting in the FIFO (see the header). */
export let eqInstantCount: u32 = 0;
/** Whether eqPushNow may use the FIFO: only while the engine runs events, which drains it. */
export let eqInstantOn: bool = false;

/** Allocates room for `capacity` pending events and empties the queue. Called once per instance. */
export function eqInit(capacity: u32): void {
  heapBase = heap.alloc(<usize>capacity << 4);
  heapCap = capacity;
  eqReset();
}

/** Tallies the bytes eqInit(capacity) allocates. */
export function eqMemory(part: i32, capacity: u64): void {
  memAdd(part, rawBytes(capacity << 4));
}

/** Allocates the same-instant FIFO (`capacity` entries). */
export function eqInstantInit(capacity: u32): void {
  instBase = heap.alloc(<usize>capacity << 2);
  instCap = capacity;
  instHead = 0;
  eqInstantCount = 0;
}

/** Tallies the bytes eqInstantInit(capacity) allocates. */
export function eqInstantMemory(part: i32, capacity: u64): void {
  memAdd(part, rawBytes(capacity << 2));
}

/** The engine runs (true) or stops running (false) events; only then is the FIFO drained. */
export function eqInstantEnable(on: bool): void {
  eqInstantOn = on;
}

/** Empties the queue and restarts the sequence numbers (keeps the allocation). */
export function eqReset(): void {
  eqSize = 0;
  nextSeq = 0;
  topTaken = false;
  eqNow = 0;
  eqTarget = 0;
  eqOverflow = false;
  eqMaxSize = 0;
  instHead = 0;
  eqInstantCount = 0;
}

// @ts-ignore: decorator
@inline function before(t1: u64, s1: u32, t2: u64, s2: u32): bool {
  return t1 < t2 || (t1 == t2 && <i32>(s1 - s2) < 0);
}

/** Places the entry (t, seqTarget) at the free root slot of a heap of n entries (root included)
 *  and sifts it down. Positions are byte offsets (entry i at 16*i, its first child at 32*i + 16):
 *  fewer values live in the loop than with an index and an address each, which is what V8's
 *  register allocator needs here (kernel benchmark A: +7% in one interleaved run). */
// @ts-ignore: decorator
@inline function siftDown(base: usize, n: u32, t: u64, seqTarget: u64): void {
  let s = <u32>seqTarget;
  let end = <usize>n << 4;
  let io: usize = 0;
  while (true) {
    let co = (io << 1) + 16;
    if (co >= end) break;
    let ct = load<u64>(base + co);
    if (co + 16 < end) {
      // Right sibling at co + 16; take it if it is earlier, without a branch on the times (which
      // child is earlier is a coin toss) and without loading the chosen time again. Equal times
      // are rare: their sequence numbers decide behind a branch that is almost never taken.
      let ra = base + co;
      let rt = load<u64>(ra, 16);
      let right = <usize>(rt < ct);
      if (rt == ct) right = <usize>(load<u32>(ra, 24) - load<u32>(ra, 8)) >> 31;
      co += right << 4;
      ct = select<u64>(rt, ct, right != 0);
    }
    let ca = base + co;
    // Stop where the entry goes before the child (!before(child, entry)).
    if (ct > t) break;
    if (ct == t && <i32>(load<u32>(ca, 8) - s) > 0) break;
    let ia = base + io;
    store<u64>(ia, ct);
    store<u64>(ia, load<u64>(ca, 8), 8);
    io = co;
  }
  let ia = base + io;
  store<u64>(ia, t);
  store<u64>(ia, seqTarget, 8);
}

/** Removes the taken root: the last entry moves to the root and sinks. Inlined: a call inside
 *  the event loop makes V8 spill every value the loop carries, on every iteration. */
// @ts-ignore: decorator
@inline function removeTaken(): void {
  topTaken = false;
  let n = eqSize; // entries left once the root is gone
  if (n == 0) return;
  let base = heapBase;
  let la = base + (<usize>n << 4);
  siftDown(base, n, load<u64>(la), load<u64>(la, 8));
}

/**
 * Schedules `target` at absolute cycle `time`. Never allocates. A call, not inlined: the model
 * schedules from two dozen places, and the sift loop inlined into each of them made the module
 * 15% larger and a whole run slower (paper-lro ran about 1.05x faster with the call, in two
 * interleaved runs). A small loop that schedules from one or two places, like the benchmark
 * kernels, inlines eqPushInline instead, and so does the start of a VCPU job (cpu/vcpu.ts), where
 * more than half of a run's events are scheduled.
 */
export function eqPush(time: u64, target: u32): void {
  eqPushInline(time, target);
}

/** eqPush, inlined into the caller. */
// @ts-ignore: decorator
@inline export function eqPushInline(time: u64, target: u32): void {
  let i = eqSize;
  let seq = nextSeq;
  if (topTaken) {
    // Replace-top: the new event takes the popped event's slot and sinks from there.
    topTaken = false;
    nextSeq = seq + 1;
    eqSize = i + 1;
    if (i + 1 > eqMaxSize) eqMaxSize = i + 1;
    siftDown(heapBase, i + 1, time, (<u64>target << 32) | <u64>seq);
    return;
  }
  if (i >= heapCap) {
    eqOverflow = true;
    faultRaise();
    return;
  }
  nextSeq = seq + 1;
  eqSize = i + 1;
  if (i + 1 > eqMaxSize) eqMaxSize = i + 1;
  let base = heapBase;
  // Sift up: move parents down until the new entry's slot is found.
  while (i > 0) {
    let p = (i - 1) >> 1;
    let pa = base + (<usize>p << 4);
    let pt = load<u64>(pa);
    let ps = load<u32>(pa, 8);
    if (!before(time, seq, pt, ps)) break;
    let ia = base + (<usize>i << 4);
    store<u64>(ia, pt);
    store<u64>(ia, load<u64>(pa, 8), 8);
    i = p;
  }
  let ia = base + (<usize>i << 4);
  store<u64>(ia, time);
  store<u64>(ia, (<u64>target << 32) | <u64>seq, 8);
}

/** Whether an event at cycle t or earlier is pending in the heap (the taken root is not pending). */
// @ts-ignore: decorator
@inline function heapHasAtOrBefore(t: u64): bool {
  let n = eqSize;
  let base = heapBase;
  if (!topTaken) return n > 0 && load<u64>(base) <= t;
  // Entries 1..n remain; every one lies under entry 1 or entry 2.
  if (n >= 1 && load<u64>(base, 16) <= t) return true;
  return n >= 2 && load<u64>(base, 32) <= t;
}

/** Schedules `target` at the current instant: into the same-instant FIFO when it would be the next
 *  event popped anyway (see the header), else into the heap. */
// @ts-ignore: decorator
@inline export function eqPushNow(target: u32): void {
  let now = eqNow;
  if (eqInstantOn && eqInstantCount < instCap && !heapHasAtOrBefore(now)) {
    let i = instHead + eqInstantCount;
    if (i >= instCap) i -= instCap;
    store<u32>(instBase + (<usize>i << 2), target);
    eqInstantCount++;
    nextSeq++; // the sequence number the heap would have given it: later events keep theirs
    return;
  }
  eqPush(now, target);
}

/** Takes the oldest same-instant event's target (the caller checked eqInstantCount > 0). */
// @ts-ignore: decorator
@inline export function eqTakeNow(): u32 {
  let h = instHead;
  let target = load<u32>(instBase + (<usize>h << 2));
  h++;
  instHead = h >= instCap ? 0 : h;
  eqInstantCount--;
  return target;
}

/** Time of the earliest pending event, or u64.MAX_VALUE if none. */
// @ts-ignore: decorator
@inline export function eqPeekTime(): u64 {
  if (topTaken) removeTaken();
  return eqSize == 0 ? u64.MAX_VALUE : load<u64>(heapBase);
}

/** eqPopBefore's answer when it took nothing. No event has this target (kinds are below 16). */
export const EQ_NONE: u32 = 0xffffffff;

/** The engine's pop: takes the earliest event if its time is at most `limit` (the clock moves to
 *  it, eqNow) and returns its target; returns EQ_NONE and takes nothing when the queue is empty or
 *  its earliest event is later. One look at the root for the peek and the pop, and the target
 *  comes back in a register instead of through a global. */
// @ts-ignore: decorator
@inline export function eqPopBefore(limit: u64): u32 {
  if (topTaken) removeTaken();
  let n = eqSize;
  if (n == 0) return EQ_NONE;
  let base = heapBase;
  let t = load<u64>(base);
  if (t > limit) return EQ_NONE;
  eqNow = t;
  eqSize = n - 1;
  topTaken = true;
  return <u32>(load<u64>(base, 8) >> 32);
}

/** Takes the earliest event into eqNow/eqTarget. Returns false if the queue is empty. */
// @ts-ignore: decorator
@inline export function eqPop(): bool {
  if (topTaken) removeTaken();
  let n = eqSize;
  if (n == 0) return false;
  let base = heapBase;
  eqNow = load<u64>(base);
  eqTarget = <u32>(load<u64>(base, 8) >> 32);
  eqSize = n - 1;
  topTaken = true;
  return true;
}
