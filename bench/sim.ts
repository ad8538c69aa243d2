// Whole-simulation throughput: simulated packets (data, ACKs, UDP: every packet record the model
// creates) per wall second and simulated seconds per wall second, through the public host API
// (simulate() of src/node.ts), for the paper presets and scaling series (paper-baseline and
// paper-lro with 4, 16, 64, 256 guests on 4 ports of 1 GbE and of 10 GbE), with the Wasm memory of one instance and the pending-event count.
//
// Timing: simulate() as a user calls it (instantiate, init, run in chunks, report), wall time
// from its result (perf.wallSeconds). One untimed warm-up simulation first so V8 has tiered the
// module up (all instances share the compiled module's code); then `reps` rounds over all cases,
// interleaved; medians reported. Memory and pending events come from a separate untimed probe
// instance of the same config (memory.buffer.byteLength after init and at the end; the model
// allocates only at init).
//
//   node dist/bench/sim.js [--reps N] [--durationMs ms]

import { pathToFileURL } from "node:url";
import { simulate, loadWasmModule, instantiate, resolveConfig, packConfig, derive } from "../src/node.js";
import { DEFAULT_MEMORY_LIMIT_BYTES, reserveModelMemory } from "../src/run/memory.js";
import * as L from "../src/abi/layout.js";
import { argValue, benchEnv, envHeader, fmtRate, median, table } from "./common.js";

export interface SimCase {
  name: string;
  group: "presets" | "scaling";
  config: Record<string, unknown>;
  guests: number;
  rateGbps: number;
}

/** Scaling series: the paper's baseline and all four techniques. */
export const SCALING_PRESETS = ["paper-baseline", "paper-lro"];

export const PRESET_CASES = ["paper-baseline", "paper-multi-tasklet", "paper-dispatch", "paper-low-event", "paper-lro"];

export function simCases(durationMs: number): SimCase[] {
  const out: SimCase[] = PRESET_CASES.map((p) => ({
    name: p,
    group: "presets" as const,
    config: { preset: p, durationMs },
    guests: 4,
    rateGbps: 1,
  }));
  for (const preset of SCALING_PRESETS) {
    for (const rate of [1, 10]) {
      for (const n of [4, 16, 64, 256]) {
        out.push({
          name: `${preset}, ${n} guests, 4 x ${rate} GbE`,
          group: "scaling",
          // One PCPU per VCPU (the model pins 1:1): dom0's 4 plus one per guest.
          config: { preset, durationMs, guests: { count: n }, cpu: { pcpus: 4 + n }, nic: { rateGbps: rate } },
          guests: n,
          rateGbps: rate,
        });
      }
    }
  }
  return out;
}

export interface SimBenchResult {
  name: string;
  group: string;
  guests: number;
  rateGbps: number;
  state: string;
  error?: string;
  wallSeconds: number;
  simulatedSeconds: number;
  packets: number;
  events: number;
  packetsPerWallSecond: number;
  simSecondsPerWallSecond: number;
  eventsPerWallSecond: number;
  nsPerPacket: number;
  nsPerEvent: number;
  /** Probe instance: instantiate + pack + simInit (wall), and ns per event of its run alone. */
  initSeconds: number;
  nsPerEventExclInit: number;
  aggregateGbps: number;
  maxPendingEvents: number;
  /** Probe: wall ns per packet of the run alone (init excluded), and that divided by log2(max
   *  pending events): flat if the cost per packet grows as the logarithm of the pending count. */
  nsPerPacketExclInit: number;
  nsPerPacketPerLog2Pending: number;
  wasmMemoryBytesAfterInit: number;
  wasmMemoryBytesAtEnd: number;
  wallRounds: number[];
  /** Median CPU seconds of this process per simulate() call, and packets per CPU second. */
  cpuSeconds: number;
  packetsPerCpuSecond: number;
}

export interface SimReport {
  policy: string;
  reps: number;
  durationMs: number;
  results: SimBenchResult[];
}

/** Probe: one more instance of the same config, with init and run timed apart (wall clock), for
 *  memory, queue depth and the cost per packet without instantiation and init. */
async function probe(config: unknown): Promise<{
  memInit: number;
  memEnd: number;
  maxPending: number;
  events: number;
  packets: number;
  initSeconds: number;
  runSeconds: number;
}> {
  const r = resolveConfig(config);
  const mod = await loadWasmModule();
  const t0 = performance.now();
  const ex = await instantiate(mod);
  const buf = packConfig(r);
  const ptr = ex.cfgAlloc(buf.length);
  new Float64Array(ex.memory.buffer, ptr, buf.length).set(buf);
  reserveModelMemory(ex, ptr, r, DEFAULT_MEMORY_LIMIT_BYTES); // as simulate() does
  const code = ex.simInit(ptr);
  const t1 = performance.now();
  const memInit = ex.memory.buffer.byteLength;
  if (code === 0) {
    const end = BigInt(derive(r).endCycles);
    while (ex.simRun(end, 1 << 20) === L.STOP_LIMIT_EVENTS) {
      // keep going: the limit is per call
    }
  }
  const t2 = performance.now();
  const stats = new BigUint64Array(ex.memory.buffer, ex.statsPtr(), ex.statsWords());
  return {
    memInit,
    memEnd: ex.memory.buffer.byteLength,
    maxPending: ex.maxPendingEvents(),
    events: Number(stats[L.ST_EVENTS]),
    packets: Number(stats[L.ST_PKTS_ALLOCATED]),
    initSeconds: (t1 - t0) / 1000,
    runSeconds: (t2 - t1) / 1000,
  };
}

export async function runSimBench(opts: { reps?: number; durationMs?: number; log?: (l: string) => void } = {}): Promise<SimReport> {
  const reps = opts.reps ?? 3;
  const durationMs = opts.durationMs ?? 1000;
  const log = opts.log ?? (() => {});
  const cases = simCases(durationMs);
  await simulate({ preset: "paper-lro", durationMs }); // warm-up: tier the module up
  const walls: number[][] = cases.map(() => []);
  const cpus: number[][] = cases.map(() => []);
  const last: (Awaited<ReturnType<typeof simulate>> | undefined)[] = cases.map(() => undefined);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c0 = process.cpuUsage();
      const res = await simulate(cases[i]!.config);
      const cu = process.cpuUsage(c0);
      cpus[i]!.push((cu.user + cu.system) / 1e6);
      walls[i]!.push(res.perf.wallSeconds);
      last[i] = res;
    }
    log(`sim round ${r + 1}/${reps} done`);
  }
  const results: SimBenchResult[] = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    const res = last[i]!;
    const p = await probe(c.config);
    const wall = median(walls[i]!);
    const packets = res.perf.packetsSimulated;
    const events = p.events;
    results.push({
      name: c.name,
      group: c.group,
      guests: c.guests,
      rateGbps: c.rateGbps,
      state: res.state,
      ...(res.error ? { error: res.error } : {}),
      wallSeconds: wall,
      simulatedSeconds: res.perf.simulatedSeconds,
      packets,
      events,
      packetsPerWallSecond: packets / wall,
      simSecondsPerWallSecond: res.perf.simulatedSeconds / wall,
      eventsPerWallSecond: events / wall,
      nsPerPacket: (wall * 1e9) / packets,
      nsPerEvent: (wall * 1e9) / events,
      aggregateGbps: res.throughput.aggregateGbps,
      maxPendingEvents: p.maxPending,
      initSeconds: p.initSeconds,
      nsPerEventExclInit: (p.runSeconds * 1e9) / p.events,
      nsPerPacketExclInit: (p.runSeconds * 1e9) / p.packets,
      nsPerPacketPerLog2Pending: (p.runSeconds * 1e9) / p.packets / Math.log2(Math.max(2, p.maxPending)),
      wasmMemoryBytesAfterInit: p.memInit,
      wasmMemoryBytesAtEnd: p.memEnd,
      wallRounds: walls[i]!,
      cpuSeconds: median(cpus[i]!),
      packetsPerCpuSecond: packets / median(cpus[i]!),
    });
  }
  return {
    policy:
      `simulate() from src/node.ts (release build), warm-up + init included in wall time; one untimed warm-up ` +
      `simulation first; ${reps} interleaved rounds, medians; ${durationMs} ms measured + the config's warm-up ` +
      `of simulated time; memory, pending events, init time and the "excl init" columns from one more probe ` +
      `instance per config whose init and run are timed apart; packets/CPU s ` +
      `uses this process's CPU time around simulate() (robust when other work shares the cores)`,
    reps,
    durationMs,
    results,
  };
}

export function simTable(rep: SimReport): string {
  const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
  return table(
    [
      "simulation", "state", "Gb/s", "packets/wall s", "packets/CPU s", "sim s/wall s", "events/wall s", "ns/event",
      "init ms", "ns/event excl init", "ns/packet excl init", "max pending", "ns/pkt/log2(pend)", "Wasm MiB",
    ],
    rep.results.map((r) => [
      r.name,
      r.state,
      r.aggregateGbps.toFixed(2),
      fmtRate(r.packetsPerWallSecond),
      fmtRate(r.packetsPerCpuSecond),
      r.simSecondsPerWallSecond.toFixed(1),
      fmtRate(r.eventsPerWallSecond),
      r.nsPerEvent.toFixed(0),
      (r.initSeconds * 1000).toFixed(0),
      r.nsPerEventExclInit.toFixed(0),
      r.nsPerPacketExclInit.toFixed(0),
      String(r.maxPendingEvents),
      r.nsPerPacketPerLog2Pending.toFixed(1),
      mib(r.wasmMemoryBytesAtEnd),
    ]),
  );
}

async function main(argv: readonly string[]): Promise<void> {
  console.log(envHeader(benchEnv()));
  const reps = Number(argValue(argv, "reps") ?? 3);
  const durationMs = Number(argValue(argv, "durationMs") ?? 1000);
  const rep = await runSimBench({ reps, durationMs, log: (l) => void process.stderr.write(l + "\n") });
  console.log(rep.policy + "\n");
  console.log(simTable(rep));
  for (const r of rep.results) if (r.error) console.log(`${r.name}: ${r.error}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
