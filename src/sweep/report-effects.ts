// The main-effects section of `pvnetsim report`: for each metric a table ranking every axis by the
// share of the metric's variance it explains (with its effect in the metric's unit, the highest
// and lowest level, the strongest interactions and what is left), and one heat map of the shares.
// The numbers come from analysis.ts; this file only lays them out.

import type { MetricEffects } from "./analysis.js";
import { effectsChart, type EffectCell } from "./charts.js";
import type { MetricInfo } from "./metrics.js";
import { esc } from "./report-page.js";

/** A number for a table: 4 significant digits, no "-0", thousands not grouped. */
export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) < 5e-13) return "0";
  const a = Math.abs(v);
  const s = a >= 1e5 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(4);
  return String(Number(s)) === "0" ? "0" : s.includes("e") ? s : String(Number(s));
}

const pct = (x: number): string => {
  const p = Math.round(x * 1000) / 10;
  return `${p === 0 ? "0" : p.toFixed(1)}%`;
};

const TABLE_HEAD =
  "<tr><th>rank</th><th>axis</th><th>effect (spread of axis-level means)</th><th>share of variance</th>" +
  "<th>highest level (mean)</th><th>lowest level (mean)</th></tr>";

/** One metric's table: its axes ranked, then its interactions and the residual share. */
function effectsTable(e: MetricEffects, info: MetricInfo): string {
  const unit = info.unit ? ` ${esc(info.unit)}` : "";
  const rows = e.effects.map((a, rank) => {
    const ordered = [...a.levelMeans].sort((p, q) => q.mean - p.mean);
    const hiL = ordered[0];
    const loL = ordered[ordered.length - 1];
    const hi = hiL ? `${esc(hiL.level)} (${esc(fmtNum(hiL.mean))})` : "";
    const lo = loL ? `${esc(loL.level)} (${esc(fmtNum(loL.mean))})` : "";
    return (
      `<tr><td>${rank + 1}</td><td>${esc(a.axis)}</td><td class="num">${esc(fmtNum(a.spread))}${unit}</td>` +
      `<td class="num">${esc(pct(a.share))}</td><td>${hi}</td><td>${lo}</td></tr>`
    );
  });
  const inter = e.interactions.map(
    (i) =>
      `<tr class="pair"><td></td><td>${esc(i.axes[0])} × ${esc(i.axes[1])}</td><td class="num">(interaction)</td>` +
      `<td class="num">${esc(pct(i.share))}</td><td colspan="2"></td></tr>`,
  );
  const resid =
    `<tr class="pair"><td></td><td>replications and the rest</td><td></td>` +
    `<td class="num">${esc(pct(e.residualShare))}</td><td colspan="2"></td></tr>`;
  const caption = `${esc(info.title)}: mean ${esc(fmtNum(e.mean))}${unit}, sd ${esc(fmtNum(e.sd))}, ${e.n} runs`;
  return (
    `<table class="effects"><caption>${caption}</caption>${TABLE_HEAD}` +
    `${rows.join("")}${inter.join("")}${resid}</table>`
  );
}

/**
 * The main-effects summary (HTML): a table per metric (every axis ranked) and one heat map, or ""
 * when no metric has an effect to show. `runs` is the number of completed runs it is taken over.
 */
export async function effectsSection(
  effects: readonly MetricEffects[],
  infos: ReadonlyMap<string, MetricInfo>,
  runs: number,
): Promise<string> {
  const withEffects = effects.filter((e) => e.effects.length > 0);
  if (withEffects.length === 0) return "";
  const cells: EffectCell[] = [];
  const sources: string[] = [];
  for (const e of withEffects) {
    const col = infos.get(e.metric)!.label;
    for (const a of e.effects) {
      cells.push({ metric: col, source: a.axis, share: a.share });
      if (!sources.includes(a.axis)) sources.push(a.axis);
    }
  }
  const pairs: string[] = [];
  for (const e of withEffects) {
    for (const i of e.interactions) {
      const name = `${i.axes[0]} × ${i.axes[1]}`;
      if (!pairs.includes(name)) pairs.push(name);
    }
  }
  // Interactions of one metric's top pairs are shown for every metric that has them computed.
  for (const e of withEffects) {
    const col = infos.get(e.metric)!.label;
    for (const i of e.interactions) {
      cells.push({ metric: col, source: `${i.axes[0]} × ${i.axes[1]}`, share: i.share });
    }
  }
  sources.sort((a, b) => {
    const mean = (s: string): number => cells.filter((c) => c.source === s).reduce((t, c) => t + c.share, 0);
    return mean(b) - mean(a);
  });
  const columns = withEffects.map((e) => infos.get(e.metric)!.label);
  const heat = await effectsChart(cells, columns, [...sources, ...pairs]);
  const tables = withEffects.map((e) => effectsTable(e, infos.get(e.metric)!));
  const intro =
    "<p>For each metric, every axis is ranked by the share of the metric's variance it explains (the " +
    `between-level sum of squares over the total, over all ${runs} completed runs); its effect is the spread ` +
    "between its highest and lowest level mean, in the metric's unit. Interactions are what the strongest pairs " +
    "explain beyond their two main effects. Shares hold for the swept ranges only.</p>";
  return [
    "<h2>Main effects</h2>",
    intro,
    `<figure class="wide">${heat}</figure>`,
    `<div class="tables">${tables.join("\n")}</div>`,
  ].join("\n");
}
