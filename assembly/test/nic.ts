// Mechanism test module: the NIC's RX queue selection (RSS by flow hash, VMDq by destination
// guest) and e1000's interrupt throttling (update_itr latency classes, set_itr rate steps), on
// the real hw/nic.ts and hw/itr.ts. Driven by test/assembly/nic.test.ts.

import { CFG_PORTS, CFG_RXQ_PER_PORT, CFG_QUEUE_SELECT, CFG_NIC_RX_RING, CFG_NIC_TX_RING, CFG_NIC_QDISC_LEN, CFG_NAPI_WEIGHT } from "../../src/abi/layout";
import { ITR_MODE_DYNAMIC } from "../../src/abi/enums";
import { pktAlloc, pktFree } from "../packet";
import { flowsInit, flowGuest, udpGuest } from "../flows";
import { napiInit } from "../kernel/napi";
import { nicInit, nicRxQueueFor } from "../hw/nic";
import { itrInit, itrClassify, itrCountRx, itrCountTx, itrUpdate, itrRateOf } from "../hw/itr";
import { worldInit, cfgPut } from "./world";

/** `ports` ports with `queues` RX queues each, queue selection `select` (src/abi/enums.ts);
 *  TCP flow f and UDP source f both belong to guest f % guests. */
export function setup(ports: u32, queues: u32, select: u32, guests: u32): void {
  worldInit(guests, 1);
  cfgPut(CFG_PORTS, ports);
  cfgPut(CFG_RXQ_PER_PORT, queues);
  cfgPut(CFG_QUEUE_SELECT, select);
  cfgPut(CFG_NIC_RX_RING, 64);
  cfgPut(CFG_NIC_TX_RING, 64);
  cfgPut(CFG_NIC_QDISC_LEN, 64);
  cfgPut(CFG_NAPI_WEIGHT, 64);
  napiInit(ports * queues);
  flowsInit(256, 256, 0);
  for (let f: u32 = 0; f < 256; f++) {
    unchecked((flowGuest[f] = f % guests));
    unchecked((udpGuest[f] = f % guests));
  }
  nicInit();
}

/** RX queue a frame of `kind` (packet.ts KIND_*) and flow `flow` lands in on `port`. */
export function queueOf(port: u32, kind: u8, flow: u32): u32 {
  let p = pktAlloc(kind, flow, 0, 100, 138);
  let q = nicRxQueueFor(port, p);
  pktFree(p);
  return q;
}

export function classify(state: u8, packets: u32, bytes: u32): u8 {
  return itrClassify(state, packets, bytes);
}

/** One queue, dynamic conservative ITR at `hz`. */
export function itrSetup(hz: u64): void {
  worldInit(1, 1);
  itrInit(1, 1, ITR_MODE_DYNAMIC, 0, hz);
}

/** A NAPI completion after RX `rxPackets`/`rxBytes` and TX `txPackets`/`txBytes`: the new rate. */
export function itrStep(rxPackets: u32, rxBytes: u32, txPackets: u32, txBytes: u32): u32 {
  itrCountRx(0, rxPackets, rxBytes);
  itrCountTx(0, txPackets, txBytes);
  itrUpdate(0, 0, true);
  return itrRateOf(0);
}
