// Packet conservation: the segments each component holds at a given moment (on wires, in queues,
// rings, sockets, LRO batches), so that injected = delivered + dropped + in flight can be checked:
// by the host at the end of a run, and by the debug build at every chunk end.

import * as L from "../../src/abi/layout";
import { statGet } from "../stats";
import { pktUnits } from "../packet";
import { linkInFlight, linkFlightAt, nLinks } from "../hw/link";
import { nicHeldUnits } from "../hw/nic";
import { vfHeldUnits } from "../hw/vf";
import { bridgeHeldUnits } from "../dom0/bridge";
import { netbackRxHeldUnits } from "../netback/rx";
import { netbackTxHeldUnits } from "../netback/tx";
import { netfrontHeldUnits } from "../netfront/netfront";
import { lroHeldUnits } from "../net/lro";
import { tcpHeldUnits } from "../traffic/tcp/receiver";
import { groHeldUnits } from "../traffic/gro";
import { stackHeldUnits } from "../guest/stack";
import { dom0StackHeldUnits } from "../dom0/stack";
import { sndbufHeldUnits } from "../traffic/tcp/sndbuf";
import { nFlows } from "../traffic/tcp/common";

/** Segments currently inside the system (on wires, in queues, rings, sockets, batches). */
export function engineInFlightUnits(): u64 {
  let s: u64 = 0;
  for (let l: u32 = 0; l < nLinks; l++) {
    let n = linkInFlight(l);
    for (let i: u32 = 0; i < n; i++) s += pktUnits(linkFlightAt(l, i));
  }
  s += nicHeldUnits();
  s += vfHeldUnits();
  s += bridgeHeldUnits();
  s += netbackRxHeldUnits();
  s += netbackTxHeldUnits();
  s += netfrontHeldUnits();
  s += lroHeldUnits();
  s += tcpHeldUnits();
  s += groHeldUnits();
  s += stackHeldUnits();
  s += dom0StackHeldUnits();
  s += sndbufHeldUnits(nFlows);
  return s;
}

/** Debug builds only: at every chunk end, each injected segment is delivered, dropped or held. */
export function checkConservation(): void {
  let dropped =
    statGet(L.ST_DROP_NIC_RX_RING) + statGet(L.ST_DROP_VIF_QDISC) + statGet(L.ST_DROP_NETBACK_NO_SLOT) +
    statGet(L.ST_DROP_DOM0_BACKLOG) + statGet(L.ST_DROP_NIC_QDISC) + statGet(L.ST_DROP_GUEST_QDISC) +
    statGet(L.ST_DROP_GUEST_SOCKET) + statGet(L.ST_DROP_LINK_QUEUE) + statGet(L.ST_DROP_WIRE_LOSS) +
    statGet(L.ST_DROP_SWITCH_BUFFER);
  let accounted = statGet(L.ST_DELIVERED) + dropped + engineInFlightUnits();
  assert(statGet(L.ST_INJECTED) == accounted, "packet conservation failed at a chunk end: injected != delivered + dropped + in flight");
}
