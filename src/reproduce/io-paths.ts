// `pvnetsim io-paths`: one receive workload over the three I/O paths a guest can have (the split
// driver, the split driver with Ram et al.'s driver-domain optimisations, an SR-IOV virtual
// function per guest), N seeds each, side by side: throughput, dom0 CPU, guest CPU per byte, dom0
// cycles per packet, with the figures Ram et al. 2009 (sources.md V9, W7, W11) and Dong et al.
// 2010 (V14) publish beside them. Only the papers' abstracts were available: they give
// throughput (and Dong's CPU cost per added VM), not dom0 CPU or guest cycles per byte, and their
// testbeds differ from the presets' (CPU, guests, guest-side optimisations), so the published
// figures stand beside the simulated ones as references, not as targets of a check.

import { resolveConfig, type ResolvedConfig } from "../config/schema.js";
import type { SimResult } from "../result.js";
import { runPool, defaultThreads } from "../pool/pool.js";
import { formatTable } from "../report/table.js";
import { summarize, mean } from "./stats.js";
import type { ScenarioRunsOptions } from "./ablation.js";

/** A figure a paper publishes for an I/O path, with its row in docs/sources.md. */
export interface PublishedFigure {
  /** What the figure is, as the source states it. */
  text: string;
  /** Its throughput in Gb/s when it is one (null: no throughput figure). */
  gbps: number | null;
  source: string;
}

export interface IoPath {
  name: string;
  label: string;
  preset: string;
  published: readonly PublishedFigure[];
}

export const IO_PATHS: readonly IoPath[] = [
  {
    name: "split",
    label: "split driver",
    preset: "io-split",
    published: [
      { text: "2.9 Gb/s, most a guest reaches through the stock driver domain on 10 GbE", gbps: 2.9, source: "V9" },
      { text: "3.0 Gb/s (the same work's thesis version)", gbps: 3.0, source: "W7" },
    ],
  },
  {
    name: "split-ram",
    label: "split driver + Ram et al.",
    preset: "io-split-ram",
    published: [
      {
        text:
          "10 Gb/s (full 10 GbE link rate) with multi-queue support, grant reuse and guest-side optimisations " +
          "(the last not modelled); the bottleneck moves from dom0 to the guests",
        gbps: 10,
        source: "V9",
      },
    ],
  },
  {
    name: "sriov",
    label: "SR-IOV virtual function",
    preset: "io-sriov",
    published: [
      { text: "9.48 Gb/s (line rate), up to 60 VMs", gbps: 9.48, source: "V14" },
      {
        text: "+1.76% CPU per added VM; better throughput, scalability and CPU use than the PV driver",
        gbps: null,
        source: "V14",
      },
    ],
  },
];

export interface IoPathRow {
  name: string;
  label: string;
  preset: string;
  runs: number;
  erroredRuns: number;
  /** Aggregate TCP goodput, mean over seeds, and the 95% CI half-width (null with one seed). */
  goodputGbps: number;
  ci95Gbps: number | null;
  /** dom0 CPU: busy VCPUs (sum of its VCPUs' utilization), mean over seeds, and dom0's VCPU count. */
  dom0Vcpus: number;
  dom0VcpuCount: number;
  /** Busy cycles of all guest VCPUs per payload byte delivered to guest applications. */
  guestCyclesPerByte: number;
  /** dom0 busy cycles per packet delivered to guests (by netback or by a VF driver). */
  dom0CyclesPerPacket: number;
  /** The first seed's bottleneck ("vcpu dom0.0", "wire port 0", ...). */
  bottleneck: string;
  published: readonly PublishedFigure[];
  /** Simulated goodput over the first published throughput (null when there is none). */
  vsPublished: number | null;
}

export interface IoPathsReport {
  description: string;
  seeds: number;
  durationMs: number;
  warmupMs: number;
  rows: IoPathRow[];
  /** Every run: which path and seed, and how it ended. */
  runs: { path: string; seed: number; state: string; error?: string }[];
}

export type IoPathsOptions = ScenarioRunsOptions;

export function ioPathConfigs(opts: { durationMs?: number; warmupMs?: number }): ResolvedConfig[] {
  const run: Record<string, unknown> = {};
  if (opts.durationMs !== undefined) run["durationMs"] = opts.durationMs;
  if (opts.warmupMs !== undefined) run["warmupMs"] = opts.warmupMs;
  return IO_PATHS.map((p) => resolveConfig(p.preset, run));
}

/** dom0 busy cycles per packet delivered to guests over the measured interval. */
function dom0CyclesPerPacket(r: SimResult): number {
  const cycles = r.config.durationMs * 1e-3 * r.config.cpu.frequencyGHz * 1e9;
  const busy = r.cpu.filter((c) => c.domain === "dom0").reduce((a, c) => a + c.utilization, 0) * cycles;
  const delivered = r.throughput.perVm.reduce((a, v) => a + v.rxPackets, 0);
  return delivered > 0 ? busy / delivered : 0;
}

export function summarizeIoPath(path: IoPath, runs: readonly SimResult[]): IoPathRow {
  const ok = runs.filter((r) => r.state === "completed");
  const avg = (f: (r: SimResult) => number): number => (ok.length > 0 ? mean(ok.map(f)) : NaN);
  const g = summarize(ok.map((r) => r.throughput.aggregateGbps));
  const first = ok[0];
  const pub = path.published.find((f) => f.gbps !== null)?.gbps ?? null;
  return {
    name: path.name,
    label: path.label,
    preset: path.preset,
    runs: runs.length,
    erroredRuns: runs.length - ok.length,
    goodputGbps: g.mean,
    ci95Gbps: g.ciHalfWidth,
    dom0Vcpus: avg((r) => r.cpu.filter((c) => c.domain === "dom0").reduce((a, c) => a + c.utilization, 0)),
    dom0VcpuCount: first ? first.config.dom0.vcpus : 0,
    guestCyclesPerByte: avg((r) => r.derived["guestCyclesPerByte"] ?? 0),
    dom0CyclesPerPacket: avg(dom0CyclesPerPacket),
    bottleneck: first ? `${first.bottleneck.kind} ${first.bottleneck.where}` : "-",
    published: path.published,
    vsPublished: pub !== null && ok.length > 0 ? g.mean / pub : null,
  };
}

export async function runIoPaths(o: IoPathsOptions): Promise<IoPathsReport> {
  const configs = ioPathConfigs(o);
  const tasks = configs.flatMap((config, i) =>
    Array.from({ length: o.seeds }, (_, s) => ({ config, seed: s + 1, path: IO_PATHS[i]!.name })),
  );
  const results = await runPool(
    tasks.map((t) => ({ config: t.config, seed: t.seed })),
    {
      module: o.module,
      threads: Math.min(o.threads ?? defaultThreads(), tasks.length),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    },
  );
  const rows = IO_PATHS.map((p, i) => summarizeIoPath(p, results.slice(i * o.seeds, (i + 1) * o.seeds)));
  const c0 = configs[0]!;
  return {
    description:
      "Four one-VCPU guests each receiving one bulk TCP stream on one 10 GbE port; dom0 with 4 VCPUs, stock " +
      "netback and every event on VCPU0; the three paths differ only in how a frame reaches the guest.",
    seeds: o.seeds,
    durationMs: c0.durationMs,
    warmupMs: c0.warmupMs,
    rows,
    runs: tasks.map((t, i) => {
      const r = results[i]!;
      return { path: t.path, seed: t.seed, state: r.state, ...(r.error ? { error: r.error } : {}) };
    }),
  };
}

const fix = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : "-");

/** The side-by-side table, then the published figures with their sources. */
export function renderIoPathsText(rep: IoPathsReport): string {
  const head = [
    "path",
    "preset",
    "goodput Gb/s",
    "dom0 CPU (VCPUs)",
    "dom0 cycles/packet",
    "guest cycles/byte",
    "published Gb/s",
    "sim/published",
    "bottleneck",
  ];
  const rows = rep.rows.map((r) => {
    const ci = r.ci95Gbps !== null ? ` +- ${fix(r.ci95Gbps, 3)}` : "";
    const pub = r.published.filter((f) => f.gbps !== null).map((f) => `${f.gbps} (${f.source})`);
    return [
      r.label,
      r.preset,
      `${fix(r.goodputGbps, 3)}${ci}`,
      `${fix(r.dom0Vcpus, 2)} of ${r.dom0VcpuCount}`,
      fix(r.dom0CyclesPerPacket, 0),
      fix(r.guestCyclesPerByte, 2),
      pub.join(", ") || "-",
      r.vsPublished !== null ? fix(r.vsPublished, 2) : "-",
      r.bottleneck,
    ];
  });
  const lines = [
    `I/O paths side by side: ${rep.description}`,
    `${rep.seeds} seed(s) per path, ${rep.durationMs} ms measured after ${rep.warmupMs} ms warm-up; ` +
      "goodput mean with its 95% CI, the other columns means",
    "",
    formatTable([head, ...rows], (c) => c >= 2 && c <= 7),
    "",
    "published (abstracts; their testbeds differ from the presets', so these are references, not checks):",
  ];
  for (const r of rep.rows) for (const f of r.published) lines.push(`  ${r.label}: ${f.text} [${f.source}]`);
  lines.push(
    "  dom0 CPU and guest CPU per byte are not in the abstracts: the simulated columns have no published value " +
      "beside them",
  );
  const errored = rep.rows.reduce((a, r) => a + r.erroredRuns, 0);
  if (errored > 0) lines.push("", `${errored} run(s) failed; see "runs" in --json`);
  return lines.join("\n");
}
