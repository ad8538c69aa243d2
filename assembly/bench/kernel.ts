// Kernel benchmark (docs/bench-kernel.md): a packet pipeline of S sources, each
// feeding 4 FIFO single-server stations, driven by the engine's own event queue.
//
// Models: nothing of Xen. It exercises only what every simulation event pays for: one pop from
// the engine's pending-event set (assembly/base/eventq.ts, the module engineRun pops from, not a
// copy), a decode of the u32 target into (component, kind) as engineRun's dispatch does, a few
// FIFO ring operations and one or two pushes. The C (bench/kernel.c) and plain TypeScript
// (bench/kernel-ts.ts) versions do the same work and must print the same checksums.
//
// Layout (raw linear memory from heap.alloc, allocated in kbInit, never during a run):
//
//   stBirth + 8*((s*4 + st)*32 + i): u64 birth time (ps) of the i-th slot of station (s, st)
//   stIdx   + 8*(s*4 + st):          +0 head u32 (free-running), +4 count u32
//
// The host calls kbRun in chunks of about a million events so that V8 can swap in optimized
// code between calls (toolchain.md, "V8 tiering"). Time is u64 picoseconds.

import { eqInit, eqReset, eqPushInline, eqPop, eqNow, eqTarget, eqSize } from "../base/eventq";
import { xsSeed, xsNext as rnd, xsUni as uni } from "./xorshift";

const STATIONS: u32 = 4;
const STATION_CAP: u32 = 32; // packets per station (power of two: index masks with CAP-1)


let nSources: u32 = 0;
let capSources: u32 = 0; // sources the current allocation can hold
let stBirth: usize = 0;
let stIdx: usize = 0;

let csum: u64 = 0;
let latsum: u64 = 0;
let completed: u64 = 0;
let drops: u64 = 0;
let events: u64 = 0;
let pendingSum: u64 = 0;

// @ts-ignore: decorator
@inline function service(): u64 {
  return (<u64>1 + <u64>uni(12000)) * 1000;
}

/** enqueue(s, st, birth, t): append to station (s, st), start its service if it was idle. */
// @ts-ignore: decorator
@inline function enqueue(s: u32, st: u32, birth: u64, t: u64): void {
  let q = (s << 2) + st;
  let ia = stIdx + (<usize>q << 3);
  let head = load<u32>(ia);
  let cnt = load<u32>(ia, 4);
  if (cnt == STATION_CAP) {
    drops++;
    return;
  }
  store<u64>(stBirth + (<usize>((q << 5) + ((head + cnt) & (STATION_CAP - 1))) << 3), birth);
  store<u32>(ia, cnt + 1, 4);
  if (cnt == 0) eqPushInline(t + service(), (s << 3) | (st + 1));
}

/** Sets up S sources (bench-kernel.md "init(S)"). Allocates only when S grows. */
export function kbInit(S: u32): void {
  xsSeed();
  if (S > capSources) {
    // At most one arrival and four departures pending per source.
    eqInit(S * 5 + 16);
    stBirth = heap.alloc(<usize>S * STATIONS * STATION_CAP * 8);
    stIdx = heap.alloc(<usize>S * STATIONS * 8);
    capSources = S;
  } else {
    eqReset();
  }
  memory.fill(stIdx, 0, <usize>S * STATIONS * 8);
  nSources = S;
  csum = 0;
  latsum = 0;
  completed = 0;
  drops = 0;
  events = 0;
  pendingSum = 0;
  for (let s: u32 = 0; s < S; s++) eqPushInline(<u64>uni(2000000), s << 3);
}

/** Runs exactly n events (pops). Returns the number run (n unless the queue ran dry). */
export function kbRun(n: u32): u32 {
  let i: u32 = 0;
  for (; i < n; i++) {
    if (!eqPop()) break;
    let t = eqNow;
    let target = eqTarget;
    let s = target >> 3;
    let k = target & 7;
    if (k == 0) {
      // Arrival: schedule the next one first, then enqueue at station 0.
      let size = 64 + uni(1455);
      let gap = <u64>(size + 20) * 8000 + <u64>uni(2000000);
      eqPushInline(t + gap, s << 3);
      enqueue(s, 0, t, t);
    } else {
      // Departure from station st = k - 1.
      let st = k - 1;
      let q = (s << 2) + st;
      let ia = stIdx + (<usize>q << 3);
      let head = load<u32>(ia);
      let cnt = load<u32>(ia, 4) - 1;
      let birth = load<u64>(stBirth + (<usize>((q << 5) + (head & (STATION_CAP - 1))) << 3));
      store<u32>(ia, head + 1);
      store<u32>(ia, cnt, 4);
      if (st < STATIONS - 1) {
        enqueue(s, st + 1, birth, t);
      } else {
        completed++;
        csum += t;
        latsum += t - birth;
      }
      if (cnt > 0) eqPushInline(t + service(), target);
    }
  }
  events += i;
  return i;
}

/** Same as kbRun, and adds the pending-event count after each pop to kbPendingSum (for the
 *  "average pending" column of bench-kernel.md; not used for timing). */
export function kbRunCounted(n: u32): u32 {
  let done: u32 = 0;
  while (done < n) {
    let r = kbRun(1);
    if (r == 0) break;
    pendingSum += eqSize;
    done++;
  }
  return done;
}

export function kbCsum(): u64 {
  return csum;
}
export function kbLatsum(): u64 {
  return latsum;
}
export function kbCompleted(): u64 {
  return completed;
}
export function kbDrops(): u64 {
  return drops;
}
export function kbEvents(): u64 {
  return events;
}
export function kbPendingSum(): u64 {
  return pendingSum;
}
