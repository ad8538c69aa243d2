// GRO in the external receivers (clients.gro.enabled), against the Linux code it follows:
//  - the receiver's NIC interrupts at most clients.gro.intsPerSec times a second (ixgbe's bulk
//    class, 8000/s); each NAPI poll passes the frames that arrived since the last one through
//    napi_gro_receive and flushes what it holds when it completes;
//  - skb_gro_receive (Linux 2.6.29-3.18) appends one page fragment per segment and refuses a
//    segment past MAX_SKB_FRAGS = 17 fragments, so an aggregate holds at most 17 segments;
//  - __tcp_ack_snd_check sends one ACK for an skb holding more than one segment: one ACK per
//    aggregate, where a receiver without GRO ACKs every second segment.
// One guest sending four streams on one 10 GbE port with GSO across the vif (64 KB skbs cut into
// frames by the NIC), as in the single-queue transmit result of the validation suite.
import { beforeAll, describe, expect, it } from "vitest";
import { configErrorOf, run, type SimResult } from "../helpers.js";

const TX10G = {
  "nic.rateGbps": 10,
  "traffic.rxStreamsPerGuest": 0,
  "traffic.txStreamsPerGuest": 4,
  "netfront.gso.tx": true,
  "netback.txGrantCopy": true,
  durationMs: 60,
  warmupMs: 20,
};

function measure(r: SimResult) {
  const e = r.events;
  return {
    gbps: r.throughput.perVm[0]!.txGoodputGbps,
    segs: e["tcpSegmentsSent"]!,
    acks: e["tcpAcksSent"]!,
    polls: e["externalRxPolls"]!,
    skbs: e["externalGroSkbs"]!,
    ms: r.config.durationMs + r.config.warmupMs,
  };
}

describe("GRO in the external receiver of a guest's 10 GbE transmit", () => {
  let off: ReturnType<typeof measure>;
  let on: ReturnType<typeof measure>;
  let on45: ReturnType<typeof measure>;
  beforeAll(async () => {
    off = measure(await run("single-guest", TX10G));
    on = measure(await run("single-guest", { ...TX10G, "clients.gro.enabled": true }));
    on45 = measure(await run("single-guest", { ...TX10G, "clients.gro.enabled": true, "clients.gro.maxSegments": 45 }));
  });

  it("without GRO the receiver ACKs every second segment and never polls", () => {
    expect(off.polls).toBe(0);
    expect(off.skbs).toBe(0);
    expect(off.acks / off.segs).toBeGreaterThan(0.45);
    expect(off.acks / off.segs).toBeLessThan(0.55);
  });

  it("with GRO it ACKs once per aggregate, and an aggregate holds at most 17 segments", () => {
    // Every aggregate of more than one segment is acknowledged at once; lone segments wait for
    // the next one or the delayed-ACK timer, so ACKs never outnumber aggregates.
    expect(on.acks).toBeLessThanOrEqual(on.skbs);
    expect(on.acks).toBeGreaterThan(0.9 * on.skbs);
    expect(on.segs / on.skbs).toBeGreaterThan(8);
    expect(on.segs / on.skbs).toBeLessThanOrEqual(17);
    expect(on.acks / on.segs).toBeLessThan(0.15);
  });

  it("the receiver's NIC interrupts no more than 8000 times a second", () => {
    expect(on.polls).toBeGreaterThan(0);
    expect(on.polls).toBeLessThanOrEqual(Math.ceil((on.ms * 8000) / 1000) + 1);
  });

  it("with Linux 3.19's limit (64 KB, 45 segments) aggregates grow past 17 segments", () => {
    expect(on45.segs / on45.skbs).toBeGreaterThan(17);
    expect(on45.acks).toBeLessThan(on.acks);
  });

  it("each client behind a switch is a receiver of its own, and every segment is accounted for", async () => {
    const r = await run("single-guest", {
      ...TX10G,
      "traffic.rxStreamsPerGuest": 2,
      "traffic.txStreamsPerGuest": 3,
      "clients.perPort": 3,
      "clients.accessRateGbps": 1,
      "clients.gro.enabled": true,
    });
    expect(r.conservation.ok).toBe(true);
    // Three clients, each with its own NIC: up to 8000 polls a second each.
    const polls = r.events["externalRxPolls"]!;
    expect(polls).toBeGreaterThan((r.config.durationMs * 8000) / 1000);
    expect(polls).toBeLessThanOrEqual(3 * (Math.ceil(((r.config.durationMs + r.config.warmupMs) * 8000) / 1000) + 1));
    expect(r.events["externalGroSkbs"]!).toBeGreaterThan(0);
  });

  it("rejects a segment limit outside 1..45", () => {
    expect(configErrorOf("single-guest", { "clients.gro.maxSegments": 0 }).message).toMatch(
      /clients\.gro\.maxSegments/,
    );
  });
});
