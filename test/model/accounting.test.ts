// Accounting at the edges of the measured interval: busy time of jobs that straddle an edge is
// split there (in both directions), late-charged work (event-channel rebinding) counts only when
// it runs inside the interval, and goodput counts only data that entered the network within the
// interval, so no VCPU reads above 100 % and no interval, however short, beats the line rate.

import { describe, expect, it } from "vitest";
import { simulate } from "../helpers.js";

describe("utilization at the interval's edges", () => {
  it("a job that spans the whole measured interval counts as 100 %, not 0 %", async () => {
    // One NIC interrupt costs 40 ms of CPU at 2.5 GHz; the measured interval is 20 ms.
    const r = await simulate({ preset: "paper-baseline", costs: { nicIrqCycles: 1e8 }, durationMs: 20 });
    expect(r.state, r.error).toBe("completed");
    const dom0 = r.cpu.filter((c) => c.domain === "dom0");
    expect(Math.max(...dom0.map((c) => c.utilization))).toBe(1);
    for (const c of r.cpu) {
      expect(c.utilization).toBeGreaterThanOrEqual(0);
      expect(c.utilization).toBeLessThanOrEqual(1);
      const sum = Object.values(c.breakdown).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(c.utilization, 12);
    }
  });

  it("the dynamic balancer's rebind cost is time on VCPU0, bounded by the interval", async () => {
    const r = await simulate({
      preset: "paper-baseline",
      evtchn: { dispatch: "dynamic" },
      costs: { rebindCycles: 1e9 },
      durationMs: 300,
    });
    expect(r.state, r.error).toBe("completed");
    const v0 = r.cpu.find((c) => c.domain === "dom0" && c.vcpu === 0)!;
    expect(v0.utilization).toBeGreaterThan(0.5); // 0.4 s of rebinding per moved port keeps it busy
    for (const c of r.cpu) expect(c.utilization).toBeLessThanOrEqual(1);
  });

  it("a saturated VCPU reads exactly 1, never 1 plus rounding", async () => {
    const r = await simulate(
      {
        preset: "paper-baseline",
        durationMs: 0.01,
        warmupMs: 0,
        guests: { count: 6 },
        dom0: { vcpus: 3 },
        cpu: { pcpus: 11 },
        nic: { ports: 1, itr: { mode: "fixed" } },
        netback: { groups: 4, frontendCanQueue: false },
        traffic: {
          udp: [{ guest: 0, ratePps: 1e6, process: "constant", payloadBytes: 1228 }],
          txStreamsPerGuest: 1024,
        },
        netfront: { lro: { maxAggr: 19, descriptors: 1024 } },
        tcp: { initialCwndSegments: 1000, rtoMinMs: 1 },
        costs: { netbackTxResponseCycles: 1, softirqEntryCycles: 1 },
      },
      { memoryLimitBytes: 4 * 2 ** 30 },
    );
    expect(r.state, r.error).toBe("completed");
    for (const c of r.cpu) expect(c.utilization).toBeLessThanOrEqual(1);
  });
});

describe("utilization of a run that stops early", () => {
  // An errored run is reported over the time it ran: from its start when it stopped during the
  // warm-up, from the end of the warm-up otherwise, up to the cycle it stopped at.
  it.each([
    ["during the warm-up", { preset: "paper-baseline", packetPoolPackets: 64 }],
    ["after the warm-up", { preset: "paper-lro", packetPoolPackets: 600, warmupMs: 0.5, durationMs: 30 }],
  ])("stopping %s, every VCPU reads within [0, 1] and the busy ones above 0", async (_when, config) => {
    const r = await simulate(config);
    expect(r.state).toBe("errored");
    expect(r.error).toMatch(/packet pool exhausted/);
    for (const c of r.cpu) {
      expect(c.utilization).toBeGreaterThanOrEqual(0);
      expect(c.utilization).toBeLessThanOrEqual(1);
    }
    expect(Math.max(...r.cpu.map((c) => c.utilization))).toBeGreaterThan(0.01);
  });
});

describe("goodput at the interval's edges", () => {
  it("data queued before a short interval does not count in it: goodput stays under the line rate", async () => {
    const r = await simulate({
      preset: "paper-lro",
      seed: 4294967276,
      durationMs: 0.01,
      warmupMs: 2,
      guests: { count: 5 },
      cpu: { pcpus: 9 },
      nic: { ports: 2 },
      traffic: {
        udp: [
          { guest: 0, ratePps: 1e6, process: "poisson", payloadBytes: 1 },
          { guest: 1, ratePps: 59152.3, process: "poisson", payloadBytes: 4355 },
        ],
      },
      kernel: { netdevMaxBacklog: 1000000 },
    });
    expect(r.state, r.error).toBe("completed");
    const rx = r.throughput.perVm.reduce((a, v) => a + v.goodputGbps + v.udpGbps, 0);
    expect(rx).toBeLessThanOrEqual(r.config.nic.ports * r.config.nic.rateGbps);
  });

  it("a frame longer than the interval never counts in it: its first bit arrived before the interval", async () => {
    // 65507-byte datagrams take about 0.5 ms on a 1 Gb/s wire; the interval is 0.1 ms.
    const udp = [{ guest: 0, ratePps: 1500, process: "constant", payloadBytes: 65507 }];
    const r = await simulate({
      preset: "single-guest",
      durationMs: 0.1,
      warmupMs: 3,
      traffic: { udp, rxStreamsPerGuest: 0 },
    });
    expect(r.state, r.error).toBe("completed");
    expect(r.throughput.perVm[0]!.udpGbps).toBe(0);
    // Over a long interval the same source is counted at its rate.
    const long = await simulate({
      preset: "single-guest",
      durationMs: 50,
      warmupMs: 3,
      traffic: { udp, rxStreamsPerGuest: 0 },
    });
    expect(long.throughput.perVm[0]!.udpGbps).toBeGreaterThan(0.9 * ((1500 * 65507 * 8) / 1e9));
    expect(long.throughput.perVm[0]!.udpGbps).toBeLessThanOrEqual(1);
  });

  it("guest-to-guest data counts from when it was sent, and has no NIC-to-application latency", async () => {
    const profiles = [{ guests: [1], kind: "tcp-to-guest", peer: 0 }];
    const r = await simulate({
      preset: "paper-baseline",
      durationMs: 20,
      warmupMs: 0,
      traffic: { rxStreamsPerGuest: 0, profiles },
    });
    expect(r.state, r.error).toBe("completed");
    expect(r.throughput.perVm[0]!.goodputGbps).toBeGreaterThan(0.1);
    expect(r.latency.count).toBe(0);
  });

  it("charges past 2^53 cycles are summed exactly: a saturated VCPU reads 1, not 1 plus rounding", async () => {
    // 48 flows send 919-segment initial windows at 1e9 cycles per byte: 6e16 cycles charged.
    const r = await simulate({
      preset: "single-guest",
      durationMs: 1.94188,
      warmupMs: 0,
      tcp: { initialCwndSegments: 919 },
      traffic: { rxStreamsPerGuest: 0, txStreamsPerGuest: 48 },
      costs: { stackTxPerByteCycles: 1e9 },
    });
    expect(r.state, r.error).toBe("completed");
    expect(Math.max(...r.cpu.map((c) => c.utilization))).toBe(1);
  });

  it("data sent by the guests before a short interval does not count in it either", async () => {
    // Fuzz case: 70 flows from the guests acked in a 0.01 ms interval read 11.6 Gb/s on 2 Gb/s.
    const r = await simulate({
      preset: "paper-lro",
      seed: 4294967275,
      durationMs: 0.01,
      warmupMs: 2,
      dom0: { vcpus: 3 },
      cpu: { pcpus: 9 },
      guests: { count: 5 },
      nic: { ports: 2, rxQueuesPerPort: 3 },
      netback: { groups: 3, queueLenPackets: 1 },
      traffic: {
        udp: [{ guest: 0, ratePps: 1e6, process: "poisson", payloadBytes: 65507 }],
        profiles: [{ guests: [0, 2, 3, 4, 1], kind: "tcp-tx", streams: 14 }],
      },
      costs: { timerCycles: 1 },
    });
    expect(r.state, r.error).toBe("completed");
    const tx = r.throughput.perVm.reduce((a, v) => a + v.txGoodputGbps, 0);
    expect(tx).toBeLessThanOrEqual(r.config.nic.ports * r.config.nic.rateGbps);
  });
});

describe("a driver's xmit is charged once per packet, also for one that waits in a stopped queue", () => {
  // A qdisc enqueues a packet, and later dequeues it and calls the driver's hard_start_xmit once
  // (qdisc_restart); while the queue is stopped it only holds it. With every other cost of the
  // component at 0, the component's cycles divided by the xmit cost count the xmit calls.
  const others = {
    netbackRxPacketCycles: 0,
    netbackTxPacketCycles: 0,
    netbackTxResponseCycles: 0,
    taskletRunCycles: 0,
    netbackIntCycles: 0,
    netfrontIrqCycles: 0,
    netfrontRxPacketCycles: 0,
    netfrontRefillBufferCycles: 0,
    netfrontTxGcPacketCycles: 0,
  };
  const cycles = (r: Awaited<ReturnType<typeof simulate>>, comp: "netback" | "netfront") =>
    r.cpu.reduce((s, c) => s + (c.breakdown[comp] ?? 0), 0) *
    r.config.cpu.frequencyGHz *
    1e9 *
    (r.config.durationMs / 1000);

  it("netback's start_xmit, for frames held in the vif qdisc while the ring lacks requests", async () => {
    // One guest on 10 GbE with the 500-packet vif queue: netback stops the queue after every
    // refill's 45 frames (sources.md D13), so nearly every frame waits in the qdisc.
    const r = await simulate({
      preset: "single-guest",
      nic: { rateGbps: 10 },
      netback: { queueLenPackets: 500 },
      tcp: { lowLatency: false },
      costs: others,
      durationMs: 200,
    });
    expect(r.state, r.error).toBe("completed");
    expect(r.events.vifQueueStops).toBeGreaterThan(r.events.netbackRxPackets! / 100);
    const calls = cycles(r, "netback") / r.config.costs.netbackStartXmitCycles;
    expect(calls / r.events.netbackRxPackets!).toBeGreaterThan(0.99);
    expect(calls / r.events.netbackRxPackets!).toBeLessThan(1.01);
  });

  it("netfront's network_start_xmit, for segments held in the guest qdisc while the TX ring is full", async () => {
    const r = await simulate({
      preset: "single-guest",
      traffic: { rxStreamsPerGuest: 0, txStreamsPerGuest: 1 },
      costs: others,
      durationMs: 200,
    });
    expect(r.state, r.error).toBe("completed");
    // Every segment the guest sends goes through netfront (there is no receive traffic to ACK).
    const calls = cycles(r, "netfront") / r.config.costs.netfrontTxPacketCycles;
    expect(calls / r.events.netbackTxPackets!).toBeGreaterThan(0.99);
    expect(calls / r.events.netbackTxPackets!).toBeLessThan(1.01);
  });
});
