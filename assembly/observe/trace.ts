// Trace points: fixed-size binary records written at component boundaries into a bounded buffer
// that the host drains between chunks and turns into a Chrome Trace Event file
// (src/trace/writer.ts; the points are listed in docs/tracing.md).
//
// Models: nothing; it is instrumentation, in the manner of ns-3 trace sources and Linux
// tracepoints. The points are compiled in only in the trace build (build/pvnetsim.trace.wasm,
// asc --use PVNETSIM_TRACE=1): in the release build TRACING is a compile-time false, every hook
// below is an empty inlined function and the optimizer removes it, so tracing off costs nothing.
// In the trace build the points write only inside the requested window of simulated time.
//
// Record: 4 u64 words (32 bytes)
//   w0  cycle (job start, or the instant)
//   w1  kind << 56 | a << 32 | b        (kind: TR_*; a: 24 bits; b: 32 bits)
//   w2  job end cycle, counter value, or packet segments
//   w3  detail (packets a job handled, a packet's sample id, ...)
//
//   TR_JOB       a = VCPU, b = job kind << 24 | job argument; w3 = work items (see traceJob)
//   TR_COUNTER   a = counter class (CT_*), b = index; w2 = value
//   TR_DROP      a = drop stage (counter slot), b = packet's sample id (0: not sampled); w2 = segments
//   TR_NOTIFY    a = event port, b = 1 if the port was already pending (merged)
//   TR_NIC_RX    a = NIC port, b = sample id; w2 = wire bytes (a sampled frame reaches the NIC)
//   TR_APP       a = VCPU, b = sample id; w2 = segments (a sampled packet reaches the application)

import { statGet } from "../stats";
import { ST_NB_RX_PKTS, ST_NB_TX_PKTS, CFG_POOL_PACKETS } from "../../src/abi/layout";
import { cfgU32 } from "../config";
import { fifoLen, fifoAt } from "../base/fifo";
import { pkKind, pkWire, pktUnits, KIND_DATA } from "../packet";
import { vJobItems, vOutbox } from "../cpu/vcpu";
import { portKindOf, portIsPending } from "../xen/evtchn";
import { napiWorkOf, napiWhat } from "../kernel/napi";
import { txRingOf, rxRingOf, ringReqCons, ringReqProd, ringRspCons, ringRspProd } from "../xen/ring";
import { netbackVifQueueLen } from "../netback/rx";
import { nPorts, qPerPort, rxRing } from "../hw/nic";
import { nFlows } from "../traffic/tcp/common";
import { tcpCwnd } from "../traffic/tcp/sender";
import { freshArray } from "../base/memory";

// @ts-ignore: compile-time constant set by `asc --use PVNETSIM_TRACE=1` (the trace target)
export const TRACING: bool = isDefined(PVNETSIM_TRACE);

export const TR_JOB: u64 = 1;
export const TR_COUNTER: u64 = 2;
export const TR_DROP: u64 = 3;
export const TR_NOTIFY: u64 = 4;
export const TR_NIC_RX: u64 = 5;
export const TR_APP: u64 = 6;

// Counter classes.
const CT_RX_RING_POSTED: u32 = 1; // RX ring: empty buffers posted by netfront, not yet used by netback
const CT_RX_RING_UNCONSUMED: u32 = 2; // RX ring: filled buffers netfront has not consumed
const CT_TX_RING_PENDING: u32 = 3; // TX ring: requests netback has not consumed
const CT_VIF_QDISC: u32 = 4; // packets in the vif qdisc
const CT_NIC_RX_RING: u32 = 5; // NIC RX descriptors holding frames
const CT_CWND: u32 = 6; // sender congestion window, segments

const WORDS: u32 = 4;
let buf: usize = 0;
let cap: u32 = 0;
let count: u32 = 0;
let lost: u32 = 0;
let winFrom: u64 = u64.MAX_VALUE;
let winTo: u64 = 0;
let sampleEvery: u32 = 0;
let arrivals: u32 = 0;
let nextId: u32 = 1;
let pktId = new StaticArray<u32>(0); // sample id of each packet record (0: not sampled)
let lastNbRx: u64 = 0;
let lastNbTx: u64 = 0;
let guests: u32 = 0;
let lastVal = new StaticArray<u32>(0); // last value written per counter
let offRxPosted: u32 = 0;
let offRxUnc: u32 = 0;
let offTxPend: u32 = 0;
let offQdisc: u32 = 0;
let offNic: u32 = 0;
let offCwnd: u32 = 0;

/**
 * Turns the trace points on for jobs and instants in [from, to) cycles, one flow sample per
 * `every` frames arriving at the NIC (0: none), into a buffer of `capacity` records. Returns the
 * buffer's address, or 0 in a build without trace points.
 */
export function traceInit(nGuests: u32, from: u64, to: u64, every: u32, capacity: u32): usize {
  if (!TRACING || capacity < 1024) return 0;
  guests = nGuests;
  cap = capacity;
  buf = heap.alloc(<usize>capacity * <usize>WORDS << 3);
  winFrom = from;
  winTo = to;
  sampleEvery = every;
  pktId = freshArray<u32>(<i32>cfgU32(CFG_POOL_PACKETS));
  let nq = nPorts * qPerPort;
  offRxPosted = 0;
  offRxUnc = offRxPosted + nGuests;
  offTxPend = offRxUnc + nGuests;
  offQdisc = offTxPend + nGuests;
  offNic = offQdisc + nGuests;
  offCwnd = offNic + nq;
  lastVal = freshArray<u32>(<i32>(offCwnd + nFlows));
  for (let i = 0; i < lastVal.length; i++) unchecked((lastVal[i] = u32.MAX_VALUE));
  lastNbRx = statGet(ST_NB_RX_PKTS);
  lastNbTx = statGet(ST_NB_TX_PKTS);
  return buf;
}

export function traceCount(): u32 {
  return count;
}
export function traceLost(): u32 {
  return lost;
}
export function traceDrained(): void {
  count = 0;
}
/** 1 in the trace build, 0 in builds without trace points. */
export function traceBuild(): u32 {
  return TRACING ? 1 : 0;
}

/** Whether the engine should stop after this event so that the host drains the buffer. */
// @ts-ignore: decorator
@inline export function traceNeedsDrain(): bool {
  return TRACING && count >= (cap >> 1);
}

// @ts-ignore: decorator
@inline function put(w0: u64, kind: u64, a: u32, b: u32, w2: u64, w3: u64): void {
  if (count >= cap) {
    lost++;
    return;
  }
  let p = buf + (<usize>count * <usize>WORDS << 3);
  store<u64>(p, w0);
  store<u64>(p + 8, (kind << 56) | (<u64>(a & 0xffffff) << 32) | <u64>b);
  store<u64>(p + 16, w2);
  store<u64>(p + 24, w3);
  count++;
}

// @ts-ignore: decorator
@inline function inWindow(t: u64): bool {
  return t >= winFrom && t < winTo;
}

function counter(t: u64, cls: u32, idx: u32, slot: u32, value: u32): void {
  if (unchecked(lastVal[slot]) == value) return;
  unchecked((lastVal[slot] = value));
  put(t, TR_COUNTER, cls, idx, <u64>value, 0);
}

/** Writes the counters that changed since they were last written. */
function counters(t: u64): void {
  for (let g: u32 = 0; g < guests; g++) {
    let r = rxRingOf(g);
    let x = txRingOf(g);
    counter(t, CT_RX_RING_POSTED, g, offRxPosted + g, ringReqProd(r) - ringReqCons(r));
    counter(t, CT_RX_RING_UNCONSUMED, g, offRxUnc + g, ringRspProd(r) - ringRspCons(r));
    counter(t, CT_TX_RING_PENDING, g, offTxPend + g, ringReqProd(x) - ringReqCons(x));
    counter(t, CT_VIF_QDISC, g, offQdisc + g, netbackVifQueueLen(g));
  }
  let nq = nPorts * qPerPort;
  for (let q: u32 = 0; q < nq; q++) counter(t, CT_NIC_RX_RING, q, offNic + q, fifoLen(unchecked(rxRing[q])));
  for (let f: u32 = 0; f < nFlows; f++) counter(t, CT_CWND, f, offCwnd + f, tcpCwnd(f));
}

/**
 * Point `vcpu.job`: VCPU v starts a job of `kind` (cpu/vcpu.ts J_*) with argument `arg` at cycle
 * `t`, lasting `cycles`. The job's work was done at its start (where the model charges it), so the
 * packets it handled are known here: netback RX/TX packets, the NAPI poll's work, the ports of an
 * upcall (bit mask of port kinds), the event sends of a notify job.
 */
// @ts-ignore: decorator
@inline export function traceJob(v: u32, kind: u8, arg: u32, t: u64, cycles: u64): void {
  if (TRACING) traceJobPoint(v, kind, arg, t, cycles);
}

function traceJobPoint(v: u32, kind: u8, arg: u32, t: u64, cycles: u64): void {
  let nbRx = statGet(ST_NB_RX_PKTS);
  let nbTx = statGet(ST_NB_TX_PKTS);
  let dRx = nbRx - lastNbRx;
  let dTx = nbTx - lastNbTx;
  lastNbRx = nbRx;
  lastNbTx = nbTx;
  let end = t + cycles;
  if (end <= winFrom || t >= winTo) return;
  // w3: netback RX packets (16 bits) | netback TX packets << 16 | kind-specific work << 32
  let work: u64 = 0;
  if (kind == 5) {
    // J_NAPI: instance kind (NAPI_*) << 28 | its queue, VCPU or guest << 16 | packets polled
    let w = napiWhat(arg);
    work = (<u64>(w >> 24) << 28) | (<u64>(w & 0xfff) << 16) | <u64>(napiWorkOf(arg) & 0xffff);
  }
  else if (kind == 3) {
    // J_UPCALL: one bit per port kind handled, and the number of ports
    let items = unchecked(vJobItems[v]);
    let n = fifoLen(items);
    let mask: u64 = 0;
    for (let i: u32 = 0; i < n; i++) mask |= <u64>1 << <u64>portKindOf(<u32>fifoAt(items, i));
    work = (mask << 16) | <u64>n;
  } else if (kind == 2) work = <u64>fifoLen(unchecked(vOutbox[v])); // J_NOTIFY
  else if (kind == 4) work = <u64>fifoLen(unchecked(vJobItems[v])); // J_TIMER
  put(t, TR_JOB, v, (<u32>kind << 24) | (arg & 0xffffff), end, (dRx & 0xffff) | ((dTx & 0xffff) << 16) | (work << 32));
  counters(t);
}

/** Point `packet.drop`: packet p is dropped at the stage counted by `stage`. */
// @ts-ignore: decorator
@inline export function traceDrop(stage: i32, p: u32, t: u64): void {
  if (TRACING) {
    if (inWindow(t)) {
      put(t, TR_DROP, <u32>stage, unchecked(pktId[p]), <u64>pktUnits(p), 0);
      unchecked((pktId[p] = 0));
    }
  }
}

/** Point `evtchn.send`: an event-channel send to port `port` (merged when already pending). */
// @ts-ignore: decorator
@inline export function traceEvtchnSend(port: u32, t: u64): void {
  if (TRACING) {
    if (inWindow(t)) put(t, TR_NOTIFY, port, portIsPending(port) ? 1 : 0, 0, 0);
  }
}

/** Point `nic.rx`: frame p was DMA'd into NIC RX queue q of `port`; every Nth data frame is sampled. */
// @ts-ignore: decorator
@inline export function traceNicArrival(port: u32, q: u32, p: u32, t: u64): void {
  if (TRACING) traceNicPoint(port, q, p, t);
}

function traceNicPoint(port: u32, q: u32, p: u32, t: u64): void {
  if (buf == 0) return;
  unchecked((pktId[p] = 0));
  if (!inWindow(t)) return;
  counter(t, CT_NIC_RX_RING, q, offNic + q, fifoLen(unchecked(rxRing[q])));
  if (sampleEvery == 0 || pkKind(p) != KIND_DATA) return;
  arrivals++;
  if (arrivals < sampleEvery) return;
  arrivals = 0;
  let id = nextId++;
  unchecked((pktId[p] = id));
  put(t, TR_NIC_RX, port, id, <u64>pkWire(p), <u64>q);
}

/** Point `app.deliver`: packet p's payload reached the application on VCPU v. */
// @ts-ignore: decorator
@inline export function traceAppDelivery(v: u32, p: u32, t: u64): void {
  if (TRACING) {
    if (inWindow(t)) {
      let id = unchecked(pktId[p]);
      if (id != 0) put(t, TR_APP, v, id, <u64>pktUnits(p), 0);
      unchecked((pktId[p] = 0));
    }
  }
}

/**
 * Point `lro.merge`: segment p was merged into aggregate `head`. A sampled segment's flow arrow
 * continues with its aggregate; when the aggregate already carries a sampled segment, the arrow
 * of the later one ends here (an aggregate reaches the application as one).
 */
// @ts-ignore: decorator
@inline export function traceLroMerge(head: u32, p: u32): void {
  if (TRACING) {
    if (buf != 0 && unchecked(pktId[head]) == 0) unchecked((pktId[head] = unchecked(pktId[p])));
  }
}
