// Turns the model's counters into a SimResult: goodput per guest, each VCPU's busy time by
// component (jobs cut at the measured interval's edges), events, drops, derived formulas,
// latencies, request/response transactions, packet conservation and the bottleneck diagnosis.
// Used by simulate.ts at the end of a run, and for a run that stopped early or was aborted.

import * as L from "../abi/layout.js";
import type { ResolvedConfig } from "../config/schema.js";
import { derive, guestTraffic } from "../config/pack.js";
import { histogramQuantiles } from "../report/histogram.js";
import { COMPONENT_NAMES } from "../report/components.js";
import { eventsByKind } from "../report/event-kinds.js";
import { CounterLayout, CounterWindow, derivedMetrics, gbps, vcpuWaits } from "../report/counters.js";
import { PVNETSIM_VERSION, ASSEMBLYSCRIPT_VERSION } from "../version.js";
import type { SimResult, CpuUsage, VmThroughput } from "../result.js";
import { diagnoseBottleneck } from "../report/bottleneck.js";
import type { WasmExports } from "../abi/wasm-exports.js";

/** Per VCPU, busy cycles of the job in progress that fall after cycle t. */
export function busyAfter(ex: WasmExports, r: ResolvedConfig, t: number): bigint[] {
  const V = r.dom0.vcpus + r.guests.count * r.guests.vcpus;
  return Array.from({ length: V }, (_, v) => ex.vcpuBusyAfter(v, BigInt(t)));
}

/** Per VCPU, cycles before cycle t of the wait it is in at t (0 when it is not waiting). Steal
 *  time is counted when a wait ends, so the host uses this to cut waits at interval edges. */
export function openWaits(ex: WasmExports, r: ResolvedConfig, t: number): number[] {
  const V = r.dom0.vcpus + r.guests.count * r.guests.vcpus;
  return Array.from({ length: V }, (_, v) => Number(ex.vcpuWaitBefore(v, BigInt(t))));
}

/** The counters region, read in place. */
export function statsView(ex: WasmExports): BigUint64Array {
  return new BigUint64Array(ex.memory.buffer, ex.statsPtr(), ex.statsWords());
}

/**
 * Turns the counters into a result. Rates are over [fromCycles, the end]: the end of the run, or
 * the cycle an errored or aborted run stopped at. `snap` holds the counters at fromCycles (all
 * zero when fromCycles is 0: a run that stopped before its warm-up ended is reported from its
 * start, so that its utilizations keep their meaning).
 */
export function buildResult(
  r: ResolvedConfig,
  ex: WasmExports,
  snap: BigUint64Array,
  fromCycles: number,
  wall0: number,
  wasmBuild: "release" | "debug" | "trace",
  state: SimResult["state"],
  error: string | undefined,
  busyCarriedIn?: bigint[],
  waitOpenAtWarmup?: number[],
): SimResult {
  const d = derive(r);
  const s = statsView(ex);
  const layout = new CounterLayout(r);
  const w = new CounterWindow(layout, s, snap);
  const now = Number(ex.simNow());
  const start = fromCycles;
  const end = state === "completed" ? d.endCycles : now;
  const measuredCycles = Math.max(1, end - start);
  const measuredSec = measuredCycles / d.cpuHz;

  const perVm: VmThroughput[] = [];
  let aggregate = 0;
  let appBytes = 0;
  for (let i = 0; i < layout.guests; i++) {
    // Goodput: data delivered in the interval that also entered the network in it.
    const rx = w.guest(i, L.GS_RX_APP_BYTES) - w.guest(i, L.GS_RX_APP_EARLY_BYTES);
    appBytes += rx;
    const vm: VmThroughput = {
      vm: i,
      goodputGbps: gbps(rx, measuredSec),
      txGoodputGbps: gbps(w.guest(i, L.GS_TX_ACKED_BYTES) - w.guest(i, L.GS_TX_ACKED_EARLY_BYTES), measuredSec),
      udpGbps: gbps(w.guest(i, L.GS_UDP_APP_BYTES) - w.guest(i, L.GS_UDP_APP_EARLY_BYTES), measuredSec),
      rxPackets: w.guest(i, L.GS_RX_PKTS),
      eventsIn: w.guest(i, L.GS_EVENTS_IN),
    };
    aggregate += vm.goodputGbps;
    perVm.push(vm);
  }

  const cpu: CpuUsage[] = [];
  // Cycles per byte are those of the guests that carry traffic: a guest that only runs a busy
  // loop (a CPU-bound neighbour) takes whatever its PCPU leaves, and would count that as cost.
  const t = guestTraffic(r);
  const loopOnly = (g: number): boolean =>
    t.hogQuantumUs[g]! > 0 &&
    t.rx[g] === 0 &&
    t.tx[g] === 0 &&
    t.g2gSenders[g]!.length === 0 &&
    !t.g2gSenders.some((senders) => senders.includes(g)) &&
    !t.udp.some((u) => u.guest === g) &&
    !t.rr.some((x) => x.guest === g);
  let guestBusy = 0;
  // Busy time is charged when a job starts (and late work, a rebind, when it is charged): cut the
  // jobs that straddle the interval's edges in both directions. The part of a job started before
  // the interval that runs inside it counts; the part after the end does not. A job spanning the
  // whole interval thus counts fully. The busy cycles are spread over components in proportion
  // to the interval's charges, or, when nothing was charged inside the interval (one job spans
  // it), to the VCPU's charges over the whole run.
  const endCut = end > start ? busyAfter(ex, r, end) : undefined;
  const waitOpenAtEnd = state === "completed" ? openWaits(ex, r, d.endCycles) : undefined;
  const us = (cycles: number): number => (cycles / d.cpuHz) * 1e6;
  for (let v = 0; v < layout.vcpus; v++) {
    const { domain, vcpu, guest } = layout.vcpuIdentity(v);
    const breakdown: Record<string, number> = {};
    const charged = w.charged(v);
    const whole = (c: number): number => w.total(layout.componentSlot(v, c));
    const weights = charged > 0 ? (c: number): number => w.component(v, c) : whole;
    let weightSum = 0;
    for (let c = 0; c < L.COMP_COUNT; c++) weightSum += weights(c);
    // Whole cycles, summed exactly (charges of huge costs pass 2^53): a VCPU busy for the whole
    // interval reads exactly 1.
    const exact = w.chargedExact(v) + (busyCarriedIn?.[v] ?? 0n) - (endCut?.[v] ?? 0n);
    const busy = exact > 0n ? Number(exact) : 0;
    for (let c = 0; c < L.COMP_COUNT; c++) {
      breakdown[COMPONENT_NAMES[c]!] = weightSum > 0 ? (busy * weights(c)) / weightSum / measuredCycles : 0;
    }
    if (guest >= 0 && !loopOnly(guest)) guestBusy += busy;
    // Steal is counted when a wait ends: the part of a wait open at warm-up's end that lies before
    // it is not in the interval, and the part of a wait still open at the end is.
    cpu.push({
      domain,
      vcpu,
      pcpu: guest < 0 ? r.dom0.pcpus[vcpu]! : r.guests.pcpus[guest]![vcpu]!,
      utilization: busy / measuredCycles,
      breakdown,
      ...vcpuWaits(w, v, us, waitOpenAtWarmup?.[v] ?? 0, waitOpenAtEnd?.[v] ?? 0),
    });
  }

  const events = w.events();
  const drops = w.drops();
  const dropped = Object.values(drops).reduce((a, n) => a + n, 0);
  const derived = derivedMetrics({
    w,
    cpuHz: d.cpuHz,
    guestBusyCycles: guestBusy,
    appBytes,
    maxPendingEvents: ex.maxPendingEvents(),
    vfGuests: r.nic.sriov.guests,
  });

  // The histogram records from the end of warm-up on (the model starts it at CFG_WARMUP).
  const hist = w.latencyHistogram();
  const lcount = Number(s[L.ST_LAT_COUNT]!);
  const maxCycles = Number(s[L.ST_LAT_MAX]!);
  const [lat50, lat99] = histogramQuantiles(hist, [0.5, 0.99], maxCycles);
  const latency = {
    count: lcount,
    meanUs: lcount > 0 ? us(Number(s[L.ST_LAT_SUM]!) / lcount) : 0,
    p50Us: us(lat50!),
    p99Us: us(lat99!),
    maxUs: us(maxCycles),
  };

  // Transactions count from the end of warm-up (the model records requests sent after it).
  const rrHist = w.rrHistogram();
  const rrCount = Number(s[L.ST_RR_TRANSACTIONS]!);
  const [rr50, rr90, rr99] = histogramQuantiles(rrHist, [0.5, 0.9, 0.99]);
  const requestResponse = {
    sessions: guestTraffic(r).rr.length,
    transactions: rrCount,
    transactionsPerSec: rrCount / measuredSec,
    meanUs: rrCount > 0 ? us(Number(s[L.ST_RR_LAT_SUM]!) / rrCount) : 0,
    p50Us: us(rr50!),
    p90Us: us(rr90!),
    p99Us: us(rr99!),
    retransmissions: w.delta(L.ST_RR_RETRANS),
  };

  const injected = Number(s[L.ST_INJECTED]!);
  const delivered = Number(s[L.ST_DELIVERED]!);
  const inFlight = Number(ex.inFlightUnits());
  const ok = injected === delivered + dropped + inFlight;
  let finalState = state;
  let finalError = error;
  if (state === "completed" && !ok) {
    finalState = "errored";
    finalError =
      `packet conservation failed: injected ${injected} != delivered ${delivered} + dropped ${dropped} ` +
      `+ in flight ${inFlight}`;
  }
  const result: SimResult = {
    state: finalState,
    config: r,
    seed: r.seed,
    fingerprint: s[L.ST_FINGERPRINT]!.toString(16).padStart(16, "0"),
    versions: {
      pvnetsim: PVNETSIM_VERSION,
      assemblyscript: ASSEMBLYSCRIPT_VERSION,
      wasmBuild,
    },
    throughput: { aggregateGbps: aggregate, perVm },
    cpu,
    events,
    derived,
    drops,
    latency,
    requestResponse,
    conservation: { injected, delivered, dropped, inFlight, ok },
    bottleneck: { kind: "none", where: "", share: 0, evidence: "" },
    perf: {
      wallSeconds: (performance.now() - wall0) / 1e3,
      simulatedSeconds: now / d.cpuHz,
      eventsProcessed: Number(s[L.ST_EVENTS]!),
      eventsByKind: eventsByKind(s.subarray(0, L.ST_EVENTS_BY_KIND + L.EVK_SLOTS)),
      packetsSimulated: Number(s[L.ST_PKTS_ALLOCATED]!),
    },
  };
  result.bottleneck = diagnoseBottleneck(result);
  if (finalError !== undefined) result.error = finalError;
  return result;
}
