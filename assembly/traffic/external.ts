// The external hosts behind each NIC port: where guest-bound traffic starts and guest-sent
// traffic ends. They have no CPU model; what reaches them is consumed at once.

import { KIND_ACK, KIND_DATA, pKind, pFlow, pktFree, pktUnits } from "../packet";
import { statAdd } from "../stats";
import { ST_DELIVERED } from "../../src/abi/layout";
import { flowGuest, tcpSenderOnAck, tcpReceiverOnData } from "./tcp";
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
