// Wires with delay and random loss, and external clients behind their own access links and a
// switch: analytic checks of TCP over them, reproducibility of loss, and the bounds that access
// links and switch buffers put on throughput.

import { describe, expect, it } from "vitest";
import { run, resolveConfig } from "../helpers.js";

const MSS = 1448; // MTU 1500 with timestamps (sources.md J4)
const DELAY_NS = 5_000_000; // one-way delay of the single-guest port: RTT 10 ms
const RTT_S = (2 * DELAY_NS) / 1e9;

describe("TCP over a lossy long path: Mathis et al. 1997", () => {
  // Mathis, Semke, Mahdavi, Ott: BW = MSS/RTT * C/sqrt(p), C = sqrt(3/(2b)) where b is the number
  // of segments each ACK covers in the window's growth. A Linux receiver with delayed ACKs
  // acknowledges every second segment, which with per-ACK window growth gives b = 2 and
  // C = sqrt(3/4) = 0.87. This model's sender grows cwnd by the segments an ACK covers (byte
  // counting, RFC 3465), so delayed ACKs do not slow its growth: b = 1 and C = sqrt(3/2) = 1.22,
  // the constant of the law checked here. The law assumes periodic loss and no timeouts: random
  // loss sometimes lets the window grow past the periodic maximum (raising the mean a little),
  // and SACK recovery keeps timeouts rare, so the ratio should sit near or a little above 1;
  // below 0.6 or above 1.3 would mean the recovery or the loss process is wrong (sources.md N1). The delay makes the RTT (10 ms) so that neither the 1 GbE wire (85x the p = 1e-4 rate)
  // nor the 1 MB receive buffer (4x the largest window) bounds the flow.
  const mathisGbps = (p: number): number => ((MSS * 8) / RTT_S) * Math.sqrt(3 / 2) / Math.sqrt(p) / 1e9;
  it.each([
    [1e-4, 60_000],
    [1e-3, 20_000],
    [1e-2, 10_000],
  ])("loss p = %s: goodput within [0.6, 1.3] of MSS/RTT * sqrt(3/2)/sqrt(p)", async (p, durationMs) => {
    // Durations give at least ~50 loss events at each rate.
    const r = await run("single-guest", { "nic.propagationDelayNs": DELAY_NS, "links.rxLossRate": p, durationMs, warmupMs: 2000 });
    expect(r.state).toBe("completed");
    expect(r.conservation.ok).toBe(true);
    expect(r.drops["wire_loss"]).toBeGreaterThan(50);
    const ratio = r.throughput.aggregateGbps / mathisGbps(p);
    expect(ratio).toBeGreaterThanOrEqual(0.6);
    expect(ratio).toBeLessThanOrEqual(1.3);
  }, 300_000);
});

describe("TCP without loss: the window/RTT law", () => {
  it.each([131072, 524288])("a receive buffer of %s bytes limits goodput to window/RTT within 3%", async (rcvBuf) => {
    const r = await run("single-guest", { "nic.propagationDelayNs": DELAY_NS, "tcp.rcvBufBytes": rcvBuf, durationMs: 2000, warmupMs: 500 });
    expect(r.conservation.ok).toBe(true);
    expect(r.events["tcpRetransmissions"]).toBe(0);
    const wnd = r.derived["tcpReceiveWindowMeanSegments"]!;
    const rttS = r.derived["tcpRttMeanUs"]! / 1e6;
    // The law, with the window the receiver advertised and the RTT the sender measured...
    const law = (wnd * MSS * 8) / rttS / 1e9;
    expect(Math.abs(r.throughput.aggregateGbps / law - 1)).toBeLessThan(0.03);
    // ...and those two against the configuration: the free buffer in whole segments (less the
    // one or two segments the application has not read yet when an ACK leaves), and the RTT the
    // delay sets (plus serialization and host time, well under 3% of 10 ms).
    expect(wnd).toBeGreaterThan(Math.floor(rcvBuf / MSS) * 0.97);
    expect(wnd).toBeLessThanOrEqual(Math.floor(rcvBuf / MSS));
    expect(rttS / RTT_S).toBeGreaterThanOrEqual(1);
    expect(rttS / RTT_S).toBeLessThan(1.03);
  }, 120_000);
});

describe("random loss is reproducible", () => {
  const o = { "links.rxLossRate": 1e-3, "links.txLossRate": 1e-3, durationMs: 200, warmupMs: 50 };
  it("the same seed loses the same frames; another seed loses others", async () => {
    const a = await run("paper-baseline", o, 7);
    const b = await run("paper-baseline", o, 7);
    const c = await run("paper-baseline", o, 8);
    expect(a.drops["wire_loss"]).toBeGreaterThan(0);
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.drops).toEqual(a.drops);
    expect(b.throughput).toEqual(a.throughput);
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });
  it("both directions lose frames, at about the configured rate", async () => {
    const rxOnly = await run("single-guest", { "links.rxLossRate": 0.01, durationMs: 200, warmupMs: 50 });
    const txOnly = await run("single-guest", { "links.txLossRate": 0.01, durationMs: 200, warmupMs: 50 });
    // Receive direction: data segments are lost, and recovered.
    expect(rxOnly.events["tcpRetransmissions"]).toBeGreaterThan(0);
    // Transmit direction: only ACKs leave the host here; losing them costs no retransmission
    // (later cumulative ACKs cover them), and the frames lost are about 1% of the ACKs.
    expect(txOnly.drops["wire_loss"]).toBeGreaterThan(0);
    const acks = txOnly.events["tcpAcksSent"]!;
    const lost = txOnly.drops["wire_loss"]!;
    expect(lost / acks).toBeGreaterThan(0.005);
    expect(lost / acks).toBeLessThan(0.02);
  });
  it("a loss probability outside [0, 1) is one clear error", () => {
    expect(() => resolveConfig("single-guest", { "links.rxLossRate": 1 })).toThrow(/^links\.rxLossRate: 1 is not allowed; expected a number >= 0 and < 1 probability$/);
    expect(() => resolveConfig("single-guest", { "links.txLossRate": -0.1 })).toThrow(/links\.txLossRate: -0\.1 is not allowed/);
    expect(() => resolveConfig("paper-baseline", { "links.portDelayNs": [1, 2] })).toThrow(/links\.portDelayNs: .* 4 delays in ns/);
  });
});

describe("per-port delays", () => {
  it("each port's wire has its own delay: the RTT of a port's flow follows it", async () => {
    const o = { durationMs: 300, warmupMs: 100, "links.portDelayNs": [1_000_000, 1_000_000, 1_000_000, 1_000_000] };
    const same = await run("paper-dispatch", o);
    const far = await run("paper-dispatch", { ...o, "links.portDelayNs": [1_000_000, 1_000_000, 1_000_000, 20_000_000] });
    // With a 1 MB window, 40 ms of RTT holds port 3's flow to about 1 MB / 40 ms = 0.2 Gb/s.
    const w = (1048576 / MSS) | 0;
    expect(far.throughput.perVm[3]!.goodputGbps).toBeLessThan(((w * MSS * 8) / 0.04 / 1e9) * 1.03);
    expect(far.throughput.perVm[0]!.goodputGbps).toBeGreaterThan(same.throughput.perVm[0]!.goodputGbps * 0.9);
    expect(same.throughput.perVm[3]!.goodputGbps).toBeGreaterThan(0.8);
  });
});

describe("external clients on access links into a switch port", () => {
  const tenOnTen = { "nic.rateGbps": 10, "nic.ports": 1, "guests.count": 10, "cpu.pcpus": 14, "clients.perPort": 10, durationMs: 300, warmupMs: 100 };
  it("10 clients on their own access links into one 10 GbE port: each flow is held to its access link's rate", async () => {
    const r = await run("paper-lro", { ...tenOnTen, "clients.accessRateGbps": 0.2 });
    expect(r.conservation.ok).toBe(true);
    // MSS payload per 1538 wire bytes at 0.2 Gb/s (sources.md J2), for every client's flow...
    const accessGoodput = (0.2 * MSS) / 1538;
    for (const v of r.throughput.perVm) {
      expect(v.goodputGbps).toBeLessThanOrEqual(accessGoodput * 1.001);
      expect(v.goodputGbps).toBeGreaterThan(accessGoodput * 0.97);
    }
    // ...and together they exceed what any one client could send.
    expect(r.throughput.aggregateGbps).toBeGreaterThan(9 * accessGoodput);
  });
  it("fewer clients than flows: the flows share their clients' access links", async () => {
    const r = await run("single-guest", { "nic.rateGbps": 10, "clients.perPort": 2, "clients.accessRateGbps": 0.25, "traffic.rxStreamsPerGuest": 6, durationMs: 300, warmupMs: 100 });
    expect(r.throughput.aggregateGbps).toBeLessThanOrEqual(((2 * 0.25 * MSS) / 1538) * 1.001);
    expect(r.throughput.aggregateGbps).toBeGreaterThan(((2 * 0.25 * MSS) / 1538) * 0.95);
  });
  it("a 10 GbE port sending to one 1 GbE client fills the switch buffer; TCP still fills the access link", async () => {
    const o = { "nic.rateGbps": 10, "clients.perPort": 1, "traffic.rxStreamsPerGuest": 0, "traffic.txStreamsPerGuest": 4, durationMs: 300, warmupMs: 100 };
    const r = await run("single-guest", o);
    expect(r.conservation.ok).toBe(true);
    expect(r.drops["switch_buffer_full"]).toBeGreaterThan(0);
    expect(r.throughput.perVm[0]!.txGoodputGbps).toBeGreaterThan(((1 * MSS) / 1538) * 0.97);
    // A smaller buffer drops more.
    const small = await run("single-guest", { ...o, "clients.switchBufferBytes": 16384 });
    expect(small.drops["switch_buffer_full"]!).toBeGreaterThan(r.drops["switch_buffer_full"]!);
  });
});
