// The simulate() contract: progress after every chunk, cancellation at a chunk boundary, the
// resolved config and versions in the result, and results that do not depend on the chunk size.

import { describe, expect, it } from "vitest";
import { simulate, resolveConfig } from "../helpers.js";

describe("simulate()", () => {
  const cfg = resolveConfig("paper-baseline", { durationMs: 200, warmupMs: 50 });

  it("reports progress and can be cancelled; a cancelled run says so", async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    const r = await simulate(cfg, {
      chunkEvents: 5000,
      signal: ac.signal,
      onProgress: (p, model) => {
        seen.push(p.fraction);
        expect(model.statsWords()).toBeGreaterThan(0);
        if (p.fraction > 0.3) ac.abort();
      },
    });
    expect(r.state).toBe("aborted");
    expect(r.error).toMatch(/abort/);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1]!)).toBe(true);
    expect(r.perf.simulatedSeconds).toBeLessThan(0.25 * 0.6);
  });

  it("gives the same result whatever the chunk size", async () => {
    const a = await simulate(cfg, { chunkEvents: 1000 });
    const b = await simulate(cfg, { chunkEvents: 1 << 22 });
    expect({ ...a, perf: { ...a.perf, wallSeconds: 0 } }).toEqual({ ...b, perf: { ...b.perf, wallSeconds: 0 } });
  });

  it("returns the fully resolved config, the seed and the versions", async () => {
    const r = await simulate("single-guest", { seed: 42 });
    expect(r.seed).toBe(42);
    expect(r.config.seed).toBe(42);
    expect(r.config.preset).toBe("single-guest");
    expect(r.config.costs["bridgePacketCycles"]).toBeGreaterThan(0);
    expect(r.versions.pvnetsim).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.versions.assemblyscript).toMatch(/^0\.28\./);
  });
});
