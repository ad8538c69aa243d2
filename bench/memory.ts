// Model memory and the CPU cost per packet at scale: for each guest count, one instance of
// paper-baseline (or --preset) with that many guests (one VCPU each, on 4 ports), its exact model
// size by part (the layout simInit checks itself against), the Wasm memory and the process's
// resident memory after init and at the end, init time, and the run's CPU time per simulated packet
// and per event. One untimed warm-up run first, so V8 has tiered the module up.
//
//   node dist/bench/memory.js [--guests 256,1024,4095] [--preset paper-baseline] [--durationMs 20]

import { pathToFileURL } from "node:url";
import { loadWasmModule, instantiate, resolveConfig, packConfig, derive } from "../src/node.js";
import { DEFAULT_MEMORY_LIMIT_BYTES, reserveModelMemory } from "../src/run/memory.js";
import * as L from "../src/abi/layout.js";
import { argValue, benchEnv, envHeader, table } from "./common.js";

const MiB = 2 ** 20;

export interface MemoryRow {
  guests: number;
  modelMiB: number;
  wasmMiB: number;
  rssInitMiB: number;
  rssEndMiB: number;
  initSeconds: number;
  packets: number;
  cpuNsPerPacket: number;
  eventsPerPacket: number;
  largest: string;
}

/** CPU seconds of this process (user + system). */
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export async function measure(preset: string, guests: number, durationMs: number): Promise<MemoryRow> {
  const dom0 = guests >= 4095 ? 1 : 4;
  const r = resolveConfig(preset, {
    "guests.count": guests,
    "dom0.vcpus": dom0,
    "cpu.pcpus": dom0 + guests,
    "netback.groups": 1,
    durationMs,
    warmupMs: 0,
  });
  const mod = await loadWasmModule();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const ex = await instantiate(mod);
  const buf = packConfig(r);
  const ptr = ex.cfgAlloc(buf.length);
  new Float64Array(ex.memory.buffer, ptr, buf.length).set(buf);
  const m = reserveModelMemory(ex, ptr, r, DEFAULT_MEMORY_LIMIT_BYTES);
  const code = ex.simInit(ptr);
  if (code !== 0) throw new Error(`simInit failed with ${code} at ${guests} guests`);
  const initSeconds = (performance.now() - t0) / 1e3;
  const rssInit = process.memoryUsage().rss;
  const end = BigInt(derive(r).endCycles);
  const c0 = cpuSeconds();
  let reason: number;
  do reason = ex.simRun(end, 1 << 20);
  while (reason === L.STOP_LIMIT_EVENTS);
  const cpu = cpuSeconds() - c0;
  if (reason !== L.STOP_LIMIT_CYCLE) throw new Error(`run stopped with ${reason} at ${guests} guests`);
  const stats = new BigUint64Array(ex.memory.buffer, ex.statsPtr(), ex.statsWords());
  const packets = Number(stats[L.ST_PKTS_ALLOCATED]!);
  const events = Number(stats[L.ST_EVENTS]!);
  return {
    guests,
    modelMiB: m.initBytes / MiB,
    wasmMiB: ex.memory.buffer.byteLength / MiB,
    rssInitMiB: (rssInit - rss0) / MiB,
    rssEndMiB: (process.memoryUsage().rss - rss0) / MiB,
    initSeconds,
    packets,
    cpuNsPerPacket: (cpu / packets) * 1e9,
    eventsPerPacket: events / packets,
    largest: m.parts
      .slice(0, 3)
      .map((p) => `${p.what} ${(p.bytes / MiB).toFixed(1)}`)
      .join(", "),
  };
}

async function main(): Promise<void> {
  const guests = (argValue(process.argv, "guests") ?? "256").split(",").map(Number);
  const preset = argValue(process.argv, "preset") ?? "paper-baseline";
  const durationMs = Number(argValue(process.argv, "durationMs") ?? 20);
  process.stdout.write(`${envHeader(benchEnv())}\n`);
  process.stdout.write(
    `model memory and CPU per packet: ${preset}, ${durationMs} ms simulated, one VCPU per guest\n\n`,
  );
  await measure(preset, 4, durationMs); // warm-up: V8 tiers the module up
  const rows: string[][] = [];
  for (const g of guests) {
    const x = await measure(preset, g, durationMs);
    rows.push([
      String(x.guests),
      x.modelMiB.toFixed(1),
      x.wasmMiB.toFixed(1),
      x.rssInitMiB.toFixed(1),
      x.rssEndMiB.toFixed(1),
      x.initSeconds.toFixed(2),
      String(x.packets),
      x.cpuNsPerPacket.toFixed(0),
      x.eventsPerPacket.toFixed(2),
      x.largest,
    ]);
  }
  const head = ["guests", "model MiB", "Wasm MiB", "RSS+ init MiB", "RSS+ end MiB", "init s", "packets", "CPU ns/pkt"];
  process.stdout.write(table([...head, "events/pkt", "largest parts (MiB)"], rows));
  process.stdout.write("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
