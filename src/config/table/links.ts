// Parameters of the table in src/config/params.ts: links, loss and external clients.

import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const LINKS_PARAMS = [
  {
    path: "links.portDelayNs",
    kind: "intList",
    default: null,
    nullable: true,
    unit: "ns",
    help:
      "One-way propagation delay of each port's wire (one value per port, both directions); null = " +
      "nic.propagationDelayNs on every port. RTT = 2 x (this + clients.accessDelayNs when clients are on) + " +
      "serialization and host time.",
    source: "per-link delay as in ns-3 PointToPointChannel Delay; sets the RTT of wide-area paths",
    via: "table",
  },
  {
    path: "links.rxLossRate",
    kind: "number",
    default: 0,
    unit: "probability",
    min: 0,
    lt: 1,
    help:
      "Probability that a frame travelling toward a NIC port is lost on its wire, independently per frame " +
      "(Bernoulli), drawn from the seeded PRNG on a stream of its own.",
    source: "N1 (Mathis et al. 1997: random independent loss); 0 = lossless LAN",
    slot: L.CFG_LOSS_RX,
  },
  {
    path: "links.txLossRate",
    kind: "number",
    default: 0,
    unit: "probability",
    min: 0,
    lt: 1,
    help: "Probability that a frame leaving a NIC port is lost on its wire (Bernoulli per frame, own PRNG stream).",
    source: "N1; 0 = lossless LAN",
    slot: L.CFG_LOSS_TX,
  },
  {
    path: "clients.perPort",
    kind: "integer",
    default: 0,
    unit: "clients",
    min: 0,
    max: 1024,
    help:
      "External clients behind a switch on each port, each on its own access link; a port's TCP flows and UDP " +
      "sources are spread over them in order. 0 = one external host directly on the port's wire.",
    source: "testbeds with many load generators (e.g. 10 clients on 1 GbE into one 10 GbE port)",
    slot: L.CFG_CLIENTS_PER_PORT,
  },
  {
    path: "clients.accessRateGbps",
    kind: "number",
    default: 1,
    unit: "Gb/s",
    min: 1e-6,
    max: 10000,
    help: "Line rate of each client's access link.",
    source: "1 GbE client machines",
    slot: L.CFG_ACCESS_BPS,
    encoding: "bps",
  },
  {
    path: "clients.accessDelayNs",
    kind: "number",
    default: 500,
    unit: "ns",
    min: 0,
    max: 1e9,
    help: "One-way propagation delay of each access link.",
    source: "[I] as nic.propagationDelayNs: cable plus switch latency",
    slot: L.CFG_ACCESS_DELAY,
    encoding: "cycles",
  },
  {
    path: "clients.switchBufferBytes",
    kind: "integer",
    default: 131072,
    unit: "bytes",
    min: 2048,
    max: 1_000_000_000,
    help: "Drop-tail buffer of each switch egress port (toward the NIC port, and toward each client).",
    source: "N5 [I]: shared-buffer top-of-rack switches of 2010 hold a few MB for 24-64 ports",
    slot: L.CFG_SWITCH_BUF,
  },
  {
    path: "clients.gro.enabled",
    kind: "boolean",
    default: false,
    unit: "",
    help:
      "Generic receive offload in the external hosts (each port's host, or each client): their NIC interrupts at " +
      "most clients.gro.intsPerSec times a second, each NAPI poll passes the TCP segments that arrived since the " +
      "last one through napi_gro_receive, which merges in-sequence segments of a flow into one skb of at most " +
      "clients.gro.maxSegments, and flushes what it holds when the poll completes; TCP then sees one skb, and " +
      "sends at most one ACK, per aggregate. Linux turns GRO on for every device from 2.6.29 (register_netdevice), " +
      "so a receiver of that era or later has it; false: each frame reaches TCP as it arrives (no GRO, no " +
      "interrupt moderation), the receive path before 2.6.29 and the model's ideal sink.",
    source: "X1-X4 (dev_gro_receive, tcp_gro_receive, skb_gro_receive, register_netdevice)",
    slot: L.CFG_EXT_GRO,
    encoding: "flag",
  },
  {
    path: "clients.gro.maxSegments",
    kind: "integer",
    default: 17,
    unit: "segments",
    min: 1,
    max: 45,
    help:
      "Most segments one GRO skb of an external host holds: skb_gro_receive appends each segment's page fragment " +
      "and stops at MAX_SKB_FRAGS = 17 fragments (Linux 2.6.29-3.18 with a driver that receives into pages, as " +
      "ixgbe does); Linux 3.19+ chains further skbs and stops at 64 KB (45 segments at MSS 1448).",
    source: "X3",
    slot: L.CFG_EXT_GRO_MAX_SEGS,
  },
  {
    path: "clients.gro.intsPerSec",
    kind: "number",
    default: 8000,
    unit: "interrupts/s",
    min: 1,
    max: 10_000_000,
    help:
      "Receive interrupt rate limit of the external hosts' NIC with clients.gro.enabled: the first frame after " +
      "a poll raises an interrupt once this interval has passed since the previous one, and the poll takes every " +
      "frame that arrived meanwhile. ixgbe's adaptive moderation puts a stream of more than 20 bytes/us (a bulk " +
      "TCP stream) in its bulk class, 8000 interrupts/s.",
    source: "X5 (ixgbe_update_itr: bulk class 8000 ints/s)",
    slot: L.CFG_EXT_RX_IRQ_INTERVAL,
    encoding: "period",
  },
] as const satisfies readonly ParamSpec[];
