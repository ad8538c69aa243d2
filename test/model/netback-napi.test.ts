// netback's NAPI mode (Linux 3.12-3.14) in the whole model, four guests behind one 1 GbE port,
// the vif channels bound round-robin over four dom0 VCPUs (vif i on dom0.i), the NIC's
// interrupt on dom0.0:
//  - guest TX: each vif's copy and bridge work runs on the VCPU its TX channel is bound to (the
//    NAPI poll the TX interrupt schedules there), and follows the binding;
//  - guest RX: each vif's thread runs where the NIC poll's start_xmit woke it, so no skb changes
//    CPUs between start_xmit and the thread (a bound per-group thread takes them over);
//  - the configuration rules of the mode: field, value and what is allowed.
// The mechanisms one call at a time: test/assembly/netback-napi.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { configErrorOf, resolveConfig, run, type SimResult } from "../helpers.js";

const NAPI = { "netback.mode": "napi", "netback.txGrantCopy": true };
const SETUP = { "nic.ports": 1, "evtchn.dispatch": "round-robin", durationMs: 100 };
const TX = { "traffic.rxStreamsPerGuest": 0, "traffic.txStreamsPerGuest": 1 };

const dom0 = (r: SimResult, v: number) => r.cpu.find((c) => c.domain === "dom0" && c.vcpu === v)!;

describe("netback NAPI mode: where each half runs", () => {
  let txSpread: SimResult;
  let txVcpu0: SimResult;
  let rxNapi: SimResult;
  let rxBound: SimResult;
  beforeAll(async () => {
    [txSpread, txVcpu0, rxNapi, rxBound] = await Promise.all([
      run("paper-baseline", { ...NAPI, ...SETUP, ...TX }),
      run("paper-baseline", { ...NAPI, ...SETUP, ...TX, "evtchn.dispatch": "vcpu0" }),
      run("paper-baseline", { ...NAPI, ...SETUP }),
      run("paper-baseline", { ...SETUP, "netback.mode": "kthread", "netback.groups": 0, "netback.txGrantCopy": true }),
    ]);
  }, 120_000);

  it("guest-TX copies and the bridge run on the dom0 VCPU that takes the vif's TX interrupt", () => {
    for (const v of [1, 2, 3]) {
      const c = dom0(txSpread, v);
      expect(c.breakdown["grant"], `dom0.${v}`).toBeGreaterThan(0.005);
      expect(c.breakdown["bridge"], `dom0.${v}`).toBeGreaterThan(0.005);
      expect(c.breakdown["netback"], `dom0.${v}`).toBeGreaterThan(0.005);
    }
    // With every channel on VCPU0 the same work has nowhere else to run.
    for (const v of [1, 2, 3]) expect(dom0(txVcpu0, v).utilization, `dom0.${v}`).toBe(0);
    for (const r of [txSpread, txVcpu0]) expect(r.events["netbackTxPackets"]).toBeGreaterThan(1000);
  });

  it("guest-RX work runs in each vif's thread where start_xmit woke it: no skb changes CPUs", () => {
    expect(rxNapi.events["netbackRxPackets"]).toBeGreaterThan(1000);
    expect(rxNapi.events["netbackSkbHandoffs"]).toBe(0);
    expect(rxNapi.events["netbackStateMigrations"]).toBe(0);
    // The NIC poll on dom0.0 wakes every vif's thread there: the RX copies are dom0.0's.
    for (const v of [1, 2, 3])
      expect(dom0(rxNapi, 0).breakdown["grant"]!).toBeGreaterThan(5 * dom0(rxNapi, v).breakdown["grant"]!);
    // Threads bound to dom0.i (one group per VCPU) take each skb over from dom0.0.
    expect(rxBound.events["netbackSkbHandoffs"]).toBeGreaterThan(1000);
  });
});

describe("netback NAPI mode: configuration", () => {
  it("needs grant-copied TX requests", () => {
    const e = configErrorOf("paper-baseline", { "netback.mode": "napi" });
    expect(e.field).toBe("netback.txGrantCopy");
    expect(e.value).toBe(false);
    expect(e.message).toMatch(/napi/);
  });
  it("has no groups, group map or thread placement", () => {
    expect(configErrorOf("paper-baseline", { ...NAPI, "netback.groups": 2 }).field).toBe("netback.groups");
    const m = configErrorOf("paper-baseline", {
      ...NAPI,
      "netback.assignment": "explicit",
      "netback.groupMap": [0, 0, 0, 0],
    });
    expect(m.field).toBe("netback.assignment");
    const k = configErrorOf("paper-baseline", { ...NAPI, "netback.kthreadVcpus": [3, 3, 3, 3] });
    expect(k.field).toBe("netback.kthreadVcpus");
    expect(k.message).toMatch(/kthread_bind/);
  });
  it("does not combine with notification coalescing of one channel", () => {
    const e = configErrorOf("paper-baseline", { ...NAPI, "netback.coalesce.count": 4, "netback.coalesce.timeUs": 100 });
    expect([e.field, e.value]).toEqual(["netback.coalesce.count", 4]);
  });
  it("resolves to one group per vif, and a resolved configuration resolves to itself", () => {
    const r = resolveConfig("paper-baseline", { ...NAPI, "guests.count": 6, "dom0.vcpus": 4 });
    expect(r.netback.groups).toBe(6);
    expect(r.netback.groupMap).toEqual([0, 1, 2, 3, 4, 5]);
    expect(resolveConfig(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });
  it("rejects an unknown mode, naming the allowed ones", () => {
    const e = configErrorOf("paper-baseline", { "netback.mode": "threads" });
    expect(e.field).toBe("netback.mode");
    expect(e.message).toMatch(/"tasklet", "kthread", "napi"/);
  });
});
