// Parameters of the table in src/config/params.ts: event channels.

import * as E from "../../abi/enums.js";
import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const EVTCHN_PARAMS = [
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
