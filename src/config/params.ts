// Every configuration parameter, declared once: path, type, default, unit, allowed range, help,
// and where the default comes from (a docs/sources.md row, or the reason for the value).
// Defaults, validation, `pvnetsim params`, the JSON Schema and the cost documentation are all
// generated from this table (ns-3 attributes / gem5 params style: no default without its unit
// and its help text). Each parameter also says how it reaches the Wasm model: the scalar slot
// of the packed config buffer it is written to and its encoding there (src/config/pack.ts
// applies both in one loop), its index in the cost table, or why it has no slot of its own.

import type { ParamSpec } from "./param-spec.js";
import { RUN_PARAMS } from "./table/run.js";
import { CPUS_PARAMS } from "./table/cpus.js";
import { NIC_PARAMS } from "./table/nic.js";
import { SRIOV_PARAMS } from "./table/sriov.js";
import { LINKS_PARAMS } from "./table/links.js";
import { KERNEL_PARAMS } from "./table/kernel.js";
import { NETBACK_PARAMS } from "./table/netback.js";
import { NETBACK_OPT_PARAMS } from "./table/netback-opt.js";
import { EVTCHN_PARAMS } from "./table/evtchn.js";
import { NETFRONT_PARAMS } from "./table/netfront.js";
import { TCP_PARAMS } from "./table/tcp.js";
import { TRAFFIC_PARAMS } from "./table/traffic.js";
import { COSTS_PARAMS } from "./table/costs.js";

export type { Encoding, ParamKind, ParamSpec } from "./param-spec.js";

/** The table with its literal types (paths, kinds, enum values): ResolvedConfig is derived from it. */
export const PARAM_TABLE = [
  ...RUN_PARAMS,
  ...CPUS_PARAMS,
  ...NIC_PARAMS,
  ...SRIOV_PARAMS,
  ...LINKS_PARAMS,
  ...KERNEL_PARAMS,
  ...NETBACK_PARAMS,
  ...NETBACK_OPT_PARAMS,
  ...EVTCHN_PARAMS,
  ...NETFRONT_PARAMS,
  ...TCP_PARAMS,
  ...TRAFFIC_PARAMS,
  ...COSTS_PARAMS,
] as const satisfies readonly ParamSpec[];

export const PARAMS: readonly ParamSpec[] = PARAM_TABLE;

export const PARAM_BY_PATH: ReadonlyMap<string, ParamSpec> = new Map(PARAMS.map((p) => [p.path, p]));
