// Xen event channels: the virtual interrupts between domains and from physical IRQs.
//
// Models (xen/common/event_channel.c, drivers/xen/events.c; sources.md F1-F5):
//  - one PIRQ port per NIC RX queue (physical interrupt -> send_guest_pirq to dom0),
//  - one interdomain channel per vif: a backend port in dom0 and a frontend port in the guest;
//    notify_remote_via_irq on one end makes the *other* end's port pending,
//  - one IPI port per dom0 VCPU (reschedule IPI used to wake a netback kthread bound there),
//  - each port bound to one VCPU (notify_vcpu_id; VCPU0 unless rebound with EVTCHNOP_bind_vcpu),
//  - evtchn_set_pending returns at once if the port is already pending: sends merge (F3),
//  - delivery: the port joins its VCPU's pending list and the VCPU takes an upcall; the upcall
//    clears each pending bit before calling the port's handler (so a send during the handler
//    makes it pending again).
// Left out: event masking by the guest, the 2-level pending bitmap scan order (ports are
// handled in the order they became pending), per-port priorities, FIFO ABI.

import {
  ST_EVTCHN_SENT, ST_EVTCHN_MERGED, COMP_NIC, COMP_NETBACK, COMP_NETFRONT, COMP_XEN,
  COST_NIC_IRQ, COST_NB_INT, COST_NF_IRQ, COST_NF_TX_GC_PKT, COST_KTHREAD_WAKE, ST_REBINDS, COST_REBIND,
} from "../../src/abi/layout";
import { statInc } from "../stats";
import { cost } from "../config";
import { pendingAdd, charge } from "../cpu/vcpu";
import { nicIsr } from "../hw/nic";
import { netbackInterrupt, netbackIpi } from "../netback/netback";
import { netfrontInterruptStart, netfrontInterruptFinish } from "../netfront/netfront";
import { eqNow } from "../sim/eventq";
import { traceEvtchnSend } from "../observe/trace";

export const PORT_PIRQ: u8 = 0;
export const PORT_NB: u8 = 1; // backend end of a vif channel (dom0)
export const PORT_NF: u8 = 2; // frontend end of a vif channel (guest)
export const PORT_IPI: u8 = 3; // dom0 VCPU IPI

export let portKind = new StaticArray<u8>(0);
export let portArg = new StaticArray<u32>(0);
export let portVcpu = new StaticArray<u32>(0);
let portPending = new StaticArray<u8>(0);
/** Events delivered per port since the last rebalance (dynamic dispatch reads and clears it). */
export let portLoad = new StaticArray<u32>(0);

export let nPorts: u32 = 0;
export let firstPirq: u32 = 0;
export let firstNb: u32 = 0;
export let firstNf: u32 = 0;
export let firstIpi: u32 = 0;

export function evtchnInit(rxQueues: u32, vifs: u32, dom0Vcpus: u32): void {
  firstPirq = 0;
  firstNb = rxQueues;
  firstNf = firstNb + vifs;
  firstIpi = firstNf + vifs;
  nPorts = firstIpi + dom0Vcpus;
  let n = <i32>nPorts;
  portKind = new StaticArray<u8>(n);
  portArg = new StaticArray<u32>(n);
  portVcpu = new StaticArray<u32>(n);
  portPending = new StaticArray<u8>(n);
  portLoad = new StaticArray<u32>(n);
  for (let i: u32 = 0; i < rxQueues; i++) {
    unchecked((portKind[firstPirq + i] = PORT_PIRQ));
    unchecked((portArg[firstPirq + i] = i));
  }
  for (let i: u32 = 0; i < vifs; i++) {
    unchecked((portKind[firstNb + i] = PORT_NB));
    unchecked((portArg[firstNb + i] = i));
    unchecked((portKind[firstNf + i] = PORT_NF));
    unchecked((portArg[firstNf + i] = i));
  }
  for (let i: u32 = 0; i < dom0Vcpus; i++) {
    unchecked((portKind[firstIpi + i] = PORT_IPI));
    unchecked((portArg[firstIpi + i] = i));
    unchecked((portVcpu[firstIpi + i] = i));
  }
}

/** EVTCHNOP_bind_vcpu: future deliveries of port p go to VCPU v. */
export function evtchnBind(p: u32, v: u32): void {
  unchecked((portVcpu[p] = v));
}

/** Rebinding at run time (dynamic dispatch): counted and charged to the VCPU doing it. */
export function evtchnRebind(p: u32, v: u32): void {
  if (unchecked(portVcpu[p]) == v) return;
  unchecked((portVcpu[p] = v));
  statInc(ST_REBINDS);
  charge(COMP_XEN, <u64>cost(COST_REBIND));
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

/** Kind (PORT_*) of port p (trace points). */
export function portKindOf(p: u32): u8 {
  return unchecked(portKind[p]);
}
/** Whether port p is pending (trace points). */
export function portIsPending(p: u32): bool {
  return unchecked(portPending[p]) != 0;
}

/** The upcall clears the pending bit before running the handler. */
export function portPendingClear(p: u32): void {
  unchecked((portPending[p] = 0));
}

/** Charges the handler of port p at the start of an upcall job on v. */
export function portHandlerStart(v: u32, p: u32): void {
  let k = unchecked(portKind[p]);
  let a = unchecked(portArg[p]);
  if (k == PORT_PIRQ) charge(COMP_NIC, <u64>cost(COST_NIC_IRQ));
  else if (k == PORT_NB) charge(COMP_NETBACK, <u64>cost(COST_NB_INT));
  else if (k == PORT_NF) {
    charge(COMP_NETFRONT, <u64>cost(COST_NF_IRQ));
    let gc = netfrontInterruptStart(v, a);
    charge(COMP_NETFRONT, <u64>(cost(COST_NF_TX_GC_PKT) * <f64>gc));
  } else charge(COMP_XEN, <u64>cost(COST_KTHREAD_WAKE));
}

/** Runs the handler of port p at the end of an upcall job on v. */
export function portHandlerFinish(v: u32, p: u32): void {
  let k = unchecked(portKind[p]);
  let a = unchecked(portArg[p]);
  if (k == PORT_PIRQ) nicIsr(v, a);
  else if (k == PORT_NB) netbackInterrupt(v, a);
  else if (k == PORT_NF) netfrontInterruptFinish(v, a);
  else netbackIpi(v);
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
// @ts-ignore: decorator
@inline export function ipiPort(v: u32): u32 {
  return firstIpi + v;
}
