// Plain-TypeScript twins of the hot-path structures that bench/micro.ts compares with the Wasm
// drivers of assembly/bench/micro.ts. Same structures (typed arrays, free-running u32 indices,
// binary heap on parallel arrays, index free lists), same operation sequences, same checksums:
// each `run(n)` must return what the Wasm driver returns after the same calls.

import { Xorshift, heapSiftDown, heapSiftUp } from "./kernel-ts.js";

/** A FIFO of u32 in a power-of-two window with free-running head/tail (assembly/base/fifo.ts). */
class Fifo {
  private readonly buf: Uint32Array;
  private readonly mask: number;
  private head = 0;
  private tail = 0;
  constructor(limit: number) {
    let size = 1;
    while (size < limit) size <<= 1;
    this.buf = new Uint32Array(size);
    this.mask = size - 1;
  }
  get length(): number {
    return (this.tail - this.head) >>> 0;
  }
  push(v: number): void {
    this.buf[this.tail & this.mask] = v;
    this.tail = (this.tail + 1) >>> 0;
  }
  pop(): number {
    const v = this.buf[this.head & this.mask]!;
    this.head = (this.head + 1) >>> 0;
    return v;
  }
}

// ---- ring (include/xen/interface/io/ring.h, as assembly/xen/ring.ts) ---------------------------
const RING_SIZE = 256;
const RING_BATCH = 8;

export class RingTs {
  private readonly slots = new Uint32Array(RING_SIZE);
  private reqProd = 0;
  private reqEvent = 1;
  private rspProd = 0;
  private rspEvent = 1;
  private reqProdPvt = 0;
  private rspCons = 0;
  private rspProdPvt = 0;
  private reqCons = 0;

  private pushRequests(): boolean {
    const old = this.reqProd;
    const nw = this.reqProdPvt;
    this.reqProd = nw;
    return ((nw - this.reqEvent) >>> 0) < ((nw - old) >>> 0);
  }
  private pushResponses(): boolean {
    const old = this.rspProd;
    const nw = this.rspProdPvt;
    this.rspProd = nw;
    return ((nw - this.rspEvent) >>> 0) < ((nw - old) >>> 0);
  }
  private unconsumedRequests(): number {
    const req = (this.reqProd - this.reqCons) >>> 0;
    const rsp = (RING_SIZE - ((this.reqCons - this.rspProdPvt) >>> 0)) >>> 0;
    return req < rsp ? req : rsp;
  }
  private finalCheckRequests(): boolean {
    if (this.unconsumedRequests() > 0) return true;
    this.reqEvent = (this.reqCons + 1) >>> 0;
    return this.unconsumedRequests() > 0;
  }
  private finalCheckResponses(): boolean {
    if (((this.rspProd - this.rspCons) >>> 0) > 0) return true;
    this.rspEvent = (this.rspCons + 1) >>> 0;
    return ((this.rspProd - this.rspCons) >>> 0) > 0;
  }

  /** Same sequence as mbRing. The counter `i` restarts at 0 on every call, as in Wasm. */
  run(n: number): number {
    let sum = 0;
    let notifies = 0;
    for (let i = 0; i < n; i++) {
      if ((RING_SIZE - ((this.reqProdPvt - this.rspCons) >>> 0)) >>> 0 === 0) break;
      const idx = this.reqProdPvt;
      this.slots[idx & (RING_SIZE - 1)] = i;
      this.reqProdPvt = (idx + 1) >>> 0;
      if (this.pushRequests()) notifies++;
      if ((i & (RING_BATCH - 1)) === RING_BATCH - 1) {
        do {
          while (this.unconsumedRequests() > 0) {
            const c = this.reqCons;
            sum = (sum + this.slots[c & (RING_SIZE - 1)]!) >>> 0;
            this.reqCons = (c + 1) >>> 0;
            this.rspProdPvt = (this.rspProdPvt + 1) >>> 0;
          }
          if (this.pushResponses()) notifies++;
        } while (this.finalCheckRequests());
        do {
          this.rspCons = this.rspProd;
        } while (this.finalCheckResponses());
      }
    }
    return (notifies + sum) >>> 0;
  }
}

// ---- event queue: binary min-heap on (time, seq), hold model ----------------------------------
export class EventQueueTs {
  private readonly time: Float64Array;
  private readonly seqs: Float64Array;
  private readonly target: Uint32Array;
  private size = 0;
  private seq = 0;
  private taken = false;
  now = 0;
  popped = 0;
  private readonly rng = new Xorshift();

  constructor(pending: number) {
    const cap = pending + 16;
    this.time = new Float64Array(cap);
    this.seqs = new Float64Array(cap);
    this.target = new Uint32Array(cap);
    for (let i = 0; i < pending; i++) this.push(this.rng.uni(1000000), i);
  }

  private siftDown(m: number, time: number, seq: number, target: number): void {
    heapSiftDown(this.time, this.seqs, this.target, m, time, seq, target);
  }

  push(time: number, target: number): void {
    const seq = this.seq++;
    if (this.taken) {
      // Replace-top (eventq.ts): the new event takes the popped root's slot.
      this.taken = false;
      this.siftDown(++this.size, time, seq, target);
      return;
    }
    heapSiftUp(this.time, this.seqs, this.target, this.size++, time, seq, target);
  }

  /** Lazy pop, as eventq.ts: the root is read and marked taken; the next push replaces it, the
   *  next pop removes it. */
  pop(): boolean {
    if (this.taken) {
      this.taken = false;
      const m = this.size;
      if (m > 0) this.siftDown(m, this.time[m]!, this.seqs[m]!, this.target[m]!);
    }
    if (this.size === 0) return false;
    this.now = this.time[0]!;
    this.popped = this.target[0]!;
    this.size--;
    this.taken = true;
    return true;
  }

  /** Same sequence as mbEqHold. */
  run(n: number): number {
    let x = 0;
    for (let i = 0; i < n; i++) {
      this.pop();
      const t = this.popped;
      x = (Math.imul(x, 31) ^ t) >>> 0;
      this.push(this.now + 1 + this.rng.uni(1000000), t);
    }
    return (x + this.size) >>> 0;
  }
}

// ---- tasklets (kernel/softirq.c, as assembly/kernel/tasklet.ts) --------------------------------
const TASKLETS = 16;
const TASKLET_CPUS = 2;
const TASKLET_BATCH = 8;

export class TaskletTs {
  private readonly sched = new Uint8Array(TASKLETS);
  private readonly running = new Uint8Array(TASKLETS);
  private readonly runs = new Uint32Array(TASKLETS);
  private readonly lists: Fifo[] = [];
  private readonly rng = new Xorshift();
  constructor() {
    for (let v = 0; v < TASKLET_CPUS; v++) this.lists.push(new Fifo(TASKLETS));
  }
  private schedule(t: number, v: number): void {
    if (this.sched[t]) return;
    this.sched[t] = 1;
    this.lists[v]!.push(t);
  }
  private action(v: number): number {
    const q = this.lists[v]!;
    const m = q.length;
    let ran = 0;
    for (let j = 0; j < m; j++) {
      const t = q.pop();
      if (this.running[t]) {
        q.push(t);
        continue;
      }
      this.sched[t] = 0;
      this.running[t] = 1;
      this.runs[t] = this.runs[t]! + 1;
      ran++;
      this.running[t] = 0;
    }
    return ran;
  }
  /** Same sequence as mbTasklet. */
  run(n: number): number {
    let ran = 0;
    for (let i = 0; i < n; i++) {
      const t = this.rng.next() & (TASKLETS - 1);
      this.schedule(t, t & (TASKLET_CPUS - 1));
      if ((i & (TASKLET_BATCH - 1)) === TASKLET_BATCH - 1) {
        for (let v = 0; v < TASKLET_CPUS; v++) ran += this.action(v);
      }
    }
    return ran >>> 0;
  }
}

// ---- event channels (as assembly/xen/evtchn.ts evtchnSend + vcpu.ts pendingAdd/vcpuKick) -------
const EVT_VCPUS = 2;
const EVT_BATCH = 8;
const EVT_PORTS = 4 + 2 * 12 + EVT_VCPUS;

export class EvtchnTs {
  private readonly pending = new Uint8Array(EVT_PORTS);
  private readonly load = new Uint32Array(EVT_PORTS);
  private readonly vcpu = new Uint32Array(EVT_PORTS);
  private readonly lists: Fifo[] = [];
  private readonly vState = new Uint8Array(EVT_VCPUS);
  /** Counters (sent, merged), as stats.ts keeps them; exact-integer doubles in JS. */
  private readonly stats = new Float64Array(2);
  private wakes = 0;
  private readonly rng = new Xorshift();
  constructor() {
    for (let v = 0; v < EVT_VCPUS; v++) this.lists.push(new Fifo(EVT_PORTS));
    for (let p = 0; p < EVT_PORTS; p++) this.vcpu[p] = p & (EVT_VCPUS - 1);
  }
  private kick(v: number): void {
    if (this.vState[v] !== 0) return;
    this.vState[v] = 1;
    this.wakes++; // the engine would push a VCPU wake-up event here (once: nothing runs it)
  }
  private send(p: number): void {
    this.stats[0] = this.stats[0]! + 1;
    if (this.pending[p]) {
      this.stats[1] = this.stats[1]! + 1;
      return;
    }
    this.pending[p] = 1;
    this.load[p] = this.load[p]! + 1;
    const v = this.vcpu[p]!;
    this.lists[v]!.push(p);
    this.kick(v);
  }
  /** Same sequence as mbEvtchn. */
  run(n: number): number {
    let delivered = 0;
    for (let i = 0; i < n; i++) {
      this.send(this.rng.uni(EVT_PORTS));
      if ((i & (EVT_BATCH - 1)) === EVT_BATCH - 1) {
        for (let v = 0; v < EVT_VCPUS; v++) {
          const q = this.lists[v]!;
          while (q.length > 0) {
            this.pending[q.pop()] = 0;
            delivered++;
          }
        }
      }
    }
    return delivered >>> 0;
  }
}

// ---- LRO (net/ipv4/inet_lro.c, as assembly/net/lro.ts) on a packet pool ------------------------
const PKT_NONE = 0xffffffff;
const LRO_DESC = 8;
const LRO_MAX_AGGR = 64;
const LRO_MAX_LEN = 65535 - 1500;
const LRO_FLOWS = 4;
const LRO_POLL = 64;
const LRO_MSS = 1448;
const POOL = 1024;

export class LroTs {
  // Packet pool: per-field typed arrays with an index free list (the plain TypeScript way; the
  // model's assembly/packet.ts keeps one record per packet).
  private readonly pFlow = new Uint32Array(POOL);
  private readonly pSeq = new Uint32Array(POOL);
  private readonly pSegs = new Uint32Array(POOL);
  private readonly pBytes = new Uint32Array(POOL);
  private readonly pWire = new Uint32Array(POOL);
  private readonly pKind = new Uint8Array(POOL);
  private readonly pNext = new Uint32Array(POOL);
  private freeHead = 0;
  private inUse = 0;
  private allocated = 0;
  // Descriptors.
  private readonly dHead = new Uint32Array(LRO_DESC).fill(PKT_NONE);
  private readonly dNext = new Uint32Array(LRO_DESC);
  private readonly flowSeq = new Uint32Array(LRO_FLOWS);
  private aggregates = 0;
  private segments = 0;
  private readonly rng = new Xorshift();

  constructor() {
    for (let i = 0; i < POOL; i++) this.pNext[i] = i + 1 < POOL ? i + 1 : PKT_NONE;
  }

  private alloc(flow: number, seq: number, bytes: number, wire: number): number {
    const p = this.freeHead;
    if (p === PKT_NONE) throw new Error("LroTs: pool exhausted");
    this.freeHead = this.pNext[p]!;
    this.pNext[p] = PKT_NONE;
    this.pKind[p] = 0;
    this.pFlow[p] = flow;
    this.pSeq[p] = seq;
    this.pSegs[p] = 1;
    this.pBytes[p] = bytes;
    this.pWire[p] = wire;
    this.inUse++;
    this.allocated++;
    return p;
  }
  private free(p: number): void {
    this.pNext[p] = this.freeHead;
    this.freeHead = p;
    this.inUse--;
  }
  private deliver(p: number): void {
    this.aggregates++;
    this.segments += this.pSegs[p]!;
    this.free(p);
  }
  private receive(p: number): void {
    const f = this.pFlow[p]!;
    let free = PKT_NONE;
    for (let d = 0; d < LRO_DESC; d++) {
      const head = this.dHead[d]!;
      if (head === PKT_NONE) {
        if (free === PKT_NONE) free = d;
        continue;
      }
      if (this.pFlow[head] !== f) continue;
      if (this.pSeq[p] !== this.dNext[d]) {
        this.dHead[d] = PKT_NONE;
        this.deliver(head);
        this.deliver(p);
        return;
      }
      this.pSegs[head] = this.pSegs[head]! + this.pSegs[p]!;
      this.pBytes[head] = this.pBytes[head]! + this.pBytes[p]!;
      this.dNext[d] = this.pSeq[p]! + this.pSegs[p]!;
      this.free(p);
      if (this.pSegs[head]! >= LRO_MAX_AGGR || this.pBytes[head]! > LRO_MAX_LEN) {
        this.dHead[d] = PKT_NONE;
        this.deliver(head);
      }
      return;
    }
    if (free === PKT_NONE) {
      this.deliver(p);
      return;
    }
    this.dHead[free] = p;
    this.dNext[free] = this.pSeq[p]! + this.pSegs[p]!;
  }
  private flushAll(): void {
    for (let d = 0; d < LRO_DESC; d++) {
      const head = this.dHead[d]!;
      if (head !== PKT_NONE) {
        this.dHead[d] = PKT_NONE;
        this.deliver(head);
      }
    }
  }
  /** Same sequence as mbLro. */
  run(n: number): number {
    for (let i = 0; i < n; i++) {
      const f = (i >> 3) & (LRO_FLOWS - 1);
      const r = this.rng.next();
      const s = (this.flowSeq[f]! + ((r & 63) === 0 ? 2 : 1)) >>> 0;
      this.flowSeq[f] = s;
      this.receive(this.alloc(f, s, LRO_MSS, LRO_MSS + 90));
      if ((i & (LRO_POLL - 1)) === LRO_POLL - 1) this.flushAll();
    }
    return ((this.aggregates << 16) + this.segments) >>> 0;
  }
}
