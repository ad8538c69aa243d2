// Hot-path microbenchmark drivers (bench/micro.ts times them with tinybench; bench/micro-ts.ts
// holds the plain-TypeScript structures they are compared with, which must return the same
// checksums).
//
// Each driver runs `n` operations in one call, so the Wasm/JS boundary is crossed once per n
// operations (n = 10,000 in bench/micro.ts; the per-call cost, ~tens of ns, is then below 0.1 %
// of a call). Each driver returns a checksum of what it did so that no work can be optimized away
// and the TS twin can be checked against it. The host gives every benchmark its own Wasm
// instance: the init functions below allocate (heap.alloc / new StaticArray under the stub
// runtime) and would otherwise pile up in one memory, and they set module globals that simInit
// also sets.
//
// What is the engine's own code and what is a replica:
//  - ring:    assembly/xen/ring.ts itself (ringsInit, slot access, RING_PUSH_*_AND_CHECK_NOTIFY,
//             RING_FINAL_CHECK_*), driven as netfront (producer) and netback (consumer) drive it.
//  - eventq:  assembly/sim/eventq.ts itself, ns-3 "hold" model at a constant pending count.
//  - evtchn:  assembly/xen/evtchn.ts evtchnSend itself (merge test, per-port load, pending list
//             of the bound VCPU via vcpu.ts pendingAdd/vcpuKick and the engine's fifo.ts);
//             dispatch = what the upcall does before calling handlers: pop the VCPU's pending
//             list, clear the pending bit (portPendingClear). Handlers are not run (they charge
//             the cost model and enter netback/netfront, which need a full simInit).
//  - tasklet: a replica of assembly/kernel/tasklet.ts's SCHED/RUN state machine (the real
//             taskletStart enters netback, which needs a full simInit), on the engine's fifo.ts
//             per-CPU lists, as vcpu.ts keeps them.
//  - lro:     a replica of assembly/net/lro.ts lroReceive/lroFlushAll (the real flush enters the
//             guest TCP stack) on the engine's own packet pool (assembly/packet.ts).

import { CFG_COUNT } from "../../src/abi/layout";
import { cfgSetBase } from "../config";
import { statsInit } from "../stats";
import { eqInit, eqPush, eqPop, eqNow, eqTarget, eqSize } from "../sim/eventq";
import { fifoInit, fifoNew, fifoLen, fifoPush, fifoPop } from "../sim/fifo";
import {
  ringsInit, ringSlotSet, ringSlotGet, ringPushRequests, ringPushResponses, ringUnconsumedRequests,
  ringFinalCheckRequests, ringFinalCheckResponses, ringFreeRequests, reqProdPvt, reqCons, rspProdPvt,
  rspProd, rspCons,
} from "../xen/ring";
import { vcpuInit, vPending } from "../cpu/vcpu";
import { evtchnInit, evtchnBind, evtchnSend, portPendingClear, nPorts } from "../xen/evtchn";
import { pktInit, pktAlloc, pktFree, pFlow, pSeq, pSegs, pBytes, KIND_DATA, PKT_NONE } from "../packet";
import { xsSeed, xsNext as rnd, xsUni as uni } from "./xorshift";

/** The model's common scaffolding for drivers that use real model modules: a zeroed config
 *  buffer (every slot 0), the counters region, the fifo table and a small event queue. */
function baseInit(vcpus: u32, fifos: i32): void {
  let cfg = heap.alloc(<usize>CFG_COUNT << 3);
  memory.fill(cfg, 0, <usize>CFG_COUNT << 3);
  cfgSetBase(cfg);
  statsInit(0, vcpus);
  fifoInit(fifos);
  eqInit(64);
  xsSeed();
}

// ---- ring: netfront pushes requests one at a time with check-notify; netback drains every 8 ----
const RING_BATCH: u32 = 8;

export function mbRingInit(): void {
  ringsInit(1);
}

/** n requests through ring 0: each one RING_PUSH_REQUESTS_AND_CHECK_NOTIFY; every RING_BATCH
 *  requests the backend consumes them, pushes responses, final-checks; the frontend consumes
 *  the responses and final-checks. Returns notifications sent (both ways) + payload sum. */
export function mbRing(n: u32): u32 {
  let sum: u32 = 0;
  let notifies: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    if (ringFreeRequests(0) == 0) break; // cannot happen with RING_BATCH < RING_SIZE
    let idx = unchecked(reqProdPvt[0]);
    ringSlotSet(0, idx, i);
    unchecked((reqProdPvt[0] = idx + 1));
    if (ringPushRequests(0)) notifies++;
    if ((i & (RING_BATCH - 1)) == RING_BATCH - 1) {
      // Backend: xenvif_tx_action-like drain, then responses and the final check.
      do {
        while (ringUnconsumedRequests(0) > 0) {
          let c = unchecked(reqCons[0]);
          sum += ringSlotGet(0, c);
          unchecked((reqCons[0] = c + 1));
          unchecked((rspProdPvt[0] = unchecked(rspProdPvt[0]) + 1));
        }
        if (ringPushResponses(0)) notifies++;
      } while (ringFinalCheckRequests(0));
      // Frontend: consume responses (xennet_tx_buf_gc), final check.
      do {
        unchecked((rspCons[0] = unchecked(rspProd[0])));
      } while (ringFinalCheckResponses(0));
    }
  }
  return notifies + sum;
}

// ---- event queue: hold model at a constant number of pending events ---------------------------
/** Fills the engine's event queue with `pending` events at random times in [0, 1e6). */
export function mbEqInit(pending: u32): void {
  eqInit(pending + 16);
  xsSeed();
  for (let i: u32 = 0; i < pending; i++) eqPush(<u64>uni(1000000), i);
}

/** n hold operations: pop the earliest event, push it back 1..1e6 cycles later. Returns a
 *  checksum of the popped targets. */
export function mbEqHold(n: u32): u32 {
  let x: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    eqPop();
    let t = eqTarget;
    x = (x * 31) ^ t;
    eqPush(eqNow + 1 + <u64>uni(1000000), t);
  }
  return x + eqSize;
}

// ---- tasklet: schedule and run (replica of tasklet.ts on fifo.ts lists) -------------------------
const TASKLETS: u32 = 16;
const TASKLET_CPUS: u32 = 2;
const TASKLET_BATCH: u32 = 8;
let tSched = new StaticArray<u8>(0);
let tRunning = new StaticArray<u8>(0);
let tRuns = new StaticArray<u32>(0);
let tList = new StaticArray<i32>(0);

export function mbTaskletInit(): void {
  fifoInit(<i32>TASKLET_CPUS);
  xsSeed();
  tSched = new StaticArray<u8>(<i32>TASKLETS);
  tRunning = new StaticArray<u8>(<i32>TASKLETS);
  tRuns = new StaticArray<u32>(<i32>TASKLETS);
  tList = new StaticArray<i32>(<i32>TASKLET_CPUS);
  for (let v: u32 = 0; v < TASKLET_CPUS; v++) unchecked((tList[v] = fifoNew(TASKLETS)));
}

// @ts-ignore: decorator
@inline function taskletSchedule(t: u32, v: u32): void {
  if (unchecked(tSched[t])) return; // TASKLET_STATE_SCHED already set: merged
  unchecked((tSched[t] = 1));
  fifoPush(unchecked(tList[v]), t);
}

/** tasklet_action on v: runs the tasklets queued at its start. Returns how many ran. */
function taskletAction(v: u32): u32 {
  let q = unchecked(tList[v]);
  let m = fifoLen(q);
  let ran: u32 = 0;
  for (let j: u32 = 0; j < m; j++) {
    let t = fifoPop(q);
    if (unchecked(tRunning[t])) {
      fifoPush(q, t); // running elsewhere: try again on a later round
      continue;
    }
    unchecked((tSched[t] = 0));
    unchecked((tRunning[t] = 1));
    unchecked((tRuns[t] = unchecked(tRuns[t]) + 1));
    ran++;
    unchecked((tRunning[t] = 0));
  }
  return ran;
}

/** n tasklet_schedule calls (random tasklet, CPU = tasklet & 1, so repeats merge); every
 *  TASKLET_BATCH calls both CPUs run tasklet_action. Returns tasklet runs. */
export function mbTasklet(n: u32): u32 {
  let ran: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let t = rnd() & (TASKLETS - 1);
    taskletSchedule(t, t & (TASKLET_CPUS - 1));
    if ((i & (TASKLET_BATCH - 1)) == TASKLET_BATCH - 1) {
      for (let v: u32 = 0; v < TASKLET_CPUS; v++) ran += taskletAction(v);
    }
  }
  return ran;
}

// ---- event channels: send and dispatch (evtchn.ts itself) ---------------------------------------
const EVT_VCPUS: u32 = 2;
const EVT_BATCH: u32 = 8;

/** 4 PIRQ ports, 12 vifs (24 interdomain ports), 2 IPI ports; ports bound alternately. */
export function mbEvtchnInit(): void {
  baseInit(EVT_VCPUS, 64);
  let rxq: u32 = 4;
  let vifs: u32 = 12;
  let ports = rxq + 2 * vifs + EVT_VCPUS;
  vcpuInit(EVT_VCPUS, 0, 1, ports, 1, 1, 4, 8, 0);
  evtchnInit(rxq, vifs, EVT_VCPUS);
  for (let p: u32 = 0; p < nPorts; p++) evtchnBind(p, p & (EVT_VCPUS - 1));
}

/** n evtchnSend calls on random ports (sends to a pending port merge); every EVT_BATCH sends
 *  each VCPU's upcall takes its pending ports. Returns ports delivered. */
export function mbEvtchn(n: u32): u32 {
  let delivered: u32 = 0;
  let np = nPorts;
  for (let i: u32 = 0; i < n; i++) {
    evtchnSend(uni(np));
    if ((i & (EVT_BATCH - 1)) == EVT_BATCH - 1) {
      for (let v: u32 = 0; v < EVT_VCPUS; v++) {
        let q = unchecked(vPending[v]);
        while (fifoLen(q) > 0) {
          portPendingClear(fifoPop(q));
          delivered++;
        }
      }
    }
  }
  return delivered;
}

// ---- LRO: merge and flush (replica of lro.ts on the engine's packet pool) -----------------------
const LRO_DESC: u32 = 8; // lro_mgr.max_desc (params.ts default)
const LRO_MAX_AGGR: u32 = 64; // lro_mgr.max_aggr (params.ts default)
const LRO_MAX_LEN: u32 = 65535 - 1500;
const LRO_FLOWS: u32 = 4;
const LRO_POLL: u32 = 64; // segments per NAPI poll: lro_flush_all after each
const LRO_MSS: u32 = 1448;
let dHead = new StaticArray<u32>(0);
let dNext = new StaticArray<u32>(0);
let flowSeq = new StaticArray<u32>(0);
let lroAggregates: u32 = 0;
let lroSegments: u32 = 0;

export function mbLroInit(): void {
  baseInit(1, 8);
  pktInit(1024);
  dHead = new StaticArray<u32>(<i32>LRO_DESC);
  dNext = new StaticArray<u32>(<i32>LRO_DESC);
  flowSeq = new StaticArray<u32>(<i32>LRO_FLOWS);
  for (let d: u32 = 0; d < LRO_DESC; d++) unchecked((dHead[d] = PKT_NONE));
  lroAggregates = 0;
  lroSegments = 0;
}

/** The stack takes an aggregate (or a lone segment): count it and free the record. */
// @ts-ignore: decorator
@inline function deliver(p: u32): void {
  lroAggregates++;
  lroSegments += unchecked(pSegs[p]);
  pktFree(p);
}

function lroReceive(p: u32): void {
  let f = unchecked(pFlow[p]);
  let free: u32 = PKT_NONE;
  for (let d: u32 = 0; d < LRO_DESC; d++) {
    let head = unchecked(dHead[d]);
    if (head == PKT_NONE) {
      if (free == PKT_NONE) free = d;
      continue;
    }
    if (unchecked(pFlow[head]) != f) continue;
    if (unchecked(pSeq[p]) != unchecked(dNext[d])) {
      unchecked((dHead[d] = PKT_NONE));
      deliver(head);
      deliver(p);
      return;
    }
    unchecked((pSegs[head] = unchecked(pSegs[head]) + unchecked(pSegs[p])));
    unchecked((pBytes[head] = unchecked(pBytes[head]) + unchecked(pBytes[p])));
    unchecked((dNext[d] = unchecked(pSeq[p]) + unchecked(pSegs[p])));
    pktFree(p);
    if (unchecked(pSegs[head]) >= LRO_MAX_AGGR || unchecked(pBytes[head]) > LRO_MAX_LEN) {
      unchecked((dHead[d] = PKT_NONE));
      deliver(head);
    }
    return;
  }
  if (free == PKT_NONE) {
    deliver(p);
    return;
  }
  unchecked((dHead[free] = p));
  unchecked((dNext[free] = unchecked(pSeq[p]) + unchecked(pSegs[p])));
}

function lroFlushAll(): void {
  for (let d: u32 = 0; d < LRO_DESC; d++) {
    let head = unchecked(dHead[d]);
    if (head != PKT_NONE) {
      unchecked((dHead[d] = PKT_NONE));
      deliver(head);
    }
  }
}

/** n TCP data segments of LRO_FLOWS flows in bursts of 8, one in 64 skipping a sequence number
 *  (a hole: out-of-order flush); lro_flush_all every LRO_POLL segments. Returns aggregates
 *  delivered * 65536 + segments delivered (mod 2^32). */
export function mbLro(n: u32): u32 {
  for (let i: u32 = 0; i < n; i++) {
    let f = (i >> 3) & (LRO_FLOWS - 1);
    let r = rnd();
    let s = unchecked(flowSeq[f]) + ((r & 63) == 0 ? 2 : 1);
    unchecked((flowSeq[f] = s));
    let p = pktAlloc(KIND_DATA, f, s, LRO_MSS, LRO_MSS + 90);
    lroReceive(p);
    if ((i & (LRO_POLL - 1)) == LRO_POLL - 1) lroFlushAll();
  }
  return (lroAggregates << 16) + lroSegments;
}
