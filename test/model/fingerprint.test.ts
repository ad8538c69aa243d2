// The regression fingerprint: every case of test/fingerprints.csv must give the event count and
// event-sequence fingerprint recorded there. A change that keeps the headline numbers but changes
// what the model does (one event more, one cycle later) fails here. When the change is intended,
// re-record by the rule in docs/fingerprints.md.

import { describe, expect, it } from "vitest";
import { readCases, runCase } from "../../scripts/fingerprints.mjs";
import { run } from "../helpers.js";

const { cases } = readCases();

describe("regression fingerprints", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s matches its recorded fingerprint", async (_name, c) => {
    const got = await runCase(c);
    expect(
      { events: got.events, fingerprint: got.fingerprint },
      `${c.name} changed; if intended, re-record with \`node scripts/fingerprints.mjs --record\` (docs/fingerprints.md)`,
    ).toEqual({ events: c.events, fingerprint: c.fingerprint });
  });

  it("covers every preset", async () => {
    const { PRESETS } = await import("../../dist/src/config/presets.js");
    const covered = new Set(cases.map((c) => c.preset));
    for (const p of Object.keys(PRESETS)) expect(covered.has(p), `preset ${p} has no fingerprint case`).toBe(true);
  });

  it("changes when one cost changes by one cycle, and not with the chunk size", async () => {
    const o = { warmupMs: 10, durationMs: 20 };
    const a = await run("paper-baseline", o);
    const b = await run("paper-baseline", { ...o, "costs.bridgePacketCycles": a.config.costs.bridgePacketCycles! + 1 });
    expect(b.fingerprint).not.toBe(a.fingerprint);
    const { simulate, resolveConfig } = await import("../helpers.js");
    const c = await simulate(resolveConfig("paper-baseline", o), { chunkEvents: 1000 });
    expect(c.fingerprint).toBe(a.fingerprint);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });
});
