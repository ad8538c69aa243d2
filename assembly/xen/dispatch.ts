// Event-channel dispatch over dom0 VCPUs (the paper's second technique).
//
// Static policies (all on VCPU0 as Xen and Linux default, round-robin, group-affine) are
// resolved by the host into the per-port binding tables of the config buffer. The dynamic
// policy lives here: every `rebalance period` it measures how many events each vif backend port
// and NIC PIRQ delivered since the last period and rebinds them, heaviest first, to the dom0
// VCPU with the least assigned load (greedy longest-processing-time, as irqbalance does in
// spirit), paying COST_REBIND per moved port on VCPU0 (the balancer runs there). With split
// event channels (netback's NAPI mode) each vif's RX channel is a port of its own here too.
// Left out: irqbalance's cache-domain topology and its hysteresis.

import {
  CFG_DISPATCH, CFG_REBALANCE_PERIOD, CFG_DOM0_VCPUS, CFG_GUESTS, CFG_PORTS, CFG_RXQ_PER_PORT, ST_REBINDS,
  CFG_NETBACK_MODE,
} from "../../src/abi/layout";
import { cfgU32, cfgU64, costTimes } from "../config";
import { statInc } from "../stats";
import { eqPush, eqNow } from "../base/eventq";
import { EV_REBALANCE } from "../base/targets";
import { portLoad, portVcpu, evtchnBind, pirqPort, nbPort, nbRxPort } from "./evtchn";
import { chargeLate } from "../cpu/account";
import { COMP_XEN, COST_REBIND } from "../../src/abi/layout";
import { cost } from "../config";
import { DISPATCH_DYNAMIC, NETBACK_MODE_NAPI } from "../../src/abi/enums";
import { MEM_XEN as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";

let period: u64 = 0;
let nDom0: u32 = 0;
let nPortsDyn: u32 = 0;
let ports = new StaticArray<u32>(0); // the ports this balancer manages
let order = new StaticArray<u32>(0);
let vcpuLoad = new StaticArray<u64>(0);

export function dispatchInit(): void {
  if (cfgU32(CFG_DISPATCH) != DISPATCH_DYNAMIC) return;
  period = cfgU64(CFG_REBALANCE_PERIOD);
  nDom0 = cfgU32(CFG_DOM0_VCPUS);
  let nq = cfgU32(CFG_PORTS) * cfgU32(CFG_RXQ_PER_PORT);
  let nv = cfgU32(CFG_GUESTS);
  let split = cfgU32(CFG_NETBACK_MODE) == NETBACK_MODE_NAPI ? nv : 0;
  nPortsDyn = nq + nv + split;
  ports = freshArray<u32>(<i32>nPortsDyn);
  order = freshArray<u32>(<i32>nPortsDyn);
  vcpuLoad = freshArray<u64>(<i32>nDom0);
  for (let i: u32 = 0; i < nq; i++) unchecked((ports[i] = pirqPort(i)));
  for (let i: u32 = 0; i < nv; i++) unchecked((ports[nq + i] = nbPort(i)));
  for (let i: u32 = 0; i < split; i++) unchecked((ports[nq + nv + i] = nbRxPort(i)));
  if (period > 0) eqPush(eqNow + period, EV_REBALANCE);
}

/** Tallies the bytes dispatchInit() allocates. */
export function dispatchMemory(): void {
  if (cfgU32(CFG_DISPATCH) != DISPATCH_DYNAMIC) return;
  let nv = <u64>cfgU32(CFG_GUESTS);
  let split = cfgU32(CFG_NETBACK_MODE) == NETBACK_MODE_NAPI ? nv : 0;
  let n = <u64>cfgU32(CFG_PORTS) * <u64>cfgU32(CFG_RXQ_PER_PORT) + nv + split;
  memArrays(MEM_PART, n, 4, 2);
  memArrays(MEM_PART, <u64>cfgU32(CFG_DOM0_VCPUS), 8);
}

/** Engine event: rebalance the managed ports by the events they delivered last period. */
export function dispatchOnRebalance(): void {
  let n = nPortsDyn;
  for (let i: u32 = 0; i < n; i++) unchecked((order[i] = unchecked(ports[i])));
  // Insertion sort by load, heaviest first; ties by port number (deterministic).
  for (let i: u32 = 1; i < n; i++) {
    let p = unchecked(order[i]);
    let lp = unchecked(portLoad[p]);
    let j = i;
    while (j > 0) {
      let q = unchecked(order[j - 1]);
      let lq = unchecked(portLoad[q]);
      if (lq > lp || (lq == lp && q < p)) break;
      unchecked((order[j] = q));
      j--;
    }
    unchecked((order[j] = p));
  }
  for (let v: u32 = 0; v < nDom0; v++) unchecked((vcpuLoad[v] = 0));
  let moved: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let p = unchecked(order[i]);
    let best: u32 = 0;
    for (let v: u32 = 1; v < nDom0; v++) if (unchecked(vcpuLoad[v]) < unchecked(vcpuLoad[best])) best = v;
    // Ports with no load keep their binding (nothing to balance).
    let l = <u64>unchecked(portLoad[p]);
    if (l == 0) continue;
    unchecked((vcpuLoad[best] = unchecked(vcpuLoad[best]) + l));
    if (unchecked(portVcpu[p]) != best) {
      evtchnBind(p, best);
      statInc(ST_REBINDS);
      moved++;
    }
    unchecked((portLoad[p] = 0));
  }
  if (moved > 0) chargeLate(0, COMP_XEN, costTimes(COST_REBIND, moved));
  eqPush(eqNow + period, EV_REBALANCE);
}
