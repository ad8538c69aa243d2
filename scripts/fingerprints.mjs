#!/usr/bin/env node
// Regression fingerprints: runs every case of test/fingerprints.csv and compares (or re-records)
// the event-sequence fingerprint and the event count of each. The rule for when to re-record is in
// docs/fingerprints.md. Used by test/model/fingerprint.test.ts and from the command line:
//
//   npm run build && node scripts/fingerprints.mjs            # check; exit 1 and a diff when any differs
//   npm run build && node scripts/fingerprints.mjs --record   # rewrite the recorded columns

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { simulate } from "../dist/src/node.js";
import { resolveConfig } from "../dist/src/config/schema.js";

export const CSV_PATH = fileURLToPath(new URL("../test/fingerprints.csv", import.meta.url));
const COLUMNS = ["name", "preset", "seed", "warmupMs", "durationMs", "set", "events", "fingerprint"];

/** Splits one CSV line; fields may be double-quoted (with "" for a quote inside). */
function splitCsv(line) {
  const out = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") out.push(cur), (cur = "");
    else cur += ch;
  }
  out.push(cur);
  return out;
}

const quote = (f) => (/[",]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);

/** The file as { comments, cases }; each case keeps its recorded events and fingerprint. */
export function readCases(path = CSV_PATH) {
  const lines = readFileSync(path, "utf8").split("\n");
  const comments = lines.filter((l) => l.startsWith("#"));
  const rows = lines.filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const header = splitCsv(rows[0]);
  if (header.join(",") !== COLUMNS.join(",")) throw new Error(`${path}: header must be ${COLUMNS.join(",")}`);
  const cases = rows.slice(1).map((l, i) => {
    const f = splitCsv(l);
    if (f.length !== COLUMNS.length) throw new Error(`${path}: row ${i + 2} has ${f.length} fields, expected ${COLUMNS.length}`);
    const c = Object.fromEntries(COLUMNS.map((k, j) => [k, f[j]]));
    return { ...c, seed: Number(c.seed), warmupMs: Number(c.warmupMs), durationMs: Number(c.durationMs) };
  });
  const names = new Set();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`${path}: case name "${c.name}" appears twice`);
    names.add(c.name);
  }
  return { comments, cases };
}

/** `path=value` pairs separated by spaces; a value is JSON when it parses as JSON. */
export function parseSet(set) {
  const out = {};
  for (const pair of set.split(" ").filter(Boolean)) {
    const eq = pair.indexOf("=");
    const raw = pair.slice(eq + 1);
    let v = raw;
    try {
      v = JSON.parse(raw);
    } catch {
      v = raw;
    }
    out[pair.slice(0, eq)] = v;
  }
  return out;
}

/** Runs one case; returns what the file records for it. */
export async function runCase(c) {
  const cfg = resolveConfig(c.preset, { ...parseSet(c.set), seed: c.seed, warmupMs: c.warmupMs, durationMs: c.durationMs });
  const r = await simulate(cfg);
  if (r.state !== "completed") throw new Error(`fingerprint case ${c.name}: run ${r.state}: ${r.error}`);
  return { events: String(r.perf.eventsProcessed), fingerprint: r.fingerprint };
}

function write(path, comments, cases) {
  const body = cases.map((c) => COLUMNS.map((k) => quote(String(c[k]))).join(","));
  writeFileSync(path, [...comments, COLUMNS.join(","), ...body, ""].join("\n"));
}

async function main() {
  const record = process.argv.includes("--record");
  const { comments, cases } = readCases();
  let changed = 0;
  for (const c of cases) {
    const got = await runCase(c);
    const same = got.events === c.events && got.fingerprint === c.fingerprint;
    if (!same) {
      changed++;
      console.log(`${c.name}: events ${c.events || "-"} -> ${got.events}, fingerprint ${c.fingerprint || "-"} -> ${got.fingerprint}`);
    }
    Object.assign(c, got);
  }
  if (record) {
    write(CSV_PATH, comments, cases);
    console.log(`recorded ${cases.length} cases (${changed} changed) in test/fingerprints.csv`);
  } else {
    console.log(changed === 0 ? `all ${cases.length} fingerprints match` : `${changed} of ${cases.length} fingerprints differ`);
    if (changed > 0) process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`fingerprints: ${e.message}`);
    process.exitCode = 2;
  });
}
