// The axes of a sweep spec: a grid axis over one parameter (a list of values or a numeric range),
// zipped parameters that move together, and explicit cases. Each is checked on its own (paths
// against the parameter table, with a "did you mean" hint; values with the parameter's schema)
// and expanded into its positions, each a set of dotted-path overrides and a label.

import { ConfigError } from "../config/error.js";
import { PARAM_BY_PATH } from "../config/params.js";
import { checkParamValue } from "../config/validate.js";
import { canonicalJson, isObj, MAX_POINTS, show, SpecError } from "./spec-common.js";
import type { AxisInfo } from "./spec.js";

/** Closest known parameter path, for "did you mean" hints. */
function nearestPath(path: string): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const p of PARAM_BY_PATH.keys()) {
    const d = editDistance(path.toLowerCase(), p.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(path.length / 4)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

export function checkPath(where: string, path: unknown): string {
  if (typeof path !== "string" || path === "")
    throw new SpecError(`${where}: ${show(path)} is not allowed; expected a parameter path such as "dom0.vcpus"`);
  if (path === "seed")
    throw new SpecError(
      `${where}: "seed" cannot be an axis or override; use the spec's replications, seed or seeds fields`,
    );
  if (path === "preset")
    throw new SpecError(
      `${where}: "preset" cannot be overridden per point; ` +
        "use a cases axis whose cases set the parameters, or one sweep per preset",
    );
  if (!PARAM_BY_PATH.has(path)) {
    const hint = nearestPath(path);
    throw new SpecError(
      `${where}: "${path}" is not a parameter path${hint ? ` (did you mean "${hint}"?)` : ""}; see \`pvnetsim params\``,
    );
  }
  return path;
}

/**
 * Checks values on their own with the parameter's schema, with the message resolveConfig would
 * give. Relations between parameters (enough PCPUs for the VCPUs, ...) are not checked here, since
 * another axis may satisfy them; whole points are resolved later.
 */
export function checkOwn(where: (path: string) => string, set: Record<string, unknown>): void {
  for (const path of Object.keys(set)) {
    try {
      checkParamValue(path, set[path]);
    } catch (e) {
      if (e instanceof ConfigError) throw new SpecError(`${where(path)}: ${e.message}`);
      throw e;
    }
  }
}

function expandValues(where: string, v: unknown): unknown[] {
  if (Array.isArray(v)) {
    if (v.length === 0) throw new SpecError(`${where}: [] is not allowed; expected at least one value`);
    return v;
  }
  if (isObj(v) && "from" in v) {
    const { from, to, step } = v as Record<string, unknown>;
    const num = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
    if (!num(from) || !num(to) || !num(step) || step <= 0 || to < from) {
      throw new SpecError(
        `${where}: ${show(v)} is not allowed; expected {from, to, step} numbers with step > 0 and to >= from`,
      );
    }
    const n = Math.floor((to - from) / step + 1e-9) + 1;
    if (n > MAX_POINTS) throw new SpecError(`${where}: ${show(v)} gives ${n} values; at most ${MAX_POINTS}`);
    // Round away binary noise (0.1 + 0.2) so that values print and hash as written.
    return Array.from({ length: n }, (_, i) => Number((from + i * step).toPrecision(12)));
  }
  throw new SpecError(`${where}: ${show(v)} is not allowed; expected a list of values or {from, to, step}`);
}

/** One expanded axis: its positions, each a set of overrides and a label. */
export interface Expanded {
  info: AxisInfo;
  steps: { label: unknown; set: Record<string, unknown> }[];
}

export function expandAxis(where: string, a: unknown): Expanded {
  if (!isObj(a))
    throw new SpecError(
      `${where}: ${show(a)} is not allowed; expected {path, values}, {zip: [...]} or {name, cases: [...]}`,
    );
  const kinds = ["path", "zip", "cases"].filter((k) => k in a);
  if (kinds.length !== 1)
    throw new SpecError(
      `${where}: expected exactly one of "path", "zip" or "cases" (found ${kinds.length ? kinds.join(", ") : "none"})`,
    );
  const allowedKeys: Record<string, string[]> = {
    path: ["path", "values", "name"],
    zip: ["zip", "name"],
    cases: ["cases", "name"],
  };
  for (const k of Object.keys(a)) {
    if (!allowedKeys[kinds[0]!]!.includes(k))
      throw new SpecError(`${where}.${k}: unknown field; allowed here: ${allowedKeys[kinds[0]!]!.join(", ")}`);
  }
  if (a.name !== undefined && (typeof a.name !== "string" || a.name === ""))
    throw new SpecError(`${where}.name: ${show(a.name)} is not allowed; expected a non-empty string`);
  const checkValue = (w: string, path: string, v: unknown): void => checkOwn(() => w, { [path]: v });

  if ("path" in a) {
    const path = checkPath(`${where}.path`, a.path);
    const values = expandValues(`${where}.values`, a.values);
    values.forEach((v, j) => checkValue(`${where}.values[${j}]`, path, v));
    const seen = new Set<string>();
    values.forEach((v, j) => {
      const key = canonicalJson(v);
      if (seen.has(key)) throw new SpecError(`${where}.values[${j}]: ${show(v)} appears twice`);
      seen.add(key);
    });
    const name = (a.name as string | undefined) ?? path;
    return {
      info: { name, kind: "param", labels: values },
      steps: values.map((v) => ({ label: v, set: { [path]: v } })),
    };
  }

  if ("zip" in a) {
    const members = a.zip;
    if (!Array.isArray(members) || members.length === 0)
      throw new SpecError(`${where}.zip: ${show(members)} is not allowed; expected a list of {path, values}`);
    let len = -1;
    const cols = members.map((m, j) => {
      const w = `${where}.zip[${j}]`;
      if (!isObj(m)) throw new SpecError(`${w}: ${show(m)} is not allowed; expected {path, values}`);
      for (const k of Object.keys(m))
        if (k !== "path" && k !== "values") throw new SpecError(`${w}.${k}: unknown field; allowed here: path, values`);
      const path = checkPath(`${w}.path`, m.path);
      const values = expandValues(`${w}.values`, m.values);
      if (len >= 0 && values.length !== len)
        throw new SpecError(
          `${w}.values: has ${values.length} values but ${where}.zip[0] has ${len}; ` +
            "zipped lists must have equal lengths",
        );
      len = values.length;
      return { path, values };
    });
    if (new Set(cols.map((c) => c.path)).size !== cols.length)
      throw new SpecError(`${where}.zip: a path appears twice`);
    const steps = Array.from({ length: len }, (_, i) => {
      const set: Record<string, unknown> = {};
      const label: Record<string, unknown> = {};
      for (const c of cols) {
        set[c.path] = c.values[i];
        label[c.path] = c.values[i];
      }
      return { label: cols.length === 1 ? cols[0]!.values[i] : label, set };
    });
    cols.forEach((c, j) => c.values.forEach((v, i) => checkValue(`${where}.zip[${j}].values[${i}]`, c.path, v)));
    const name = (a.name as string | undefined) ?? cols.map((c) => c.path).join("+");
    return { info: { name, kind: "zip", labels: steps.map((s) => s.label) }, steps };
  }

  const cases = a.cases;
  if (typeof a.name !== "string")
    throw new SpecError(`${where}.name: a cases axis needs a name (used as the column in results and reports)`);
  if (!Array.isArray(cases) || cases.length === 0)
    throw new SpecError(`${where}.cases: ${show(cases)} is not allowed; expected a non-empty list of {label, set}`);
  const labels = new Set<string>();
  const steps = cases.map((c, j) => {
    const w = `${where}.cases[${j}]`;
    if (!isObj(c)) throw new SpecError(`${w}: ${show(c)} is not allowed; expected {label, set: {"path": value}}`);
    for (const k of Object.keys(c))
      if (k !== "label" && k !== "set") throw new SpecError(`${w}.${k}: unknown field; allowed here: label, set`);
    if (c.label !== undefined && (typeof c.label !== "string" || c.label === ""))
      throw new SpecError(`${w}.label: ${show(c.label)} is not allowed; expected a non-empty string`);
    const label = (c.label as string | undefined) ?? `case${j}`;
    if (labels.has(label)) throw new SpecError(`${w}.label: "${label}" is used twice`);
    labels.add(label);
    const set = c.set ?? {};
    if (!isObj(set))
      throw new SpecError(`${w}.set: ${show(set)} is not allowed; expected an object of {"path": value}`);
    for (const [p, v] of Object.entries(set)) {
      checkPath(`${w}.set`, p);
      checkValue(`${w}.set.${p}`, p, v);
    }
    return { label: label as unknown, set: { ...set } };
  });
  return { info: { name: a.name, kind: "cases", labels: steps.map((s) => s.label) }, steps };
}
