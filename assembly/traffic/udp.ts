// Open-loop UDP sources on external hosts: constant-rate or Poisson packet streams toward a
// guest, for queueing checks (M/D/1) and for load that does not back off.
//
// Models: each source emits packets of a fixed payload at a constant gap or exponential gaps
// (mean gap in cycles, fractional gaps accumulated in f64 so long runs keep the exact rate) onto
// the wire of its guest's port. A source whose wire is already backlogged by more than
// `UDP_MAX_BACKLOG_FRAMES` frames drops at the source (its own NIC queue), not counted as
// injected. Left out: UDP sent by guests, IP fragmentation.

import { CFG_UDP_SOURCES, CFG_OFF_UDP, UDP_REC, UDP_GUEST, UDP_MEAN_GAP, UDP_PROCESS, UDP_PAYLOAD, ST_INJECTED, ST_UDP_SENT } from "../../src/abi/layout";
import { UDP_PROCESS_POISSON } from "../../src/abi/enums";
import { cfgU32, cfgTable } from "../config";
import { statInc } from "../stats";
import { eqPush, eqNow } from "../base/eventq";
import { EV_UDP } from "../base/targets";
import { rngExp } from "../base/rng";
import { pktAlloc, PKT_NONE, KIND_UDP } from "../packet";
import { linkSend, senderLink, linkInFlight, guestPort } from "../hw/link";
import { udpGuest, udpClient } from "../flows";
import { MEM_OTHER as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";

const UDP_MAX_BACKLOG_FRAMES: u32 = 1000;
const UDP_IP_HDR: u32 = 28;

let nSrc: u32 = 0;
let uGap = new StaticArray<f64>(0);
let uPoisson = new StaticArray<u8>(0);
let uPayload = new StaticArray<u32>(0);
let uNext = new StaticArray<f64>(0);

export function udpInit(): void {
  nSrc = cfgU32(CFG_UDP_SOURCES);
  let n = <i32>nSrc;
  uGap = freshArray<f64>(n);
  uPoisson = freshArray<u8>(n);
  uPayload = freshArray<u32>(n);
  uNext = freshArray<f64>(n);
  for (let i = 0; i < n; i++) {
    let b = i * UDP_REC;
    unchecked((udpGuest[i] = <u32>cfgTable(CFG_OFF_UDP, b + UDP_GUEST)));
    unchecked((uGap[i] = cfgTable(CFG_OFF_UDP, b + UDP_MEAN_GAP)));
    unchecked((uPoisson[i] = <u8>(<u32>cfgTable(CFG_OFF_UDP, b + UDP_PROCESS) == UDP_PROCESS_POISSON)));
    unchecked((uPayload[i] = <u32>cfgTable(CFG_OFF_UDP, b + UDP_PAYLOAD)));
  }
}

/** Tallies the bytes udpInit() allocates. */
export function udpMemory(): void {
  let n = <u64>cfgU32(CFG_UDP_SOURCES);
  memArrays(MEM_PART, n, 8, 2);
  memArrays(MEM_PART, n, 1);
  memArrays(MEM_PART, n, 4);
}

export function udpStartAll(): void {
  for (let i: u32 = 0; i < nSrc; i++) {
    let t = nextGap(i);
    unchecked((uNext[i] = t));
    eqPush(<u64>t, EV_UDP | i);
  }
}

function nextGap(i: u32): f64 {
  let m = unchecked(uGap[i]);
  return unchecked(uPoisson[i]) ? rngExp(m) : m;
}

/** Engine event: source i emits a packet and schedules the next. */
export function udpOnEvent(i: u32): void {
  let g = unchecked(udpGuest[i]);
  let l = senderLink(guestPort(g), udpClient(i));
  if (linkInFlight(l) < UDP_MAX_BACKLOG_FRAMES) {
    let payload = unchecked(uPayload[i]);
    let frame = payload + UDP_IP_HDR + 18;
    let wire = (frame < 64 ? 64 : frame) + 20;
    let p = pktAlloc(KIND_UDP, i, 0, payload, wire);
    if (p != PKT_NONE) {
      statInc(ST_INJECTED);
      statInc(ST_UDP_SENT);
      linkSend(l, p);
    }
  }
  let t = unchecked(uNext[i]) + nextGap(i);
  unchecked((uNext[i] = t));
  let at = <u64>t;
  eqPush(at > eqNow ? at : eqNow, EV_UDP | i);
}
