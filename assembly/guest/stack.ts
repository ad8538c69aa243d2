// The guest's network stack and application: what a received skb costs above netfront, and the
// application thread that drains the sockets.
//
// Models: per skb handed up by netfront (or LRO), IP+TCP (or UDP) receive at a per-packet plus
// per-byte cost; TCP data goes through the receiver (traffic/tcp/receiver.ts: ordering, delayed ACKs, the
// ACKs it sends back through netfront), TCP ACKs go to the guest's senders, UDP lands in a socket
// buffer (dropped when full). One application thread per guest runs recv() in a loop on the
// guest's last VCPU: each call takes up to `appRecvBytes` from one socket (round-robin) at a
// per-call plus per-byte copy_to_user cost; freeing socket space may make TCP send a window
// update (tcp_cleanup_rbuf). Delivery to the application is where goodput and the end-to-end
// latency (NIC arrival to application) are measured.
// The TCP receive work of a received stream runs where Linux 2.6 runs it (sources.md W10): the
// application is a reader in recv() on each of its TCP sockets, so tcp_v4_rcv, after the
// socket lookup (costs.stackRxDemuxCycles, in the softirq), puts the data skb on the socket's
// prequeue and wakes the reader; the reader's recv() runs tcp_prequeue_process (the rest of
// costs.stackRxPacketCycles, the ACKs it sends, in the application thread's job) before it
// copies. An ACK for a stream whose writer holds the socket (copying) goes, after the lookup, to
// the socket's backlog, which the writer processes (traffic/tcp/writer.ts). A prequeue above the receive buffer (tcp.rcvBufBytes) is processed by the softirq at
// once, as tcp_prequeue does; tcp.lowLatency (tcp_low_latency = 1) turns the prequeue off.
// Left out: socket memory accounting beyond byte counts (the prequeue counts payload bytes for
// truesize), the backlog path's separate queue (while the reader holds the socket lock its
// segments wait for it the same way), the prequeue's safety delayed-ACK timer, the scheduler's
// wake-up latency of the application.

import {
  CFG_GUESTS, CFG_GUEST_VCPUS, CFG_APP_RECV_BYTES, CFG_UDP_RCVBUF, CFG_WARMUP, CFG_CPU_HZ, CFG_LINK_BPS,
  COMP_STACK, COMP_APP,
  COST_STACK_RX_PKT, COST_STACK_RX_PER_BYTE, COST_APP_RECV_CALL, COST_APP_COPY_PER_BYTE,
  COST_STACK_RX_DEMUX, CFG_TCP_LOW_LATENCY, CFG_TCP_WINDOW_SEGS, CFG_OFF_GUEST_STREAMS,
  ST_DROP_GUEST_SOCKET, ST_DELIVERED, ST_GUEST_STACK_RX_BYTES, GS_RX_APP_BYTES, GS_UDP_APP_BYTES,
  GS_RX_APP_EARLY_BYTES, GS_UDP_APP_EARLY_BYTES,
} from "../../src/abi/layout";
import { cfgU32, cfgU64, cfgTable, cost, costCycles } from "../config";
import { statAdd, guestStatAdd, recordLatency } from "../stats";
import { eqNow } from "../base/eventq";
import { fifoNew, fifoLen, fifoPush, fifoPop, fifoFull, fifoAt, fifoPeek } from "../base/fifo";
import { pkKind, pkBytes, pkWire, pkBirth, pkSegs, pkFlow, pktFree, pktDrop, pktUnits, KIND_DATA, KIND_ACK, KIND_RR_REQ } from "../packet";
import { charge } from "../cpu/account";
import { threadQueue, nDom0Vcpus } from "../cpu/vcpu";
import { appThreadId } from "../kernel/threads";
import { guestFlow0, guestFlows, guestRxFlows, rcvBuf } from "../traffic/tcp/common";
import { tcpSenderOnAck, tcpTxFlowStart } from "../traffic/tcp/sender";
import { tcpSocketOwned, tcpBacklogAdd } from "../traffic/tcp/sndbuf";
import { tcpReceiverOnData, tcpSocketQueue, tcpSocketConsumed, tcpPrequeueProcess } from "../traffic/tcp/receiver";
import { rrServerReceive, rrHasWork, rrServe } from "../traffic/rr";
import { traceAppDelivery } from "../observe/trace";
import { MEM_GUEST as MEM_PART } from "../../src/abi/layout";
import { CFG_UDP_SOURCES, CFG_OFF_UDP, UDP_REC, UDP_GUEST } from "../../src/abi/layout";
import { memArrays, memFifos, freshArray } from "../base/memory";
import { pktGuestToGuest } from "../flows";

let nGuests: u32 = 0;
let recvBytes: u32 = 65536;
let udpRcvBuf: u32 = 0;
let warmup: u64 = 0;
/** Cycles one wire byte takes on a port's link (exact; the link carries the rounding remainder). */
let wireCyclesPerByte: f64 = 0;
let appVcpu = new StaticArray<u32>(0);
let udpSock = new StaticArray<i32>(0);
let udpSockBytes = new StaticArray<u32>(0);
let appBatch = new StaticArray<i32>(0);
let appRr = new StaticArray<u32>(0); // round-robin position over the guest's sockets
let appTxPending = new StaticArray<u8>(0); // TX flows not yet started by the application (no writers)
let appBatchKind = new StaticArray<u8>(0); // 0 = TCP flow socket, 1 = UDP socket
let appBatchFlow = new StaticArray<u32>(0);
let lowLatency: bool = false;
let prequeue = new StaticArray<i32>(0); // per guest: TCP data skbs waiting for the reader
let prequeueBytes = new StaticArray<u32>(0); // ucopy.memory, in payload bytes

export function stackInit(): void {
  nGuests = cfgU32(CFG_GUESTS);
  let gv = cfgU32(CFG_GUEST_VCPUS);
  recvBytes = cfgU32(CFG_APP_RECV_BYTES);
  udpRcvBuf = cfgU32(CFG_UDP_RCVBUF);
  warmup = cfgU64(CFG_WARMUP);
  wireCyclesPerByte = (8 * <f64>cfgU64(CFG_CPU_HZ)) / <f64>cfgU64(CFG_LINK_BPS);
  lowLatency = cfgU32(CFG_TCP_LOW_LATENCY) == 1;
  let n = <i32>nGuests;
  appVcpu = freshArray<u32>(n);
  udpSock = freshArray<i32>(n);
  udpSockBytes = freshArray<u32>(n);
  appBatch = freshArray<i32>(n);
  appRr = freshArray<u32>(n);
  appTxPending = freshArray<u8>(n);
  appBatchKind = freshArray<u8>(n);
  appBatchFlow = freshArray<u32>(n);
  prequeue = freshArray<i32>(n);
  prequeueBytes = freshArray<u32>(n);
  // Guests no UDP source sends to share one empty socket that holds nothing.
  let none = fifoNew(0);
  for (let g: u32 = 0; g < nGuests; g++) {
    unchecked((appVcpu[g] = nDom0Vcpus + g * gv + gv - 1));
    // A UDP socket holds at most rcvbuf bytes; 64-byte payloads bound its packet count.
    unchecked((udpSock[g] = guestHasUdp(g) ? fifoNew(udpRcvBuf / 64 + 16) : none));
    unchecked((appBatch[g] = fifoNew(recvBytes / 64 + 64)));
    unchecked((prequeue[g] = fifoNew(prequeueLimit(g))));
  }
}

/** Skbs guest g's prequeue can hold: its received streams have at most a window each in flight. */
function prequeueLimit(g: u32): u32 {
  let rx = <u32>cfgTable(CFG_OFF_GUEST_STREAMS, <i32>(3 * g)) + <u32>cfgTable(CFG_OFF_GUEST_STREAMS, <i32>(3 * g + 2));
  return cfgU32(CFG_TCP_WINDOW_SEGS) * rx + 16;
}

/** Whether a UDP source sends to guest g (by the configuration's table). */
function guestHasUdp(g: u32): bool {
  let n = cfgU32(CFG_UDP_SOURCES);
  for (let i: u32 = 0; i < n; i++) if (<u32>cfgTable(CFG_OFF_UDP, <i32>(i * <u32>UDP_REC + <u32>UDP_GUEST)) == g) return true;
  return false;
}

/** Tallies the bytes stackInit() allocates. */
export function stackMemory(): void {
  let n = <u64>cfgU32(CFG_GUESTS);
  memArrays(MEM_PART, n, 4, 6);
  memArrays(MEM_PART, n, 1, 2);
  let withUdp: u64 = 0;
  for (let g: u32 = 0; g < <u32>n; g++) if (guestHasUdp(g)) withUdp++;
  memFifos(MEM_PART, 0);
  memFifos(MEM_PART, <u64>cfgU32(CFG_UDP_RCVBUF) / 64 + 16, withUdp);
  memFifos(MEM_PART, <u64>cfgU32(CFG_APP_RECV_BYTES) / 64 + 64, n);
  memArrays(MEM_PART, n, 4, 2); // prequeue, prequeueBytes
  for (let g: u32 = 0; g < <u32>n; g++) memFifos(MEM_PART, <u64>prequeueLimit(g));
}

/** Guest g's application has TX flows to start (at init, when its streams have no writer threads). */
export function stackMarkTxStart(g: u32): void {
  unchecked((appTxPending[g] = 1));
  threadQueue(unchecked(appVcpu[g]), appThreadId(g));
}

/** netif_receive_skb of skb p in guest g, inside a softirq job on v. */
export function stackDeliver(v: u32, g: u32, p: u32): void {
  let kind = pkKind(p);
  let bytes = pkBytes(p);
  statAdd(ST_GUEST_STACK_RX_BYTES, bytes);
  if (kind == KIND_DATA && !lowLatency) {
    // tcp_v4_rcv found the socket and its reader: tcp_prequeue.
    charge(COMP_STACK, costCycles(COST_STACK_RX_DEMUX));
    let q = unchecked(prequeue[g]);
    // More skbs than the streams' windows can hold (retransmitted duplicates): process first.
    if (fifoFull(q)) prequeueProcess(g);
    fifoPush(q, p);
    let mem = unchecked(prequeueBytes[g]) + bytes;
    unchecked((prequeueBytes[g] = mem));
    // ucopy.memory above sk_rcvbuf: the softirq processes the whole prequeue itself.
    if (mem > rcvBuf) prequeueProcess(g);
    return;
  }
  if (kind == KIND_ACK && tcpSocketOwned(pkFlow(p))) {
    // The stream's writer holds the socket (copying): tcp_v4_rcv queues the ACK on the socket's
    // backlog after the lookup; the writer's release_sock does the rest (traffic/tcp/writer.ts).
    charge(COMP_STACK, costCycles(COST_STACK_RX_DEMUX));
    tcpBacklogAdd(pkFlow(p), p);
    return;
  }
  charge(COMP_STACK, <u64>(cost(COST_STACK_RX_PKT) + cost(COST_STACK_RX_PER_BYTE) * <f64>bytes));
  if (kind == KIND_DATA) {
    tcpReceiverOnData(pkFlow(p), p);
    return;
  }
  if (kind == KIND_ACK) {
    tcpSenderOnAck(pkFlow(p), p);
    return;
  }
  if (kind == KIND_RR_REQ) {
    rrServerReceive(g, p); // the poll's end wakes the application (appWake)
    return;
  }
  // UDP
  let s = unchecked(udpSock[g]);
  if (unchecked(udpSockBytes[g]) + bytes > udpRcvBuf || fifoFull(s)) {
    pktDrop(ST_DROP_GUEST_SOCKET, p);
    return;
  }
  fifoPush(s, p);
  unchecked((udpSockBytes[g] = unchecked(udpSockBytes[g]) + bytes));
}

/** tcp_prequeue_process for guest g's prequeue (traffic/tcp/receiver.ts), in the current job. */
function prequeueProcess(g: u32): void {
  tcpPrequeueProcess(unchecked(prequeue[g]), false);
  unchecked((prequeueBytes[g] = 0));
}

/** Wakes guest g's application if any of its sockets has data. */
export function appWake(g: u32): void {
  if (appHasWork(g)) threadQueue(unchecked(appVcpu[g]), appThreadId(g));
}

/** Bytes of TCP flow f that guest g's recv() in progress holds: taken off the socket when the
 *  call started, counted as delivered when it ends. */
export function appRecvInProgressBytes(g: u32, f: u32): u32 {
  if (unchecked(appBatchKind[g]) != 0 || unchecked(appBatchFlow[g]) != f) return 0;
  let batch = unchecked(appBatch[g]);
  let bytes: u32 = 0;
  for (let i: u32 = 0; i < fifoLen(batch); i++) bytes += pkBytes(fifoAt(batch, i));
  return bytes;
}

export function appHasWork(g: u32): bool {
  if (unchecked(appTxPending[g])) return true;
  if (fifoLen(unchecked(prequeue[g])) > 0) return true;
  if (rrHasWork(g)) return true;
  if (fifoLen(unchecked(udpSock[g])) > 0) return true;
  let f0 = unchecked(guestFlow0[g]);
  let rxPerGuest = unchecked(guestRxFlows[g]);
  for (let k: u32 = 0; k < rxPerGuest; k++) if (fifoLen(tcpSocketQueue(f0 + k)) > 0) return true;
  return false;
}

/** One recv() call of guest g's application on v. */
export function appStart(v: u32, g: u32): bool {
  if (unchecked(appTxPending[g])) {
    // The application's first write()s (no writer threads): the TCP senders fill their windows.
    unchecked((appTxPending[g] = 0));
    charge(COMP_APP, costCycles(COST_APP_RECV_CALL));
    let f0 = unchecked(guestFlow0[g]);
    for (let k = unchecked(guestRxFlows[g]); k < unchecked(guestFlows[g]); k++) tcpTxFlowStart(f0 + k);
    return true;
  }
  // The reader's recv() first runs the TCP receive work the softirq prequeued for it; what that
  // puts in order on the sockets is copied by this same call.
  let prequeued = fifoLen(unchecked(prequeue[g])) > 0;
  prequeueProcess(g);
  // A request/response server answers its complete requests first (netperf's server loop:
  // recv() the request, send() the response).
  if (rrHasWork(g)) {
    rrServe(g);
    return true;
  }
  // Round-robin over the guest's sockets: its RX flows, then its UDP socket.
  let rxPerGuest = unchecked(guestRxFlows[g]);
  let nSock = rxPerGuest + 1;
  let f0 = unchecked(guestFlow0[g]);
  let start = unchecked(appRr[g]);
  let batch = unchecked(appBatch[g]);
  for (let k: u32 = 0; k < nSock; k++) {
    let s = (start + k) % nSock;
    let q = s < rxPerGuest ? tcpSocketQueue(f0 + s) : unchecked(udpSock[g]);
    if (fifoLen(q) == 0) continue;
    let bytes: u32 = 0;
    while (fifoLen(q) > 0 && (bytes == 0 || bytes + pkBytes(fifoPeek(q)) <= recvBytes) && !fifoFull(batch)) {
      let p = fifoPop(q);
      bytes += pkBytes(p);
      fifoPush(batch, p);
    }
    unchecked((appRr[g] = (s + 1) % nSock));
    unchecked((appBatchKind[g] = s < rxPerGuest ? 0 : 1));
    unchecked((appBatchFlow[g] = f0 + s));
    charge(COMP_APP, <u64>(cost(COST_APP_RECV_CALL) + cost(COST_APP_COPY_PER_BYTE) * <f64>bytes));
    if (s < rxPerGuest) tcpSocketConsumed(f0 + s, bytes); // may charge a window-update ACK
    else unchecked((udpSockBytes[g] = unchecked(udpSockBytes[g]) - bytes));
    return true;
  }
  return prequeued;
}

/** End of the recv() call: the data is in the application's buffer. */
export function appFinish(v: u32, g: u32): void {
  let batch = unchecked(appBatch[g]);
  let n = fifoLen(batch);
  if (n == 0) return;
  let tcp = unchecked(appBatchKind[g]) == 0;
  // Goodput counts the data that entered the network after the warm-up: the bytes that entered
  // earlier and drained from queues in the measured interval are counted apart, or a short
  // interval could beat the line rate. A frame entered when its first bit reached the dom0 NIC:
  // its arrival less its serialization time, and less one cycle for the link's schedule, which
  // is in whole cycles (the remainder carried from frame to frame). A guest-to-guest packet
  // crosses no wire: it entered when its sender made it. Latency is NIC arrival to application,
  // so only frames from the wire have one.
  let bytes: u64 = 0;
  let early: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let p = fifoPop(batch);
    traceAppDelivery(v, p, eqNow);
    statAdd(ST_DELIVERED, pktUnits(p));
    let birth = pkBirth(p);
    let local = tcp && pktGuestToGuest(p);
    let entered = local ? <f64>birth : <f64>birth - <f64>pkWire(p) * wireCyclesPerByte - 1;
    bytes += <u64>pkBytes(p);
    if (entered < <f64>warmup) early += <u64>pkBytes(p);
    if (!local && birth >= warmup) {
      let segs = pkKind(p) == KIND_DATA ? pkSegs(p) : 1;
      for (let s: u32 = 0; s < segs; s++) recordLatency(eqNow - birth);
    }
    pktFree(p);
  }
  guestStatAdd(g, tcp ? GS_RX_APP_BYTES : GS_UDP_APP_BYTES, bytes);
  guestStatAdd(g, tcp ? GS_RX_APP_EARLY_BYTES : GS_UDP_APP_EARLY_BYTES, early);
}

/** Packets waiting in UDP sockets and in recv() calls in progress (conservation walk). */
export function stackHeldUnits(): u64 {
  let s: u64 = 0;
  for (let g: u32 = 0; g < nGuests; g++) {
    let q = unchecked(udpSock[g]);
    for (let i: u32 = 0; i < fifoLen(q); i++) s += pktUnits(fifoAt(q, i));
    let b = unchecked(appBatch[g]);
    for (let i: u32 = 0; i < fifoLen(b); i++) s += pktUnits(fifoAt(b, i));
    let pq = unchecked(prequeue[g]);
    for (let i: u32 = 0; i < fifoLen(pq); i++) s += pktUnits(fifoAt(pq, i));
  }
  return s;
}
