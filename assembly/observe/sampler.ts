// Time-series sampler: copies the counters and a set of queue gauges into a bounded buffer at
// every sample boundary, for the host to drain between chunks (src/run/timeseries.ts).
//
// Models: nothing; it is instrumentation, in the manner of gem5's periodic stats dumps and
// OMNeT++ output vectors. It inserts no event: the engine loop stops at the next boundary B as
// it stops at the end of a chunk (every event with time <= B has run, none after), calls
// samplerTake, and goes on. The simulated event sequence is therefore the same with sampling on
// or off, and with sampling off the loop compares each event's time against the same single
// limit as before (no per-event cost).
//
// Boundaries: start, start + interval, start + 2*interval, ..., and the end of the run (the last
// interval may be shorter). The record taken at `start` is the baseline the host subtracts.
//
// Record layout, u64 words (the host reads it in the same order):
//   [0]                          boundary cycle B
//   [1, 1+ST_COUNT)              global counters (ST_EVENTS includes the chunk's events so far)
//   [.., + guests*GS_COUNT)      per-guest counters
//   [.., + vcpus*COMP_COUNT)     per-VCPU busy cycles by component, charged at job start
//   [.., + vcpus)                per-VCPU cycles of the job in progress that lie after B
//   [.., + 4*guests)             per vif: TX ring unconsumed requests, TX ring unconsumed
//                                responses, RX ring unconsumed requests (posted buffers),
//                                RX ring unconsumed responses (slots)
//   [.., + guests)               per vif: packets in the vif qdisc in front of netback
//   [.., + nicQueues)            per NIC RX queue: descriptors holding a frame
//   [.., + ports)                per NIC port: packets in the TX qdisc
//   [.., + 2*flows)              per TCP flow: sender cwnd, receive window heard (segments)
//   [.., + 2)                    pending events, packets in use

import { ST_COUNT, ST_EVENTS, GS_COUNT, COMP_COUNT } from "../../src/abi/layout";
import { statsPtr } from "../stats";
import { eqSize } from "../base/eventq";
import { fifoLen } from "../base/fifo";
import { pktInUse } from "../packet";
import { nVcpus, vcpuBusyAfter } from "../cpu/vcpu";
import { txRingOf, rxRingOf, ringReqCons, ringReqProd, ringRspCons, ringRspProd } from "../xen/ring";
import { netbackVifQueueLen } from "../netback/rx";
import { nPorts, qPerPort, rxRing, txQdisc } from "../hw/nic";
import { nFlows } from "../traffic/tcp/common";
import { tcpCwnd, tcpRwnd } from "../traffic/tcp/sender";

/** Next boundary to sample at; u64.MAX when sampling is off or done (read by the engine loop). */
export let sampleNext: u64 = u64.MAX_VALUE;
let sampleInterval: u64 = 0;
let sampleEnd: u64 = 0;
let guests: u32 = 0;
let recWords: u32 = 0;
let bufPtr: usize = 0;
let bufCap: u32 = 0;
/** Records in the buffer not yet drained by the host. */
let bufCount: u32 = 0;

/** Words of one record for `nGuests` guests (the other sizes are known to the model). */
function recordWords(nGuests: u32): u32 {
  let nq = nPorts * qPerPort;
  return 1 + <u32>ST_COUNT + nGuests * <u32>GS_COUNT + nVcpus * (<u32>COMP_COUNT + 1) + 5 * nGuests + nq + nPorts + 2 * nFlows + 2;
}

/**
 * Turns sampling on (after simInit): boundaries every `interval` cycles from `start` to `end`,
 * into a buffer of `capacity` records. Returns the buffer's address (0 when arguments are bad).
 */
export function samplerInit(nGuests: u32, interval: u64, start: u64, end: u64, capacity: u32): usize {
  if (interval == 0 || end < start || capacity == 0) return 0;
  guests = nGuests;
  recWords = recordWords(nGuests);
  bufCap = capacity;
  bufCount = 0;
  bufPtr = heap.alloc(<usize>recWords * <usize>capacity << 3);
  sampleInterval = interval;
  sampleEnd = end;
  sampleNext = start;
  return bufPtr;
}

export function samplerRecordWords(): u32 {
  return recWords;
}

export function samplerCount(): u32 {
  return bufCount;
}

/** The host has copied every record out. */
export function samplerDrained(): void {
  bufCount = 0;
}

/**
 * Writes the record for boundary sampleNext and moves to the next boundary. `chunkEvents` are
 * the events the current engine call ran so far (not yet added to ST_EVENTS). Returns false
 * when the buffer is full: the engine stops so that the host drains it, then comes back.
 */
export function samplerTake(chunkEvents: u32): bool {
  if (bufCount >= bufCap) return false;
  let B = sampleNext;
  let p = bufPtr + (<usize>bufCount * <usize>recWords << 3);
  store<u64>(p, B);
  p += 8;
  let counterWords = <u32>ST_COUNT + guests * <u32>GS_COUNT + nVcpus * <u32>COMP_COUNT;
  memory.copy(p, statsPtr(), <usize>counterWords << 3);
  store<u64>(p + (<usize>ST_EVENTS << 3), load<u64>(p + (<usize>ST_EVENTS << 3)) + chunkEvents);
  p += <usize>counterWords << 3;
  for (let v: u32 = 0; v < nVcpus; v++) {
    store<u64>(p, vcpuBusyAfter(v, B));
    p += 8;
  }
  for (let g: u32 = 0; g < guests; g++) {
    let t = txRingOf(g);
    let r = rxRingOf(g);
    store<u64>(p, <u64>(ringReqProd(t) - ringReqCons(t)));
    store<u64>(p + 8, <u64>(ringRspProd(t) - ringRspCons(t)));
    store<u64>(p + 16, <u64>(ringReqProd(r) - ringReqCons(r)));
    store<u64>(p + 24, <u64>(ringRspProd(r) - ringRspCons(r)));
    p += 32;
  }
  for (let g: u32 = 0; g < guests; g++) {
    store<u64>(p, <u64>netbackVifQueueLen(g));
    p += 8;
  }
  let nq = nPorts * qPerPort;
  for (let q: u32 = 0; q < nq; q++) {
    store<u64>(p, <u64>fifoLen(unchecked(rxRing[q])));
    p += 8;
  }
  for (let port: u32 = 0; port < nPorts; port++) {
    store<u64>(p, <u64>fifoLen(unchecked(txQdisc[port])));
    p += 8;
  }
  for (let f: u32 = 0; f < nFlows; f++) {
    store<u64>(p, <u64>tcpCwnd(f));
    store<u64>(p + 8, <u64>tcpRwnd(f));
    p += 16;
  }
  store<u64>(p, <u64>eqSize);
  store<u64>(p + 8, <u64>pktInUse);
  bufCount++;
  if (B >= sampleEnd) sampleNext = u64.MAX_VALUE;
  else {
    let n = B + sampleInterval;
    sampleNext = n < sampleEnd ? n : sampleEnd;
  }
  return true;
}
