// The external hosts behind each NIC port: where guest-bound traffic starts and guest-sent
// traffic ends. They have no CPU model; what reaches them is consumed at once.
// With clients behind a switch (hw/link.ts), each port's flows are spread over its clients in
// order: the k-th TCP flow of the port's guests (guests p, p+P, ... each with its streams in
// order) belongs to client k % C, UDP source i to client i % C of its guest's port.

import { KIND_ACK, KIND_DATA, KIND_UDP, pKind, pFlow, pktFree, pktUnits } from "../packet";
import { KIND_RR_REQ, KIND_RR_RSP, rrGuest, rrClient, rrClientReceive } from "./rr";
import { statAdd } from "../stats";
import { ST_DELIVERED } from "../../src/abi/layout";
import { CFG_CLIENTS_PER_PORT } from "../../src/abi/layout";
import { cfgU32 } from "../config";
import { flowPortIndex, flowSender, flowDestGuest, NO_GUEST, tcpSenderOnAck, tcpReceiverOnData } from "./tcp";
import { udpGuest } from "./udp";

/** A frame leaves port `port`'s wire at the external host. */
export function externalReceive(port: u32, p: u32): void {
  let k = unchecked(pKind[p]);
  if (k == KIND_ACK) tcpSenderOnAck(unchecked(pFlow[p]), p);
  else if (k == KIND_DATA) tcpReceiverOnData(unchecked(pFlow[p]), p);
  else if (k == KIND_RR_RSP) rrClientReceive(unchecked(pFlow[p]), p);
  else {
    statAdd(ST_DELIVERED, pktUnits(p));
    pktFree(p);
  }
}

/** The guest a packet belongs to (destination of RX traffic, source of TX traffic; for a flow
 *  between two guests, the guest it is addressed to). */
export function pktGuest(p: u32): u32 {
  let f = unchecked(pFlow[p]);
  let k = unchecked(pKind[p]);
  if (k == KIND_UDP) return udpGuest(f);
  if (k >= KIND_RR_REQ) return rrGuest(f);
  return flowDestGuest(f, k == KIND_ACK);
}

/** Whether packet p travels between two guests of this host (the bridge keeps it in dom0). */
export function pktGuestToGuest(p: u32): bool {
  return unchecked(pKind[p]) <= KIND_ACK && unchecked(flowSender[unchecked(pFlow[p])]) != NO_GUEST;
}

/** A flow hash for RSS (Toeplitz stand-in: a multiplicative hash of the flow id). */
export function pktFlowHash(p: u32): u32 {
  let f = unchecked(pFlow[p]);
  let k = unchecked(pKind[p]);
  if (k == KIND_UDP) f |= 0x100000;
  else if (k >= KIND_RR_REQ) f |= 0x200000;
  return (f * 0x9e3779b1) >> 16;
}

/** Client (of its port) that is the external end of TCP flow f. */
export function flowClient(f: u32): u32 {
  let c = cfgU32(CFG_CLIENTS_PER_PORT);
  if (c == 0) return 0;
  return unchecked(flowPortIndex[f]) % c;
}

/** Client (of its guest's port) that runs UDP source i. */
export function udpClient(i: u32): u32 {
  let c = cfgU32(CFG_CLIENTS_PER_PORT);
  return c == 0 ? 0 : i % c;
}

/** Client at the external end of packet p. */
export function pktClient(p: u32): u32 {
  let f = unchecked(pFlow[p]);
  let k = unchecked(pKind[p]);
  return k == KIND_UDP ? udpClient(f) : k >= KIND_RR_REQ ? rrClient(f) : flowClient(f);
}
