// Traffic that differs per guest: bulk TCP in or out, UDP at a rate, idle, and TCP between two
// guests of the host through netback TX, the dom0 bridge and netback RX.

import { describe, expect, it } from "vitest";
import { run, rawRun, resolveConfig, dom0 } from "../helpers.js";

const short = { durationMs: 200, warmupMs: 50 };

describe("per-guest traffic profiles", () => {
  it("each guest of the mixed workload does what its profile says, and only that", async () => {
    const r = await run("mixed-workload", short);
    expect(r.conservation.ok).toBe(true);
    const [rx, tx, udp, rr] = r.throughput.perVm;
    expect(rx!.goodputGbps).toBeGreaterThan(0.8);
    expect(rx!.txGoodputGbps + rx!.udpGbps).toBe(0);
    expect(tx!.txGoodputGbps).toBeGreaterThan(0.8);
    expect(tx!.goodputGbps + tx!.udpGbps).toBe(0);
    // 20k packets/s of 512 B payload: 81.9 Mb/s offered, all of it delivered (Poisson: +-5%).
    expect(udp!.udpGbps).toBeGreaterThan(0.0819 * 0.95);
    expect(udp!.udpGbps).toBeLessThan(0.0819 * 1.05);
    expect(udp!.goodputGbps + udp!.txGoodputGbps).toBe(0);
    expect(rr!.goodputGbps + rr!.txGoodputGbps + rr!.udpGbps).toBe(0);
    expect(r.requestResponse.sessions).toBe(4);
    expect(r.requestResponse.transactionsPerSec).toBeGreaterThan(1000);
  });

  it("profiles add to the uniform streams: streams per guest as listed", async () => {
    const cfg = { ...short, "traffic.rxStreamsPerGuest": 1, "traffic.profiles": [{ guests: [2], kind: "tcp-rx", streams: 3 }] };
    const { w } = await rawRun("paper-dispatch", cfg);
    // Guests 0, 1 have flow 0 and 1; guest 2 flows 2..5; guest 3 flow 6: seven receivers run.
    for (let f = 0; f < 7; f++) expect(w.dbgTcpRcvNxt(f) >>> 0).toBeGreaterThan(100);
  });

  it("one busy guest among 8 idle gets what its vif's netback group allows", async () => {
    // The busy vif is in netback group 0 (least-loaded assignment), served by dom0 VCPU0, which
    // also takes the port's interrupts. Idle guests post their RX buffers and then cost nothing:
    // the busy guest gets exactly what it gets alone on the host, every bit of it, and only its
    // group's dom0 VCPU does netback work.
    const busy = await run("one-busy-eight-idle", short);
    const alone = await run("one-busy-eight-idle", { ...short, "guests.count": 1, "cpu.pcpus": 5, "traffic.profiles": [{ guests: [0], kind: "tcp-rx" }] });
    expect(busy.conservation.ok).toBe(true);
    expect(busy.throughput.perVm[0]!.goodputGbps).toBe(alone.throughput.perVm[0]!.goodputGbps);
    expect(busy.perf.eventsProcessed).toBe(alone.perf.eventsProcessed);
    const d = dom0(busy);
    expect(d[0]!.breakdown["netback"]).toBeGreaterThan(0);
    for (const c of d.slice(1)) expect(c.utilization).toBe(0);
    for (const v of busy.throughput.perVm.slice(1)) expect(v.goodputGbps).toBe(0);
    for (const c of busy.cpu.filter((c) => c.domain !== "dom0" && c.domain !== "domU0")) expect(c.utilization).toBe(0);
    // When its group-mates (guests 4 and 8) are busy too, they share the group with it.
    const all = await run("one-busy-eight-idle", { ...short, "traffic.profiles": [{ guests: [0, 1, 2, 3, 4, 5, 6, 7, 8], kind: "tcp-rx" }] });
    expect(all.throughput.perVm[0]!.goodputGbps).toBeLessThan(0.6 * busy.throughput.perVm[0]!.goodputGbps);
  });

  it("bad profiles are one clear error naming the field", () => {
    const p = (x: unknown) => () => resolveConfig("paper-baseline", { "traffic.profiles": [x] });
    expect(p({ guests: [9], kind: "tcp-rx" })).toThrow(/^traffic\.profiles\[0\]\.guests\[0\]: 9 is not allowed; expected a guest index from 0 to 3$/);
    expect(p({ guests: [0], kind: "tcp_rr" })).toThrow(/traffic\.profiles\[0\]\.kind: "tcp_rr" is not allowed/);
    expect(p({ guests: [0], kind: "udp-rx", ratePps: 0, process: "constant", payloadBytes: 100 })).toThrow(/traffic\.profiles\[0\]\.ratePps: 0/);
    expect(p({ guests: [0], kind: "idle", streams: 2 })).toThrow(/traffic\.profiles\[0\]\.streams: 2 is not allowed; expected no value/);
    expect(p({ guests: [0, 1], kind: "tcp-to-guest", peer: 1 })).toThrow(/traffic\.profiles\[0\]\.peer: 1 is not allowed/);
  });
});

describe("guest-to-guest traffic through the dom0 bridge", () => {
  const g2g = {
    ...short,
    "traffic.rxStreamsPerGuest": 0,
    "traffic.profiles": [{ guests: [0], kind: "tcp-to-guest", peer: 1, streams: 2 }],
  };
  it("conserves packets and never touches the NIC", async () => {
    const r = await run("paper-dispatch", g2g);
    expect(r.state).toBe("completed");
    expect(r.conservation.ok).toBe(true);
    expect(r.events["nicRxFrames"]).toBe(0);
    expect(r.events["nicTxFrames"]).toBe(0);
    expect(r.events["nicInterrupts"]).toBe(0);
    for (const c of r.cpu) expect(c.breakdown["nic"]).toBe(0);
    // Data leaves guest 0 through netback TX and enters guest 1 through netback RX (grant copy);
    // guest 1's ACKs take the way back.
    expect(r.events["netbackTxPackets"]).toBeGreaterThan(0);
    expect(r.events["netbackRxPackets"]).toBeGreaterThan(0);
    expect(r.events["grantCopyOps"]).toBeGreaterThan(0);
    expect(r.events["grantMapOps"]).toBeGreaterThan(0);
    const [a, b] = r.throughput.perVm;
    expect(b!.goodputGbps).toBeGreaterThan(0.5);
    // What guest 1 received is what guest 0 had acknowledged (within one window in flight).
    expect(Math.abs(a!.txGoodputGbps - b!.goodputGbps)).toBeLessThan(0.05 * b!.goodputGbps);
  });
  it("is not bounded by the 1 GbE wire: only dom0 and guest CPU set its rate", async () => {
    const r = await run("paper-dispatch", { ...g2g, "nic.rateGbps": 0.1 });
    expect(r.throughput.perVm[1]!.goodputGbps).toBeGreaterThan(0.5);
  });
});

describe("request/response (netperf TCP_RR-like)", () => {
  const rr = (profile: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    run("single-guest", { durationMs: 300, warmupMs: 50, "traffic.rxStreamsPerGuest": 0, "traffic.profiles": [{ guests: [0], kind: "rr", ...profile }], ...extra });
  it("reports transactions/s and transaction-time percentiles; a closed loop obeys Little's law", async () => {
    const r = await rr({});
    const q = r.requestResponse;
    expect(r.conservation.ok).toBe(true);
    expect(q.sessions).toBe(1);
    expect(q.transactions).toBeGreaterThan(1000);
    expect(q.transactionsPerSec).toBeCloseTo(q.transactions / 0.3, 6);
    expect(q.p50Us).toBeGreaterThan(0);
    expect(q.p50Us).toBeLessThanOrEqual(q.p90Us);
    expect(q.p90Us).toBeLessThanOrEqual(q.p99Us);
    // One transaction in flight, no think time: transactions/s = 1 / mean transaction time.
    expect(q.transactionsPerSec * q.meanUs * 1e-6).toBeGreaterThan(0.98);
    expect(q.transactionsPerSec * q.meanUs * 1e-6).toBeLessThanOrEqual(1.0001);
    // Every transaction is one request frame in and one response frame out through the NIC.
    expect(r.events["nicRxFrames"]).toBeGreaterThanOrEqual(q.transactions);
  });
  it("think time and several sessions: transactions/s = sessions / (transaction time + think time)", async () => {
    const r = await rr({ streams: 4, requestBytes: 200, responseBytes: 4000, thinkUs: 100 });
    const q = r.requestResponse;
    // A 4000-byte response is three frames; the transaction time includes their serialization.
    expect(q.meanUs).toBeGreaterThan(3 * 1538 * 8 * 1e-3);
    const law = 4 / ((q.meanUs + 100) * 1e-6);
    expect(q.transactionsPerSec / law).toBeGreaterThan(0.98);
    expect(q.transactionsPerSec / law).toBeLessThan(1.02);
  });
  it("a lost request or response is sent again after the retransmission timeout", async () => {
    const r = await rr({ streams: 4 }, { "links.rxLossRate": 0.01, "links.txLossRate": 0.01, durationMs: 1000 });
    expect(r.conservation.ok).toBe(true);
    expect(r.drops["wire_loss"]).toBeGreaterThan(0);
    expect(r.requestResponse.retransmissions).toBeGreaterThan(0);
    // A transaction that waited for the 200 ms RTO pulls the mean far above the median.
    expect(r.requestResponse.meanUs).toBeGreaterThan(10 * r.requestResponse.p50Us);
  });
});
