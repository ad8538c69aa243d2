// xorshift128 (Marsaglia), the generator of docs/bench-kernel.md, shared by the kernel
// benchmark (kernel.ts) and the microbenchmark drivers (micro.ts). One state per module instance;
// each benchmark reseeds before it runs, so their sequences do not depend on each other.

let rx: u32 = 123456789;
let ry: u32 = 362436069;
let rz: u32 = 521288629;
let rw: u32 = 88675123;

/** Resets the state to bench-kernel.md's seed. */
export function xsSeed(): void {
  rx = 123456789;
  ry = 362436069;
  rz = 521288629;
  rw = 88675123;
}

/** The next 32-bit draw. */
// @ts-ignore: decorator
@inline export function xsNext(): u32 {
  let t = rx ^ (rx << 11);
  rx = ry;
  ry = rz;
  rz = rw;
  rw = rw ^ (rw >> 19) ^ (t ^ (t >> 8));
  return rw;
}

/** uni(n) = (u64(r) * n) >> 32 for a fresh draw r: uniform in [0, n). */
// @ts-ignore: decorator
@inline export function xsUni(n: u32): u32 {
  return <u32>((<u64>xsNext() * <u64>n) >> 32);
}
