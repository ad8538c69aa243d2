// The model's counters are 64-bit (BigUint64Array views of its stats region). Reading one with
// Number(a[i]) makes a BigInt first, and a result reads thousands of them (histograms of 512 and
// 1024 buckets per VCPU and per latency), once per process in the command line, where that code
// runs cold: the BigInts were most of the time it took to build a result. These read the two
// 32-bit halves instead and give the same numbers as Number(), bit for bit: hi * 2^32 and lo (or
// their differences) are exact numbers, so their sum is rounded once, from the exact value, as
// Number() rounds it. (On a big-endian host, which Wasm's little-endian memory does not match
// word for word, they use the BigInt.)

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const TWO32 = 2 ** 32;

/** The 32-bit halves of a BigUint64Array's elements (the same memory). */
export const halves = (a: BigUint64Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length * 2);

/** Number(a[i]); `w` is halves(a). */
export function u64At(a: BigUint64Array, w: Uint32Array, i: number): number {
  return LITTLE_ENDIAN ? w[2 * i + 1]! * TWO32 + w[2 * i]! : Number(a[i]!);
}

/** Number(a[i] - b[i]) (negative when b[i] is larger); `aw`, `bw` are their halves. */
export function u64Diff(a: BigUint64Array, aw: Uint32Array, b: BigUint64Array, bw: Uint32Array, i: number): number {
  return LITTLE_ENDIAN ? (aw[2 * i + 1]! - bw[2 * i + 1]!) * TWO32 + (aw[2 * i]! - bw[2 * i]!) : Number(a[i]! - b[i]!);
}

/** Every element as a number (Number(a[i]) each). */
export function u64Numbers(a: BigUint64Array): Float64Array {
  const w = halves(a);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = u64At(a, w, i);
  return out;
}
