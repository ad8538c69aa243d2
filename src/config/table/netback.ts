// Parameters of the table in src/config/params.ts: netback.

import * as E from "../../abi/enums.js";
import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const NETBACK_PARAMS = [
  {
    path: "netback.mode",
    kind: "enum",
    values: ["tasklet", "kthread", "napi"],
    default: "tasklet",
    unit: "",
    help:
      "Where netback's two halves run. tasklet: a tasklet pair per group, each run on the VCPU that scheduled " +
      "it (2.6.18-xen, pvops 2.6.32). kthread: one thread per group, bound to a dom0 VCPU, running both halves " +
      "(pvops netback_kthread=1, upstream 3.0-3.11). napi: Linux 3.12-3.14, per vif: guest TX in the vif's NAPI " +
      "poll (weight 64) in the NET_RX softirq of the dom0 VCPU its TX event channel is bound to, guest RX in the " +
      "vif's own unbound kthread, woken where xenvif_start_xmit runs; split TX and RX event channels; needs " +
      "netback.txGrantCopy (3.12-3.14 copy TX requests), and netback.groups, groupMap and kthreadVcpus do not " +
      "apply (every vif has its own state).",
    source: "B1; C3; C12, C13",
    slot: L.CFG_NETBACK_MODE,
    encoding: {
      codes: { tasklet: E.NETBACK_MODE_TASKLET, kthread: E.NETBACK_MODE_KTHREAD, napi: E.NETBACK_MODE_NAPI },
    },
  },
  {
    path: "netback.groups",
    kind: "integer",
    default: 1,
    unit: "groups",
    min: 0,
    max: 1024,
    help:
      "Netback groups, each with its own tasklet pair (or kthread). 1 = stock Xen; 0 = one per dom0 VCPU " +
      "(multi-tasklet netback). With netback.mode napi every vif is a group of its own.",
    source: "B1; C1 (num_online_cpus)",
    slot: L.CFG_NETBACK_GROUPS,
  },
  {
    path: "netback.assignment",
    kind: "enum",
    values: ["least-loaded", "round-robin", "explicit"],
    default: "least-loaded",
    unit: "",
    help: "vif-to-group assignment at connect time.",
    source: "C4",
    via: "table",
  },
  {
    path: "netback.groupMap",
    kind: "intList",
    default: null,
    nullable: true,
    unit: "group ids",
    help: "Group of each vif when assignment = explicit.",
    source: "user choice",
    via: "table",
  },
  {
    path: "netback.kthreadVcpus",
    kind: "intList",
    default: null,
    nullable: true,
    unit: "dom0 VCPU ids",
    help:
      "dom0 VCPU each group's kthread is bound to; null = group g on VCPU g % dom0.vcpus. Not used by netback.mode " +
      "napi, whose per-vif threads are not bound.",
    source: "C3: kthread_bind(group)",
    via: "table",
  },
  {
    path: "netback.queueLenPackets",
    kind: "integer",
    default: 32,
    unit: "packets",
    min: 1,
    max: 1_000_000,
    help: "vif tx_queue_len: the qdisc in front of netback while the vif queue is stopped.",
    source: "B14",
    slot: L.CFG_NETBACK_QUEUE_LEN,
  },
  {
    path: "netback.frontendCanQueue",
    kind: "boolean",
    default: true,
    unit: "",
    help: "Frontend supports feature-rx-notify: stop the vif queue instead of dropping when RX requests run out.",
    source: "B7",
    slot: L.CFG_NETBACK_CAN_QUEUE,
    encoding: "flag",
  },
  {
    path: "netback.scatterGather",
    kind: "boolean",
    default: true,
    unit: "",
    help: "SG negotiated: a stop needs netback.maxSkbFrags + 2 free requests (20 on 2.6.x, 19 on 3.13), else 1.",
    source: "B7, C11",
    slot: L.CFG_NETBACK_SG,
    encoding: "flag",
  },
  {
    path: "netback.maxSkbFrags",
    kind: "integer",
    default: 18,
    unit: "fragments",
    min: 1,
    max: 64,
    help:
      "MAX_SKB_FRAGS of the dom0 kernel (18 on 2.6.x, 17 on 3.13: 65536 / PAGE_SIZE + 1). Netback's guest-RX " +
      "side keeps MAX_SKB_FRAGS + 2 posted requests in reserve before it stops the vif queue (with SG) and ends " +
      "an RX batch MAX_SKB_FRAGS slots short of the ring; its TX side keeps the historical 18 either way " +
      "(XEN_NETBK_LEGACY_SLOTS_MAX in 3.x).",
    source: "A7, B2, B7, C11",
    slot: L.CFG_NB_MAX_SKB_FRAGS,
  },
  {
    path: "netback.coalesce.count",
    kind: "integer",
    default: 1,
    unit: "responses",
    min: 1,
    max: 256,
    help:
      "Notify netfront only after this many RX responses since the last notification (1 = every time the ring " +
      "asks).",
    source: "lower event frequency (paper technique 3)",
    slot: L.CFG_COALESCE_COUNT,
  },
  {
    path: "netback.coalesce.timeUs",
    kind: "number",
    default: 0,
    unit: "us",
    min: 0,
    max: 1_000_000,
    help: "... or when this much time passed since a notification became owed (0 = no timer; required when count > 1).",
    source: "lower event frequency (paper technique 3); D11 smart-poll period 1 ms as an upper reference",
    slot: L.CFG_COALESCE_TIME,
    encoding: "cycles",
  },
  {
    path: "netback.txGrantCopy",
    kind: "boolean",
    default: false,
    unit: "",
    help:
      "net_tx_action grant-copies each TX request slot into dom0 pages and answers it at once (upstream Linux " +
      "3.0-3.14), instead of mapping the guest's page until the NIC frees the skb (2.6.18-xen).",
    source: "B10, C10",
    slot: L.CFG_NB_TX_COPY,
    encoding: "flag",
  },
  {
    path: "netback.pktProtLenBytes",
    kind: "integer",
    default: 64,
    unit: "bytes",
    min: 14,
    max: 4096,
    help:
      "PKT_PROT_LEN of dom0's netback (64 on 2.6.18-xen, 72 in pvops 2.6.32 from February 2010): net_tx_action " +
      "copies this much of a TX request into the skb; a request no longer than this (a TCP ACK of 54 bytes, or " +
      "of 66 with timestamps under 72) is copied whole and its granted page released at once, so its unmap and " +
      "response come in the next net_tx_action run on the same CPU instead of after the NIC frees the skb.",
    source: "B10, C7",
    slot: L.CFG_NB_PKT_PROT_LEN,
  },
  {
    path: "netback.netloop",
    kind: "boolean",
    default: false,
    unit: "",
    help:
      "dom0's own address on netloop's veth0, behind the vif0.0 port of the bridge (the 2.6.18-xen " +
      "network-bridge script): a guest's frame to dom0 (a tcp-to-dom0 profile) goes from the bridge to " +
      "loopback_start_xmit, which copies every page fragment still mapped from the guest into a dom0 page " +
      "(costs.appCopyPerByteCycles per byte, the guest's slot released at once) and hands the skb to netif_rx " +
      "again; false: dom0's address on the bridge device, the frame passed up directly.",
    source: "W18",
    slot: L.CFG_NETLOOP,
    encoding: "flag",
  },
] as const satisfies readonly ParamSpec[];
