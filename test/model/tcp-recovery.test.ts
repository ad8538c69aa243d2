// NewReno loss recovery against the receiver's ACK rule (sources.md J9): while the out-of-order
// queue holds data, every in-order segment is acknowledged at once (__tcp_ack_snd_check with
// ofo_possible). NewReno learns one hole per partial ACK, and the retransmission that fills one
// hole of a run of consecutive losses releases nothing from the out-of-order queue: a receiver
// that waits for its delayed-ACK timer there stretches each hole from one round trip (well under
// a millisecond here, a few milliseconds with the queues full) to the 40 ms delayed-ACK timeout.

import { describe, expect, it } from "vitest";
import { run } from "../helpers.js";

const seeds = [1, 2, 3, 4, 5, 6, 7, 8];

describe("NewReno recovery of a burst of losses [J9]", () => {
  // paper-baseline: four streams through dom0's queues, whose overflow drops several consecutive
  // segments of a window. SACK recovers a burst in about one round trip and NewReno in one round
  // trip per hole; both halve the window once per burst, and NewReno's window inflation keeps
  // new data flowing at the ACK clock meanwhile, so what NewReno loses against SACK is its
  // timeouts (a retransmission lost again): each stalls one of the four flows for at least the
  // 200 ms minimum RTO while the other three take up dom0's CPU, which bounds the aggregate
  // (2.2 Gb/s). More than two thirds of SACK's aggregate is what a few such stalls leave. With a
  // delayed-ACK wait per hole a burst of k losses takes 40 (k - 1) ms, and the aggregate fell to
  // 0.35-0.53 of SACK's on seeds 1-3.
  // The bound holds for eight seeds together, not for each: how many retransmissions are lost
  // again in 600 ms is a matter of a few coincidences (2 to 9 timeouts per run), so one run's
  // ratio ranges from about 0.4 to 1.0: of seeds 1-12, with and without random loss, 5 of the 24
  // runs fall below two thirds, with the model both before and after the drivers' xmit was
  // charged once per packet. The sum over seeds 1-8 stays between 0.74 and 0.83.
  const o = { durationMs: 600, warmupMs: 200 };
  const total = (rs: { throughput: { aggregateGbps: number } }[]) =>
    rs.reduce((a, r) => a + r.throughput.aggregateGbps, 0);

  it("seeds 1-8: NewReno keeps at least two thirds of SACK's goodput", async () => {
    const sack = await Promise.all(seeds.map((s) => run("paper-baseline", o, s)));
    const newreno = await Promise.all(seeds.map((s) => run("paper-baseline", { ...o, "tcp.sack": false }, s)));
    for (const r of newreno) {
      expect(r.events["tcpFastRecoveries"]).toBeGreaterThan(0);
      expect(r.conservation.ok).toBe(true);
    }
    expect(total(newreno)).toBeGreaterThan((2 / 3) * total(sack));
  }, 240_000);

  it("seeds 1-8: with random wire loss of 2e-4 as well", async () => {
    const lossy = { ...o, "links.rxLossRate": 0.0002 };
    const sack = await Promise.all(seeds.map((s) => run("paper-baseline", lossy, s)));
    const newreno = await Promise.all(seeds.map((s) => run("paper-baseline", { ...lossy, "tcp.sack": false }, s)));
    for (const r of newreno) expect(r.drops["wire_loss"]).toBeGreaterThan(0);
    expect(total(newreno)).toBeGreaterThan((2 / 3) * total(sack));
  }, 240_000);
});
