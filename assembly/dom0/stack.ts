// dom0's own network stack as a TCP receiver, and the process in dom0 that reads what guests send
// it (netserver of `netperf -H dom0`, `iperf -s`): the tcp-to-dom0 traffic kind.
//
// Models (sources.md W10 for where the TCP receive work runs; Linux net/bridge, net/ipv4):
//  - Up: a guest's frame addressed to dom0 itself leaves netback's guest-TX half like any other
//    (net_tx_action -> netif_rx, dom0/bridge.ts); the backlog poll's bridge (br_handle_frame,
//    its per-frame cost already charged there) finds dom0's own address and passes the frame up
//    (br_pass_frame_up -> netif_receive_skb), so IP and TCP receive run in that same softirq, on
//    the dom0 VCPU that ran netback's TX and the backlog. With a reader waiting in recv() and
//    tcp_low_latency = 0 (tcp.lowLatency, the same sysctl as the guests') tcp_v4_rcv does the
//    socket lookup (costs.stackRxDemuxCycles) and puts the skb on the socket's prequeue, waking
//    the reader on the first one; the reader runs tcp_prequeue_process (the rest of
//    costs.stackRxPacketCycles and the per-byte receive cost, and the ACKs) in its own context
//    before it copies; a prequeue above the receive buffer is processed by the softirq at once.
//    With tcp.lowLatency the softirq does all of it. The costs are the guests' stack constants:
//    the same Linux code does the same work in dom0.
//  - The reader: one process per sending guest, on a dom0 VCPU (the k-th guest that sends to
//    dom0 is read on VCPU k % dom0.vcpus); each recv() takes up to app.recvBytes from one of its
//    sockets (round-robin), at costs.appRecvCallCycles plus costs.appCopyPerByteCycles per byte
//    (copy_to_user), and frees the skbs (kfree_skb). Freeing space may send a window update
//    (tcp_cleanup_rbuf). Waking a reader that sleeps on another dom0 VCPU costs the waker
//    costs.kthreadWakeCycles (try_to_wake_up and the reschedule IPI) and the reader's VCPU as
//    much again (the IPI's handler), as for netback's kthreads.
//  - Down: dom0's ACKs (tcp_transmit_skb -> ip_queue_xmit -> dev_queue_xmit on the bridge
//    device -> br_dev_xmit -> the guest's vif) cost costs.stackTxPacketCycles and
//    costs.bridgePacketCycles in the job that sends them, and reach netback's start_xmit when
//    that job ends (netback's guest-RX half then copies them into the guest as any frame).
//  - Pages: with netback's grant-mapped TX (2.6.18-xen, without the copy mode) the skb dom0
//    receives still holds the guest's mapped page, and its pending slot returns to netback only
//    when dom0 frees the skb (after the reader's copy, or when TCP discards a duplicate): a
//    reader that falls behind keeps the guest's TX requests pending, as netback does before it
//    copies lingering pages (lazy copying; the 0.5 s linger timer itself is not modelled). With
//    netback's TX grant copy (netback.txGrantCopy) the slot was released in netback already.
// In netback's NAPI mode (Linux 3.12-3.14) the vif's poll hands dom0 its skbs as the poll ends
// (netif_receive_skb from xenvif_tx_submit): the same work is charged late there, delaying that
// dom0 VCPU's next job by its cycles, and the readers wake and the ACKs leave as that job ends.
// Conservation: prequeued, socket-queued (traffic/tcp), in-recv() and staged ACK packets are held.
//  - netloop (netback.netloop, sources.md W18): with 2.6.18-xen's network-bridge script dom0's
//    address is on veth0, whose peer vif0.0 is a bridge port: the bridge forwards the frame to
//    vif0.0, whose loopback_start_xmit copies every fragment still mapped from the guest into a
//    dom0 page (costs.appCopyPerByteCycles per byte, charged to netback, whose directory holds
//    netloop), releases the guest's page, and netif_rx's the skb on veth0: the backlog's next pass
//    takes it up the stack as above. Without it, dom0's address is on the bridge device (Xen 3.2's
//    scripts, and Herbert Xu's lazy copying that removed netloop) and the frame goes up directly.
// Left out: netloop's alloc_page per fragment and its eth_type_trans (no constant of their own;
// the copy dominates), netloop's skb_orphan and stats, dom0 sending
// bulk TCP to a guest, netfilter/conntrack on the bridge, the socket backlog's separate queue
// (segments arriving while the reader holds the socket lock wait for it the same way), the
// scheduler's placement and migration of the reader processes (each stays on its VCPU), one
// process per connection when a guest opens several streams (its streams share one reader), the
// prequeue's safety delayed-ACK timer, GRO in dom0 (each skb netback builds reaches TCP as it is:
// a GSO skb from a guest with netfront.gso.tx whole).

import {
  CFG_GUESTS, CFG_DOM0_VCPUS, CFG_APP_RECV_BYTES, CFG_TCP_LOW_LATENCY, CFG_TCP_WINDOW_SEGS,
  CFG_OFF_DOM0_STREAMS, CFG_NETLOOP, COMP_STACK, COMP_APP, COMP_BRIDGE, COMP_XEN, COST_STACK_RX_PKT,
  COST_STACK_RX_PER_BYTE, COST_STACK_RX_DEMUX, COST_STACK_TX_PKT, COST_BRIDGE_PKT, COST_APP_RECV_CALL,
  COST_APP_COPY_PER_BYTE, COST_KTHREAD_WAKE, ST_DELIVERED, MEM_OTHER, COMP_NETBACK, ST_DOM0_STACK_SKBS,
  ST_NETLOOP_COPIES,
} from "../../src/abi/layout";
import { cfgU32, cfgTable, cost, costCycles } from "../config";
import { statAdd, statInc } from "../stats";
import { fifoNew, fifoLen, fifoPush, fifoPop, fifoFull, fifoAt, fifoPeek } from "../base/fifo";
import { pkBytes, pkFlow, pkAux, pkSetAux, pktFree, pktUnits, pkSetLooped, PKT_NONE } from "../packet";
import { charge, chargeLate, curV } from "../cpu/account";
import { threadQueue, thrQueued } from "../cpu/vcpu";
import { dom0ReaderId } from "../kernel/threads";
import { flowGuest, pktGuest } from "../flows";
import { guestFlow0, guestFlows, rcvBuf } from "../traffic/tcp/common";
import { tcpReceiverOnData, tcpSocketQueue, tcpSocketConsumed, tcpPrequeueProcess } from "../traffic/tcp/receiver";
import { netbackStartXmit } from "../netback/rx";
import { netbackTxRelease } from "../netback/common";
import { memArrays, memFifos, freshArray } from "../base/memory";

let nGuests: u32 = 0;
let nDom0: u32 = 0;
let enabled: bool = false;
let lowLatency: bool = false;
let recvBytes: u32 = 65536;
/** Per sending guest: its streams to dom0 (its last flows), its reader's dom0 VCPU. */
let streams = new StaticArray<u32>(0);
let readerVcpu = new StaticArray<u32>(0);
let readerRunning = new StaticArray<u8>(0);
let prequeue = new StaticArray<i32>(0); // TCP data skbs waiting for the reader
let prequeueBytes = new StaticArray<u32>(0); // ucopy.memory, in payload bytes
let batch = new StaticArray<i32>(0); // the skbs the recv() in progress copies
let batchFlow = new StaticArray<u32>(0);
let rrPos = new StaticArray<u32>(0); // round-robin position over the guest's dom0 sockets
let wakeWanted = new StaticArray<u8>(0);
/** Per dom0 VCPU: the guests whose reader the job running there gave its first data (it wakes them
 *  when it ends; jobs on other VCPUs run at the same time and wake only their own). */
let wakeLists = new StaticArray<i32>(0);
/** Per dom0 VCPU: ACKs dom0's TCP sent during the running job, and pages freed in it. */
let stagedAcks = new StaticArray<i32>(0);
let stagedFrees = new StaticArray<i32>(0);
/** Work is being done as a job ends (netback's NAPI poll): charged late to the current VCPU. */
let late: bool = false;

/** Charges the work of the job being started, or late while a job ends. */
function chargeWork(comp: i32, cycles: u64): void {
  if (late) chargeLate(curV, comp, cycles);
  else charge(comp, cycles);
}

function readerOf(g: u32): bool {
  return <u32>cfgTable(CFG_OFF_DOM0_STREAMS, <i32>(2 * g)) > 0;
}

/** Skbs a reader's prequeue can hold: its streams have at most a window each in flight. */
function prequeueLimit(g: u32): u32 {
  return cfgU32(CFG_TCP_WINDOW_SEGS) * <u32>cfgTable(CFG_OFF_DOM0_STREAMS, <i32>(2 * g)) + 16;
}

/** ACKs (and freed pages) one dom0 job can produce: every dom0 stream's window, and a poll's worth more. */
function stagedLimit(): u32 {
  let s: u32 = 0;
  for (let g: u32 = 0; g < cfgU32(CFG_GUESTS); g++) s += prequeueLimit(g);
  return s + 64;
}

/** Whether some guest sends TCP to dom0 (the reader threads exist only then). */
export function dom0StackInUse(): bool {
  for (let g: u32 = 0; g < cfgU32(CFG_GUESTS); g++) if (readerOf(g)) return true;
  return false;
}

export function dom0StackInit(): void {
  nGuests = cfgU32(CFG_GUESTS);
  nDom0 = cfgU32(CFG_DOM0_VCPUS);
  enabled = dom0StackInUse();
  lowLatency = cfgU32(CFG_TCP_LOW_LATENCY) == 1;
  recvBytes = cfgU32(CFG_APP_RECV_BYTES);
  if (!enabled) return;
  let n = <i32>nGuests;
  streams = freshArray<u32>(n);
  readerVcpu = freshArray<u32>(n);
  readerRunning = freshArray<u8>(n);
  prequeue = freshArray<i32>(n);
  prequeueBytes = freshArray<u32>(n);
  batch = freshArray<i32>(n);
  batchFlow = freshArray<u32>(n);
  rrPos = freshArray<u32>(n);
  wakeWanted = freshArray<u8>(n);
  let none = fifoNew(0);
  for (let g: u32 = 0; g < nGuests; g++) {
    let r = readerOf(g);
    unchecked((streams[g] = <u32>cfgTable(CFG_OFF_DOM0_STREAMS, <i32>(2 * g))));
    unchecked((readerVcpu[g] = <u32>cfgTable(CFG_OFF_DOM0_STREAMS, <i32>(2 * g + 1))));
    unchecked((prequeue[g] = r ? fifoNew(prequeueLimit(g)) : none));
    unchecked((batch[g] = r ? fifoNew(recvBytes / 64 + 64) : none));
  }
  let lim = stagedLimit();
  stagedAcks = freshArray<i32>(<i32>nDom0);
  stagedFrees = freshArray<i32>(<i32>nDom0);
  wakeLists = freshArray<i32>(<i32>nDom0);
  for (let v: u32 = 0; v < nDom0; v++) {
    unchecked((wakeLists[v] = fifoNew(nGuests)));
    unchecked((stagedAcks[v] = fifoNew(lim)));
    unchecked((stagedFrees[v] = fifoNew(lim)));
  }
}

/** Tallies the bytes dom0StackInit() allocates. */
export function dom0StackMemory(): void {
  if (!dom0StackInUse()) return;
  let n = <u64>cfgU32(CFG_GUESTS);
  let d = <u64>cfgU32(CFG_DOM0_VCPUS);
  memArrays(MEM_OTHER, n, 4, 2);
  memArrays(MEM_OTHER, n, 1);
  memArrays(MEM_OTHER, n, 4, 5);
  memArrays(MEM_OTHER, n, 1);
  memFifos(MEM_OTHER, 0);
  for (let g: u32 = 0; g < <u32>n; g++) {
    if (!readerOf(g)) continue;
    memFifos(MEM_OTHER, <u64>prequeueLimit(g));
    memFifos(MEM_OTHER, <u64>(cfgU32(CFG_APP_RECV_BYTES) / 64 + 64));
  }
  memArrays(MEM_OTHER, d, 4, 3);
  memFifos(MEM_OTHER, <u64>stagedLimit(), d * 2);
  memFifos(MEM_OTHER, n, d);
}

/** FIFOs dom0StackInit() creates, and the bridge's forward (and netloop) queue per dom0 VCPU (the engine sizes
 *  its FIFO table by them). */
export function dom0StackFifos(): u32 {
  if (!dom0StackInUse()) return 0;
  let d = cfgU32(CFG_DOM0_VCPUS);
  return 1 + 2 * cfgU32(CFG_GUESTS) + 4 * d + (cfgU32(CFG_NETLOOP) == 1 ? d : 0); // netloop's queue per VCPU
}

// ---- up: from the bridge to TCP ---------------------------------------------------------------

/** netif_receive_skb on the bridge device of a guest's data skb p addressed to dom0, inside the
 *  backlog poll on dom0 VCPU v (its cost is charged to that poll). */
export function dom0StackRx(v: u32, p: u32): void {
  let f = pkFlow(p);
  let g = unchecked(flowGuest[f]);
  let bytes = pkBytes(p);
  statInc(ST_DOM0_STACK_SKBS);
  if (!lowLatency) {
    // tcp_v4_rcv found the socket and its reader waiting: tcp_prequeue.
    chargeWork(COMP_STACK, costCycles(COST_STACK_RX_DEMUX));
    let q = unchecked(prequeue[g]);
    if (fifoFull(q)) prequeueProcess(g);
    fifoPush(q, p);
    let mem = unchecked(prequeueBytes[g]) + bytes;
    unchecked((prequeueBytes[g] = mem));
    // ucopy.memory above sk_rcvbuf: the softirq processes the whole prequeue itself.
    if (mem > rcvBuf) prequeueProcess(g);
  } else {
    chargeWork(COMP_STACK, <u64>(cost(COST_STACK_RX_PKT) + cost(COST_STACK_RX_PER_BYTE) * <f64>bytes));
    tcpReceiverOnData(f, p);
  }
  if (!unchecked(wakeWanted[g])) {
    unchecked((wakeWanted[g] = 1));
    fifoPush(unchecked(wakeLists[v]), g);
  }
}

/** loopback_start_xmit (netloop, 2.6.18-xen) of a guest's data skb p addressed to dom0, inside the
 *  backlog poll: skb_remove_foreign_references copies every page fragment still mapped from the
 *  guest into a new dom0 page (a memcpy per payload byte: costs.appCopyPerByteCycles, the same work as
 *  copy_to_user; the linear header netback copied is dom0's already) and put_page releases the
 *  guest's page (its pending slot returns to netback when the job ends); the bridge then puts p back
 *  on the backlog (netif_rx on veth0). */
export function dom0Netloop(p: u32): void {
  statInc(ST_NETLOOP_COPIES);
  chargeWork(COMP_NETBACK, <u64>(cost(COST_APP_COPY_PER_BYTE) * <f64>pkBytes(p)));
  dom0SkbFree(p);
  pkSetLooped(p);
}

/** dom0StackRx for an skb netback's NAPI poll hands over as its job ends on v: the work is charged
 *  late. */
export function dom0StackRxLate(v: u32, p: u32): void {
  late = true;
  dom0StackRx(v, p);
  late = false;
}

/** tcp_prequeue_process for the reader of guest g's streams (traffic/tcp/receiver.ts), in the
 *  current job, or late while a job ends. */
function prequeueProcess(g: u32): void {
  tcpPrequeueProcess(unchecked(prequeue[g]), late);
  unchecked((prequeueBytes[g] = 0));
}

/** The end of a job on dom0 VCPU v that gave readers data: wake them (the prequeue's wake_up on
 *  the first skb; sk_data_ready with tcp.lowLatency). */
function dom0WakeReaders(v: u32): void {
  let wl = unchecked(wakeLists[v]);
  while (fifoLen(wl) > 0) {
    let g = fifoPop(wl);
    unchecked((wakeWanted[g] = 0));
    let t = dom0ReaderId(g);
    if (unchecked(thrQueued[t]) || unchecked(readerRunning[g])) continue;
    let rv = unchecked(readerVcpu[g]);
    if (rv != v) {
      // try_to_wake_up of a task on another CPU: its runqueue, the reschedule IPI, the handler.
      let c = costCycles(COST_KTHREAD_WAKE);
      chargeLate(v, COMP_STACK, c);
      chargeLate(rv, COMP_XEN, c);
    }
    threadQueue(rv, t);
  }
}

// ---- the reader ----------------------------------------------------------------------------------

export function dom0ReaderHasWork(g: u32): bool {
  if (fifoLen(unchecked(prequeue[g])) > 0) return true;
  let f0 = unchecked(guestFlow0[g]) + unchecked(guestFlows[g]) - unchecked(streams[g]);
  for (let k: u32 = 0; k < unchecked(streams[g]); k++) if (fifoLen(tcpSocketQueue(f0 + k)) > 0) return true;
  return false;
}

/** One recv() of guest g's reader on dom0 VCPU v: the prequeued TCP work, then one socket's copy. */
export function dom0ReaderStart(v: u32, g: u32): bool {
  let prequeued = fifoLen(unchecked(prequeue[g])) > 0;
  prequeueProcess(g);
  let n = unchecked(streams[g]);
  let f0 = unchecked(guestFlow0[g]) + unchecked(guestFlows[g]) - n;
  let start = unchecked(rrPos[g]);
  let b = unchecked(batch[g]);
  for (let k: u32 = 0; k < n; k++) {
    let s = (start + k) % n;
    let q = tcpSocketQueue(f0 + s);
    if (fifoLen(q) == 0) continue;
    let bytes: u32 = 0;
    while (fifoLen(q) > 0 && (bytes == 0 || bytes + pkBytes(fifoPeek(q)) <= recvBytes) && !fifoFull(b)) {
      let p = fifoPop(q);
      bytes += pkBytes(p);
      fifoPush(b, p);
    }
    unchecked((rrPos[g] = (s + 1) % n));
    unchecked((batchFlow[g] = f0 + s));
    charge(COMP_APP, <u64>(cost(COST_APP_RECV_CALL) + cost(COST_APP_COPY_PER_BYTE) * <f64>bytes));
    tcpSocketConsumed(f0 + s, bytes); // may send a window update
    unchecked((readerRunning[g] = 1));
    return true;
  }
  if (prequeued) unchecked((readerRunning[g] = 1));
  return prequeued;
}

/** The recv() ended: the data is in the process's buffer; the skbs are freed. */
export function dom0ReaderFinish(v: u32, g: u32): void {
  unchecked((readerRunning[g] = 0));
  let b = unchecked(batch[g]);
  while (fifoLen(b) > 0) {
    let p = fifoPop(b);
    statAdd(ST_DELIVERED, pktUnits(p));
    dom0SkbFree(p);
    pktFree(p);
  }
}

// ---- down: ACKs, and the pages freed skbs held ------------------------------------------------------

/** dom0's TCP sends ACK p: through the bridge device to the guest's vif, when the job ends. */
export function dom0AckXmit(p: u32): void {
  chargeWork(COMP_STACK, costCycles(COST_STACK_TX_PKT));
  chargeWork(COMP_BRIDGE, costCycles(COST_BRIDGE_PKT));
  fifoPush(unchecked(stagedAcks[curV]), p);
}

/** kfree_skb in dom0 of an skb that may hold a guest's mapped page: its pending slot is released
 *  (netif_idx_release) when the job ends. */
export function dom0SkbFree(p: u32): void {
  let aux = pkAux(p);
  if (aux == PKT_NONE) return;
  pkSetAux(p, PKT_NONE);
  fifoPush(unchecked(stagedFrees[curV]), aux);
}

/** The end of a job on dom0 VCPU v: the readers it gave data wake, its ACKs reach the vifs
 *  (dev_queue_xmit), its freed pages netback. */
export function dom0FlushStaged(v: u32): void {
  dom0WakeReaders(v);
  let a = unchecked(stagedAcks[v]);
  while (fifoLen(a) > 0) {
    let p = fifoPop(a);
    netbackStartXmit(v, pktGuest(p), p);
  }
  let fr = unchecked(stagedFrees[v]);
  while (fifoLen(fr) > 0) netbackTxRelease(v, fifoPop(fr));
}

/** Packets dom0's stack holds: prequeues, recv() batches, staged ACKs (conservation walk). */
export function dom0StackHeldUnits(): u64 {
  if (!enabled) return 0;
  let s: u64 = 0;
  for (let g: u32 = 0; g < nGuests; g++) {
    let q = unchecked(prequeue[g]);
    for (let i: u32 = 0; i < fifoLen(q); i++) s += pktUnits(fifoAt(q, i));
    let b = unchecked(batch[g]);
    for (let i: u32 = 0; i < fifoLen(b); i++) s += pktUnits(fifoAt(b, i));
  }
  for (let v: u32 = 0; v < nDom0; v++) {
    let a = unchecked(stagedAcks[v]);
    for (let i: u32 = 0; i < fifoLen(a); i++) s += pktUnits(fifoAt(a, i));
  }
  return s;
}
