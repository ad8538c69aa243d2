// Events by kind (result.perf.eventsByKind): the engine's per-kind counts add up to every event it
// ran, a kind appears only where its mechanism is in use, and the events-per-packet table of
// docs/performance.md is what scripts/events-per-packet.mjs computes from them.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root, run } from "../helpers.js";
import { EVENT_KINDS } from "../../dist/src/report/event-kinds.js";
import * as L from "../../dist/src/abi/layout.js";

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

describe("events by kind", () => {
  it("name the kind codes the model uses (assembly/base/targets.ts)", () => {
    const src = readFileSync(join(root, "assembly", "base", "targets.ts"), "utf8");
    const model = [...src.matchAll(/export const EV_(\w+): u32 = (\d+) << 24;/g)].map(
      (m) => [m[1]!, Number(m[2])] as const,
    );
    expect(model.length).toBeGreaterThan(0);
    for (const [name, code] of model) {
      expect((L as Record<string, unknown>)[`EVK_${name}`], `EVK_${name} in src/abi/layout.ts`).toBe(code);
      expect(code).toBeLessThan(L.EVK_SLOTS);
    }
    expect(EVENT_KINDS.map((k) => k.code).sort((a, b) => a - b)).toEqual(model.map(([, c]) => c).sort((a, b) => a - b));
  });

  it("add up to the events run, with every kind named", async () => {
    const r = await run("paper-lro", { durationMs: 100, warmupMs: 20 });
    expect(Object.keys(r.perf.eventsByKind).sort()).toEqual(EVENT_KINDS.map((k) => k.name).sort());
    expect(sum(r.perf.eventsByKind)).toBe(r.perf.eventsProcessed);
    // One link event per frame: about one per packet, as every packet crosses one wire here.
    expect(r.perf.eventsByKind["link"]! / r.perf.packetsSimulated).toBeGreaterThan(0.9);
    expect(r.perf.eventsByKind["vcpuDone"]).toBeGreaterThan(0);
    // No UDP source and no request/response client in this preset: none of their events.
    expect(r.perf.eventsByKind["udp"]).toBe(0);
    expect(r.perf.eventsByKind["rr"]).toBe(0);
  });

  it("count UDP and request/response events where those sources run", async () => {
    const r = await run("mixed-workload", { durationMs: 100, warmupMs: 20 });
    expect(sum(r.perf.eventsByKind)).toBe(r.perf.eventsProcessed);
    expect(r.perf.eventsByKind["udp"]).toBeGreaterThan(0);
    expect(r.perf.eventsByKind["rr"]).toBeGreaterThan(0);
  });

  it("match the table in docs/performance.md (paper-baseline row, its defaults, seed 1)", async () => {
    const { measure, table, BEGIN, END } = await import("../../scripts/events-per-packet.mjs");
    const doc = readFileSync(join(root, "docs", "performance.md"), "utf8");
    const block = doc.slice(doc.indexOf(BEGIN) + BEGIN.length, doc.indexOf(END));
    const docRow = block.split("\n").find((l) => l.startsWith("| paper-baseline |"));
    expect(docRow, "docs/performance.md has a paper-baseline row in the events-per-packet table").toBeDefined();
    // The script's row for the same preset, in the doc's columns (the header comes from all presets).
    const rows = await measure(["paper-baseline"]);
    const header = block.split("\n").find((l) => l.startsWith("| preset |"))!;
    const kinds = header
      .split("|")
      .map((c) => c.trim())
      .slice(3, -2);
    const mine = table(rows, kinds)
      .split("\n")
      .find((l) => l.startsWith("| paper-baseline |"));
    expect(mine).toBe(docRow);
  });
});
