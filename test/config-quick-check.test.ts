// The quick check of configurations (src/config/quick-check.ts) gives zod's answer: for configs
// drawn from every preset and changed at random (values at, inside and outside each parameter's
// bounds, of other types, null, missing fields, unknown keys, UDP sources and traffic profiles of
// every kind with fields added, dropped and set wrong), the quick check passes exactly what the
// zod schemas pass, for whole config files, for complete configurations and for single values.
// A config it passes builds no zod schema, so a quick check that passed too much would let bad
// input through.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PARAMS, type ParamSpec } from "../dist/src/config/params.js";
import { PRESETS } from "../dist/src/config/presets.js";
import { resolveConfig } from "../dist/src/config/schema.js";
import { configInputSchema, configResolvedSchema, paramSchemaAt } from "../dist/src/config/schemas.js";
import { configInputOk, configResolvedOk, paramValueOk } from "../dist/src/config/quick-check.js";
import { PROFILE_KEYS } from "../dist/src/config/items.js";
import { PROFILE_KINDS } from "../dist/src/config/types.js";

type Obj = Record<string, unknown>;

const ODD: unknown[] = [
  null,
  undefined,
  true,
  false,
  "1",
  "",
  NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  -(2 ** 53),
  0.5,
  -1,
  0,
  1,
  [],
  {},
  [0],
  [-1],
  [1.5],
  [[0, 1]],
  [[-1]],
  [null],
];

/** Values at, inside and just outside the parameter's bounds, and its allowed words. */
function near(p: ParamSpec): unknown[] {
  const out: unknown[] = [p.default];
  for (const b of [p.min, p.gt, p.max, p.lt])
    if (b !== undefined) out.push(b, b - 1, b + 1, b - 1e-9, b + 1e-9, b + 0.5);
  if (p.values) out.push(...p.values, `${p.values[0]}x`, p.values[0]!.toUpperCase());
  return out;
}

const udp = fc.record(
  {
    guest: fc.constantFrom(0, 1, -1, 1.5, "0", null),
    ratePps: fc.constantFrom(1, 1e5, 0, -1, Infinity, "1"),
    process: fc.constantFrom("constant", "poisson", "Poisson", 1),
    payloadBytes: fc.constantFrom(1, 1472, 65507, 65508, 0, 2.5),
    extra: fc.constantFrom(1, "x"),
  },
  { requiredKeys: [] },
);

const profile = fc
  .tuple(
    fc.constantFrom(...PROFILE_KINDS, "tcp", undefined, 3),
    fc.subarray(PROFILE_KEYS.filter((k) => k !== "kind")),
    fc.array(
      fc.constantFrom(
        0,
        1,
        2,
        1024,
        1025,
        1e7,
        1e6 + 1,
        -1,
        0.5,
        "1",
        null,
        [0],
        [],
        [1, 2],
        [-1],
        [0.5],
        "poisson",
        "constant",
        "x",
      ),
      { minLength: 12, maxLength: 12 },
    ),
  )
  .map(([kind, keys, vals]) => {
    const o: Obj = {};
    if (kind !== undefined) o["kind"] = kind;
    keys.forEach((k, i) => {
      o[k] = vals[i % vals.length];
    });
    // Mostly valid guests, so that the other fields decide.
    if (Array.isArray(o["guests"]) || o["guests"] === undefined) o["guests"] = [0];
    return o;
  });

/** A change to a config object. */
const change = fc.oneof(
  fc.record({ op: fc.constant("set"), i: fc.nat(PARAMS.length - 1), j: fc.nat(60), odd: fc.boolean() }),
  fc.record({ op: fc.constant("drop"), i: fc.nat(PARAMS.length - 1) }),
  fc.record({ op: fc.constant("unknown"), i: fc.nat(PARAMS.length - 1), depth: fc.nat(3) }),
  fc.record({ op: fc.constant("udp"), list: fc.array(udp, { maxLength: 3 }) }),
  fc.record({ op: fc.constant("profiles"), list: fc.array(profile, { maxLength: 3 }) }),
);

function setAt(o: Obj, path: string[], v: unknown, drop = false): void {
  let node = o;
  for (const k of path.slice(0, -1)) {
    if (node[k] === null || typeof node[k] !== "object") node[k] = {};
    node = node[k] as Obj;
  }
  if (drop) delete node[path[path.length - 1]!];
  else node[path[path.length - 1]!] = v;
}

function apply(
  o: Obj,
  c: { op: string; i?: number; j?: number; odd?: boolean; depth?: number; list?: unknown[] },
): void {
  const p = PARAMS[c.i ?? 0]!;
  const path = p.path.split(".");
  if (c.op === "set") {
    const pool = c.odd ? ODD : near(p);
    setAt(o, path, structuredClone(pool[c.j! % pool.length]));
  } else if (c.op === "drop") setAt(o, path, undefined, true);
  else if (c.op === "unknown") setAt(o, [...path.slice(0, Math.min(c.depth!, path.length - 1)), "notAParameter"], 1);
  else if (c.op === "udp") setAt(o, ["traffic", "udp"], c.list);
  else setAt(o, ["traffic", "profiles"], c.list);
}

const presetNames = Object.keys(PRESETS);

describe("the quick check of configurations", () => {
  it("passes exactly what zod passes: complete configurations and config files", () => {
    let passed = 0;
    let failed = 0;
    fc.assert(
      fc.property(fc.nat(presetNames.length - 1), fc.array(change, { minLength: 1, maxLength: 4 }), (pi, changes) => {
        const full = JSON.parse(JSON.stringify(resolveConfig(presetNames[pi]!))) as Obj;
        delete full["preset"];
        for (const c of changes) apply(full, c);
        const resolved = configResolvedSchema().safeParse(full).success;
        expect(configResolvedOk(full), JSON.stringify(changes)).toBe(resolved);
        const file = { preset: presetNames[pi], ...full };
        const input = configInputSchema().safeParse(file).success;
        expect(configInputOk(file), JSON.stringify(changes)).toBe(input);
        if (input) passed++;
        else failed++;
      }),
      { numRuns: 600, seed: 20261202 },
    );
    // Both answers were drawn often.
    expect(passed).toBeGreaterThan(60);
    expect(failed).toBeGreaterThan(60);
  });

  it("passes exactly what zod passes: a parameter's value (overrides, sweep axes)", () => {
    for (const p of PARAMS) {
      for (const v of [...near(p), ...ODD]) {
        expect(paramValueOk(p, v), `${p.path} = ${JSON.stringify(v)}`).toBe(
          paramSchemaAt(p.path)!.safeParse(v).success,
        );
      }
    }
  });

  it("takes only plain objects, and leaves the rest to zod", () => {
    expect(configInputOk(new Map())).toBe(false);
    expect(configInputOk([])).toBe(false);
    expect(configInputOk(Object.create({ seed: 1 }))).toBe(false);
    expect(configInputOk({})).toBe(true);
    expect(configInputOk({ preset: "paper-lro", $schema: "x" })).toBe(true);
    expect(configInputOk({ preset: "constructor" })).toBe(false);
    expect(configInputOk(JSON.parse('{"__proto__": {"seed": 1}}'))).toBe(false);
  });
});
