// Packets: a fixed pool of packet records, one 48-byte record per packet (all of a packet's fields
// together, so one packet touches one or two cache lines instead of one line per field), with an
// index free list (netfront's tx_link / TX_LINK_NONE style). A packet id is what every queue holds.
//
// Models: an skb as far as the model needs it: which flow, which sequence number, how many
// payload bytes and TCP segments it carries (more than one after LRO), when it reached the NIC
// (for latency). Left out: the bytes themselves, headers, checksums, page fragments.
// The pool is sized by the host from the configuration so that it cannot run out in a correct
// model; running out stops the run with STOP_ERR_POOL rather than corrupting state.
//
// Record layout (raw linear memory, allocated once in pktInit; the fields the packet path reads
// most come first):
//
//   +0  kind    u8   (KIND_*)
//   +1  looped  u8   1: a frame to dom0 that crossed netloop and came back through netif_rx (2 bytes padding)
//   +4  flow    u32  TCP flow id, or UDP source id; the next free record while free
//   +8  seq     u32  first segment number (DATA) or cumulative ACK (ACK)
//   +12 segs    u32  segments carried (DATA; >1 after LRO)
//   +16 bytes   u32  payload bytes
//   +20 wire    u32  bytes on the wire incl. Ethernet overhead
//   +24 birth   u64  cycle of arrival at the dom0 NIC (RX), else of creation
//   +32 win     u32  advertised window in segments (ACK)
//   +36 aux     u32  netback pending index while owned by netback TX
//   +40 sackLo  u32  ACK: SACK block [lo, hi) in segments (hi == lo: none)
//   +44 sackHi  u32
//
// Records never handed out yet are not on the free list: they are taken in order from `fresh`,
// which gives the same ids as a list initialised 0, 1, ..., n-1 and leaves untouched memory
// untouched (a large pool costs pages only as far as packets are alive at once).

import { ST_PKTS_ALLOCATED, MEM_PACKETS } from "../src/abi/layout";
import { statInc, statAdd } from "./stats";
import { eqNow } from "./base/eventq";
import { traceDrop } from "./observe/trace";
import { memAdd, rawBytes } from "./base/memory";
import { faultRaise } from "./base/fault";

export const PKT_NONE: u32 = 0xffffffff;

export const KIND_DATA: u8 = 0; // TCP data segment(s)
export const KIND_ACK: u8 = 1; // pure TCP ACK
export const KIND_UDP: u8 = 2;
export const KIND_RR_REQ: u8 = 3; // request/response: a request frame (traffic/rr.ts)
export const KIND_RR_RSP: u8 = 4; // ... a response frame

/** Bytes of one packet record. */
export const PKT_RECORD_BYTES: u32 = 48;

let pool: usize = 0;
let capacity: u32 = 0;
let fresh: u32 = 0;
let freeHead: u32 = PKT_NONE;
export let pktInUse: u32 = 0;
export let pktExhausted: bool = false;

// @ts-ignore: decorator
@inline function rec(p: u32): usize {
  return pool + <usize>p * <usize>PKT_RECORD_BYTES;
}

/** Address of packet p's record, for code that reads several fields of one packet in a row: each
 *  pkX(p) reads the pool's base (a module global, which V8 reloads after every store to memory). */
// @ts-ignore: decorator
@inline export function pktRec(p: u32): usize { return rec(p); }
// Field access through a record address r = pktRec(p), for the fields such code needs.
// @ts-ignore: decorator
@inline export function pkrFlow(r: usize): u32 { return load<u32>(r, 4); }
// @ts-ignore: decorator
@inline export function pkrSeq(r: usize): u32 { return load<u32>(r, 8); }
// @ts-ignore: decorator
@inline export function pkrSegs(r: usize): u32 { return load<u32>(r, 12); }
// @ts-ignore: decorator
@inline export function pkrBytes(r: usize): u32 { return load<u32>(r, 16); }
// @ts-ignore: decorator
@inline export function pkrSetSegs(r: usize, v: u32): void { store<u32>(r, v, 12); }
// @ts-ignore: decorator
@inline export function pkrSetBytes(r: usize, v: u32): void { store<u32>(r, v, 16); }

// Field access (p is a packet id). Getters pkX(p), setters pkSetX(p, v); the fields that have a
// record-address twin above are that twin at rec(p), so each offset is written once.
// @ts-ignore: decorator
@inline export function pkKind(p: u32): u8 { return load<u8>(rec(p), 0); }
// @ts-ignore: decorator
@inline export function pkFlow(p: u32): u32 { return pkrFlow(rec(p)); }
// @ts-ignore: decorator
@inline export function pkSeq(p: u32): u32 { return pkrSeq(rec(p)); }
// @ts-ignore: decorator
@inline export function pkSegs(p: u32): u32 { return pkrSegs(rec(p)); }
// @ts-ignore: decorator
@inline export function pkBytes(p: u32): u32 { return pkrBytes(rec(p)); }
// @ts-ignore: decorator
@inline export function pkWire(p: u32): u32 { return load<u32>(rec(p), 20); }
// @ts-ignore: decorator
@inline export function pkBirth(p: u32): u64 { return load<u64>(rec(p), 24); }
// @ts-ignore: decorator
@inline export function pkWin(p: u32): u32 { return load<u32>(rec(p), 32); }
// @ts-ignore: decorator
@inline export function pkAux(p: u32): u32 { return load<u32>(rec(p), 36); }
// @ts-ignore: decorator
@inline export function pkSackLo(p: u32): u32 { return load<u32>(rec(p), 40); }
// @ts-ignore: decorator
@inline export function pkSackHi(p: u32): u32 { return load<u32>(rec(p), 44); }
// @ts-ignore: decorator
@inline export function pkSetKind(p: u32, v: u8): void { store<u8>(rec(p), v, 0); }
// @ts-ignore: decorator
@inline export function pkLooped(p: u32): bool { return load<u8>(rec(p), 1) != 0; }
// @ts-ignore: decorator
@inline export function pkSetLooped(p: u32): void { store<u8>(rec(p), 1, 1); }
// @ts-ignore: decorator
@inline export function pkSetFlow(p: u32, v: u32): void { store<u32>(rec(p), v, 4); }
// @ts-ignore: decorator
@inline export function pkSetSeq(p: u32, v: u32): void { store<u32>(rec(p), v, 8); }
// @ts-ignore: decorator
@inline export function pkSetSegs(p: u32, v: u32): void { pkrSetSegs(rec(p), v); }
// @ts-ignore: decorator
@inline export function pkSetBytes(p: u32, v: u32): void { pkrSetBytes(rec(p), v); }
// @ts-ignore: decorator
@inline export function pkSetWire(p: u32, v: u32): void { store<u32>(rec(p), v, 20); }
// @ts-ignore: decorator
@inline export function pkSetBirth(p: u32, v: u64): void { store<u64>(rec(p), v, 24); }
// @ts-ignore: decorator
@inline export function pkSetWin(p: u32, v: u32): void { store<u32>(rec(p), v, 32); }
// @ts-ignore: decorator
@inline export function pkSetAux(p: u32, v: u32): void { store<u32>(rec(p), v, 36); }
// @ts-ignore: decorator
@inline export function pkSetSackLo(p: u32, v: u32): void { store<u32>(rec(p), v, 40); }
// @ts-ignore: decorator
@inline export function pkSetSackHi(p: u32, v: u32): void { store<u32>(rec(p), v, 44); }

export function pktInit(n: u32): void {
  pool = heap.alloc(<usize>n * <usize>PKT_RECORD_BYTES);
  capacity = n;
  fresh = 0;
  freeHead = PKT_NONE;
  pktInUse = 0;
  pktExhausted = false;
}

/** Tallies the bytes pktInit(n) allocates. */
export function pktMemory(n: u64): void {
  memAdd(MEM_PACKETS, rawBytes(n * <u64>PKT_RECORD_BYTES));
}

/** Takes a packet record from the pool; PKT_NONE (and pktExhausted) if the pool is empty.
 *  Inlined: a Wasm call costs a frame and V8's stack check, as much as the allocation itself. */
// @ts-ignore: decorator
@inline export function pktAlloc(kind: u8, flow: u32, seq: u32, bytes: u32, wire: u32): u32 {
  let p = freeHead;
  if (p != PKT_NONE) {
    freeHead = pkFlow(p);
  } else if (fresh < capacity) {
    p = fresh++;
  } else {
    pktExhausted = true;
    faultRaise();
    return PKT_NONE;
  }
  let r = rec(p);
  store<u32>(r, <u32>kind, 0);
  store<u32>(r, flow, 4);
  store<u32>(r, seq, 8);
  store<u32>(r, kind == KIND_DATA ? 1 : 0, 12);
  store<u32>(r, bytes, 16);
  store<u32>(r, wire, 20);
  store<u64>(r, eqNow, 24); // creation; NIC arrival overwrites it
  store<u32>(r, 0, 32);
  store<u32>(r, PKT_NONE, 36);
  store<u64>(r, 0, 40); // sackLo, sackHi
  pktInUse++;
  statInc(ST_PKTS_ALLOCATED);
  return p;
}

/** Returns a packet record to the pool. */
export function pktFree(p: u32): void {
  pkSetFlow(p, freeHead);
  freeHead = p;
  pktInUse--;
}

/** Segments this packet accounts for in conservation (ACKs and UDP count as 1). */
// @ts-ignore: decorator
@inline export function pktUnits(p: u32): u32 {
  return pkKind(p) == KIND_DATA ? pkSegs(p) : 1;
}

/** Drops packet p at the stage whose counter is `stage` (counts its segments) and frees it. */
export function pktDrop(stage: i32, p: u32): void {
  traceDrop(stage, p, eqNow);
  statAdd(stage, <u64>pktUnits(p));
  pktFree(p);
}
