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
] as const satisfies readonly ParamSpec[];
