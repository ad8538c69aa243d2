// Event targets: what a popped event means. A target is (kind << 24) | index, so one u32 names
// both the handler and the component instance. Kinds are few and named here in one place; the
// host names the per-kind event counters by the same codes (src/abi/layout.ts EVK_*, checked equal
// by test/abi.test.ts).

export const EV_KIND_SHIFT: u32 = 24;
export const EV_INDEX_MASK: u32 = (1 << 24) - 1;

export const EV_VCPU_DONE: u32 = 1 << 24; // the job running on VCPU i finished
export const EV_VCPU_WAKE: u32 = 2 << 24; // blocked VCPU i is scheduled in
export const EV_LINK: u32 = 3 << 24; // head frame of link i reaches the far end
export const EV_NIC_IRQ: u32 = 4 << 24; // NIC RX queue i may raise its interrupt (ITR spacing); i >= the PF's queues: VF i - queues
export const EV_NIC_TXDONE: u32 = 5 << 24; // port i's oldest TX descriptor completed; i >= ports: VF i - ports
export const EV_TIMER: u32 = 6 << 24; // timer slot i may have expired
export const EV_UDP: u32 = 7 << 24; // UDP source i emits its next packet
export const EV_REBALANCE: u32 = 8 << 24; // periodic event-channel rebalancing
export const EV_RR: u32 = 9 << 24; // request/response client i sends, or its retransmission timer expires
export const EV_SCHED_TICK: u32 = 10 << 24; // the credit scheduler's 10 ms tick (index 0: every PCPU at once)
export const EV_SCHED_SLICE: u32 = 11 << 24; // PCPU i's time slice may have ended
// With the credit scheduler the VCPU events have kinds of their own, so the engine sends them to
// the scheduler's handlers and the pinned handlers above stay free of any scheduler test.
export const EV_VCPU_DONE_CREDIT: u32 = 12 << 24; // as EV_VCPU_DONE, VCPUs sharing PCPUs
export const EV_VCPU_WAKE_CREDIT: u32 = 13 << 24; // as EV_VCPU_WAKE, VCPUs sharing PCPUs
