// Live samples of a running simulation: throughput and VCPU utilization over the last chunk of
// simulated time, read from the model's counters between chunks. Platform-neutral (used by the
// browser worker; nothing here crosses the Wasm boundary per event).
//
// A sample's window rates are computed the same way as SimResult's (bytes * 8 / seconds, busy
// cycles / cycles), over [previous sample, this sample] instead of the measured interval;
// `measuredAggregateGbps` is the measured-interval aggregate so far (counters since the driver's
// end-of-warm-up snapshot, over the simulated time since the warm-up ended); at the end of a run
// it matches the final result to within the time between the last event and the end of the run.

import * as L from "../abi/layout.js";
import { derive } from "../config/pack.js";
import type { ResolvedConfig } from "../config/schema.js";
import { COMPONENT_NAMES } from "../report/components.js";
import { CounterLayout, CounterWindow, gbps } from "../report/counters.js";
import type { WasmExports } from "../run/simulate.js";

/** Utilization of one VCPU over a sample's window. */
export interface LiveCpu {
  /** "dom0" or "domU<i>". */
  domain: string;
  vcpu: number;
  /** Busy fraction of the window, 0..1. */
  utilization: number;
  /** Busy fraction by component (xen, grant, nic, bridge, netback, netfront, stack, lro, app, softirq). */
  breakdown: Record<string, number>;
}

/** What the model did over one window of simulated time (one or more chunks of events). */
export interface LiveSample {
  /** Simulated time at the end of the window, ms (warm-up included). */
  simulatedMs: number;
  /** Length of the window, ms of simulated time. */
  windowMs: number;
  /** "warmup" while the window ends before the measured interval starts. */
  phase: "warmup" | "measure";
  /** TCP goodput delivered to guest applications over the window, Gb/s. */
  aggregateGbps: number;
  /** The same per guest (index = guest). */
  perVmGbps: number[];
  /** Aggregate goodput over the measured interval so far; null during warm-up. */
  measuredAggregateGbps: number | null;
  /** The same per guest; null during warm-up. */
  measuredPerVmGbps: number[] | null;
  /** Every VCPU, dom0's first, then each guest's. */
  cpu: LiveCpu[];
}

/** Reads window rates from a running model instance; call sample() between chunks. */
export class LiveSampler {
  private readonly layout: CounterLayout;
  private readonly ex: WasmExports;
  private readonly cpuHz: number;
  private readonly warmupCycles: number;
  private prev: BigUint64Array;
  private prevCycle = 0;
  private measureStart: BigUint64Array | null = null;

  constructor(r: ResolvedConfig, ex: WasmExports) {
    this.layout = new CounterLayout(r);
    this.ex = ex;
    const d = derive(r);
    this.cpuHz = d.cpuHz;
    this.warmupCycles = d.warmupCycles;
    this.prev = new BigUint64Array(ex.statsWords());
  }

  /** Counters now (a fresh view each time: memory growth detaches old views). */
  private counters(): BigUint64Array {
    return new BigUint64Array(this.ex.memory.buffer, this.ex.statsPtr(), this.ex.statsWords());
  }

  /** Rates since the previous call, or null when no simulated time passed. */
  sample(): LiveSample | null {
    const now = Number(this.ex.simNow());
    const s = this.counters().slice();
    // The driver ends its warm-up phase with a chunk that stops at the warm-up cycle and
    // snapshots the counters there; the first sample past it has that chunk's counters in prev.
    if (this.measureStart === null && now > this.warmupCycles) this.measureStart = this.prev;
    const cycles = now - this.prevCycle;
    if (cycles <= 0) {
      this.prev = s;
      return null;
    }
    const layout = this.layout;
    const sec = cycles / this.cpuHz;
    const win = new CounterWindow(layout, s, this.prev);

    const perVmGbps: number[] = [];
    let aggregateGbps = 0;
    const mStart = now > this.warmupCycles ? this.measureStart : null;
    const measuredWin = mStart !== null ? new CounterWindow(layout, s, mStart) : null;
    const mSec = Math.max(1, now - this.warmupCycles) / this.cpuHz;
    const measuredPerVm: number[] = [];
    let measured = 0;
    for (let i = 0; i < layout.guests; i++) {
      const g = gbps(win.guest(i, L.GS_RX_APP_BYTES), sec);
      perVmGbps.push(g);
      aggregateGbps += g;
      if (measuredWin !== null) {
        // As in the result: data that entered the network after the warm-up.
        const m = gbps(measuredWin.guest(i, L.GS_RX_APP_BYTES) - measuredWin.guest(i, L.GS_RX_APP_EARLY_BYTES), mSec);
        measuredPerVm.push(m);
        measured += m;
      }
    }

    const cpu: LiveCpu[] = [];
    for (let v = 0; v < layout.vcpus; v++) {
      const breakdown: Record<string, number> = {};
      let busy = 0;
      for (let c = 0; c < L.COMP_COUNT; c++) {
        const f = win.component(v, c) / cycles;
        breakdown[COMPONENT_NAMES[c]!] = f;
        busy += f;
      }
      const { domain, vcpu } = layout.vcpuIdentity(v);
      cpu.push({ domain, vcpu, utilization: busy, breakdown });
    }

    const sample: LiveSample = {
      simulatedMs: (now / this.cpuHz) * 1e3,
      windowMs: sec * 1e3,
      phase: now <= this.warmupCycles && this.warmupCycles > 0 ? "warmup" : "measure",
      aggregateGbps,
      perVmGbps,
      measuredAggregateGbps: mStart !== null ? measured : null,
      measuredPerVmGbps: mStart !== null ? measuredPerVm : null,
      cpu,
    };
    this.prev = s;
    this.prevCycle = now;
    return sample;
  }
}
