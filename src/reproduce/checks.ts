// The reproduction's acceptance checks, evaluated on the step summaries against the paper's
// published figures (src/paper.ts): computed from the runs, never from known answers.

import { PAPER_FIGURES } from "../paper.js";
import { TCP_CEILING_GBPS } from "./steps.js";
import { fmtUtil, type Check, type StepSummary } from "./reproduce.js";

const f3 = (x: number | null): string => (x === null || !Number.isFinite(x) ? "n/a" : x.toFixed(3));
/** Signed percent, one decimal; what rounds to zero prints as "0.0%", never "-0.0%". */
export const pctStr = (x: number): string => {
  const t = x.toFixed(1);
  return t === "0.0" || t === "-0.0" ? "0.0%" : `${x > 0 ? "+" : ""}${t}%`;
};

/** The acceptance checks, evaluated on the summaries (steps in PAPER_STEPS order). */
export function evaluateChecks(steps: readonly StepSummary[]): Check[] {
  const by = (name: string): StepSummary => {
    const s = steps.find((x) => x.name === name);
    if (!s) throw new Error(`reproduce: step ${name} missing`);
    return s;
  };
  const checks: Check[] = [];
  const base = by("paper-baseline");
  const multi = by("paper-multi-tasklet");
  const disp = by("paper-dispatch");
  const low = by("paper-low-event");
  const lro = by("paper-lro");

  {
    const paper = PAPER_FIGURES.baselineGbps.value;
    const rel = (base.simulatedGbps - paper) / paper;
    checks.push({
      id: `baseline-${paper}`,
      description: `baseline mean within ${paper} Gb/s +-5% (${f3(paper * 0.95)}..${f3(paper * 1.05)})`,
      pass: Math.abs(rel) <= 0.05,
      detail: `${f3(base.simulatedGbps)} Gb/s (${pctStr(rel * 100)})`,
      values: { simulatedGbps: base.simulatedGbps, diffPct: rel * 100 },
    });
  }
  {
    const paper = PAPER_FIGURES.allFourGbps.value;
    const rel = (lro.simulatedGbps - paper) / paper;
    const within = Math.abs(rel) <= 0.03;
    const under = lro.simulatedGbps <= TCP_CEILING_GBPS && lro.maxGbps <= TCP_CEILING_GBPS;
    checks.push({
      id: `all-four-${paper}`,
      description:
        `all four techniques: mean within ${paper} Gb/s +-3% (${f3(paper * 0.97)}..${f3(paper * 1.03)}) ` +
        `and no seed above the ${TCP_CEILING_GBPS} Gb/s TCP ceiling`,
      pass: within && under,
      detail: `mean ${f3(lro.simulatedGbps)} Gb/s (${pctStr(rel * 100)}), highest seed ${f3(lro.maxGbps)} Gb/s`,
      values: { simulatedGbps: lro.simulatedGbps, diffPct: rel * 100, maxSeedGbps: lro.maxGbps },
    });
  }
  {
    const bad: string[] = [];
    const parts: string[] = [];
    for (let i = 1; i < steps.length; i++) {
      const a = steps[i - 1]!;
      const b = steps[i]!;
      const hiB = b.simulatedGbps + (b.ci95Gbps ?? 0);
      const loA = a.simulatedGbps - (a.ci95Gbps ?? 0);
      const ok = hiB >= loA;
      const pm = (x: StepSummary): string =>
        `${f3(x.simulatedGbps)}${x.ci95Gbps === null ? "" : ` +- ${f3(x.ci95Gbps)}`}`;
      parts.push(`${b.name} ${pm(b)} vs ${pm(a)}: ${ok ? "ok" : "slower"}`);
      if (!ok) bad.push(b.name);
    }
    checks.push({
      id: "monotone",
      description:
        "each step at least as fast as the one before within the 95% CIs (step's upper bound >= previous step's " +
        "lower bound)",
      pass: bad.length === 0,
      detail: parts.join("; ") + (bad.length ? `; slower: ${bad.join(", ")}` : ""),
      values: Object.fromEntries(steps.map((s) => [s.name, s.simulatedGbps])),
    });
  }
  {
    const share = multi.dom0Vcpu0NetbackShare;
    checks.push({
      id: "multi-tasklet-stays-on-vcpu0",
      description: "multi-tasklet with every event on VCPU0: dom0 netback+grant work stays on VCPU0 (share >= 90%)",
      pass: share >= 0.9,
      detail:
        `VCPU0 carries ${(share * 100).toFixed(1)}% of dom0 netback+grant time; dom0 busy ` +
        `${fmtUtil(multi.dom0Utilization)}`,
      values: { vcpu0Share: share },
    });
  }
  {
    const r = disp.dom0NetbackBusyRatio;
    checks.push({
      id: "dispatch-balance",
      description: "after dispatch: busiest dom0 VCPU carrying netback work <= 1.5x as busy as the least busy one",
      pass: r !== null && r <= 1.5 && disp.dom0NetbackVcpus.length >= 2,
      detail:
        r === null
          ? "no dom0 VCPU carries netback work"
          : `ratio ${r.toFixed(2)} over VCPUs ${disp.dom0NetbackVcpus.join(",")}; dom0 busy ` +
            `${fmtUtil(disp.dom0Utilization)}`,
      values: { ratio: r, netbackVcpus: disp.dom0NetbackVcpus.length },
    });
  }
  {
    const factor = disp.notificationsPerPacket / low.notificationsPerPacket;
    checks.push({
      id: "low-event-2x",
      description: "lower event frequency: notifications per packet at least 2x lower than the step before",
      pass: Number.isFinite(factor) && factor >= 2,
      detail:
        `${low.notificationsPerPacket.toFixed(3)} vs ${disp.notificationsPerPacket.toFixed(3)} per packet ` +
        `(${Number.isFinite(factor) ? factor.toFixed(2) : "n/a"}x lower); event sends ` +
        `${low.evtchnSendsPerPacket.toFixed(3)} vs ${disp.evtchnSendsPerPacket.toFixed(3)}`,
      values: { lowEvent: low.notificationsPerPacket, before: disp.notificationsPerPacket, factor },
    });
  }
  {
    const cut = (low.guestCyclesPerByte - lro.guestCyclesPerByte) / low.guestCyclesPerByte;
    checks.push({
      id: "lro-guest-cycles",
      description: "LRO cuts guest cycles per received byte against the step before",
      pass: lro.guestCyclesPerByte < low.guestCyclesPerByte,
      detail:
        `${lro.guestCyclesPerByte.toFixed(2)} vs ${low.guestCyclesPerByte.toFixed(2)} cycles/byte ` +
        `(${pctStr(-cut * 100)})`,
      values: { lro: lro.guestCyclesPerByte, before: low.guestCyclesPerByte, cutPct: cut * 100 },
    });
  }
  {
    const errored = steps.reduce((a, s) => a + s.erroredRuns, 0);
    checks.push({
      id: "runs-completed",
      description: "every run completed (packet conservation held)",
      pass: errored === 0,
      detail:
        errored === 0 ? `${steps.reduce((a, s) => a + s.runs.length, 0)} runs completed` : `${errored} run(s) errored`,
      values: { errored },
    });
  }
  return checks;
}
