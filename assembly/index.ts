// The Wasm module's only export surface. See README "Architecture" for the host/Wasm boundary:
// the host allocates the config buffer here, writes it once, calls simInit, then simRun in
// chunks, reading counters through a view on statsPtr().

import {
  engineInit, engineMemoryBytes, engineRun, engineNow, engineInFlightUnits, engineInvariantError,
} from "./model/engine";
import { statsPtr as sp, statsWords as sw } from "./stats";
import { eqMaxSize, eqSize, eqTarget, eqInstantCount, eqTakeNow } from "./base/eventq";
import { pktInUse } from "./packet";
import { memPart, memLargestBlock, heapTop } from "./base/memory";

/** Allocates room for a config buffer of `slots` f64 values; returns its address. */
export function cfgAlloc(slots: u32): usize {
  return heap.alloc(<usize>slots << 3);
}

/** Bytes simInit will allocate for the config at `ptr` (the exact layout; allocates nothing). */
export function simMemoryBytes(ptr: usize): f64 {
  return <f64>engineMemoryBytes(ptr);
}
/** After simMemoryBytes: the bytes of contributor `part` (MEM_* in src/abi/layout.ts). */
export function simMemoryPart(part: i32): f64 {
  return <f64>memPart(part);
}
/** After simMemoryBytes: the largest single block, bytes (the runtime allows at most 1 GiB). */
export function simMemoryLargestBlock(): f64 {
  return <f64>memLargestBlock;
}

/** Address one past the last allocated byte (tests compare it around simInit with the layout). */
export function heapTopNow(): usize {
  return heapTop();
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
/** Busy cycles of VCPU v's current job after cycle t (the host cuts jobs at interval edges). */
export { vcpuBusyAfter } from "./cpu/vcpu";
/** Cycles before cycle t of the wait VCPU v is in (the host cuts steal time at interval edges). */
export { vcpuWaitBefore } from "./model/sched";

/** Time series: sampling at boundaries into a buffer the host drains (observe/sampler.ts). */
export { samplerInit, samplerRecordWords, samplerCount, samplerDrained } from "./observe/sampler";
/** Trace points (build/pvnetsim.trace.wasm only; observe/trace.ts). */
export { traceInit, traceCount, traceLost, traceDrained, traceBuild } from "./observe/trace";

export { eqPush, eqPop, eqPeekTime, eqInit, eqReset, eqPushNow, eqInstantInit, eqInstantEnable } from "./base/eventq";
/** Same-instant events waiting (base/eventq.ts eqPushNow). */
export function eqInstantPending(): u32 {
  return eqInstantCount;
}
/** Takes the oldest same-instant event's target (the caller checked eqInstantPending() > 0). */
export function eqInstantTake(): u32 {
  return eqTakeNow();
}
/** Target of the event eqPop took last (its time is simNow). */
export function eqPoppedTarget(): u32 {
  return eqTarget;
}

// --- introspection (tests and debugging; read-only views of model state, never per event) ---
import {
  ringReqCons, ringReqEvent, ringReqProd, ringReqProdPvt, ringRspCons, ringRspEvent, ringRspProd,
  ringRspProdPvt, ringSetReqCons, ringSetReqEvent, ringSetReqProd, ringSetReqProdPvt, ringSetRspCons,
  ringSetRspEvent, ringSetRspProd, ringSetRspProdPvt,
} from "./xen/ring";
import { tcpRcvNxt, tcpSockBytes } from "./traffic/tcp/receiver";
import { appRecvInProgressBytes } from "./guest/stack";

/** Shared-ring index `which` of ring r: 0 req_prod, 1 req_prod_pvt, 2 rsp_prod, 3 rsp_prod_pvt, 4 req_cons, 5 rsp_cons, 6 req_event, 7 rsp_event. */
export function dbgRing(r: u32, which: u32): u32 {
  switch (which) {
    case 0: return ringReqProd(r);
    case 1: return ringReqProdPvt(r);
    case 2: return ringRspProd(r);
    case 3: return ringRspProdPvt(r);
    case 4: return ringReqCons(r);
    case 5: return ringRspCons(r);
    case 6: return ringReqEvent(r);
    default: return ringRspEvent(r);
  }
}
export function dbgTcpRcvNxt(f: u32): u32 {
  return tcpRcvNxt(f);
}
export function dbgTcpSockBytes(f: u32): u32 {
  return tcpSockBytes(f);
}
export function dbgAppRecvBytes(g: u32, f: u32): u32 {
  return appRecvInProgressBytes(g, f);
}

// Ring primitives on their own (unit tests of ring.h arithmetic; never used by the model's host).
import {
  ringsInit as _ringsInit, ringPushRequests as _pushReq, ringPushResponses as _pushRsp,
  ringFinalCheckRequests as _finReq, ringFinalCheckResponses as _finRsp, ringUnconsumedRequests as _uncReq,
} from "./xen/ring";
import { tRuns as _tRuns, tLastCpu as _tLastCpu } from "./kernel/tasklet";
export function tRingsInit(n: u32): void {
  _ringsInit(n);
}
/** Sets ring index `which` (numbering as dbgRing). */
export function tRingSet(r: u32, which: u32, v: u32): void {
  switch (which) {
    case 0: ringSetReqProd(r, v); break;
    case 1: ringSetReqProdPvt(r, v); break;
    case 2: ringSetRspProd(r, v); break;
    case 3: ringSetRspProdPvt(r, v); break;
    case 4: ringSetReqCons(r, v); break;
    case 5: ringSetRspCons(r, v); break;
    case 6: ringSetReqEvent(r, v); break;
    default: ringSetRspEvent(r, v);
  }
}
export function tRingPushRequests(r: u32): u32 {
  return _pushReq(r) ? 1 : 0;
}
export function tRingPushResponses(r: u32): u32 {
  return _pushRsp(r) ? 1 : 0;
}
export function tRingFinalCheckRequests(r: u32): u32 {
  return _finReq(r) ? 1 : 0;
}
export function tRingFinalCheckResponses(r: u32): u32 {
  return _finRsp(r) ? 1 : 0;
}
export function tRingUnconsumedRequests(r: u32): u32 {
  return _uncReq(r);
}

/** Runs of tasklet t so far, and the VCPU of its latest run (2*group = RX, 2*group+1 = TX). */
export function dbgTaskletRuns(t: u32): u32 {
  return unchecked(_tRuns[t]);
}
export function dbgTaskletLastCpu(t: u32): u32 {
  return unchecked(_tLastCpu[t]);
}

// --- kernel benchmark (docs/bench-kernel.md), run on the engine's own event queue ---

export {
  kbInit, kbRun, kbRunCounted, kbCsum, kbLatsum, kbCompleted, kbDrops, kbEvents, kbPendingSum,
} from "./bench/kernel";
export {
  mbRingInit, mbRing, mbEqInit, mbEqHold, mbTaskletInit, mbTasklet, mbEvtchnInit, mbEvtchn, mbLroInit, mbLro,
} from "./bench/micro";
