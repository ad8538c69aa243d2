// Issue 2 acceptance: the paper's baseline (Zhang et al. 2010) and the single-guest ceiling.
// These are the model's headline numbers, so they are tested on the full default duration.

import { describe, expect, it } from "vitest";
import { run, dom0 } from "../helpers.js";

describe("paper-baseline (stock netback, every event on dom0 VCPU0)", async () => {
  const r = await run("paper-baseline");

  it("completes and conserves packets", () => {
    expect(r.state).toBe("completed");
    expect(r.conservation.ok).toBe(true);
    expect(r.conservation.injected).toBe(r.conservation.delivered + r.conservation.dropped + r.conservation.inFlight);
  });
  it("caps aggregate goodput at 2.2 Gb/s +-5%", () => {
    expect(r.throughput.aggregateGbps).toBeGreaterThanOrEqual(2.09);
    expect(r.throughput.aggregateGbps).toBeLessThanOrEqual(2.31);
  });
  it("saturates one dom0 VCPU while the others idle", () => {
    const u = dom0(r).map((c) => c.utilization).sort((a, b) => b - a);
    expect(u[0]).toBeGreaterThanOrEqual(0.95);
    for (const x of u.slice(1)) expect(x).toBeLessThanOrEqual(0.3);
    // The busy one is VCPU0 and its time is the network path's.
    const v0 = dom0(r)[0]!;
    expect(v0.utilization).toBe(u[0]);
    expect(v0.breakdown["netback"]! + v0.breakdown["grant"]! + v0.breakdown["bridge"]! + v0.breakdown["nic"]!).toBeGreaterThan(0.8);
  });
  it("does not go faster with more dom0 VCPUs", async () => {
    const more = await run("paper-baseline", { "dom0.vcpus": 8, "cpu.pcpus": 12 });
    expect(more.throughput.aggregateGbps).toBeLessThanOrEqual(r.throughput.aggregateGbps * 1.01);
  });
});

describe("one guest on one 1 GbE port, dom0 otherwise idle", () => {
  it("reaches at least 0.93 Gb/s and never the TCP ceiling of 0.9415 Gb/s (J5)", async () => {
    const r = await run("single-guest");
    expect(r.state).toBe("completed");
    expect(r.throughput.aggregateGbps).toBeGreaterThanOrEqual(0.93);
    // MSS 1448 of 1538 wire bytes per frame at 1 Gb/s = 0.94148 Gb/s.
    expect(r.throughput.aggregateGbps).toBeLessThanOrEqual(0.9415);
  });
});
