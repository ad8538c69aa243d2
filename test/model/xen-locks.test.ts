// Xen's per-domain grant-table and event locks (Xen 4.5 and earlier) [L1, L2, L5]: every grant
// map and unmap by a dom0 VCPU takes dom0's grant-table lock, a frame from guest to guest takes both
// guests' locks, and a VCPU that finds a lock held spins; each hand-off costs a line per CPU waiting.
// Before Xen 4.2 each grant-table hypercall also holds the caller's domain_lock throughout [L6].

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run, type SimResult } from "../helpers.js";

const short = { durationMs: 100, warmupMs: 50 };

/** The twenty guest pairs of the XenServer result, with `vcpus` dom0 VCPUs. */
function guestPairs(vcpus: number, extra: Record<string, unknown> = {}): Promise<SimResult> {
  const file = JSON.parse(
    readFileSync(new URL("../../validation/xenserver2016-more-dom0-vcpus.json", import.meta.url), "utf8"),
  ) as { scenario: { preset: string; set: Record<string, unknown> } };
  return run(file.scenario.preset, { ...file.scenario.set, "dom0.vcpus": vcpus, ...short, ...extra });
}

describe("Xen's per-domain locks [L1, L2, L5]", () => {
  it("are taken and handed between dom0 VCPUs when several map, unmap and copy; not with Xen 4.6's locks", async () => {
    const on = await guestPairs(4);
    expect(on.conservation.ok).toBe(true);
    expect(on.events["xenLockSections"]).toBeGreaterThan(on.events["grantMapOps"]!);
    expect(on.events["xenLockLineTransfers"]).toBeGreaterThan(0);
    expect(on.events["xenLockSpins"]).toBeGreaterThan(0);
    expect(on.events["xenLockSpinCycles"]).toBeGreaterThanOrEqual(on.events["xenLockSpins"]!);
    const off = await guestPairs(4, { "xen.domainLocks": false });
    expect(off.events["xenLockSections"]).toBe(0);
    expect(off.events["xenLockSpinCycles"]).toBe(0);
    // The locks only cost: without them the same dom0 carries at least as much.
    expect(off.throughput.aggregateGbps).toBeGreaterThanOrEqual(on.throughput.aggregateGbps * 0.98);
  });

  it("cost nothing when one VCPU is all that takes them", async () => {
    const one = await run("paper-baseline", { ...short, "dom0.vcpus": 1, "cpu.pcpus": 5 });
    expect(one.events["xenLockSections"]).toBe(0);
  });

  it("before Xen 4.2, dom0's domain_lock around every grant-table hypercall lets one dom0 VCPU's batch run at a time [L6]", async () => {
    const file = JSON.parse(
      readFileSync(new URL("../../validation/xu2010-multigroup-4vcpu.json", import.meta.url), "utf8"),
    ) as { scenario: { preset: string; set: Record<string, unknown> } };
    const at = (lock: boolean) =>
      run(file.scenario.preset, { ...file.scenario.set, ...short, "xen.grantDomainLock": lock });
    const [free, locked] = [await at(false), await at(true)];
    expect(locked.conservation.ok).toBe(true);
    // Grant hypercall work (the grant component less the cycles spun on locks), in CPUs: the
    // four VCPUs' batches overlap without the lock and take turns with it.
    const cycles = (r: SimResult) => r.config.durationMs * 1e-3 * r.config.cpu.frequencyGHz * 1e9;
    const grantCpus = (r: SimResult) => {
      const grant = r.cpu.filter((c) => c.domain === "dom0").reduce((a, c) => a + c.breakdown["grant"]!, 0);
      return grant - r.events["xenLockSpinCycles"]! / cycles(r);
    };
    expect(grantCpus(free)).toBeGreaterThan(1.05);
    expect(grantCpus(locked)).toBeLessThanOrEqual(1.0);
    expect(locked.events["xenLockSpinCycles"]!).toBeGreaterThan(10 * free.events["xenLockSpinCycles"]!);
    expect(locked.throughput.aggregateGbps).toBeLessThan(0.9 * free.throughput.aggregateGbps);
  });

  it("the domain_lock costs nothing with one dom0 VCPU: the same run, event for event", async () => {
    const one = { ...short, "dom0.vcpus": 1, "cpu.pcpus": 5 };
    const a = await run("paper-baseline", one);
    const b = await run("paper-baseline", { ...one, "xen.grantDomainLock": true });
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  it("collapse as CPUs are added once a hand-off is dear: each release costs a line per CPU spinning", async () => {
    const dear = { "costs.cacheLineTransferCycles": 300 };
    const four = await guestPairs(4, dear);
    const eight = await guestPairs(8, dear);
    const spinShare = (r: SimResult) => r.events["xenLockSpinCycles"]! / r.events["xenLockSections"]!;
    // More waiters per hand-off: each section waits longer, and twice the VCPUs carry less.
    expect(spinShare(eight)).toBeGreaterThan(3 * spinShare(four));
    expect(eight.throughput.aggregateGbps).toBeLessThan(four.throughput.aggregateGbps);
  });
});
