// Robustness: random valid scenarios across the parameter space (topology, NIC queues and ITR,
// netback groups and modes, dispatch, coalescing, LRO, SACK, MTU, buffers, TCP both ways, UDP)
// must all run to the end with packets conserved and no VCPU over 100% busy. A stall, a leak or
// a fifo overflow in any corner shows up here as an errored run.

import { describe, expect, it } from "vitest";
import { run, type SimResult } from "../helpers.js";

/** A random scenario's run: completed, conserving packets, no VCPU over 100 %, and data moved. */
function expectSound(r: SimResult): void {
  expect(r.error).toBeUndefined();
  expect(r.state).toBe("completed");
  expect(r.conservation.ok).toBe(true);
  for (const c of r.cpu) expect(c.utilization).toBeLessThanOrEqual(1 + 1e-9);
  const moved = r.throughput.aggregateGbps + r.throughput.perVm.reduce((a, v) => a + v.txGoodputGbps + v.udpGbps, 0);
  expect(moved).toBeGreaterThan(0);
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe("random scenarios", () => {
  const rnd = lcg(20261125);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const presets = ["paper-baseline", "paper-multi-tasklet", "paper-dispatch", "paper-low-event", "paper-lro", "single-guest"];
  for (let i = 0; i < 16; i++) {
    const D = pick([1, 2, 4, 6]);
    const N = pick([1, 2, 4, 8, 16]);
    const rx = pick([0, 1, 2]);
    const tx = pick([0, 1]);
    const ov: Record<string, unknown> = {
      "dom0.vcpus": D,
      "guests.count": N,
      "nic.ports": Math.min(pick([1, 2, 4]), N),
      "cpu.pcpus": D + N,
      "nic.rateGbps": pick([1, 2.5, 10]),
      "nic.rxQueuesPerPort": pick([1, 2, 4]),
      "nic.queueSelect": pick(["rss", "vmdq"]),
      "nic.itr.mode": pick(["off", "fixed", "dynamic-conservative"]),
      "netback.mode": pick(["tasklet", "kthread"]),
      "netback.groups": pick([0, 1, 2]),
      "evtchn.dispatch": pick(["vcpu0", "round-robin", "group-affine", "dynamic"]),
      "netback.coalesce.count": pick([1, 4, 16]),
      "netback.coalesce.timeUs": pick([20, 100]),
      "netfront.lro.enabled": pick([true, false]),
      "tcp.sack": pick([true, false]),
      "tcp.mtuBytes": pick([576, 1500, 9000]),
      "tcp.rcvBufBytes": pick([65536, 1048576]),
      "traffic.rxStreamsPerGuest": rx,
      "traffic.txStreamsPerGuest": tx,
      durationMs: 60,
      warmupMs: 20,
    };
    if (rx + tx === 0) ov["traffic.udp"] = [{ guest: 0, ratePps: 100000, process: "poisson", payloadBytes: 512 }];
    const preset = pick(presets);
    it(`#${i} ${preset} ${JSON.stringify(ov)}`, async () => {
      const r = await run(preset, ov);
      expectSound(r);
    });
  }
});

describe("random scenarios over the I/O paths (SR-IOV, multi-queue, grant reuse)", () => {
  const rnd = lcg(20261202);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  for (let i = 0; i < 8; i++) {
    const D = pick([1, 2, 4]);
    const N = pick([1, 2, 4, 8]);
    const P = Math.min(pick([1, 2, 4]), N);
    const perPort = Math.ceil(N / P);
    const multiQueue = pick([true, false]);
    const rx = pick([0, 1, 2]);
    const tx = pick([0, 1]);
    const ov: Record<string, unknown> = {
      "dom0.vcpus": D,
      "guests.count": N,
      "nic.ports": P,
      "cpu.pcpus": D + N,
      "nic.rateGbps": pick([1, 10]),
      "nic.itr.mode": pick(["off", "fixed", "dynamic-conservative"]),
      "nic.sriov.guests": Math.min(N, pick([0, 1, 3, 8])),
      "nic.sriov.vfsPerPort": 8,
      "netback.multiQueue": multiQueue,
      "netback.grantReuse": pick([true, false]),
      "nic.queueSelect": multiQueue ? "vmdq" : pick(["rss", "vmdq"]),
      "nic.rxQueuesPerPort": multiQueue ? perPort : pick([1, 2]),
      "netback.groups": pick([0, 1]),
      "evtchn.dispatch": pick(["vcpu0", "group-affine"]),
      "netfront.lro.enabled": pick([true, false]),
      "traffic.rxStreamsPerGuest": rx,
      "traffic.txStreamsPerGuest": tx,
      durationMs: 60,
      warmupMs: 20,
    };
    if (rx + tx === 0) ov["traffic.udp"] = [{ guest: N - 1, ratePps: 100000, process: "poisson", payloadBytes: 512 }];
    it(`#${i} ${JSON.stringify(ov)}`, async () => {
      const r = await run("paper-baseline", ov);
      expectSound(r);
    });
  }
});

describe("random scenarios with netback's NAPI mode (per-vif NAPI poll and thread, split event channels)", () => {
  const rnd = lcg(20261203);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  for (let i = 0; i < 8; i++) {
    const D = pick([1, 2, 4, 6]);
    const N = pick([1, 2, 4, 8]);
    const rx = pick([0, 1, 2]);
    const tx = pick([0, 1]);
    const ov: Record<string, unknown> = {
      "dom0.vcpus": D,
      "guests.count": N,
      "nic.ports": Math.min(pick([1, 2, 4]), N),
      "cpu.pcpus": D + N,
      "nic.rateGbps": pick([1, 10]),
      "nic.itr.mode": pick(["off", "fixed", "dynamic-conservative"]),
      "netback.mode": "napi",
      "netback.txGrantCopy": true,
      "netfront.gso.tx": pick([true, false]),
      "evtchn.dispatch": pick(["vcpu0", "round-robin", "group-affine", "dynamic"]),
      "netfront.lro.enabled": pick([true, false]),
      "traffic.rxStreamsPerGuest": rx,
      "traffic.txStreamsPerGuest": tx,
      durationMs: 60,
      warmupMs: 20,
    };
    if (rx + tx === 0) ov["traffic.udp"] = [{ guest: N - 1, ratePps: 100000, process: "poisson", payloadBytes: 512 }];
    it(`#${i} ${JSON.stringify(ov)}`, async () => {
      const r = await run("paper-baseline", ov);
      expectSound(r);
    });
  }
});
