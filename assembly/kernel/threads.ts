// Kernel and user threads that compete for a VCPU below softirq level: their ids.
//
// Thread ids: [0, G) netback kthreads "netback/<g>" (pvops netback_kthread mode, sources.md
// C3), [G, G+N) the application thread of guest g (recv() loop on its sockets), [G+N, G+N+Wr)
// the writer threads of the guests' TCP streams when they have them (one per stream a guest sends,
// write() in a loop: traffic/tcp/writer.ts), then one ksoftirqd per VCPU (run by model/sched.ts
// itself), the busy loop of each VCPU, then, when some guest sends TCP to dom0, the receiving
// process in dom0 of each guest's streams (dom0/stack.ts). What each thread does is reached
// through model/ops.ts; the runnable lists are per VCPU (cpu/vcpu.ts).

export let nKthreads: u32 = 0;
export let nAppThreads: u32 = 0;
export let writerThreadBase: u32 = 0;
export let nWriterThreads: u32 = 0;
export let hogThreadBase: u32 = 0;
/** First id of the dom0 receiving processes (one per guest; the thread count when there are none). */
export let dom0ReaderBase: u32 = 0;
let nDom0Readers: u32 = 0;

export function threadIdsInit(groups: u32, guests: u32, dom0Readers: bool = false, writers: u32 = 0): void {
  nKthreads = groups;
  nAppThreads = guests;
  nDom0Readers = dom0Readers ? guests : 0;
  writerThreadBase = groups + guests;
  nWriterThreads = writers;
}

export function kthreadId(grp: u32): u32 {
  return grp;
}
export function appThreadId(g: u32): u32 {
  return nKthreads + g;
}
/** The thread of writer k (in flow order over the guests' sent streams). */
export function writerThreadId(k: u32): u32 {
  return writerThreadBase + k;
}
/** The first ksoftirqd's id (valid after threadIdsInit). */
export function ksoftirqdBase(): u32 {
  return writerThreadBase + nWriterThreads;
}
export function threadCount(vcpus: u32): u32 {
  hogThreadBase = ksoftirqdBase() + vcpus;
  dom0ReaderBase = ksoftirqdBase() + 2 * vcpus;
  return dom0ReaderBase + nDom0Readers;
}
/** The dom0 process that reads guest g's streams to dom0 (valid after threadCount). */
export function dom0ReaderId(g: u32): u32 {
  return dom0ReaderBase + g;
}
/** The busy-loop thread of VCPU v (valid after threadCount). */
export function hogThreadId(v: u32): u32 {
  return hogThreadBase + v;
}
