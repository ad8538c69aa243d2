// Direct assignment [V14, H6-H8]: guests that own an SR-IOV virtual function receive and send
// through their own VF driver and queues; dom0 is not on their data path.

import { describe, expect, it } from "vitest";
import { run, resolveConfig, dom0 } from "../helpers.js";

const short = { durationMs: 200, warmupMs: 50 };

/** Counters that only the split driver's dom0 half can move. */
const DOM0_PATH = [
  "netbackRxPackets",
  "netbackTxPackets",
  "netbackRxRuns",
  "netbackTxRuns",
  "grantCopyOps",
  "grantMapOps",
  "grantUnmapOps",
  "hypercalls",
  "notifyNetbackRx",
  "notifyNetbackTx",
  "notifyNetfrontTx",
  "notifyNetfrontRx",
  "napiPollsDom0",
  "taskletSchedules",
];

describe("SR-IOV virtual functions [V14]", () => {
  it("conserves packets with dom0 off the data path: its netback counters and CPU stay zero", async () => {
    const r = await run("io-sriov", short);
    expect(r.state).toBe("completed");
    expect(r.conservation.ok).toBe(true);
    for (const name of DOM0_PATH) expect(r.events[name], name).toBe(0);
    for (const c of dom0(r)) expect(c.utilization).toBe(0);
    // The NIC moved every frame, each guest took its VF's interrupts and ran its own driver.
    expect(r.events["nicRxFrames"]).toBeGreaterThan(100_000);
    expect(r.events["nicTxFrames"]).toBeGreaterThan(10_000);
    for (const v of r.throughput.perVm) {
      expect(v.eventsIn).toBeGreaterThan(0);
      expect(v.rxPackets).toBeGreaterThan(0);
    }
    for (const c of r.cpu.filter((c) => c.domain !== "dom0")) {
      expect(c.breakdown["nic"]).toBeGreaterThan(0);
      expect(c.breakdown["netfront"]).toBe(0);
    }
    // Four receivers on one 10 GbE port reach its TCP ceiling (9.415 Gb/s at MTU 1500 with timestamps).
    expect(r.throughput.aggregateGbps).toBeGreaterThan(0.95 * 9.415);
    expect(r.throughput.aggregateGbps).toBeLessThanOrEqual(9.415);
  });

  it("the same workload through the split driver keeps dom0 busy and stays far below", async () => {
    const split = await run("io-split", short);
    expect(split.conservation.ok).toBe(true);
    expect(split.events["netbackRxPackets"]).toBeGreaterThan(0);
    expect(dom0(split)[0]!.utilization).toBeGreaterThan(0.9);
    expect(split.throughput.aggregateGbps).toBeLessThan(0.5 * 9.415);
  });

  it("VF guests and split-driver guests side by side: only the latter reach dom0", async () => {
    // Guests 0 and 1 own VFs, 2 and 3 use netfront; the VF guests receive, send and serve
    // requests, the split-driver guests are idle: dom0 does nothing at all.
    const vfOnly = {
      ...short,
      "nic.sriov.guests": 2,
      "traffic.rxStreamsPerGuest": 0,
      "traffic.profiles": [
        { guests: [0], kind: "tcp-rx", streams: 1 },
        { guests: [0], kind: "tcp-tx", streams: 1 },
        { guests: [1], kind: "rr", streams: 2 },
        { guests: [1], kind: "udp-rx", ratePps: 20000, process: "poisson", payloadBytes: 512 },
        { guests: [2, 3], kind: "idle" },
      ],
    };
    const r = await run("paper-baseline", vfOnly);
    expect(r.conservation.ok).toBe(true);
    for (const name of DOM0_PATH) expect(r.events[name], name).toBe(0);
    for (const c of dom0(r)) expect(c.utilization).toBe(0);
    const [g0, g1] = r.throughput.perVm;
    expect(g0!.goodputGbps).toBeGreaterThan(0.5);
    expect(g0!.txGoodputGbps).toBeGreaterThan(0.5);
    expect(g1!.udpGbps).toBeGreaterThan(0.07);
    expect(r.requestResponse.transactionsPerSec).toBeGreaterThan(1000);
    // With every guest busy, dom0 carries exactly the split-driver guests' packets.
    const mixed = await run("paper-baseline", { ...short, "nic.sriov.guests": 2 });
    expect(mixed.conservation.ok).toBe(true);
    const [m0, m1, m2, m3] = mixed.throughput.perVm;
    for (const v of [m0, m1, m2, m3]) expect(v!.goodputGbps).toBeGreaterThan(0.5);
    // netback delivered what guests 2 and 3 took from their rings, less what sat in them at the edges.
    const viaNetback = m2!.rxPackets + m3!.rxPackets;
    expect(Math.abs(mixed.events["netbackRxPackets"]! - viaNetback)).toBeLessThan(0.01 * viaNetback);
  });

  it("refuses more SR-IOV guests than guests, or than a port's VFs, and VFs in guest-to-guest flows", () => {
    const cfg = (o: Record<string, unknown>) => () => resolveConfig("paper-baseline", o);
    expect(cfg({ "nic.sriov.guests": 5 })).toThrow(
      /^nic\.sriov\.guests: 5 is not allowed; expected at most guests\.count \(4\)$/,
    );
    // 16 guests on one port: 8 VF guests need 8 VFs of an 82576 port, which offers 7.
    const many = { "guests.count": 16, "cpu.pcpus": 20, "nic.ports": 1 };
    expect(cfg({ ...many, "nic.sriov.guests": 8 })).toThrow(
      /^nic\.sriov\.guests: 8 is not allowed; expected at most 7 \(nic\.ports 1 x nic\.sriov\.vfsPerPort 7\): 8 guests would share port 0, which offers 7 VFs$/,
    );
    expect(cfg({ ...many, "nic.sriov.guests": 8, "nic.sriov.vfsPerPort": 63 })).not.toThrow();
    expect(cfg({ ...many, "nic.sriov.guests": 7 })).not.toThrow();
    expect(cfg({ "nic.sriov.vfsPerPort": 0 })).toThrow(/^nic\.sriov\.vfsPerPort: 0 is not allowed/);
    const g2g = { "nic.sriov.guests": 1, "traffic.profiles": [{ guests: [2], kind: "tcp-to-guest", peer: 0 }] };
    expect(cfg(g2g)).toThrow(/^traffic\.profiles\[0\]: "tcp-to-guest" is not allowed; expected guests without a VF/);
  });
});
