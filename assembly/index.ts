// The Wasm module's only export surface. See README "Architecture" for the host/Wasm boundary:
// the host allocates the config buffer here, writes it once, calls simInit, then simRun in
// chunks, reading counters through a view on statsPtr().

import { engineInit, engineRun, engineNow, engineInFlightUnits, engineInvariantError } from "./sim/engine";
import { statsPtr as sp, statsWords as sw } from "./stats";
import { eqMaxSize, eqSize } from "./sim/eventq";
import { pktInUse } from "./packet";

/** Allocates room for a config buffer of `slots` f64 values; returns its address. */
export function cfgAlloc(slots: u32): usize {
  return heap.alloc(<usize>slots << 3);
}

/** Builds the simulation from the config at `ptr`. 0 = ok, else a STOP_ERR_* code. */
export function simInit(ptr: usize): u32 {
  return engineInit(ptr);
}

/** Runs until `untilCycle` or `maxEvents` events. Returns a STOP_* reason. */
export function simRun(untilCycle: u64, maxEvents: u32): u32 {
  return engineRun(untilCycle, maxEvents);
}

/** Cycle of the last executed event. */
export function simNow(): u64 {
  return engineNow();
}

export function statsPtr(): usize {
  return sp();
}
export function statsWords(): u32 {
  return sw();
}
export function inFlightUnits(): u64 {
  return engineInFlightUnits();
}
export function invariantCode(): u32 {
  return engineInvariantError();
}
export function pendingEvents(): u32 {
  return eqSize;
}
export function maxPendingEvents(): u32 {
  return eqMaxSize;
}
export function packetsInUse(): u32 {
  return pktInUse;
}

export { eqPush, eqPop, eqPeekTime, eqInit, eqReset } from "./sim/eventq";

// --- kernel benchmark (../shared/bench-kernel.md), run on the engine's own event queue ---

export {
  kbInit, kbRun, kbRunCounted, kbCsum, kbLatsum, kbCompleted, kbDrops, kbEvents, kbPendingSum,
} from "./bench/kernel";
