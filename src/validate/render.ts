// Output of `pvnetsim validate`: the text table, validate.json, the simulated-against-published
// chart (one marker per numeric result on log-log axes, the y = x line, each result's tolerance
// as a band around its published value) and index.html with the table.

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatTable } from "../report/table.js";
import { renderSvg, type VegaLiteSpec } from "../report/charts.js";
import type { ResultRow, ValidateReport } from "./validate.js";

const pct = (x: number | null): string => (x === null ? "" : `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`);

function fmtNum(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3);
}

function simCell(r: ResultRow): string {
  if (r.status === "pending") return "pending";
  if (r.simulated === null) return r.erroredRuns ? `errored (${r.erroredRuns} runs)` : "n/a";
  if (typeof r.simulated === "string") return r.simulated;
  return r.ci95 === null ? fmtNum(r.simulated) : `${fmtNum(r.simulated)} +- ${fmtNum(r.ci95)}`;
}

/** "> " or "< " before an ordering result's published value. */
const relationMark = (r: ResultRow): string => (r.relation === "above" ? "> " : r.relation === "below" ? "< " : "");

/** The band a result is judged by: exact (categorical), the side of the published value (ordering), or +-N%. */
function toleranceCell(r: ResultRow): string {
  if (r.metric === "bottleneck") return "exact";
  if (r.relation) return r.relation;
  return `+-${(r.tolerance * 100).toFixed(0)}%`;
}

function withinCell(r: ResultRow): string {
  if (r.within === null) return "";
  return r.within ? "yes" : "NO";
}

export function tableRows(rep: ValidateReport, includePending: boolean): { header: string[]; rows: string[][] } {
  const header = [
    "result",
    "source",
    "published",
    "simulated (95% CI)",
    "error",
    "tolerance",
    "within",
    "fitted",
    "role",
  ];
  const rows = rep.rows
    .filter((r) => includePending || r.status === "runnable")
    .map((r) => [
      r.id,
      r.source,
      typeof r.published === "number" ? `${relationMark(r)}${fmtNum(r.published)} ${r.unit}` : r.published,
      simCell(r),
      pct(r.error),
      toleranceCell(r),
      withinCell(r),
      r.fitted ? `yes (${r.fitted.replace(/^costs\./, "")})` : "no",
      r.role,
    ]);
  return { header, rows };
}

function summaryLines(rep: ValidateReport): string[] {
  const c = rep.counts;
  const f = (x: number | null): string => (x === null ? "n/a" : `${(x * 100).toFixed(1)}%`);
  return [
    `${c.results} published results from ${c.sources} sources; ${c.runnable} runnable today (from ` +
      `${c.runnableSources} sources), ${c.pending} pending a mechanism`,
    `within tolerance: ${c.withinTolerance} of ${c.runnable} runnable; training ${c.trainingWithin} of ` +
      `${c.training}, held out ${c.heldOutWithin} of ${c.heldOut}`,
    `rms log error (numeric results, not orderings): training ${f(rep.rmsLogError.training)}, ` +
      `held out ${f(rep.rmsLogError.heldOut)}`,
  ];
}

export function renderValidateText(rep: ValidateReport): string {
  const out: string[] = [];
  out.push(
    `pvnetsim ${rep.versions.pvnetsim} validate: ${rep.seeds.length} seed(s) per scenario (${rep.seeds.join(", ")})` +
      `${rep.modelFingerprint ? `, model fingerprint ${rep.modelFingerprint}` : ""}`,
  );
  out.push("");
  const { header, rows } = tableRows(rep, false);
  out.push(formatTable([header, ...rows], (i) => i >= 2 && i <= 5));
  out.push("");
  out.push("bottleneck of each runnable result's scenario (seed 1):");
  for (const r of rep.rows.filter((x) => x.status === "runnable")) out.push(`  ${r.id}: ${r.bottlenecks[0] ?? "n/a"}`);
  out.push("");
  out.push("pending a mechanism (listed, not run, not counted):");
  for (const r of rep.rows.filter((x) => x.status === "pending")) {
    const pub = typeof r.published === "number" ? `${fmtNum(r.published)} ${r.unit}` : r.published;
    out.push(`  ${r.id} (${r.source}, ${pub}): needs ${r.pendingMechanism}`);
  }
  out.push("");
  out.push(...summaryLines(rep));
  return out.join("\n");
}

/** Vega-Lite spec of the simulated-against-published chart (numeric runnable results). */
export function validateChartSpec(rep: ValidateReport): VegaLiteSpec {
  const pts = rep.rows
    .filter((r) => r.status === "runnable" && typeof r.simulated === "number" && typeof r.published === "number")
    .map((r) => {
      const p = r.published as number;
      const s = r.simulated as number;
      return {
        id: r.id,
        published: p,
        simulated: s,
        lo: p * (1 - r.tolerance),
        hi: p * (1 + r.tolerance),
        ciLo: r.ci95 === null ? s : s - r.ci95,
        ciHi: r.ci95 === null ? s : s + r.ci95,
        unit: r.unit,
        role: r.role === "training" ? "training" : "held out",
        within: r.within ? "within tolerance" : "outside tolerance",
      };
    });
  const all = pts.flatMap((p) => [p.published, p.simulated, p.lo, p.hi]);
  const lo = Math.max(1e-3, Math.min(...all) / 1.3);
  const hi = Math.max(...all) * 1.3;
  const scale = { type: "log", domain: [lo, hi], nice: false };
  const diag = [
    { x: lo, y: lo },
    { x: hi, y: hi },
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Simulated against published, one marker per result",
      subtitle: [
        "dashed: y = x; pale bar: the result's tolerance around its published value",
        `whisker: 95% CI over ${rep.seeds.length} seed(s); each result in its own unit (Gb/s or a ratio)`,
      ],
      anchor: "start",
    },
    width: 520,
    height: 520,
    layer: [
      {
        data: { values: diag },
        mark: { type: "line", color: "#888", strokeDash: [4, 4] },
        encoding: {
          x: { field: "x", type: "quantitative", scale, title: "published value (unit of each result)" },
          y: { field: "y", type: "quantitative", scale, title: "simulated value (same unit)" },
        },
      },
      {
        data: { values: pts },
        mark: { type: "rule", strokeWidth: 8, opacity: 0.25, color: "#2a7ab9" },
        encoding: {
          x: { field: "published", type: "quantitative", scale },
          y: { field: "lo", type: "quantitative", scale },
          y2: { field: "hi" },
        },
      },
      {
        data: { values: pts },
        mark: { type: "rule", color: "#333" },
        encoding: {
          x: { field: "published", type: "quantitative", scale },
          y: { field: "ciLo", type: "quantitative", scale },
          y2: { field: "ciHi" },
        },
      },
      {
        data: { values: pts },
        mark: { type: "point", filled: true, size: 90 },
        encoding: {
          x: { field: "published", type: "quantitative", scale },
          y: { field: "simulated", type: "quantitative", scale },
          color: {
            field: "within",
            type: "nominal",
            title: "result",
            scale: { domain: ["within tolerance", "outside tolerance"], range: ["#1a7f37", "#cf222e"] },
          },
          shape: { field: "role", type: "nominal", title: "role" },
          tooltip: [{ field: "id" }, { field: "published" }, { field: "simulated" }, { field: "unit" }],
        },
      },
      {
        data: { values: pts },
        mark: { type: "text", align: "left", dx: 7, dy: -7, fontSize: 10 },
        encoding: {
          x: { field: "published", type: "quantitative", scale },
          y: { field: "simulated", type: "quantitative", scale },
          text: { field: "id" },
        },
      },
    ],
  };
}

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

export function renderValidateHtml(rep: ValidateReport, chartFile: string, jsonFile: string): string {
  const { header, rows } = tableRows(rep, true);
  const body = rows
    .map((row, i) => {
      const r = rep.rows[i]!;
      const cls = r.within === true ? "pass" : r.within === false ? "fail" : "pending";
      return `<tr class="${cls}">${row.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`;
    })
    .join("\n");
  const detail = rep.rows
    .map(
      (r) => `<details id="${esc(r.id)}"><summary><b>${esc(r.id)}</b>: ${esc(r.title)}</summary>
<p><b>Source</b>: ${esc(r.citation)}, ${esc(r.where)} (<a href="${esc(r.url)}">${esc(r.url)}</a>; docs/sources.md row
${esc(r.row)}).</p>
<p><b>Compared</b>: ${esc(r.compare)}</p>
<p><b>Tolerance</b> ${toleranceCell(r)}:
${esc(r.toleranceWhy)}</p>
${
  r.pendingMechanism
    ? `<p><b>Pending</b>: needs ${esc(r.pendingMechanism)}.</p>`
    : `<p><b>Per seed</b>: ` +
      `${esc(r.perSeed.map((x) => (typeof x === "number" ? fmtNum(x) : x)).join(", "))}; <b>bottleneck</b>: ` +
      `${esc(r.bottlenecks.join(" / "))}</p>`
}
<ul>${r.testbed.map((t) => `<li>[${t.status}] ${esc(t.fact)}</li>`).join("")}</ul></details>`,
    )
    .join("\n");
  const fingerprintNote = rep.modelFingerprint ? `, model fingerprint ${esc(rep.modelFingerprint)}` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pvnetsim validate: published results</title>
<style>
body { font-family: sans-serif; margin: 2em; max-width: 80em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; }
th { background: #f3f3f3; }
tr.pass td:nth-child(7) { color: #1a7f37; font-weight: bold; }
tr.fail td:nth-child(7) { color: #cf222e; font-weight: bold; }
tr.pending td { color: #777; }
img { max-width: 100%; border: 1px solid #eee; }
details { margin: 0.4em 0; } details p, details ul { margin: 0.3em 0 0.3em 1.5em; font-size: 0.9em; }
</style>
</head>
<body>
<h1>Validation against published results</h1>
<p>pvnetsim ${esc(rep.versions.pvnetsim)}${fingerprintNote};
${rep.seeds.length} seed(s) per scenario; mean with its 95% confidence interval (Student t).
Raw numbers: <a href="${esc(jsonFile)}">${esc(jsonFile)}</a>.</p>
<ul>${summaryLines(rep)
    .map((l) => `<li>${esc(l)}</li>`)
    .join("")}</ul>
<p><a href="${esc(chartFile)}"><img src="${esc(chartFile)}" alt="simulated against published"></a></p>
<h2>Results</h2>
<table id="results">
<thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>
<tbody>
${body}
</tbody>
</table>
<p>Training results are the ones cost constants are fitted to (a calibration guard, not evidence); held-out results were
not used for any constant.
Categorical results compare the run's bottleneck diagnosis with the source's statement.</p>
<h2>Each result</h2>
${detail}
</body>
</html>
`;
}

export async function writeValidateOutputs(rep: ValidateReport, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const chart = "simulated-vs-published.svg";
  await writeFile(join(dir, chart), await renderSvg(validateChartSpec(rep)));
  await writeFile(join(dir, "validate.json"), JSON.stringify(rep, null, 2) + "\n");
  await writeFile(join(dir, "index.html"), renderValidateHtml(rep, chart, "validate.json"));
  return [join(dir, chart), join(dir, "validate.json"), join(dir, "index.html")];
}
