// TCP small queues in a guest's sender (docs/sources.md J13-J16): tcp_write_xmit stops sending new
// data while the stream's skbs that netfront still holds reach tcp.smallQueueBytes of truesize;
// netfront frees a transmitted skb when netback's TX response comes back, and that CPU's tsq
// tasklet sends again.

import { describe, expect, it } from "vitest";
import { configErrorOf, run } from "../helpers.js";

// One guest sending one bulk stream to an external host over 10 GbE. Netback's NAPI mode runs
// guest TX in a NAPI poll and guest RX in a kernel thread, so no netback tasklet exists: every
// tasklet schedule counted is a TSQ tasklet's.
const tx = {
  durationMs: 60,
  warmupMs: 40,
  "nic.rateGbps": 10,
  "cpu.pcpus": 6,
  "guests.vcpus": 2,
  "traffic.rxStreamsPerGuest": 0,
  "traffic.txStreamsPerGuest": 1,
  "netback.mode": "napi",
  "netback.txGrantCopy": true,
};

describe("TCP small queues throttle a guest's sender until netfront frees its skbs [J13-J16]", () => {
  it("off by default (Linux before 3.6): no TSQ tasklet is ever scheduled", async () => {
    const r = await run("single-guest", tx);
    expect(r.config.tcp.smallQueueBytes).toBe(0);
    expect(r.events["taskletSchedules"]).toBe(0);
    expect(r.throughput.perVm[0]!.txGoodputGbps).toBeGreaterThan(0);
  });

  it("a limit below one skb keeps one skb in the driver at a time: the stream waits for each TX response", async () => {
    const off = await run("single-guest", tx);
    const one = await run("single-guest", { ...tx, "tcp.smallQueueBytes": 1 });
    expect(one.conservation.ok).toBe(true);
    // Each freed skb of the throttled stream queues it on the freeing CPU's tasklet once.
    const schedules = one.events["taskletSchedules"]!;
    expect(schedules).toBeGreaterThan(0);
    // The tasklet (and the ACKs) keep the throttled stream going.
    expect(one.throughput.perVm[0]!.txGoodputGbps).toBeGreaterThan(0);
    expect(off.events["taskletSchedules"]).toBe(0);
    // Sending one skb at a time, each push (a tasklet run for a freed skb, or an ACK's
    // tcp_data_snd_check) sends at most one new segment; unthrottled, every ACK (one per two
    // segments at least) releases several.
    const segs = one.events["tcpSegmentsSent"]!;
    const acks = one.events["netbackRxPackets"]!; // the ACKs toward the guest
    expect(segs).toBeLessThanOrEqual(schedules + acks + 1);
  });

  it("a limit above what the path ever holds changes nothing: the same run as without TSQ", async () => {
    const off = await run("single-guest", tx);
    const huge = await run("single-guest", { ...tx, "tcp.smallQueueBytes": 1 << 30 });
    expect(huge.events["taskletSchedules"]).toBe(0);
    expect(huge.throughput.perVm[0]!.txGoodputGbps).toBe(off.throughput.perVm[0]!.txGoodputGbps);
    expect(huge.events["tcpSegmentsSent"]).toBe(off.events["tcpSegmentsSent"]);
  });

  it("rejects a negative or fractional limit, naming the field", () => {
    for (const bad of [-1, 1.5, "lots"]) {
      const e = configErrorOf("single-guest", { "tcp.smallQueueBytes": bad });
      expect(e.field).toBe("tcp.smallQueueBytes");
      expect(e.message).toMatch(/tcp\.smallQueueBytes/);
    }
  });
});
