// Parameters of the table in src/config/params.ts: CPUs.

import * as E from "../../abi/enums.js";
import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const CPUS_PARAMS = [
  {
    path: "cpu.frequencyGHz",
    kind: "number",
    default: 2.5,
    unit: "GHz",
    min: 0.01,
    max: 10,
    help: "Clock of every PCPU; all costs are in cycles of this clock.",
    source: "T1: testbed clock unknown (2.0-3.0 GHz Xeon of 2010); 2.5 GHz middle",
    slot: L.CFG_CPU_HZ,
    encoding: "hz",
  },
  {
    path: "cpu.pcpus",
    kind: "integer",
    default: 8,
    unit: "PCPUs",
    min: 1,
    max: 4096,
    help: "Physical CPUs. VCPUs may outnumber them: VCPUs that share PCPUs are scheduled by Xen's credit scheduler.",
    source: "T2, T4: 4 dom0 + 4 guest VCPUs, each on its own PCPU",
    slot: L.CFG_PCPUS,
  },
  {
    path: "cpu.pinnedFastPath",
    kind: "boolean",
    default: true,
    unit: "",
    help:
      "When every VCPU is pinned to a PCPU no other VCPU may use and no domain has a cap, the credit " +
      "scheduler cannot change any decision: skip it (no ticks, no slice timers). false runs it anyway: the same " +
      "results with more events, the check that skipping it is exact.",
    source: "F7: with one VCPU per run queue csched_schedule always picks that VCPU",
    via: "derived",
  },
  {
    path: "cpu.creditDebit",
    kind: "enum",
    values: ["timestamp", "tick"],
    default: "timestamp",
    unit: "",
    help:
      "How the credit scheduler charges the VCPU that runs: timestamp = 10 credits per ms run, from time " +
      "stamps at every tick and every reschedule (Xen 4.0 on); tick = a whole tick's 100 credits from the " +
      "VCPU found running at each 10 ms tick and nothing from any other (Xen 3.0-3.4). Only when VCPUs share PCPUs.",
    source: "F7 (burn_credits, Xen 4.0); F9 (csched_vcpu_acct debits CSCHED_CREDITS_PER_TICK, Xen 3.0-3.4)",
    slot: L.CFG_SCHED_CREDIT_DEBIT,
    encoding: { codes: { timestamp: E.CREDIT_DEBIT_TIMESTAMP, tick: E.CREDIT_DEBIT_TICK } },
  },
  {
    path: "dom0.vcpus",
    kind: "integer",
    default: 4,
    unit: "VCPUs",
    min: 1,
    max: 1024,
    help: "dom0 VCPUs.",
    source: "T2: probably 4",
    slot: L.CFG_DOM0_VCPUS,
  },
  {
    path: "dom0.pcpus",
    kind: "intList",
    default: null,
    nullable: true,
    unit: "PCPU ids",
    help:
      "PCPU each dom0 VCPU starts on, and is pinned to when dom0.affinity is null; null = VCPU i on PCPU i " +
      "(modulo cpu.pcpus), or on the PCPUs of dom0.affinity in turn.",
    source: "pinned 1:1 (T2)",
    via: "table",
  },
  {
    path: "dom0.affinity",
    kind: "intList",
    default: null,
    nullable: true,
    unit: "PCPU ids",
    help: "PCPUs every dom0 VCPU may run on (xl vcpu-pin / cpus=); null = each VCPU pinned to its dom0.pcpus entry.",
    source: "F7: affinity bounds where a VCPU runs and where it may be stolen to",
    via: "table",
  },
  {
    path: "dom0.weight",
    kind: "integer",
    default: 256,
    unit: "",
    min: 1,
    max: 65535,
    help: "Credit scheduler weight of dom0: its share of contended PCPUs against the other domains' weights.",
    source: "F6: CSCHED_DEFAULT_WEIGHT 256",
    via: "table",
  },
  {
    path: "dom0.capPercent",
    kind: "integer",
    default: 0,
    unit: "% of a PCPU",
    min: 0,
    max: 65535,
    help:
      "Credit scheduler cap of dom0: the most CPU all its VCPUs together may use, in percent of one PCPU (0 = " +
      "no cap; at most 100 x dom0.vcpus).",
    source: "F7: csched_acct caps and parks",
    via: "table",
  },
  {
    path: "guests.count",
    kind: "integer",
    default: 4,
    unit: "guests",
    min: 1,
    max: 4096,
    help: "Guest domains (domU), one vif each; guest i is bridged to port i % nic.ports.",
    source: "T3: probably 4, one per port",
    slot: L.CFG_GUESTS,
  },
  {
    path: "guests.vcpus",
    kind: "integer",
    default: 1,
    unit: "VCPUs",
    min: 1,
    max: 64,
    help:
      "VCPUs per guest. VCPU0 takes the vif interrupt; the application's reader runs on the last VCPU, its " +
      "writers where guests.writerPlacement puts them.",
    source: "T4: likely 1",
    slot: L.CFG_GUEST_VCPUS,
  },
  {
    path: "guests.writerPlacement",
    kind: "enum",
    values: ["none", "spread", "app", "irq"],
    default: "spread",
    unit: "",
    help:
      "Writer threads of a guest's TCP streams (tcp_sendmsg in the writer's context, a send buffer it sleeps " +
      "on; iperf -P runs one per stream) and the guest VCPU each runs on: spread = writer j of a guest on its " +
      "VCPU j mod guests.vcpus, as fork balancing places new threads on idle CPUs; app = all on the " +
      "application's VCPU (the last); irq = all on VCPU0, which takes netfront's interrupt; none = no writers, " +
      "the simpler model of earlier versions: the copy is charged where the data is sent (for a window-bound " +
      "stream on the VCPU processing the ACK that opened the window), with unlimited data always queued.",
    source: "J10-J12; [I] placement (no migration afterwards)",
    slot: L.CFG_WRITER_PLACEMENT,
    encoding: {
      codes: {
        none: E.WRITER_PLACEMENT_NONE,
        spread: E.WRITER_PLACEMENT_SPREAD,
        app: E.WRITER_PLACEMENT_APP,
        irq: E.WRITER_PLACEMENT_IRQ,
      },
    },
  },
  {
    path: "guests.pcpus",
    kind: "intListList",
    default: null,
    nullable: true,
    unit: "PCPU ids",
    help:
      "PCPU each guest VCPU starts on, and is pinned to when guests.affinity is null (one array per guest); " +
      "null = the PCPUs dom0 does not start on, in order (again from the first when they run out), or each " +
      "guest's guests.affinity in turn.",
    source: "pinned 1:1 (T4)",
    via: "table",
  },
  {
    path: "guests.affinity",
    kind: "intListList",
    default: null,
    nullable: true,
    unit: "PCPU ids",
    help:
      "PCPUs each guest's VCPUs may run on (one array per guest, as xl cpus=); null = each VCPU pinned to its " +
      "guests.pcpus entry.",
    source: "F7: affinity bounds where a VCPU runs and where it may be stolen to",
    via: "table",
  },
  {
    path: "guests.weights",
    kind: "intList",
    default: null,
    nullable: true,
    unit: "",
    help: "Credit scheduler weight of each guest (1..65535); null = 256 for every guest.",
    source: "F6: CSCHED_DEFAULT_WEIGHT 256",
    via: "table",
  },
  {
    path: "guests.capsPercent",
    kind: "intList",
    default: null,
    nullable: true,
    unit: "% of a PCPU",
    help:
      "Credit scheduler cap of each guest in percent of one PCPU (0 = no cap; at most 100 x guests.vcpus); " +
      "null = no caps.",
    source: "F7: csched_acct caps and parks",
    via: "table",
  },
] as const satisfies readonly ParamSpec[];
