// Xen event channels: the virtual interrupts between domains and from physical IRQs.
//
// Models (xen/common/event_channel.c, drivers/xen/events.c; sources.md F1-F5):
//  - one PIRQ port per NIC RX queue (physical interrupt -> send_guest_pirq to dom0),
//  - one interdomain channel per vif: a backend port in dom0 and a frontend port in the guest;
//    notify_remote_via_irq on one end makes the *other* end's port pending,
//  - one IPI port per dom0 VCPU (reschedule IPI used to wake a netback kthread bound there),
//  - one PIRQ port per SR-IOV virtual function, bound to its guest's VCPU (the VF's MSI-X
//    interrupt reaches the guest through Xen, not through dom0),
//  - with split event channels (feature-split-event-channels, Linux 3.11+ netback and netfront;
//    sources.md C13) a second interdomain channel per vif: the first then carries only the TX
//    ring's notifications (its ends are the backend's tx_irq and the frontend's TX port), the
//    second only the RX ring's (rx_irq and the frontend's RX port); without the split one
//    channel serves both rings and nbRxPort/nfRxPort name that one channel's ends,
//  - each port bound to one VCPU (notify_vcpu_id; VCPU0 unless rebound with EVTCHNOP_bind_vcpu),
//  - evtchn_set_pending returns at once if the port is already pending: sends merge (F3),
//  - delivery: the port joins its VCPU's pending list and the VCPU takes an upcall; the upcall
//    clears each pending bit before calling the port's handler (so a send during the handler
//    makes it pending again).
// Left out: event masking by the guest, the 2-level pending bitmap scan order (ports are
// handled in the order they became pending), per-port priorities, FIFO ABI.

import { ST_EVTCHN_SENT, ST_EVTCHN_MERGED } from "../../src/abi/layout";
import { statInc } from "../stats";
import { pendingAdd } from "../cpu/vcpu";
import { eqNow } from "../base/eventq";
import { traceEvtchnSend } from "../observe/trace";
import { MEM_XEN as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";

/** Port kinds; model/ops.ts calls each kind's handler. */
export const PORT_PIRQ: u8 = 0;
export const PORT_NB: u8 = 1; // backend end of a vif channel (dom0)
export const PORT_NF: u8 = 2; // frontend end of a vif channel (guest)
export const PORT_IPI: u8 = 3; // dom0 VCPU IPI
export const PORT_VF: u8 = 4; // a guest's SR-IOV virtual function interrupt
// With split event channels (their handlers differ from the one channel's):
export const PORT_NB_TX: u8 = 5; // backend end of a vif's TX channel (xenvif_tx_interrupt)
export const PORT_NF_TX: u8 = 6; // frontend end of a vif's TX channel (xennet_tx_interrupt)
export const PORT_NB_RX: u8 = 7; // backend end of a vif's RX channel (xenvif_rx_interrupt)
export const PORT_NF_RX: u8 = 8; // frontend end of a vif's RX channel (xennet_rx_interrupt)

let portKind = new StaticArray<u8>(0);
let portArg = new StaticArray<u32>(0);
export let portVcpu = new StaticArray<u32>(0);
let portPending = new StaticArray<u8>(0);
/** Events delivered per port since the last rebalance (dynamic dispatch reads and clears it). */
export let portLoad = new StaticArray<u32>(0);

export let nPorts: u32 = 0;
let firstPirq: u32 = 0;
let firstNb: u32 = 0;
let firstNf: u32 = 0;
let firstIpi: u32 = 0;
let firstVf: u32 = 0;
let firstNbRx: u32 = 0;
let firstNfRx: u32 = 0;

/** Builds the ports. `splitVifs` is the number of vifs with split event channels: 0 or `vifs`
 *  (their RX channels come after every other port, so the split moves no other port's number). */
export function evtchnInit(rxQueues: u32, vifs: u32, dom0Vcpus: u32, vfs: u32, splitVifs: u32 = 0): void {
  firstPirq = 0;
  firstNb = rxQueues;
  firstNf = firstNb + vifs;
  firstIpi = firstNf + vifs;
  firstVf = firstIpi + dom0Vcpus;
  let split = splitVifs > 0;
  firstNbRx = split ? firstVf + vfs : firstNb;
  firstNfRx = split ? firstNbRx + splitVifs : firstNf;
  nPorts = firstVf + vfs + 2 * splitVifs;
  let n = <i32>nPorts;
  portKind = freshArray<u8>(n);
  portArg = freshArray<u32>(n);
  portVcpu = freshArray<u32>(n);
  portPending = freshArray<u8>(n);
  portLoad = freshArray<u32>(n);
  for (let i: u32 = 0; i < rxQueues; i++) {
    unchecked((portKind[firstPirq + i] = PORT_PIRQ));
    unchecked((portArg[firstPirq + i] = i));
  }
  for (let i: u32 = 0; i < vifs; i++) {
    unchecked((portKind[firstNb + i] = split ? PORT_NB_TX : PORT_NB));
    unchecked((portArg[firstNb + i] = i));
    unchecked((portKind[firstNf + i] = split ? PORT_NF_TX : PORT_NF));
    unchecked((portArg[firstNf + i] = i));
  }
  for (let i: u32 = 0; i < dom0Vcpus; i++) {
    unchecked((portKind[firstIpi + i] = PORT_IPI));
    unchecked((portArg[firstIpi + i] = i));
    unchecked((portVcpu[firstIpi + i] = i));
  }
  for (let i: u32 = 0; i < vfs; i++) {
    unchecked((portKind[firstVf + i] = PORT_VF));
    unchecked((portArg[firstVf + i] = i));
  }
  for (let i: u32 = 0; i < splitVifs; i++) {
    unchecked((portKind[firstNbRx + i] = PORT_NB_RX));
    unchecked((portArg[firstNbRx + i] = i));
    unchecked((portKind[firstNfRx + i] = PORT_NF_RX));
    unchecked((portArg[firstNfRx + i] = i));
  }
}

/** Tallies the bytes evtchnInit(rxQueues, vifs, dom0Vcpus, vfs, splitVifs) allocates. */
export function evtchnMemory(rxQueues: u64, vifs: u64, dom0Vcpus: u64, vfs: u64, splitVifs: u64 = 0): void {
  let n = rxQueues + 2 * vifs + dom0Vcpus + vfs + 2 * splitVifs;
  memArrays(MEM_PART, n, 1, 2);
  memArrays(MEM_PART, n, 4, 3);
}

/** EVTCHNOP_bind_vcpu: future deliveries of port p go to VCPU v. */
export function evtchnBind(p: u32, v: u32): void {
  unchecked((portVcpu[p] = v));
}

/** evtchn_set_pending on port p: merge if already pending, else queue an upcall on its VCPU. */
export function evtchnSend(p: u32): void {
  traceEvtchnSend(p, eqNow);
  statInc(ST_EVTCHN_SENT);
  if (unchecked(portPending[p])) {
    statInc(ST_EVTCHN_MERGED);
    return;
  }
  unchecked((portPending[p] = 1));
  unchecked((portLoad[p] = unchecked(portLoad[p]) + 1));
  pendingAdd(unchecked(portVcpu[p]), p);
}

/** Whether port p is pending (trace points). */
export function portIsPending(p: u32): bool {
  return unchecked(portPending[p]) != 0;
}

/** The upcall clears the pending bit before running the handler. */
export function portPendingClear(p: u32): void {
  unchecked((portPending[p] = 0));
}

/** Kind and argument (queue, vif or VCPU) of port p. */
// @ts-ignore: decorator
@inline export function portKindOf(p: u32): u8 {
  return unchecked(portKind[p]);
}
// @ts-ignore: decorator
@inline export function portArgOf(p: u32): u32 {
  return unchecked(portArg[p]);
}

// @ts-ignore: decorator
@inline export function pirqPort(q: u32): u32 {
  return firstPirq + q;
}
// @ts-ignore: decorator
@inline export function nbPort(vif: u32): u32 {
  return firstNb + vif;
}
// @ts-ignore: decorator
@inline export function nfPort(vif: u32): u32 {
  return firstNf + vif;
}
/** Backend end of the channel that carries vif's RX-ring notifications (rx_irq): the vif's own RX
 *  channel with split event channels, else its one channel (nbPort). */
// @ts-ignore: decorator
@inline export function nbRxPort(vif: u32): u32 {
  return firstNbRx + vif;
}
/** Frontend end of that channel (the guest's RX interrupt). */
// @ts-ignore: decorator
@inline export function nfRxPort(vif: u32): u32 {
  return firstNfRx + vif;
}
// @ts-ignore: decorator
@inline export function ipiPort(v: u32): u32 {
  return firstIpi + v;
}
// @ts-ignore: decorator
@inline export function vfPort(vf: u32): u32 {
  return firstVf + vf;
}
