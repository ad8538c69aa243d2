// Parameters of the table in src/config/params.ts: run.

import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const RUN_PARAMS = [
  {
    path: "seed",
    kind: "integer",
    default: 1,
    unit: "",
    min: 0,
    max: 4294967295,
    help: "PRNG seed (u32). Same config and seed give bit-identical results.",
    source: "one PRNG seeds every random choice of the model",
    slot: L.CFG_SEED,
  },
  {
    path: "durationMs",
    kind: "number",
    default: 1000,
    unit: "ms",
    gt: 0,
    max: 3_600_000,
    help: "Measured interval of simulated time (after the warm-up).",
    source: "one simulated second gives +-1% on throughput",
    via: "derived",
  },
  {
    path: "warmupMs",
    kind: "number",
    default: 200,
    unit: "ms",
    min: 0,
    max: 3_600_000,
    help: "Simulated time before measurement starts (TCP slow start, ITR and rx_target settle).",
    source: "slow start and queue fill take < 50 ms here; 200 ms leaves margin",
    slot: L.CFG_WARMUP,
    encoding: "cycles",
  },
  {
    path: "packetPoolPackets",
    kind: "integer",
    default: 0,
    unit: "packets",
    min: 0,
    max: 100_000_000,
    help:
      "Packet records the model allocates at init, one per packet alive at once. 0: sized from the " +
      "configuration (1.5 TCP windows per flow, every ring and queue full). A run that needs more " +
      "stops and names the size to set here.",
    source: "0 sizes the pool by need; a value replaces that size",
    via: "derived",
  },
] as const satisfies readonly ParamSpec[];
