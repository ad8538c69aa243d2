// The host/Wasm ABI cannot drift: every config slot is written exactly once (by one parameter,
// one derived value or one table offset), a slot nobody writes is refused at pack time, a new
// slot moves the tables instead of overwriting them, and enum codes come from src/abi/enums.ts.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as L from "../dist/src/abi/layout.js";
import * as E from "../dist/src/abi/enums.js";
import { PARAMS, type ParamSpec } from "../dist/src/config/params.js";
import { packConfig, CFG_SLOTS, DERIVED_SLOTS, encodeParam } from "../dist/src/config/pack.js";
import { resolveConfig, root } from "./helpers.js";

const TABLE_OFFSETS = Object.entries(CFG_SLOTS).filter(([k]) => k.startsWith("CFG_OFF_"));

describe("config slots", () => {
  it("have unique numbers 0..CFG_COUNT-1, and CFG_COUNT (read by the model) is their number", () => {
    const nums = Object.values(CFG_SLOTS).sort((a, b) => a - b);
    expect(nums).toEqual(Array.from({ length: nums.length }, (_, i) => i));
    expect(L.CFG_COUNT).toBe(nums.length);
  });

  it("each have exactly one writer: a parameter, a derived value or a table offset", () => {
    const writers = new Map<number, string[]>();
    const add = (slot: number, who: string): void => void writers.set(slot, [...(writers.get(slot) ?? []), who]);
    for (const p of PARAMS) if (p.slot !== undefined) add(p.slot, p.path);
    for (const [slot] of DERIVED_SLOTS) add(slot, "derived");
    for (const [name, slot] of TABLE_OFFSETS) add(slot, name);
    for (const [name, slot] of Object.entries(CFG_SLOTS)) expect(writers.get(slot), name).toHaveLength(1);
    expect([...writers.keys()].every((s) => Object.values(CFG_SLOTS).includes(s))).toBe(true);
  });

  it("each parameter says how it reaches the model: a slot, a cost index, or why neither", () => {
    for (const p of PARAMS) {
      const ways = [p.slot !== undefined, p.cost !== undefined, p.via !== undefined].filter(Boolean);
      expect(ways, p.path).toHaveLength(1);
      if (p.encoding !== undefined) expect(p.slot, `${p.path} has an encoding but no slot`).toBeDefined();
    }
  });

  it("cost indices are unique and cover the cost table", () => {
    const idx = PARAMS.filter((p) => p.cost !== undefined).map((p) => p.cost!).sort((a, b) => a - b);
    expect(idx).toEqual(Array.from({ length: L.COST_COUNT }, (_, i) => i));
  });

  it("every allowed value of an enum parameter has a code, and codes are distinct", () => {
    const enumCodes = new Set<number>(Object.values(E));
    for (const p of PARAMS.filter((q) => q.kind === "enum" && q.slot !== undefined)) {
      const enc = p.encoding as { codes: Record<string, number> };
      expect(Object.keys(enc.codes).sort(), p.path).toEqual([...p.values!].sort());
      const codes = Object.values(enc.codes);
      expect(new Set(codes).size, p.path).toBe(codes.length);
      for (const c of codes) expect(enumCodes.has(c), `${p.path}: code ${c} is not from src/abi/enums.ts`).toBe(true);
    }
  });

  it("times become cycles from the parameter's own unit", () => {
    const spec = (unit: string): ParamSpec => ({
      path: "t",
      kind: "number",
      default: 0,
      unit,
      help: "",
      source: "",
      slot: 0,
      encoding: "cycles",
    });
    expect(encodeParam(spec("ms"), 1.5, 2e9)).toBe(3e6);
    expect(encodeParam(spec("us"), 1.5, 2e9)).toBe(3e3);
    expect(encodeParam(spec("ns"), 1.5, 2e9)).toBe(3);
    expect(() => encodeParam(spec("bytes"), 1, 2e9)).toThrow(/not a time unit/);
    for (const p of PARAMS.filter((q) => q.encoding === "cycles")) {
      expect(["s", "ms", "us", "ns"], p.path).toContain(p.unit);
    }
  });
});

describe("packConfig", () => {
  const cfg = resolveConfig("paper-lro", {
    "traffic.udp": [{ guest: 1, ratePps: 1000, process: "poisson", payloadBytes: 100 }],
    "nic.itr.mode": "fixed",
  });

  it("leaves no slot and no table entry unset", () => {
    const b = packConfig(cfg);
    expect(b.some(Number.isNaN)).toBe(false);
    expect(b[L.CFG_ITR_MODE]).toBe(E.ITR_MODE_FIXED);
    expect(b[L.CFG_DISPATCH]).toBe(E.DISPATCH_GROUP_AFFINE);
    expect(b[b[L.CFG_OFF_UDP]! + L.UDP_PROCESS]).toBe(E.UDP_PROCESS_POISSON);
  });

  it("refuses a slot that no parameter writes, naming it", () => {
    const forgot = PARAMS.map((p) => (p.path === "tcp.sack" ? { ...p, slot: undefined } : p));
    expect(() => packConfig(cfg, forgot)).toThrow(/config slot \d+ \(CFG_TCP_SACK\) was not written/);
  });

  it("refuses a cost that no parameter writes", () => {
    const forgot = PARAMS.filter((p) => p.path !== "costs.timerCycles");
    expect(() => packConfig(cfg, forgot)).toThrow(/config table CFG_OFF_COST entry \d+ was not written/);
  });

  it("refuses a slot written twice", () => {
    const twice = PARAMS.map((p) => (p.path === "tcp.sack" ? { ...p, slot: L.CFG_MTU } : p));
    expect(() => packConfig(cfg, twice)).toThrow(/written twice/);
  });

  it("a new slot (even with CFG_COUNT not bumped) moves the tables instead of overlapping them", () => {
    const next = Math.max(...Object.values(CFG_SLOTS)) + 1;
    const slots = { ...CFG_SLOTS, CFG_NEW_THING: next };
    // Declared in the layout but written by nobody: refused.
    expect(() => packConfig(cfg, PARAMS, slots)).toThrow(/config slot \d+ \(CFG_NEW_THING\) was not written/);
    // Written by a parameter: the tables start one slot later and keep their contents.
    const params = [...PARAMS, { ...PARAMS.find((p) => p.path === "tcp.mtuBytes")!, slot: next }];
    const b = packConfig(cfg, params, slots);
    const a = packConfig(cfg);
    expect(b[next]).toBe(cfg.tcp.mtuBytes);
    for (const [name, slot] of TABLE_OFFSETS) expect(b[slot], name).toBe(a[slot]! + 1);
    expect(Array.from(b.subarray(next + 1))).toEqual(Array.from(a.subarray(next)));
  });
});

describe("WasmExports", () => {
  it("is generated from what asc emitted, and names exactly what both builds export", async () => {
    const gen = join(root, "scripts", "gen-wasm-exports.mjs");
    const check = spawnSync(process.execPath, [gen, "--check"], { encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    const source = readFileSync(join(root, "src", "abi", "wasm-exports.ts"), "utf8");
    const declared = [...source.matchAll(/^ {2}(?:readonly )?(\w+)[(:]/gm)].map((m) => m[1]).sort();
    expect(declared).toContain("simRun");
    for (const file of ["pvnetsim.wasm", "pvnetsim.debug.wasm"]) {
      const mod = await WebAssembly.compile(readFileSync(join(root, "build", file)));
      expect(WebAssembly.Module.exports(mod).map((e) => e.name).sort(), file).toEqual(declared);
    }
  });
});

/** The model's source (assembly/ without the benchmark drivers), imports and comments removed. */
function modelSource(): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== "bench") walk(p);
      else if (e.isFile() && e.name.endsWith(".ts")) files.push(p);
    }
  };
  walk(join(root, "assembly"));
  return files
    .map((f) => readFileSync(f, "utf8"))
    .join("\n")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/import\s*\{[^}]*\}\s*from\s*"[^"]*";/g, "");
}

const layoutNames = (prefix: string): string[] =>
  Object.keys(L).filter((k) => k.startsWith(prefix) && k !== `${prefix}COUNT`);
const uses = (src: string, name: string): number => src.match(new RegExp(`\\b${name}\\b`, "g"))?.length ?? 0;

describe("costs and counters", () => {
  const model = modelSource();

  // The cost table is read through cost(i) (f64), costCycles(i) (whole cycles) and costTimes(i, n)
  // (n times, in whole cycles): assembly/config.ts.
  it("each cost has one parameter and is charged by the model, always through cost(COST_*) or its whole-cycle forms", () => {
    for (const name of layoutNames("COST_")) {
      const idx = (L as Record<string, unknown>)[name] as number;
      expect(PARAMS.filter((p) => p.cost === idx).map((p) => p.path), name).toHaveLength(1);
      const charged = model.match(new RegExp(`\\bcost(Cycles|Times)?\\(${name}\\b`, "g"))?.length ?? 0;
      expect(charged, `${name} is never charged`).toBeGreaterThan(0);
    }
    // A cost read with a computed index would escape the check above.
    const reads = [...model.matchAll(/\bcost(?:Cycles|Times)?\(([^,)]*)[,)]/g)].map((m) => m[1]!.trim());
    expect(reads.filter((a) => !/^COST_[A-Z0-9_]+$/.test(a) && a !== "i: i32")).toEqual([]);
  });

  it("each counter is kept by the model and either reported in the result or marked internal", async () => {
    const { EVENT_COUNTERS, DROP_COUNTERS, INTERNAL_COUNTERS } = await import("../dist/src/report/stats.js");
    const { COMPONENT_NAMES } = await import("../dist/src/report/components.js");
    // Where the result is built from the counters: the run driver and the derived formulas.
    const builder = ["src/run/simulate.ts", "src/run/build-result.ts", "src/report/counters.ts"].map((f) => readFileSync(join(root, f), "utf8")).join("\n");
    const tabled = new Set([...EVENT_COUNTERS, ...DROP_COUNTERS].map((c) => c.slot));
    const internal = new Set(INTERNAL_COUNTERS.map((c) => c.slot));
    for (const name of [...layoutNames("ST_"), ...layoutNames("GS_")]) {
      const slot = (L as Record<string, unknown>)[name] as number;
      expect(uses(model, name), `${name} is never written by the model`).toBeGreaterThan(0);
      const reported = (name.startsWith("ST_") && tabled.has(slot)) || uses(builder, `L\\.${name}`) > 0;
      const marked = name.startsWith("ST_") && internal.has(slot);
      expect(reported !== marked, `${name}: ${reported ? "reported and marked internal" : "neither reported nor marked internal"}`).toBe(true);
    }
    // The debug build's conservation check at chunk ends counts the same drops as the result.
    const engine = readFileSync(join(root, "assembly", "model", "conservation.ts"), "utf8");
    const check = engine.slice(engine.indexOf("function checkConservation"));
    const modelDrops = [...check.matchAll(/L\.(ST_DROP_\w+)/g)].map((m) => (L as Record<string, unknown>)[m[1]!]);
    expect(new Set(modelDrops)).toEqual(new Set(DROP_COUNTERS.map((c) => c.slot)));
    for (const name of layoutNames("COMP_")) {
      expect(uses(model, name), `${name} is never charged`).toBeGreaterThan(0);
      expect(COMPONENT_NAMES[(L as Record<string, unknown>)[name] as number], name).toBeTruthy();
    }
  });
});
