// Validation of configuration input with the zod schemas of schemas.ts. zod finds every problem;
// the first one (an unknown field before a bad value, as a reader fixes them) becomes one
// ConfigError naming the field as the user wrote it (dotted path, [i] for list items), the value
// found there, and what the parameter table allows, in its words. The quick check (quick-check.ts)
// runs first: what it shows valid needs no zod schema, which is built only for the rest.

import { z } from "../vendor/zod.js";
import { PARAM_BY_PATH } from "./params.js";
import { ConfigError } from "./error.js";
import { configInputSchema, configResolvedSchema, paramSchemaAt } from "./schemas.js";
import { META_KEYS, isSpec, nodeAt } from "./tree.js";
import { configInputOk, configResolvedOk, paramValueOk } from "./quick-check.js";
import { describe } from "./describe.js";
import {
  PROFILE_ALLOWED,
  PROFILE_KEYS,
  UDP_ALLOWED,
  UDP_FIELDS,
  UDP_KEYS,
  isProfileField,
  profileFieldAllowed,
} from "./items.js";

type Key = PropertyKey;

/** The value at a path of keys in `root` (own properties only), or undefined. */
const valueAt = (root: unknown, path: readonly Key[]): unknown => {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<Key, unknown>)[k];
  }
  return v;
};

/** ["traffic", "udp", 0, "x"] -> "traffic.udp[0].x" */
export const fieldName = (path: readonly Key[]): string =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i > 0 ? "." : ""}${String(k)}`)).join("");

/** The issue a reader should see first: an unknown field, else the first problem. */
const firstIssue = (issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue =>
  issues.find((i) => i.code === "unrecognized_keys") ?? issues[0]!;

/**
 * The ConfigError for one zod issue. `root` is the value that was checked and `prefix` the path
 * of keys it sits at in a whole config (an override's dotted path, or none).
 */
function toConfigError(root: unknown, issue: z.core.$ZodIssue, prefix: readonly string[]): ConfigError {
  const path: Key[] = [...prefix, ...issue.path];
  const value = (at: readonly Key[]): unknown => valueAt(root, at.slice(prefix.length));
  // The parameter the issue is about: the longest prefix of the path that names one.
  let i = 0;
  let node = nodeAt([]);
  while (i < path.length && node !== undefined && !isSpec(node)) node = nodeAt(path.slice(0, ++i));
  if (node === undefined || !isSpec(node)) {
    // An object of the tree: an unknown key in it, or not an object at all.
    if (issue.code === "unrecognized_keys") {
      const at = [...path, issue.keys[0]!];
      const here = nodeAt(path);
      const allowed = here !== undefined && !isSpec(here) ? Object.keys(here) : [];
      if (path.length === 0) allowed.push(...META_KEYS);
      return new ConfigError(
        fieldName(at),
        value(at),
        `a known field (unknown field; allowed here: ${allowed.join(", ")})`,
      );
    }
    const at = path.slice(0, Math.max(1, i));
    return new ConfigError(fieldName(at), value(at), "an object");
  }
  const p = node;
  const rest = path.slice(i);
  const v = value(path);
  if (rest.length === 0) {
    if (p.kind === "intList" && !Array.isArray(v))
      return new ConfigError(p.path, v, "an array of non-negative integers or null");
    if (p.kind === "intListList" && !Array.isArray(v)) {
      return new ConfigError(p.path, v, "an array (one per guest) of arrays of PCPU ids, or null");
    }
    return new ConfigError(p.path, v, describe(p));
  }
  const field = fieldName(path);
  if (p.kind === "intList") return new ConfigError(field, v, "a non-negative integer");
  if (p.kind === "intListList") {
    return new ConfigError(field, v, rest.length === 1 ? "an array of PCPU ids" : "a non-negative integer");
  }
  // A list of items: [index] (the item itself, or a key in it) or [index, field, ...].
  const item = path.slice(0, i + 1);
  const udp = p.kind === "udpList";
  if (issue.code === "unrecognized_keys" && rest.length === 1) {
    const key = issue.keys[0]!;
    const at = [...item, key];
    if (udp || !isProfileField(key)) {
      return new ConfigError(
        fieldName(at),
        value(at),
        `a known field (allowed: ${(udp ? UDP_KEYS : PROFILE_KEYS).join(", ")})`,
      );
    }
    const kind = String(valueAt(value(item), ["kind"]));
    return new ConfigError(fieldName(at), value(at), `no value: kind "${kind}" does not use ${key}`);
  }
  const f = rest[1];
  if (typeof f === "string") {
    if (udp && Object.hasOwn(UDP_FIELDS, f)) return new ConfigError(field, v, UDP_FIELDS[f]!.allowed);
    if (!udp && f === "guests" && rest.length === 3) return new ConfigError(field, v, "a guest index (integer >= 0)");
    const allowed = udp ? undefined : profileFieldAllowed(valueAt(value(item), ["kind"]), f);
    if (allowed !== undefined)
      return new ConfigError(fieldName(path.slice(0, i + 2)), value(path.slice(0, i + 2)), allowed);
  }
  return new ConfigError(fieldName(item), value(item), udp ? UDP_ALLOWED : PROFILE_ALLOWED);
}

/** Checks a config object (file contents, a preset's config): known fields, values in range. */
export function checkInput(input: unknown): void {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    throw new ConfigError("", input, "an object");
  if (configInputOk(input)) return;
  const r = configInputSchema().safeParse(input);
  if (!r.success) throw toConfigError(input, firstIssue(r.error.issues), []);
}

/** Checks one value of a parameter (an override by dotted path). */
export function checkParamValue(path: string, value: unknown): void {
  const p = PARAM_BY_PATH.get(path);
  if (p === undefined) throw new ConfigError(path, value, "a known parameter path (see `pvnetsim params`)");
  if (paramValueOk(p, value)) return;
  const r = paramSchemaAt(path)!.safeParse(value);
  if (!r.success) throw toConfigError(value, firstIssue(r.error.issues), path.split("."));
}

/** Checks a complete configuration (every field present and valid). */
export function checkResolved(cfg: unknown): void {
  if (configResolvedOk(cfg)) return;
  const r = configResolvedSchema().safeParse(cfg);
  if (!r.success) throw toConfigError(cfg, firstIssue(r.error.issues), []);
}

/** JSON Schema (draft 2020-12) of config files, generated from the input schema. */
export function configJsonSchema(): Record<string, unknown> {
  const opts = { target: "draft-2020-12", io: "input", unrepresentable: "any" } as const;
  const s = z.toJSONSchema(configInputSchema(), opts) as Record<string, unknown>;
  return { $schema: "https://json-schema.org/draft/2020-12/schema", title: "pvnetsim configuration", ...s };
}
