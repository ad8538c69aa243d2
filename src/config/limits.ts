// Limits that keep every accepted configuration runnable: the model counts time in whole CPU
// cycles, so each period the configuration sets (run length, timers, packet gaps, the interrupt
// interval) must be at least one cycle at the configured clock, or the run would never advance
// time and never end; and a run must count its cycles exactly in a double (2^53).
// Checked after the per-field ranges and the relations between fields; errors name the field.

import { ConfigError } from "./error.js";
import type { ResolvedConfig } from "./types.js";

/** Largest cycle count the host passes to the model exactly (f64 integers). */
const MAX_CYCLES = 2 ** 53;

/** Throws ConfigError when a period of `r` is shorter than one cycle or too long to count. */
export function checkFeasible(r: ResolvedConfig): void {
  const hz = r.cpu.frequencyGHz * 1e9;
  const clock = `at cpu.frequencyGHz = ${r.cpu.frequencyGHz}`;
  /** `seconds` must round to at least one cycle; `perSecond` converts the bound back to the field's unit. */
  const oneCycle = (field: string, value: number, seconds: number, perSecond: number, unit: string): void => {
    if (Math.round(seconds * hz) >= 1) return;
    const min = Number(((0.5 / hz) * perSecond).toPrecision(3));
    throw new ConfigError(field, value, `at least one CPU cycle, ${min} ${unit} or more ${clock}`);
  };
  oneCycle("durationMs", r.durationMs, r.durationMs / 1e3, 1e3, "ms");
  if (((r.durationMs + r.warmupMs) / 1e3) * hz > MAX_CYCLES) {
    throw new ConfigError("durationMs", r.durationMs, `a run (with warmupMs) of at most ${MAX_CYCLES} cycles ${clock}`);
  }
  oneCycle("tcp.rtoMinMs", r.tcp.rtoMinMs, r.tcp.rtoMinMs / 1e3, 1e3, "ms");
  oneCycle("tcp.delayedAckMs", r.tcp.delayedAckMs, r.tcp.delayedAckMs / 1e3, 1e3, "ms");
  if (r.evtchn.dispatch === "dynamic") {
    const ms = r.evtchn.rebalancePeriodMs;
    oneCycle("evtchn.rebalancePeriodMs", ms, ms / 1e3, 1e3, "ms");
  }
  if (r.netback.coalesce.count > 1) {
    const us = r.netback.coalesce.timeUs;
    oneCycle("netback.coalesce.timeUs", us, us / 1e6, 1e6, "us");
  }
  if (r.nic.itr.mode === "fixed") {
    const rate = r.nic.itr.fixedIntsPerSec;
    oneCycle("nic.itr.fixedIntsPerSec", rate, 1 / rate, 1, "s between interrupts");
  }
  const udpRate = (field: string, ratePps: number): void => {
    if (Math.round(hz / ratePps) < 1) {
      throw new ConfigError(field, ratePps, `at most one packet per CPU cycle, ${hz} packets/s ${clock}`);
    }
    if (hz / ratePps > MAX_CYCLES) {
      throw new ConfigError(field, ratePps, `a gap between packets of at most ${MAX_CYCLES} cycles ${clock}`);
    }
  };
  r.traffic.udp.forEach((s, i) => udpRate(`traffic.udp[${i}].ratePps`, s.ratePps));
  r.traffic.profiles.forEach((p, i) => {
    if (p.kind === "udp-rx") udpRate(`traffic.profiles[${i}].ratePps`, p.ratePps!);
  });
}
