// Queueing sanity check: a Poisson UDP stream into one CPU-bound stage with a fixed service time
// is an M/D/1 queue, whose mean wait is given by Pollaczek-Khinchine: Wq = rho * D / (2 (1 - rho)).
// The stage is dom0's NIC driver: every other cost is zero, the wire is effectively infinitely
// fast, and ITR is off, so a frame's wait from DMA to the start of its driver work is the
// queueing delay of a work-conserving FIFO server with service time D.

import { describe, expect, it } from "vitest";
import { run } from "../helpers.js";
import { PARAMS } from "../../dist/src/config/params.js";

const HZ = 2.5e9;
const D_CYCLES = 2500; // 1 us service time

async function mdl(rho: number) {
  const costs: Record<string, unknown> = {};
  for (const p of PARAMS) if (p.path.startsWith("costs.")) costs[p.path] = 0;
  costs["costs.nicRxPacketCycles"] = D_CYCLES;
  const ratePps = rho / (D_CYCLES / HZ);
  const r = await run("single-guest", {
    ...costs,
    "cpu.frequencyGHz": HZ / 1e9,
    "traffic.rxStreamsPerGuest": 0,
    "traffic.udp": [{ guest: 0, ratePps, process: "poisson", payloadBytes: 64 }],
    "nic.itr.mode": "off",
    "nic.rateGbps": 10000,
    "nic.propagationDelayNs": 0,
    durationMs: 1000,
    warmupMs: 50,
  });
  const DUs = (D_CYCLES / HZ) * 1e6;
  return { r, measured: r.derived["stageWaitMeanUs"]!, expected: (rho * DUs) / (2 * (1 - rho)) };
}

describe("M/D/1 (Pollaczek-Khinchine)", () => {
  for (const rho of [0.5, 0.8]) {
    it(`mean wait within 3% at utilization ${rho}`, async () => {
      const { r, measured, expected } = await mdl(rho);
      expect(r.state).toBe("completed");
      expect(r.derived["stageWaitSamples"]).toBeGreaterThan(rho * 1e6 * 0.95);
      expect(Object.values(r.drops).every((d) => d === 0)).toBe(true);
      expect(Math.abs(measured / expected - 1)).toBeLessThan(0.03);
      // The server really is busy rho of the time.
      expect(r.cpu[0]!.utilization).toBeCloseTo(rho, 2);
    });
  }
});
