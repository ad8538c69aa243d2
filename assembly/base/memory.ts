// Memory layout: the exact bytes the model's init allocates, computed from the configuration
// before anything is allocated. Every component's init has a `...MemBytes` function next to it
// that adds what that init allocates; model/layout.ts sums them in init order. The host asks the
// same function (simMemoryBytes) for its estimate and its bound, the engine grows linear memory
// once to it before init, and init checks afterwards that it allocated exactly that much.
//
// Models: nothing; it is bookkeeping. It follows AssemblyScript's stub runtime (asconfig.json
// "runtime": "stub"), a bump allocator: an allocation of `size` bytes takes a 4-byte block
// header plus the size, rounded up to 16 bytes; a StaticArray adds a 16-byte object header.
// Sizes are u64 here, so no product of configured counts can wrap the way a u32 would.

// @ts-ignore: decorator
@inline const BLOCK_OVERHEAD: u64 = 4; // rt/common.ts BLOCK (mmInfo)
// @ts-ignore: decorator
@inline const OBJECT_OVERHEAD: u64 = 16; // rt/common.ts OBJECT minus BLOCK, aligned
// @ts-ignore: decorator
@inline const AL_MASK: u64 = 15;
/** The largest block the runtime allocates (rt/common.ts BLOCK_MAXSIZE): 1 GiB minus a header. */
export const BLOCK_MAX_BYTES: u64 = (1 << 30) - BLOCK_OVERHEAD;

/** Bytes of the heap taken by a raw allocation (heap.alloc) of `size` bytes. */
// @ts-ignore: decorator
@inline export function rawBytes(size: u64): u64 {
  return (size + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK;
}

/** Bytes of the heap taken by a StaticArray of n elements of elemBytes each. */
// @ts-ignore: decorator
@inline export function arrayBytes(n: u64, elemBytes: u64): u64 {
  return rawBytes(OBJECT_OVERHEAD + n * elemBytes);
}

/** Rounds up to a power of two (>= 1), in u64 (base/fifo.ts's pow2ceil for u32). */
export function pow2ceil64(n: u64): u64 {
  if (n <= 1) return 1;
  return <u64>1 << (64 - clz<u64>(n - 1));
}

/** Bytes of a FIFO's window (base/fifo.ts fifoNew: a power of two of u32 entries). */
export function fifoBytes(limit: u64): u64 {
  return rawBytes(pow2ceil64(limit) << 2);
}

// The tally: bytes per contributor (the caller's numbering: src/abi/layout.ts MEM_*), and the
// largest single block.
const MAX_PARTS: i32 = 16;
let parts = new StaticArray<u64>(MAX_PARTS);
export let memLargestBlock: u64 = 0;
export let memLargestPart: i32 = 0;

export function memReset(): void {
  for (let i = 0; i < MAX_PARTS; i++) unchecked((parts[i] = 0));
  memLargestBlock = 0;
  memLargestPart = 0;
}

/** Adds `count` blocks of `blockBytes` each to contributor `part`. */
export function memAdd(part: i32, blockBytes: u64, count: u64 = 1): void {
  unchecked((parts[part] += blockBytes * count));
  if (count > 0 && blockBytes > memLargestBlock) {
    memLargestBlock = blockBytes;
    memLargestPart = part;
  }
}
/** `count` StaticArrays of n elements of elemBytes each. */
export function memArrays(part: i32, n: u64, elemBytes: u64, count: u64 = 1): void {
  memAdd(part, arrayBytes(n, elemBytes), count);
}
/** `count` FIFOs of `limit` entries each. */
export function memFifos(part: i32, limit: u64, count: u64 = 1): void {
  memAdd(part, fifoBytes(limit), count);
}

export function memPart(part: i32): u64 {
  return part >= 0 && part < MAX_PARTS ? unchecked(parts[part]) : 0;
}

export function memTotal(): u64 {
  let s: u64 = 0;
  for (let i = 0; i < MAX_PARTS; i++) s += unchecked(parts[i]);
  return s;
}

/** Address one past the last allocated byte (the bump allocator's top), without allocating. */
export function heapTop(): usize {
  let p = heap.alloc(0);
  heap.free(p); // the stub runtime takes back its last block
  return p - <usize>BLOCK_OVERHEAD;
}

/**
 * A StaticArray of n elements, zero, without the constructor's zero fill. The stub runtime never
 * hands out memory twice and linear memory grows zeroed, so every block init allocates is zero
 * already; the fill only touched every page of a large model (page faults and writes that made
 * init of thousands of guests take seconds, and made untouched arrays resident).
 */
// @ts-ignore: decorator
@inline export function freshArray<T>(n: i32): StaticArray<T> {
  if (<u32>n > <u32>(BLOCK_MAX_BYTES >> alignof<T>())) throw new RangeError("array too large");
  return changetype<StaticArray<T>>(__new(<usize>n << alignof<T>(), idof<StaticArray<T>>()));
}
