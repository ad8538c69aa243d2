// Configuration as the model sees it: one packed Float64 buffer written by the host
// (src/config/pack.ts), read here once at init into typed globals and arrays.
//
// Models: nothing; it is the host/Wasm boundary. Slot numbers come from src/abi/layout.ts,
// the one file both compilers read. Every time and cost in the buffer is already in CPU
// cycles (the host converts units), so nothing in assembly/ handles seconds or bytes/s.

import { CFG_OFF_COST, COST_COUNT } from "../src/abi/layout";

let cfgBase: usize = 0;

/** Remembers where the host wrote the config buffer. */
export function cfgSetBase(p: usize): void {
  cfgBase = p;
}

/** Scalar slot i of the config buffer. */
// @ts-ignore: decorator
@inline export function cfg(i: i32): f64 {
  return load<f64>(cfgBase + (<usize>i << 3));
}

/** Scalar slot i as an unsigned integer. */
// @ts-ignore: decorator
@inline export function cfgU32(i: i32): u32 {
  return <u32>load<f64>(cfgBase + (<usize>i << 3));
}

/** Scalar slot i as a 64-bit cycle count. */
// @ts-ignore: decorator
@inline export function cfgU64(i: i32): u64 {
  return <u64>load<f64>(cfgBase + (<usize>i << 3));
}

/** Element k of the per-entity table whose offset is stored in scalar slot offSlot. */
export function cfgTable(offSlot: i32, k: i32): f64 {
  let off = <usize>load<f64>(cfgBase + (<usize>offSlot << 3));
  return load<f64>(cfgBase + ((off + <usize>k) << 3));
}

/** Cost constants in cycles (per-byte costs in cycles per byte), copied at init. */
export let COSTS = new StaticArray<f64>(COST_COUNT);

// The same constants truncated to whole cycles, in static memory (no heap block): a charge of
// one cost reads its cycles directly instead of converting an f64 on every charge.
const COST_CYCLES: usize = memory.data(COST_COUNT << 3, 16);

// Per cost, its cycles when n times it is the same in integers as in f64 for every u32 n, else
// NOT_WHOLE: a whole number of cycles below 2^21 (every default count-based cost), since the f64
// product of two integers below 2^53 is exact and truncating it changes nothing. A fractional or
// larger cost (per-byte costs, or a user's value) keeps the f64 product and its truncation.
const COST_TIMES: usize = memory.data(COST_COUNT << 3, 16);
// @ts-ignore: decorator
@inline const WHOLE_COST_LIMIT: f64 = 2097152; // 2^21
// @ts-ignore: decorator
@inline const NOT_WHOLE: u64 = u64.MAX_VALUE; // no cost is that large (costs are at most 1e9)

export function loadCosts(): void {
  for (let i = 0; i < COST_COUNT; i++) {
    let c = cfgTable(CFG_OFF_COST, i);
    unchecked((COSTS[i] = c));
    let cycles = <u64>c;
    store<u64>(COST_CYCLES + (<usize>i << 3), cycles);
    store<u64>(COST_TIMES + (<usize>i << 3), <f64>cycles == c && c < WHOLE_COST_LIMIT ? cycles : NOT_WHOLE);
  }
}

/** Cost constant i in cycles (per-byte costs: cycles per byte, fractional). */
// @ts-ignore: decorator
@inline export function cost(i: i32): f64 {
  return unchecked(COSTS[i]);
}

/** Cost constant i in whole cycles: exactly <u64>cost(i). */
// @ts-ignore: decorator
@inline export function costCycles(i: i32): u64 {
  return load<u64>(COST_CYCLES + (<usize>i << 3));
}

/**
 * n times cost constant i, in whole cycles: exactly <u64>(cost(i) * <f64>n), for every n.
 * Charges with a per-byte part (fixed + per-byte x bytes) stay in f64 at their call sites: the
 * per-byte cost is fractional, and rounding the sum can carry it across a whole cycle, so no
 * integer form gives the same cycles.
 */
// @ts-ignore: decorator
@inline export function costTimes(i: i32, n: u32): u64 {
  let cycles = load<u64>(COST_TIMES + (<usize>i << 3));
  if (cycles != NOT_WHOLE) return cycles * <u64>n;
  return <u64>(unchecked(COSTS[i]) * <f64>n);
}
