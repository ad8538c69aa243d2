// The engine's event queue (assembly/base/eventq.ts) against a sorted reference: whatever mix of
// pushes, pops and peeks, events come out ordered by time and then by insertion order, the pending
// count is right, and a pop from an empty queue says so. The pop is lazy (the popped root stays
// until the next push replaces it or the next pop or peek removes it), so the mixes below cover
// each path: pop then push, pop then pop, pop then peek, equal times, and emptying the queue.

import { describe, expect, it } from "vitest";
import { rawInstance } from "../helpers.js";

interface Ev {
  time: bigint;
  seq: number;
  target: number;
}

/** xorshift32: a reproducible draw sequence for the mixes. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

async function check(seed: number, ops: number, timeRange: number): Promise<void> {
  const e = await rawInstance();
  e.eqInit(4096);
  const ref: Ev[] = [];
  let seq = 0;
  let now = 0n;
  const draw = rng(seed);
  const popRef = (): Ev | undefined => {
    let best = -1;
    for (let i = 0; i < ref.length; i++) {
      const a = ref[i]!;
      const b = best < 0 ? undefined : ref[best]!;
      if (!b || a.time < b.time || (a.time === b.time && a.seq < b.seq)) best = i;
    }
    return best < 0 ? undefined : ref.splice(best, 1)[0];
  };
  for (let k = 0; k < ops; k++) {
    const op = draw(10);
    if (op < 5) {
      // Push 0-2 events at or after the clock (equal times are common: timeRange is small).
      for (let j = draw(3); j > 0; j--) {
        const time = now + BigInt(draw(timeRange));
        const target = draw(1 << 24);
        e.eqPush(time, target);
        ref.push({ time, seq: seq++, target });
      }
    } else if (op < 9) {
      const want = popRef();
      const got = Boolean(e.eqPop());
      expect(got, `pop ${k}`).toBe(want !== undefined);
      if (want) {
        expect(BigInt.asUintN(64, e.simNow()), `time of pop ${k}`).toBe(want.time);
        expect(e.eqPoppedTarget(), `target of pop ${k}`).toBe(want.target);
        now = want.time;
      }
    } else {
      const want = ref.reduce<bigint | undefined>((m, x) => (m === undefined || x.time < m ? x.time : m), undefined);
      expect(BigInt.asUintN(64, e.eqPeekTime()), `peek ${k}`).toBe(want ?? 0xffffffffffffffffn);
    }
    expect(e.pendingEvents(), `pending after op ${k}`).toBe(ref.length);
  }
  // Drain: every remaining event in order.
  while (ref.length > 0) {
    const want = popRef()!;
    expect(Boolean(e.eqPop())).toBe(true);
    expect(BigInt.asUintN(64, e.simNow())).toBe(want.time);
    expect(e.eqPoppedTarget()).toBe(want.target);
  }
  expect(Boolean(e.eqPop())).toBe(false);
  expect(e.pendingEvents()).toBe(0);
}

/**
 * An engine-like loop: the next event is the oldest same-instant one if any, else the queue's
 * earliest; each handler schedules 0-2 events, some at the current instant through eqPushNow,
 * others through eqPush at or after it (a delay of 0 too, so an event of this instant is often
 * pending in the heap when eqPushNow is called). The order of execution must be the sorted
 * reference's, in which every event went through one queue. A small FIFO exercises the fallback
 * to the heap when it is full.
 */
async function checkInstant(seed: number, steps: number, timeRange: number, fifo: number): Promise<number> {
  const e = await rawInstance();
  e.eqInit(4096);
  e.eqInstantInit(fifo);
  e.eqInstantEnable(true);
  const ref: Ev[] = [];
  let seq = 0;
  let now = 0n;
  let skipped = 0;
  const draw = rng(seed);
  const push = (time: bigint, target: number, instant: boolean): void => {
    if (instant) e.eqPushNow(target);
    else e.eqPush(time, target);
    ref.push({ time, seq: seq++, target });
  };
  const popRef = (): Ev => {
    let best = 0;
    for (let i = 1; i < ref.length; i++) {
      const a = ref[i]!;
      const b = ref[best]!;
      if (a.time < b.time || (a.time === b.time && a.seq < b.seq)) best = i;
    }
    return ref.splice(best, 1)[0]!;
  };
  for (let k = 0; k < 4; k++) push(BigInt(draw(timeRange)), draw(1 << 24), false);
  for (let k = 0; k < steps && ref.length > 0; k++) {
    const want = popRef();
    let target: number;
    if (e.eqInstantPending() > 0) {
      target = e.eqInstantTake();
      expect(want.time, `same-instant event ${k} runs at the clock`).toBe(now);
      skipped++;
    } else {
      expect(Boolean(e.eqPop()), `pop ${k}`).toBe(true);
      expect(BigInt.asUintN(64, e.simNow()), `time of event ${k}`).toBe(want.time);
      target = e.eqPoppedTarget();
    }
    expect(target, `target of event ${k}`).toBe(want.target);
    now = want.time;
    for (let j = draw(3); j > 0; j--) {
      const instant = draw(2) === 0;
      push(instant ? now : now + BigInt(draw(timeRange)), draw(1 << 24), instant);
    }
    if (ref.length < 4) push(now + 1n + BigInt(draw(timeRange)), draw(1 << 24), false); // keeps the mix going
    expect(e.pendingEvents() + e.eqInstantPending(), `pending after event ${k}`).toBe(ref.length);
  }
  return skipped;
}

describe("event queue", () => {
  it("same-instant events run in the order one queue would give, whether they skip it or not", async () => {
    // Returned: how many events skipped the queue; each mix must exercise that path a lot.
    expect(await checkInstant(3, 6000, 1000, 64)).toBeGreaterThan(2000);
    expect(await checkInstant(5, 6000, 20, 64)).toBeGreaterThan(1000); // many equal times
    expect(await checkInstant(9, 6000, 4, 2)).toBeGreaterThan(200); // the FIFO is often full
  });

  it("without the engine running, eqPushNow schedules into the queue", async () => {
    const e = await rawInstance();
    e.eqInit(64);
    e.eqInstantInit(8);
    e.eqPushNow(5);
    expect(e.eqInstantPending()).toBe(0);
    expect(e.pendingEvents()).toBe(1);
  });

  it("pops in (time, insertion) order through every mix of push, pop and peek", async () => {
    await check(1, 4000, 1000);
    await check(7, 4000, 3); // mostly equal times: the insertion order decides
  });
});
