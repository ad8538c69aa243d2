// A guest TCP socket's send buffer (see common.ts for the flow model): the write queue that the
// writer thread (writer.ts) fills ahead of the window and ACK processing (sender.ts) empties, its
// size limit sk_sndbuf with Linux's autotuning, the wake-up of a writer asleep on a full buffer,
// and the socket lock the writer holds while it copies, with the backlog of ACKs that arrive
// meanwhile. Calls go writer -> sender -> sndbuf -> common, and writer -> sndbuf.
//
// Models (Linux 2.6.18-3.13, sources.md J10-J12), per stream a guest sends when the guests have
// writer threads (guests.writerPlacement other than none):
//  - the write queue holds the data tcp_sendmsg copied and the peer has not acknowledged:
//    write_seq - snd_una segments; the sender transmits new data only up to write_seq;
//  - its memory sk_wmem_queued counts each segment as one MSS skb's truesize, sndmem = MSS +
//    tcp.skbOverheadBytes (what tcp_fixup_sndbuf and tcp_new_space size the buffer by);
//  - sk_sndbuf starts at tcp_wmem[1] (tcp.wmemDefaultBytes), raised to 3 sndmem when that is
//    more (tcp_fixup_sndbuf), at most tcp_wmem[2] (tcp.wmemMaxBytes);
//  - tcp_sendmsg allocates a new skb only while sk_wmem_queued < sk_sndbuf
//    (sk_stream_memory_free), else it sets SOCK_NOSPACE and sleeps in sk_stream_wait_memory;
//  - an ACK that frees acknowledged skbs (SOCK_QUEUE_SHRUNK) ends, after tcp_push_pending_frames,
//    in tcp_check_space: with SOCK_NOSPACE set, tcp_new_space grows sk_sndbuf to 2 x max(cwnd,
//    reordering + 1) sndmem (not above tcp_wmem[2]) unless the flight fills cwnd, then
//    sk_stream_write_space wakes the writer once a third of the buffer is free (free space at
//    least half of what is queued) and clears SOCK_NOSPACE;
//  - the writer owns the socket (lock_sock) from the start of a copy until release_sock has run
//    the backlog: an ACK the softirq takes meanwhile gets only tcp_v4_rcv's lookup there
//    (costs.stackRxDemuxCycles) and waits on the socket's backlog (sk_add_backlog); the writer
//    processes it (tcp_v4_do_rcv: the rest of costs.stackRxPacketCycles, and what the ACK sends)
//    in its own context before it lets the socket go (writer.ts).
// Left out: the truesize of a GSO skb (one skb overhead for all its segments: Linux's queue holds
// somewhat more GSO data than the per-segment count here allows), global TCP memory pressure
// (tcp_mem), SO_SNDBUF (a fixed buffer), sk_stream_wait_memory's random wait when memory, not
// the buffer, ran out, and the scheduler's wake-up latency (the writer is queued on its VCPU at
// once).

import {
  CFG_TCP_WMEM_DEFAULT, CFG_TCP_WMEM_MAX, CFG_TCP_SKB_OVERHEAD, ST_TCP_WRITER_WAKEUPS, MEM_TCP as MEM_PART,
} from "../../../src/abi/layout";
import { cfgU32 } from "../../config";
import { statInc } from "../../stats";
import { threadQueue } from "../../cpu/vcpu";
import { memArrays, memFifos, freshArray } from "../../base/memory";
import { fifoNew, fifoLen, fifoPush, fifoFull, fifoAt } from "../../base/fifo";
import { pktUnits } from "../../packet";
import { sUna, sNxt, sCwnd, mss, dupThresh, W } from "./common";

/** No writer: the flow's data comes from an external host (or it has no data of its own). */
export const NO_WRITER: u32 = 0xffffffff;

/** write_seq of each flow, segments: the data its writer has copied into the write queue. */
export let sWritten = new StaticArray<u32>(0);
/** sk_sndbuf of each flow, bytes. */
export let sSndbuf = new StaticArray<u32>(0);
/** SOCK_NOSPACE: the writer found the buffer full and sleeps until write space. */
export let sNoSpace = new StaticArray<u8>(0);
/** The writer thread of each flow (NO_WRITER for none) and the VCPU it runs on. */
export let sWriterThread = new StaticArray<u32>(0);
export let sWriterVcpu = new StaticArray<u32>(0);
/** sock_owned_by_user: the writer holds the socket lock (copying, or running the backlog). */
export let sOwned = new StaticArray<u8>(0);
/** The socket backlog of each flow: ACK packets that arrived while the writer owned the socket
 *  (flows without a writer share one empty queue). */
export let sBacklog = new StaticArray<i32>(0);
/** Truesize one queued segment counts for, bytes (MSS + skb overhead). */
export let sndmem: u32 = 0;
let wmemMax: u32 = 0;

/** Sizes the per-flow arrays (after tcpInit: needs mss); writers are attached by writer.ts. */
export function sndbufInit(flows: u32): void {
  sndmem = mss + cfgU32(CFG_TCP_SKB_OVERHEAD);
  wmemMax = cfgU32(CFG_TCP_WMEM_MAX);
  let initial = cfgU32(CFG_TCP_WMEM_DEFAULT);
  // tcp_fixup_sndbuf: at least three MSS skbs, as tcp_wmem[2] allows.
  let three: u32 = sndmem * 3;
  if (initial < three) initial = three < wmemMax ? three : wmemMax;
  let n = <i32>flows;
  sWritten = freshArray<u32>(n);
  sSndbuf = freshArray<u32>(n);
  sNoSpace = freshArray<u8>(n);
  sWriterThread = freshArray<u32>(n);
  sWriterVcpu = freshArray<u32>(n);
  sOwned = freshArray<u8>(n);
  sBacklog = freshArray<i32>(n);
  let none = fifoNew(0);
  for (let f: u32 = 0; f < flows; f++) {
    unchecked((sSndbuf[f] = initial));
    unchecked((sWriterThread[f] = NO_WRITER));
    unchecked((sBacklog[f] = none));
  }
}

/** Gives writer flow f its socket backlog (writer.ts, at init). */
export function sndbufAttachBacklog(f: u32): void {
  unchecked((sBacklog[f] = fifoNew(backlogLimit())));
}

/** ACKs one backlog can hold: at most one per segment of the window, and some. */
function backlogLimit(): u32 {
  return W + 16;
}

/** Tallies the bytes sndbufInit(flows) and the writers' backlogs allocate. */
export function sndbufMemory(flows: u64, writers: u64, windowSegs: u64): void {
  memArrays(MEM_PART, flows, 4, 5);
  memArrays(MEM_PART, flows, 1, 2);
  memFifos(MEM_PART, 0);
  memFifos(MEM_PART, windowSegs + 16, writers);
}

/** sock_owned_by_user for an ACK of flow f reaching tcp_v4_rcv: it goes to the backlog (a full
 *  backlog, which the window bounds, is not expected; the softirq then processes the ACK). */
// @ts-ignore: decorator
@inline export function tcpSocketOwned(f: u32): bool {
  return unchecked(sOwned[f]) != 0 && !fifoFull(unchecked(sBacklog[f]));
}

/** sk_add_backlog: ACK packet p of flow f waits for the socket's owner. */
export function tcpBacklogAdd(f: u32, p: u32): void {
  fifoPush(unchecked(sBacklog[f]), p);
}

/** Packets waiting on socket backlogs (conservation walk). */
export function sndbufHeldUnits(flows: u32): u64 {
  let s: u64 = 0;
  for (let f: u32 = 0; f < flows; f++) {
    let q = unchecked(sBacklog[f]);
    for (let i: u32 = 0; i < fifoLen(q); i++) s += pktUnits(fifoAt(q, i));
  }
  return s;
}

/** Whether flow f's new data comes from a writer thread's write queue. */
// @ts-ignore: decorator
@inline export function hasWriter(f: u32): bool {
  return unchecked(sWriterThread[f]) != NO_WRITER;
}

/** sk_wmem_queued of flow f, bytes: every segment written and not yet acknowledged. */
// @ts-ignore: decorator
@inline export function wmemQueued(f: u32): u64 {
  return <u64>(unchecked(sWritten[f]) - unchecked(sUna[f])) * <u64>sndmem;
}

/** sk_stream_memory_free: tcp_sendmsg may allocate another skb. */
// @ts-ignore: decorator
@inline export function sndbufHasRoom(f: u32): bool {
  return wmemQueued(f) < <u64>unchecked(sSndbuf[f]);
}

/**
 * tcp_check_space after an ACK that freed acknowledged data of flow f: with the writer asleep on a
 * full buffer (SOCK_NOSPACE), tcp_new_space may grow sk_sndbuf, and sk_stream_write_space wakes
 * the writer once a third of the buffer is free.
 */
export function tcpCheckSpace(f: u32): void {
  if (!unchecked(sNoSpace[f])) return;
  // tcp_should_expand_sndbuf: not while the flight fills the congestion window.
  let cwnd = unchecked(sCwnd[f]);
  if (unchecked(sNxt[f]) - unchecked(sUna[f]) < cwnd) {
    let demanded = cwnd > dupThresh + 1 ? cwnd : dupThresh + 1;
    let want = <u64>2 * <u64>demanded * <u64>sndmem;
    if (want > <u64>wmemMax) want = <u64>wmemMax;
    if (want > <u64>unchecked(sSndbuf[f])) unchecked((sSndbuf[f] = <u32>want));
  }
  // sk_stream_write_space: sk_stream_wspace >= sk_stream_min_wspace.
  let queued = wmemQueued(f);
  let buf = <u64>unchecked(sSndbuf[f]);
  if (buf < queued || buf - queued < queued >> 1) return;
  unchecked((sNoSpace[f] = 0));
  statInc(ST_TCP_WRITER_WAKEUPS);
  threadQueue(unchecked(sWriterVcpu[f]), unchecked(sWriterThread[f]));
}
