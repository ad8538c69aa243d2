// Compact human-readable rendering of one SimResult (the `pvnetsim run` table).

import type { SimResult } from "../result.js";
import { sparklineBlock } from "./timeseries.js";
import { bottleneckLine } from "./bottleneck.js";

/** Pads cells into aligned columns. */
export function formatTable(rows: string[][], rightAlign: (col: number) => boolean = (c) => c > 0): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (rightAlign(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Top components of a VCPU's busy time, largest first. */
export function topComponents(b: Record<string, number>, n = 4): string {
  return Object.entries(b)
    .filter(([, v]) => v >= 0.005)
    .sort((a, c) => c[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${pct(v)}`)
    .join(", ");
}

export function renderResult(r: SimResult): string {
  const out: string[] = [];
  const c = r.config;
  out.push(
    `pvnetsim ${r.versions.pvnetsim}  scenario ${c.preset ?? "(custom)"}  seed ${r.seed}  ${c.durationMs} ms ` +
      `measured after ${c.warmupMs} ms warm-up  state ${r.state}`,
  );
  if (r.error) out.push(`error: ${r.error}`);
  out.push("");
  out.push(`aggregate TCP goodput  ${r.throughput.aggregateGbps.toFixed(3)} Gb/s`);
  out.push(
    formatTable([
      ["guest", "rx Gb/s", "tx Gb/s", "udp Gb/s"],
      ...r.throughput.perVm.map((v) => [
        `domU${v.vm}`,
        v.goodputGbps.toFixed(3),
        v.txGoodputGbps.toFixed(3),
        v.udpGbps.toFixed(3),
      ]),
    ]),
  );
  out.push("");
  // VCPUs that share PCPUs: how long each waited for its PCPU (steal) and its p99 wait.
  const shared = r.cpu.some((u) => u.stealUs > 0);
  const stealCols = (u: SimResult["cpu"][number]): string[] =>
    shared ? [pct(u.stealUs / (r.config.durationMs * 1e3)), `${u.waitLatency.p99Us.toFixed(0)} us`] : [];
  out.push(
    formatTable(
      [
        ["vcpu", "pcpu", "busy", ...(shared ? ["steal", "wait p99"] : []), "where the time goes"],
        ...r.cpu.map((u) => [
          `${u.domain}.${u.vcpu}`,
          String(u.pcpu),
          pct(u.utilization),
          ...stealCols(u),
          topComponents(u.breakdown),
        ]),
      ],
      (i) => i === 1 || i === 2 || (shared && (i === 3 || i === 4)),
    ),
  );
  out.push("");
  const d = r.derived;
  out.push(
    `per packet: ${d["notificationsPerPacket"]!.toFixed(3)} notifications, ` +
      `${d["evtchnSendsPerPacket"]!.toFixed(3)} event sends, ` +
      `${d["nicInterruptsPerPacket"]!.toFixed(3)} NIC interrupts, ${d["hypercallsPerPacket"]!.toFixed(3)} ` +
      `hypercalls; ` +
      `${d["packetsPerNetbackRxRun"]!.toFixed(1)} packets per netback RX run; guest ` +
      `${d["guestCyclesPerByte"]!.toFixed(2)} cycles/byte`,
  );
  out.push(bottleneckLine(r.bottleneck));
  const drops = Object.entries(r.drops).filter(([, v]) => v > 0);
  out.push(`drops: ${drops.length ? drops.map(([k, v]) => `${k} ${v}`).join(", ") : "none"}`);
  const l = r.latency;
  out.push(
    `latency NIC -> application: p50 ${l.p50Us.toFixed(1)} us, p99 ${l.p99Us.toFixed(1)} us, max ` +
      `${l.maxUs.toFixed(1)} us (${l.count} packets)`,
  );
  const q = r.requestResponse;
  if (q.sessions > 0) {
    out.push(
      `request/response: ${q.sessions} sessions, ${q.transactionsPerSec.toFixed(0)} transactions/s, transaction ` +
        `time mean ${q.meanUs.toFixed(1)} us, ` +
        `p50 ${q.p50Us.toFixed(1)} us, p90 ${q.p90Us.toFixed(1)} us, p99 ${q.p99Us.toFixed(1)} us ` +
        `(${q.transactions} transactions, ${q.retransmissions} requests sent again)`,
    );
  }
  const k = r.conservation;
  out.push(
    `conservation: injected ${k.injected} = delivered ${k.delivered} + dropped ${k.dropped} + in flight ` +
      `${k.inFlight}: ${k.ok ? "ok" : "FAILED"}`,
  );
  if (r.timeseries) out.push("", ...sparklineBlock(r.timeseries), "");
  const p = r.perf;
  out.push(
    `perf: ${p.simulatedSeconds.toFixed(3)} simulated s in ${p.wallSeconds.toFixed(3)} wall s, ` +
      `${p.eventsProcessed} events, ` +
      `${(p.packetsSimulated / Math.max(p.wallSeconds, 1e-9) / 1e6).toFixed(2)} M packets per wall second`,
  );
  return out.join("\n");
}
