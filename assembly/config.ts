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

export function loadCosts(): void {
  for (let i = 0; i < COST_COUNT; i++) unchecked((COSTS[i] = cfgTable(CFG_OFF_COST, i)));
}

/** Cost constant i in cycles. */
// @ts-ignore: decorator
@inline export function cost(i: i32): f64 {
  return unchecked(COSTS[i]);
}
