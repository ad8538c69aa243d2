// The external hosts behind each NIC port: where guest-bound traffic starts and guest-sent
// traffic ends. They have no CPU model; what reaches them is consumed at once.
// With clients behind a switch (hw/link.ts), each port's flows are spread over its clients in
// order: the k-th TCP flow of the port's guests (guests p, p+P, ... each with its streams in
// order) belongs to client k % C, UDP source i to client i % C of its guest's port.

import { KIND_ACK, KIND_DATA, pKind, pFlow, pktFree, pktUnits } from "../packet";
import { statAdd } from "../stats";
import { ST_DELIVERED } from "../../src/abi/layout";
import { CFG_CLIENTS_PER_PORT, CFG_PORTS } from "../../src/abi/layout";
import { cfgU32 } from "../config";
import { flowGuest, flowsPerGuest, tcpSenderOnAck, tcpReceiverOnData } from "./tcp";
import { udpGuest } from "./udp";

/** A frame leaves port `port`'s wire at the external host. */
export function externalReceive(port: u32, p: u32): void {
  let k = unchecked(pKind[p]);
  if (k == KIND_ACK) tcpSenderOnAck(unchecked(pFlow[p]), p);
  else if (k == KIND_DATA) tcpReceiverOnData(unchecked(pFlow[p]), p);
  else {
    statAdd(ST_DELIVERED, pktUnits(p));
    pktFree(p);
  }
}

/** The guest a packet belongs to (destination of RX traffic, source of TX traffic). */
export function pktGuest(p: u32): u32 {
  let f = unchecked(pFlow[p]);
  return unchecked(pKind[p]) == 2 ? udpGuest(f) : unchecked(flowGuest[f]);
}

/** A flow hash for RSS (Toeplitz stand-in: a multiplicative hash of the flow id). */
export function pktFlowHash(p: u32): u32 {
  let f = unchecked(pFlow[p]);
  if (unchecked(pKind[p]) == 2) f |= 0x100000;
  return (f * 0x9e3779b1) >> 16;
}

/** Client (of its port) that is the external end of TCP flow f. */
export function flowClient(f: u32): u32 {
  let c = cfgU32(CFG_CLIENTS_PER_PORT);
  if (c == 0) return 0;
  let g = unchecked(flowGuest[f]);
  return ((g / cfgU32(CFG_PORTS)) * flowsPerGuest + f % flowsPerGuest) % c;
}

/** Client (of its guest's port) that runs UDP source i. */
export function udpClient(i: u32): u32 {
  let c = cfgU32(CFG_CLIENTS_PER_PORT);
  return c == 0 ? 0 : i % c;
}

/** Client at the external end of packet p. */
export function pktClient(p: u32): u32 {
  let f = unchecked(pFlow[p]);
  return unchecked(pKind[p]) == 2 ? udpClient(f) : flowClient(f);
}
