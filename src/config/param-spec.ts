// What a parameter declares (ParamSpec) and the helper for cost constants; the table itself is
// src/config/params.ts, one file per section under src/config/table/.

export type ParamKind =
  | "number"
  | "integer"
  | "boolean"
  | "enum"
  | "intList"
  | "intListList"
  | "udpList"
  | "profileList";

/**
 * How a parameter's value becomes the f64 in its config slot. The model reads every time and
 * cost in CPU cycles, so unit conversions happen here and only here.
 * - "number": the value as it is (counts, bytes, ids); the default.
 * - "flag": true -> 1, false -> 0.
 * - "cycles": a time in the parameter's unit (s, ms, us or ns) -> CPU cycles, rounded.
 * - "period": a rate in events per second -> CPU cycles between two events, rounded.
 * - "hz": GHz -> Hz.
 * - "bps": Gb/s -> bit/s, rounded.
 * - "length": a list -> its number of entries (the entries go to a table).
 * - { codes }: an enum string -> its code from src/abi/enums.ts; every allowed value has one.
 */
export type Encoding =
  | "number"
  | "flag"
  | "cycles"
  | "period"
  | "hz"
  | "bps"
  | "length"
  | { readonly codes: Readonly<Record<string, number>> };

export interface ParamSpec {
  path: string;
  kind: ParamKind;
  default: unknown;
  unit: string;
  help: string;
  /** docs/sources.md row(s), or the reason for the default. */
  source: string;
  min?: number;
  /** Exclusive lower bound (value must be greater). */
  gt?: number;
  max?: number;
  /** Exclusive upper bound (value must be smaller). */
  lt?: number;
  values?: readonly string[];
  /** Index into the cost table of the Wasm model, for costs.* parameters. */
  cost?: number;
  /** Scalar slot of the packed config buffer (a CFG_* of src/abi/layout.ts) the value is written to. */
  slot?: number;
  /** How the value is encoded into its slot (default "number"). */
  encoding?: Encoding;
  /**
   * For a parameter with neither slot nor cost, how it still acts: "table" when the model reads
   * it from a per-entity table of the buffer (bindings, groups), "derived" when the host computes
   * slots from it together with other parameters (see pack.ts), "host" when only the host uses it
   * (checks, reporting).
   */
  via?: "table" | "derived" | "host";
  /** Costs only: "fitted to <target>" when the value was fitted, absent when set from reasoning. */
  fitted?: string;
  /** May be null (computed from other parameters when null). */
  nullable?: boolean;
}

/** A cost constant: cycles (or cycles per unit) at cpu.frequencyGHz, with its index in the cost table. */
export const c = <N extends string>(
  name: N,
  index: number,
  def: number,
  unit: string,
  help: string,
  source: string,
  fitted?: string,
): ParamSpec & { path: `costs.${N}`; kind: "number" } => ({
  path: `costs.${name}`,
  kind: "number",
  default: def,
  unit,
  help,
  source,
  min: 0,
  max: 1e9,
  cost: index,
  ...(fitted ? { fitted } : {}),
});
