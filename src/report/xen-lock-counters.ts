// Counters of Xen's per-domain grant-table and event locks (assembly/xen/spinlock.ts), reported in
// result.events beside the other counters of src/report/stats.ts.

import * as L from "../abi/layout.js";
import type { CounterInfo } from "./counter-info.js";

export const XEN_LOCK_COUNTERS: readonly CounterInfo[] = [
  {
    slot: L.ST_XEN_LOCK_TAKES,
    name: "xenLockSections",
    unit: "sections",
    description:
      "Critical sections entered on Xen's per-domain grant-table and event locks by VCPUs of a domain whose locks " +
      "more than one VCPU takes (xen.domainLocks).",
  },
  {
    slot: L.ST_XEN_LOCK_SPINS,
    name: "xenLockSpins",
    unit: "sections",
    description: "... of them, those that found the lock held and spun until it was handed to them.",
  },
  {
    slot: L.ST_XEN_LOCK_SPIN_CYCLES,
    name: "xenLockSpinCycles",
    unit: "cycles",
    description: "Cycles VCPUs spent spinning on those locks (charged to the spinning VCPU).",
  },
  {
    slot: L.ST_XEN_LOCK_LINES,
    name: "xenLockLineTransfers",
    unit: "lines",
    description:
      "Cache lines those sections took over from another CPU: the lock word and its data after another CPU held " +
      "it, and one per hand-off a VCPU spun through.",
  },
];
