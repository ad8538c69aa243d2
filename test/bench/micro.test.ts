// The microbenchmark drivers in Wasm and their plain-TypeScript twins do the same operations:
// their checksums must agree call after call. Correctness only; timings are for `npm run bench`.
import { describe, expect, it } from "vitest";
import { MICRO_CASES, OPS_PER_CALL, runMicroC } from "../../bench/micro.js";

describe("microbenchmarks: Wasm drivers and TS twins agree", () => {
  for (const c of MICRO_CASES) {
    it(c.name, async () => {
      const w = await c.wasm();
      const t = c.ts();
      const ws: number[] = [];
      const ts: number[] = [];
      for (let i = 0; i < 4; i++) {
        ws.push(w.run(OPS_PER_CALL));
        ts.push(t.run(OPS_PER_CALL));
      }
      expect(ts).toEqual(ws);
      expect(ws.every((x) => x > 0)).toBe(true);
      if (c.cCase !== undefined) {
        const cr = runMicroC(c.cCase, 3); // null without gcc
        if (cr) expect(cr.check).toBe(ws[2]);
      }
    });
  }
});
