// The CLI side of the fuzz properties: a case run as `pvnetsim run FILE [--set ...] --json` ends
// with exit 0 and one JSON result, or exit 2 and exactly one error line naming the field; never a
// stack trace or another exit code.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * JSON text of a value, without recursion (inputs nest tens of thousands deep). Non-finite numbers,
 * which JSON cannot hold, are written as 1e999 / -1e999 (which parse back as +-Infinity) or null.
 */
function jsonText(value) {
  const out = [];
  const stack = [{ v: value }];
  while (stack.length > 0) {
    const top = stack.pop();
    if (top.text !== undefined) {
      out.push(top.text);
      continue;
    }
    const v = top.v;
    if (typeof v === "number") out.push(Number.isFinite(v) ? JSON.stringify(v) : Number.isNaN(v) ? "null" : v > 0 ? "1e999" : "-1e999");
    else if (v === null || v === undefined || typeof v === "function" || typeof v === "symbol") out.push("null");
    else if (typeof v !== "object") out.push(JSON.stringify(typeof v === "bigint" ? Number(v) : v));
    else if (Array.isArray(v)) {
      const items = [{ text: "]" }];
      for (let i = v.length - 1; i >= 0; i--) items.push({ v: v[i] }, ...(i > 0 ? [{ text: "," }] : []));
      stack.push(...items);
      out.push("[");
    } else {
      const keys = Object.keys(v);
      const items = [{ text: "}" }];
      for (let i = keys.length - 1; i >= 0; i--) items.push({ v: v[keys[i]] }, { text: `${i > 0 ? "," : ""}${JSON.stringify(keys[i])}:` });
      stack.push(...items);
      out.push("{");
    }
  }
  return out.join("");
}

/** Checks one case through the CLI; returns null when the properties hold, else what failed. */
export function checkCliCase(cliPath, c, { wallMs = 60_000 } = {}) {
  if (c.chunkEvents !== undefined && c.kind !== "valid") return null; // a library option, not a CLI one
  const dir = mkdtempSync(join(tmpdir(), "pvnetsim-fuzz-"));
  try {
    const args = ["run"];
    if (typeof c.input === "string") args.push(c.input);
    else {
      const f = join(dir, "case.json");
      writeFileSync(f, jsonText(c.input ?? null));
      args.push(f);
    }
    for (const [k, v] of Object.entries(c.overrides ?? {})) args.push("--set", `${k}=${typeof v === "string" ? v : jsonText(v)}`);
    args.push("--json");
    if (args.some((a) => a.includes("\0"))) return null; // not expressible as a command line
    const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: "utf8", timeout: wallMs, maxBuffer: 64 << 20 });
    if (r.error) return `CLI did not end within ${wallMs} ms (${r.error.message})`;
    const err = r.stderr.trim();
    if (/\n\s+at |RangeError|TypeError|RuntimeError|Maximum call stack/.test(r.stderr)) return `CLI printed an internal error: ${err.slice(0, 300)}`;
    if (r.status === 0) {
      try {
        const res = JSON.parse(r.stdout);
        if (res.state !== "completed") return `CLI exit 0 with state ${res.state}`;
      } catch {
        return "CLI exit 0 without a JSON result";
      }
      return null;
    }
    if (r.status === 1) return `CLI run failed: ${err.slice(0, 300)}`;
    if (r.status !== 2) return `CLI exit ${r.status} (signal ${r.signal}): ${err.slice(0, 300)}`;
    const lines = err.split("\n");
    if (lines.length !== 1) return `CLI error of ${lines.length} lines: ${err.slice(0, 300)}`;
    if (!/^pvnetsim: error: \S/.test(lines[0])) return `CLI error line malformed: ${lines[0].slice(0, 200)}`;
    if (lines[0].length > 1200) return `CLI error line of ${lines[0].length} characters`;
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
