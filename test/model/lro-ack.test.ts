// What inet_lro in netfront saves and what it does not, and the ACKs the guest sends, against the
// Linux code the model follows:
//  - net/ipv4/tcp_input.c, __tcp_ack_snd_check(): an ACK goes out at once when more than one
//    full frame (rcv_mss) is unacknowledged, otherwise the delayed-ACK timer is armed; so one ACK
//    per two full segments without LRO;
//  - net/ipv4/inet_lro.c, lro_flush(): the aggregate's gso_size is set to the segment MSS, so
//    tcp_measure_rcv_mss() keeps rcv_mss at one MSS and every aggregate of two or more segments
//    is acknowledged at once: one ACK per aggregate;
//  - LRO hands the stack one skb per aggregate (per-skb IP/TCP work is paid once per aggregate),
//    but every frame is still one grant copy in dom0, one RX response in netfront, and every
//    payload byte is still copied to the application.
// One guest on one 1 GbE port: the wire caps both runs at the same goodput, so per-segment costs
// compare like for like.
import { beforeAll, describe, expect, it } from "vitest";
import { run, type SimResult } from "../helpers.js";
import { PARAM_BY_PATH } from "../../dist/src/config/params.js";

const cost = (name: string): number => PARAM_BY_PATH.get(`costs.${name}`)!.default as number;

function perSegment(r: SimResult) {
  const e = r.events;
  const segs = e["netbackRxPackets"]!;
  const guest = r.cpu.find((c) => c.domain === "domU0")!;
  const cycles = r.config.durationMs * 1e-3 * r.config.cpu.frequencyGHz * 1e9;
  const comp = (k: string): number => ((guest.breakdown[k] ?? 0) * cycles) / segs;
  const bytes = r.throughput.aggregateGbps * 1e9 / 8 * r.config.durationMs * 1e-3;
  return {
    segs,
    acksPerSeg: e["tcpAcksSent"]! / segs,
    aggregates: e["lroAggregates"]!,
    segsPerAggr: r.derived["segmentsPerLroAggregate"]!,
    copyOpsPerSeg: e["grantCopyOps"]! / segs,
    stack: comp("stack"),
    netfront: comp("netfront"),
    appPerByte: ((guest.breakdown["app"] ?? 0) * cycles) / bytes,
  };
}

describe("LRO in netfront: one guest, 1 GbE, wire-bound", () => {
  let off: ReturnType<typeof perSegment>;
  let on: ReturnType<typeof perSegment>;
  beforeAll(async () => {
    const a = await run("single-guest", { "netfront.lro.enabled": false });
    const b = await run("single-guest", { "netfront.lro.enabled": true });
    expect(a.bottleneck.kind).toBe("wire");
    expect(b.bottleneck.kind).toBe("wire");
    off = perSegment(a);
    on = perSegment(b);
  });

  it("without LRO the guest ACKs every second full segment (tcp_input.c)", () => {
    expect(off.acksPerSeg).toBeGreaterThan(0.48);
    expect(off.acksPerSeg).toBeLessThan(0.53);
  });
  it("with LRO the guest sends one ACK per aggregate (inet_lro.c keeps rcv_mss at one MSS)", () => {
    expect(on.segsPerAggr).toBeGreaterThan(2);
    expect(on.acksPerSeg * on.segs / on.aggregates).toBeGreaterThan(0.95);
    expect(on.acksPerSeg * on.segs / on.aggregates).toBeLessThan(1.05);
  });
  it("saves the per-skb stack work: stack cycles per segment = per-skb cost / segments per skb + ACKs sent", () => {
    for (const [m, segsPerSkb] of [[off, 1], [on, on.segsPerAggr]] as const) {
      const expected = cost("stackRxPacketCycles") / segsPerSkb + m.acksPerSeg * cost("stackTxPacketCycles");
      expect(Math.abs(m.stack - expected) / expected).toBeLessThan(0.03);
    }
    expect(on.stack).toBeLessThan(off.stack / 2);
  });
  it("does not save per-frame grant copies in dom0, per-frame netfront work, or the per-byte copy to the application", () => {
    expect(off.copyOpsPerSeg).toBeCloseTo(1, 2);
    expect(on.copyOpsPerSeg).toBeCloseTo(1, 2);
    // netfront: what is left after its ACK transmit work is the per-frame RX work, unchanged.
    const ackTx = cost("netfrontTxPacketCycles") + cost("netfrontTxGcPacketCycles");
    const rxOff = off.netfront - off.acksPerSeg * ackTx;
    const rxOn = on.netfront - on.acksPerSeg * ackTx;
    expect(rxOff).toBeGreaterThanOrEqual(cost("netfrontRxPacketCycles"));
    expect(Math.abs(rxOn - rxOff) / rxOff).toBeLessThan(0.1);
    expect(Math.abs(on.appPerByte - off.appPerByte) / off.appPerByte).toBeLessThan(0.02);
  });
});
