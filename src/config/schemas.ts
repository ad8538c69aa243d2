// zod schemas of the configuration, generated from the parameter table: one schema per parameter
// (its kind, range and allowed values), objects following the dotted paths. Two shapes: the input
// schema (every field optional, plus `preset` and `$schema` at the top: what a config file may
// hold, also what `pvnetsim schema` prints as JSON Schema) and the resolved schema (every field
// present). The words of error lines come from describe() (describe.ts), from the same table.
//
// Every schema is built when first asked for: a configuration that passes the quick check
// (quick-check.ts) needs none, and building zod schemas for the whole table was the larger part
// of the command line's start-up.

import { z } from "../vendor/zod.js";
import { PARAM_BY_PATH, type ParamSpec } from "./params.js";
import { PRESETS } from "./presets.js";
import { trafficProfileSchema, udpSourceSchema } from "./items.js";
import { TREE, isSpec, type Tree } from "./tree.js";

let nonNegIntSchema: z.ZodType | undefined;
const nonNegInt = (): z.ZodType => (nonNegIntSchema ??= z.number().int().min(0));

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
      s = z.array(nonNegInt());
      break;
    case "intListList":
      s = z.array(z.array(nonNegInt()));
      break;
    case "udpList":
      s = z.array(udpSourceSchema());
      break;
    case "profileList":
      s = z.array(trafficProfileSchema());
      break;
  }
  if (p.nullable) s = s.nullable();
  const description = `${p.help}${p.unit ? ` Unit: ${p.unit}.` : ""} Source: ${p.source}.`;
  return s.meta({ description, default: p.default as never });
}

const paramSchemas = new Map<string, z.ZodType>();

/** Schema of the parameter at a dotted path (undefined for an unknown path), built once: both
 *  object schemas below share them, and sweeps check every axis value with them. */
export function paramSchemaAt(path: string): z.ZodType | undefined {
  let s = paramSchemas.get(path);
  if (s === undefined) {
    const p = PARAM_BY_PATH.get(path);
    if (p === undefined) return undefined;
    s = paramSchema(p);
    paramSchemas.set(path, s);
  }
  return s;
}

function objectSchema(tree: Tree, optional: boolean, top: boolean): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const k of Object.keys(tree)) {
    const node = tree[k]!;
    const s = isSpec(node) ? paramSchemaAt(node.path)! : objectSchema(node, optional, false);
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

let configInput: z.ZodObject | undefined;
let configResolved: z.ZodObject | undefined;

/** What a config file may contain: every field optional. */
export function configInputSchema(): z.ZodObject {
  configInput ??= objectSchema(TREE, true, true);
  return configInput;
}

/** A complete configuration: every field present. */
export function configResolvedSchema(): z.ZodObject {
  configResolved ??= objectSchema(TREE, false, false);
  return configResolved;
}
