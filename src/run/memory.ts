// The model's memory: what simInit will allocate for a configuration, asked of the model itself
// (simMemoryBytes runs the same layout function init checks itself against), with the largest
// contributors named by the parameters that size them. A run whose model exceeds the bound is a
// ConfigError before anything is allocated; one that fits grows linear memory once, to the
// layout, before init.

import * as L from "../abi/layout.js";
import { ConfigError, type ResolvedConfig } from "../config/schema.js";
import { derive, guestTraffic, type Derived } from "../config/pack.js";
import type { WasmExports } from "../abi/wasm-exports.js";

/** Model memory a run may take by default (SimulateOptions.memoryLimitBytes), bytes. */
export const DEFAULT_MEMORY_LIMIT_BYTES = 2 * 2 ** 30;
/** Wasm32 linear memory ends at 4 GiB, whatever the bound. */
export const WASM32_MAX_BYTES = 4 * 2 ** 30;
/** The runtime's largest single block (AssemblyScript's BLOCK_MAXSIZE), bytes. */
export const MAX_BLOCK_BYTES = 2 ** 30 - 4;
const PAGE = 65536;

export interface MemoryPart {
  /** What the bytes hold. */
  what: string;
  /** The parameter that sizes it most, and its value. */
  field: string;
  value: unknown;
  bytes: number;
}

export interface ModelMemory {
  /** Bytes simInit allocates (exact). */
  initBytes: number;
  /** Linear memory the instance needs in all: what it holds already plus initBytes, bytes. */
  totalBytes: number;
  /** Every contributor, largest first. */
  parts: MemoryPart[];
  /** The largest single array, bytes (the runtime allows at most MAX_BLOCK_BYTES). */
  largestBlockBytes: number;
}

type Sizer = (r: ResolvedConfig, d: Derived) => { field: string; value: unknown };
const at = (field: string, value: unknown): { field: string; value: unknown } => ({ field, value });

/** The parameter of the packet pool's largest term (config/pack.ts poolTerms). */
const poolField: Sizer = (r, d) => {
  if (r.packetPoolPackets > 0) return at("packetPoolPackets", r.packetPoolPackets);
  const top = [...d.poolTerms].sort((a, b) => b.packets - a.packets)[0]!;
  return at(
    top.field,
    top.field.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], r),
  );
};
const windowField: Sizer = (r) => at("tcp.rcvBufBytes", r.tcp.rcvBufBytes);

const PARTS: ReadonlyArray<readonly [part: number, what: string, sizer: Sizer]> = [
  [L.MEM_PACKETS, "packet records", poolField],
  [L.MEM_TCP, "TCP scoreboards and out-of-order buffers", windowField],
  [
    L.MEM_LINKS,
    "frames on links",
    (r) => (r.clients.perPort > 0 ? at("clients.perPort", r.clients.perPort) : windowField(r, derive(r))),
  ],
  [L.MEM_EVENTQ, "event queue", (r) => at("guests.count", r.guests.count)],
  [
    L.MEM_NIC,
    "NIC rings and qdiscs",
    (r, d) =>
      d.rxQueues * r.nic.rxRingDescriptors >= r.nic.ports * (r.nic.txRingDescriptors + r.nic.txQueueLenPackets)
        ? at("nic.rxRingDescriptors", r.nic.rxRingDescriptors)
        : r.nic.txQueueLenPackets >= r.nic.txRingDescriptors
          ? at("nic.txQueueLenPackets", r.nic.txQueueLenPackets)
          : at("nic.txRingDescriptors", r.nic.txRingDescriptors),
  ],
  [
    L.MEM_VCPU,
    "VCPU work lists",
    (r) => (r.dom0.vcpus * 4 > r.guests.count ? at("dom0.vcpus", r.dom0.vcpus) : at("guests.count", r.guests.count)),
  ],
  [L.MEM_XEN, "I/O rings and event channels", (r) => at("guests.count", r.guests.count)],
  [
    L.MEM_NETBACK,
    "netback queues",
    (r) =>
      r.netback.queueLenPackets > 256
        ? at("netback.queueLenPackets", r.netback.queueLenPackets)
        : at("guests.count", r.guests.count),
  ],
  [
    L.MEM_GUEST,
    "guest queues and sockets",
    (r) => {
      const udp = guestTraffic(r).udp.length > 0 ? r.app.udpRcvBufBytes / 64 : 0;
      const q = r.netfront.txQueueLenPackets;
      if (udp >= q && udp >= r.app.recvBytes / 64) return at("app.udpRcvBufBytes", r.app.udpRcvBufBytes);
      return q >= r.app.recvBytes / 64 ? at("netfront.txQueueLenPackets", q) : at("app.recvBytes", r.app.recvBytes);
    },
  ],
  [L.MEM_OTHER, "counters, timers and other tables", (r) => at("guests.count", r.guests.count)],
];

/** Asks the instance (config already at `ptr`) what init will allocate, part by part. */
export function modelMemory(ex: WasmExports, ptr: number, r: ResolvedConfig, d: Derived = derive(r)): ModelMemory {
  const initBytes = ex.simMemoryBytes(ptr);
  const parts = PARTS.map(([part, what, sizer]) => ({ what, ...sizer(r, d), bytes: ex.simMemoryPart(part) }));
  parts.sort((a, b) => b.bytes - a.bytes);
  return {
    initBytes,
    totalBytes: ex.memory.buffer.byteLength + initBytes,
    parts,
    largestBlockBytes: ex.simMemoryLargestBlock(),
  };
}

const mib = (b: number): string => `${Math.ceil(b / 2 ** 20)} MiB`;

/**
 * Checks the model against the bound (and Wasm32's 4 GiB, and the runtime's 1 GiB per array) and
 * grows memory once to what init needs. Throws a ConfigError naming the largest contributor's
 * parameter, the estimate and the three largest contributors.
 */
export function reserveModelMemory(
  ex: WasmExports,
  ptr: number,
  r: ResolvedConfig,
  limitBytes: number,
  d: Derived = derive(r),
): ModelMemory {
  const limit = Math.min(limitBytes, WASM32_MAX_BYTES);
  // Counts the model reads as u32: past that, no layout can be right (and none would fit).
  const counts: Array<[string, number, Sizer]> = [
    ["packet records", d.poolPackets, poolField],
    ["event queue entries", d.eventqCapacity, (x) => at("guests.count", x.guests.count)],
    ["frames per link", d.linkFlightFrames, windowField],
  ];
  for (const [what, n, sizer] of counts) {
    if (n > 0xffffffff) {
      const { field, value } = sizer(r, d);
      throw new ConfigError(
        field,
        value,
        `a configuration whose model fits in ${mib(limit)} (this one needs ${n} ${what}, more than 2^32)`,
      );
    }
  }
  const m = modelMemory(ex, ptr, r, d);
  const tooBig = (why: string): ConfigError => {
    const top = m.parts[0]!;
    const list = m.parts
      .slice(0, 3)
      .map((p) => `${p.what} ${mib(p.bytes)}`)
      .join(", ");
    return new ConfigError(
      top.field,
      top.value,
      `a configuration whose model fits in ${mib(limit)} (${why}; largest: ${list})`,
    );
  };
  if (m.totalBytes > limit) throw tooBig(`this one needs ${mib(m.totalBytes)}`);
  if (m.largestBlockBytes > MAX_BLOCK_BYTES)
    throw tooBig(`this one needs a single array of ${mib(m.largestBlockBytes)}, over the 1 GiB one array may take`);
  const have = ex.memory.buffer.byteLength;
  // One more 16-byte block: init probes the allocator's top after allocating (base/memory.ts).
  const want = have + m.initBytes + 16;
  try {
    ex.memory.grow(Math.ceil((want - have) / PAGE));
  } catch {
    throw tooBig(`this machine could not provide the ${mib(m.totalBytes)} it needs`);
  }
  return m;
}
