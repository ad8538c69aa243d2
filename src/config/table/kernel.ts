// Parameters of the table in src/config/params.ts: Linux kernel.

import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const KERNEL_PARAMS = [
  {
    path: "kernel.napiWeight",
    kind: "integer",
    default: 64,
    unit: "packets",
    min: 1,
    max: 65536,
    help: "NAPI weight of dom0 NIC and backlog polls.",
    source: "G3",
    slot: L.CFG_NAPI_WEIGHT,
  },
  {
    path: "kernel.netdevBudget",
    kind: "integer",
    default: 300,
    unit: "packets",
    min: 1,
    max: 1_000_000,
    help: "net_rx_action budget per softirq round.",
    source: "G3",
    slot: L.CFG_NETDEV_BUDGET,
  },
  {
    path: "kernel.maxSoftirqRestart",
    kind: "integer",
    default: 10,
    unit: "rounds",
    min: 1,
    max: 1000,
    help: "__do_softirq rounds before deferring to ksoftirqd.",
    source: "G4",
    slot: L.CFG_MAX_SOFTIRQ_RESTART,
  },
  {
    path: "kernel.netdevMaxBacklog",
    kind: "integer",
    default: 1000,
    unit: "packets",
    min: 1,
    max: 1_000_000,
    help: "Per-CPU input backlog (netif_rx) limit.",
    source: "G3",
    slot: L.CFG_DOM0_BACKLOG_MAX,
  },
] as const satisfies readonly ParamSpec[];
