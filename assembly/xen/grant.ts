// Grant-table operations (xen/common/grant_table.c; sources.md B3, B4, B10, L1): a domain copies
// from, maps or unmaps pages another domain granted it, many operations in ONE hypercall
// (GNTTABOP_copy / map_grant_ref / unmap_grant_ref batches, or one multicall).
//
// Models: per batch one hypercall (counted, COST_HYPERCALL to Xen) plus each operation's cost
// to the grant component (per copy op and per byte copied, per map, per unmap), charged to the
// job that issues the batch. With Xen's per-domain grant-table locks (xen.domainLocks, Xen 4.5
// and earlier; spinlock.ts) each operation enters the critical sections Xen 4.4's code gives it,
// in order, at its place in the batch (sources.md L1):
//  - map (__gnttab_map_grant_ref): the mapping domain's lock for a maptrack handle
//    (get_maptrack_handle: the lock and free-list head, the free entry another CPU's unmap put
//    back); the granting domain's lock to pin the active entry (its lock and active entry; the
//    shared entry the guest wrote is missed anyway); both locks to fill the maptrack entry
//    (double_gt_lock: their lock words);
//  - unmap (__gnttab_unmap_common and _complete): the mapping domain's lock to read the
//    maptrack entry; both locks to unpin (the granting domain's active entry, which a copy on
//    another CPU may have pinned since); the granting domain's lock to clear the shared entry's
//    flags; the mapping domain's lock to put the handle back (put_maptrack_handle);
//  - copy (__gnttab_copy): for each side that is a grant reference, the granting domain's lock
//    to acquire it (lock, active entry; the shared entry) and again to release it after the
//    memcpy. netback copies from a page it mapped from another guest through that guest's grant
//    (netbk_gop_frag_copy's PageForeign case), so a frame from guest to guest takes both guests'
//    locks.
// Before Xen 4.2 (xen.grantDomainLock, L6) do_grant_table_op holds the calling domain's
// domain_lock around the whole hypercall: once in Xen, each batch takes dom0's lock for the cost
// of all its ops (the trap into Xen and the return, COST_HYPERCALL, are outside it).
// The mapping domain is always dom0 (netback). Left out: the grant references themselves (no
// memory is modelled), the TLB flush an unmap implies beyond its per-op cost.

import {
  COMP_XEN, COMP_GRANT, COST_HYPERCALL, COST_GRANT_COPY_OP, COST_GRANT_COPY_PER_BYTE, COST_GRANT_MAP_OP,
  COST_GRANT_UNMAP_OP, ST_HYPERCALLS, ST_GRANT_COPY_OPS, ST_GRANT_MAP_OPS, ST_GRANT_UNMAP_OPS,
} from "../../src/abi/layout";
import { cost, costCycles, costTimes } from "../config";
import { statInc, statAdd } from "../stats";
import { charge } from "../cpu/account";
import {
  lockSectionAt, lockSectionPairs, gtLock, domainLocksOn, grantDomainLockOn, domainLockHypercall,
} from "./spinlock";

/** A copy side that is a local frame (DOMID_SELF), not a grant reference. */
export const GRANT_LOCAL: u32 = 0xffffffff;
/** Operations of one batch whose domains are recorded (netback's batches stay below it). */
const OPS_MAX: u32 = 1024;
const opSrc = new StaticArray<u32>(<i32>OPS_MAX);
const opDst = new StaticArray<u32>(<i32>OPS_MAX);
let nOps: u32 = 0;

/** The next operation of the batch being built: a copy from sd's grant (or GRANT_LOCAL) into
 *  dd's grant (or GRANT_LOCAL); for a map or unmap, dd is the granting domain. */
// @ts-ignore: decorator
@inline export function grantOp(sd: u32, dd: u32): void {
  if (!domainLocksOn() || nOps >= OPS_MAX) return;
  unchecked((opSrc[nOps] = sd));
  unchecked((opDst[nOps] = dd));
  nOps++;
}

/** One GNTTABOP_copy hypercall of `ops` copies moving `bytes` in all. */
export function grantCopyBatch(ops: u32, bytes: u64): void {
  statInc(ST_HYPERCALLS);
  statAdd(ST_GRANT_COPY_OPS, ops);
  charge(COMP_XEN, costCycles(COST_HYPERCALL));
  if (grantDomainLockOn()) {
    let work = <u64>(cost(COST_GRANT_COPY_OP) * <f64>ops + cost(COST_GRANT_COPY_PER_BYTE) * <f64>bytes);
    domainLockHypercall(work, COMP_GRANT);
  }
  if (nOps > 0) {
    let per = <u64>(cost(COST_GRANT_COPY_OP) + cost(COST_GRANT_COPY_PER_BYTE) * <f64>bytes / <f64>ops);
    // A batch of netback's copies has one side local and the other in one domain's grants (a
    // guest's receive buffers, or its transmit requests): that domain's lock, twice per copy.
    let sd0 = unchecked(opSrc[0]);
    let dd0 = unchecked(opDst[0]);
    let one = (sd0 == GRANT_LOCAL) != (dd0 == GRANT_LOCAL);
    for (let i: u32 = 1; one && i < nOps; i++) one = unchecked(opSrc[i]) == sd0 && unchecked(opDst[i]) == dd0;
    if (one && lockSectionPairs(gtLock(sd0 == GRANT_LOCAL ? dd0 : sd0), 1, per, nOps)) nOps = 0;
    for (let i: u32 = 0; i < nOps; i++) {
      let sd = unchecked(opSrc[i]);
      let dd = unchecked(opDst[i]);
      let at = per * <u64>i;
      if (sd != GRANT_LOCAL) lockSectionAt(gtLock(sd), 2, 1, COMP_GRANT, at);
      if (dd != GRANT_LOCAL) lockSectionAt(gtLock(dd), 2, 1, COMP_GRANT, at);
      if (sd != GRANT_LOCAL) lockSectionAt(gtLock(sd), 1, 0, COMP_GRANT, at + per);
      if (dd != GRANT_LOCAL) lockSectionAt(gtLock(dd), 1, 0, COMP_GRANT, at + per);
    }
    nOps = 0;
  }
  charge(COMP_GRANT, <u64>(cost(COST_GRANT_COPY_OP) * <f64>ops + cost(COST_GRANT_COPY_PER_BYTE) * <f64>bytes));
}

/** One GNTTABOP_map_grant_ref hypercall of `ops` maps by dom0. */
export function grantMapBatch(ops: u32): void {
  statInc(ST_HYPERCALLS);
  statAdd(ST_GRANT_MAP_OPS, ops);
  charge(COMP_XEN, costCycles(COST_HYPERCALL));
  if (grantDomainLockOn()) domainLockHypercall(costTimes(COST_GRANT_MAP_OP, ops), COMP_GRANT);
  if (nOps > 0) {
    let per = costCycles(COST_GRANT_MAP_OP);
    for (let i: u32 = 0; i < nOps; i++) {
      let rd = unchecked(opDst[i]);
      let at = per * <u64>i;
      lockSectionAt(gtLock(0), 2, 0, COMP_GRANT, at); // get_maptrack_handle
      lockSectionAt(gtLock(rd), 2, 1, COMP_GRANT, at); // pin the active entry
      lockSectionAt(gtLock(rd), 1, 0, COMP_GRANT, at + per); // double_gt_lock: fill the maptrack entry
      lockSectionAt(gtLock(0), 1, 0, COMP_GRANT, at + per);
    }
    nOps = 0;
  }
  charge(COMP_GRANT, costTimes(COST_GRANT_MAP_OP, ops));
}

/** One GNTTABOP_unmap_grant_ref hypercall of `ops` unmaps by dom0. */
export function grantUnmapBatch(ops: u32): void {
  statInc(ST_HYPERCALLS);
  statAdd(ST_GRANT_UNMAP_OPS, ops);
  charge(COMP_XEN, costCycles(COST_HYPERCALL));
  if (grantDomainLockOn()) domainLockHypercall(costTimes(COST_GRANT_UNMAP_OP, ops), COMP_GRANT);
  if (nOps > 0) {
    let per = costCycles(COST_GRANT_UNMAP_OP);
    for (let i: u32 = 0; i < nOps; i++) {
      let rd = unchecked(opDst[i]);
      let at = per * <u64>i;
      lockSectionAt(gtLock(0), 1, 0, COMP_GRANT, at); // read the maptrack entry
      lockSectionAt(gtLock(rd), 2, 0, COMP_GRANT, at); // double_gt_lock: unpin
      lockSectionAt(gtLock(0), 1, 0, COMP_GRANT, at);
      lockSectionAt(gtLock(rd), 1, 1, COMP_GRANT, at + per); // _complete: the shared entry's flags
      lockSectionAt(gtLock(0), 1, 0, COMP_GRANT, at + per); // put_maptrack_handle
    }
    nOps = 0;
  }
  charge(COMP_GRANT, costTimes(COST_GRANT_UNMAP_OP, ops));
}
