// The writer threads of a guest's TCP streams (see common.ts for the flow model, sndbuf.ts for
// the send buffer): each stream a guest sends has an application thread of its own that calls
// write() in a loop with bulk data (iperf -P runs one thread per stream), on a guest VCPU the
// guest's scheduler chose (guests.writerPlacement, spread by default; none gives no writers: common.ts
// then charges the copy where the data is sent). Calls go writer -> sender and writer -> sndbuf.
//
// Models tcp_sendmsg in the writer's context (Linux 2.6.18-3.13, sources.md J10): one turn of a
// writer copies the application's data into the write queue, skb by skb (GSO across the vif: skbs
// of the size goal, as sender.ts cuts them; else one MSS each), allocating a new skb only while
// the send buffer has room (sk_stream_memory_free), at costs.stackTxPerByteCycles a byte (copy
// from user with checksum) charged to the writer's job; then tcp_push sends what the window
// allows from the writer's own context. A turn copies at most 64 KB (one GSO skb); a writer with
// room left takes another turn after the VCPU's other work (jobs are not preempted, so this
// bounds how long a copy holds off the softirq work that would interrupt it in Linux).
// A writer whose buffer is full sets SOCK_NOSPACE and sleeps (sk_stream_wait_memory) until ACK
// processing frees a third of it (sndbuf.ts); for a window-bound stream that processing sends
// the queued data too, so the copy runs on the writer's VCPU and the transmit work where the ACKs
// are processed (netfront's VCPU).
// The writer owns the socket while it copies (lock_sock): ACKs that arrive meanwhile wait on the
// socket's backlog, and release_sock processes them in the writer's context (the rest of their
// receive work, and what they send) before it lets the socket go, at the end of a write or before
// the writer sleeps (sk_wait_event releases the socket first). Softirq work that arrives while the
// writer copies interrupts it in Linux, finds the socket owned and backlogs its ACKs, on the
// writer's own CPU too. Here a turn's copy is one job, and the softirq work runs between turns:
// the socket stays owned from the first turn of a wake-up until the writer sleeps, each turn
// first running the backlog gathered since the last (release_sock at the end of each write()
// call, every 128 KB for iperf's default, is no rarer than that), and the turn that finds the
// buffer full lets it go.
// A guest's streams to external hosts start writing at cycle 0; a stream to another guest at its
// seeded start (rto.ts).
// Placement (guests.writerPlacement): `spread` puts writer j of a guest on its VCPU j mod
// guests.vcpus, as Linux's fork balancing places new threads of a parent on idle CPUs; the
// writers stay there. Left out: migration (the load balancer, wake-up placement toward the waking
// CPU), CFS fairness between a VCPU's threads beyond round-robin turns, the write() system call's
// own entry cost (one call per write of, e.g., iperf's 128 KB: a few thousand cycles), and the
// per-skb allocation in tcp_sendmsg (the per-skb work, costs.stackTxPacketCycles, is charged when
// the skb is sent, as before).

import {
  CFG_GUESTS, CFG_GUEST_VCPUS, CFG_WRITER_PLACEMENT, COMP_STACK, COST_STACK_TX_PER_BYTE, COST_STACK_RX_PKT,
  COST_STACK_RX_DEMUX, ST_TCP_WRITER_SLEEPS, MEM_TCP as MEM_PART,
} from "../../../src/abi/layout";
import { WRITER_PLACEMENT_APP, WRITER_PLACEMENT_IRQ, WRITER_PLACEMENT_NONE } from "../../../src/abi/enums";
import { cfgU32, cost } from "../../config";
import { statInc } from "../../stats";
import { charge } from "../../cpu/account";
import { threadQueue, nDom0Vcpus } from "../../cpu/vcpu";
import { writerThreadId } from "../../kernel/threads";
import { memArrays, freshArray } from "../../base/memory";
import { fifoLen, fifoPop } from "../../base/fifo";
import { flowGuest, flowRx, flowSender, NO_GUEST } from "../../flows";
import { netfrontVcpu } from "../../netfront/netfront";
import { nFlows, mss, sGso } from "./common";
import {
  sWritten, sNoSpace, sWriterThread, sWriterVcpu, sOwned, sBacklog, sndbufHasRoom, sndbufAttachBacklog,
} from "./sndbuf";
import { tcpPush, gsoGoal, tcpSenderOnAck, tcpTsqRelease, tcpTsqDeferred } from "./sender";

/** The flow of each writer (writer k runs thread writerThreadId(k)). */
let wFlow = new StaticArray<u32>(0);
let nWriters: u32 = 0;
/** The most one turn of a writer copies, bytes (GSO_MAX_SIZE: one full GSO skb), and in segments. */
const TURN_BYTES: u32 = 65536;
let turnSegs: u32 = 1;

/** The guest whose application writes flow f's data, or NO_GUEST (an external host sends it). */
export function flowWriterGuest(f: u32): u32 {
  if (!unchecked(flowRx[f])) return unchecked(flowGuest[f]);
  return unchecked(flowSender[f]);
}

/** Gives every guest-sent flow its writer thread, VCPU and socket backlog (after tcpInit and
 *  sndbufInit). */
export function writersInit(writers: u32): void {
  nWriters = writers;
  wFlow = freshArray<u32>(<i32>writers);
  turnSegs = TURN_BYTES / mss > 1 ? TURN_BYTES / mss : 1;
  let guests = cfgU32(CFG_GUESTS);
  let gv = cfgU32(CFG_GUEST_VCPUS);
  let placement = cfgU32(CFG_WRITER_PLACEMENT);
  let perGuest = freshArray<u32>(<i32>guests); // writers given so far, per guest
  if (placement == WRITER_PLACEMENT_NONE) return; // no writers: data is copied where it is sent
  let k: u32 = 0;
  for (let f: u32 = 0; f < nFlows; f++) {
    let g = flowWriterGuest(f);
    if (g == NO_GUEST) continue;
    let j = unchecked(perGuest[g]);
    unchecked((perGuest[g] = j + 1));
    let v = nDom0Vcpus + g * gv + (j % gv);
    if (placement == WRITER_PLACEMENT_APP) v = nDom0Vcpus + g * gv + gv - 1;
    else if (placement == WRITER_PLACEMENT_IRQ) v = netfrontVcpu(g);
    unchecked((wFlow[k] = f));
    unchecked((sWriterThread[f] = writerThreadId(k)));
    unchecked((sWriterVcpu[f] = v));
    sndbufAttachBacklog(f);
    k++;
  }
}

/** Tallies the bytes writersInit(writers) allocates (the backlogs: sndbufMemory). */
export function writersMemory(writers: u64): void {
  memArrays(MEM_PART, writers, 4);
  memArrays(MEM_PART, <u64>cfgU32(CFG_GUESTS), 4);
}

/** The application starts its writers of streams to external hosts (at init). */
export function writersStartAll(): void {
  for (let k: u32 = 0; k < nWriters; k++) {
    let f = unchecked(wFlow[k]);
    if (!unchecked(flowRx[f])) threadQueue(unchecked(sWriterVcpu[f]), unchecked(sWriterThread[f]));
  }
}

/** Flow f's writer starts writing (a stream to another guest, at its seeded start). */
export function writerWake(f: u32): void {
  threadQueue(unchecked(sWriterVcpu[f]), unchecked(sWriterThread[f]));
}

/** One turn of writer k on v: release_sock's backlog first (the ACKs that came during the
 *  previous turn's copy), then tcp_sendmsg copies skbs while the buffer has room, and pushes.
 *  False when there was neither (the writer sleeps). */
export function tcpWriterStart(v: u32, k: u32): bool {
  let f = unchecked(wFlow[k]);
  let ran = backlogRun(f);
  if (!sndbufHasRoom(f)) {
    // sk_stream_wait_memory: the socket is let go (its backlog just ran) and the writer sleeps.
    unchecked((sOwned[f] = 0));
    let sent = tcpTsqRelease(f); // tcp_release_cb: a TSQ send the tasklet deferred to this writer
    writerSleep(f);
    return ran || sent;
  }
  unchecked((sOwned[f] = 1)); // lock_sock: ACKs from now on wait on the backlog
  let written = unchecked(sWritten[f]);
  let from = written;
  let gso = unchecked(sGso[f]) != 0;
  // A new skb only while sk_wmem_queued < sk_sndbuf; it is filled to the size goal. One turn
  // copies at most TURN_BYTES: the softirq work that would interrupt the copy in Linux waits for
  // the turn's end here (jobs are not preempted), so a turn is kept as short as one GSO skb.
  while (sndbufHasRoom(f) && written - from < turnSegs) {
    let skb: u32 = 1;
    if (gso) {
      let goal = gsoGoal(f);
      skb = goal - written % goal;
    }
    written += skb;
    unchecked((sWritten[f] = written));
  }
  charge(COMP_STACK, <u64>(cost(COST_STACK_TX_PER_BYTE) * <f64>(<u64>(written - from) * <u64>mss)));
  tcpPush(f);
  return true;
}

/** __release_sock: the writer processes the ACKs on flow f's backlog (tcp_v4_do_rcv; the softirq
 *  did the socket lookup). Whether there were any. */
function backlogRun(f: u32): bool {
  let q = unchecked(sBacklog[f]);
  let n = fifoLen(q);
  if (n == 0) return false;
  let rest = <u64>(cost(COST_STACK_RX_PKT) - cost(COST_STACK_RX_DEMUX));
  for (let i: u32 = 0; i < n; i++) {
    charge(COMP_STACK, rest);
    tcpSenderOnAck(f, fifoPop(q));
  }
  return true;
}

/** End of writer k's turn. With room left it is still inside tcp_sendmsg and keeps the socket
 *  (its next turn runs the backlog, then copies on); so it does with ACKs on the backlog, which
 *  release_sock must run before the writer may sleep; else it lets the socket go and sleeps. */
export function tcpWriterFinish(k: u32): void {
  let f = unchecked(wFlow[k]);
  // A TSQ send deferred to release_sock keeps the writer for one more turn, which runs it.
  if (fifoLen(unchecked(sBacklog[f])) > 0 || sndbufHasRoom(f) || tcpTsqDeferred(f)) return;
  unchecked((sOwned[f] = 0));
  writerSleep(f);
}

/** Whether writer k has a backlog to run or room to write (it then goes back to its VCPU's
 *  runnable list). */
export function tcpWriterHasWork(k: u32): bool {
  let f = unchecked(wFlow[k]);
  return fifoLen(unchecked(sBacklog[f])) > 0 || sndbufHasRoom(f) || tcpTsqDeferred(f);
}

/** sk_stream_wait_memory: SOCK_NOSPACE set, the writer sleeps until sk_stream_write_space. */
function writerSleep(f: u32): void {
  if (unchecked(sNoSpace[f])) return;
  unchecked((sNoSpace[f] = 1));
  statInc(ST_TCP_WRITER_SLEEPS);
}
