// Parameters of the table in src/config/params.ts: netfront.

import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const NETFRONT_PARAMS = [
  {
    path: "netfront.napiWeight",
    kind: "integer",
    default: 64,
    unit: "packets",
    min: 1,
    max: 65536,
    help: "netfront NAPI weight.",
    source: "D1",
    slot: L.CFG_NF_WEIGHT,
  },
  {
    path: "netfront.rxTargetMin",
    kind: "integer",
    default: 64,
    unit: "buffers",
    min: 1,
    max: 256,
    help:
      "rx_min_target: floor of the rx_target adaptation (defaults to RX_DFL_MIN_TARGET; sysfs may lower it to " +
      "RX_MIN_TARGET = 8).",
    source: "D2",
    slot: L.CFG_NF_RX_TARGET_MIN,
  },
  {
    path: "netfront.rxTargetDefault",
    kind: "integer",
    default: 64,
    unit: "buffers",
    min: 1,
    max: 256,
    help: "Initial rx_target.",
    source: "D2 (2.6.18: 64)",
    slot: L.CFG_NF_RX_TARGET_DEFAULT,
  },
  {
    path: "netfront.rxTargetMax",
    kind: "integer",
    default: 256,
    unit: "buffers",
    min: 1,
    max: 256,
    help: "RX_MAX_TARGET.",
    source: "D2",
    slot: L.CFG_NF_RX_TARGET_MAX,
  },
  {
    path: "netfront.txStopReserveSlots",
    kind: "integer",
    default: 20,
    unit: "slots",
    min: 1,
    max: 255,
    help:
      "netfront stops its TX queue when fewer than this many TX ring slots are free (room for one maximal " +
      "packet: MAX_SKB_FRAGS + 2).",
    source: "D7",
    slot: L.CFG_NF_TX_STOP_RESERVE,
  },
  {
    path: "netfront.txQueueLenPackets",
    kind: "integer",
    default: 1000,
    unit: "packets",
    min: 1,
    max: 1_000_000,
    help: "Guest qdisc in front of netfront while its TX queue is stopped.",
    source: "Linux default txqueuelen",
    slot: L.CFG_GUEST_QDISC_LEN,
  },
  {
    path: "netfront.lro.enabled",
    kind: "boolean",
    default: false,
    unit: "",
    help: "LRO in netfront (paper technique 4).",
    source: "D12: absent in stock netfront",
    slot: L.CFG_LRO_ENABLED,
    encoding: "flag",
  },
  {
    path: "netfront.lro.maxAggr",
    kind: "integer",
    default: 64,
    unit: "segments",
    min: 1,
    max: 65535,
    help: "lro_mgr.max_aggr: segments per aggregate.",
    source: "I2 (myri10ge 64; 64 KB bound gives 45 at MSS 1448, I3)",
    slot: L.CFG_LRO_MAX_AGGR,
  },
  {
    path: "netfront.lro.descriptors",
    kind: "integer",
    default: 8,
    unit: "flows",
    min: 1,
    max: 1024,
    help: "lro_mgr.max_desc: flows aggregated at once.",
    source: "I2",
    slot: L.CFG_LRO_DESCRIPTORS,
  },
  {
    path: "netfront.gso.tx",
    kind: "boolean",
    default: false,
    unit: "",
    help:
      "GSO/TSO across the vif: netback advertises feature-gso-tcpv4, so the guest's TCP builds skbs of up to " +
      "64 KB (one TX request per 4 KiB page plus a GSO extra slot), netback hands each to the bridge whole and the " +
      "physical NIC cuts it into MTU frames (TSO); toward another guest (a tcp-to-guest profile) the skb crosses " +
      "the receiver's vif whole, which needs netfront.gso.rx.",
    source: "A9, B16, J8, H9",
    slot: L.CFG_GSO_TX,
    encoding: "flag",
  },
  {
    path: "netfront.gso.rx",
    kind: "boolean",
    default: false,
    unit: "",
    help:
      "The frontend takes GSO skbs on receive (it writes feature-gso-tcpv4): netback copies an aggregate whole " +
      "into one RX request per 4 KiB page plus a GSO extra slot, and netfront hands the stack one skb.",
    source: "A10",
    slot: L.CFG_GSO_RX,
    encoding: "flag",
  },
] as const satisfies readonly ParamSpec[];
