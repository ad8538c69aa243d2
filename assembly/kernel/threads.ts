// Kernel and user threads that compete for a VCPU below softirq level.
//
// Thread ids: [0, G) netback kthreads "netback/<g>" (pvops netback_kthread mode, sources.md
// C3), [G, G+N) the application thread of guest g (recv() loop on its sockets), then one
// ksoftirqd per VCPU (handled by the VCPU model itself).

import { netbackKthreadStart, netbackKthreadFinish, netbackKthreadHasWork } from "../netback/netback";
import { appStart, appFinish, appHasWork } from "../guest/stack";

let nGroups: u32 = 0;
let nGuests: u32 = 0;

export function threadIdsInit(groups: u32, guests: u32): void {
  nGroups = groups;
  nGuests = guests;
}

export function kthreadId(grp: u32): u32 {
  return grp;
}
export function appThreadId(g: u32): u32 {
  return nGroups + g;
}
export function ksoftirqdId(v: u32): u32 {
  return nGroups + nGuests + v;
}
export function threadCount(vcpus: u32): u32 {
  return nGroups + nGuests + vcpus;
}

export function threadStart(v: u32, t: u32): bool {
  if (t < nGroups) return netbackKthreadStart(v, t);
  if (t < nGroups + nGuests) return appStart(v, t - nGroups);
  return false;
}

export function threadFinish(v: u32, t: u32): void {
  if (t < nGroups) netbackKthreadFinish(v, t);
  else if (t < nGroups + nGuests) appFinish(v, t - nGroups);
}

export function threadRunnable(t: u32): bool {
  if (t < nGroups) return netbackKthreadHasWork(t);
  if (t < nGroups + nGuests) return appHasWork(t - nGroups);
  return false;
}
