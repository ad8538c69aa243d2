// Every source the product cites resolves inside the repository: each row id cited in assembly/,
// src/, bench/, scripts/, test/ or docs/ ("sources.md B7", "[G1, G2]", a parameter's source, a
// paper figure's row) is a row of docs/sources.md, and nothing points at files the repository does
// not ship.

import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { PARAMS } from "../../src/config/params.js";
import { PAPER_FIGURES } from "../../src/paper.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SCANNED = ["assembly", "src", "bench", "scripts", "test", "docs", "web", "README.md"];
const TEXT = /\.(ts|mts|mjs|js|c|h|sh|md|html|css)$/;

function files(path: string): string[] {
  const full = join(root, path);
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full).flatMap((f) => files(join(path, f)));
}

const ID = /\b([A-KTV])(\d{1,2})\b/g;
/** Ids in a citation text, with ranges such as "B1-B14" expanded. */
function citedIds(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\b([A-KTV])(\d{1,2})-([A-KTV])(\d{1,2})\b/g)) {
    expect(m[1], `range ${m[0]}`).toBe(m[3]);
    for (let i = Number(m[2]); i <= Number(m[4]); i++) out.push(`${m[1]}${i}`);
  }
  for (const m of text.matchAll(ID)) out.push(m[0]);
  return out;
}

const rows = new Set(
  [...readFileSync(join(root, "docs/sources.md"), "utf8").matchAll(/<a id="([A-Z]\d+)"><\/a>/g)].map((m) => m[1]!),
);

describe("docs/sources.md", () => {
  it("has a row with an anchor for each id, every id once", () => {
    const anchors = [...readFileSync(join(root, "docs/sources.md"), "utf8").matchAll(/<a id="([A-Z]\d+)"><\/a>/g)].map(
      (m) => m[1]!,
    );
    expect(anchors.length).toBeGreaterThan(80);
    expect(new Set(anchors).size).toBe(anchors.length);
  });

  it("resolves every row cited in the code, the tests and the docs", () => {
    const missing: string[] = [];
    let cited = 0;
    const check = (where: string, text: string): void => {
      for (const id of citedIds(text)) {
        cited++;
        if (!rows.has(id)) missing.push(`${where}: ${id}`);
      }
    };
    for (const f of SCANNED.flatMap(files).filter((f) => TEXT.test(f) && !f.startsWith("docs/sources.md"))) {
      readFileSync(join(root, f), "utf8")
        .split("\n")
        .forEach((line, i) => {
          // A citation: a line naming sources.md, or a bracketed list of ids such as [G1, G2].
          if (/sources\.md/.test(line)) check(`${f}:${i + 1}`, line.replace(/.*?sources\.md/, ""));
          for (const m of line.matchAll(/\[([A-KTV]\d{1,2}(?:(?:, |-)[A-KTV]\d{1,2})*)\]/g))
            check(`${f}:${i + 1}`, m[1]!);
        });
    }
    for (const p of PARAMS) check(`parameter ${p.path}`, `${p.source} ${p.fitted ?? ""}`);
    for (const [name, f] of Object.entries(PAPER_FIGURES)) check(`paper figure ${name}`, f.source);
    expect(missing).toEqual([]);
    expect(cited).toBeGreaterThan(100);
  });

  it("nothing in the product points at files outside the repository", () => {
    const outside =
      /calibration\.md|\bcalibration [A-K]\d|design\.md|\.\.\/shared\/|\bshared\/(bench|slurm|calibration)/;
    const hits = SCANNED.flatMap(files)
      .filter((f) => TEXT.test(f))
      .flatMap((f) =>
        readFileSync(join(root, f), "utf8")
          .split("\n")
          .map((line, i) =>
            outside.test(line) && !line.includes("outside = /") ? `${relative(root, join(root, f))}:${i + 1}` : null,
          )
          .filter((x): x is string => x !== null),
      );
    expect(hits).toEqual([]);
  });
});
