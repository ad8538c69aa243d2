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
import { statsInit, statAdd, statGet, statSet } from "../stats";
import { rngSeed, rngLossSeed } from "../base/rng";
import { eqInit, eqPop, eqPeekTime, eqSize, eqTarget, eqNow, eqOverflow } from "../base/eventq";
import { fifoInit, fifoOverflow } from "../base/fifo";
import {
  EV_KIND_SHIFT, EV_INDEX_MASK, EV_VCPU_DONE, EV_VCPU_WAKE, EV_LINK, EV_NIC_IRQ, EV_NIC_TXDONE,
  EV_TIMER, EV_UDP, EV_REBALANCE, EV_RR,
} from "../base/targets";
import { pktInit, pktExhausted, pktUnits } from "../packet";
import { flowsInit, flowDirRx, flowGuest } from "../flows";
import { accountInit, invariantError } from "../cpu/account";
import { vcpuInit } from "../cpu/vcpu";
import { threadIdsInit, threadCount } from "../kernel/threads";
import { taskletsInit } from "../kernel/tasklet";
import { napiInit } from "../kernel/napi";
import { softirqInit } from "../kernel/softirq";
import { timersInit, timerOnEvent } from "../kernel/timers";
import { evtchnInit, evtchnBind, pirqPort, nbPort } from "../xen/evtchn";
import { ringsInit } from "../xen/ring";
import { linksInit, linkOnArrival, linkInFlight, linkFlightAt, nLinks as linkCount } from "../hw/link";
import { nicInit, nicOnIrqEvent, nicOnTxDone, nicHeldUnits } from "../hw/nic";
import { bridgeInit, bridgeHeldUnits } from "../dom0/bridge";
import { netbackCommonInit } from "../netback/common";
import { coalesceInit } from "../netback/coalesce";
import { netbackRxInit, netbackRxHeldUnits } from "../netback/rx";
import { netbackTxInit, netbackTxHeldUnits } from "../netback/tx";
import { netbackKthreadInit } from "../netback/kthread";
import { netfrontInit, netfrontHeldUnits } from "../netfront/netfront";
import { lroInit, lroHeldUnits } from "../net/lro";
import { stackInit, stackHeldUnits, stackMarkTxStart } from "../guest/stack";
import { tcpInit } from "../traffic/tcp/common";
import { tcpStartRx } from "../traffic/tcp/sender";
import { tcpReceiverInit, tcpHeldUnits } from "../traffic/tcp/receiver";
import { udpInit, udpStartAll, udpOnEvent } from "../traffic/udp";
import { rrInit, rrStartAll, rrOnEvent } from "../traffic/rr";
import { dispatchInit, dispatchOnRebalance } from "../xen/dispatch";
import { sampleNext, samplerTake } from "../observe/sampler";
import { traceNeedsDrain } from "../observe/trace";
import { vcpuOnDone, vcpuOnWake } from "./sched";
import { opsTimerExternal } from "./ops";

let ready: bool = false;
let nLinks: u32 = 0;

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

/** Builds the model from the config buffer at `base`. Returns 0, or an error code. */
export function engineInit(base: usize): u32 {
  cfgSetBase(base);
  loadCosts();
  rngSeed(cfgU32(L.CFG_SEED));
  rngLossSeed(cfgU32(L.CFG_SEED));
  let D = cfgU32(L.CFG_DOM0_VCPUS);
  let N = cfgU32(L.CFG_GUESTS);
  let gv = cfgU32(L.CFG_GUEST_VCPUS);
  let P = cfgU32(L.CFG_PORTS);
  let nq = P * cfgU32(L.CFG_RXQ_PER_PORT);
  let G = cfgU32(L.CFG_NETBACK_GROUPS);
  let V = D + N * gv;
  let flows: u32 = 0;
  for (let i: u32 = 0; i < 3 * N; i++) flows += <u32>cfgTable(L.CFG_OFF_GUEST_STREAMS, <i32>i); // per guest: rx, tx, guest-to-guest in
  let udp = cfgU32(L.CFG_UDP_SOURCES);

  fifoInit(<i32>(8 * (V + nq + P + G + N + flows + D) + 64));
  statsInit(N, V);
  statSet(L.ST_FINGERPRINT, 0xcbf29ce484222325); // FNV-1a offset basis: a non-zero start
  pktInit(cfgU32(L.CFG_POOL_PACKETS));
  let timers = flows * 2 + N;
  eqInit(cfgU32(L.CFG_EVENTQ_CAP));

  let portsTotal = nq + 2 * N + D;
  let napis = nq + D + N;
  flowsInit(flows, udp, cfgU32(L.CFG_RR_SESSIONS));
  threadIdsInit(G, N);
  accountInit(V);
  vcpuInit(D, N, gv, portsTotal, napis, 2 * G, threadCount(V), portsTotal + timers + 8, G + N);
  softirqInit(V, cfgU32(L.CFG_NETDEV_BUDGET), cfgU32(L.CFG_MAX_SOFTIRQ_RESTART));
  taskletsInit(2 * G);
  napiInit(napis);
  timersInit(timers);
  evtchnInit(nq, N, D);
  for (let q: u32 = 0; q < nq; q++) evtchnBind(pirqPort(q), <u32>cfgTable(L.CFG_OFF_PIRQ_VCPU, q));
  for (let i: u32 = 0; i < N; i++) evtchnBind(nbPort(i), <u32>cfgTable(L.CFG_OFF_VIF_VCPU, i));
  ringsInit(2 * N);
  linksInit(
    P, cfgU64(L.CFG_CPU_HZ), cfgU64(L.CFG_LINK_BPS), cfgU32(L.CFG_LINK_FLIGHT), cfg(L.CFG_LOSS_RX), cfg(L.CFG_LOSS_TX),
    cfgU32(L.CFG_CLIENTS_PER_PORT), cfgU64(L.CFG_ACCESS_BPS), cfgU64(L.CFG_ACCESS_DELAY), cfg(L.CFG_SWITCH_BUF),
  );
  nLinks = linkCount;
  nicInit();
  bridgeInit(D);
  netbackCommonInit();
  netbackRxInit();
  netbackTxInit();
  coalesceInit();
  netbackKthreadInit();
  netfrontInit();
  lroInit();
  stackInit();
  tcpInit();
  tcpReceiverInit();
  udpInit();
  rrInit(N);
  dispatchInit();
  startFlows(N, flows);
  udpStartAll();
  rrStartAll();
  ready = true;
  return checkErrors();
}

/** Every flow starts at cycle 0, in flow order: external senders transmit (or wait for their
 *  seeded start), and each guest with flows to send gives its application a first turn. */
function startFlows(guests: u32, flows: u32): void {
  let started = new StaticArray<u8>(<i32>guests + 1);
  for (let f: u32 = 0; f < flows; f++) {
    if (flowDirRx(f)) {
      tcpStartRx(f);
      continue;
    }
    let g = unchecked(flowGuest[f]);
    if (!unchecked(started[g])) {
      unchecked((started[g] = 1));
      stackMarkTxStart(g);
    }
  }
}

function checkErrors(): u32 {
  if (eqOverflow) return <u32>L.STOP_ERR_EVENTQ;
  if (pktExhausted) return <u32>L.STOP_ERR_POOL;
  if (fifoOverflow || invariantError != 0) return <u32>L.STOP_ERR_INVARIANT;
  return 0;
}

/** Runs events with time <= untilCycle, at most maxEvents of them. Returns a STOP_* reason. */
export function engineRun(untilCycle: u64, maxEvents: u32): u32 {
  let n: u32 = 0;
  let reason: u32 = <u32>L.STOP_LIMIT_EVENTS;
  let fp = statGet(L.ST_FINGERPRINT);
  // The loop also stops at the next time-series boundary (u64.MAX when sampling is off), so
  // sampling costs nothing per event and inserts no event (observe/sampler.ts).
  let limit = untilCycle < sampleNext ? untilCycle : sampleNext;
  while (n < maxEvents) {
    if (eqSize == 0) {
      reason = <u32>L.STOP_IDLE;
      break;
    }
    if (eqPeekTime() > limit) {
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
    eqPop();
    n++;
    let target = eqTarget;
    fp = fpStep(fpStep(fp, eqNow), <u64>target);
    let idx = target & EV_INDEX_MASK;
    switch (target >> EV_KIND_SHIFT) {
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
        nicOnIrqEvent(idx);
        break;
      case EV_TIMER >> EV_KIND_SHIFT:
        if (timerOnEvent(idx)) opsTimerExternal(idx);
        break;
      case EV_NIC_TXDONE >> EV_KIND_SHIFT:
        nicOnTxDone(idx);
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
      default:
        break;
    }
    if (traceNeedsDrain()) {
      reason = <u32>L.STOP_TRACE_FULL;
      break;
    }
    if (eqOverflow || pktExhausted || fifoOverflow || invariantError != 0) {
      reason = checkErrors();
      break;
    }
  }
  statAdd(L.ST_EVENTS, n);
  statSet(L.ST_FINGERPRINT, fp);
  if (!ASC_NO_ASSERT && reason < <u32>L.STOP_ERR_EVENTQ) checkConservation();
  return reason;
}

/** Debug builds only: at every chunk end, each injected segment is delivered, dropped or held. */
function checkConservation(): void {
  let dropped =
    statGet(L.ST_DROP_NIC_RX_RING) + statGet(L.ST_DROP_VIF_QDISC) + statGet(L.ST_DROP_NETBACK_NO_SLOT) +
    statGet(L.ST_DROP_DOM0_BACKLOG) + statGet(L.ST_DROP_NIC_QDISC) + statGet(L.ST_DROP_GUEST_QDISC) +
    statGet(L.ST_DROP_GUEST_SOCKET) + statGet(L.ST_DROP_LINK_QUEUE) + statGet(L.ST_DROP_WIRE_LOSS) +
    statGet(L.ST_DROP_SWITCH_BUFFER);
  let accounted = statGet(L.ST_DELIVERED) + dropped + engineInFlightUnits();
  assert(statGet(L.ST_INJECTED) == accounted, "packet conservation failed at a chunk end: injected != delivered + dropped + in flight");
}

export function engineNow(): u64 {
  return eqNow;
}

/** Segments currently inside the system (on wires, in queues, rings, sockets, batches). */
export function engineInFlightUnits(): u64 {
  let s: u64 = 0;
  for (let l: u32 = 0; l < nLinks; l++) {
    let n = linkInFlight(l);
    for (let i: u32 = 0; i < n; i++) s += pktUnits(linkFlightAt(l, i));
  }
  s += nicHeldUnits();
  s += bridgeHeldUnits();
  s += netbackRxHeldUnits();
  s += netbackTxHeldUnits();
  s += netfrontHeldUnits();
  s += lroHeldUnits();
  s += tcpHeldUnits();
  s += stackHeldUnits();
  return s;
}

export function engineInvariantError(): u32 {
  return invariantError;
}
