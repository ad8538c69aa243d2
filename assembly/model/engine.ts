// The engine: builds every component from the packed configuration (the init order below fixes
// every id a component hands out: NAPI instances, tasklets, timers, FIFOs), runs the event loop
// in chunks dispatching each event kind (base/targets.ts) to its handler, and sums the packets
// every component holds for the conservation check.
//
// Models: nothing physical. One Wasm instance is one simulation: init() once, then run()
// repeatedly (each call returns a stop reason) so the host can report progress, cancel, and let
// V8 tier the module up between calls (toolchain.md). No allocation and no host call happens
// after init(); every array was sized here from the configuration.

import * as L from "../../src/abi/layout";
import { cfgSetBase, cfgU32, cfgU64, cfg, cfgTable, loadCosts } from "../config";
import { statsInit, statsMemory, statAdd, statInc, statGet, statSet } from "../stats";
import { memReset, memTotal, memAdd, arrayBytes, heapTop, memLargestBlock, BLOCK_MAX_BYTES, freshArray } from "../base/memory";
import { rngSeed, rngLossSeed } from "../base/rng";
import {
  eqInit, eqMemory, eqPopBefore, EQ_NONE, eqSize, eqNow, eqOverflow, eqInstantInit, eqInstantMemory,
  eqInstantCount, eqTakeNow, eqInstantEnable,
} from "../base/eventq";
import { fifoInit, fifoTableMemory, fifoOverflow } from "../base/fifo";
import { modelFault } from "../base/fault";
import {
  EV_KIND_SHIFT, EV_INDEX_MASK, EV_VCPU_DONE, EV_VCPU_WAKE, EV_LINK, EV_NIC_IRQ, EV_NIC_TXDONE,
  EV_TIMER, EV_UDP, EV_REBALANCE, EV_RR, EV_SCHED_TICK, EV_SCHED_SLICE, EV_VCPU_DONE_CREDIT, EV_VCPU_WAKE_CREDIT,
} from "../base/targets";
import { pktInit, pktMemory, pktExhausted } from "../packet";
import { flowsInit, flowsMemory, flowDirRx, flowGuest } from "../flows";
import { accountInit, accountMemory, invariantError, setInvariantError } from "../cpu/account";
import { vcpuInit, vcpuMemory } from "../cpu/vcpu";
import { threadIdsInit, threadCount, ksoftirqdBase } from "../kernel/threads";
import { taskletsInit, taskletsMemory } from "../kernel/tasklet";
import { napiInit, napiMemory } from "../kernel/napi";
import { softirqInit, softirqMemory } from "../kernel/softirq";
import { timersInit, timersMemory, timerOnEvent } from "../kernel/timers";
import { evtchnInit, evtchnMemory, evtchnBind, pirqPort, nbPort } from "../xen/evtchn";
import { ringsInit, ringsMemory } from "../xen/ring";
import { linksInit, linksMemory, linkOnArrival } from "../hw/link";
import { nicInit, nicMemory, nicOnIrqEvent, nicOnTxDone } from "../hw/nic";
import { vfInit, vfMemory, vfOnIrqEvent, vfOnTxDone } from "../hw/vf";
import { bridgeInit, bridgeMemory } from "../dom0/bridge";
import { dom0StackInit, dom0StackMemory, dom0StackInUse } from "../dom0/stack";
import { netbackCommonInit, netbackCommonMemory } from "../netback/common";
import { spinlockInit, spinlockMemory } from "../xen/spinlock";
import { coalesceInit, coalesceMemory } from "../netback/coalesce";
import { netbackRxInit, netbackRxMemory } from "../netback/rx";
import { netbackTxInit, netbackTxMemory } from "../netback/tx";
import { netbackKthreadInit, netbackKthreadMemory } from "../netback/kthread";
import { netfrontInit, netfrontMemory } from "../netfront/netfront";
import { lroInit, lroMemory } from "../net/lro";
import { stackInit, stackMemory, stackMarkTxStart } from "../guest/stack";
import { tcpInit, tcpMemory } from "../traffic/tcp/common";
import { tsqInit, tsqMemory, tsqTasklets } from "../net/tsq";
import { sndbufInit, sndbufMemory } from "../traffic/tcp/sndbuf";
import { writersInit, writersMemory, writersStartAll } from "../traffic/tcp/writer";
import { tcpStartRx } from "../traffic/tcp/sender";
import { tcpReceiverInit, tcpReceiverMemory } from "../traffic/tcp/receiver";
import { groInit, groMemory } from "../traffic/gro";
import { udpInit, udpMemory, udpStartAll, udpOnEvent } from "../traffic/udp";
import { rrInit, rrMemory, rrStartAll, rrOnEvent } from "../traffic/rr";
import { dispatchInit, dispatchMemory, dispatchOnRebalance } from "../xen/dispatch";
import { sampleNext, samplerTake } from "../observe/sampler";
import { traceNeedsDrain } from "../observe/trace";
import { checkConservation, engineInFlightUnits } from "./conservation";
import { vcpuOnDone, vcpuOnWake, schedInit, pcpuOnSlice, schedOnTick, vcpuOnDoneCredit, vcpuOnWakeCredit } from "./sched";
import { creditInit, creditMemory } from "../xen/credit";
import { hogInit, hogStartAll, hogMemory } from "../guest/hog";
import { opsTimerExternal } from "./ops";
import {
  D, N, gv, P, nq, nVf, G, V, flows, rxFlows, udp, timers, portsTotal, napis, fifos, guestTimers, splitVifs, readSizes,
  pool, writers, guestWriters,
} from "./sizes";

// Event-sequence fingerprint (INET's fingerprint idea): each executed event folds its time and
// target into a 64-bit hash. Each step h -> rotl((h ^ x) * P, 29) is a bijection of h, so a single
// changed, added or missing event changes the final value. It catches behaviour changes that keep
// the headline numbers; two multiplies per event, kept in a local across a chunk.
// @ts-ignore: decorator
@inline const FP_PRIME: u64 = 0x100000001b3;
// @ts-ignore: decorator
@inline function fpStep(h: u64, x: u64): u64 {
  return rotl<u64>((h ^ x) * FP_PRIME, 29);
}

/**
 * The memory layout: tallies (base/memory.ts) the bytes engineInit will allocate for the config
 * at `base`, part by part, in init's order, and returns the total. Allocates nothing. The host
 * asks it for its estimate and its bound (simMemoryBytes), engineInit grows memory to it once
 * and checks afterwards that it allocated exactly this much.
 */
export function engineMemoryBytes(base: usize): u64 {
  cfgSetBase(base);
  readSizes();
  memReset();
  fifoTableMemory(L.MEM_OTHER, <u64>fifos);
  statsMemory(<u64>N, <u64>V);
  pktMemory(<u64>pool());
  eqMemory(L.MEM_EVENTQ, <u64>cfgU32(L.CFG_EVENTQ_CAP));
  eqInstantMemory(L.MEM_EVENTQ, <u64>V);
  flowsMemory(<u64>flows, <u64>udp, <u64>cfgU32(L.CFG_RR_SESSIONS));
  accountMemory(<u64>V);
  vcpuMemory(D, N, gv, portsTotal, napis, 2 * G, G + N + writers + 2 * V + (dom0StackInUse() ? N : 0), portsTotal + timers + 8, guestTimers, splitVifs, guestWriters, tsqTasklets(V) > 0 ? 1 : 0);
  hogMemory(<u64>V);
  if (cfgU32(L.CFG_SCHED_CREDIT) != 0) creditMemory(<u64>cfgU32(L.CFG_PCPUS), <u64>V, <u64>(N + 1), <u64>cfgU32(L.CFG_AFFINITY_WORDS));
  softirqMemory(<u64>V);
  taskletsMemory(<u64>(2 * G + tsqTasklets(V)));
  napiMemory(<u64>napis);
  timersMemory(<u64>timers);
  evtchnMemory(<u64>nq, <u64>N, <u64>D, <u64>nVf, <u64>splitVifs);
  ringsMemory(<u64>(2 * N));
  spinlockMemory(<u64>(N + 1), cfgU32(L.CFG_XEN_DOMAIN_LOCKS) == 1, cfgU32(L.CFG_XEN_GNTTAB_DOMAIN_LOCK) == 1);
  linksMemory(<u64>P, <u64>cfgU32(L.CFG_LINK_FLIGHT), <u64>cfgU32(L.CFG_CLIENTS_PER_PORT));
  nicMemory();
  vfMemory();
  bridgeMemory(<u64>D);
  netbackCommonMemory();
  netbackRxMemory();
  netbackTxMemory();
  coalesceMemory();
  netbackKthreadMemory();
  netfrontMemory();
  lroMemory();
  stackMemory();
  dom0StackMemory();
  tcpMemory(<u64>flows);
  tsqMemory(<u64>flows, <u64>V, <u64>N);
  sndbufMemory(<u64>flows, <u64>writers, <u64>cfgU32(L.CFG_TCP_WINDOW_SEGS));
  writersMemory(<u64>writers);
  memAdd(L.MEM_OTHER, arrayBytes(<u64>N + 1, 1)); // startFlows
  tcpReceiverMemory(<u64>flows, <u64>rxFlows);
  groMemory(<u64>flows);
  udpMemory();
  rrMemory(<u64>N);
  dispatchMemory();
  return memTotal();
}

/** Linear memory Wasm32 can address. */
const WASM32_BYTES: u64 = <u64>1 << 32;
/** Invariant code: init allocated other than its memory layout said. */
export const INVARIANT_MEMORY_LAYOUT: u32 = 2;

/** Builds the model from the config buffer at `base`. Returns 0, or an error code. */
export function engineInit(base: usize): u32 {
  // Memory first: everything init allocates, grown once (one more 16-byte block for heapTop's
  // probe at the end); a model that cannot fit allocates nothing.
  let need = engineMemoryBytes(base);
  let top0 = heapTop();
  if (memLargestBlock > BLOCK_MAX_BYTES || <u64>top0 + need + 16 > WASM32_BYTES) return <u32>L.STOP_ERR_MEMORY;
  let want = <u64>top0 + need + 16;
  let have = <u64>memory.size() << 16;
  if (want > have && memory.grow(<i32>((want - have + 0xffff) >> 16)) < 0) return <u32>L.STOP_ERR_MEMORY;

  cfgSetBase(base);
  loadCosts();
  rngSeed(cfgU32(L.CFG_SEED));
  rngLossSeed(cfgU32(L.CFG_SEED));
  readSizes();
  fifoInit(<i32>fifos);
  statsInit(N, V);
  statSet(L.ST_FINGERPRINT, 0xcbf29ce484222325); // FNV-1a offset basis: a non-zero start
  pktInit(pool());
  eqInit(cfgU32(L.CFG_EVENTQ_CAP));
  eqInstantInit(V); // same-instant events: a VCPU's wake-up or the end of its zero-cycle job

  flowsInit(flows, udp, cfgU32(L.CFG_RR_SESSIONS));
  threadIdsInit(G, N, dom0StackInUse(), writers); // the dom0 readers' threads exist with streams to dom0
  accountInit(V);
  let credit = cfgU32(L.CFG_SCHED_CREDIT) != 0;
  let items = portsTotal + timers + 8;
  vcpuInit(D, N, gv, portsTotal, napis, 2 * G, threadCount(V), items, ksoftirqdBase(), guestTimers, credit, splitVifs, guestWriters, tsqTasklets(V) > 0 ? 1 : 0);
  softirqInit(V, cfgU32(L.CFG_NETDEV_BUDGET), cfgU32(L.CFG_MAX_SOFTIRQ_RESTART));
  taskletsInit(2 * G + tsqTasklets(V)); // netback's, and with TCP small queues one per CPU
  napiInit(napis);
  timersInit(timers);
  evtchnInit(nq, N, D, nVf, splitVifs);
  for (let q: u32 = 0; q < nq; q++) evtchnBind(pirqPort(q), <u32>cfgTable(L.CFG_OFF_PIRQ_VCPU, q));
  for (let i: u32 = 0; i < N; i++) evtchnBind(nbPort(i), <u32>cfgTable(L.CFG_OFF_VIF_VCPU, i));
  ringsInit(2 * N);
  spinlockInit(N + 1, D, gv);
  linksInit(
    P, cfgU64(L.CFG_CPU_HZ), cfgU64(L.CFG_LINK_BPS), cfgU32(L.CFG_LINK_FLIGHT), cfg(L.CFG_LOSS_RX), cfg(L.CFG_LOSS_TX),
    cfgU32(L.CFG_CLIENTS_PER_PORT), cfgU64(L.CFG_ACCESS_BPS), cfgU64(L.CFG_ACCESS_DELAY), cfg(L.CFG_SWITCH_BUF),
  );
  nicInit();
  vfInit();
  bridgeInit(D);
  netbackCommonInit();
  netbackRxInit();
  netbackTxInit();
  coalesceInit();
  netbackKthreadInit();
  netfrontInit();
  lroInit();
  stackInit();
  dom0StackInit();
  tcpInit();
  tsqInit(flows, V, N);
  sndbufInit(flows);
  writersInit(writers);
  tcpReceiverInit();
  groInit(flows);
  udpInit();
  rrInit(N);
  dispatchInit();
  hogInit(V);
  schedInit(credit);
  if (credit) creditInit();
  startFlows(N, flows);
  hogStartAll(V);
  udpStartAll();
  rrStartAll();
  if (<u64>(heapTop() - top0) != need) setInvariantError(INVARIANT_MEMORY_LAYOUT);
  return checkErrors();
}

/** Every flow starts at cycle 0, in flow order: external senders transmit (or wait for their
 *  seeded start), and the guests' streams to external hosts start writing: their writer threads
 *  (after the other flows), or, without writers, each such guest's application gives its senders
 *  a first turn. */
function startFlows(guests: u32, flows: u32): void {
  let started = freshArray<u8>(<i32>guests + 1);
  for (let f: u32 = 0; f < flows; f++) {
    if (flowDirRx(f)) {
      tcpStartRx(f);
      continue;
    }
    if (writers > 0) continue;
    let g = unchecked(flowGuest[f]);
    if (!unchecked(started[g])) {
      unchecked((started[g] = 1));
      stackMarkTxStart(g);
    }
  }
  writersStartAll();
}

function checkErrors(): u32 {
  if (eqOverflow) return <u32>L.STOP_ERR_EVENTQ;
  if (pktExhausted) return <u32>L.STOP_ERR_POOL;
  if (fifoOverflow || invariantError != 0) return <u32>L.STOP_ERR_INVARIANT;
  return 0;
}

/** Runs the handler of one event. Inlined: the engine loop calls it twice (queue, same instant). */
// @ts-ignore: decorator
@inline function handle(target: u32): void {
  let idx = target & EV_INDEX_MASK;
  let kind = target >> EV_KIND_SHIFT;
  switch (kind) {
    case EV_VCPU_DONE >> EV_KIND_SHIFT:
      vcpuOnDone(idx);
      break;
    case EV_LINK >> EV_KIND_SHIFT:
      linkOnArrival(idx);
      break;
    case EV_VCPU_WAKE >> EV_KIND_SHIFT:
      vcpuOnWake(idx);
      break;
    case EV_NIC_IRQ >> EV_KIND_SHIFT:
      if (idx < nq) nicOnIrqEvent(idx);
      else vfOnIrqEvent(idx - nq);
      break;
    case EV_TIMER >> EV_KIND_SHIFT:
      if (timerOnEvent(idx)) opsTimerExternal(idx);
      break;
    case EV_NIC_TXDONE >> EV_KIND_SHIFT:
      if (idx < P) nicOnTxDone(idx);
      else vfOnTxDone(idx - P);
      break;
    case EV_UDP >> EV_KIND_SHIFT:
      udpOnEvent(idx);
      break;
    case EV_REBALANCE >> EV_KIND_SHIFT:
      dispatchOnRebalance();
      break;
    case EV_RR >> EV_KIND_SHIFT:
      rrOnEvent(idx);
      break;
    case EV_SCHED_SLICE >> EV_KIND_SHIFT:
      pcpuOnSlice(idx);
      break;
    case EV_SCHED_TICK >> EV_KIND_SHIFT:
      schedOnTick();
      break;
    case EV_VCPU_DONE_CREDIT >> EV_KIND_SHIFT:
      vcpuOnDoneCredit(idx);
      break;
    case EV_VCPU_WAKE_CREDIT >> EV_KIND_SHIFT:
      vcpuOnWakeCredit(idx);
      break;
    default:
      break;
  }
}

/** Runs events with time <= untilCycle, at most maxEvents of them from the queue (same-instant
 *  events that skip the queue, base/eventq.ts, run in between and are not counted). Returns a
 *  STOP_* reason. */
export function engineRun(untilCycle: u64, maxEvents: u32): u32 {
  let n: u32 = 0;
  let reason: u32 = <u32>L.STOP_LIMIT_EVENTS;
  let fp = statGet(L.ST_FINGERPRINT);
  // The loop also stops at the next time-series boundary (u64.MAX when sampling is off), so
  // sampling costs nothing per event and inserts no event (observe/sampler.ts).
  let limit = untilCycle < sampleNext ? untilCycle : sampleNext;
  eqInstantEnable(true);
  while (n < maxEvents) {
    let target = eqPopBefore(limit);
    if (target == EQ_NONE) {
      if (eqSize == 0) {
        reason = <u32>L.STOP_IDLE;
        break;
      }
      if (limit != sampleNext) {
        reason = <u32>L.STOP_LIMIT_CYCLE;
        break;
      }
      if (!samplerTake(n)) {
        reason = <u32>L.STOP_SAMPLES_FULL;
        break;
      }
      limit = untilCycle < sampleNext ? untilCycle : sampleNext;
      continue;
    }
    n++;
    // Events by kind (what a packet costs in events, docs/performance.md); counting does not
    // touch the event sequence.
    statInc(L.ST_EVENTS_BY_KIND + <i32>((target >> EV_KIND_SHIFT) & (L.EVK_SLOTS - 1)));
    fp = fpStep(fpStep(fp, eqNow), <u64>target);
    handle(target);
    // Events of this instant that skipped the queue run now, exactly where the queue would have
    // popped them, and enter the fingerprint as popped events do. (A loop behind a test: V8
    // checks the stack at every loop head, and most events leave the FIFO empty.)
    if (eqInstantCount > 0) {
      do {
        let t = eqTakeNow();
        fp = fpStep(fpStep(fp, eqNow), <u64>t);
        handle(t);
      } while (eqInstantCount > 0);
    }
    if (traceNeedsDrain()) {
      reason = <u32>L.STOP_TRACE_FULL;
      break;
    }
    // One flag for every fault (base/fault.ts); the part's own flag names the error.
    if (modelFault) {
      let err = checkErrors();
      if (err != 0) {
        reason = err;
        break;
      }
    }
  }
  eqInstantEnable(false);
  statAdd(L.ST_EVENTS, n);
  statSet(L.ST_FINGERPRINT, fp);
  if (!ASC_NO_ASSERT && reason < <u32>L.STOP_ERR_EVENTQ) checkConservation();
  return reason;
}

export function engineNow(): u64 {
  return eqNow;
}

export { engineInFlightUnits };

export function engineInvariantError(): u32 {
  return invariantError;
}
