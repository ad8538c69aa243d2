// Scaffolding for the mechanism test modules (assembly/test/*.ts, compiled on their own by
// test/assembly/modules.ts): a config buffer the test fills slot by slot, with room for tables,
// and the model's shared state (counters, FIFO table, event queue, packet pool) sized small.
// A test module imports only the mechanisms it tests and what they stand on, so each one shows
// that the mechanism can be built without the rest of the model.

import { CFG_COUNT } from "../../src/abi/layout";
import { cfgSetBase } from "../config";
import { statsInit, statsPtr } from "../stats";
import { fifoInit } from "../base/fifo";
import { eqInit } from "../base/eventq";
import { pktInit } from "../packet";

const TABLE_ROOM: u32 = 256;
let cfgBuf: usize = 0;
let tableNext: u32 = 0;

/** A zeroed config buffer (every slot 0, costs 0 cycles), counters for `guests` guests and
 *  `vcpus` VCPUs, a FIFO table, an event queue and a packet pool. */
export function worldInit(guests: u32, vcpus: u32): void {
  let words = <usize>(CFG_COUNT + TABLE_ROOM);
  cfgBuf = heap.alloc(words << 3);
  memory.fill(cfgBuf, 0, words << 3);
  cfgSetBase(cfgBuf);
  tableNext = <u32>CFG_COUNT;
  statsInit(guests, vcpus);
  fifoInit(1024);
  eqInit(4096);
  pktInit(4096);
}

/** Sets scalar config slot i. */
export function cfgPut(i: i32, v: f64): void {
  store<f64>(cfgBuf + (<usize>i << 3), v);
}

/** Starts the table whose offset lives in scalar slot offSlot, `n` entries all `v`. */
export function cfgTableFill(offSlot: i32, n: u32, v: f64): void {
  cfgPut(offSlot, <f64>tableNext);
  for (let k: u32 = 0; k < n; k++) store<f64>(cfgBuf + (<usize>(tableNext + k) << 3), v);
  tableNext += n;
}

/** Counter i of the global counters. */
export function counter(i: i32): u64 {
  return load<u64>(statsPtr() + (<usize>i << 3));
}
