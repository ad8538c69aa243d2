// Memory: the model's layout function (simMemoryBytes) is exactly what init allocates, for random
// configurations; memory grows once, to it, before init; a model above the bound (or Wasm32's
// 4 GiB, or the runtime's 1 GiB per array) is one ConfigError naming the parameter, the size and
// the largest contributors, before anything is allocated; no size wraps.

import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../dist/src/config/schema.js";
import { packConfig } from "../../dist/src/config/pack.js";
import {
  DEFAULT_MEMORY_LIMIT_BYTES,
  type ModelMemory,
  modelMemory,
  reserveModelMemory,
} from "../../dist/src/run/memory.js";
import { cli, rawInstance, resolveConfig, simulate } from "../helpers.js";

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** A fresh instance with the config copied in, and the layout's answer for it. */
async function loaded(config: unknown) {
  const r = resolveConfig(config);
  const ex = await rawInstance();
  const buf = packConfig(r);
  const ptr = ex.cfgAlloc(buf.length);
  new Float64Array(ex.memory.buffer, ptr, buf.length).set(buf);
  return { r, ex, ptr };
}

const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe("the memory layout is what init allocates", () => {
  const rnd = lcg(20261202);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  for (let i = 0; i < 20; i++) {
    const D = pick([1, 2, 4, 7]);
    const N = pick([1, 2, 3, 8, 33, 100]);
    const gv = pick([1, 1, 2]);
    const ov: Record<string, unknown> = {
      "dom0.vcpus": D,
      "guests.count": N,
      "guests.vcpus": gv,
      "cpu.pcpus": D + N * gv,
      "nic.ports": pick([1, 2, 4, 16]),
      "nic.rxQueuesPerPort": pick([1, 3, 8]),
      "nic.rxRingDescriptors": pick([8, 100, 256, 4096]),
      "nic.txRingDescriptors": pick([8, 256, 1000]),
      "nic.txQueueLenPackets": pick([1, 1000, 5000]),
      "kernel.netdevMaxBacklog": pick([1, 300, 1000]),
      "netback.groups": pick([0, 1, 3]),
      "netback.queueLenPackets": pick([1, 32, 500]),
      "netback.coalesce.timeUs": pick([0, 50]),
      "evtchn.dispatch": pick(["vcpu0", "round-robin", "group-affine", "dynamic"]),
      "netfront.txQueueLenPackets": pick([1, 1000]),
      "netfront.lro.descriptors": pick([1, 8, 100]),
      "tcp.rcvBufBytes": pick([4096, 65536, 1048576, 4000000]),
      "tcp.mtuBytes": pick([576, 1500, 9000]),
      "traffic.rxStreamsPerGuest": pick([0, 1, 3]),
      "traffic.txStreamsPerGuest": pick([0, 1, 2]),
      "clients.perPort": pick([0, 0, 3]),
      "app.udpRcvBufBytes": pick([1024, 212992, 4000000]),
      "app.recvBytes": pick([1024, 65536, 1000000]),
      "xen.domainLocks": pick([true, false]),
      "xen.grantDomainLock": pick([false, true]),
    };
    if (rnd() < 0.5) ov["traffic.udp"] = [{ guest: N - 1, ratePps: 1000, process: "constant", payloadBytes: 100 }];
    if (N > 1 && rnd() < 0.5) {
      ov["traffic.profiles"] = [
        { guests: [0], kind: "tcp-to-guest", peer: N - 1, streams: 2 },
        { guests: [N - 1], kind: "tcp-to-dom0", streams: 2 },
        { guests: [N - 1], kind: "rr", streams: 3, requestBytes: 100, responseBytes: 20000, thinkUs: 10 },
      ];
    }
    it(`#${i} ${JSON.stringify(ov)}`, async () => {
      const { ex, ptr } = await loaded(resolveConfig("paper-baseline", ov));
      const need = ex.simMemoryBytes(ptr);
      const top0 = ex.heapTopNow();
      expect(ex.simInit(ptr)).toBe(0);
      expect(ex.invariantCode()).toBe(0);
      expect(ex.heapTopNow() - top0).toBe(need);
    });
  }
});

describe("memory grows once, to the layout, before init", () => {
  it("64 guests: the host's figure is the model's size, and init grows nothing more", async () => {
    const { r, ex, ptr } = await loaded({ guests: { count: 64 }, cpu: { pcpus: 68 } });
    const m = reserveModelMemory(ex, ptr, r, DEFAULT_MEMORY_LIMIT_BYTES);
    const grown = ex.memory.buffer.byteLength;
    expect(grown).toBeGreaterThanOrEqual(m.totalBytes);
    expect(grown - m.totalBytes).toBeLessThan(65536 + 16);
    expect(ex.simInit(ptr)).toBe(0);
    expect(ex.memory.buffer.byteLength).toBe(grown);
    expect(m.parts.reduce((a, p) => a + p.bytes, 0)).toBe(m.initBytes);
  });
});

describe("configurations whose sizes used to wrap or trap", () => {
  it("800 guests with a 256 MiB UDP buffer and no UDP source conserve packets", async () => {
    const r = await simulate({
      guests: { count: 800 },
      cpu: { pcpus: 804 },
      app: { udpRcvBufBytes: 268435456 },
      durationMs: 3,
      warmupMs: 1,
    });
    expect(r.error).toBeUndefined();
    expect(r.conservation.ok).toBe(true);
  });
  it("210 guests each with a UDP source and a 256 MiB buffer are one ConfigError naming the buffer", async () => {
    const udp = Array.from({ length: 210 }, (_, g) => ({
      guest: g,
      ratePps: 1000,
      process: "constant",
      payloadBytes: 100,
    }));
    const e = await rejection(
      simulate({
        guests: { count: 210 },
        cpu: { pcpus: 214 },
        app: { udpRcvBufBytes: 268435456 },
        traffic: { udp },
        durationMs: 1,
      }),
    );
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).field).toBe("app.udpRcvBufBytes");
    expect((e as Error).message).toMatch(
      /fits in 2048 MiB \(this one needs \d+ MiB; largest: .*guest queues and sockets \d+ MiB/,
    );
  });
  it("210 guests with the 256 MiB UDP buffer and no UDP source run to the end (no trap)", async () => {
    const r = await simulate({
      guests: { count: 210 },
      cpu: { pcpus: 214 },
      app: { udpRcvBufBytes: 268435456 },
      durationMs: 3,
      warmupMs: 1,
    });
    expect(r.error).toBeUndefined();
    expect(r.state).toBe("completed");
    expect(r.conservation.ok).toBe(true);
  });
  it("1000 guests run to the end", async () => {
    const r = await simulate({ guests: { count: 1000 }, cpu: { pcpus: 1004 }, durationMs: 2, warmupMs: 1 });
    expect(r.error).toBeUndefined();
    expect(r.conservation.ok).toBe(true);
  });
  it("a bound below the model is a ConfigError with the estimate; the bound is an option", async () => {
    const e = await rejection(simulate("paper-baseline", { memoryLimitBytes: 2 ** 21 }));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toMatch(
      /^[a-zA-Z.]+: \d+ is not allowed; expected a configuration whose model fits in 2 MiB \(this one needs \d+ MiB; largest: packet records \d+ MiB, .+ \d+ MiB, .+ \d+ MiB\)$/,
    );
    const bad = await rejection(simulate("paper-baseline", { memoryLimitBytes: 5 * 2 ** 30 }));
    expect((bad as ConfigError).field).toBe("memoryLimitBytes");
  });
  it("one array over the runtime's 1 GiB is named even under a 4 GiB bound", async () => {
    const big = {
      guests: { count: 1 },
      cpu: { pcpus: 5 },
      nic: { ports: 1 },
      clients: { perPort: 8, switchBufferBytes: 1e9 },
    };
    const { r, ex, ptr } = await loaded(big);
    const m = modelMemory(ex, ptr, r);
    expect(m.largestBlockBytes).toBeGreaterThan(2 ** 30);
    expect(() => reserveModelMemory(ex, ptr, r, 4 * 2 ** 30)).toThrow(
      /single array of \d+ MiB, over the 1 GiB one array may take/,
    );
    expect(m.totalBytes).toBeLessThan(4 * 2 ** 30);
    expect(ex.simInit(ptr)).toBe(13); // STOP_ERR_MEMORY: init refuses too, allocating nothing
  });
  it("past 4 GiB the CLI names the field and the estimate instead of a raw grow error", () => {
    const r = spawnSync(
      process.execPath,
      [
        cli,
        "run",
        "paper-baseline",
        "--set",
        "nic.ports=1024",
        "--set",
        "nic.rxQueuesPerPort=64",
        "--set",
        "nic.rxRingDescriptors=65536",
        "--set",
        "cpu.pcpus=1100",
        "--duration-ms",
        "1",
      ],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^pvnetsim: error: nic\.rxRingDescriptors: 65536 is not allowed; expected a configuration whose model fits in 2048 MiB \(this one needs \d+ packet records, more than 2\^32\)$/,
    );
  });
});

describe("the largest allowed sizes initialise or are refused, never trap", () => {
  const cases: Record<string, unknown>[] = [
    { "guests.count": 4095, "dom0.vcpus": 1, "cpu.pcpus": 4096, "netback.groups": 1 },
    { "nic.ports": 1024, "guests.count": 1024, "cpu.pcpus": 1028 },
    { "nic.rxRingDescriptors": 65536, "nic.rxQueuesPerPort": 64 },
    { "nic.txRingDescriptors": 65536, "nic.txQueueLenPackets": 1_000_000 },
    { "tcp.rcvBufBytes": 268435456, "traffic.rxStreamsPerGuest": 1024 },
    { "clients.perPort": 1024, "clients.switchBufferBytes": 1_000_000_000 },
  ];
  for (const ov of cases) {
    it(JSON.stringify(ov), async () => {
      const { r, ex, ptr } = await loaded(resolveConfig("paper-baseline", ov));
      let m: ModelMemory;
      try {
        m = reserveModelMemory(ex, ptr, r, 4 * 2 ** 30);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as Error).message).toMatch(/expected a configuration whose model fits in 4096 MiB/);
        return;
      }
      expect(ex.simInit(ptr)).toBe(0);
      expect(ex.invariantCode()).toBe(0);
      expect(m.totalBytes).toBeLessThanOrEqual(4 * 2 ** 30);
    });
  }
});

describe("the packet pool", () => {
  it("a run that outgrows it stops naming packetPoolPackets and a larger size; following that advice, the run completes", async () => {
    const short = { durationMs: 30, warmupMs: 20 };
    const small = await simulate(resolveConfig("paper-lro", { ...short, packetPoolPackets: 500 }));
    expect(small.state).toBe("errored");
    expect(small.error).toMatch(
      /packet pool exhausted; all 500 packet records were in use \(set by packetPoolPackets\)/,
    );
    expect(small.error).toMatch(/needs more than 500: set packetPoolPackets to 1,000 \(twice as many\)/);
    // Sized from the configuration, the message lists the terms the size came from.
    const d = (await import("../../dist/src/config/pack.js")).derive(resolveConfig("paper-lro"));
    const advice = (await import("../../dist/src/run/simulate.js")).poolAdvice(resolveConfig("paper-lro"));
    expect(advice).toContain(`all ${d.poolPackets.toLocaleString("en-US")} packet records`);
    expect(advice).toMatch(
      /sized from the configuration: [\d,]+ for tcp\.rcvBufBytes, [\d,]+ for nic\.rxRingDescriptors/,
    );
    // Following the advice until the run completes takes a few doublings, each asking for more than
    // the run had; the pool's size does not change the model.
    let size = 500;
    let r = small;
    const asked: number[] = [];
    while (r.state === "errored") {
      const m = /set packetPoolPackets to ([\d,]+)/.exec(r.error ?? "");
      expect(m, r.error).not.toBeNull();
      const next = Number(m![1]!.replace(/,/g, ""));
      expect(next).toBeGreaterThan(size);
      asked.push((size = next));
      r = await simulate(resolveConfig("paper-lro", { ...short, packetPoolPackets: size }));
    }
    expect(asked.length).toBeLessThan(8);
    const auto = await simulate(resolveConfig("paper-lro", short));
    expect(r.fingerprint).toBe(auto.fingerprint);
    expect(r.throughput).toEqual(auto.throughput);
  });

  it("packetPoolPackets sizes the memory, and is the field named when it does not fit", async () => {
    const e = await rejection(simulate(resolveConfig("paper-lro", { packetPoolPackets: 40_000_000 })));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).field).toBe("packetPoolPackets");
    expect((e as Error).message).toMatch(
      /^packetPoolPackets: 40000000 is not allowed; .*largest: packet records \d+ MiB/,
    );
  });
});
