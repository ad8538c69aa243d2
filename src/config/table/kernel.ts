// Parameters of the table in src/config/params.ts: Linux kernel.

import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const KERNEL_PARAMS = [
  {
    path: "kernel.skbCacheLines",
    kind: "integer",
    default: 5,
    unit: "cache lines",
    min: 0,
    max: 1024,
    help:
      "Cache lines of an skb that start_xmit queued on one CPU and net_rx_action dequeues, reads and frees on " +
      "another (the sk_buff the driver, bridge and start_xmit wrote, and its skb_shared_info); each costs " +
      "costs.cacheLineTransferCycles.",
    source: "[I] P1: struct sk_buff spans about 4 lines on 64-bit 2.6 kernels, skb_shared_info 1 more",
    slot: L.CFG_SKB_CACHE_LINES,
  },
  {
    path: "kernel.netbackStateCacheLines",
    kind: "integer",
    default: 32,
    unit: "cache lines",
    min: 0,
    max: 65536,
    help:
      "Cache lines of a netback group's state that a bottom-half run on another CPU than the group's previous run " +
      "takes over: queue heads and locks, the tasklet, counters, the served vifs' ring indices, the part of the " +
      "copy-op, meta and pending arrays the previous run wrote; each costs costs.cacheLineTransferCycles.",
    source: "[I] P1, G5: about 4 lines of heads and counters, 2 per active vif, 0.6 per frame of the previous batch",
    slot: L.CFG_NB_STATE_CACHE_LINES,
  },
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
