// Packets: a fixed pool of packet records, structure-of-arrays, with an index free list
// (netfront's tx_link / TX_LINK_NONE style). A packet id is what every queue holds.
//
// Models: an skb as far as the model needs it: which flow, which sequence number, how many
// payload bytes and TCP segments it carries (more than one after LRO), when it reached the NIC
// (for latency). Left out: the bytes themselves, headers, checksums, page fragments.
// The pool is sized by the host from the configuration so that it cannot run out in a correct
// model; running out stops the run with STOP_ERR_POOL rather than corrupting state.

import { ST_PKTS_ALLOCATED } from "../src/abi/layout";
import { statInc, statAdd } from "./stats";
import { eqNow } from "./base/eventq";
import { traceDrop } from "./observe/trace";
import { MEM_PACKETS } from "../src/abi/layout";
import { memArrays, freshArray } from "./base/memory";

export const PKT_NONE: u32 = 0xffffffff;

export const KIND_DATA: u8 = 0; // TCP data segment(s)
export const KIND_ACK: u8 = 1; // pure TCP ACK
export const KIND_UDP: u8 = 2;
export const KIND_RR_REQ: u8 = 3; // request/response: a request frame (traffic/rr.ts)
export const KIND_RR_RSP: u8 = 4; // ... a response frame

export let pFlow = new StaticArray<u32>(0); // TCP flow id, or UDP source id
export let pSeq = new StaticArray<u32>(0); // first segment number (DATA) or cumulative ACK (ACK)
export let pSegs = new StaticArray<u32>(0); // segments carried (DATA; >1 after LRO)
export let pWin = new StaticArray<u32>(0); // advertised window in segments (ACK)
export let pBytes = new StaticArray<u32>(0); // payload bytes
export let pWire = new StaticArray<u32>(0); // bytes on the wire incl. Ethernet overhead
export let pKind = new StaticArray<u8>(0);
export let pBirth = new StaticArray<u64>(0); // cycle of arrival at the dom0 NIC (RX), else of creation
export let pAux = new StaticArray<u32>(0); // netback pending index while owned by netback TX
export let pSackLo = new StaticArray<u32>(0); // ACK: SACK block [lo, hi) in segments (hi == lo: none)
export let pSackHi = new StaticArray<u32>(0);
let pNext = new StaticArray<u32>(0);

let freeHead: u32 = PKT_NONE;
export let pktInUse: u32 = 0;
export let pktExhausted: bool = false;

export function pktInit(n: u32): void {
  pFlow = freshArray<u32>(n);
  pSeq = freshArray<u32>(n);
  pSegs = freshArray<u32>(n);
  pWin = freshArray<u32>(n);
  pBytes = freshArray<u32>(n);
  pWire = freshArray<u32>(n);
  pKind = freshArray<u8>(n);
  pBirth = freshArray<u64>(n);
  pAux = freshArray<u32>(n);
  pSackLo = freshArray<u32>(n);
  pSackHi = freshArray<u32>(n);
  pNext = freshArray<u32>(n);
  for (let i: u32 = 0; i < n; i++) unchecked((pNext[i] = i + 1 < n ? i + 1 : PKT_NONE));
  freeHead = n > 0 ? 0 : PKT_NONE;
  pktInUse = 0;
  pktExhausted = false;
}

/** Tallies the bytes pktInit(n) allocates. */
export function pktMemory(n: u64): void {
  memArrays(MEM_PACKETS, n, 4, 10);
  memArrays(MEM_PACKETS, n, 1);
  memArrays(MEM_PACKETS, n, 8);
}

/** Takes a packet record from the pool; PKT_NONE (and pktExhausted) if the pool is empty. */
export function pktAlloc(kind: u8, flow: u32, seq: u32, bytes: u32, wire: u32): u32 {
  let p = freeHead;
  if (p == PKT_NONE) {
    pktExhausted = true;
    return PKT_NONE;
  }
  freeHead = unchecked(pNext[p]);
  unchecked((pNext[p] = PKT_NONE));
  unchecked((pKind[p] = kind));
  unchecked((pFlow[p] = flow));
  unchecked((pSeq[p] = seq));
  unchecked((pSegs[p] = kind == KIND_DATA ? 1 : 0));
  unchecked((pWin[p] = 0));
  unchecked((pBytes[p] = bytes));
  unchecked((pWire[p] = wire));
  unchecked((pBirth[p] = eqNow));
  unchecked((pAux[p] = PKT_NONE));
  unchecked((pSackLo[p] = 0));
  unchecked((pSackHi[p] = 0));
  pktInUse++;
  statInc(ST_PKTS_ALLOCATED);
  return p;
}

/** Returns a packet record to the pool. */
export function pktFree(p: u32): void {
  unchecked((pNext[p] = freeHead));
  freeHead = p;
  pktInUse--;
}

/** Segments this packet accounts for in conservation (ACKs and UDP count as 1). */
// @ts-ignore: decorator
@inline export function pktUnits(p: u32): u32 {
  return unchecked(pKind[p]) == KIND_DATA ? unchecked(pSegs[p]) : 1;
}

/** Drops packet p at the stage whose counter is `stage` (counts its segments) and frees it. */
export function pktDrop(stage: i32, p: u32): void {
  traceDrop(stage, p, eqNow);
  statAdd(stage, <u64>pktUnits(p));
  pktFree(p);
}
