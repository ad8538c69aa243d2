// The host/Wasm ABI: codes of the enumerated configuration values, as written into the packed
// config buffer by the host (src/config/params.ts names the code of each allowed string) and
// compared against by the model (assembly/).
//
// Like layout.ts, this file is compiled by BOTH compilers, so it holds nothing but integer
// constants in the subset the two languages share (`export const NAME = <integer literal>;`).
// Adding a value: add its code here, name it in the parameter's encoding in params.ts (a test
// checks that every allowed string has a code), then compare against the constant in assembly/.

// nic.queueSelect -> CFG_QUEUE_SELECT: how a frame picks its RX queue.
export const QUEUE_SELECT_RSS = 0; // flow hash
export const QUEUE_SELECT_VMDQ = 1; // destination guest

// nic.itr.mode -> CFG_ITR_MODE: interrupt moderation.
export const ITR_MODE_OFF = 0; // one interrupt per event, no throttling
export const ITR_MODE_FIXED = 1; // a fixed minimum interval
export const ITR_MODE_DYNAMIC = 2; // e1000 InterruptThrottleRate=3 (dynamic conservative)

// netback.mode -> CFG_NETBACK_MODE: where netback's bottom halves run.
export const NETBACK_MODE_TASKLET = 0; // tasklets, run on the VCPU that scheduled them
export const NETBACK_MODE_KTHREAD = 1; // one kernel thread per group, bound to a dom0 VCPU
export const NETBACK_MODE_NAPI = 2; // Linux 3.12-3.14: per vif, guest TX in a NAPI poll, guest RX in a kthread

// cpu.creditDebit -> CFG_SCHED_CREDIT_DEBIT: how the credit scheduler charges the VCPU that runs.
export const CREDIT_DEBIT_TIMESTAMP = 0; // burn_credits: 10 credits per ms run, from time stamps (Xen 4.0 on)
export const CREDIT_DEBIT_TICK = 1; // a tick's 100 credits from the VCPU running at each 10 ms tick (Xen 3.0-3.4)

// guests.writerPlacement -> CFG_WRITER_PLACEMENT: the guest VCPU each TCP writer thread runs on.
export const WRITER_PLACEMENT_SPREAD = 0; // writer j of a guest on its VCPU j mod guests.vcpus
export const WRITER_PLACEMENT_APP = 1; // every writer on the application's VCPU (the guest's last)
export const WRITER_PLACEMENT_IRQ = 2; // every writer on the VCPU that takes netfront's interrupt (VCPU0)
export const WRITER_PLACEMENT_NONE = 3; // no writer threads: the copy is charged where the data is sent

// evtchn.dispatch -> CFG_DISPATCH: binding of vif event channels and NIC PIRQs to dom0 VCPUs.
// The static policies are resolved by the host into binding tables; the model acts only on DYNAMIC.
export const DISPATCH_VCPU0 = 0;
export const DISPATCH_ROUND_ROBIN = 1;
export const DISPATCH_GROUP_AFFINE = 2;
export const DISPATCH_DYNAMIC = 3;

// traffic.udp[].process -> UDP_PROCESS field of a UDP source record: inter-packet gaps.
export const UDP_PROCESS_CONSTANT = 0;
export const UDP_PROCESS_POISSON = 1; // exponential gaps
