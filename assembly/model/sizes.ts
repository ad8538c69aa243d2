// The sizes every init derives from the configuration (counts of VCPUs, queues, flows, ports,
// NAPI instances, timers, FIFOs), computed in one place (readSizes) for both the memory layout and
// init (model/engine.ts), so the two cannot disagree on a count.
//
// Models: nothing physical.

import { tsqTasklets } from "../net/tsq";
import * as L from "../../src/abi/layout";
import { cfgU32, cfgTable } from "../config";
import { WRITER_PLACEMENT_NONE } from "../../src/abi/enums";
import { groTimers, groFifos } from "../traffic/gro";
import { netbackNapiCount } from "../netback/tx";
import { dom0StackFifos } from "../dom0/stack";

export let D: u32 = 0; // dom0 VCPUs
export let N: u32 = 0; // guests
export let gv: u32 = 0; // VCPUs per guest
export let P: u32 = 0; // NIC ports
export let nq: u32 = 0; // NIC RX queues
export let nVf: u32 = 0; // SR-IOV virtual functions (one per guest that owns one)
export let G: u32 = 0; // netback groups
export let V: u32 = 0; // VCPUs
export let flows: u32 = 0; // TCP flows (per guest: received from outside, sent, received from guests)
export let rxFlows: u32 = 0; // of them received in a socket (by a guest, or by dom0)
export let writers: u32 = 0; // of them sent by a guest with writer threads (guests.writerPlacement)
export let guestWriters: u32 = 0; // writer threads one guest may have at most
export let udp: u32 = 0;
export let timers: u32 = 0;
export let portsTotal: u32 = 0;
export let napis: u32 = 0;
export let fifos: u32 = 0;
export let guestTimers: u32 = 0;
export let splitVifs: u32 = 0; // vifs with split event channels (netback's NAPI mode): 0 or N

export function readSizes(): void {
  D = cfgU32(L.CFG_DOM0_VCPUS);
  N = cfgU32(L.CFG_GUESTS);
  gv = cfgU32(L.CFG_GUEST_VCPUS);
  P = cfgU32(L.CFG_PORTS);
  nq = P * cfgU32(L.CFG_RXQ_PER_PORT);
  nVf = cfgU32(L.CFG_SRIOV_GUESTS);
  G = cfgU32(L.CFG_NETBACK_GROUPS);
  V = D + N * gv;
  flows = 0;
  rxFlows = 0;
  writers = 0;
  let noWriters = cfgU32(L.CFG_WRITER_PLACEMENT) == WRITER_PLACEMENT_NONE;
  let g2gAll: u32 = 0;
  let txMax: u32 = 0;
  for (let g: u32 = 0; g < N; g++) {
    let rx = <u32>cfgTable(L.CFG_OFF_GUEST_STREAMS, <i32>(3 * g));
    let tx = <u32>cfgTable(L.CFG_OFF_GUEST_STREAMS, <i32>(3 * g + 1));
    let g2g = <u32>cfgTable(L.CFG_OFF_GUEST_STREAMS, <i32>(3 * g + 2));
    flows += rx + tx + g2g;
    rxFlows += rx + g2g + <u32>cfgTable(L.CFG_OFF_DOM0_STREAMS, <i32>(2 * g)); // dom0's ends have sockets too
    if (!noWriters) writers += tx + g2g; // a guest-to-guest stream is written by its sending guest
    g2gAll += g2g;
    if (tx > txMax) txMax = tx;
  }
  // A bound: a guest writes its own streams to external hosts and at most every guest-to-guest one.
  guestWriters = noWriters ? 0 : txMax + g2gAll;
  udp = cfgU32(L.CFG_UDP_SOURCES);
  timers = flows * 2 + N + groTimers();
  splitVifs = netbackNapiCount(); // the NAPI mode negotiates split event channels
  portsTotal = nq + 2 * N + D + nVf + 2 * splitVifs;
  napis = nq + D + N + nVf + splitVifs; // and one NAPI instance per vif
  fifos = 8 * (V + nq + P + G + N + flows + D) + 64 + 2 * nVf + groFifos() + dom0StackFifos() + writers + 1 + tsqTasklets(V); // + socket backlogs, TSQ lists
  // A guest's timers: a delayed-ACK timer per flow it receives, an RTO timer per flow it sends.
  guestTimers = cfgU32(L.CFG_RX_STREAMS_PER_GUEST) + cfgU32(L.CFG_TX_STREAMS_PER_GUEST);
}

/** The configuration's packet pool, event-queue capacity and link flight limit. */
export function pool(): u32 {
  return cfgU32(L.CFG_POOL_PACKETS);
}
