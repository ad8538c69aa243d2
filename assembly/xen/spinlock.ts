// Xen's per-domain spinlocks on the paravirtual I/O path, as Xen 4.5 and earlier take them
// (sources.md L1-L5): every domain has ONE grant-table lock (struct grant_table's `lock`), taken
// by every grant map, unmap and copy that touches the domain's grants or, for the mapping
// domain, its maptrack free list; and ONE event lock (`d->event_lock`), taken by evtchn_send of
// the SENDING domain for the whole send. Xen 4.6 split them (per active entry, per event
// channel, per-VCPU maptrack lists) after they were measured to limit the aggregate throughput
// of many VMs (L3, L4); `xen.domainLocks = false` stands for that Xen.
//
// Models: a lock is a timeline of the intervals it is held, in time order. A VCPU entering a
// critical section at t (its job's start plus the cycles charged to the job so far) takes the
// first free stretch at or after t that holds the section; until then it spins (Xen 4.4's
// spin_lock: test, then test-and-set), and the spin is charged to it. The section is held for
// the cache lines it misses (costs.cacheLineTransferCycles each, sources.md P1):
//  - the lock word and the data the lock protects, when another CPU held the lock last (charged:
//    the instructions of a section on lines in its own cache are a few dozen cycles, left out);
//  - one more per release it spun through: at each release every spinning CPU re-reads the lock
//    word, so each hand-off takes as many transfers as CPUs wait, and a lock's throughput falls
//    as more CPUs contend for it (L5). The waiter's own part of each hand-off is charged to it;
//  - lines the section always misses (a grant entry the guest wrote), already in the
//    operation's own cost: they lengthen the hold, and are not charged again.
// A lock that only one VCPU can ever take costs nothing and is not tracked.
// Before Xen 4.2 (`xen.grantDomainLock`, sources.md L6) do_grant_table_op also holds the calling
// domain's domain_lock for the whole hypercall: dom0's one lock, held by a VCPU for the cost of
// all its batch's ops (every op and byte it copies; not the trap into Xen and the return),
// besides the lines above.
// Left out: the section's instructions, IPIs sent under the lock (vcpu_kick), sockets (every
// transfer is the same-socket figure), the finer locks of Xen 4.6 and later.

import {
  CFG_XEN_DOMAIN_LOCKS, CFG_XEN_GNTTAB_DOMAIN_LOCK, COST_CACHE_LINE_XFER, ST_XEN_LOCK_TAKES, ST_XEN_LOCK_SPINS, ST_XEN_LOCK_SPIN_CYCLES,
  ST_XEN_LOCK_LINES,
} from "../../src/abi/layout";
import { cfgU32, cost } from "../config";
import { statInc, statAdd } from "../stats";
import { charge, curV, jobCycles } from "../cpu/account";
import { eqNow } from "../base/eventq";
import { MEM_XEN as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";

/** Hold intervals a lock keeps (held now or reserved by jobs already composed): dom0's locks see
 *  the batches of every dom0 VCPU, a guest's only the operations on that guest's grants. */
const CAP_DOM0: u32 = 4096;
const CAP_GUEST: u32 = 512;
const NOBODY: u32 = 0xffffffff;

// A lock's own state is one 32-byte record (one cache line, read once per section):
// @ts-ignore: decorator
@inline const LK_BYTES: usize = 32;
// @ts-ignore: decorator
@inline const LK_TAIL_END: usize = 0; // u64: end of the latest interval ever recorded (0: none)
// @ts-ignore: decorator
@inline const LK_BASE: usize = 8; // u32: its first slot in the interval arrays
// @ts-ignore: decorator
@inline const LK_CAP: usize = 12; // u16: its slots
// @ts-ignore: decorator
@inline const LK_SHARED: usize = 14; // u16: 1 when more than one VCPU can take it
// @ts-ignore: decorator
@inline const LK_HEAD: usize = 16; // u32: first interval not yet pruned
// @ts-ignore: decorator
@inline const LK_COUNT: usize = 20; // u32: intervals not yet pruned
// @ts-ignore: decorator
@inline const LK_LAST: usize = 24; // u32: holder of the last interval pruned
// @ts-ignore: decorator
@inline const LK_TAIL_HOLDER: usize = 28; // u32: holder of the latest interval ever recorded

let on: bool = false;
let dl: bool = false; // dom0's domain_lock around each grant-table hypercall
let dlLock: u32 = 0; // its index, after the grant-table and event locks
let nDoms: u32 = 0;
let lkStart = new StaticArray<u64>(0); // [base + i]
let lkEnd = new StaticArray<u64>(0);
let lkHolder = new StaticArray<u32>(0);
let lkRecs = new StaticArray<u64>(0); // the locks' records, LK_BYTES each
let lkRec: usize = 0; // their address

/** The grant-table lock of domain d (0: dom0, 1 + i: guest i). */
// @ts-ignore: decorator
@inline export function gtLock(d: u32): u32 {
  return d;
}

/** The event lock of domain d. */
// @ts-ignore: decorator
@inline export function evLock(d: u32): u32 {
  return nDoms + d;
}

/**
 * doms domains (dom0 first); dom0 has dom0Vcpus VCPUs, each guest guestVcpus. A guest's grant
 * table is taken by dom0's VCPUs (netback's grant operations), dom0's by its own; each domain's
 * event lock by its own VCPUs.
 */
export function spinlockInit(doms: u32, dom0Vcpus: u32, guestVcpus: u32): void {
  on = cfgU32(CFG_XEN_DOMAIN_LOCKS) == 1;
  dl = cfgU32(CFG_XEN_GNTTAB_DOMAIN_LOCK) == 1;
  nDoms = doms;
  let n = on ? <i32>(2 * doms) : 0;
  dlLock = <u32>n;
  let slots = <i32>intervalSlots(doms, on, dl);
  if (dl) n++;
  lkStart = freshArray<u64>(slots);
  lkEnd = freshArray<u64>(slots);
  lkHolder = freshArray<u32>(slots);
  lkRecs = freshArray<u64>(n * <i32>(LK_BYTES >> 3));
  lkRec = changetype<usize>(lkRecs);
  let next: u32 = 0;
  for (let l: u32 = 0; l < <u32>n; l++) {
    let r = lkRec + <usize>l * LK_BYTES;
    let d = l == dlLock ? 0 : l % doms;
    let c = d == 0 ? CAP_DOM0 : CAP_GUEST;
    // a grant table is taken by dom0's VCPUs, an event lock by its own domain's, dom0's
    // domain_lock by dom0's (its grant-table hypercalls)
    let takers = l < doms || d == 0 ? dom0Vcpus : guestVcpus;
    store<u64>(r, 0, LK_TAIL_END);
    store<u32>(r, next, LK_BASE);
    store<u16>(r, <u16>c, LK_CAP);
    store<u16>(r, takers > 1 ? 1 : 0, LK_SHARED);
    store<u32>(r, 0, LK_HEAD);
    store<u32>(r, 0, LK_COUNT);
    store<u32>(r, NOBODY, LK_LAST);
    store<u32>(r, NOBODY, LK_TAIL_HOLDER);
    next += c;
  }
}

/** Interval slots of all locks of `doms` domains. */
function intervalSlots(doms: u32, enabled: bool, domainLock: bool): u64 {
  return (enabled ? 2 * (<u64>CAP_DOM0 + <u64>(doms - 1) * <u64>CAP_GUEST) : 0) + (domainLock ? <u64>CAP_DOM0 : 0);
}

/** Tallies the bytes spinlockInit allocates. */
export function spinlockMemory(doms: u64, enabled: bool, domainLock: bool): void {
  let n: u64 = (enabled ? 2 * doms : 0) + (domainLock ? 1 : 0);
  let slots = intervalSlots(<u32>doms, enabled, domainLock);
  memArrays(MEM_PART, slots, 8, 2);
  memArrays(MEM_PART, slots, 4);
  memArrays(MEM_PART, n * (LK_BYTES >> 3), 8);
}

/** Whether the per-domain locks are modelled. */
// @ts-ignore: decorator
@inline export function domainLocksOn(): bool {
  return on;
}

/** Whether dom0's grant-table hypercalls hold its domain_lock (Xen 4.1 and earlier). */
// @ts-ignore: decorator
@inline export function grantDomainLockOn(): bool {
  return dl;
}

/**
 * The current VCPU, in Xen for a grant-table hypercall, takes dom0's domain_lock at its job's
 * current point for the hypercall's ops, whose cost is `batch` cycles (charged by the caller
 * after; the trap into Xen and the return are not under the lock): it spins while
 * another VCPU's hypercall holds it (charged to comp), and holds it for the batch and the lock's
 * line when that comes over from another CPU (sources.md L6).
 */
export function domainLockHypercall(batch: u64, comp: i32): void {
  let r = lkRec + <usize>dlLock * LK_BYTES;
  if (!load<u16>(r, LK_SHARED)) return;
  lockSectionSlow(r, curV, eqNow + jobCycles, 1, 0, comp, batch);
}

/**
 * The current VCPU enters a critical section of `lock`, `at` cycles after what is charged to
 * its job so far (its place in a batch whose cost is charged after), charged to component comp:
 * `lines` cache lines (the lock word and its data) come over when another CPU held it last,
 * `missLines` are missed whoever held it (already in the operation's cost).
 */
export function lockSectionAt(lock: u32, lines: u32, missLines: u32, comp: i32, at: u64): void {
  let r = lkRec + <usize>lock * LK_BYTES;
  if (!load<u16>(r, LK_SHARED)) return;
  let v = curV;
  let now = eqNow;
  let t = now + jobCycles + at;
  let h = load<u32>(r, LK_HEAD);
  let n = load<u32>(r, LK_COUNT);
  let end = h + n;
  let cap = <u32>load<u16>(r, LK_CAP);
  if (load<u64>(r, LK_TAIL_END) <= t && end < cap) {
    // After every recorded interval (nearly every section): no wait, the previous holder is the
    // latest one, and the hold goes at the end. Intervals already over are left for a later
    // section to prune: pruning changes nothing a section sees, and these fit anyway.
    let prev = load<u32>(r, LK_TAIL_HOLDER);
    let own = prev != v ? lines : 0;
    let xfer = cost(COST_CACHE_LINE_XFER);
    let hold: u64 = own + missLines ? <u64>(<f64>(own + missLines) * xfer) : 0;
    statInc(ST_XEN_LOCK_TAKES);
    if (own) {
      statAdd(ST_XEN_LOCK_LINES, <u64>own);
      let mine = <u64>(<f64>own * xfer);
      if (mine > 0) charge(comp, mine);
    }
    let k = load<u32>(r, LK_BASE) + end;
    let e = t + hold;
    unchecked((lkStart[k] = t));
    unchecked((lkEnd[k] = e));
    unchecked((lkHolder[k] = v));
    store<u32>(r, n + 1, LK_COUNT);
    store<u64>(r, e, LK_TAIL_END);
    store<u32>(r, v, LK_TAIL_HOLDER);
    return;
  }
  lockSectionSlow(r, v, t, lines, missLines, comp);
}

/** Hold of a section that misses `lines` cache lines, in cycles: as lockSectionAt computes it. */
// @ts-ignore: decorator
@inline function holdFor(lines: u32, xfer: f64): u64 {
  return lines ? <u64>(<f64>lines * xfer) : 0;
}

/**
 * The current VCPU takes `lock` twice for each of `n` operations of a batch, as the calls
 * lockSectionAt(lock, lines1, miss, comp, i * per) and lockSectionAt(lock, lines2, 0, comp, i * per
 * + per), i = 0 .. n-1 in that order, would: a grant copy batch into (or from) one domain's grants
 * takes that domain's lock to acquire each grant and again to release it. When this VCPU held the
 * lock last and the batch's sections follow one another (each starts when or after the one
 * before ends, and the lock's slots hold them all), every one of those calls would take the
 * short path with no line coming over (so lines1, lines2 and comp do not matter, and nothing is
 * charged): the holds are then written here in one loop and true is returned. Otherwise nothing
 * is done and false is returned, and the caller makes the calls.
 */
export function lockSectionPairs(lock: u32, miss: u32, per: u64, n: u32): bool {
  let r = lkRec + <usize>lock * LK_BYTES;
  if (!load<u16>(r, LK_SHARED) || n == 0) return true;
  let v = curV;
  if (load<u32>(r, LK_TAIL_HOLDER) != v) return false;
  let h1 = holdFor(miss, cost(COST_CACHE_LINE_XFER)); // the second section holds it for no time
  let t = eqNow + jobCycles;
  let head = load<u32>(r, LK_HEAD);
  let count = load<u32>(r, LK_COUNT);
  let end = head + count;
  if (load<u64>(r, LK_TAIL_END) > t || h1 > per || <u64>end + 2 * <u64>n > <u64>load<u16>(r, LK_CAP)) return false;
  let k = <usize>(load<u32>(r, LK_BASE) + end);
  let sa = changetype<usize>(lkStart) + (k << 3);
  let ea = changetype<usize>(lkEnd) + (k << 3);
  let ha = changetype<usize>(lkHolder) + (k << 2);
  for (let i: u32 = 0; i < n; i++) {
    store<u64>(sa, t);
    store<u64>(ea, t + h1);
    store<u32>(ha, v);
    t += per;
    store<u64>(sa, t, 8);
    store<u64>(ea, t, 8);
    store<u32>(ha, v, 4);
    sa += 16;
    ea += 16;
    ha += 8;
  }
  store<u32>(r, count + 2 * n, LK_COUNT);
  store<u64>(r, t, LK_TAIL_END);
  statAdd(ST_XEN_LOCK_TAKES, 2 * <u64>n);
  return true;
}

/** lockSectionAt when the section may overlap a recorded interval or the lock's slots run out
 *  (and every section held `extra` cycles beyond its lines: a domain_lock hypercall). */
function lockSectionSlow(r: usize, v: u32, t: u64, lines: u32, missLines: u32, comp: i32, extra: u64 = 0): void {
  let base = load<u32>(r, LK_BASE);
  let cap = <u32>load<u16>(r, LK_CAP);
  let h = load<u32>(r, LK_HEAD);
  let n = load<u32>(r, LK_COUNT);
  let now = eqNow;
  // Intervals over before this instant can no longer matter but for the holder of the last of
  // them. Their ends are in order (intervals never overlap), so they are a prefix, found by a
  // binary search: the short path leaves them all to this one, hundreds at a time.
  if (n > 0 && unchecked(lkEnd[base + h]) <= now) {
    let lo = h + 1;
    let hi = h + n;
    while (lo < hi) {
      let mid = (lo + hi) >> 1;
      if (unchecked(lkEnd[base + mid]) <= now) lo = mid + 1;
      else hi = mid;
    }
    store<u32>(r, unchecked(lkHolder[base + lo - 1]), LK_LAST);
    n -= lo - h;
    h = lo;
  }
  if (n == 0) h = 0;
  let end = h + n;
  // First interval still held at t (ends are in order: intervals never overlap). Most sections
  // come after every recorded one: then it is `end`, found without a search.
  let lo = end;
  if (n > 0 && unchecked(lkEnd[base + end - 1]) > t) {
    lo = h;
    let hi = end;
    while (lo < hi) {
      let mid = (lo + hi) >> 1;
      if (unchecked(lkEnd[base + mid]) <= t) lo = mid + 1;
      else hi = mid;
    }
  }
  let prev = lo > h ? unchecked(lkHolder[base + lo - 1]) : load<u32>(r, LK_LAST);
  let xfer = cost(COST_CACHE_LINE_XFER);
  let s = t;
  let released: u32 = 0; // releases spun through
  let selfWait: u64 = 0; // time in this VCPU's own earlier sections (its work, charged with the operation)
  let i = lo;
  let hold: u64 = 0;
  while (true) {
    let own = prev != v ? lines : 0;
    hold = <u64>(<f64>(own + released + missLines) * xfer) + extra;
    if (i == end || s + hold <= unchecked(lkStart[base + i])) break;
    // Held at s, or free too briefly: wait until this interval's release; spin if another
    // CPU holds it (the misses of this VCPU's own previous section are part of its own work).
    let e = unchecked(lkEnd[base + i]);
    prev = unchecked(lkHolder[base + i]);
    if (prev == v) selfWait += e - (s > unchecked(lkStart[base + i]) ? s : unchecked(lkStart[base + i]));
    else released++;
    s = e;
    i++;
  }
  let own = prev != v ? lines : 0;
  let spin = s - t - selfWait;
  let mine = <u64>(<f64>(own + released) * xfer);
  statInc(ST_XEN_LOCK_TAKES);
  if (spin > 0) {
    statInc(ST_XEN_LOCK_SPINS);
    statAdd(ST_XEN_LOCK_SPIN_CYCLES, spin);
  }
  if (own + released > 0) statAdd(ST_XEN_LOCK_LINES, <u64>(own + released));
  if (spin + mine > 0) charge(comp, spin + mine);
  // Record the hold, in time order.
  if (n == cap) {
    store<u32>(r, h, LK_HEAD);
    store<u32>(r, n, LK_COUNT);
    return; // full: this section is charged but not recorded
  }
  if (end == cap) {
    // Compact the live intervals to the start of the lock's block.
    for (let j: u32 = 0; j < n; j++) {
      unchecked((lkStart[base + j] = lkStart[base + h + j]));
      unchecked((lkEnd[base + j] = lkEnd[base + h + j]));
      unchecked((lkHolder[base + j] = lkHolder[base + h + j]));
    }
    i -= h;
    h = 0;
    end = n;
  }
  if (i < end) {
    // Make room at i: the later intervals move up one slot.
    let k = <usize>(end - i);
    let at = <usize>(base + i);
    memory.copy(changetype<usize>(lkStart) + ((at + 1) << 3), changetype<usize>(lkStart) + (at << 3), k << 3);
    memory.copy(changetype<usize>(lkEnd) + ((at + 1) << 3), changetype<usize>(lkEnd) + (at << 3), k << 3);
    memory.copy(changetype<usize>(lkHolder) + ((at + 1) << 2), changetype<usize>(lkHolder) + (at << 2), k << 2);
  } else {
    // The latest interval now.
    store<u64>(r, s + hold, LK_TAIL_END);
    store<u32>(r, v, LK_TAIL_HOLDER);
  }
  unchecked((lkStart[base + i] = s));
  unchecked((lkEnd[base + i] = s + hold));
  unchecked((lkHolder[base + i] = v));
  store<u32>(r, h, LK_HEAD);
  store<u32>(r, n + 1, LK_COUNT);
}
