// Same config and seed, same bits: twice in a row, and in a worker thread.

import { describe, expect, it } from "vitest";
import { Worker } from "node:worker_threads";
import { run, resolveConfig } from "../helpers.js";
import type { SimResult } from "../helpers.js";

const canonical = (r: SimResult): string => JSON.stringify({ ...r, perf: { ...r.perf, wallSeconds: 0 } });

describe("determinism", () => {
  const overrides = { durationMs: 300, warmupMs: 50 };
  it("gives byte-identical result JSON for the same config and seed, twice in a row", async () => {
    const a = await run("paper-low-event", overrides, 7);
    const b = await run("paper-low-event", overrides, 7);
    expect(canonical(a)).toBe(canonical(b));
  });
  it("gives a different run for a different seed", async () => {
    const a = await run("paper-baseline", overrides, 1);
    const b = await run("paper-baseline", overrides, 2);
    expect(canonical(a)).not.toBe(canonical(b));
  });
  it("gives the same bytes in a worker thread", async () => {
    const cfg = resolveConfig("paper-lro", { ...overrides, seed: 3 });
    const here = await run("paper-lro", overrides, 3);
    const nodeEntry = new URL("../../dist/src/node.js", import.meta.url).href;
    const src = `
      const { parentPort, workerData } = require("node:worker_threads");
      import(workerData.entry).then(async (m) => {
        const r = await m.simulate(workerData.cfg);
        parentPort.postMessage(JSON.stringify({ ...r, perf: { ...r.perf, wallSeconds: 0 } }));
      });`;
    const there = await new Promise<string>((resolve, reject) => {
      const w = new Worker(src, { eval: true, workerData: { entry: nodeEntry, cfg } });
      w.once("message", resolve);
      w.once("error", reject);
    });
    expect(there).toBe(canonical(here));
  });
});
