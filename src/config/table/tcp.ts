// Parameters of the table in src/config/params.ts: TCP.

import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const TCP_PARAMS = [
  {
    path: "tcp.mtuBytes",
    kind: "integer",
    default: 1500,
    unit: "bytes",
    min: 576,
    max: 65535,
    help: "IP MTU.",
    source: "J2",
    slot: L.CFG_MTU,
  },
  {
    path: "tcp.timestamps",
    kind: "boolean",
    default: true,
    unit: "",
    help: "TCP timestamps option (12 bytes of header per segment).",
    source: "J4",
    via: "derived",
  },
  {
    path: "tcp.initialCwndSegments",
    kind: "integer",
    default: 3,
    unit: "segments",
    min: 1,
    max: 1000,
    help: "Initial congestion window.",
    source: "RFC 3390 (kernels of 2010)",
    slot: L.CFG_TCP_INIT_CWND,
  },
  {
    path: "tcp.rcvBufBytes",
    kind: "integer",
    default: 1048576,
    unit: "bytes",
    min: 4096,
    max: 268435456,
    help: "Guest socket receive buffer (advertised window).",
    source: "[I] tcp_rmem autotuning reaches ~1 MB at these RTTs",
    slot: L.CFG_TCP_RCVBUF,
  },
  {
    path: "tcp.wmemDefaultBytes",
    kind: "integer",
    default: 16384,
    unit: "bytes",
    min: 4096,
    max: 268435456,
    help:
      "net.ipv4.tcp_wmem[1]: a guest TCP socket's initial send buffer (sk_sndbuf), which tcp_sendmsg fills " +
      "ahead of the window before the writer sleeps.",
    source: "J11 (tcp_init: 16 KB)",
    slot: L.CFG_TCP_WMEM_DEFAULT,
  },
  {
    path: "tcp.wmemMaxBytes",
    kind: "integer",
    default: 4194304,
    unit: "bytes",
    min: 4096,
    max: 268435456,
    help:
      "net.ipv4.tcp_wmem[2]: the most send-buffer autotuning (tcp_new_space: 2 x max(cwnd, reordering + 1) " +
      "skbs) gives a guest TCP socket.",
    source: "J11 (tcp_init: 4 MB with enough memory)",
    slot: L.CFG_TCP_WMEM_MAX,
  },
  {
    path: "tcp.skbOverheadBytes",
    kind: "integer",
    default: 512,
    unit: "bytes",
    min: 0,
    max: 65536,
    help:
      "Send-buffer memory of one MSS skb besides its payload (MAX_TCP_HEADER + 16 + sizeof(struct sk_buff)): " +
      "sets how many segments tcp.wmemDefaultBytes and tcp.wmemMaxBytes hold.",
    source: "J11; [I] size (build-dependent)",
    slot: L.CFG_TCP_SKB_OVERHEAD,
  },
  {
    path: "tcp.smallQueueBytes",
    kind: "integer",
    default: 0,
    unit: "bytes",
    min: 0,
    max: 2147483647,
    help:
      "net.ipv4.tcp_limit_output_bytes of the guests' TCP (TCP small queues, Linux 3.6+): a guest stream sends no " +
      "new data while the skbs netfront still holds (until netback's TX response frees them) reach this many " +
      "bytes of truesize; 0 turns TCP small queues off, as in kernels before 3.6. 131072 is the Linux 3.6-3.x default.",
    source: "J13, J14",
    slot: L.CFG_TCP_SMALL_QUEUE,
  },
  {
    path: "tcp.rtoMinMs",
    kind: "number",
    default: 200,
    unit: "ms",
    gt: 0,
    max: 100000,
    help: "TCP_RTO_MIN.",
    source: "Linux TCP_RTO_MIN = HZ/5",
    slot: L.CFG_TCP_RTO_MIN,
    encoding: "cycles",
  },
  {
    path: "tcp.delayedAckMs",
    kind: "number",
    default: 40,
    unit: "ms",
    gt: 0,
    max: 10000,
    help: "Delayed-ACK timeout.",
    source: "Linux TCP_DELACK_MIN = HZ/25",
    slot: L.CFG_TCP_DELACK,
    encoding: "cycles",
  },
  {
    path: "tcp.sack",
    kind: "boolean",
    default: true,
    unit: "",
    help: "Selective acknowledgements (RFC 2018) and SACK-based loss recovery; off: NewReno (RFC 6582).",
    source: "Linux net.ipv4.tcp_sack = 1 (default)",
    slot: L.CFG_TCP_SACK,
    encoding: "flag",
  },
  {
    path: "tcp.lowLatency",
    kind: "boolean",
    default: false,
    unit: "",
    help:
      "net.ipv4.tcp_low_latency: true processes received TCP data in the softirq; false (Linux's default, 0) " +
      "prequeues it for the reader waiting in recv(), whose context runs the TCP receive work and sends the ACKs.",
    source: "W10 (Linux default 0)",
    slot: L.CFG_TCP_LOW_LATENCY,
    encoding: "flag",
  },
  {
    path: "tcp.dupAckThreshold",
    kind: "integer",
    default: 3,
    unit: "ACKs",
    min: 1,
    max: 100,
    help: "Duplicate ACKs that trigger fast retransmit.",
    source: "RFC 5681",
    slot: L.CFG_TCP_DUPTHRESH,
  },
] as const satisfies readonly ParamSpec[];
