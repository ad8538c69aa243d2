// Kernel benchmark (docs/bench-kernel.md) in plain TypeScript: the "plain JavaScript, typed
// arrays" row of that table, kept here as the reference the Wasm kernel is compared with.
//
// Same model and same binary heap as assembly/base/eventq.ts (lazy pop included), written the way a careful JS
// programmer would: times as exact-integer doubles (picoseconds stay below 2^53 in these
// configurations; in plain JS f64 beats BigInt and u64 emulation, toolchain.md), the heap as
// parallel typed arrays, xorshift128 on 32-bit words with `>>> 0`. The two 64-bit checksums are
// kept as (high, low) pairs of doubles so that they are exact modulo 2^64.

const STATIONS = 4;
const STATION_CAP = 32;
const TWO32 = 4294967296;

export interface KernelResult {
  events: number;
  csum: bigint;
  latsum: bigint;
  completed: number;
  drops: number;
}

/** One kernel instance for S sources; run(n) can be called in chunks like the Wasm one. */
export class KernelTs {
  private readonly S: number;
  private readonly hTime: Float64Array;
  private readonly hSeq: Float64Array;
  private readonly hTarget: Uint32Array;
  private size = 0;
  private seq = 0;
  private taken = false;
  private readonly rng = new Xorshift();
  private readonly birth: Float64Array;
  private readonly head: Uint32Array;
  private readonly cnt: Uint32Array;
  private csumHi = 0;
  private csumLo = 0;
  private latHi = 0;
  private latLo = 0;
  private completed = 0;
  private drops = 0;
  private events = 0;

  constructor(S: number) {
    this.S = S;
    const cap = S * 5 + 16;
    this.hTime = new Float64Array(cap);
    this.hSeq = new Float64Array(cap);
    this.hTarget = new Uint32Array(cap);
    this.birth = new Float64Array(S * STATIONS * STATION_CAP);
    this.head = new Uint32Array(S * STATIONS);
    this.cnt = new Uint32Array(S * STATIONS);
    for (let s = 0; s < S; s++) this.push(this.uni(2000000), s << 3);
  }

  /** (u64(r) * n) >> 32: r * n < 2^53 for every n used here, so the double product is exact. */
  private uni(n: number): number {
    return this.rng.uni(n);
  }

  private siftDown(m: number, time: number, seq: number, target: number): void {
    heapSiftDown(this.hTime, this.hSeq, this.hTarget, m, time, seq, target);
  }

  /** Lazy pop, as eventq.ts: the popped root stays until a push replaces it or a pop removes it. */
  private removeTaken(): void {
    this.taken = false;
    const m = this.size;
    if (m > 0) this.siftDown(m, this.hTime[m]!, this.hSeq[m]!, this.hTarget[m]!);
  }

  private push(time: number, target: number): void {
    const seq = this.seq++;
    if (this.taken) {
      this.taken = false;
      this.siftDown(++this.size, time, seq, target);
      return;
    }
    heapSiftUp(this.hTime, this.hSeq, this.hTarget, this.size++, time, seq, target);
  }

  private enqueue(s: number, st: number, birth: number, t: number): void {
    const q = s * STATIONS + st;
    const c = this.cnt[q]!;
    if (c === STATION_CAP) {
      this.drops++;
      return;
    }
    this.birth[q * STATION_CAP + ((this.head[q]! + c) & (STATION_CAP - 1))] = birth;
    this.cnt[q] = c + 1;
    if (c === 0) this.push(t + (1 + this.uni(12000)) * 1000, (s << 3) | (st + 1));
  }

  /** Runs exactly n events (pops). */
  run(n: number): number {
    let i = 0;
    for (; i < n; i++) {
      // Pop the minimum (t, seq, target).
      if (this.taken) this.removeTaken();
      if (this.size === 0) break;
      const t = this.hTime[0]!;
      const target = this.hTarget[0]!;
      this.size--;
      this.taken = true;
      const s = target >>> 3;
      const k = target & 7;
      if (k === 0) {
        const size = 64 + this.uni(1455);
        const gap = (size + 20) * 8000 + this.uni(2000000);
        this.push(t + gap, s << 3);
        this.enqueue(s, 0, t, t);
      } else {
        const st = k - 1;
        const q = s * STATIONS + st;
        const h = this.head[q]!;
        const birth = this.birth[q * STATION_CAP + (h & (STATION_CAP - 1))]!;
        this.head[q] = h + 1;
        const c = this.cnt[q]! - 1;
        this.cnt[q] = c;
        if (st < STATIONS - 1) {
          this.enqueue(s, st + 1, birth, t);
        } else {
          this.completed++;
          // csum += t, latsum += t - birth, exactly: carry the low parts into the high parts
          // before they could pass 2^53.
          let lo = this.csumLo + t;
          if (lo >= TWO32) {
            const carry = Math.floor(lo / TWO32);
            this.csumHi += carry;
            lo -= carry * TWO32;
          }
          this.csumLo = lo;
          let ll = this.latLo + (t - birth);
          if (ll >= TWO32) {
            const carry = Math.floor(ll / TWO32);
            this.latHi += carry;
            ll -= carry * TWO32;
          }
          this.latLo = ll;
        }
        if (c > 0) this.push(t + (1 + this.uni(12000)) * 1000, target);
      }
    }
    this.events += i;
    return i;
  }

  result(): KernelResult {
    const mask = (1n << 64n) - 1n;
    const join = (hi: number, lo: number): bigint => ((BigInt(hi) << 32n) + BigInt(lo)) & mask;
    return {
      events: this.events,
      csum: join(this.csumHi, this.csumLo),
      latsum: join(this.latHi, this.latLo),
      completed: this.completed,
      drops: this.drops,
    };
  }

  /** Number of sources this instance was built for. */
  get sources(): number {
    return this.S;
  }
}

/** Places (time, seq, target) at the free root of a heap of m entries and sifts it down; the
 *  smaller child is picked by adding the comparison result to the index, as eventq.ts does. */
export function heapSiftDown(
  hT: Float64Array,
  hS: Float64Array,
  hG: Uint32Array,
  m: number,
  time: number,
  seq: number,
  target: number,
): void {
  let j = 0;
  for (;;) {
    let c = 2 * j + 1;
    if (c >= m) break;
    if (c + 1 < m) {
      const ct = hT[c]!;
      const rt = hT[c + 1]!;
      c += +(rt < ct || (rt === ct && hS[c + 1]! < hS[c]!));
    }
    const ct = hT[c]!;
    const cs = hS[c]!;
    if (ct > time || (ct === time && cs > seq)) break;
    hT[j] = ct;
    hS[j] = cs;
    hG[j] = hG[c]!;
    j = c;
  }
  hT[j] = time;
  hS[j] = seq;
  hG[j] = target;
}

/** Places (time, seq, target) at free slot i of the heap and sifts it up (push). */
export function heapSiftUp(
  hT: Float64Array,
  hS: Float64Array,
  hG: Uint32Array,
  i: number,
  time: number,
  seq: number,
  target: number,
): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pt = hT[p]!;
    if (time > pt || (time === pt && seq > hS[p]!)) break;
    hT[i] = pt;
    hS[i] = hS[p]!;
    hG[i] = hG[p]!;
    i = p;
  }
  hT[i] = time;
  hS[i] = seq;
  hG[i] = target;
}

/** xorshift128, as in bench-kernel.md. */
export class Xorshift {
  private x = 123456789;
  private y = 362436069;
  private z = 521288629;
  private w = 88675123;
  next(): number {
    const x = this.x;
    const t = (x ^ (x << 11)) >>> 0;
    this.x = this.y;
    this.y = this.z;
    this.z = this.w;
    const w = this.w;
    this.w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return this.w;
  }
  /** (u64(r) * n) >> 32: r * n < 2^53 for every n used here, so the double product is exact. */
  uni(n: number): number {
    return Math.floor((this.next() * n) / TWO32);
  }
}
