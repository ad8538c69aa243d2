// The external hosts behind each NIC port: where guest-bound traffic starts and guest-sent
// traffic ends. They have no CPU model; what reaches them is consumed at once, except the TCP
// data a guest sends them when they run GRO (clients.gro.enabled): that waits for their NIC's
// next poll (gro.ts, a part of this host). With clients behind a switch (hw/link.ts), flows.ts
// says which client is a flow's end.

import { KIND_ACK, KIND_DATA, KIND_RR_RSP, pkKind, pkFlow, pktFree, pktUnits } from "../packet";
import { statAdd } from "../stats";
import { ST_DELIVERED } from "../../src/abi/layout";
import { tcpSenderOnAck } from "./tcp/sender";
import { tcpReceiverOnData } from "./tcp/receiver";
import { rrClientReceive } from "./rr";
import { groOn, groArrive } from "./gro";

/** A frame leaves port `port`'s wire at the external host. */
export function externalReceive(port: u32, p: u32): void {
  let k = pkKind(p);
  if (k == KIND_ACK) tcpSenderOnAck(pkFlow(p), p);
  else if (k == KIND_DATA) {
    if (groOn) groArrive(pkFlow(p), p);
    else tcpReceiverOnData(pkFlow(p), p);
  } else if (k == KIND_RR_RSP) rrClientReceive(pkFlow(p), p);
  else {
    statAdd(ST_DELIVERED, pktUnits(p));
    pktFree(p);
  }
}
