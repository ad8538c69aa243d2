// The switches from a kernel mechanism to its client: the only place where a generic mechanism
// (NAPI, tasklets, timers, event channels, threads, the end of a job) reaches the component
// code it runs. In C these are function pointers (napi_struct.poll, tasklet_struct.func,
// timer_list.function, the IRQ handler, the kthread function); here each is a direct call in a
// small switch on the kind the client registered with, because an indirect call (call_indirect)
// measured 10-40% slower on the hot path. Adding a client means adding a kind constant in the
// mechanism's file and a case here; mechanisms themselves never import a component.

import {
  NAPI_NIC, NAPI_BACKLOG, NAPI_NETFRONT, NAPI_VF, napiKind, napiArg, napiQuota, napiPollBegin, napiPollWork, napiPollExhausted,
  napiPollEnd,
} from "../kernel/napi";
import { TASKLET_NB_RX, TASKLET_NB_TX, TASKLET_TSQ, taskletFunc, taskletArg, taskletDone, taskletMigrated } from "../kernel/tasklet";
import { TM_TCP_RTO, TM_TCP_DELACK, TM_NB_COALESCE, TM_EXT_RX_POLL, timerKind, timerArg } from "../kernel/timers";
import { nKthreads, nAppThreads, writerThreadBase, nWriterThreads, hogThreadBase, dom0ReaderBase } from "../kernel/threads";
import {
  PORT_PIRQ, PORT_NB, PORT_NF, PORT_VF, PORT_IPI, PORT_NB_TX, PORT_NF_TX, PORT_NB_RX, portKindOf, portArgOf,
} from "../xen/evtchn";
import { nicIrqStart, nicIsr, nicPollStart, nicPollFinish } from "../hw/nic";
import { backlogPollStart, backlogPollFinish } from "../dom0/bridge";
import { vfIrqStart, vfIsr, vfPollStart, vfPollFinish } from "../hw/vf";
import { netbackIpiStart, netbackIpi, stateFromOtherCpu } from "../netback/common";
import { netbackRxStart, netbackRxFinish } from "../netback/rx";
import { netbackInterruptStart, netbackInterrupt, netbackTxStart, netbackTxFinish } from "../netback/tx";
import { netbackCoalesceTimerFinish } from "../netback/coalesce";
import { netbackKthreadStart, netbackKthreadFinish, netbackKthreadHasWork } from "../netback/kthread";
import { netbackTxIrq, netbackRxIrq, netbackPollStart, netbackPollFinish } from "../netback/napi";
import {
  netfrontInterruptStart, netfrontInterruptFinish, netfrontPollStart, netfrontPollFinish, netfrontFlushStaged,
  netfrontTxInterruptFinish, netfrontRxInterruptStart, netfrontRxInterruptFinish,
} from "../netfront/netfront";
import { appStart, appFinish, appHasWork } from "../guest/stack";
import { hogStart, hogHasWork } from "../guest/hog";
import { dom0ReaderStart, dom0ReaderFinish, dom0ReaderHasWork, dom0FlushStaged } from "../dom0/stack";
import { anyToDom0 } from "../flows";
import { tcpOnRto } from "../traffic/tcp/rto";
import { tcpWriterStart, tcpWriterFinish, tcpWriterHasWork } from "../traffic/tcp/writer";
import { tcpDelackFire } from "../traffic/tcp/receiver";
import { tcpTsqTasklet } from "../traffic/tcp/sender";
import { groPoll } from "../traffic/gro";

// ---- IRQ handlers (event-channel ports) --------------------------------------------------------

/** Upcall on v takes port p: the handler's work is charged to the upcall job. Inlined into the
 *  job selection (model/sched.ts), its one caller, as the end below is into the end of a job. */
// @ts-ignore: decorator
@inline export function opsIrqStart(v: u32, p: u32): void {
  let k = portKindOf(p);
  let a = portArgOf(p);
  if (k == PORT_PIRQ) nicIrqStart(v, a);
  else if (k == PORT_NB) netbackInterruptStart(v, a);
  else if (k == PORT_NF) netfrontInterruptStart(v, a);
  else if (k == PORT_VF) vfIrqStart(v, a);
  else if (k == PORT_IPI) netbackIpiStart(v);
  // Split event channels: each ring's channel has its own handler at each end.
  else if (k == PORT_NB_TX || k == PORT_NB_RX) netbackInterruptStart(v, a);
  else if (k == PORT_NF_TX) netfrontInterruptStart(v, a);
  else netfrontRxInterruptStart(v, a);
}

/** ... and its effects apply when the upcall job ends. */
// @ts-ignore: decorator
@inline export function opsIrqFinish(v: u32, p: u32): void {
  let k = portKindOf(p);
  let a = portArgOf(p);
  if (k == PORT_PIRQ) nicIsr(v, a);
  else if (k == PORT_NB) netbackInterrupt(v, a);
  else if (k == PORT_NF) netfrontInterruptFinish(v, a);
  else if (k == PORT_VF) vfIsr(v, a);
  else if (k == PORT_IPI) netbackIpi(v);
  else if (k == PORT_NB_TX) netbackTxIrq(v, a);
  else if (k == PORT_NB_RX) netbackRxIrq(v, a);
  else if (k == PORT_NF_TX) netfrontTxInterruptFinish(v, a);
  else netfrontRxInterruptFinish(v, a);
}

// ---- timer functions ---------------------------------------------------------------------------

/** TIMER softirq on v starts handling expired slot t (charges the function's work). */
export function opsTimerStart(v: u32, t: u32): void {
  let k = timerKind(t);
  if (k == TM_TCP_RTO) tcpOnRto(timerArg(t));
  else if (k == TM_TCP_DELACK) tcpDelackFire(timerArg(t));
}

/** ... and applies its effects when the job ends. */
export function opsTimerFinish(v: u32, t: u32): void {
  if (timerKind(t) == TM_NB_COALESCE) netbackCoalesceTimerFinish(v, timerArg(t));
}

/** An external host's timer expired (no CPU model there): its function runs now. */
export function opsTimerExternal(t: u32): void {
  let k = timerKind(t);
  if (k == TM_TCP_RTO) tcpOnRto(timerArg(t));
  else if (k == TM_TCP_DELACK) tcpDelackFire(timerArg(t));
  else if (k == TM_EXT_RX_POLL) groPoll(timerArg(t));
}

// ---- NAPI poll functions -----------------------------------------------------------------------

/** Starts one poll of n on v with at most `budgetLeft` packets. Returns the packets it takes.
 *  Inlined into its one caller (model/sched.ts), as are the other one-caller switches here. */
// @ts-ignore: decorator
@inline export function opsNapiPoll(v: u32, n: u32, budgetLeft: u32): u32 {
  let quota = napiQuota(n, budgetLeft);
  let kind = napiKind(n);
  let arg = napiArg(n);
  let work: u32 = 0;
  if (kind == NAPI_NIC) work = nicPollStart(v, arg, quota);
  else if (kind == NAPI_BACKLOG) work = backlogPollStart(v, arg, quota);
  else if (kind == NAPI_NETFRONT) work = netfrontPollStart(v, arg, quota);
  else if (kind == NAPI_VF) work = vfPollStart(v, arg, quota);
  else work = netbackPollStart(v, arg, quota);
  napiPollBegin(n, quota, work);
  return work;
}

/** Ends the poll: the poll function applies its effects and says whether it completed. Inlined
 *  into the end of a job (model/sched.ts), its one caller. */
// @ts-ignore: decorator
@inline export function opsNapiFinish(v: u32, n: u32): void {
  let kind = napiKind(n);
  let arg = napiArg(n);
  let work = napiPollWork(n);
  let exhausted = napiPollExhausted(n);
  let complete = false;
  if (kind == NAPI_NIC) complete = nicPollFinish(v, arg, work, exhausted);
  else if (kind == NAPI_BACKLOG) complete = backlogPollFinish(v, arg, work, exhausted);
  else if (kind == NAPI_NETFRONT) complete = netfrontPollFinish(v, arg, work, exhausted);
  else if (kind == NAPI_VF) complete = vfPollFinish(v, arg, work, exhausted);
  else complete = netbackPollFinish(v, arg, work, exhausted);
  napiPollEnd(v, n, complete);
}

// ---- tasklet functions -------------------------------------------------------------------------

/** tasklet_action on v runs claimed tasklet t (charges its work). */
export function opsTaskletRun(v: u32, t: u32): void {
  let func = taskletFunc(t);
  if (func == TASKLET_TSQ) {
    tcpTsqTasklet(v);
    return;
  }
  if (taskletMigrated) stateFromOtherCpu();
  if (func == TASKLET_NB_RX) netbackRxStart(v, taskletArg(t));
  else netbackTxStart(v, taskletArg(t));
}

/** The tasklet's job ends: its effects, then TASKLET_STATE_RUN is cleared. */
export function opsTaskletFinish(v: u32, t: u32): void {
  let func = taskletFunc(t);
  if (func == TASKLET_NB_RX) netbackRxFinish(v, taskletArg(t));
  else if (func == TASKLET_NB_TX) netbackTxFinish(v, taskletArg(t));
  taskletDone(t);
}

// ---- thread functions ----------------------------------------------------------------------------

/** One turn of thread t on v; false if it had nothing to do. */
export function opsThreadStart(v: u32, t: u32): bool {
  if (t < nKthreads) return netbackKthreadStart(v, t);
  if (t < nKthreads + nAppThreads) return appStart(v, t - nKthreads);
  if (t >= dom0ReaderBase) return dom0ReaderStart(v, t - dom0ReaderBase);
  if (t - writerThreadBase < nWriterThreads) return tcpWriterStart(v, t - writerThreadBase);
  if (t >= hogThreadBase) return hogStart(v);
  return false;
}

export function opsThreadFinish(v: u32, t: u32): void {
  if (t < nKthreads) netbackKthreadFinish(v, t);
  else if (t < nKthreads + nAppThreads) appFinish(v, t - nKthreads);
  else if (t >= dom0ReaderBase) dom0ReaderFinish(v, t - dom0ReaderBase);
  else if (t - writerThreadBase < nWriterThreads) tcpWriterFinish(t - writerThreadBase);
}

/** Whether thread t has work left (it then goes back to the runnable list's tail). */
export function opsThreadRunnable(t: u32): bool {
  if (t < nKthreads) return netbackKthreadHasWork(t);
  if (t < nKthreads + nAppThreads) return appHasWork(t - nKthreads);
  if (t >= dom0ReaderBase) return dom0ReaderHasWork(t - dom0ReaderBase);
  if (t - writerThreadBase < nWriterThreads) return tcpWriterHasWork(t - writerThreadBase);
  if (t >= hogThreadBase) return hogHasWork(t - hogThreadBase);
  return false;
}

// ---- end of a job ----------------------------------------------------------------------------------

/** A job on v (of domain `dom`, 0 = dom0) ended: packets the guest stack produced during the
 *  job leave through netfront now; on dom0, the ACKs its own TCP sent go to the vifs, the readers
 *  it gave data wake, and the guest pages its freed skbs held go back to netback. */
// @ts-ignore: decorator
@inline export function opsJobEnd(v: u32, dom: u32): void {
  if (dom > 0) netfrontFlushStaged(v, dom - 1);
  else if (anyToDom0) dom0FlushStaged(v);
}
