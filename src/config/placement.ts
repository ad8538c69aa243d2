// Where VCPUs run: the PCPU each VCPU starts on, the PCPUs it may run on (affinity), and the
// credit scheduler's weights and caps. Fills the defaults and checks the relations between these
// parameters (a PCPU that does not exist, a cap above 100% x VCPUs, ...), and says whether the
// credit scheduler is needed at all: it is not when every VCPU is pinned to a PCPU no other VCPU
// may use and no domain has a cap (the pinned fast path, cpu.pinnedFastPath).

import { ConfigError } from "./error.js";
import type { ResolvedConfig } from "./types.js";

/** Checks and fills dom0/guests pcpus, affinity, weights and caps in place. Throws ConfigError. */
export function resolvePlacement(r: ResolvedConfig): void {
  const P = r.cpu.pcpus;
  const D = r.dom0.vcpus;
  const N = r.guests.count;
  const gv = r.guests.vcpus;
  const pcpuList = (field: string, list: number[]): void => {
    if (list.length === 0) throw new ConfigError(field, list, "a non-empty array of PCPU ids");
    const seen = new Set<number>();
    list.forEach((pc, i) => {
      if (pc >= P) throw new ConfigError(`${field}[${i}]`, pc, `a PCPU id from 0 to ${P - 1} (cpu.pcpus = ${P})`);
      if (seen.has(pc)) throw new ConfigError(`${field}[${i}]`, pc, `a PCPU not already listed in ${field}`);
      seen.add(pc);
    });
  };
  if (r.dom0.affinity !== null) pcpuList("dom0.affinity", r.dom0.affinity);
  if (r.guests.affinity !== null) {
    if (r.guests.affinity.length !== N) {
      throw new ConfigError("guests.affinity", r.guests.affinity, `${N} arrays of PCPU ids (one per guest) or null`);
    }
    r.guests.affinity.forEach((row, g) => pcpuList(`guests.affinity[${g}]`, row));
  }

  // Start PCPUs: explicit, or by default dom0 VCPU i on PCPU i and the guests' VCPUs on the PCPUs
  // dom0 does not start on, in order; when PCPUs run out, the same list again from its start.
  const dAff = r.dom0.affinity;
  if (r.dom0.pcpus === null)
    r.dom0.pcpus = Array.from({ length: D }, (_, i) => (dAff ? dAff[i % dAff.length]! : i % P));
  if (r.dom0.pcpus.length !== D) throw new ConfigError("dom0.pcpus", r.dom0.pcpus, `${D} PCPU ids (one per dom0 VCPU)`);
  if (r.guests.pcpus === null) {
    const dom0Set = new Set(r.dom0.pcpus);
    let free = Array.from({ length: P }, (_, i) => i).filter((pc) => !dom0Set.has(pc));
    if (free.length === 0) free = Array.from({ length: P }, (_, i) => i);
    let next = 0;
    const gAff = r.guests.affinity;
    r.guests.pcpus = Array.from({ length: N }, (_, g) =>
      Array.from({ length: gv }, (_, j) => (gAff ? gAff[g]![j % gAff[g]!.length]! : free[next++ % free.length]!)),
    );
  }
  if (r.guests.pcpus.length !== N) throw new ConfigError("guests.pcpus", r.guests.pcpus, `${N} arrays (one per guest)`);
  const start = (field: string, pc: number, aff: number[] | null, affField: string): void => {
    if (pc >= P) throw new ConfigError(field, pc, `a PCPU id from 0 to ${P - 1} (cpu.pcpus = ${P})`);
    if (aff && !aff.includes(pc)) throw new ConfigError(field, pc, `a PCPU in ${affField} (${aff.join(", ")})`);
  };
  r.dom0.pcpus.forEach((pc, i) => start(`dom0.pcpus[${i}]`, pc, dAff, "dom0.affinity"));
  r.guests.pcpus.forEach((row, g) => {
    if (row.length !== gv) throw new ConfigError(`guests.pcpus[${g}]`, row, `${gv} PCPU ids (guests.vcpus)`);
    const aff = r.guests.affinity?.[g] ?? null;
    row.forEach((pc, j) => start(`guests.pcpus[${g}][${j}]`, pc, aff, `guests.affinity[${g}]`));
  });

  // Weights and caps (a cap is a share of one PCPU: at most all of the domain's VCPUs busy).
  if (r.dom0.capPercent > 100 * D) {
    throw new ConfigError(
      "dom0.capPercent",
      r.dom0.capPercent,
      `a cap from 0 (none) to ${100 * D} % (100 x dom0.vcpus)`,
    );
  }
  if (r.guests.weights === null) r.guests.weights = Array.from({ length: N }, () => 256);
  if (r.guests.weights.length !== N)
    throw new ConfigError("guests.weights", r.guests.weights, `${N} weights (one per guest) or null`);
  r.guests.weights.forEach((w, g) => {
    if (w < 1 || w > 65535) throw new ConfigError(`guests.weights[${g}]`, w, "a weight from 1 to 65535");
  });
  if (r.guests.capsPercent === null) r.guests.capsPercent = Array.from({ length: N }, () => 0);
  if (r.guests.capsPercent.length !== N) {
    throw new ConfigError("guests.capsPercent", r.guests.capsPercent, `${N} caps (one per guest) or null`);
  }
  r.guests.capsPercent.forEach((c, g) => {
    if (c > 100 * gv)
      throw new ConfigError(`guests.capsPercent[${g}]`, c, `a cap from 0 (none) to ${100 * gv} % (100 x guests.vcpus)`);
  });
}

/** The PCPUs each VCPU may run on, dom0's VCPUs first, then each guest's. */
export function vcpuAffinity(r: ResolvedConfig): number[][] {
  const out: number[][] = r.dom0.pcpus.map((pc) => r.dom0.affinity ?? [pc]);
  r.guests.pcpus.forEach((row, g) => {
    for (const pc of row) out.push(r.guests.affinity?.[g] ?? [pc]);
  });
  return out;
}

/** The PCPU each VCPU starts on, dom0's VCPUs first. */
export function vcpuStartPcpu(r: ResolvedConfig): number[] {
  return [...r.dom0.pcpus, ...r.guests.pcpus.flat()];
}

/**
 * Whether the credit scheduler must run: some PCPU may be used by two VCPUs, some VCPU may run on
 * more than one PCPU, some domain has a cap, or the fast path is turned off.
 */
export function needsCreditScheduler(r: ResolvedConfig): boolean {
  if (!r.cpu.pinnedFastPath) return true;
  if (r.dom0.capPercent > 0 || (r.guests.capsPercent ?? []).some((c) => c > 0)) return true;
  const used = new Set<number>();
  for (const aff of vcpuAffinity(r)) {
    if (aff.length !== 1 || used.has(aff[0]!)) return true;
    used.add(aff[0]!);
  }
  return false;
}
