// Ethernet links between each NIC port and the world outside the host, one link per direction,
// and optionally a switch with external clients behind their own access links.
//
// Without clients (the default) each port has one wire to one external host: link 2p carries
// external -> NIC port p, link 2p+1 carries NIC port p -> external. With C clients per port
// ("10 clients on 1 GbE into one 10 GbE port") the far end of port p's wire is an output-queued
// switch: client c of port p has an access link pair, 2P + 2(pC+c) (client -> switch) and
// 2P + 2(pC+c) + 1 (switch -> client). The switch forwards a frame arriving from a client onto
// port p's wire, and a frame arriving from the NIC onto its client's access link; each switch
// egress queue is drop-tail with a configurable byte buffer (the classic shared-memory switch
// of the period, seen from one egress port). Store-and-forward: a frame is forwarded once it
// has fully arrived.
//
// Models, per link: serialization at the link rate of every frame's wire bytes (payload + TCP/IP
// headers + Ethernet header 14 + FCS 4 + preamble/SFD 8 + inter-frame gap 12, padded to the
// 64-byte minimum frame; sources.md J1, J2), FIFO order, a fixed propagation delay per link
// (each port's wire its own, access links one shared value). The transmit schedule is
// work-conserving and known at enqueue: departure = max(now, previous departure) +
// serialization, arrival = departure + propagation. Serialization time in cycles is computed
// exactly with the remainder carried from frame to frame, so long runs keep the exact line
// rate (no rounding drift). One engine event per frame: the arrival of the head frame.
// A switch egress queue holds the bytes not yet serialized, which is exactly the link's
// backlog in this schedule: a frame is dropped when backlog + the frame would exceed the buffer.
//
// Random loss: each port's wire loses each frame with a fixed probability per direction,
// independently (Bernoulli), decided when the frame arrives; the draws come from the run's
// seeded PRNG, on a stream of their own (base/rng.ts), so a run without loss draws nothing and
// keeps its bits. This is the loss process of Mathis et al. 1997 ("random, independent losses").
// Left out: bit errors as a function of frame length, correlated (bursty) loss, PAUSE frames,
// switch buffers shared between egress ports, cut-through forwarding, the external hosts' own
// CPU and NIC limits.

import { eqPush, eqNow } from "../base/eventq";
import { EV_LINK } from "../base/targets";
import { pow2ceil } from "../base/fifo";
import { pkWire, pktDrop } from "../packet";
import { cfgTable } from "../config";
import { CFG_OFF_PORT_DELAY } from "../../src/abi/layout";
import { ST_DROP_LINK_QUEUE, ST_DROP_WIRE_LOSS, ST_DROP_SWITCH_BUFFER } from "../../src/abi/layout";
import { rngLossUniform } from "../base/rng";
import { nicRxArrive } from "./nic";
import { pktClient } from "../flows";
import { externalReceive } from "../traffic/external";
import { MEM_LINKS as MEM_PART } from "../../src/abi/layout";
import { memAdd, memArrays, rawBytes, pow2ceil64, freshArray } from "../base/memory";

// One 64-byte record per link, every field a frame's send or arrival reads on one cache line
// behind one base address (per-field arrays behind a dozen module globals took a global load and
// a cache line each); the frames in flight are in two arrays per link, their arrival cycles and
// their packet ids, as before; a switch egress's buffer, read only by the switch, in its own array:
// @ts-ignore: decorator
@inline const L_SHIFT: usize = 6;
// @ts-ignore: decorator
@inline const L_BUSY: usize = 0; // u64, cycle the link's transmitter is busy until
// @ts-ignore: decorator
@inline const L_REM: usize = 8; // u64, serialization remainder carried to the next frame
// @ts-ignore: decorator
@inline const L_RATE: usize = 16; // u64, bit/s
// @ts-ignore: decorator
@inline const L_PROP: usize = 24; // u64, propagation delay, cycles
// @ts-ignore: decorator
@inline const L_LOSS: usize = 32; // f64, probability a frame is lost on this link
// @ts-ignore: decorator
@inline const L_HEAD: usize = 40; // u32, free-running index of the frame that arrives next
// @ts-ignore: decorator
@inline const L_TAIL: usize = 44; // u32, free-running index of the next frame sent
// @ts-ignore: decorator
@inline const L_MASK: usize = 48; // u32, flight slots - 1
// @ts-ignore: decorator
@inline const L_AT: usize = 52; // u32, address of the link's flight slots' arrival cycles (u64 each)
// @ts-ignore: decorator
@inline const L_PKT: usize = 56; // u32, address of the link's flight slots' packet ids (u32 each)

let links: usize = 0;
let lBufBits = new StaticArray<f64>(0); // switch egress buffer, bits x cycles/s (0: not a switch egress)
let bitsCyclesPerByte: u64 = 0; // 8 * cpuHz
let nPorts: u32 = 0;
let clients: u32 = 0;
export let nLinks: u32 = 0;

/** Address of link l's record. */
// @ts-ignore: decorator
@inline function lrec(l: u32): usize {
  return links + (<usize>l << L_SHIFT);
}

/**
 * Builds the links. Port p's wire runs at `bps` with propagation `portProp(p)` cycles and loses
 * frames with probability lossRx (toward the NIC) or lossTx (from the NIC); with `perPort` > 0
 * clients, each client's access links run at `accessBps` with `accessProp` cycles, and every
 * switch egress (onto a port's wire toward the NIC, onto an access link toward a client) holds
 * at most `switchBufBytes`. Each link holds up to `flightLimit` frames (sized by the host).
 */
export function linksInit(
  ports: u32, cpuHz: u64, bps: u64, flightLimit: u32, lossRx: f64, lossTx: f64,
  perPort: u32, accessBps: u64, accessProp: u64, switchBufBytes: f64,
): void {
  nPorts = ports;
  clients = perPort;
  nLinks = ports * 2 + ports * perPort * 2;
  let cap = pow2ceil(flightLimit);
  // Zero already: the stub runtime never hands out memory twice (base/memory.ts freshArray).
  links = heap.alloc(<usize>nLinks << L_SHIFT);
  let ats = heap.alloc((<usize>nLinks * <usize>cap) << 3);
  let pkts = heap.alloc((<usize>nLinks * <usize>cap) << 2);
  lBufBits = freshArray<f64>(<i32>nLinks);
  for (let l: u32 = 0; l < nLinks; l++) {
    let r = lrec(l);
    store<u32>(r + L_MASK, cap - 1);
    store<u32>(r + L_AT, <u32>(ats + ((<usize>l * <usize>cap) << 3)));
    store<u32>(r + L_PKT, <u32>(pkts + ((<usize>l * <usize>cap) << 2)));
  }
  bitsCyclesPerByte = 8 * cpuHz;
  let bufBits = switchBufBytes * <f64>bitsCyclesPerByte;
  for (let p: u32 = 0; p < ports; p++) {
    let prop = <u64>cfgTable(CFG_OFF_PORT_DELAY, <i32>p);
    for (let d: u32 = 0; d < 2; d++) {
      let r = lrec(2 * p + d);
      store<u64>(r + L_RATE, bps);
      store<u64>(r + L_PROP, prop);
      store<f64>(r + L_LOSS, d == 0 ? lossRx : lossTx);
      // The switch queues in front of port p's wire toward the NIC.
      unchecked((lBufBits[2 * p + d] = perPort > 0 && d == 0 ? bufBits : 0));
    }
  }
  for (let l = ports * 2; l < nLinks; l++) {
    let r = lrec(l);
    store<u64>(r + L_RATE, accessBps);
    store<u64>(r + L_PROP, accessProp);
    // Frames toward a client (odd) leave from a switch egress queue.
    unchecked((lBufBits[l] = (l & 1) == 1 ? bufBits : 0));
  }
}

/** Tallies the bytes linksInit(ports, ..., flightLimit, ..., perPort, ...) allocates. */
export function linksMemory(ports: u64, flightLimit: u64, perPort: u64): void {
  let n = ports * 2 + ports * perPort * 2;
  let cap = pow2ceil64(flightLimit);
  memAdd(MEM_PART, rawBytes(n << <u64>L_SHIFT));
  memAdd(MEM_PART, rawBytes((n * cap) << 3));
  memAdd(MEM_PART, rawBytes((n * cap) << 2));
  memArrays(MEM_PART, n, 8);
}

/** The link an external sender (client `client` of port `port`) transmits on: the port's wire,
 *  or that client's access link. */
// @ts-ignore: decorator
@inline export function senderLink(port: u32, client: u32): u32 {
  return clients == 0 ? port << 1 : (nPorts + port * clients + client) << 1;
}

/** Physical port a guest's traffic uses (the bridge puts guest g behind port g % ports). */
// @ts-ignore: decorator
@inline export function guestPort(g: u32): u32 {
  return g % nPorts;
}

export function outLink(port: u32): u32 {
  return (port << 1) | 1;
}

/** Cycles of transmit backlog on link l (how long a new frame would wait to start). */
function linkBacklog(l: u32): u64 {
  let b = load<u64>(lrec(l) + L_BUSY);
  return b > eqNow ? b - eqNow : 0;
}

/** Frames in flight on link l (serializing or propagating). */
export function linkInFlight(l: u32): u32 {
  let r = lrec(l);
  return load<u32>(r + L_TAIL) - load<u32>(r + L_HEAD);
}

/** Packet id of the i-th frame in flight on link l (conservation walk). */
export function linkFlightAt(l: u32, i: u32): u32 {
  let r = lrec(l);
  let k = (load<u32>(r + L_HEAD) + i) & load<u32>(r + L_MASK);
  return load<u32>(<usize>load<u32>(r + L_PKT) + (<usize>k << 2));
}

/** Queues packet p on link l. Returns its departure cycle (end of serialization), or 0 if the
 *  link queue was full (p is then dropped and counted). */
export function linkSend(l: u32, p: u32): u64 {
  let r = lrec(l);
  let t = load<u32>(r + L_TAIL);
  let h = load<u32>(r + L_HEAD);
  let mask = load<u32>(r + L_MASK);
  if (t - h > mask) {
    // The sender's queue in front of the wire is full: the frame is dropped there.
    pktDrop(ST_DROP_LINK_QUEUE, p);
    return 0;
  }
  let start = load<u64>(r + L_BUSY);
  if (start < eqNow) start = eqNow;
  let rate = load<u64>(r + L_RATE);
  let num = <u64>pkWire(p) * bitsCyclesPerByte + load<u64>(r + L_REM);
  let ser = num / rate;
  store<u64>(r + L_REM, num - ser * rate);
  let depart = start + ser;
  store<u64>(r + L_BUSY, depart);
  let arrive = depart + load<u64>(r + L_PROP);
  let k = <usize>(t & mask);
  store<u32>(<usize>load<u32>(r + L_PKT) + (k << 2), p);
  store<u64>(<usize>load<u32>(r + L_AT) + (k << 3), arrive);
  store<u32>(r + L_TAIL, t + 1);
  if (t == h) eqPush(arrive, EV_LINK | l);
  return depart;
}

/** Engine event: the head frame of link l arrives at the far end. */
export function linkOnArrival(l: u32): void {
  let r = lrec(l);
  let h = load<u32>(r + L_HEAD);
  let mask = load<u32>(r + L_MASK);
  let p = load<u32>(<usize>load<u32>(r + L_PKT) + (<usize>(h & mask) << 2));
  h += 1;
  store<u32>(r + L_HEAD, h);
  if (h != load<u32>(r + L_TAIL)) eqPush(load<u64>(<usize>load<u32>(r + L_AT) + (<usize>(h & mask) << 3)), EV_LINK | l);
  let loss = load<f64>(r + L_LOSS);
  if (loss > 0 && rngLossUniform() < loss) {
    pktDrop(ST_DROP_WIRE_LOSS, p);
    return;
  }
  let wires = nPorts << 1;
  if (l < wires) {
    let port = l >> 1;
    if ((l & 1) == 0) nicRxArrive(port, p);
    else if (clients == 0) externalReceive(port, p);
    else switchForward((wires + ((port * clients + pktClient(p)) << 1)) | 1, p);
  } else {
    let port = ((l - wires) >> 1) / clients;
    if ((l & 1) == 0) switchForward(port << 1, p);
    else externalReceive(port, p);
  }
}

/** The switch puts packet p on egress link l, or drops it when l's buffer cannot take it. */
function switchForward(l: u32, p: u32): void {
  let r = lrec(l);
  let backlogBits = <f64>linkBacklog(l) * <f64>load<u64>(r + L_RATE); // bits x cycles/s queued
  let frameBits = <f64>pkWire(p) * <f64>bitsCyclesPerByte;
  if (backlogBits + frameBits > unchecked(lBufBits[l])) {
    pktDrop(ST_DROP_SWITCH_BUFFER, p);
    return;
  }
  linkSend(l, p);
}
