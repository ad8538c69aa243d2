// Kernel mechanisms against the real modules (kernel/, cpu/, xen/evtchn), built without any
// component: tasklets, NAPI weight and netdev_budget, MAX_SOFTIRQ_RESTART, timers, event-channel
// merging. See assembly/test/kernel.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { COMPILE_TIMEOUT_MS, type Exports, testModule } from "./modules.js";

let m: Exports;
beforeAll(async () => {
  m = await testModule("kernel");
}, COMPILE_TIMEOUT_MS);

const SQ_NAPI = 1;
const SQ_TASKLET = 2;
const SQ_SPIN = 3;
const decode = (x: number): { kind: number; item: number; quota: number } => ({
  kind: x >>> 24,
  item: (x >>> 12) & 0xfff,
  quota: x & 0xfff,
});

describe("tasklets (kernel/tasklet.ts)", () => {
  it("a second schedule before the run merges; the tasklet runs on the CPU that scheduled it", () => {
    m.setup(2, 4, 1, 64, 300, 10, 1);
    m.taskletScheduleOn(1, 0);
    m.taskletScheduleOn(1, 0);
    expect(m.taskletListLen(0)).toBe(1);
    expect(Number(m.statSchedules())).toBe(1);
    expect(m.taskletActionHead(0)).toBe(1);
    expect(m.taskletLastCpu(1)).toBe(0);
    m.taskletFinish(1);
    expect(m.taskletRuns(1)).toBe(1);
  });

  it("never runs on two CPUs at once: scheduled elsewhere while running, it stays listed there and runs once the first run ends", () => {
    m.setup(2, 4, 1, 64, 300, 10, 1);
    m.taskletScheduleOn(2, 0);
    expect(m.taskletActionHead(0)).toBe(1); // running on CPU 0
    expect(m.taskletLastClaimMigrated()).toBe(0); // its first run
    m.taskletScheduleOn(2, 1); // SCHED was cleared when it started: listed on CPU 1
    expect(m.taskletListLen(1)).toBe(1);
    expect(m.taskletActionHead(1)).toBe(0); // trylock fails on CPU 1: busy on CPU 0
    expect(m.taskletListLen(1)).toBe(1); // re-listed on CPU 1 (TASKLET_SOFTIRQ raised again)
    expect(m.taskletActionHead(1)).toBe(0); // the re-raise loop retries: still busy
    expect(Number(m.statBusyElsewhere())).toBe(2);
    m.taskletScheduleOn(2, 0); // CPU 0's run reschedules it: SCHED is still set, no second listing
    expect(m.taskletListLen(0)).toBe(0);
    m.taskletFinish(2); // the CPU 0 run ends
    expect(m.taskletActionHead(1)).toBe(1); // CPU 1's retry claims it
    expect(m.taskletLastClaimMigrated()).toBe(1); // previous run on CPU 0
    expect(m.taskletLastCpu(2)).toBe(1);
    m.taskletFinish(2);
    expect(m.taskletRuns(2)).toBe(2);
  });
});

describe("tasklet_action on a CPU whose list holds a tasklet running elsewhere (kernel/softirq.ts)", () => {
  it("runs the rest of its list first, then spins in the re-raise loop with the busy one listed again", () => {
    m.setup(2, 4, 1, 64, 300, 10, 1);
    m.taskletScheduleOn(2, 0);
    expect(m.taskletActionHead(0)).toBe(1); // tasklet 2 runs on CPU 0
    m.taskletScheduleOn(2, 1); // listed on CPU 1 meanwhile (SCHED was cleared when it started)
    m.taskletScheduleOn(3, 1); // and another tasklet behind it
    const k = m.softirqRun(1, 10);
    const items = Array.from({ length: k }, (_, i) => decode(m.traceAt(i)));
    expect(items.map((x) => [x.kind, x.item])).toEqual([
      [SQ_TASKLET, 3],
      [SQ_SPIN, 2],
    ]);
    expect(m.taskletListLen(1)).toBe(1); // tasklet 2, listed on CPU 1 again
    expect(Number(m.statBusyElsewhere())).toBe(1);
    m.taskletFinish(2); // the CPU 0 run ends: the next round claims it
    const k2 = m.softirqRun(1, 10);
    expect(decode(m.traceAt(0))).toMatchObject({ kind: SQ_TASKLET, item: 2 });
    expect(k2).toBe(1);
  });
  it("does not spin when the other CPU's run ended while the rest of its list ran: the restart claims it", () => {
    m.setup(2, 4, 1, 64, 300, 10, 1);
    m.taskletScheduleOn(2, 0);
    expect(m.taskletActionHead(0)).toBe(1); // tasklet 2 runs on CPU 0
    m.taskletScheduleOn(2, 1);
    m.taskletScheduleOn(3, 1);
    // Tasklet 2's run on CPU 0 ends while tasklet 3 runs on CPU 1.
    const k = m.softirqRunEnding(1, 10, 2);
    const items = Array.from({ length: k }, (_, i) => decode(m.traceAt(i)));
    expect(items.map((x) => [x.kind, x.item])).toEqual([
      [SQ_TASKLET, 3],
      [SQ_TASKLET, 2],
    ]);
    expect(Number(m.statBusyElsewhere())).toBe(1);
    expect(m.taskletLastCpu(2)).toBe(1);
  });
});

describe("NAPI weight and netdev_budget (kernel/napi.ts, kernel/softirq.ts)", () => {
  it("each poll takes min(weight, budget left); a full-weight poll goes to the list tail; the round ends when the budget is spent", () => {
    m.setup(1, 1, 5, 64, 300, 10, 1);
    for (let n = 0; n < 5; n++) expect(m.napiLoad(n, 0, 100)).toBe(1);
    expect(m.napiLoad(0, 0, 100)).toBe(0); // already scheduled (NAPI_STATE_SCHED)
    const k = m.softirqRun(0, 100);
    const items = Array.from({ length: k }, (_, i) => decode(m.traceAt(i)));
    expect(items.every((x) => x.kind === SQ_NAPI)).toBe(true);
    // Round 1: 64+64+64+64+44 = 300 = netdev_budget. Round 2 (fresh budget): the rest.
    expect(items.slice(0, 5).map((x) => [x.item, x.quota])).toEqual([[0, 64], [1, 64], [2, 64], [3, 64], [4, 44]]);
    expect(items.slice(5).map((x) => [x.item, x.quota])).toEqual([[0, 64], [1, 64], [2, 64], [3, 64], [4, 64]]);
    // Instances 0-3 completed with 36 < 64; instance 4 had 56 left after 44: completed too.
    for (let n = 0; n < 5; n++) expect(m.napiIsScheduled(n)).toBe(0);
    expect(Number(m.statBudgetExhausted())).toBe(5); // the five full-quota polls of round 1
    expect(m.pollListLen(0)).toBe(0);
  });

  it("after MAX_SOFTIRQ_RESTART rounds the rest is deferred to ksoftirqd", () => {
    m.setup(1, 1, 1, 64, 64, 2, 1); // budget = weight: every round ends after one poll
    m.napiLoad(0, 0, 1000);
    const k = m.softirqRun(0, 100);
    expect(k).toBe(2); // two rounds, then wakeup_softirqd
    expect(m.deferred(0)).toBe(1);
    expect(m.ksoftirqdQueued(0)).toBe(1);
    expect(Number(m.statDeferred())).toBe(1);
    expect(m.pollListLen(0)).toBe(1); // still scheduled, waiting for ksoftirqd
  });
});

describe("timers (kernel/timers.ts)", () => {
  it("re-arming earlier fires at the new deadline; re-arming later costs no event until the old one fires", () => {
    m.setup(1, 1, 1, 64, 300, 10, 4);
    const t = m.timerCreate(0);
    m.timerArmAt(t, 100n);
    m.timerArmAt(t, 50n); // earlier: a second event at 50
    m.timerArmAt(t, 200n); // later: no new event now
    const events = m.timersRun();
    // events at 50 (follows the deadline to 200), 100 (stale), 200 (fires)
    expect(events).toBe(3);
    expect(m.timerFires()).toBe(1);
    expect(m.timerFireAt(0)).toBe(200n);
    expect(m.timerListLen(0)).toBe(1); // runs in TIMER softirq on its VCPU
  });

  it("a cancelled timer does not fire; an external host's timer fires without a VCPU", () => {
    m.setup(1, 1, 1, 64, 300, 10, 4);
    const a = m.timerCreate(0);
    const b = m.timerCreateExternal();
    m.timerArmAt(a, 10n);
    m.timerArmAt(b, 20n);
    m.timerDel(a);
    m.timersRun();
    expect(m.timerFires()).toBe(1);
    expect(m.timerFireAt(0)).toBe(20n);
    expect(m.timerListLen(0)).toBe(0);
  });
});

describe("event channels (xen/evtchn.ts)", () => {
  it("a send to a pending port merges; the upcall clears the bit so the next send is delivered again", () => {
    m.setup(2, 1, 1, 64, 300, 10, 1);
    // ports: 2 PIRQ, 2 backend, 2 frontend, 2 IPI; bind backend port 2 to VCPU 1
    m.portBind(2, 1);
    m.portSend(2);
    m.portSend(2);
    m.portSend(0);
    expect(Number(m.statSent())).toBe(3);
    expect(Number(m.statMerged())).toBe(1);
    expect(m.pendingLen(1)).toBe(1);
    expect(m.pendingAt(1, 0)).toBe(2);
    expect(m.pendingLen(0)).toBe(1); // port 0 stays on VCPU 0 (the default binding)
    expect(m.upcall(1)).toBe(1);
    m.portSend(2);
    expect(m.pendingLen(1)).toBe(1);
    expect(Number(m.statMerged())).toBe(1);
  });
});
