// Shared PCPUs and Xen's credit scheduler: CPU shares by weight, caps, BOOST preemption on a
// wake-up, stealing by idle PCPUs where affinity allows, steal time and wait latencies, a driver
// domain that shares its PCPUs with busy guests, and the pinned case that must not change at all.

import { describe, expect, it } from "vitest";
import { receiverBesideBusyLoop, run, resolveConfig, simulate, type SimResult } from "../helpers.js";
import { presetNames } from "../../dist/src/config/presets.js";
import { needsCreditScheduler } from "../../dist/src/config/placement.js";

/**
 * `guests` one-VCPU guests, every one a CPU-bound busy loop, on PCPU 0 of `pcpus` PCPUs, with
 * dom0's one VCPU (idle: no traffic). Credit accounting hands out 300 credits per PCPU of the
 * host every 30 ms, whatever the affinities, so the share tests use a host of one PCPU: there the
 * credits are exactly what the VCPUs on it compete for.
 */
function hogs(guests: number, extra: Record<string, unknown>, durationMs = 3000, pcpus = 1): Promise<SimResult> {
  const ids = Array.from({ length: guests }, (_, i) => i);
  return simulate(
    resolveConfig(
      {
        cpu: { pcpus },
        dom0: { vcpus: 1, pcpus: [0] },
        guests: { count: guests, vcpus: 1, pcpus: ids.map(() => [0]) },
        nic: { ports: 1 },
        traffic: { rxStreamsPerGuest: 0, profiles: [{ guests: ids, kind: "cpu-hog" }] },
        durationMs,
      },
      extra,
    ),
  );
}

const guestCpu = (r: SimResult, g: number) => r.cpu.find((c) => c.domain === `domU${g}`)!;

describe("credit scheduler: shares, caps, BOOST", () => {
  it("two CPU-bound VCPUs on one PCPU with weights 256:512 get shares 1:2 (within 3%)", async () => {
    // The two take the PCPU in turns of whole slices (60 ms and 120 ms here): over 20 s the
    // measured interval cuts at most part of one turn, 0.3% of it.
    const r = await hogs(2, { "guests.weights": [256, 512] }, 20_000);
    expect(r.state).toBe("completed");
    const a = guestCpu(r, 0).utilization;
    const b = guestCpu(r, 1).utilization;
    expect(Math.abs(b / a / 2 - 1)).toBeLessThan(0.03);
    // The PCPU never idles while both want it; what is not work is the switches between them.
    expect(a + b).toBeGreaterThan(0.99);
    expect(r.events.vcpuContextSwitches).toBeGreaterThan(0);
    // Runnable but not running is steal time: busy + steal covers the whole interval.
    for (const g of [0, 1]) {
      const c = guestCpu(r, g);
      expect(Math.abs(c.utilization + c.stealUs / 20e6 - 1)).toBeLessThan(0.01);
      // A CPU-bound VCPU waits for the other's slices: tens of ms, never past 30 ms x 2.
      expect(c.waitLatency.count).toBeGreaterThan(10);
      expect(c.waitLatency.p50Us).toBeGreaterThan(10_000);
      expect(c.waitLatency.maxUs).toBeLessThanOrEqual(120_000 * 1.001);
    }
  });

  it("equal weights give equal shares", async () => {
    const r = await hogs(2, {});
    expect(Math.abs(guestCpu(r, 0).utilization - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(guestCpu(r, 1).utilization - 0.5)).toBeLessThan(0.01);
  });

  it("a cap of 50% holds within 2%, alone on its PCPU and against a competitor", async () => {
    const alone = await hogs(1, { "guests.capsPercent": [50] }, 20_000);
    const c = guestCpu(alone, 0);
    expect(Math.abs(c.utilization - 0.5)).toBeLessThan(0.02 * 0.5);
    expect(alone.events.vcpuParks).toBeGreaterThan(0);
    // Parked time is steal time (Linux counts a paused VCPU's time as stolen).
    expect(c.stealUs / 20e6).toBeGreaterThan(0.45);
    // Against an uncapped busy loop with four times its weight, the capped one gets its 20% share.
    const shared = await hogs(2, { "guests.capsPercent": [50, 0], "guests.weights": [256, 1024] }, 20_000);
    expect(Math.abs(guestCpu(shared, 0).utilization - 0.2)).toBeLessThan(0.02);
    // With twice the weight of its competitor its share (2/3) is above the cap: the cap holds.
    const capped = await hogs(2, { "guests.capsPercent": [50, 0], "guests.weights": [512, 256] }, 20_000);
    expect(Math.abs(guestCpu(capped, 0).utilization - 0.5)).toBeLessThan(0.02 * 0.5);
    expect(guestCpu(capped, 1).utilization).toBeGreaterThan(0.48);
  });

  it("a VCPU woken by an event while UNDER preempts an OVER VCPU within one tick (BOOST)", async () => {
    // One PCPU: dom0, guest 0 receiving 1000 UDP packets/s through it, and two busy guests that
    // use up their credit in turn (OVER). dom0 and guest 0 wake for each packet and block again.
    const r = await simulate(
      resolveConfig({
        cpu: { pcpus: 1 },
        dom0: { vcpus: 1 },
        guests: { count: 3, vcpus: 1, pcpus: [[0], [0], [0]] },
        nic: { ports: 1 },
        traffic: {
          rxStreamsPerGuest: 0,
          udp: [{ guest: 0, ratePps: 1000, process: "poisson", payloadBytes: 512 }],
          profiles: [{ guests: [1, 2], kind: "cpu-hog" }],
        },
        durationMs: 2000,
      }),
    );
    expect(r.state).toBe("completed");
    const d0 = r.cpu.find((c) => c.domain === "dom0")!;
    expect(r.events.vcpuBoostPreemptions).toBeGreaterThan(1000);
    // Woken while UNDER, dom0 is boosted and preempts the running busy guest at once, also when
    // that guest had used up its credit (OVER): the preemption is counted at the wake-up itself.
    expect(r.events.vcpuBoostPreemptionsOfOver).toBeGreaterThan(100);
    // Nearly every dom0 wait is zero, far inside one 10 ms tick. (A rare long one is credit1's own:
    // a queued boosted VCPU never waits behind a busy guest, so dom0 was queued unboosted, at UNDER
    // or OVER, as after a tick took its boost, and waited for up to two of the guests' 30 ms slices.)
    expect(d0.waitLatency.count).toBeGreaterThan(1500);
    expect(d0.waitLatency.p99Us).toBeLessThan(100);
    expect(d0.stealUs / 2e6).toBeLessThan(0.05);
    // The busy guests do wait for each other's slices.
    expect(guestCpu(r, 1).waitLatency.maxUs).toBeGreaterThan(10_000);
    expect(r.throughput.perVm[0]!.udpGbps).toBeGreaterThan(0.0039);
  });

  it("an idle PCPU steals a queued VCPU where affinity allows, never elsewhere", async () => {
    // Three busy loops start on PCPU 0 of two; with affinity {0, 1} PCPU 1 takes queued ones
    // whenever its own queue has nothing better: each gets two thirds of a PCPU.
    const free = await hogs(
      3,
      {
        "guests.affinity": [
          [0, 1],
          [0, 1],
          [0, 1],
        ],
      },
      3000,
      2,
    );
    expect(free.events.vcpuSteals).toBeGreaterThan(10);
    for (const g of [0, 1, 2]) expect(Math.abs(guestCpu(free, g).utilization - 2 / 3)).toBeLessThan(0.02);
    // Pinned to PCPU 0, they share it while PCPU 1 idles.
    const pinned = await hogs(3, {}, 3000, 2);
    expect(pinned.events.vcpuSteals).toBe(0);
    for (const g of [0, 1, 2]) expect(guestCpu(pinned, g).utilization).toBeLessThan(0.4);
  });

  it("is deterministic: same config and seed, same bits", async () => {
    const a = await run("dom0-shared-pcpus", { durationMs: 100, warmupMs: 20 });
    const b = await run("dom0-shared-pcpus", { durationMs: 100, warmupMs: 20 });
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.throughput).toEqual(b.throughput);
    expect(a.conservation.ok).toBe(true);
  });
});

describe("Xen 3.x's debit per tick (cpu.creditDebit = tick)", () => {
  it("busy loops still share by weight: 256:512 gives 1:2 (within 3%)", async () => {
    // Each is running at every tick of its turns, so paying a whole tick per tick caught is what
    // it ran: the shares are the weights', as with the debit from time stamps.
    const r = await hogs(2, { "guests.weights": [256, 512], "cpu.creditDebit": "tick" }, 20_000);
    expect(r.state).toBe("completed");
    const a = guestCpu(r, 0).utilization;
    const b = guestCpu(r, 1).utilization;
    expect(Math.abs(b / a - 2) / 2).toBeLessThan(0.03);
  });

  /** One TCP receiver and a busy loop on PCPU 4 of five, dom0 alone on PCPU 0 (1 GbE). */
  const receiverBesideLoop = (debit: string) =>
    run(
      "single-guest",
      {
        ...receiverBesideBusyLoop,
        "tcp.lowLatency": false,
        "costs.contextSwitchCycles": 22_500,
        "cpu.creditDebit": debit,
      },
      1,
    );

  it("a receiver beside a busy loop, with credit to spare, is never left OVER to wait out the loop's slices", async () => {
    // Five PCPUs' credits for three active domains: each guest earns a whole PCPU's worth per
    // period, more than the two can use together, so its credit passes +300 and it stops earning
    // (reset to 0) until a tick finds it running again. From time stamps, the receiver pays for
    // every burst meanwhile: running in short bursts, it is not caught at a tick for a while, its
    // debt passes the 300 credits accounting then gives it, it goes OVER, is no longer boosted,
    // and waits behind the UNDER busy loop until the next accounting (up to two 30 ms slices).
    // Per tick, it pays only for the ticks that catch it (a third of them at most between two
    // accountings: 300 credits), so it never goes OVER: every wake-up is boosted and preempts
    // the loop at once.
    const tick = await receiverBesideLoop("tick");
    const stamp = await receiverBesideLoop("timestamp");
    for (const r of [tick, stamp]) expect(r.state).toBe("completed");
    const rxTick = guestCpu(tick, 0);
    const rxStamp = guestCpu(stamp, 0);
    expect(rxTick.waitLatency.maxUs).toBeLessThan(100);
    expect(rxTick.stealUs).toBeLessThan(1000);
    expect(tick.drops.vif_qdisc_full ?? 0).toBe(0);
    // Waiting out the loop's slice: most of 30 ms (the slice may have begun a little before the
    // receiver woke, so exactly 30 ms is not a bound), against under 0.1 ms for a boosted wake-up.
    expect(rxStamp.waitLatency.maxUs).toBeGreaterThan(25_000);
    // How often the receiver is caught OVER in one run is a matter of a few coincidences (once or
    // twice in this second, as the cost constants move); each time it loses most of a slice, 2-3% of
    // the run's goodput.
    expect(rxStamp.stealUs / 1e6).toBeGreaterThan(0.025);
    expect(stamp.throughput.aggregateGbps).toBeLessThan(0.98 * tick.throughput.aggregateGbps);
    // The guests' cycles per byte are the receiver's own: the busy loop carries no bytes.
    const perByte = (rxTick.utilization * 2.5e9 * 8) / (tick.throughput.aggregateGbps * 1e9);
    expect(tick.derived["guestCyclesPerByte"]!).toBeCloseTo(perByte, 6);
  });
});

describe("a switch cut short", () => {
  it("a VCPU taken off its PCPU before the switch to it is over keeps none of it", async () => {
    // At 1.6 GHz the receiver wakes about every 60 us and each switch to the busy loop takes 13 us
    // (21,380 cycles): the loop is often preempted before its switch is over. The next switch
    // refills its caches from the start, so the rest of the cut one is dropped, not carried: a
    // carried rest grew without bound (each resumption added a whole switch to it) until the
    // job-end events of the paused job overflowed the event queue.
    const r = await run(
      "single-guest",
      {
        "cpu.frequencyGHz": 1.6,
        ...receiverBesideBusyLoop,
        "tcp.lowLatency": false,
        "cpu.creditDebit": "tick",
      },
      1,
    );
    expect(r.state).toBe("completed");
    const rx = guestCpu(r, 0);
    const loop = guestCpu(r, 1);
    expect(r.events.vcpuBoostPreemptions).toBeGreaterThan(10_000);
    // Busy time is time run: the two VCPUs of the PCPU never add up to more than all of it, and
    // the loop's Xen time is no more than one whole switch per switch to it.
    expect(rx.utilization + loop.utilization).toBeLessThanOrEqual(1 + 1e-9);
    const switchFraction = 21_380 / 1.6e9 / (r.config.durationMs / 1000);
    expect(loop.breakdown.xen!).toBeLessThanOrEqual((r.events.vcpuContextSwitches! / 2 + 1) * switchFraction);
  });
});

describe("a driver domain sharing its PCPUs with busy guests", () => {
  it("loses network throughput against the pinned case", async () => {
    const o = { durationMs: 500 };
    const pinned = await run("paper-baseline", o);
    const shared = await run("dom0-shared-pcpus", o);
    expect(shared.conservation.ok).toBe(true);
    // dom0 VCPU0 is the bottleneck of the baseline; sharing its PCPU with a busy guest of equal
    // weight leaves it about half the PCPU.
    expect(shared.throughput.aggregateGbps).toBeLessThan(0.75 * pinned.throughput.aggregateGbps);
    const v0 = shared.cpu.find((c) => c.domain === "dom0" && c.vcpu === 0)!;
    expect(v0.utilization).toBeLessThan(0.7);
    expect(v0.stealUs / 5e5).toBeGreaterThan(0.3);
    expect(pinned.cpu.every((c) => c.stealUs === 0 && c.waitLatency.maxUs === 0)).toBe(true);
  });
});

describe("the pinned case", () => {
  // Every preset but the one built to share PCPUs pins each VCPU to a PCPU of its own. The fast
  // path (no scheduler) is what the regression fingerprints, recorded before the scheduler
  // existed, check; here the full credit scheduler, run on the same pinned configuration, must
  // give the same result in every field but the event count and the fingerprint (its ticks and
  // slice timers are events of their own).
  const pinned = presetNames.filter((n) => !needsCreditScheduler(resolveConfig(n)));
  it("covers every preset but dom0-shared-pcpus", () => {
    expect(pinned).toEqual(presetNames.filter((n) => n !== "dom0-shared-pcpus"));
  });
  for (const name of pinned) {
    it(`${name}: the scheduler's full path gives exactly the fast path's result`, async () => {
      const o = { warmupMs: 20, durationMs: 40 };
      const fast = await run(name, o);
      const full = await run(name, { ...o, "cpu.pinnedFastPath": false });
      const same = (r: SimResult) => ({
        throughput: r.throughput,
        cpu: r.cpu,
        events: r.events,
        derived: { ...r.derived, maxPendingEvents: 0 },
        drops: r.drops,
        latency: r.latency,
        requestResponse: r.requestResponse,
        conservation: r.conservation,
        bottleneck: r.bottleneck,
        packets: r.perf.packetsSimulated,
      });
      expect(full.state).toBe("completed");
      expect(same(full)).toEqual(same(fast));
      expect(full.perf.eventsProcessed).toBeGreaterThan(fast.perf.eventsProcessed);
      // No VCPU ever waits for its PCPU: every wait is a zero wait, no steal time.
      for (const c of fast.cpu) expect([c.stealUs, c.waitLatency.maxUs, c.waitLatency.p99Us]).toEqual([0, 0, 0]);
    });
  }
});

describe("configuration", () => {
  const bad = (o: Record<string, unknown>) => () => resolveConfig("paper-baseline", o);
  it("rejects bad combinations with one line naming the field", () => {
    expect(bad({ "guests.capsPercent": [50, 150, 0, 0] })).toThrow(
      /guests\.capsPercent\[1\]: 150 is not allowed; expected a cap from 0 \(none\) to 100 % \(100 x guests\.vcpus\)/,
    );
    expect(bad({ "dom0.capPercent": 500 })).toThrow(/dom0\.capPercent: 500 .*to 400 %/);
    expect(bad({ "dom0.affinity": [0, 9] })).toThrow(
      /dom0\.affinity\[1\]: 9 .*a PCPU id from 0 to 7 \(cpu\.pcpus = 8\)/,
    );
    expect(bad({ "guests.pcpus": [[4], [5], [6], [12]] })).toThrow(/guests\.pcpus\[3\]\[0\]: 12 .*from 0 to 7/);
    expect(bad({ "dom0.affinity": [0, 1], "dom0.pcpus": [0, 1, 2, 1] })).toThrow(
      /dom0\.pcpus\[2\]: 2 .*a PCPU in dom0\.affinity \(0, 1\)/,
    );
    expect(bad({ "guests.weights": [256, 0, 256, 256] })).toThrow(/guests\.weights\[1\]: 0 .*from 1 to 65535/);
    expect(bad({ "guests.weights": [256] })).toThrow(/guests\.weights: .*4 weights \(one per guest\)/);
    expect(bad({ "guests.affinity": [[4]] })).toThrow(/guests\.affinity: .*4 arrays/);
    expect(bad({ "dom0.weight": 0 })).toThrow(/dom0\.weight: 0 is not allowed/);
    for (const f of [bad({ "guests.capsPercent": [50, 150, 0, 0] }), bad({ "dom0.affinity": [0, 9] })]) {
      try {
        f();
      } catch (e) {
        expect(String((e as Error).message)).not.toMatch(/\n/);
      }
    }
  });

  it("allows more VCPUs than PCPUs and places them by default on the PCPUs dom0 leaves", () => {
    const r = resolveConfig("paper-baseline", { "cpu.pcpus": 6 });
    expect(r.dom0.pcpus).toEqual([0, 1, 2, 3]);
    expect(r.guests.pcpus).toEqual([[4], [5], [4], [5]]);
    expect(needsCreditScheduler(r)).toBe(true);
    expect(needsCreditScheduler(resolveConfig("paper-baseline"))).toBe(false);
    expect(needsCreditScheduler(resolveConfig("paper-baseline", { "guests.capsPercent": [50, 0, 0, 0] }))).toBe(true);
  });
});
