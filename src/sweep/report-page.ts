// The HTML page of `pvnetsim report`: the page around the summary table, notes, errored points,
// main effects and charts, its style sheet, and HTML escaping. What goes in each part is decided
// by report.ts and report-effects.ts.

/** Text made safe for HTML element content and attribute values. */
export const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The page's style sheet, one rule a line here, on one line in the page. */
const STYLE = [
  "body{font-family:system-ui,sans-serif;margin:2em;max-width:1500px}",
  "figure{display:inline-block;margin:0 1em 1.5em 0;vertical-align:top}",
  "figure.wide{display:block}",
  "figcaption{font-size:.85em;color:#555;max-width:520px}",
  "table{border-collapse:collapse;margin:0 1.5em 1em 0}",
  "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;font-size:.9em}",
  "td.num{text-align:right;font-variant-numeric:tabular-nums}",
  "tr.pair td{color:#555;font-style:italic}",
  "caption{text-align:left;font-weight:600;padding:.3em 0}",
  ".tables{display:flex;flex-wrap:wrap;align-items:flex-start}",
  ".note{background:#fff6d5;border-left:4px solid #e0b000;padding:.4em .8em}",
].join("");

export interface ReportPage {
  title: string;
  /** Rows of the summary table: [what, value]. */
  summary: [string, string][];
  notes: string[];
  /** Table rows (HTML) of the errored points; no section when empty. */
  errRows: string[];
  /** The main-effects section (HTML), or "". */
  effectsHtml: string;
  /** One figure (HTML) per chart. */
  sections: string[];
}

/** The whole page, as HTML text. */
export function reportPage(p: ReportPage): string {
  const errored = p.errRows.length
    ? `<h2>Errored points</h2><table><tr><th>point</th><th>axes</th><th>error</th></tr>${p.errRows.join("")}</table>`
    : "";
  return (
    [
      "<!doctype html>",
      `<html lang="en"><head><meta charset="utf-8"><title>${esc(p.title)}</title>`,
      `<style>${STYLE}</style>`,
      "</head><body>",
      `<h1>${esc(p.title)}</h1>`,
      `<table>${p.summary.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table>`,
      '<p>Data: <a href="results.csv">results.csv</a> (one row per point) and ' +
        '<a href="results-long.csv">results-long.csv</a> (one row per point and metric, with units).</p>',
      p.notes.map((n) => `<p class="note">${esc(n)}</p>`).join("\n"),
      errored,
      p.effectsHtml,
      "<h2>Charts</h2>",
      p.sections.join("\n"),
      "</body></html>",
    ].join("\n") + "\n"
  );
}
