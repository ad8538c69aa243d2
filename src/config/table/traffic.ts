// Parameters of the table in src/config/params.ts: traffic.

import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const TRAFFIC_PARAMS = [
  {
    path: "traffic.rxStreamsPerGuest",
    kind: "integer",
    default: 1,
    unit: "flows",
    min: 0,
    max: 1024,
    help: "Bulk TCP streams from an external host into each guest.",
    source: "T5: netperf TCP_STREAM into the guests",
    via: "derived",
  },
  {
    path: "traffic.txStreamsPerGuest",
    kind: "integer",
    default: 0,
    unit: "flows",
    min: 0,
    max: 1024,
    help: "Bulk TCP streams from each guest to an external host.",
    source: "receive direction is the paper's case",
    via: "derived",
  },
  {
    path: "traffic.startJitterUs",
    kind: "number",
    default: 1000,
    unit: "us",
    min: 0,
    max: 1e6,
    help:
      "Each external TCP sender starts at a uniformly random time in [0, this), drawn from the seed: the one " +
      "source of run-to-run variation in TCP scenarios (real senders never start in lock step).",
    source: "modelling choice",
    slot: L.CFG_START_JITTER,
    encoding: "cycles",
  },
  {
    path: "traffic.udp",
    kind: "udpList",
    default: [],
    unit: "",
    help: "Open-loop UDP sources: [{guest, ratePps, process: 'constant'|'poisson', payloadBytes}].",
    source: "queueing checks",
    via: "table",
  },
  {
    path: "traffic.profiles",
    kind: "profileList",
    default: [],
    unit: "",
    help:
      "Traffic per guest or group of guests, added to the uniform counts above: [{guests: [ids], kind: " +
      "'tcp-rx' (bulk TCP into the guests; streams), 'tcp-tx' (bulk TCP from the guests; streams), 'tcp-to-guest' " +
      "(bulk TCP from each listed guest to guest `peer` through netback TX, the dom0 bridge and netback RX, never " +
      "the NIC; streams, peer), 'tcp-to-dom0' (bulk TCP from each listed guest to a receiving process in dom0, " +
      "netperf -H dom0 or iperf to dom0: netback TX, the bridge passes the frames up dom0's own IP/TCP stack, " +
      "the receiving process reads them on a dom0 VCPU, dom0's ACKs go back through the bridge and netback RX; " +
      "streams), 'udp-rx' (UDP at a rate into each guest; ratePps, payloadBytes, process), 'rr' " +
      "(netperf TCP_RR-like request/response from an external client to a server in each guest; streams = " +
      "sessions, requestBytes, responseBytes, thinkUs; result.requestResponse reports transactions/s and " +
      "transaction-time percentiles), 'cpu-hog' (a CPU-bound busy loop on every VCPU of each guest, in turns of " +
      "quantumUs, default 100 us: the competitor for shared PCPUs) or 'idle' (nothing)}]. Guests no profile names " +
      "run only the uniform traffic.",
    source:
      "netperf/iperf testbeds with differing guests (one busy guest among idle ones, mixed workloads); rr as " +
      "netperf TCP_RR (N3)",
    via: "derived",
  },
  {
    path: "app.recvBytes",
    kind: "integer",
    default: 65536,
    unit: "bytes",
    min: 1,
    max: 16777216,
    help: "Bytes one recv() call of the guest application asks for.",
    source: "netperf default receive size (socket buffer sized)",
    slot: L.CFG_APP_RECV_BYTES,
  },
  {
    path: "app.udpRcvBufBytes",
    kind: "integer",
    default: 212992,
    unit: "bytes",
    min: 1024,
    max: 268435456,
    help: "Guest UDP socket buffer.",
    source: "Linux rmem_default",
    slot: L.CFG_UDP_RCVBUF,
  },
] as const satisfies readonly ParamSpec[];
