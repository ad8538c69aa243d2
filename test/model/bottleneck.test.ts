// The bottleneck diagnosis in every result: for every preset it names a resource at least 95%
// busy (a VCPU or a wire) or one of the other kinds (a dropping queue, a full receive window,
// none) with the numbers behind it; and the decision rules on hand-made results.
import { describe, expect, it } from "vitest";
import { run } from "../helpers.js";
import { presetNames } from "../../dist/src/config/presets.js";
import { diagnoseBottleneck, portGoodputCeilingGbps } from "../../dist/src/report/bottleneck.js";
import { resolveConfig } from "../../dist/src/config/schema.js";

describe("every preset's result carries a bottleneck with evidence", async () => {
  for (const name of presetNames) {
    it(name, async () => {
      const r = await run(name, { durationMs: 300 });
      const b = r.bottleneck;
      expect(["vcpu", "wire", "queue", "window", "none"]).toContain(b.kind);
      expect(b.evidence).toMatch(/\d/);
      if (b.kind === "vcpu") {
        const c = r.cpu.find((u) => `${u.domain}.${u.vcpu}` === b.where)!;
        // Busy, or runnable and waiting for a PCPU it shares with others (steal time).
        const demand = c.utilization + c.stealUs / (r.config.durationMs * 1e3);
        expect(demand).toBeGreaterThanOrEqual(0.95);
        expect(b.share).toBe(demand);
      } else if (b.kind === "wire") {
        expect(b.share).toBeGreaterThanOrEqual(0.95);
        expect(b.where).toMatch(/^port \d+$/);
      } else {
        for (const u of r.cpu) if (u.stealUs === 0) expect(u.utilization).toBeLessThan(0.95);
        if (b.kind === "queue") expect(r.drops[b.where]).toBeGreaterThan(0);
      }
    });
  }
});

describe("decision rules", () => {
  const cfg = resolveConfig("single-guest", {});
  const noWait = { count: 0, meanUs: 0, p50Us: 0, p90Us: 0, p99Us: 0, maxUs: 0 };
  const base = {
    config: cfg,
    cpu: [
      { domain: "dom0", vcpu: 0, pcpu: 0, utilization: 0.5, breakdown: { netback: 0.3, grant: 0.2 } as Record<string, number>, stealUs: 0, waitLatency: noWait },
      { domain: "domU0", vcpu: 0, pcpu: 4, utilization: 0.4, breakdown: { stack: 0.4 } as Record<string, number>, stealUs: 0, waitLatency: noWait },
    ],
    throughput: { aggregateGbps: 0.5, perVm: [{ vm: 0, goodputGbps: 0.5, txGoodputGbps: 0, udpGbps: 0, rxPackets: 0, eventsIn: 0 }] },
    drops: { vif_qdisc_full: 0 },
    events: { tcpRetransmissions: 0, tcpFastRecoveries: 0, tcpTimeouts: 0 },
    latency: { count: 1, meanUs: 100, p50Us: 100, p99Us: 100, maxUs: 100 },
    conservation: { injected: 1000, delivered: 1000, dropped: 0, inFlight: 0, ok: true },
    derived: {},
  };
  it("a VCPU at 95% or more wins, with its largest component", () => {
    const b = diagnoseBottleneck({ ...base, cpu: [{ ...base.cpu[0]!, utilization: 0.97 }, base.cpu[1]!] });
    expect(b.kind).toBe("vcpu");
    expect(b.where).toBe("dom0.0");
    expect(b.evidence).toContain("netback");
  });
  it("a VCPU busy 60% and waiting 38% for its shared PCPU wants it 98% of the time: it wins", () => {
    const stealUs = 0.38 * cfg.durationMs * 1e3;
    const b = diagnoseBottleneck({ ...base, cpu: [{ ...base.cpu[0]!, utilization: 0.6, stealUs }, base.cpu[1]!] });
    expect(b.kind).toBe("vcpu");
    expect(b.where).toBe("dom0.0");
    expect(b.share).toBeCloseTo(0.98, 9);
    expect(b.evidence).toMatch(/60\.0% busy and 38\.0% runnable waiting for its shared PCPU/);
  });
  it("a port at its TCP goodput ceiling is the wire", () => {
    const ceil = portGoodputCeilingGbps(1, 1500, true);
    expect(ceil).toBeCloseTo((1 * 1448) / 1538, 6);
    const b = diagnoseBottleneck({ ...base, throughput: { aggregateGbps: ceil, perVm: [{ vm: 0, goodputGbps: ceil, txGoodputGbps: 0, udpGbps: 0, rxPackets: 0, eventsIn: 0 }] } });
    expect(b.kind).toBe("wire");
  });
  it("goodput a guest receives only from another guest (tcp-to-guest) crosses no port: never the wire", () => {
    const ceil = portGoodputCeilingGbps(1, 1500, true);
    const intraHost = {
      ...cfg,
      traffic: { ...cfg.traffic, rxStreamsPerGuest: 0, profiles: [{ guests: [1], kind: "tcp-to-guest" as const, streams: 1, peer: 0 }] },
    };
    const perVm = [{ vm: 0, goodputGbps: 2 * ceil, txGoodputGbps: 0, udpGbps: 0, rxPackets: 0, eventsIn: 0 }];
    const b = diagnoseBottleneck({ ...base, config: intraHost, throughput: { aggregateGbps: 2 * ceil, perVm } });
    expect(b.kind).not.toBe("wire");
  });
  it("drops with TCP retransmissions in the interval are a queue; drops without are not", () => {
    const lossy = diagnoseBottleneck({ ...base, drops: { vif_qdisc_full: 40 }, events: { ...base.events, tcpRetransmissions: 12, tcpFastRecoveries: 3 } });
    expect(lossy.kind).toBe("queue");
    expect(lossy.where).toBe("vif_qdisc_full");
    expect(lossy.share).toBeCloseTo(0.04, 9);
    const warmupOnly = diagnoseBottleneck({ ...base, drops: { vif_qdisc_full: 40 } });
    expect(warmupOnly.kind).not.toBe("queue");
  });
  it("vif qdisc drops behind a vif queue that stops every few dozen frames name the request hand-off", () => {
    const events = { ...base.events, tcpRetransmissions: 12, tcpFastRecoveries: 3, vifQueueStops: 100, netbackRxPackets: 8500 };
    const b = diagnoseBottleneck({ ...base, drops: { vif_qdisc_full: 40 }, events });
    expect(b.kind).toBe("queue");
    expect(b.where).toBe("vif_qdisc_full");
    // 64 posted, 20 in reserve: 45 frames per refill, and the reserve keeps rx_target from doubling.
    expect(b.evidence).toContain("every 85 frames");
    expect(b.evidence).toContain("keeps 20 of the requests");
    expect(b.evidence).toContain("at most 45 frames cross per refill");
    expect(b.evidence).toContain("fewer than 16 are unanswered");
    expect(b.evidence).toContain("dom0.0 50.0%, domU0.0 40.0%");
    // rx_target 80 (the pvops default) can double past the reserve; a queue that rarely stops is not named.
    const pvops = resolveConfig("single-guest", { "netfront.rxTargetMin": 80, "netfront.rxTargetDefault": 80 });
    const b80 = diagnoseBottleneck({ ...base, config: pvops, drops: { vif_qdisc_full: 40 }, events });
    expect(b80.evidence).toContain("at most 61 frames cross per refill");
    expect(b80.evidence).not.toContain("unanswered");
    const rare = diagnoseBottleneck({ ...base, drops: { vif_qdisc_full: 40 }, events: { ...events, vifQueueStops: 10 } });
    expect(rare.evidence).not.toContain("netbk_queue_full");
  });
  it("in-flight bytes near the receive window are a window limit; far below it, none", () => {
    // 0.5 Gb/s = 62.5 bytes/us; a 1 MiB window is full at ~16.8 ms of round trip.
    const full = diagnoseBottleneck({ ...base, latency: { ...base.latency, meanUs: 16000 } });
    expect(full.kind).toBe("window");
    const idle = diagnoseBottleneck(base);
    expect(idle.kind).toBe("none");
    // The senders' measured RTT and offered window, when the run has them, take precedence.
    const measured = diagnoseBottleneck({ ...base, derived: { tcpRttMeanUs: 20000, tcpReceiveWindowMeanSegments: 800 } });
    expect(measured.kind).toBe("window");
    expect(measured.evidence).toContain("20000 us");
    expect(idle.evidence).toContain("protocol-limited");
  });
  it("streams between guests (tcp-to-guest) are flows of the window check too", () => {
    // One stream from guest 1 to guest 0, 0.5 Gb/s received by guest 0, 20 ms round trip: 1.25 MB in
    // flight against an offered window of 800 segments (1.16 MB).
    const intraHost = {
      ...cfg,
      traffic: { ...cfg.traffic, rxStreamsPerGuest: 0, profiles: [{ guests: [1], kind: "tcp-to-guest" as const, streams: 1, peer: 0 }] },
    };
    const derived = { tcpRttMeanUs: 20000, tcpReceiveWindowMeanSegments: 800 };
    const full = diagnoseBottleneck({ ...base, config: intraHost, derived });
    expect(full.kind).toBe("window");
    expect(full.evidence).toContain("each of 1 flows");
    const far = diagnoseBottleneck({ ...base, config: intraHost, derived: { ...derived, tcpRttMeanUs: 2000 } });
    expect(far.kind).toBe("none");
    expect(far.evidence).toContain("protocol-limited");
  });
});
