// FIFO queues of u32 (packet ids, port ids, work items): every queue in the model that holds
// packets or work, from NIC descriptor rings to socket receive queues.
//
// Models: nothing by itself; components give each queue its meaning and its limit. Each queue
// owns a power-of-two window of raw memory allocated when the queue is created (at init only,
// never during a run), with free-running u32 head/tail indices masked by size-1 (the ring.h
// convention: never reset on wrap, so tail - head is the occupancy even across wrap-around).
// The logical limit may be smaller than the window (a 1000-packet backlog in a 1024 window).

import { memAdd, rawBytes } from "./memory";
import { faultRaise } from "./fault";

const MAX_FIFOS: i32 = 1 << 20;

// One 32-byte record per queue, all of a queue's fields on one cache line and behind one base
// address (the layout ring.h gives a shared ring): a push or a pop reads its head, tail, window,
// mask and limit there, where per-field arrays behind five module globals took five globals and
// five cache lines.
// @ts-ignore: decorator
@inline const REC_SHIFT: usize = 5;
/** Bytes of one queue's record: queues created one after another have their records this far apart. */
export const FIFO_REC_BYTES: usize = 1 << REC_SHIFT;
// @ts-ignore: decorator
@inline const F_HEAD: usize = 0; // u32, free-running
// @ts-ignore: decorator
@inline const F_TAIL: usize = 4; // u32, free-running
// @ts-ignore: decorator
@inline const F_BUF: usize = 8; // usize, base address of the window
// @ts-ignore: decorator
@inline const F_MASK: usize = 12; // u32, window size - 1
// @ts-ignore: decorator
@inline const F_LIMIT: usize = 16; // u32, most entries the queue may hold

let count: i32 = 0;
let capacity: i32 = 0;
let fTab: usize = 0;

/** Address of queue q's record. */
// @ts-ignore: decorator
@inline function rec(q: i32): usize {
  return fTab + (<usize>q << REC_SHIFT);
}

/** Reserves the table for at most `maxFifos` queues. */
export function fifoInit(maxFifos: i32): void {
  if (maxFifos > MAX_FIFOS) maxFifos = MAX_FIFOS;
  count = 0;
  capacity = maxFifos;
  // Zero already: the stub runtime never hands out memory twice (base/memory.ts freshArray).
  fTab = heap.alloc(<usize>maxFifos << REC_SHIFT);
}

/** Tallies the bytes fifoInit(maxFifos) allocates (the queues' windows are counted where each is created). */
export function fifoTableMemory(part: i32, maxFifos: u64): void {
  memAdd(part, rawBytes((maxFifos < <u64>MAX_FIFOS ? maxFifos : <u64>MAX_FIFOS) << <u64>REC_SHIFT));
}

/** Rounds up to a power of two (>= 1). */
export function pow2ceil(n: u32): u32 {
  if (n <= 1) return 1;
  return <u32>1 << (32 - clz<u32>(n - 1));
}

/** Creates a FIFO holding at most `limit` entries and returns its id. Called at init only. A full
 *  table is a sizing bug: flagged like an overflow (init then fails with a model error) and id 0
 *  returned, so that no caller ever indexes with -1. */
export function fifoNew(limit: u32): i32 {
  if (count >= capacity) {
    assert(false, "fifo: table full (fifoInit sized it too small)");
    fifoOverflow = true;
    faultRaise();
    return 0;
  }
  let size = pow2ceil(limit);
  let q = count++;
  let r = rec(q);
  store<usize>(r + F_BUF, heap.alloc(<usize>size << 2));
  store<u32>(r + F_MASK, size - 1);
  store<u32>(r + F_LIMIT, limit);
  store<u32>(r + F_HEAD, 0);
  store<u32>(r + F_TAIL, 0);
  return q;
}

/** Debug builds only: q names a queue that was created. */
function fifoCheckId(q: i32): void {
  assert(q >= 0 && q < count, "fifo: no such queue (an id from a failed fifoNew, or never created)");
}

/** Debug builds only: entry i (0 = head) exists, and the queue holds no more than its limit. */
function fifoCheckAt(q: i32, i: u32): void {
  fifoCheckId(q);
  let r = rec(q);
  let len = load<u32>(r + F_TAIL) - load<u32>(r + F_HEAD);
  assert(len <= load<u32>(r + F_LIMIT), "fifo: more entries than its limit");
  assert(i < len, "fifo: read past the tail (pop, peek or at on too short a queue)");
}

// @ts-ignore: decorator
@inline export function fifoLen(q: i32): u32 {
  let r = rec(q);
  return load<u32>(r + F_TAIL) - load<u32>(r + F_HEAD);
}

// @ts-ignore: decorator
@inline export function fifoFull(q: i32): bool {
  let r = rec(q);
  return load<u32>(r + F_TAIL) - load<u32>(r + F_HEAD) >= load<u32>(r + F_LIMIT);
}

/** Appends v. Callers check fifoFull first where a full queue is possible; a push onto a full
 *  queue is refused and flagged (fifoOverflow), which the engine reports as a model error. */
// @ts-ignore: decorator
@inline export function fifoPush(q: i32, v: u32): void {
  if (!ASC_NO_ASSERT) fifoCheckId(q);
  fifoRecPush(rec(q), v);
}

/** fifoPush onto the queue whose record is at r. */
// @ts-ignore: decorator
@inline export function fifoRecPush(r: usize, v: u32): void {
  let t = load<u32>(r + F_TAIL);
  if (t - load<u32>(r + F_HEAD) >= load<u32>(r + F_LIMIT)) {
    assert(false, "fifo: push onto a full queue");
    fifoOverflow = true;
    faultRaise();
    return;
  }
  store<u32>(load<usize>(r + F_BUF) + (<usize>(t & load<u32>(r + F_MASK)) << 2), v);
  store<u32>(r + F_TAIL, t + 1);
}

/** Puts v in front of the head (the next pop returns it). Same overflow rule as fifoPush. */
export function fifoPushFront(q: i32, v: u32): void {
  if (!ASC_NO_ASSERT) fifoCheckId(q);
  let r = rec(q);
  let h = load<u32>(r + F_HEAD);
  if (load<u32>(r + F_TAIL) - h >= load<u32>(r + F_LIMIT)) {
    assert(false, "fifo: push onto a full queue");
    fifoOverflow = true;
    return;
  }
  h -= 1;
  store<u32>(load<usize>(r + F_BUF) + (<usize>(h & load<u32>(r + F_MASK)) << 2), v);
  store<u32>(r + F_HEAD, h);
}

/** Set when a push found its queue full (a sizing bug). */
export let fifoOverflow: bool = false;

/** Removes and returns the head. The caller checks fifoLen first. */
// @ts-ignore: decorator
@inline export function fifoPop(q: i32): u32 {
  if (!ASC_NO_ASSERT) fifoCheckAt(q, 0);
  let r = rec(q);
  let h = load<u32>(r + F_HEAD);
  let v = load<u32>(load<usize>(r + F_BUF) + (<usize>(h & load<u32>(r + F_MASK)) << 2));
  store<u32>(r + F_HEAD, h + 1);
  return v;
}

/** Address of queue q's record, for code that looks at one queue several times in a row: it
 *  then reads the record through fifoRecLen and fifoRecPop instead of finding it again each time. */
// @ts-ignore: decorator
@inline export function fifoRec(q: i32): usize {
  if (!ASC_NO_ASSERT) fifoCheckId(q);
  return rec(q);
}

/** fifoLen of the queue whose record is at r. */
// @ts-ignore: decorator
@inline export function fifoRecLen(r: usize): u32 {
  return load<u32>(r + F_TAIL) - load<u32>(r + F_HEAD);
}

/** fifoPop of the queue whose record is at r. The caller checks fifoRecLen first. */
// @ts-ignore: decorator
@inline export function fifoRecPop(r: usize): u32 {
  let h = load<u32>(r + F_HEAD);
  if (!ASC_NO_ASSERT) assert(load<u32>(r + F_TAIL) != h, "fifo: read past the tail (pop, peek or at on too short a queue)");
  let v = load<u32>(load<usize>(r + F_BUF) + (<usize>(h & load<u32>(r + F_MASK)) << 2));
  store<u32>(r + F_HEAD, h + 1);
  return v;
}

/** The head without removing it. */
// @ts-ignore: decorator
@inline export function fifoPeek(q: i32): u32 {
  if (!ASC_NO_ASSERT) fifoCheckAt(q, 0);
  let r = rec(q);
  return load<u32>(load<usize>(r + F_BUF) + (<usize>(load<u32>(r + F_HEAD) & load<u32>(r + F_MASK)) << 2));
}

/** Entry i counted from the head (0 = head). */
// @ts-ignore: decorator
@inline export function fifoAt(q: i32, i: u32): u32 {
  if (!ASC_NO_ASSERT) fifoCheckAt(q, i);
  let r = rec(q);
  return load<u32>(load<usize>(r + F_BUF) + (<usize>((load<u32>(r + F_HEAD) + i) & load<u32>(r + F_MASK)) << 2));
}
