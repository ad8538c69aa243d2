// The kernel benchmark's three implementations do equal work: each must print the checksums of
// docs/bench-kernel.md. Correctness only; timings are for `npm run bench:kernel`.
// Budget: about 10 s (Wasm and C run both full configs, TS runs config A in full and a 2M-event
// prefix of B that is cross-checked against the Wasm kernel).
import { describe, expect, it } from "vitest";
import { KERNEL_CONFIGS, compileC, runKernel } from "../../bench/kernel-run.js";

const [A, B] = KERNEL_CONFIGS as [(typeof KERNEL_CONFIGS)[0], (typeof KERNEL_CONFIGS)[0]];
const hasGcc = compileC() !== null;

function expectTable(r: Awaited<ReturnType<typeof runKernel>>, cfg: typeof A): void {
  expect(r.events).toBe(cfg.events);
  expect(r.csum).toBe(cfg.csum);
  expect(r.latsum).toBe(cfg.latsum);
  expect(r.completed).toBe(cfg.completed);
  expect(r.drops).toBe(cfg.drops);
}

describe("kernel benchmark checksums (bench-kernel.md)", () => {
  for (const cfg of [A, B]) {
    it(`Wasm kernel on the engine's event queue, config ${cfg.name}`, async () => {
      expectTable(await runKernel("wasm", cfg.sources, cfg.events), cfg);
    });
    it.skipIf(!hasGcc)(`C kernel (gcc -O2), config ${cfg.name}`, async () => {
      expectTable(await runKernel("c", cfg.sources, cfg.events), cfg);
    });
  }
  it("plain TypeScript kernel, config A", async () => {
    expectTable(await runKernel("ts", A.sources, A.events), A);
  });
  it("all three agree on a 2M-event prefix of config B", async () => {
    const n = 2_000_000;
    const w = await runKernel("wasm", B.sources, n);
    const t = await runKernel("ts", B.sources, n);
    expect(w.completed).toBeGreaterThan(0);
    expect([t.csum, t.latsum, t.completed, t.drops]).toEqual([w.csum, w.latsum, w.completed, w.drops]);
    if (hasGcc) {
      const c = await runKernel("c", B.sources, n);
      expect([c.csum, c.latsum, c.completed, c.drops]).toEqual([w.csum, w.latsum, w.completed, w.drops]);
    }
  });
});
