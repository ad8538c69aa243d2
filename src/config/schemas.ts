// zod schemas of the configuration, generated from the parameter table: one schema per parameter
// (its kind, range and allowed values), objects following the dotted paths. Two shapes: the input
// schema (every field optional, plus `preset` and `$schema` at the top: what a config file may
// hold, also what `pvnetsim schema` prints as JSON Schema) and the resolved schema (every field
// present). The words of error lines come from describe() (describe.ts), from the same table.

import { z } from "../vendor/zod.js";
import { PARAMS, type ParamSpec } from "./params.js";
import { PRESETS } from "./presets.js";
import { TRAFFIC_PROFILE, UDP_SOURCE } from "./items.js";

const nonNegInt = z.number().int().min(0);

/** The zod schema of one parameter's value (null accepted when the parameter is nullable). */
export function paramSchema(p: ParamSpec): z.ZodType {
  let s: z.ZodType;
  switch (p.kind) {
    case "number":
    case "integer": {
      let n = p.kind === "integer" ? z.number().int() : z.number();
      if (p.min !== undefined) n = n.min(p.min);
      if (p.gt !== undefined) n = n.gt(p.gt);
      if (p.max !== undefined) n = n.max(p.max);
      if (p.lt !== undefined) n = n.lt(p.lt);
      s = n;
      break;
    }
    case "boolean":
      s = z.boolean();
      break;
    case "enum":
      s = z.enum(p.values as [string, ...string[]]);
      break;
    case "intList":
      s = z.array(nonNegInt);
      break;
    case "intListList":
      s = z.array(z.array(nonNegInt));
      break;
    case "udpList":
      s = z.array(UDP_SOURCE);
      break;
    case "profileList":
      s = z.array(TRAFFIC_PROFILE);
      break;
  }
  if (p.nullable) s = s.nullable();
  const description = `${p.help}${p.unit ? ` Unit: ${p.unit}.` : ""} Source: ${p.source}.`;
  return s.meta({ description, default: p.default as never });
}

/** The parameter table as a tree of object keys. */
export type Tree = { [k: string]: Tree | ParamSpec };
export const isSpec = (x: Tree | ParamSpec): x is ParamSpec =>
  typeof (x as ParamSpec).kind === "string" && typeof (x as ParamSpec).path === "string";

/** The tree (null-prototype objects: no inherited names such as "constructor" are found in it). */
export const TREE: Tree = (() => {
  const root: Tree = Object.create(null) as Tree;
  for (const p of PARAMS) {
    const parts = p.path.split(".");
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const k = parts[i]!;
      if (!Object.hasOwn(node, k)) node[k] = Object.create(null) as Tree;
      node = node[k] as Tree;
    }
    node[parts[parts.length - 1]!] = p;
  }
  return root;
})();

/** The tree node at a path of object keys, or undefined. */
export function nodeAt(path: readonly PropertyKey[]): Tree | ParamSpec | undefined {
  let node: Tree | ParamSpec = TREE;
  for (const k of path) {
    if (isSpec(node) || typeof k !== "string" || !Object.hasOwn(node, k)) return undefined;
    node = node[k]!;
  }
  return node;
}

/** Top-level keys a config file may hold besides the parameters. */
export const META_KEYS = ["preset", "$schema"] as const;

/** Schema of each parameter by path, built once: both object schemas below share them, and sweeps
 *  check every axis value with them. (Building a zod schema is the larger part of the CLI's
 *  start-up, so each is built once, not once per use.) */
export const PARAM_SCHEMAS: ReadonlyMap<string, z.ZodType> = new Map(PARAMS.map((p) => [p.path, paramSchema(p)]));

function objectSchema(tree: Tree, optional: boolean, top: boolean): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const k of Object.keys(tree)) {
    const node = tree[k]!;
    const s = isSpec(node) ? PARAM_SCHEMAS.get(node.path)! : objectSchema(node, optional, false);
    shape[k] = optional ? s.optional() : s;
  }
  if (top && optional) {
    shape["preset"] = z
      .enum(Object.keys(PRESETS) as [string, ...string[]])
      .nullable()
      .optional()
      .meta({ description: "Preset the configuration starts from." });
    shape["$schema"] = z.string().optional().meta({ description: "JSON Schema of this file, for editors (ignored)." });
  }
  return z.strictObject(shape);
}

/** What a config file may contain: every field optional. */
export const CONFIG_INPUT = objectSchema(TREE, true, true);
/** A complete configuration: every field present. */
export const CONFIG_RESOLVED = objectSchema(TREE, false, false);
