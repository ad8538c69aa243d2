// Parameters of the table in src/config/params.ts: event channels.

import * as E from "../../abi/enums.js";
import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const EVTCHN_PARAMS = [
  {
    path: "xen.domainLocks",
    kind: "boolean",
    default: true,
    unit: "",
    help:
      "Xen's per-domain locks on the I/O path, as Xen 4.5 and earlier have them: one spinlock per domain's grant " +
      "table, taken by every grant map, unmap and copy on that domain's grants and by the mapping domain's " +
      "maptrack handles, and one per domain's event channels, taken by every event the domain sends. A VCPU " +
      "that finds one held spins; a section that changes CPUs takes its lines over (costs.cacheLineTransferCycles), " +
      "one more per CPU spinning at each hand-off. false: the per-entry, per-channel and per-VCPU locks of Xen 4.6 " +
      "and later, whose contention is not modelled.",
    source: "L1-L5",
    slot: L.CFG_XEN_DOMAIN_LOCKS,
    encoding: "flag",
  },
  {
    path: "xen.grantDomainLock",
    kind: "boolean",
    default: false,
    unit: "",
    help:
      "Xen 4.1 and earlier: do_grant_table_op holds the calling domain's domain_lock for the whole hypercall, so " +
      "the grant copy, map and unmap batches of all dom0 VCPUs run one at a time (a VCPU that finds it held " +
      "spins). false: Xen 4.2 and later, which take only the grant-table locks (xen.domainLocks).",
    source: "L6",
    slot: L.CFG_XEN_GNTTAB_DOMAIN_LOCK,
    encoding: "flag",
  },
  {
    path: "evtchn.dispatch",
    kind: "enum",
    values: ["vcpu0", "round-robin", "group-affine", "dynamic"],
    default: "vcpu0",
    unit: "",
    help: "Binding of vif event channels and NIC PIRQs to dom0 VCPUs.",
    source: "F1, F2 (vcpu0 default); F5 (rebinding)",
    slot: L.CFG_DISPATCH,
    encoding: {
      codes: {
        vcpu0: E.DISPATCH_VCPU0,
        "round-robin": E.DISPATCH_ROUND_ROBIN,
        "group-affine": E.DISPATCH_GROUP_AFFINE,
        dynamic: E.DISPATCH_DYNAMIC,
      },
    },
  },
  {
    path: "evtchn.rebalancePeriodMs",
    kind: "number",
    default: 100,
    unit: "ms",
    gt: 0,
    max: 1_000_000,
    help: "Period of the dynamic policy's rebalancing.",
    source: "[I] irqbalance-like; 10 s in irqbalance, shorter here to converge in short runs",
    slot: L.CFG_REBALANCE_PERIOD,
    encoding: "cycles",
  },
] as const satisfies readonly ParamSpec[];
