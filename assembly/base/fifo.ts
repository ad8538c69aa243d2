// FIFO queues of u32 (packet ids, port ids, work items): every queue in the model that holds
// packets or work, from NIC descriptor rings to socket receive queues.
//
// Models: nothing by itself; components give each queue its meaning and its limit. Each queue
// owns a power-of-two window of raw memory allocated when the queue is created (at init only,
// never during a run), with free-running u32 head/tail indices masked by size-1 (the ring.h
// convention: never reset on wrap, so tail - head is the occupancy even across wrap-around).
// The logical limit may be smaller than the window (a 1000-packet backlog in a 1024 window).

import { memArrays, freshArray } from "./memory";

const MAX_FIFOS: i32 = 1 << 20;

let count: i32 = 0;
let fBuf = new StaticArray<usize>(0); // base address of the window
let fMask = new StaticArray<u32>(0);
let fLimit = new StaticArray<u32>(0);
let fHead = new StaticArray<u32>(0);
let fTail = new StaticArray<u32>(0);

/** Reserves the table for at most `maxFifos` queues. */
export function fifoInit(maxFifos: i32): void {
  if (maxFifos > MAX_FIFOS) maxFifos = MAX_FIFOS;
  count = 0;
  fBuf = freshArray<usize>(maxFifos);
  fMask = freshArray<u32>(maxFifos);
  fLimit = freshArray<u32>(maxFifos);
  fHead = freshArray<u32>(maxFifos);
  fTail = freshArray<u32>(maxFifos);
}

/** Tallies the bytes fifoInit(maxFifos) allocates (the queues' windows are counted where each is created). */
export function fifoTableMemory(part: i32, maxFifos: u64): void {
  memArrays(part, maxFifos < <u64>MAX_FIFOS ? maxFifos : <u64>MAX_FIFOS, 4, 5);
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
  if (count >= fBuf.length) {
    assert(false, "fifo: table full (fifoInit sized it too small)");
    fifoOverflow = true;
    return 0;
  }
  let size = pow2ceil(limit);
  let q = count++;
  unchecked((fBuf[q] = heap.alloc(<usize>size << 2)));
  unchecked((fMask[q] = size - 1));
  unchecked((fLimit[q] = limit));
  unchecked((fHead[q] = 0));
  unchecked((fTail[q] = 0));
  return q;
}

/** Debug builds only: q names a queue that was created. */
function fifoCheckId(q: i32): void {
  assert(q >= 0 && q < count, "fifo: no such queue (an id from a failed fifoNew, or never created)");
}

/** Debug builds only: entry i (0 = head) exists, and the queue holds no more than its limit. */
function fifoCheckAt(q: i32, i: u32): void {
  fifoCheckId(q);
  let len = unchecked(fTail[q]) - unchecked(fHead[q]);
  assert(len <= unchecked(fLimit[q]), "fifo: more entries than its limit");
  assert(i < len, "fifo: read past the tail (pop, peek or at on too short a queue)");
}

// @ts-ignore: decorator
@inline export function fifoLen(q: i32): u32 {
  return unchecked(fTail[q]) - unchecked(fHead[q]);
}

// @ts-ignore: decorator
@inline export function fifoFull(q: i32): bool {
  return unchecked(fTail[q]) - unchecked(fHead[q]) >= unchecked(fLimit[q]);
}

/** Appends v. Callers check fifoFull first where a full queue is possible; a push onto a full
 *  queue is refused and flagged (fifoOverflow), which the engine reports as a model error. */
// @ts-ignore: decorator
@inline export function fifoPush(q: i32, v: u32): void {
  if (!ASC_NO_ASSERT) fifoCheckId(q);
  let t = unchecked(fTail[q]);
  if (t - unchecked(fHead[q]) >= unchecked(fLimit[q])) {
    assert(false, "fifo: push onto a full queue");
    fifoOverflow = true;
    return;
  }
  store<u32>(unchecked(fBuf[q]) + (<usize>(t & unchecked(fMask[q])) << 2), v);
  unchecked((fTail[q] = t + 1));
}

/** Set when a push found its queue full (a sizing bug). */
export let fifoOverflow: bool = false;

/** Removes and returns the head. The caller checks fifoLen first. */
// @ts-ignore: decorator
@inline export function fifoPop(q: i32): u32 {
  if (!ASC_NO_ASSERT) fifoCheckAt(q, 0);
  let h = unchecked(fHead[q]);
  let v = load<u32>(unchecked(fBuf[q]) + (<usize>(h & unchecked(fMask[q])) << 2));
  unchecked((fHead[q] = h + 1));
  return v;
}

/** The head without removing it. */
// @ts-ignore: decorator
@inline export function fifoPeek(q: i32): u32 {
  if (!ASC_NO_ASSERT) fifoCheckAt(q, 0);
  return load<u32>(unchecked(fBuf[q]) + (<usize>(unchecked(fHead[q]) & unchecked(fMask[q])) << 2));
}

/** Entry i counted from the head (0 = head). */
// @ts-ignore: decorator
@inline export function fifoAt(q: i32, i: u32): u32 {
  if (!ASC_NO_ASSERT) fifoCheckAt(q, i);
  return load<u32>(unchecked(fBuf[q]) + (<usize>((unchecked(fHead[q]) + i) & unchecked(fMask[q])) << 2));
}
