// The model's CPU components (src/abi/layout.ts COMP_*): the name each component code has in
// result.cpu[].breakdown, the time series and the reports.

import * as L from "../abi/layout.js";

/** Name of each CPU component, indexed by its code. */
export const COMPONENT_NAMES: readonly string[] = (() => {
  const n: string[] = [];
  n[L.COMP_XEN] = "xen";
  n[L.COMP_GRANT] = "grant";
  n[L.COMP_NIC] = "nic";
  n[L.COMP_BRIDGE] = "bridge";
  n[L.COMP_NETBACK] = "netback";
  n[L.COMP_NETFRONT] = "netfront";
  n[L.COMP_STACK] = "stack";
  n[L.COMP_LRO] = "lro";
  n[L.COMP_APP] = "app";
  n[L.COMP_SOFTIRQ] = "softirq";
  return n;
})();
