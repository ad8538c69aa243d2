// Kernel and user threads that compete for a VCPU below softirq level: their ids.
//
// Thread ids: [0, G) netback kthreads "netback/<g>" (pvops netback_kthread mode, sources.md
// C3), [G, G+N) the application thread of guest g (recv() loop on its sockets), then one
// ksoftirqd per VCPU (run by model/sched.ts itself). What each thread does is reached through
// model/ops.ts; the runnable lists are per VCPU (cpu/vcpu.ts).

export let nKthreads: u32 = 0;
export let nAppThreads: u32 = 0;
export let hogThreadBase: u32 = 0;

export function threadIdsInit(groups: u32, guests: u32): void {
  nKthreads = groups;
  nAppThreads = guests;
}

export function kthreadId(grp: u32): u32 {
  return grp;
}
export function appThreadId(g: u32): u32 {
  return nKthreads + g;
}
export function threadCount(vcpus: u32): u32 {
  hogThreadBase = nKthreads + nAppThreads + vcpus;
  return nKthreads + nAppThreads + 2 * vcpus;
}
/** The busy-loop thread of VCPU v (valid after threadCount). */
export function hogThreadId(v: u32): u32 {
  return hogThreadBase + v;
}
