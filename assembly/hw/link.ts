// Ethernet links between each NIC port and the external host(s) behind it: one link per
// direction. Link 2p carries external -> NIC port p, link 2p+1 carries NIC port p -> external.
//
// Models: serialization at the link rate of every frame's wire bytes (payload + TCP/IP headers
// + Ethernet header 14 + FCS 4 + preamble/SFD 8 + inter-frame gap 12, padded to the 64-byte
// minimum frame; calibration J1, J2), FIFO order, a fixed propagation delay. The transmit
// schedule is work-conserving and known at enqueue: departure = max(now, previous departure) +
// serialization, arrival = departure + propagation. Serialization time in cycles is computed
// exactly with the remainder carried from frame to frame, so long runs keep the exact line
// rate (no rounding drift). One engine event per frame: the arrival of the head frame.
// Left out: bit errors, PAUSE frames, the external hosts' own CPU and NIC limits.

import { eqPush, eqNow } from "../sim/eventq";
import { EV_LINK } from "../sim/targets";
import { pow2ceil } from "../sim/fifo";
import { pWire, pktDrop } from "../packet";
import { ST_DROP_LINK_QUEUE } from "../../src/abi/layout";
import { nicRxArrive } from "./nic";
import { externalReceive } from "../traffic/external";

let lBusyUntil = new StaticArray<u64>(0);
let lRem = new StaticArray<u64>(0);
let lHead = new StaticArray<u32>(0);
let lTail = new StaticArray<u32>(0);
let lMask = new StaticArray<u32>(0);
let lBase = new StaticArray<u32>(0);
let flightPkt = new StaticArray<u32>(0);
let flightAt = new StaticArray<u64>(0);
let bitsCyclesPerByte: u64 = 0; // 8 * cpuHz
let rateBps: u64 = 1;
let propCycles: u64 = 0;
let nLinks: u32 = 0;

/** Frames each link can hold in flight (sized by the host from windows and rates). */
export function linksInit(ports: u32, cpuHz: u64, bps: u64, prop: u64, flightLimit: u32): void {
  nLinks = ports * 2;
  let n = <i32>nLinks;
  let cap = pow2ceil(flightLimit);
  lBusyUntil = new StaticArray<u64>(n);
  lRem = new StaticArray<u64>(n);
  lHead = new StaticArray<u32>(n);
  lTail = new StaticArray<u32>(n);
  lMask = new StaticArray<u32>(n);
  lBase = new StaticArray<u32>(n);
  flightPkt = new StaticArray<u32>(n * <i32>cap);
  flightAt = new StaticArray<u64>(n * <i32>cap);
  for (let i = 0; i < n; i++) {
    unchecked((lMask[i] = cap - 1));
    unchecked((lBase[i] = <u32>i * cap));
  }
  bitsCyclesPerByte = 8 * cpuHz;
  rateBps = bps;
  propCycles = prop;
}

export function inLink(port: u32): u32 {
  return port << 1;
}
export function outLink(port: u32): u32 {
  return (port << 1) | 1;
}

/** Cycles of transmit backlog on link l (how long a new frame would wait to start). */
export function linkBacklog(l: u32): u64 {
  let b = unchecked(lBusyUntil[l]);
  return b > eqNow ? b - eqNow : 0;
}

/** Frames in flight on link l (serializing or propagating). */
export function linkInFlight(l: u32): u32 {
  return unchecked(lTail[l]) - unchecked(lHead[l]);
}

/** Packet id of the i-th frame in flight on link l (conservation walk). */
export function linkFlightAt(l: u32, i: u32): u32 {
  return unchecked(flightPkt[unchecked(lBase[l]) + ((unchecked(lHead[l]) + i) & unchecked(lMask[l]))]);
}

/** Queues packet p on link l. Returns its departure cycle (end of serialization), or 0 if the
 *  link queue was full (p is then dropped and counted). */
export function linkSend(l: u32, p: u32): u64 {
  let t = unchecked(lTail[l]);
  let h = unchecked(lHead[l]);
  let mask = unchecked(lMask[l]);
  if (t - h > mask) {
    // The sender's queue in front of the wire is full: the frame is dropped there.
    pktDrop(ST_DROP_LINK_QUEUE, p);
    return 0;
  }
  let start = unchecked(lBusyUntil[l]);
  if (start < eqNow) start = eqNow;
  let num = <u64>unchecked(pWire[p]) * bitsCyclesPerByte + unchecked(lRem[l]);
  let ser = num / rateBps;
  unchecked((lRem[l] = num - ser * rateBps));
  let depart = start + ser;
  unchecked((lBusyUntil[l] = depart));
  let arrive = depart + propCycles;
  let slot = unchecked(lBase[l]) + (t & mask);
  unchecked((flightPkt[slot] = p));
  unchecked((flightAt[slot] = arrive));
  unchecked((lTail[l] = t + 1));
  if (t == h) eqPush(arrive, EV_LINK | l);
  return depart;
}

/** Engine event: the head frame of link l arrives at the far end. */
export function linkOnArrival(l: u32): void {
  let h = unchecked(lHead[l]);
  let mask = unchecked(lMask[l]);
  let slot = unchecked(lBase[l]) + (h & mask);
  let p = unchecked(flightPkt[slot]);
  h += 1;
  unchecked((lHead[l] = h));
  if (h != unchecked(lTail[l])) eqPush(unchecked(flightAt[unchecked(lBase[l]) + (h & mask)]), EV_LINK | l);
  let port = l >> 1;
  if ((l & 1) == 0) nicRxArrive(port, p);
  else externalReceive(port, p);
}
