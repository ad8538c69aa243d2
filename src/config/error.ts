// The one error bad configuration input raises: a single line naming the field, the value and
// what is allowed. Lines stay short whatever the input holds: a field name or a value of a megabyte,
// a value nested 100000 deep, or a number JSON cannot write (Infinity, NaN) are shown clipped, in
// bounded depth, and as what they are.

/** Longest field name and value text an error line shows (a 1 MB key must not give a 1 MB line). */
const MAX_SHOWN = 80;

/** `s`, cut to `max` characters with "..." when longer. */
export const clip = (s: string, max = MAX_SHOWN): string => (s.length > max ? s.slice(0, max - 3) + "..." : s);

/** A value as an error line shows it: JSON-like, bounded in depth and length, never throwing. */
export function show(v: unknown, max = MAX_SHOWN): string {
  const out: string[] = [];
  let len = 0;
  /** Appends text; false once the line is long enough (the walk stops there). */
  const put = (s: string): boolean => {
    out.push(s);
    len += s.length;
    return len < max;
  };
  const walk = (x: unknown, depth: number): boolean => {
    if (x === undefined) return put("undefined");
    if (typeof x === "number") return put(Number.isFinite(x) ? JSON.stringify(x) : String(x));
    if (typeof x === "bigint") return put(`${x}n`);
    if (typeof x === "string") return put(JSON.stringify(x.length > max ? x.slice(0, max) : x));
    if (typeof x === "function") return put("function");
    if (typeof x !== "object" || x === null) return put(String(JSON.stringify(x) ?? x));
    if (depth > 4) return put(Array.isArray(x) ? "[...]" : "{...}");
    if (Array.isArray(x)) {
      if (!put("[")) return false;
      for (let i = 0; i < x.length; i++) {
        if ((i > 0 && !put(",")) || !walk(x[i], depth + 1)) return false;
      }
      return put("]");
    }
    if (!put("{")) return false;
    let first = true;
    for (const k of Object.keys(x)) {
      if (!first && !put(",")) return false;
      if (!put(JSON.stringify(clip(k)) + ":") || !walk((x as Record<string, unknown>)[k], depth + 1)) return false;
      first = false;
    }
    return put("}");
  };
  walk(v, 0);
  return clip(out.join(""), max);
}

/** Invalid configuration: one line naming the field, the value and what is allowed. */
export class ConfigError extends Error {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
  constructor(field: string, value: unknown, allowed: string) {
    const f = clip(field);
    super(`${f || "config"}: ${show(value)} is not allowed; expected ${clip(allowed, 400)}`);
    this.name = "ConfigError";
    this.field = f;
    this.value = value;
    this.allowed = allowed;
  }
}
