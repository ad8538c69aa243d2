// The writer threads of a guest's TCP streams and their send buffers (docs/sources.md J10-J12):
// tcp_sendmsg copies in the writing thread's context, ahead of the window, up to sk_sndbuf; the
// writer sleeps on a full buffer and ACK processing wakes it once a third is free.

import { describe, expect, it } from "vitest";
import { run } from "../helpers.js";

// One guest with two VCPUs sending bulk TCP out of one 1 GbE port: netfront's interrupt (and so
// the ACKs' processing) on VCPU0, the application's VCPU is VCPU1.
const tx = {
  durationMs: 300,
  warmupMs: 100,
  "guests.vcpus": 2,
  "cpu.pcpus": 6,
  "traffic.rxStreamsPerGuest": 0,
  "traffic.txStreamsPerGuest": 1,
  "guests.writerPlacement": "spread",
};
type Result = Awaited<ReturnType<typeof run>>;
const guestVcpus = (r: Result) => r.cpu.filter((c) => c.domain === "domU0");
const cycles = (r: Result, c: Result["cpu"][number], k: string): number =>
  (c.breakdown[k] ?? 0) * r.config.cpu.frequencyGHz * 1e9 * (r.config.durationMs / 1000);

describe("the copy into the socket runs in the writer's context, ACKs meanwhile on its backlog [J10]", () => {
  it("a writer on the application's VCPU carries the per-byte copy; netfront's VCPU only sends", async () => {
    const r = await run("single-guest", { ...tx, "guests.writerPlacement": "app" });
    expect(r.conservation.ok).toBe(true);
    const [v0, v1] = guestVcpus(r);
    const c = r.config.costs;
    // What the writer copied in the measured interval is what the stream sent (a buffer's worth apart).
    const bytes = (r.throughput.perVm[0]!.txGoodputGbps * 1e9 * (r.config.durationMs / 1000)) / 8;
    const copy = bytes * c["stackTxPerByteCycles"]!;
    const segs = r.events["tcpSegmentsSent"]!; // one skb each (no GSO)
    const acks = r.events["netbackRxPackets"]!; // the ACKs toward the guest
    // VCPU1: the copy, and at most the backlogged ACKs it took over (the rest of their receive
    // work past the softirq's lookup, and what they sent).
    expect(cycles(r, v1!, "stack")).toBeGreaterThan(copy * 0.95);
    const backlogAtMost =
      (c["stackRxPacketCycles"]! - c["stackRxDemuxCycles"]!) * acks + c["stackTxPacketCycles"]! * segs;
    expect(cycles(r, v1!, "stack")).toBeLessThan(copy * 1.05 + backlogAtMost);
    // ACKs that came while it held the socket did wait for it: some of that work is there.
    expect(cycles(r, v1!, "stack") - copy).toBeGreaterThan(
      0.05 * (c["stackRxPacketCycles"]! - c["stackRxDemuxCycles"]!) * acks,
    );
    // VCPU0 sends skbs and takes ACKs, but copies nothing.
    expect(cycles(r, v0!, "stack")).toBeLessThan(
      (c["stackTxPacketCycles"]! * segs + c["stackRxPacketCycles"]! * acks) * 1.05,
    );
  });
  it("placed on netfront's VCPU the same copy lands there, and the guest's total stays the same", async () => {
    const app = await run("single-guest", { ...tx, "guests.writerPlacement": "app" });
    const irq = await run("single-guest", { ...tx, "guests.writerPlacement": "irq" });
    const [i0, i1] = guestVcpus(irq);
    expect(i1!.breakdown["stack"] ?? 0).toBe(0);
    expect(i0!.breakdown["stack"]).toBeGreaterThan(0);
    const perByte = (r: Result): number =>
      guestVcpus(r).reduce((s, c) => s + cycles(r, c, "stack"), 0) / r.throughput.perVm[0]!.txGoodputGbps;
    expect(Math.abs(perByte(app) - perByte(irq)) / perByte(irq)).toBeLessThan(0.03);
  });
  it("without writer threads (none, the default) the copy is charged where the data is sent, and nobody sleeps", async () => {
    const none = await run("single-guest", { ...tx, "guests.writerPlacement": "none" });
    const app = await run("single-guest", { ...tx, "guests.writerPlacement": "app" });
    const [n0, n1] = guestVcpus(none);
    expect(n1!.breakdown["stack"] ?? 0).toBe(0);
    expect(none.events["tcpWriterSleeps"]).toBe(0);
    // The same copy, on netfront's VCPU instead of the writer's.
    expect(cycles(none, n0!, "stack")).toBeGreaterThan(cycles(app, guestVcpus(app)[0]!, "stack") * 1.2);
  });
  it("spread puts writer j of a guest on its VCPU j mod guests.vcpus: two VCPUs copy half each", async () => {
    const four = { ...tx, "traffic.txStreamsPerGuest": 4 };
    const r = await run("single-guest", four);
    const [v0, v1] = guestVcpus(r);
    const bytes = (r.throughput.perVm[0]!.txGoodputGbps * 1e9 * (r.config.durationMs / 1000)) / 8;
    const copy = bytes * r.config.costs["stackTxPerByteCycles"]!;
    // VCPU1 runs writers 1 and 3 and nothing else: its stack time is their copy, about half.
    expect(cycles(r, v1!, "stack") / copy).toBeGreaterThan(0.35);
    expect(cycles(r, v1!, "stack") / copy).toBeLessThan(0.65);
    expect(v1!.breakdown["netfront"] ?? 0).toBe(0);
    expect(v0!.breakdown["stack"]).toBeGreaterThan(v1!.breakdown["stack"]!);
    // With four VCPUs each takes one writer.
    const r4 = await run("single-guest", { ...four, "guests.vcpus": 4, "cpu.pcpus": 8 });
    for (const c of guestVcpus(r4).slice(1)) expect(c.breakdown["stack"]).toBeGreaterThan(0);
  });
});

describe("the send buffer: writers sleep when it is full and ACKs wake them [J11, J12]", () => {
  it("the writer sleeps on a full buffer and is woken by ACK processing, once per sleep", async () => {
    const r = await run("single-guest", tx);
    expect(r.events["tcpWriterSleeps"]).toBeGreaterThan(10);
    expect(r.events["tcpWriterWakeups"]).toBeGreaterThan(10);
    // Every wake-up follows a sleep: the counts differ by at most the one sleep still in progress.
    expect(Math.abs(r.events["tcpWriterSleeps"]! - r.events["tcpWriterWakeups"]!)).toBeLessThanOrEqual(1);
  });
  it("a send buffer of three segments holds the stream to three segments per round trip", async () => {
    // tcp_wmem = 4096 for both: sk_sndbuf stays 4096 bytes, room for a new skb while less than that
    // is queued: three MSS skbs (sndmem = 1448 + 512 bytes).
    const r = await run("single-guest", { ...tx, "tcp.wmemDefaultBytes": 4096, "tcp.wmemMaxBytes": 4096 });
    expect(r.conservation.ok).toBe(true);
    const perRtt = (r.throughput.perVm[0]!.txGoodputGbps * 1e9 * r.derived["tcpRttMeanUs"]! * 1e-6) / 8;
    expect(perRtt).toBeLessThan(3 * 1448 * 1.02);
    expect(perRtt).toBeGreaterThan(1448);
    expect(r.events["tcpWriterWakeups"]).toBeGreaterThan(r.events["tcpSegmentsSent"]! / 4);
  });
  it("autotuning grows the buffer with the window: capped at tcp_wmem[1], a 10 GbE stream is held back", async () => {
    const ten = { ...tx, "nic.rateGbps": 10 };
    const tuned = await run("single-guest", ten);
    const capped = await run("single-guest", { ...ten, "tcp.wmemMaxBytes": 16384 });
    // 16 KB holds eight segments (sndmem 1960 bytes) per round trip.
    const perRtt = (capped.throughput.perVm[0]!.txGoodputGbps * 1e9 * capped.derived["tcpRttMeanUs"]! * 1e-6) / 8;
    expect(perRtt).toBeLessThan(9 * 1448 * 1.02);
    expect(tuned.throughput.perVm[0]!.txGoodputGbps).toBeGreaterThan(capped.throughput.perVm[0]!.txGoodputGbps * 1.3);
  });
});

describe("writers in other setups keep every packet accounted for", () => {
  const cases: Record<string, unknown>[] = [
    { ...tx, "traffic.txStreamsPerGuest": 3, "links.txLossRate": 0.001, "tcp.sack": false },
    {
      durationMs: 60,
      warmupMs: 20,
      "guests.count": 2,
      "netfront.gso.tx": true,
      "netfront.gso.rx": true,
      "traffic.rxStreamsPerGuest": 0,
      "traffic.profiles": [{ guests: [0], kind: "tcp-to-guest", streams: 2, peer: 1 }],
      "guests.writerPlacement": "app",
    },
    { ...tx, durationMs: 60, "nic.sriov.guests": 1, "traffic.txStreamsPerGuest": 2, "tcp.wmemMaxBytes": 8192 },
    { ...tx, durationMs: 60, "cpu.pcpus": 2, "traffic.txStreamsPerGuest": 4, "traffic.rxStreamsPerGuest": 1 },
  ];
  for (const [i, c] of cases.entries()) {
    it(`case ${i}`, async () => {
      const r = await run("single-guest", c);
      expect(r.conservation.ok).toBe(true);
      expect(r.throughput.aggregateGbps + r.throughput.perVm[0]!.txGoodputGbps).toBeGreaterThan(0);
    });
  }
});
