#!/usr/bin/env node
// Source habits that neither tsc nor Biome checks: no line in src/ longer than 120 characters and
// no file in src/ or assembly/ longer than 400 lines. Files listed below are known exceptions, each with the
// reason; a listed file that meets the limit again must leave the list (the check says so), so the
// lists only shrink. Run by test/habits.test.ts (part of `npm test`); by hand: node scripts/check-source.mjs

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const MAX_LINE = 120;
export const MAX_LINES = 400;

/** Files whose long lines are not wrapped yet, each with the reason. */
export const LONG_LINES_ALLOWED = new Map([]);

/** Files over MAX_LINES lines, each with the reason. */
export const LONG_FILES_ALLOWED = new Map();

function files(dir) {
  return readdirSync(join(root, dir)).flatMap((f) => {
    const p = join(dir, f);
    return statSync(join(root, p)).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Problems found, one line each (empty when the tree meets both limits). */
export function checkSource() {
  const problems = [];
  for (const f of [...files("src"), ...files("assembly")]) {
    const lines = readFileSync(join(root, f), "utf8").split("\n");
    if (lines.at(-1) === "") lines.pop();
    // Line length is a rule of the host code; the AssemblyScript keeps its own layout.
    const long = f.startsWith("src/") ? lines.flatMap((l, i) => (l.length > MAX_LINE ? [i + 1] : [])) : [];
    if (long.length > 0 && !LONG_LINES_ALLOWED.has(f)) {
      problems.push(`${f}: ${long.length} line(s) over ${MAX_LINE} characters (lines ${long.slice(0, 8).join(", ")})`);
    } else if (long.length === 0 && LONG_LINES_ALLOWED.has(f)) {
      problems.push(`${f}: no line over ${MAX_LINE} characters any more; remove it from LONG_LINES_ALLOWED`);
    }
    if (lines.length > MAX_LINES && !LONG_FILES_ALLOWED.has(f)) {
      problems.push(`${f}: ${lines.length} lines, over ${MAX_LINES}: split it by concern`);
    } else if (lines.length <= MAX_LINES && LONG_FILES_ALLOWED.has(f)) {
      problems.push(`${f}: ${lines.length} lines now; remove it from LONG_FILES_ALLOWED`);
    }
  }
  for (const f of [...LONG_LINES_ALLOWED.keys(), ...LONG_FILES_ALLOWED.keys()]) {
    try {
      statSync(join(root, f));
    } catch {
      problems.push(`${f}: listed as an exception but does not exist; remove it from the list`);
    }
  }
  return problems;
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === "") {
  const problems = checkSource();
  for (const p of problems) process.stderr.write(`check-source: ${p}\n`);
  process.exit(problems.length > 0 ? 1 : 0);
}
