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
//  - eventq:  assembly/base/eventq.ts itself, ns-3 "hold" model at a constant pending count.
//  - evtchn:  assembly/xen/evtchn.ts evtchnSend itself (merge test, per-port load, pending list
//             of the bound VCPU via cpu/vcpu.ts pendingAdd/vcpuKick and the engine's fifo.ts);
//             dispatch = what the upcall does before calling handlers: pop the VCPU's pending
//             list, clear the pending bit (portPendingClear). Handlers are not run: they are the
//             clients' code, reached through model/ops.ts.
//  - tasklet: assembly/kernel/tasklet.ts itself (taskletSchedule, taskletTryRun, taskletDone) on
//             the per-VCPU tasklet lists of cpu/vcpu.ts; the tasklet function is empty (the
//             clients' functions are reached through model/ops.ts).
//  - lro:     assembly/net/lro.ts itself (lroReceive, lroFlushAll, its output queue) on the
//             engine's packet pool; what it passes up is counted and freed instead of entering
//             the guest stack.

import { CFG_COUNT, CFG_LRO_MAX_AGGR, CFG_LRO_DESCRIPTORS, CFG_MTU, CFG_GUESTS, CFG_MSS } from "../../src/abi/layout";
import { cfgSetBase } from "../config";
import { statsInit } from "../stats";
import { eqInit, eqPushInline, eqPop, eqNow, eqTarget, eqSize } from "../base/eventq";
import { fifoInit, fifoNew, fifoLen, fifoPush, fifoPop } from "../base/fifo";
import {
  ringsInit, ringRec, ringRecSlotSet, ringRecSlotGet, ringRecPushRequestsFrom, ringPushResponses, ringRecUnconsumedRequestsAt,
  ringFinalCheckRequests, ringFinalCheckResponses, ringRecReqCons, ringRecReqProdPvt, ringRecRspCons, ringRecRspProd,
  ringRecRspProdPvt, ringRecSetReqCons, ringRecSetRspCons, ringRecSetRspProdPvt, ringRecFreeRequests,
} from "../xen/ring";
import { accountInit, jobBegin } from "../cpu/account";
import { vcpuInit, vcpuStartJob, vPending, vTasklets } from "../cpu/vcpu";
import {
  taskletsInit, taskletAdd, taskletSchedule, taskletTryRun, taskletDone, TASKLET_NB_RX,
} from "../kernel/tasklet";
import { lroInit, lroReceive, lroFlushAll, lroOutput } from "../net/lro";
import { evtchnInit, evtchnBind, evtchnSend, portPendingClear, nPorts } from "../xen/evtchn";
import { pktInit, pktAlloc, pktFree, pkSegs, KIND_DATA } from "../packet";
import { xsSeed, xsNext as rnd, xsUni as uni } from "./xorshift";

/** The model's common scaffolding for drivers that use real model modules: a zeroed config
 *  buffer (every slot 0), the counters region, the fifo table and a small event queue. */
let cfgBuf: usize = 0;
function baseInit(vcpus: u32, fifos: i32): void {
  cfgBuf = heap.alloc(<usize>CFG_COUNT << 3);
  memory.fill(cfgBuf, 0, <usize>CFG_COUNT << 3);
  cfgSetBase(cfgBuf);
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
  // The ring's record is taken once, as netfront and netback hold their ring pointer.
  let q = ringRec(0);
  let sum: u32 = 0;
  let notifies: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    if (ringRecFreeRequests(q) == 0) break; // cannot happen with RING_BATCH < RING_SIZE
    let idx = ringRecReqProdPvt(q);
    ringRecSlotSet(q, idx, i);
    if (ringRecPushRequestsFrom(q, idx + 1)) notifies++;
    if ((i & (RING_BATCH - 1)) == RING_BATCH - 1) {
      // Backend: xenvif_tx_action-like drain, then responses and the final check.
      do {
        let c = ringRecReqCons(q);
        let rpp = ringRecRspProdPvt(q);
        while (ringRecUnconsumedRequestsAt(q, c, rpp) > 0) {
          sum += ringRecSlotGet(q, c);
          ringRecSetReqCons(q, ++c);
          ringRecSetRspProdPvt(q, ++rpp);
        }
        if (ringPushResponses(0)) notifies++;
      } while (ringFinalCheckRequests(0));
      // Frontend: consume responses (xennet_tx_buf_gc), final check.
      do {
        ringRecSetRspCons(q, ringRecRspProd(q));
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
  for (let i: u32 = 0; i < pending; i++) eqPushInline(<u64>uni(1000000), i);
}

/** n hold operations: pop the earliest event, push it back 1..1e6 cycles later. Returns a
 *  checksum of the popped targets. */
export function mbEqHold(n: u32): u32 {
  let x: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    eqPop();
    let t = eqTarget;
    x = (x * 31) ^ t;
    eqPushInline(eqNow + 1 + <u64>uni(1000000), t);
  }
  return x + eqSize;
}

// ---- tasklet: schedule and run (kernel/tasklet.ts on cpu/vcpu.ts lists) -------------------------
const TASKLETS: u32 = 16;
const TASKLET_CPUS: u32 = 2;
const TASKLET_BATCH: u32 = 8;

export function mbTaskletInit(): void {
  baseInit(TASKLET_CPUS, 16);
  accountInit(TASKLET_CPUS);
  vcpuInit(TASKLET_CPUS, 0, 1, 1, 1, TASKLETS, TASKLET_CPUS, 1, 0, 0, false);
  // Both CPUs are busy, so a tasklet_schedule only lists the tasklet (no wake-up event).
  for (let v: u32 = 0; v < TASKLET_CPUS; v++) vcpuStartJob(v, 0, 0, 1000000);
  taskletsInit(TASKLETS);
  for (let t: u32 = 0; t < TASKLETS; t++) taskletAdd(TASKLET_NB_RX, t);
}

/** tasklet_action on v: runs the tasklets listed at its start. Returns how many ran. */
function taskletAction(v: u32): u32 {
  let q = unchecked(vTasklets[v]);
  let m = fifoLen(q);
  let ran: u32 = 0;
  for (let j: u32 = 0; j < m; j++) {
    let t = fifoPop(q);
    if (!taskletTryRun(v, t)) continue; // running elsewhere: it comes back when that run ends
    ran++;
    taskletDone(t);
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
  vcpuInit(EVT_VCPUS, 0, 1, ports, 1, 1, 4, 8, 0, 0, false);
  evtchnInit(rxq, vifs, EVT_VCPUS, 0);
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

// ---- LRO: merge and flush (net/lro.ts itself) ---------------------------------------------------
const LRO_DESC: u32 = 8; // lro_mgr.max_desc (params.ts default)
const LRO_MAX_AGGR: u32 = 64; // lro_mgr.max_aggr (params.ts default)
const LRO_FLOWS: u32 = 4;
const LRO_POLL: u32 = 64; // segments per NAPI poll: lro_flush_all after each
const LRO_MSS: u32 = 1448;
let flowSeq = new StaticArray<u32>(0);
let lroAggregates: u32 = 0;
let lroSegments: u32 = 0;

export function mbLroInit(): void {
  baseInit(1, 8);
  store<f64>(cfgBuf + (<usize>CFG_LRO_MAX_AGGR << 3), <f64>LRO_MAX_AGGR);
  store<f64>(cfgBuf + (<usize>CFG_LRO_DESCRIPTORS << 3), <f64>LRO_DESC);
  store<f64>(cfgBuf + (<usize>CFG_MTU << 3), 1500);
  store<f64>(cfgBuf + (<usize>CFG_MSS << 3), <f64>LRO_MSS);
  store<f64>(cfgBuf + (<usize>CFG_GUESTS << 3), 1);
  pktInit(1024);
  accountInit(1);
  jobBegin(0, 0); // LRO charges the NAPI poll job it runs in
  lroInit();
  flowSeq = new StaticArray<u32>(<i32>LRO_FLOWS);
  lroAggregates = 0;
  lroSegments = 0;
}

/** The stack takes what LRO passed up (aggregates, lone segments): count and free them. The
 *  loop sits behind a test, as in netfront's poll: V8 checks the stack at every loop head, and
 *  most segments merge and pass nothing up. */
function passUp(): void {
  let q = lroOutput(0);
  if (fifoLen(q) == 0) return;
  do {
    let p = fifoPop(q);
    lroAggregates++;
    lroSegments += pkSegs(p);
    pktFree(p);
  } while (fifoLen(q) > 0);
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
    lroReceive(0, pktAlloc(KIND_DATA, f, s, LRO_MSS, LRO_MSS + 90));
    passUp();
    if ((i & (LRO_POLL - 1)) == LRO_POLL - 1) {
      lroFlushAll(0);
      passUp();
    }
  }
  return (lroAggregates << 16) + lroSegments;
}
