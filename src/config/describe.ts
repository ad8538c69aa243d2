// What a parameter allows, in the words of error lines and `pvnetsim params`: its kind, range and
// unit from the parameter table. (Kept apart from the zod schemas, so that the library's public
// types do not refer to zod, which the build bundles and consumers do not install.)

import type { ParamSpec } from "./params.js";

/** What a parameter allows, in words. */
export function describe(p: ParamSpec): string {
  const unit = p.unit ? ` ${p.unit}` : "";
  const null_ = p.nullable ? " or null" : "";
  if (p.kind === "enum") return `one of ${p.values!.map((x) => `"${x}"`).join(", ")}`;
  if (p.kind === "boolean") return "true or false";
  if (p.kind === "intList") return `an array of integers${null_}`;
  if (p.kind === "intListList") return `an array of integer arrays${null_}`;
  if (p.kind === "udpList") return "an array of UDP sources";
  if (p.kind === "profileList") return "an array of traffic profiles";
  const what = p.kind === "integer" ? "an integer" : "a number";
  const lo = p.gt !== undefined ? `> ${p.gt}` : p.min !== undefined ? `>= ${p.min}` : "";
  const hi = p.lt !== undefined ? `< ${p.lt}` : p.max !== undefined ? `<= ${p.max}` : "";
  const range = [lo, hi].filter(Boolean).join(" and ");
  return `${what}${range ? " " + range : ""}${unit}${null_}`;
}
