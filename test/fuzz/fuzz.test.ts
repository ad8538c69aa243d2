// A fixed-seed sample of the fuzz campaign (`npm run fuzz` runs the full one): valid configs from
// the parameter ranges (sizing parameters kept small so that the sample is quick), invalid values
// of every kind and hostile keys and shapes, through the library API, a share of them through the
// CLI. Every property must hold for every case.

import { expect, it } from "vitest";
// @ts-expect-error plain JavaScript module shared with scripts/fuzz.mjs
import { campaign } from "./campaign.mjs";

it("300 fuzz cases (seed 20251201): every property holds", { timeout: 1_800_000 }, async () => {
  const root = new URL("../../", import.meta.url);
  const s = (await campaign({ root, cases: 300, seed: 20251201, cliEvery: 30, quick: true, wallMs: 60_000 })) as {
    counts: Record<string, number>;
    failures: { index: number; failure: string; input: string }[];
  };
  expect(s.failures.map((f) => `case ${f.index}: ${f.failure}\n  ${f.input}`)).toEqual([]);
  expect(s.counts.completed).toBeGreaterThan(60);
  expect(s.counts.rejected).toBeGreaterThan(60);
  expect(s.counts.cli).toBeGreaterThanOrEqual(10);
});
