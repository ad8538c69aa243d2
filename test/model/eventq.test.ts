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

describe("event queue", () => {
  it("pops in (time, insertion) order through every mix of push, pop and peek", async () => {
    await check(1, 4000, 1000);
    await check(7, 4000, 3); // mostly equal times: the insertion order decides
  });
});
