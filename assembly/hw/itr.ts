// e1000 interrupt throttling (ITR; e1000_main.c e1000_update_itr / e1000_set_itr; sources.md
// H1, H2): the minimum spacing between a NIC queue's interrupts.
//
// Models: off, a fixed interval, or e1000's dynamic conservative mode (itr=3): at each NAPI
// completion e1000_update_itr classifies the traffic seen since the last update as lowest /
// low / bulk latency (separately for RX and for the TX completions the queue cleans), the
// higher class wins, conservative mode never uses lowest, and e1000_set_itr moves the rate to
// 20000 (low) or 4000 (bulk) interrupts/s, smoothing increases in +1/4 steps. The NIC
// (nic.ts) counts what it sees and asks for the interval.
// Left out: itr=1 (dynamic with lowest latency), per-adapter instead of per-queue rates on
// older parts.

import { ITR_MODE_FIXED, ITR_MODE_DYNAMIC } from "../../src/abi/enums";
import { MEM_NIC as MEM_PART } from "../../src/abi/layout";
import { memArrays, freshArray } from "../base/memory";

const ITR_LOWEST: u8 = 0;
const ITR_LOW: u8 = 1;
const ITR_BULK: u8 = 2;

let cpuHz: u64 = 0;
/** The configured mode (ITR_MODE_* of src/abi/enums.ts). */
export let itrMode: u32 = 0;
let itrInterval = new StaticArray<u64>(0);
let itrRate = new StaticArray<u32>(0);
let rxItrState = new StaticArray<u8>(0);
let txItrState = new StaticArray<u8>(0);
let rxPktsSince = new StaticArray<u32>(0);
let rxBytesSince = new StaticArray<u32>(0);
let txPktsSince = new StaticArray<u32>(0);
let txBytesSince = new StaticArray<u32>(0);

/** `queues` RX queues on `ports` ports; `fixedInterval` cycles in fixed mode. */
export function itrInit(queues: u32, ports: u32, mode: u32, fixedInterval: u64, hz: u64): void {
  cpuHz = hz;
  itrMode = mode;
  let nq = <i32>queues;
  itrInterval = freshArray<u64>(nq);
  itrRate = freshArray<u32>(nq);
  rxItrState = freshArray<u8>(nq);
  txItrState = freshArray<u8>(nq);
  rxPktsSince = freshArray<u32>(nq);
  rxBytesSince = freshArray<u32>(nq);
  txPktsSince = freshArray<u32>(<i32>ports);
  txBytesSince = freshArray<u32>(<i32>ports);
  for (let q = 0; q < nq; q++) {
    unchecked((rxItrState[q] = ITR_LOW));
    unchecked((txItrState[q] = ITR_LOW));
    // e1000 starts dynamic mode at 20000 ints/s (sources.md H1).
    let interval: u64 = 0;
    if (mode == ITR_MODE_FIXED) interval = fixedInterval;
    else if (mode == ITR_MODE_DYNAMIC) {
      unchecked((itrRate[q] = 20000));
      interval = hz / 20000;
    }
    unchecked((itrInterval[q] = interval));
  }
}

/** Tallies the bytes itrInit(queues, ports, ...) allocates. */
export function itrMemory(queues: u64, ports: u64): void {
  memArrays(MEM_PART, queues, 8);
  memArrays(MEM_PART, queues, 4, 3);
  memArrays(MEM_PART, queues, 1, 2);
  memArrays(MEM_PART, ports, 4, 2);
}

/** Minimum cycles between two interrupts of queue q. */
// @ts-ignore: decorator
@inline export function itrSpacing(q: u32): u64 {
  return unchecked(itrInterval[q]);
}

/** RX frames (and their wire bytes) queue q's poll took. */
export function itrCountRx(q: u32, packets: u32, bytes: u32): void {
  unchecked((rxPktsSince[q] = unchecked(rxPktsSince[q]) + packets));
  unchecked((rxBytesSince[q] = unchecked(rxBytesSince[q]) + bytes));
}

/** TX descriptors (and their wire bytes) cleaned on `port`. */
export function itrCountTx(port: u32, packets: u32, bytes: u32): void {
  unchecked((txPktsSince[port] = unchecked(txPktsSince[port]) + packets));
  unchecked((txBytesSince[port] = unchecked(txBytesSince[port]) + bytes));
}

/** e1000_update_itr: the latency class for the traffic seen since the last update. */
export function itrClassify(state: u8, packets: u32, bytes: u32): u8 {
  if (packets == 0) return state;
  let per = bytes / packets;
  let r = state;
  if (state == ITR_LOWEST) {
    if (per > 8000) r = ITR_BULK;
    else if (packets < 5 && bytes > 512) r = ITR_LOW;
  } else if (state == ITR_LOW) {
    if (bytes > 10000) {
      if (per > 8000) r = ITR_BULK;
      else if (packets < 10 || per > 1200) r = ITR_BULK;
      else if (packets > 35) r = ITR_LOWEST;
    } else if (per > 2000) r = ITR_BULK;
    else if (packets <= 2 && bytes < 512) r = ITR_LOWEST;
  } else {
    if (bytes > 25000) {
      if (packets > 35) r = ITR_LOW;
    } else if (bytes < 6000) r = ITR_LOW;
  }
  return r;
}

/** e1000_set_itr (conservative mode, itr=3) at queue q's NAPI completion; `cleansTx` when q
 *  is the queue that cleans `port`'s TX descriptors. */
export function itrUpdate(q: u32, port: u32, cleansTx: bool): void {
  let rs = itrClassify(unchecked(rxItrState[q]), unchecked(rxPktsSince[q]), unchecked(rxBytesSince[q]));
  let ts = unchecked(txItrState[q]);
  if (cleansTx) ts = itrClassify(ts, unchecked(txPktsSince[port]), unchecked(txBytesSince[port]));
  unchecked((rxItrState[q] = rs));
  unchecked((txItrState[q] = ts));
  unchecked((rxPktsSince[q] = 0));
  unchecked((rxBytesSince[q] = 0));
  if (cleansTx) {
    unchecked((txPktsSince[port] = 0));
    unchecked((txBytesSince[port] = 0));
  }
  let cur = rs > ts ? rs : ts;
  if (cur == ITR_LOWEST) cur = ITR_LOW; // conservative mode eliminates lowest_latency (H2)
  let target: u32 = cur == ITR_LOW ? 20000 : 4000;
  let old = unchecked(itrRate[q]);
  let rate = target;
  if (target != old && target > old) {
    let step = old + (target >> 2);
    rate = step < target ? step : target;
  }
  unchecked((itrRate[q] = rate));
  unchecked((itrInterval[q] = cpuHz / <u64>rate));
}

/** Current interrupt rate limit of queue q, ints/s (0 when ITR is off or fixed). */
export function itrRateOf(q: u32): u32 {
  return unchecked(itrRate[q]);
}
