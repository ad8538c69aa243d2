// A check of configuration values that needs no zod schema: the rules of the zod schemas of
// schemas.ts and items.ts (kinds, ranges, allowed values, known and required fields), made from the
// same parameter table and item fields, run first on every configuration. It answers "valid" or
// "not shown valid": what it does not pass goes to zod, which decides and words the error line
// (validate.ts). So a run with a good configuration builds no zod schema at all, which was the
// larger part of the command line's start-up. A test holds the two checks to the same answers.
//
// Where zod's rule and a simple one differ, this check is the stricter: it takes plain objects
// only (what JSON, YAML and object literals give), and leaves anything else to zod.

import type { ParamSpec } from "./params.js";
import { PRESETS } from "./presets.js";
import { KIND_FIELDS, PROFILE_FIELDS, UDP_FIELDS, profileField, type Field, type ItemRule } from "./items.js";
import { PROFILE_KINDS, type ProfileKind } from "./types.js";
import { TREE, isSpec, type Tree } from "./tree.js";

type Obj = Record<string, unknown>;

/** An object as JSON or an object literal makes it (zod takes any non-array object; this check, these). */
function isPlainObject(v: unknown): v is Obj {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Every key of `o` (enumerable, own or inherited, as zod's strict objects look at them) is one of `known`. */
function onlyKnownKeys(o: Obj, known: (k: string) => boolean): boolean {
  for (const k in o) if (!known(k)) return false;
  return true;
}

/** zod's number rules: finite (and a safe integer for int), then the bounds. */
function numberOk(r: { kind: string; min?: number; gt?: number; max?: number; lt?: number }, v: unknown): boolean {
  if (typeof v !== "number" || !Number.isFinite(v)) return false;
  if (r.kind === "integer" && !Number.isSafeInteger(v)) return false;
  return (
    (r.min === undefined || v >= r.min) &&
    (r.gt === undefined || v > r.gt) &&
    (r.max === undefined || v <= r.max) &&
    (r.lt === undefined || v < r.lt)
  );
}

const isNonNegInt = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const everyItem = (v: unknown, ok: (x: unknown) => boolean): boolean => {
  if (!Array.isArray(v)) return false;
  // By index, as zod does: a hole is undefined, which no item rule takes.
  for (let i = 0; i < v.length; i++) if (!ok(v[i])) return false;
  return true;
};

function ruleOk(r: ItemRule, v: unknown): boolean {
  if (r.kind === "enum") return typeof v === "string" && r.values.includes(v);
  if (r.kind === "guests") return everyItem(v, isNonNegInt) && (v as unknown[]).length >= 1;
  return numberOk(r, v);
}

const has = (fields: Readonly<Record<string, Field>>, k: string): boolean => Object.hasOwn(fields, k);

function udpSourceOk(v: unknown): boolean {
  if (!isPlainObject(v) || !onlyKnownKeys(v, (k) => has(UDP_FIELDS, k))) return false;
  for (const k of Object.keys(UDP_FIELDS)) if (!ruleOk(UDP_FIELDS[k]!.rule, v[k])) return false;
  return true;
}

function trafficProfileOk(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  const kind = v["kind"];
  if (typeof kind !== "string" || !PROFILE_KINDS.includes(kind as ProfileKind)) return false;
  const f = KIND_FIELDS[kind as ProfileKind];
  const known = (k: string): boolean =>
    k === "guests" || k === "kind" || f.required.includes(k) || f.optional.includes(k);
  if (!onlyKnownKeys(v, known)) return false;
  if (!ruleOk(PROFILE_FIELDS.guests!.rule, v["guests"])) return false;
  for (const k of f.required) if (!ruleOk(profileField(kind as ProfileKind, k).rule, v[k])) return false;
  for (const k of f.optional)
    if (v[k] !== undefined && !ruleOk(profileField(kind as ProfileKind, k).rule, v[k])) return false;
  return true;
}

/** The value passes the zod schema of parameter `p` (schemas.ts paramSchema). */
export function paramValueOk(p: ParamSpec, v: unknown): boolean {
  if (v === null) return p.nullable === true;
  switch (p.kind) {
    case "number":
    case "integer":
      return numberOk(p, v);
    case "boolean":
      return typeof v === "boolean";
    case "enum":
      return typeof v === "string" && p.values!.includes(v);
    case "intList":
      return everyItem(v, isNonNegInt);
    case "intListList":
      return everyItem(v, (x) => everyItem(x, isNonNegInt));
    case "udpList":
      return everyItem(v, udpSourceOk);
    case "profileList":
      return everyItem(v, trafficProfileOk);
  }
}

function objectOk(tree: Tree, v: Obj, optional: boolean, top: boolean): boolean {
  const known = (k: string): boolean =>
    Object.hasOwn(tree, k) || (top && optional && (k === "preset" || k === "$schema"));
  if (!onlyKnownKeys(v, known)) return false;
  for (const k of Object.keys(tree)) {
    const x = v[k];
    if (x === undefined) {
      if (optional) continue;
      return false;
    }
    const node = tree[k]!;
    if (isSpec(node) ? !paramValueOk(node, x) : !isPlainObject(x) || !objectOk(node, x, optional, false)) return false;
  }
  if (top && optional) {
    const preset = v["preset"];
    if (preset !== undefined && preset !== null && !(typeof preset === "string" && Object.hasOwn(PRESETS, preset)))
      return false;
    if (v["$schema"] !== undefined && typeof v["$schema"] !== "string") return false;
  }
  return true;
}

/** The object passes the input schema (what a config file may hold: every field optional). */
export const configInputOk = (v: unknown): boolean => isPlainObject(v) && objectOk(TREE, v, true, true);

/** The object passes the resolved schema (a complete configuration: every field present). */
export const configResolvedOk = (v: unknown): boolean => isPlainObject(v) && objectOk(TREE, v, false, false);
