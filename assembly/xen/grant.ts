// Grant-table operations (xen/common/grant_table.c; sources.md B3, B4, B10): a domain copies
// from, maps or unmaps pages another domain granted it, many operations in ONE hypercall
// (GNTTABOP_copy / map_grant_ref / unmap_grant_ref batches, or one multicall).
//
// Models: per batch one hypercall (counted, COST_HYPERCALL to Xen) plus each operation's cost
// to the grant component (per copy op and per byte copied, per map, per unmap), charged to the
// job that issues the batch. Left out: the grant references themselves (no memory is modelled),
// grant-table lock contention, the TLB flush an unmap implies beyond its per-op cost.

import {
  COMP_XEN, COMP_GRANT, COST_HYPERCALL, COST_GRANT_COPY_OP, COST_GRANT_COPY_PER_BYTE, COST_GRANT_MAP_OP,
  COST_GRANT_UNMAP_OP, ST_HYPERCALLS, ST_GRANT_COPY_OPS, ST_GRANT_MAP_OPS, ST_GRANT_UNMAP_OPS,
} from "../../src/abi/layout";
import { cost, costCycles, costTimes } from "../config";
import { statInc, statAdd } from "../stats";
import { charge } from "../cpu/account";

/** One GNTTABOP_copy hypercall of `ops` copies moving `bytes` in all. */
export function grantCopyBatch(ops: u32, bytes: u64): void {
  statInc(ST_HYPERCALLS);
  statAdd(ST_GRANT_COPY_OPS, ops);
  charge(COMP_XEN, costCycles(COST_HYPERCALL));
  charge(COMP_GRANT, <u64>(cost(COST_GRANT_COPY_OP) * <f64>ops + cost(COST_GRANT_COPY_PER_BYTE) * <f64>bytes));
}

/** One GNTTABOP_map_grant_ref hypercall of `ops` maps. */
export function grantMapBatch(ops: u32): void {
  statInc(ST_HYPERCALLS);
  statAdd(ST_GRANT_MAP_OPS, ops);
  charge(COMP_XEN, costCycles(COST_HYPERCALL));
  charge(COMP_GRANT, costTimes(COST_GRANT_MAP_OP, ops));
}

/** One GNTTABOP_unmap_grant_ref hypercall of `ops` unmaps. */
export function grantUnmapBatch(ops: u32): void {
  statInc(ST_HYPERCALLS);
  statAdd(ST_GRANT_UNMAP_OPS, ops);
  charge(COMP_XEN, costCycles(COST_HYPERCALL));
  charge(COMP_GRANT, costTimes(COST_GRANT_UNMAP_OP, ops));
}
