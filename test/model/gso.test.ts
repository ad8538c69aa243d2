// GSO/TSO across the virtual interface, against the code the model follows:
//  - tcp_write_xmit with TSO (net/ipv4/tcp_output.c): the guest's TCP hands netfront skbs of up to
//    the size goal, (GSO_MAX_SIZE - 1 - IP and TCP headers) / MSS = 45 segments at MSS 1448; the
//    stack's per-skb transmit work is paid once per skb, its per-byte copy per byte;
//  - xennet_start_xmit (xen-netfront.c): one TX request for the head, one per 4 KiB page of
//    payload, and one XEN_NETIF_EXTRA_TYPE_GSO extra slot per GSO skb;
//  - net_tx_action (netback): one pending slot and one grant map (or, with 3.x grant copy, one
//    copy op) per request that grants a page, one response per slot, ONE skb to the bridge;
//  - the NIC (TSO): one driver xmit per skb, the wire still carries one MTU frame per segment.
// One guest sending one stream on one 1 GbE port: the wire caps both runs at the same goodput.
import { beforeAll, describe, expect, it } from "vitest";
import { configErrorOf, run, type SimResult } from "../helpers.js";
import { PARAM_BY_PATH } from "../../dist/src/config/params.js";

const cost = (name: string): number => PARAM_BY_PATH.get(`costs.${name}`)!.default as number;
const TX = { "traffic.rxStreamsPerGuest": 0, "traffic.txStreamsPerGuest": 1 };
const MSS = 1448;

function measure(r: SimResult) {
  const e = r.events;
  const guest = r.cpu.find((c) => c.domain === "domU0")!;
  const cycles = r.config.durationMs * 1e-3 * r.config.cpu.frequencyGHz * 1e9;
  return {
    e,
    gbps: r.throughput.perVm[0]!.txGoodputGbps,
    segs: e["tcpSegmentsSent"]!,
    skbs: e["netbackTxPackets"]!,
    gsoSkbs: e["gsoSkbsSent"]!,
    slots: e["netbackTxSlots"]!,
    /** Guest TCP/IP cycles in the measured interval. */
    stack: (guest.breakdown["stack"] ?? 0) * cycles,
  };
}

describe("GSO across the vif: one guest sending on 1 GbE, wire-bound", () => {
  let off: ReturnType<typeof measure>;
  let on: ReturnType<typeof measure>;
  let copy: ReturnType<typeof measure>;
  beforeAll(async () => {
    off = measure(await run("single-guest", { ...TX }));
    on = measure(await run("single-guest", { ...TX, "netfront.gso.tx": true }));
    copy = measure(await run("single-guest", { ...TX, "netfront.gso.tx": true, "netback.txGrantCopy": true }));
  });

  it("the wire carries one MTU frame per segment either way, at the same goodput", () => {
    for (const m of [off, on, copy]) {
      expect(Math.abs(m.e["nicTxFrames"]! - m.segs)).toBeLessThanOrEqual(90);
      expect(m.gbps).toBeGreaterThan(0.9);
      expect(m.gbps).toBeLessThan(0.9415);
    }
    expect(off.e["nicTsoSkbs"]).toBe(0);
    expect(off.gsoSkbs).toBe(0);
    expect(on.e["nicTsoSkbs"]!).toBeGreaterThan(0);
    // Every GSO skb the guest made is cut into frames by the NIC (give or take the interval's ends).
    expect(Math.abs(on.e["nicTsoSkbs"]! - on.gsoSkbs)).toBeLessThanOrEqual(2);
  });

  it("without GSO each segment is one skb and one slot; with it, skbs of up to 45 segments", () => {
    expect(Math.abs(off.skbs - off.segs)).toBeLessThanOrEqual(90);
    expect(off.slots).toBe(off.skbs);
    const segsPerSkb = on.segs / on.skbs;
    expect(segsPerSkb).toBeGreaterThan(4);
    // At most 45 segments an skb; segments sent whose skb netback has not yet taken at the run's
    // end (two skbs' worth, as above) are counted in segs alone.
    expect(on.segs).toBeLessThanOrEqual(45 * on.skbs + 90);
  });

  it("slots per skb: the head, one per 4 KiB page of payload, and the GSO extra slot", () => {
    for (const m of [on, copy]) {
      const pages = m.slots - m.skbs - m.gsoSkbs;
      const payloadPages = (m.segs * MSS) / 4096;
      // A payload of B bytes touches between B / 4096 and B / 4096 + 1 pages.
      expect(pages).toBeGreaterThan(payloadPages - 2 * 45);
      expect(pages).toBeLessThan(payloadPages + m.skbs + 2 * 45);
    }
  });

  it("pays the stack's per-skb work once per skb and its per-byte copy per byte", () => {
    for (const m of [off, on]) {
      // Guest stack: transmit per skb and per byte, plus the ACKs it takes (every packet netback
      // copies to a sending guest is an ACK).
      const expected =
        m.skbs * cost("stackTxPacketCycles") +
        m.segs * MSS * cost("stackTxPerByteCycles") +
        m.e["netbackRxPackets"]! * cost("stackRxPacketCycles");
      expect(Math.abs(m.stack - expected) / expected).toBeLessThan(0.02);
    }
    // The saving per segment is the per-skb cost less its share over the skb's segments.
    const perSegOff = off.stack / off.segs;
    const perSegOn = on.stack / on.segs;
    expect(perSegOn).toBeLessThan(perSegOff - 0.8 * cost("stackTxPacketCycles"));
  });

  it("maps one grant per requesting slot (not the extra slot); 3.x grant copy copies instead and maps nothing", () => {
    // Map mode: one map per request that grants a page, unmapped when the NIC frees the skb.
    expect(Math.abs(on.e["grantMapOps"]! - (on.slots - on.gsoSkbs))).toBeLessThanOrEqual(45);
    expect(copy.e["grantMapOps"]).toBe(0);
    expect(copy.e["grantUnmapOps"]).toBe(0);
    // Copy mode: the header op plus one per further request, i.e. one per granting request; the
    // rest of the copy ops are the ACKs netback copies into the guest.
    const txOps = copy.e["grantCopyOps"]! - copy.e["netbackRxPackets"]!;
    expect(Math.abs(txOps - (copy.slots - copy.gsoSkbs))).toBeLessThanOrEqual(45);
  });
});

describe("GSO across the vif: configuration", () => {
  it("is off by default", async () => {
    const { resolveConfig } = await import("../helpers.js");
    expect(resolveConfig("single-guest").netfront.gso.tx).toBe(false);
    expect(resolveConfig("single-guest").netback.txGrantCopy).toBe(false);
  });
  it("rejects a non-boolean, naming the field", () => {
    const e = configErrorOf("single-guest", { "netfront.gso.tx": "yes" });
    expect(e.field).toBe("netfront.gso.tx");
    expect(e.message).toContain("yes");
  });
  it("rejects GSO skbs toward another guest's vif whose frontend takes no GSO skbs (dom0 software GSO is not modelled)", () => {
    const e = configErrorOf("single-guest", {
      "guests.count": 2,
      "netfront.gso.tx": true,
      "traffic.rxStreamsPerGuest": 0,
      "traffic.profiles": [{ guests: [0], kind: "tcp-to-guest", peer: 1 }],
    });
    expect(e.field).toBe("netfront.gso.tx");
    expect(e.message).toMatch(/tcp-to-guest/);
    expect(e.message).toMatch(/netfront\.gso\.rx/);
  });
});

// GSO between two guests on one host: the sender's TCP hands its netfront skbs of up to 45
// segments (A9, J8); netback's guest-TX half takes each skb's requests and builds ONE skb, the
// bridge forwards it once, and netback's guest-RX half copies it whole into the receiver's posted
// buffers, one request and one copy op per 4 KiB page plus the GSO extra slot (A10), as it does
// for an aggregate of the dom0 NIC driver's LRO; netfront hands the receiver's stack one skb with
// gso_size set, and the receiver ACKs it once (J9). No wire is crossed.
describe("GSO across two vifs: one stream from a guest to another guest on the same host", () => {
  let r: SimResult;
  let seg: SimResult;
  const G2G = {
    "guests.count": 2,
    "nic.ports": 1,
    "traffic.rxStreamsPerGuest": 0,
    "traffic.profiles": [{ guests: [0], kind: "tcp-to-guest", streams: 1, peer: 1 }],
    "netback.txGrantCopy": true,
  };
  beforeAll(async () => {
    r = await run("paper-baseline", { ...G2G, "netfront.gso.tx": true, "netfront.gso.rx": true });
    seg = await run("paper-baseline", { ...G2G });
  });

  it("the sender's skbs cross both vifs whole: one netback TX skb and one RX skb per GSO skb", () => {
    const e = r.events;
    const gso = e["gsoSkbsSent"]!;
    expect(gso).toBeGreaterThan(1000);
    // Data skbs through netback RX are the GSO skbs (and any single segments); the rest are ACKs.
    const acks = e["tcpAcksSent"]!;
    const dataRx = e["netbackRxPackets"]! - acks;
    expect(Math.abs(dataRx - gso) / gso).toBeLessThan(0.02);
    expect(e["tcpSegmentsSent"]! / gso).toBeGreaterThan(20);
    expect(r.conservation.ok).toBe(true);
    expect(seg.events["gsoSkbsSent"] ?? 0).toBe(0);
  });

  it("each GSO skb fills one receive request per 4 KiB page plus the extra slot, one copy op per page", () => {
    const e = r.events;
    const acks = e["tcpAcksSent"]!;
    const gso = e["gsoSkbsSent"]!;
    const dataSlots = e["netbackRxSlots"]! - acks;
    // 45 segments of 1448 bytes and their headers: 16 or 17 pages, plus the extra slot.
    expect(dataSlots / gso).toBeGreaterThan(16.5);
    expect(dataSlots / gso).toBeLessThanOrEqual(18.01);
  });

  it("the receiver ACKs once per GSO skb, where without GSO it ACKs every second segment", () => {
    const perSkb = r.events["tcpAcksSent"]! / r.events["gsoSkbsSent"]!;
    expect(perSkb).toBeGreaterThan(0.95);
    expect(perSkb).toBeLessThan(1.05);
    const perSeg = seg.events["tcpAcksSent"]! / seg.events["tcpSegmentsSent"]!;
    expect(perSeg).toBeGreaterThan(0.4);
  });

  it("carries more than the same stream sent as single segments, with fewer netback runs per byte", () => {
    expect(r.throughput.aggregateGbps).toBeGreaterThan(seg.throughput.aggregateGbps);
    const runsPerGbit = (x: SimResult) => x.events["netbackRxRuns"]! / x.throughput.aggregateGbps;
    expect(runsPerGbit(r)).toBeLessThan(runsPerGbit(seg));
  });
});

// LRO in the dom0 NIC driver (inet_lro in its poll) and GSO on the guest-receive path: one guest
// receiving one stream on 1 GbE. The bridge and netback see one skb per aggregate; netback fills
// one RX request per 4 KiB page of it plus a GSO extra slot; the guest ACKs once per aggregate
// (gso_size keeps rcv_mss at one MSS, as with LRO in netfront); the wire still carries MTU frames.
describe("LRO in the dom0 NIC driver with GSO to the guest: one guest receiving on 1 GbE", () => {
  let r: SimResult;
  beforeAll(async () => {
    r = await run("single-guest", { "nic.lro.enabled": true, "netfront.gso.rx": true });
  });

  it("aggregates the frames of a poll: fewer skbs than frames, each costing the bridge once", () => {
    const e = r.events;
    const skbs = e["nicLroSkbs"]!;
    expect(e["nicRxFrames"]! / skbs).toBeGreaterThan(2);
    expect(Math.abs(e["netbackRxPackets"]! - skbs)).toBeLessThanOrEqual(2);
    const d = r.cpu.find((c) => c.domain === "dom0" && c.vcpu === 0)!;
    const cycles = r.config.durationMs * 1e-3 * r.config.cpu.frequencyGHz * 1e9;
    // Bridge work: once per aggregate toward the guest, once per ACK the guest sends back.
    const expected = (skbs + e["netbackTxPackets"]!) * cost("bridgePacketCycles");
    expect(Math.abs((d.breakdown["bridge"] ?? 0) * cycles - expected) / expected).toBeLessThan(0.02);
  });

  it("fills a request per page plus the GSO extra slot, one copy op per page", () => {
    const e = r.events;
    const skbs = e["netbackRxPackets"]!;
    const slots = e["netbackRxSlots"]!;
    const segs = e["nicRxFrames"]!;
    // Pages of the frames' payload and headers: between bytes / 4096 and that plus one per skb.
    const pages = slots - skbs;
    expect(pages).toBeGreaterThanOrEqual(Math.floor((segs * MSS) / 4096) - 45);
    expect(pages).toBeLessThanOrEqual(Math.ceil((segs * (MSS + 66)) / 4096) + skbs);
    expect(e["grantCopyOps"]).toBe(pages);
  });

  it("the guest ACKs once per aggregate, and the wire carries one MTU frame per segment", () => {
    const e = r.events;
    const acksPerSkb = e["tcpAcksSent"]! / e["netbackRxPackets"]!;
    expect(acksPerSkb).toBeGreaterThan(0.95);
    expect(acksPerSkb).toBeLessThan(1.05);
    expect(r.throughput.aggregateGbps).toBeGreaterThan(0.93);
    expect(r.throughput.aggregateGbps).toBeLessThan(0.9415);
  });

  it("needs GSO on the guest-receive path, and is off by default", () => {
    expect(configErrorOf("single-guest", { "nic.lro.enabled": true }).field).toBe("nic.lro.enabled");
    expect(configErrorOf("single-guest", { "nic.lro.enabled": true }).message).toMatch(/netfront\.gso\.rx/);
  });
});
