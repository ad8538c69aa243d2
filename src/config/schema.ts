// Configuration: defaults, resolution (preset + config object + dotted-path overrides) and
// validation. Everything is driven by the parameter table in params.ts: the zod schemas of
// schemas.ts check each field, relations.ts the relations between fields, limits.ts that the run
// can advance time; bad input raises ConfigError, one line naming the field, the value, and what
// is allowed.

import { PARAMS } from "./params.js";
import { PRESETS } from "./presets.js";
import { ConfigError } from "./error.js";
import { META_KEYS } from "./tree.js";
import { checkInput, checkParamValue, checkResolved } from "./validate.js";
import { checkRelations } from "./relations.js";
import { checkFeasible } from "./limits.js";
import type { ResolvedConfig } from "./types.js";

export { ConfigError } from "./error.js";
export { describe } from "./describe.js";
export { configJsonSchema } from "./validate.js";
export { PROFILE_KINDS } from "./types.js";
export type { ProfileKind, ResolvedConfig, TrafficProfile, UdpSourceConfig } from "./types.js";

function clone<T>(v: T): T {
  return v === null || typeof v !== "object" ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Default values as a nested object (computed parameters left null). */
export function defaultConfigObject(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of PARAMS) setPath(out, p.path, clone(p.default));
  return out;
}

/** Sets a dotted path in a nested object, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!;
    if (node[k] === null || typeof node[k] !== "object" || Array.isArray(node[k])) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

export function getPath(obj: unknown, path: string): unknown {
  let node = obj;
  for (const k of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Copies the fields of a validated config object into `target` (the parameters only). */
function mergeInto(target: Record<string, unknown>, input: Record<string, unknown>, top: boolean): void {
  for (const k of Object.keys(input)) {
    if (top && (META_KEYS as readonly string[]).includes(k)) continue;
    const v = input[k];
    if (v === undefined) continue;
    if (isPlainObject(v) && isPlainObject(target[k])) mergeInto(target[k] as Record<string, unknown>, v, false);
    else target[k] = clone(v);
  }
}

const presetList = (): string =>
  Object.keys(PRESETS)
    .map((x) => `"${x}"`)
    .join(", ");

/**
 * Resolves a configuration: preset (by name, or `preset` field of an object), then the object's
 * fields, then dotted-path overrides, over the defaults; validates every field and the
 * relations between fields; fills computed fields. Throws ConfigError.
 */
export function resolveConfig(input: unknown = {}, overrides: Record<string, unknown> = {}): ResolvedConfig {
  let presetName: string | null = null;
  let obj: unknown = input;
  if (typeof input === "string") {
    presetName = input;
    obj = {};
  } else if (isPlainObject(input) && Object.hasOwn(input, "preset")) {
    const pn = input.preset;
    if (pn !== null && pn !== undefined) {
      if (typeof pn !== "string") {
        throw new ConfigError("preset", pn, `a preset name (${Object.keys(PRESETS).join(", ")})`);
      }
      presetName = pn;
    }
  }
  // Own names only: "constructor" or "toString" is no preset.
  if (presetName !== null && !Object.hasOwn(PRESETS, presetName)) {
    throw new ConfigError("preset", presetName, `one of ${presetList()}`);
  }
  checkInput(obj);
  if (!isPlainObject(overrides)) throw new ConfigError("overrides", overrides, `an object of {"path": value}`);
  for (const path of Object.keys(overrides)) checkParamValue(path, overrides[path]);
  const cfg = defaultConfigObject();
  if (presetName !== null) mergeInto(cfg, PRESETS[presetName]!.config as Record<string, unknown>, true);
  mergeInto(cfg, obj as Record<string, unknown>, true);
  for (const path of Object.keys(overrides)) setPath(cfg, path, clone(overrides[path]));
  checkResolved(cfg);
  const r = cfg as unknown as ResolvedConfig;
  r.preset = presetName;
  checkRelations(r);
  checkFeasible(r);
  return r;
}
