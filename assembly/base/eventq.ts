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
// Left out: cancellation. Components that need to cancel (timers) keep their own "armed at"
// field and ignore stale firings (gem5's scheduled() guard does the same job).

import { memAdd, rawBytes } from "./memory";

let heapBase: usize = 0;
let heapCap: u32 = 0;
let nextSeq: u32 = 0;

/** Number of pending events. */
export let eqSize: u32 = 0;
/** Time of the event most recently popped (the simulation clock), cycles. */
export let eqNow: u64 = 0;
/** Target of the event most recently popped. */
export let eqTarget: u32 = 0;
/** Set when a push found the queue full; the engine stops with an error reason. */
export let eqOverflow: bool = false;
/** Largest number of pending events seen. */
export let eqMaxSize: u32 = 0;

/** Allocates room for `capacity` pending events and empties the queue. Called once per instance. */
export function eqInit(capacity: u32): void {
  heapBase = heap.alloc(<usize>capacity << 4);
  heapCap = capacity;
  eqSize = 0;
  nextSeq = 0;
  eqNow = 0;
  eqTarget = 0;
  eqOverflow = false;
  eqMaxSize = 0;
}

/** Tallies the bytes eqInit(capacity) allocates. */
export function eqMemory(part: i32, capacity: u64): void {
  memAdd(part, rawBytes(capacity << 4));
}

/** Empties the queue and restarts the sequence numbers (keeps the allocation). */
export function eqReset(): void {
  eqSize = 0;
  nextSeq = 0;
  eqNow = 0;
  eqTarget = 0;
  eqOverflow = false;
  eqMaxSize = 0;
}

// @ts-ignore: decorator
@inline function before(t1: u64, s1: u32, t2: u64, s2: u32): bool {
  return t1 < t2 || (t1 == t2 && <i32>(s1 - s2) < 0);
}

/** Schedules `target` at absolute cycle `time`. Never allocates. */
// @ts-ignore: decorator
@inline export function eqPush(time: u64, target: u32): void {
  let i = eqSize;
  if (i >= heapCap) {
    eqOverflow = true;
    return;
  }
  eqSize = i + 1;
  if (i + 1 > eqMaxSize) eqMaxSize = i + 1;
  let seq = nextSeq++;
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

/** Time of the earliest pending event, or u64.MAX_VALUE if none. */
// @ts-ignore: decorator
@inline export function eqPeekTime(): u64 {
  return eqSize == 0 ? u64.MAX_VALUE : load<u64>(heapBase);
}

/** Removes the earliest event into eqNow/eqTarget. Returns false if the queue is empty. */
// @ts-ignore: decorator
@inline export function eqPop(): bool {
  let n = eqSize;
  if (n == 0) return false;
  let base = heapBase;
  eqNow = load<u64>(base);
  eqTarget = <u32>(load<u64>(base, 8) >> 32);
  n -= 1;
  eqSize = n;
  if (n == 0) return true;
  // Move the last entry to the root and sift it down.
  let la = base + (<usize>n << 4);
  let t = load<u64>(la);
  let st = load<u64>(la, 8);
  let s = <u32>st;
  let i: u32 = 0;
  while (true) {
    let c = (i << 1) + 1;
    if (c >= n) break;
    let ca = base + (<usize>c << 4);
    let ct = load<u64>(ca);
    let cs = load<u32>(ca, 8);
    let r = c + 1;
    if (r < n) {
      let ra = base + (<usize>r << 4);
      let rt = load<u64>(ra);
      let rs = load<u32>(ra, 8);
      if (before(rt, rs, ct, cs)) {
        c = r;
        ca = ra;
        ct = rt;
        cs = rs;
      }
    }
    if (!before(ct, cs, t, s)) break;
    let ia = base + (<usize>i << 4);
    store<u64>(ia, ct);
    store<u64>(ia, load<u64>(ca, 8), 8);
    i = c;
  }
  let ia = base + (<usize>i << 4);
  store<u64>(ia, t);
  store<u64>(ia, st, 8);
  return true;
}
