// Parameters of the table in src/config/params.ts: Ram et al.'s driver-domain optimisations of
// the split driver (multi-queue NIC support in netback, grant reuse).

import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const NETBACK_OPT_PARAMS = [
  {
    path: "netback.multiQueue",
    kind: "boolean",
    default: false,
    unit: "",
    help:
      "Multi-queue NIC support in netback: with one VMDq RX queue per guest (nic.queueSelect = vmdq, " +
      "nic.rxQueuesPerPort >= the guests behind a port), netback posts each guest's RX buffers to its queue, so " +
      "the NIC demultiplexes and DMAs received frames straight into guest memory: no bridge and no grant copy for " +
      "them (frames from other guests are still copied). Without netback.grantReuse each posted buffer is " +
      "grant-mapped and unmapped once per frame.",
    source: "V9, W11 (Ram et al. 2009: eliminates packet demultiplexing and copying); per-frame map/unmap [I]",
    slot: L.CFG_NB_MULTI_QUEUE,
    encoding: "flag",
  },
  {
    path: "netback.grantReuse",
    kind: "boolean",
    default: false,
    unit: "",
    help:
      "Grant reuse: guest pages stay mapped in dom0 and are reused, so netback makes no per-packet grant map " +
      "or unmap, neither for TX requests nor for multi-queue RX buffers.",
    source: "V9, W11 (Ram et al. 2009: reduces memory protection overheads); the paths it covers [I]",
    slot: L.CFG_NB_GRANT_REUSE,
    encoding: "flag",
  },
] as const satisfies readonly ParamSpec[];
