// docs/cost-model.md, generated from the parameter table (src/config/params.ts) and a sensitivity
// run (sensitivity.ts): every costs.* constant with its value, unit, source or reason and whether
// it was fitted (and to what), then how the paper's two published points move when each fitted
// constant moves by +-delta. Regenerate with `node scripts/gen-cost-docs.mjs --all-costs` after `npm run build`.

import { PARAMS, type ParamSpec } from "../config/params.js";
import { PRESETS } from "../config/presets.js";
import type { SensitivityReport } from "./sensitivity.js";
import { PAPER_FIGURES } from "../paper.js";

/** Escapes a table cell (pipes and newlines). */
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

export function costParams(): ParamSpec[] {
  return PARAMS.filter((p) => p.path.startsWith("costs."));
}

/** Presets that set any costs.* value (should be none: presets change mechanisms, never costs). */
export function presetsTouchingCosts(): string[] {
  return Object.entries(PRESETS)
    .filter(
      ([, p]) =>
        JSON.stringify(p.config).includes('"costs"') || Object.keys(p.config).some((k) => k.startsWith("costs")),
    )
    .map(([k]) => k);
}

/**
 * How a cost constant's value was obtained: "fitted" (jointly, to the validation suite's training
 * results: scripts/fit-costs.mjs), "derived" (from a published per-component measurement, cited in
 * its source), or "judgement" (reasoned, not measured; its weight shows in the sensitivity tables).
 */
export function costBasis(p: ParamSpec): "fitted" | "derived" | "judgement" {
  if (p.fitted) return "fitted";
  return /\[I\]/.test(p.source) || !/\[R\]|\[D\]|\[S\]/.test(p.source) ? "judgement" : "derived";
}

/** Markdown table of every cost constant. */
export function costTableMarkdown(params: readonly ParamSpec[] = costParams()): string {
  const rows = [
    "| parameter | value | unit | what it charges | source row or reason | basis | fitted |",
    "|---|---:|---|---|---|---|---|",
  ];
  for (const p of params) {
    rows.push(
      `| \`${p.path}\` | ${String(p.default)} | ${cell(p.unit)} | ${cell(p.help)} | ${cell(p.source)} | ` +
        `${costBasis(p)} | ${p.fitted ? `yes: ${cell(p.fitted.replace(/^fitted:?\s*/i, ""))}` : "no"} |`,
    );
  }
  return rows.join("\n");
}

const g3 = (x: number): string => x.toFixed(3);
/** Signed percent with one decimal; changes that round to zero print as "0.0%" (no "-0.0%"). */
export const signedPct = (x: number): string => {
  const t = x.toFixed(1);
  return t === "0.0" || t === "-0.0" ? "0.0%" : `${x > 0 ? "+" : ""}${t}%`;
};
const sign = signedPct;
const ci = (x: number | null): string => (x === null ? "" : ` +- ${x.toFixed(3)}`);

/** Markdown table of a sensitivity report. */
export function sensitivityMarkdown(s: SensitivityReport): string {
  const d = Math.round(s.settings.delta * 100);
  const presets = s.settings.presets;
  const out: string[] = [];
  out.push(
    `Throughput (aggregate TCP goodput, Gb/s; mean of seeds ${s.settings.seeds.join(", ")} with its 95% CI, ` +
      `${s.settings.durationMs} ms measured after ${s.settings.warmupMs} ms warm-up) with every constant at its ` +
      `default: ` +
      presets.map((p) => `${p} ${g3(s.base[p]!.gbps)}${ci(s.base[p]!.ci95Gbps)}`).join(", ") +
      ".",
  );
  out.push("");
  if (s.rows.length === 0) {
    out.push(
      s.settings.allCosts ? "No cost parameters." : "No cost constant is marked as fitted in src/config/params.ts.",
    );
    return out.join("\n");
  }
  const head = ["constant", "default"];
  for (const p of presets) head.push(`${p} at -${d}%`, `${p} at +${d}%`);
  out.push(`| ${head.join(" | ")} |`);
  out.push(`|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
  for (const r of s.rows) {
    const cells = [`\`${r.path}\`${r.fitted ? "" : " (not fitted)"}`, `${r.default} ${r.unit}`];
    for (const p of presets) {
      const e = r.presets[p]!;
      cells.push(`${g3(e.minus.gbps)} (${sign(e.minus.changePct)})`, `${g3(e.plus.gbps)} (${sign(e.plus.changePct)})`);
    }
    out.push(`| ${cells.join(" | ")} |`);
  }
  return out.join("\n");
}

/**
 * Why the judgement constants are judgements: which published breakdowns would determine them, what of
 * those was read (sources.md section Q), and why none of them is fitted instead.
 */
export const JUDGEMENT_NOTE = [
  "### Why the judgement constants are not derived or fitted",
  "",
  "The published per-component breakdowns of Xen network I/O were searched for ([sources.md](sources.md), " +
    "section Q: Santos et al. 2008, Menon et al. 2006 and 2005, Apparao et al. 2006, Oi and Nakajima 2009, " +
    "Mansley et al. 2007, Ram et al. 2009, Makineni and Iyer 2004, Menon and Zwaenepoel 2008, Cherkasova and " +
    "Gardner 2005). Of each, only the " +
    "abstract and the opening of the introduction could be read; their cycles per packet per component are in " +
    "figures and tables that were not. So no constant of the Xen path is derived from them, and these stay " +
    "judgements:",
  "",
  "- dom0 NIC driver (`nicIrqCycles`, `nicRxPacketCycles`, `nicTxPacketCycles`, `nicTxCleanPacketCycles`, " +
    "`napiPollCycles`), netback (`netbackStartXmitCycles`, `netbackRxPacketCycles`, `netbackTxPacketCycles`, " +
    "`netbackTxResponseCycles`, `netbackIntCycles`, `taskletRunCycles`), grant operations " +
    "(`grantMapOpCycles`, `grantUnmapOpCycles`; a grant copy's per-op cost is derived from a patch posting " +
    "instead, [sources.md](sources.md) R1, and its per-byte cost, Xen's memcpy between two pages, from one " +
    "core's measured copy rate, R3) and Xen (`xenUpcallCycles`, " +
    "`evtchnSendCycles`, `hypercallCycles`, `vcpuWakeCycles`): the driver, netback, grant-copy and Xen components " +
    "of Santos et al.'s receive-path breakdown (Q1) would determine them;",
  "- netfront (`netfrontIrqCycles`, `netfrontRxPacketCycles`, `netfrontRefillBufferCycles`, " +
    "`netfrontTxPacketCycles`, `netfrontTxGcPacketCycles`), the guest stack (`stackRxPacketCycles`, " +
    "`stackRxDemuxCycles`, `stackTxPacketCycles`, `stackTxPerByteCycles`, `lroSegmentCycles`, " +
    "`softirqEntryCycles`, `timerCycles`) and the copy to user space (`appRecvCallCycles`, " +
    "`appCopyPerByteCycles`): the netfront, guest-kernel and user-copy components of the same breakdown (Q1) and " +
    "the guest-domain breakdowns of Menon et al. (Q2); Menon and Zwaenepoel (Q9) say only that per-packet, not " +
    "per-byte, work dominates TCP receive. The guest's two copies (`stackTxPerByteCycles`, " +
    "`appCopyPerByteCycles`) are not derived from the copy rate that gives the grant copy's (R3): that rate is " +
    "of one buffer in memory to another, as a grant copy moves a frame between two domains' pages that are " +
    "not in the copying core's own caches, while the guest copies between an application buffer that stays " +
    "in its caches and the socket's pages, through the kernel's user-copy routines, a case R3 did not measure;",
  "- `kthreadWakeCycles`, `rebindCycles`: no published measurement of their own was found;",
  "- `vfIrqInjectCycles`: a published figure ([sources.md](sources.md) P2, 2,000 cycles for the world switch " +
    "of one VM exit) bounds it from below (two exits, 4,000 cycles) but does not cover the handling in Xen.",
  "",
  "None of them is fitted instead. The suite has one training result that the CPU cost decides (the paper's " +
    "baseline, 2.2 Gb/s; its all-four point is capped by the wire and moves with no constant), and one result " +
    "determines one constant: `costs.bridgePacketCycles`, the one that point is most sensitive to (the sensitivity " +
    "tables below). A second fitted constant would need a second training result that depends on it " +
    "differently, taken from the held-out results; those are the suite's only evidence of prediction, and the " +
    "ones the model misses ([validation.md](validation.md)) miss for a mechanism, not for a constant, so " +
    "fitting to them would bend constants to cover a missing mechanism.",
].join("\n");

/**
 * The whole of docs/cost-model.md. `s`: sensitivity of the fitted constants; `all`: optionally,
 * the same for every cost constant (`pvnetsim sensitivity --all-costs`), shown for reference.
 */
export function costModelMarkdown(s: SensitivityReport | null, all: SensitivityReport | null = null): string {
  const params = costParams();
  const fitted = params.filter((p) => p.fitted);
  const touching = presetsTouchingCosts();
  const freq = PARAMS.find((p) => p.path === "cpu.frequencyGHz")?.default;
  const out: string[] = [];
  out.push("# The cost model");
  out.push("");
  out.push(
    "<!-- Generated by scripts/gen-cost-docs.mjs from src/config/params.ts and a sensitivity run; do not edit by " +
      "hand. " +
      "Regenerate: npm run build && node scripts/gen-cost-docs.mjs --all-costs -->",
  );
  out.push("");
  out.push(
    `Every piece of simulated work charges CPU cycles from one table of constants, the same for every scenario. ` +
      `Costs are in cycles of \`cpu.frequencyGHz\` (default ${String(freq)} GHz) and are charged to the VCPU that ` +
      `does the work, ` +
      `per packet, per byte, per batch, per hypercall, per event sent, or per interrupt or upcall taken. ` +
      `Source rows (A1, B10, K9, ...) are rows of [sources.md](sources.md); [I] marks a value inferred from ` +
      `reasoning, not read anywhere.`,
  );
  out.push("");
  out.push(
    `Presets change mechanisms and topology, never costs: presets that set a \`costs.*\` value: ` +
      `${touching.length ? touching.join(", ") : "none"} ` +
      `(checked from src/config/presets.ts when this file was generated).`,
  );
  out.push("");
  const basis = (b: string): number => params.filter((p) => costBasis(p) === b).length;
  out.push(
    `## Constants (${params.length}; ${basis("fitted")} fitted, ${basis("derived")} derived, ` +
      `${basis("judgement")} judgement)`,
  );
  out.push("");
  out.push(
    "Basis: *fitted* constants are fitted jointly, by least squares over log-errors, to the training results of " +
      "the validation " +
      'suite (`validation/*.json` with `"role": "training"`; `node scripts/fit-costs.mjs` does the fit and prints ' +
      "the training " +
      "and held-out errors apart); *derived* constants follow from a published measurement, converted to cycles at " +
      "the measuring CPU's clock, or from the code, each cited in its source; *judgement* constants are reasoned " +
      "values that no measurement read for this project determines. Their weight on the published points shows in " +
      "the sensitivity tables below.",
  );
  out.push("");
  out.push(JUDGEMENT_NOTE);
  out.push("");
  out.push(costTableMarkdown(params));
  out.push("");
  out.push(`## Sensitivity of the published points to the fitted constants`);
  out.push("");
  if (s === null) {
    out.push("Not computed (generated with --no-sensitivity). Run `pvnetsim sensitivity` for the table.");
  } else {
    out.push(
      `How the baseline (paper-baseline, paper: ${PAPER_FIGURES.baselineGbps.value} Gb/s) and all four techniques ` +
        `(paper-lro, paper: ${PAPER_FIGURES.allFourGbps.value} Gb/s) move when each ` +
        `fitted constant moves by -${Math.round(s.settings.delta * 100)}% and ` +
        `+${Math.round(s.settings.delta * 100)}%, every other parameter at its default ` +
        `(\`pvnetsim sensitivity${s.settings.allCosts ? " --all-costs" : ""}\`, pvnetsim ${s.version}). ` +
        `A change inside the base point's CI is noise, not sensitivity.`,
    );
    out.push("");
    out.push(sensitivityMarkdown(s));
  }
  if (all !== null) {
    out.push("");
    out.push("## Sensitivity to every cost constant (for reference)");
    out.push("");
    out.push(
      `The same for every \`costs.*\` constant, fitted or not (\`pvnetsim sensitivity --all-costs\`): which ` +
        `constants the two ` +
        `published points depend on, and so which inferred ([I]) values matter most if better sources turn up.`,
    );
    out.push("");
    out.push(sensitivityMarkdown(all));
  }
  out.push("");
  return out.join("\n");
}
