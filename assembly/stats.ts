// Statistics counters: one flat region of u64 in linear memory, incremented at the point of
// action and read by the host through a BigUint64Array view (one Wasm instance is one simulation; see docs/architecture.md).
//
// Models: nothing; it is instrumentation. Names, units, descriptions and derived formulas
// live in the host (src/report/stats.ts); here there are only slot numbers from
// src/abi/layout.ts. Nothing else happens in the hot path: no strings, no host calls.

import {
  ST_COUNT, GS_COUNT, COMP_COUNT, LAT_BUCKETS, LAT_SUB_BITS, ST_LAT_COUNT, ST_LAT_SUM, ST_LAT_MAX,
  VS_COUNT, VS_STEAL, VS_WAITS, VS_WAIT_SUM, VS_WAIT_MAX, VS_HIST, VS_WAIT_BUCKETS,
} from "../src/abi/layout";
import { MEM_OTHER } from "../src/abi/layout";
import { memAdd, rawBytes } from "./base/memory";

let base: usize = 0;
let guestBase: usize = 0;
let compBase: usize = 0;
let latBase: usize = 0;
let rrLatBase: usize = 0;
let vsBase: usize = 0;
let totalWords: u32 = 0;

/** Allocates the counters region for `guests` guests and `vcpus` VCPUs. */
export function statsInit(guests: u32, vcpus: u32): void {
  totalWords = <u32>ST_COUNT + guests * <u32>GS_COUNT + vcpus * <u32>COMP_COUNT + 2 * <u32>LAT_BUCKETS + vcpus * <u32>VS_COUNT;
  base = heap.alloc(<usize>totalWords << 3);
  memory.fill(base, 0, <usize>totalWords << 3);
  guestBase = base + (<usize>ST_COUNT << 3);
  compBase = guestBase + (<usize>(guests * <u32>GS_COUNT) << 3);
  latBase = compBase + (<usize>(vcpus * <u32>COMP_COUNT) << 3);
  rrLatBase = latBase + (<usize>LAT_BUCKETS << 3);
  vsBase = rrLatBase + (<usize>LAT_BUCKETS << 3);
}

/** Tallies the bytes statsInit(guests, vcpus) allocates. */
export function statsMemory(guests: u64, vcpus: u64): void {
  memAdd(MEM_OTHER, rawBytes((<u64>ST_COUNT + guests * <u64>GS_COUNT + vcpus * <u64>COMP_COUNT + 2 * <u64>LAT_BUCKETS + vcpus * <u64>VS_COUNT) << 3));
}

export function statsPtr(): usize {
  return base;
}
export function statsWords(): u32 {
  return totalWords;
}

// @ts-ignore: decorator
@inline export function statAdd(i: i32, v: u64): void {
  let p = base + (<usize>i << 3);
  store<u64>(p, load<u64>(p) + v);
}

// @ts-ignore: decorator
@inline export function statInc(i: i32): void {
  let p = base + (<usize>i << 3);
  store<u64>(p, load<u64>(p) + 1);
}

// @ts-ignore: decorator
@inline export function statSet(i: i32, v: u64): void {
  store<u64>(base + (<usize>i << 3), v);
}

// @ts-ignore: decorator
@inline export function statGet(i: i32): u64 {
  return load<u64>(base + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline export function guestStatAdd(g: u32, k: i32, v: u64): void {
  let p = guestBase + (<usize>(g * <u32>GS_COUNT + <u32>k) << 3);
  store<u64>(p, load<u64>(p) + v);
}

/** Charges `cycles` of busy time to component `comp` of VCPU `v`. */
// @ts-ignore: decorator
@inline export function chargeVcpu(v: u32, comp: i32, cycles: u64): void {
  let p = compBase + (<usize>(v * <u32>COMP_COUNT + <u32>comp) << 3);
  store<u64>(p, load<u64>(p) + cycles);
}

/** Takes back `cycles` charged to component `comp` of VCPU `v` that it will never run (the rest
 *  of a switch to it that Xen cut short by switching away again). */
export function unchargeVcpu(v: u32, comp: i32, cycles: u64): void {
  let p = compBase + (<usize>(v * <u32>COMP_COUNT + <u32>comp) << 3);
  store<u64>(p, load<u64>(p) - cycles);
}

/** Log-linear bucket of a latency in cycles: 2^LAT_SUB_BITS sub-buckets per power of two. */
// @ts-ignore: decorator
@inline export function latBucket(c: u64): u32 {
  let sub: u64 = <u64>1 << LAT_SUB_BITS;
  if (c < sub) return <u32>c;
  let e: u32 = <u32>63 - <u32>clz(c); // position of the top bit, >= LAT_SUB_BITS
  let shift: u32 = e - <u32>LAT_SUB_BITS;
  let mant = <u32>((c >> shift) & (sub - 1));
  let b: u32 = (shift + 1) * (<u32>1 << <u32>LAT_SUB_BITS) + mant;
  return b < <u32>LAT_BUCKETS ? b : <u32>LAT_BUCKETS - 1;
}

/** Records one end-to-end packet latency (cycles). */
export function recordLatency(c: u64): void {
  statInc(ST_LAT_COUNT);
  statAdd(ST_LAT_SUM, c);
  let mp = base + (<usize>ST_LAT_MAX << 3);
  if (c > load<u64>(mp)) store<u64>(mp, c);
  let p = latBase + (<usize>latBucket(c) << 3);
  store<u64>(p, load<u64>(p) + 1);
}

/** Records one request/response transaction time (cycles) in the second histogram. */
export function recordRrLatency(c: u64): void {
  let p = rrLatBase + (<usize>latBucket(c) << 3);
  store<u64>(p, load<u64>(p) + 1);
}

/** Adds to per-VCPU scheduling counter k of VCPU v. */
// @ts-ignore: decorator
@inline export function vcpuStatAdd(v: u32, k: i32, n: u64): void {
  let p = vsBase + (<usize>(v * <u32>VS_COUNT + <u32>k) << 3);
  store<u64>(p, load<u64>(p) + n);
}

/** Records one wait of VCPU v from runnable to running (cycles): its steal time, its count and
 *  bucket, and the maximum of the waits that ended after `warmup`. */
export function recordVcpuWait(v: u32, c: u64, now: u64, warmup: u64): void {
  let blk = vsBase + (<usize>(v * <u32>VS_COUNT) << 3);
  store<u64>(blk + (<usize>VS_STEAL << 3), load<u64>(blk + (<usize>VS_STEAL << 3)) + c);
  store<u64>(blk + (<usize>VS_WAITS << 3), load<u64>(blk + (<usize>VS_WAITS << 3)) + 1);
  store<u64>(blk + (<usize>VS_WAIT_SUM << 3), load<u64>(blk + (<usize>VS_WAIT_SUM << 3)) + c);
  let mp = blk + (<usize>VS_WAIT_MAX << 3);
  if (now >= warmup && c > load<u64>(mp)) store<u64>(mp, c);
  let b = latBucket(c);
  if (b >= <u32>VS_WAIT_BUCKETS) b = <u32>VS_WAIT_BUCKETS - 1;
  let hp = blk + (<usize>(<u32>VS_HIST + b) << 3);
  store<u64>(hp, load<u64>(hp) + 1);
}

/** A wait of zero: v woke onto its own idle PCPU (the pinned case: no scheduler in the way). */
// @ts-ignore: decorator
@inline export function recordVcpuNoWait(v: u32): void {
  let blk = vsBase + (<usize>(v * <u32>VS_COUNT) << 3);
  store<u64>(blk + (<usize>VS_WAITS << 3), load<u64>(blk + (<usize>VS_WAITS << 3)) + 1);
  let hp = blk + (<usize>VS_HIST << 3);
  store<u64>(hp, load<u64>(hp) + 1);
}
