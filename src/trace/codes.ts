// The codes of the model's trace records (assembly/observe/trace.ts): record kinds, job kinds
// (assembly/cpu/vcpu.ts J_*), NAPI kinds (kernel/napi.ts) and the names of event-channel port kinds
// (xen/evtchn.ts). The trace writer and the page's timeline read records by them.

/** Record kinds. */
export const TR_JOB = 1;
export const TR_COUNTER = 2;
export const TR_DROP = 3;
export const TR_NOTIFY = 4;
export const TR_NIC_RX = 5;
export const TR_APP = 6;

// Job kinds (assembly/cpu/vcpu.ts J_*), NAPI kinds (kernel/napi.ts), port kinds (xen/evtchn.ts).
export const J_NONE = 0;
export const J_WAKE = 1;
export const J_NOTIFY = 2;
export const J_UPCALL = 3;
export const J_TIMER = 4;
export const J_NAPI = 5;
export const J_TASKLET = 6;
export const J_THREAD = 7;
export const J_SPIN = 8;
export const NAPI_NIC = 0;
export const NAPI_BACKLOG = 1;
export const NAPI_NETFRONT = 2;
export const NAPI_VF = 3;
export const NAPI_NETBACK = 4;
/** Handler names by port kind (PORT_PIRQ 0 ... PORT_NF_RX 8). */
export const PORT_HANDLERS = [
  "e1000 irq",
  "netif_be_int",
  "netfront irq",
  "IPI",
  "VF irq",
  "xenvif_tx_interrupt",
  "xennet_tx_interrupt",
  "xenvif_rx_interrupt",
  "xennet_rx_interrupt",
];
