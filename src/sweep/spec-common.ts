// What the parts of a sweep spec's checks share: the one error a bad spec raises, how values are
// shown in it (bounded, as configuration errors show them), canonical JSON (the text point
// identities and duplicate checks are computed from) and the largest sweep accepted.

import { show as showValue } from "../config/error.js";

/** Bad sweep spec: one line, naming the place in the spec, the value and what is allowed. */
export class SpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SpecError";
  }
}

/** Largest sweep accepted (a guard against a typo that multiplies axes into millions). */
export const MAX_POINTS = 1_000_000;

/** A value as a spec error line shows it: at most 60 characters, whatever its size or depth. */
export const show = (v: unknown): string => showValue(v, 60);

/** Keys sorted recursively, no whitespace: the text that identities are hashed from. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
}

export const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
