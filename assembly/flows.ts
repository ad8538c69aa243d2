// Flows: which guest each traffic flow belongs to and which way it goes, so that any layer can
// tell where a packet is headed from its flow id alone (what a MAC/IP header says in Linux).
//
// Models: a TCP flow id names one connection with at least one end in a guest: from an external
// host, to an external host, from another guest of the host (guest-to-guest, through dom0's
// bridge without the NIC), or to a receiving process in dom0 (through the bridge up dom0's own
// stack: dom0/stack.ts); a UDP source id names an open-loop source toward one guest; a
// request/response session id names a netperf-like session between an external client and a
// guest. TCP fills the flow table (traffic/tcp), UDP and request/response their sources, all at
// init. With clients behind a switch (hw/link.ts), each port's flows are spread over its clients
// in order: the k-th TCP flow of the port's guests (in flow order) belongs to client k % C, UDP
// source i and session i to client i % C of their guest's port.
// Left out: real addresses, ports and the Toeplitz key (the RSS hash is a multiplicative hash).

import { CFG_CLIENTS_PER_PORT } from "../src/abi/layout";
import { cfgU32 } from "./config";
import { pkFlow, pkKind, KIND_ACK, KIND_UDP, KIND_RR_REQ } from "./packet";
import { MEM_OTHER } from "../src/abi/layout";
import { memArrays, freshArray } from "./base/memory";

/** Guest of each TCP flow (its receiver for a guest-to-guest flow). */
export let flowGuest = new StaticArray<u32>(0);
/** 1: received by its guest (from outside or from another guest), 0: guest -> external. */
export let flowRx = new StaticArray<u8>(0);
/** Sending guest of a guest-to-guest flow, or NO_GUEST. */
export const NO_GUEST: u32 = 0xffffffff;
export let flowSender = new StaticArray<u32>(0);
/** Position of flow f among the flows of its guest's port, in flow order (picks its client). */
export let flowPortIndex = new StaticArray<u32>(0);
/** Whether any flow runs between two guests (the bridge then looks at each packet's destination). */
export let anyGuestToGuest: bool = false;
/** 1: a guest-sent flow whose receiver is a process in dom0 (its data ends in dom0's stack). */
export let flowDom0 = new StaticArray<u8>(0);
/** Whether any flow ends in dom0 (the bridge then looks for frames addressed to dom0 itself). */
export let anyToDom0: bool = false;
/** Guest of each UDP source. */
export let udpGuest = new StaticArray<u32>(0);
/** Guest and client of each request/response session. */
export let rrGuest = new StaticArray<u32>(0);
export let rrClient = new StaticArray<u32>(0);

let clients: u32 = 0; // external clients per port (0: one external host per port)

export function flowsInit(tcpFlows: u32, udpSources: u32, rrSessions: u32): void {
  clients = cfgU32(CFG_CLIENTS_PER_PORT);
  flowGuest = freshArray<u32>(<i32>tcpFlows);
  flowRx = freshArray<u8>(<i32>tcpFlows);
  flowSender = freshArray<u32>(<i32>tcpFlows);
  flowPortIndex = freshArray<u32>(<i32>tcpFlows);
  flowDom0 = freshArray<u8>(<i32>tcpFlows);
  for (let f: u32 = 0; f < tcpFlows; f++) unchecked((flowSender[f] = NO_GUEST));
  udpGuest = freshArray<u32>(<i32>udpSources);
  rrGuest = freshArray<u32>(<i32>rrSessions);
  rrClient = freshArray<u32>(<i32>rrSessions);
  anyGuestToGuest = false;
  anyToDom0 = false;
}

/** Tallies the bytes flowsInit(tcpFlows, udpSources, rrSessions) allocates. */
export function flowsMemory(tcpFlows: u64, udpSources: u64, rrSessions: u64): void {
  memArrays(MEM_OTHER, tcpFlows, 4, 3);
  memArrays(MEM_OTHER, tcpFlows, 1, 2);
  memArrays(MEM_OTHER, udpSources, 4);
  memArrays(MEM_OTHER, rrSessions, 4, 2);
}

/** Some flow runs between two guests. */
export function flowsMarkGuestToGuest(): void {
  anyGuestToGuest = true;
}

/** Flow f, sent by its guest, is received by a process in dom0. */
export function flowsMarkToDom0(f: u32): void {
  unchecked((flowDom0[f] = 1));
  anyToDom0 = true;
}

/** Whether TCP flow f is received by its guest (external or guest sender). */
// @ts-ignore: decorator
@inline export function flowDirRx(f: u32): bool {
  return unchecked(flowRx[f]) != 0;
}

/** Guest a packet of flow f is addressed to: the receiver for data, the sender for ACKs; for
 *  flows with an external end, the flow's guest either way. */
// @ts-ignore: decorator
@inline export function flowDestGuest(f: u32, ack: bool): u32 {
  let s = unchecked(flowSender[f]);
  return ack && s != NO_GUEST ? s : unchecked(flowGuest[f]);
}

/** The guest a packet belongs to (destination of RX traffic, source of TX traffic; for a flow
 *  between two guests, the guest it is addressed to). */
export function pktGuest(p: u32): u32 {
  let f = pkFlow(p);
  let k = pkKind(p);
  if (k == KIND_UDP) return unchecked(udpGuest[f]);
  if (k >= KIND_RR_REQ) return unchecked(rrGuest[f]);
  return flowDestGuest(f, k == KIND_ACK);
}

/** Whether packet p travels between two guests of this host (the bridge keeps it in dom0). */
export function pktGuestToGuest(p: u32): bool {
  return pkKind(p) <= KIND_ACK && unchecked(flowSender[pkFlow(p)]) != NO_GUEST;
}

/** Whether packet p belongs to a flow with its receiving end in dom0 (data toward dom0, or
 *  dom0's ACKs toward the sending guest). */
// @ts-ignore: decorator
@inline export function pktDom0Flow(p: u32): bool {
  return pkKind(p) <= KIND_ACK && unchecked(flowDom0[pkFlow(p)]) != 0;
}

/** A flow hash for RSS (Toeplitz stand-in: a multiplicative hash of the flow id). */
export function pktFlowHash(p: u32): u32 {
  let f = pkFlow(p);
  let k = pkKind(p);
  if (k == KIND_UDP) f |= 0x100000;
  else if (k >= KIND_RR_REQ) f |= 0x200000;
  return (f * 0x9e3779b1) >> 16;
}

/** Client (of its port) that is the external end of TCP flow f. */
export function flowClient(f: u32): u32 {
  let c = clients;
  if (c == 0) return 0;
  return unchecked(flowPortIndex[f]) % c;
}

/** Client (of its guest's port) that runs UDP source i. */
export function udpClient(i: u32): u32 {
  let c = clients;
  return c == 0 ? 0 : i % c;
}

/** Client at the external end of packet p. */
export function pktClient(p: u32): u32 {
  let f = pkFlow(p);
  let k = pkKind(p);
  return k == KIND_UDP ? udpClient(f) : k >= KIND_RR_REQ ? unchecked(rrClient[f]) : flowClient(f);
}
