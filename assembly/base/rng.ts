// Pseudo-random numbers for the model: xoshiro128** seeded through splitmix32 from the
// config seed. Deterministic by construction (no host entropy, no Math.random), and the
// transcendental functions used below are AssemblyScript's own Wasm code (a musl port), not
// the host's, so the same seed gives the same bits in Node, browsers and workers.

let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

function splitmix32(x: u32): u32 {
  x += 0x9e3779b9;
  let z = x;
  z = (z ^ (z >> 16)) * 0x85ebca6b;
  z = (z ^ (z >> 13)) * 0xc2b2ae35;
  return z ^ (z >> 16);
}

export function rngSeed(seed: u32): void {
  s0 = splitmix32(seed);
  s1 = splitmix32(seed + 0x632be5ab);
  s2 = splitmix32(seed + 0x85157af5);
  s3 = splitmix32(seed + 0x1b873593);
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
}

/** Next 32 random bits. */
function rngNext(): u32 {
  let result = rotl<u32>(s1 * 5, 7) * 9;
  let t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** Uniform double in [0, 1) with 53 random bits. */
export function rngUniform(): f64 {
  let hi = <u64>(rngNext() >> 5); // 27 bits
  let lo = <u64>(rngNext() >> 6); // 26 bits
  return <f64>((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

/** Exponentially distributed value with the given mean. */
export function rngExp(mean: f64): f64 {
  return -Math.log(1.0 - rngUniform()) * mean;
}

// A second, independent stream for wire loss. Loss draws come from their own state so that a
// run without loss draws exactly the numbers it always drew, and a run with loss keeps every
// other random choice (start times, UDP gaps) unchanged: only the lost frames differ.
let l0: u32 = 0;
let l1: u32 = 0;
let l2: u32 = 0;
let l3: u32 = 0;

export function rngLossSeed(seed: u32): void {
  l0 = splitmix32(seed ^ 0x5bd1e995);
  l1 = splitmix32(seed + 0x27d4eb2f);
  l2 = splitmix32(seed + 0x165667b1);
  l3 = splitmix32(seed + 0xd3a2646c);
  if ((l0 | l1 | l2 | l3) == 0) l0 = 1;
}

/** Uniform double in [0, 1) from the wire-loss stream (xoshiro128**, 53 bits). */
export function rngLossUniform(): f64 {
  let hi = <u64>(lossNext() >> 5);
  let lo = <u64>(lossNext() >> 6);
  return <f64>((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

function lossNext(): u32 {
  let result = rotl<u32>(l1 * 5, 7) * 9;
  let t = l1 << 9;
  l2 ^= l0;
  l3 ^= l1;
  l1 ^= l2;
  l0 ^= l3;
  l2 ^= t;
  l3 = rotl<u32>(l3, 11);
  return result;
}
