// The counters view and the table of derived formulas: result.derived is exactly the table, its
// formulas agree with the counters the result reports, and `pvnetsim metrics` lists them.

import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { cli, run } from "../helpers.js";
import { DERIVED_FORMULAS } from "../../src/report/counters.js";

describe("derived formulas", () => {
  it("result.derived holds every formula of the table, in its order, and agrees with result.events", async () => {
    const r = await run("paper-lro", { durationMs: 100, warmupMs: 50 });
    expect(r.state).toBe("completed");
    expect(Object.keys(r.derived)).toEqual(DERIVED_FORMULAS.map((f) => f.name));
    const e = r.events;
    const pkts = Math.max(1, e["netbackRxPackets"]!);
    expect(pkts).toBeGreaterThan(1000);
    const notify = e["notifyNetbackRx"]! + e["notifyNetbackTx"]! + e["notifyNetfrontTx"]! + e["notifyNetfrontRx"]!;
    expect(r.derived["notificationsPerPacket"]).toBe(notify / pkts);
    expect(r.derived["evtchnSendsPerPacket"]).toBe(e["evtchnSent"]! / pkts);
    expect(r.derived["hypercallsPerPacket"]).toBe(e["hypercalls"]! / pkts);
    expect(r.derived["packetsPerNetbackRxRun"]).toBe(e["netbackRxPackets"]! / Math.max(1, e["netbackRxRuns"]!));
    expect(r.derived["segmentsPerLroAggregate"]).toBe(e["lroSegments"]! / Math.max(1, e["lroAggregates"]!));
    expect(r.derived["segmentsPerLroAggregate"]).toBeGreaterThan(1);
  });

  it("pvnetsim metrics --json lists every counter and formula with a unit and a meaning", () => {
    const m = JSON.parse(execFileSync(process.execPath, [cli, "metrics", "--json"], { encoding: "utf8" })) as Record<
      string,
      { name: string; unit: string; description: string; formula?: string }[]
    >;
    expect(m["derived"]!.map((f) => f.name)).toEqual(DERIVED_FORMULAS.map((f) => f.name));
    for (const list of [m["events"]!, m["drops"]!, m["derived"]!]) {
      for (const x of list) {
        expect(x.unit, x.name).not.toBe("");
        expect(x.description.length, x.name).toBeGreaterThan(10);
      }
    }
    for (const f of m["derived"]!) expect(f.formula, f.name).toBeTruthy();
  });
});
