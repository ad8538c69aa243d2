// The text output of `pvnetsim reproduce`: the table of steps (also the HTML report's table), the
// checks and the bottleneck of each step, as printed on stdout.

import { formatTable } from "../report/table.js";
import { signedPct } from "./costdoc.js";
import type { ReproduceReport } from "./reproduce.js";

export const f3 = (x: number | null): string => (x === null || !Number.isFinite(x) ? "n/a" : x.toFixed(3));
/** The 95 % CI half-width; one that rounds to zero says so instead of printing "+- 0.000". */
const ciText = (h: number | null): string =>
  h === null || !Number.isFinite(h) ? "+- n/a" : h < 0.0005 ? "+- <0.001" : `+- ${h.toFixed(3)}`;

/** The table's header and rows as plain strings (shared by the text and HTML renderings). */
export function tableRows(r: ReproduceReport): { header: string[]; rows: string[][] } {
  const dom0Vcpus = Math.max(1, ...r.steps.map((s) => s.dom0Utilization.length));
  const header = [
    "step",
    "paper Gb/s",
    "simulated Gb/s (95% CI)",
    "vs paper",
    `dom0 VCPU busy ${Array.from({ length: dom0Vcpus }, (_, i) => i).join("/")}`,
    "dom0 max/min",
    "notif/pkt",
    "evtchn/pkt",
    "guest cyc/B",
    "p99 latency",
  ];
  const rows = r.steps.map((s) => [
    s.name,
    s.paperGbps === null ? "not published" : s.paperGbps.toFixed(1),
    `${f3(s.simulatedGbps)} ${ciText(s.ci95Gbps)}`,
    s.diffFromPaperPct === null ? "-" : signedPct(s.diffFromPaperPct),
    s.dom0Utilization.map((u) => (u * 100).toFixed(0)).join("/") + " %",
    s.dom0NetbackBusyRatio === null ? "-" : `${s.dom0NetbackBusyRatio.toFixed(2)} (${s.dom0NetbackVcpus.length})`,
    s.notificationsPerPacket.toFixed(3),
    s.evtchnSendsPerPacket.toFixed(3),
    s.guestCyclesPerByte.toFixed(2),
    Number.isFinite(s.latencyP99Us) ? `${s.latencyP99Us.toFixed(0)} us` : "n/a",
  ]);
  return { header, rows };
}

/** The human-readable report printed by `pvnetsim reproduce`. */
export function renderReproduceText(r: ReproduceReport): string {
  const { header, rows } = tableRows(r);
  const out: string[] = [];
  const st = r.settings;
  out.push(
    `pvnetsim ${r.version} reproduce: Zhang et al., CloudCom 2010; ${st.seeds.length} seed(s) per step ` +
      `(${st.seeds[0]}..${st.seeds[st.seeds.length - 1]}), ` +
      `${st.durationMs} ms measured after ${st.warmupMs} ms warm-up, mean with 95% CI (Student t)`,
  );
  out.push("");
  out.push(formatTable([header, ...rows], (c) => c > 0 && c !== 4));
  out.push("");
  out.push(
    "dom0 max/min: busiest / least busy dom0 VCPU among those with >= 1% netback time (how many). notif/pkt: " +
      "interdomain notifications " +
      "(both rings, both directions) per packet delivered; evtchn/pkt: event-channel sends per packet; guest " +
      "cyc/B: guest busy cycles per received payload byte; p99 latency: NIC arrival to delivery to the guest " +
      "application.",
  );
  out.push("");
  out.push("bottleneck of each step (most frequent over the seeds):");
  for (const s of r.steps) out.push(`  ${s.name}: ${s.bottleneck}: ${s.bottleneckEvidence}`);
  if (r.ablation) {
    out.push("");
    out.push("each technique alone on the baseline:");
    const base = r.ablation[0]!;
    out.push(
      formatTable(
        [
          ["variant", "Gb/s (95% CI)", "vs baseline", "bottleneck"],
          ...r.ablation.map((a) => [
            a.label,
            `${f3(a.simulatedGbps)} +- ${a.ci95Gbps === null ? "n/a" : a.ci95Gbps.toFixed(3)}`,
            a === base ? "-" : `${a.diffFromBaselinePct >= 0 ? "+" : ""}${a.diffFromBaselinePct.toFixed(1)}%`,
            a.bottleneck,
          ]),
        ],
        (c) => c === 1 || c === 2,
      ),
    );
    for (const a of r.ablation.slice(1)) out.push(`  ${a.label}: ${a.mechanism}`);
  }
  out.push("");
  out.push("checks:");
  for (const c of r.checks) out.push(`  ${c.pass ? "PASS" : "FAIL"}  ${c.description}: ${c.detail}`);
  out.push(`${r.checks.filter((c) => c.pass).length} of ${r.checks.length} checks pass`);
  return out.join("\n");
}
