// Hostile and extreme input: keys named after Object.prototype members, absurd nesting, numbers
// that overflow, huge keys, empty option values, and settings that would make a run divide by
// zero or never advance time. Each is one ConfigError (or one CLI line, exit 2) naming the field.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, resolveConfig, simulate, configErrorOf } from "./helpers.js";
import { configJsonSchema, type ConfigError } from "../dist/src/config/schema.js";

const bad = configErrorOf;

const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe("keys", () => {
  it("rejects keys named after Object.prototype members, at any level", () => {
    for (const k of ["toString", "constructor", "valueOf", "hasOwnProperty", "__proto__"]) {
      const top = bad(JSON.parse(`{${JSON.stringify(k)}: {"x": 1}}`));
      expect(top.field).toBe(k);
      expect(top.message).toContain("unknown field");
      const nested = bad(JSON.parse(`{"nic": {${JSON.stringify(k)}: 1}}`));
      expect(nested.field).toBe(`nic.${k}`);
      const deeper = bad(JSON.parse(`{"nic": {"itr": {${JSON.stringify(k)}: 1}}}`));
      expect(deeper.field).toBe(`nic.itr.${k}`);
      const override = bad({}, JSON.parse(`{${JSON.stringify(k)}: 1}`));
      expect(override.field).toBe(k);
    }
  });

  it('{"preset": "constructor"} (or any inherited name) blames the preset', () => {
    for (const p of ["constructor", "toString", "__proto__"]) {
      const e = bad({ preset: p });
      expect(e.field).toBe("preset");
      expect(e.message).toContain('one of "paper-baseline"');
    }
  });

  it("accepts a $schema key; the unknown-field error lists preset and $schema as allowed", () => {
    expect(resolveConfig({ $schema: "./pvnetsim.schema.json", durationMs: 5 }).durationMs).toBe(5);
    const e = bad({ durationMss: 5 });
    expect(e.message).toMatch(/allowed here: seed, durationMs, .*, costs, preset, \$schema\)$/);
    const schema = configJsonSchema() as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["preset", "$schema", "nic", "costs"]));
    expect(schema.additionalProperties).toBe(false);
  });

  it("a 1 MB key gives an error line of bounded length", () => {
    const e = bad({ ["k".repeat(1 << 20)]: 1 });
    expect(e.message.length).toBeLessThan(600);
    expect(e.field.length).toBeLessThanOrEqual(80);
    const v = bad({ durationMs: "v".repeat(1 << 20) });
    expect(v.message.length).toBeLessThan(300);
  });
});

describe("traffic profiles", () => {
  const prof = (p: unknown): ConfigError => bad({ traffic: { profiles: [p] } });
  it("each kind takes its own fields; another kind's field is named as unused, an unknown one as unknown", () => {
    expect(prof({ guests: [0], kind: "idle", streams: 2 }).message).toBe(
      'traffic.profiles[0].streams: 2 is not allowed; expected no value: kind "idle" does not use streams',
    );
    expect(prof({ guests: [0], kind: "tcp-rx", thinkUs: 5 }).field).toBe("traffic.profiles[0].thinkUs");
    expect(prof({ guests: [0], kind: "rr", toString: 1 }).message).toMatch(
      /^traffic\.profiles\[0\]\.toString: 1 .*a known field/,
    );
    expect(prof({ guests: [0], kind: "rr", streams: 0 }).allowed).toBe("an integer from 1 to 1024 sessions per guest");
    expect(prof({ guests: [0], kind: "tcp-tx", streams: 0 }).allowed).toBe("an integer from 1 to 1024 flows per guest");
    expect(prof({ guests: [], kind: "tcp-tx" }).message).toBe(
      "traffic.profiles[0].guests: [] is not allowed; expected a non-empty array of guest indices",
    );
    expect(prof({ guests: [0, -1], kind: "tcp-tx" }).field).toBe("traffic.profiles[0].guests[1]");
    expect(prof({ guests: [0] }).field).toBe("traffic.profiles[0].kind");
    expect(prof({ guests: [0], kind: "udp-rx", ratePps: 10, process: "constant" }).field).toBe(
      "traffic.profiles[0].payloadBytes",
    );
    expect(prof(7).message).toBe("traffic.profiles[0]: 7 is not allowed; expected an object {guests, kind, ...}");
  });
  it("defaults are filled in: one stream, netperf TCP_RR's 1-byte request and response", () => {
    const r = resolveConfig({
      traffic: {
        profiles: [
          { guests: [0], kind: "rr" },
          { guests: [1], kind: "tcp-rx" },
        ],
      },
    });
    expect(r.traffic.profiles).toEqual([
      { guests: [0], kind: "rr", streams: 1, requestBytes: 1, responseBytes: 1, thinkUs: 0 },
      { guests: [1], kind: "tcp-rx", streams: 1 },
    ]);
  });
  it("a UDP profile faster than one packet per cycle", () => {
    const p = { guests: [0], kind: "udp-rx", ratePps: 1e10, process: "constant", payloadBytes: 100 };
    expect(prof(p).field).toBe("traffic.profiles[0].ratePps");
  });
});

describe("shapes and numbers", () => {
  it("JSON nested 100000 deep is one ConfigError, not a stack overflow", () => {
    const deep = JSON.parse("[".repeat(100_000) + "]".repeat(100_000)) as unknown;
    const obj = JSON.parse(`{"a":`.repeat(100_000) + "1" + "}".repeat(100_000)) as unknown;
    expect(bad({ nic: deep }).field).toBe("nic");
    expect(bad({ traffic: { udp: deep } }).field).toBe("traffic.udp[0]");
    expect(bad({ guests: { pcpus: deep } }).field).toBe("guests.pcpus[0][0]");
    expect(bad({ nic: obj }).field).toBe("nic.a");
    expect(bad(deep).field).toBe("");
    expect(bad({}, { durationMs: deep }).field).toBe("durationMs");
  });

  it("non-finite numbers are named as such, not echoed as null", () => {
    for (const v of [Infinity, -Infinity, NaN]) {
      const e = bad({}, { durationMs: v });
      expect(e.message).toBe(`durationMs: ${String(v)} is not allowed; expected a number > 0 and <= 3600000 ms`);
    }
  });
});

describe("settings that would never end or would trap", () => {
  it("a run shorter than one CPU cycle", () => {
    const e = bad({}, { durationMs: 1e-12 });
    expect(e.field).toBe("durationMs");
    expect(e.message).toContain("at least one CPU cycle");
  });
  it("a clock so slow that nothing advances, a link so slow its rate rounds to zero", () => {
    expect(bad({}, { "cpu.frequencyGHz": 1e-10 }).message).toBe(
      "cpu.frequencyGHz: 1e-10 is not allowed; expected a number >= 0.01 and <= 10 GHz",
    );
    expect(bad({}, { "nic.rateGbps": 1e-10 }).message).toBe(
      "nic.rateGbps: 1e-10 is not allowed; expected a number >= 0.000001 and <= 10000 Gb/s",
    );
  });
  it("a near-zero fixed interrupt rate, and periods below one cycle", () => {
    expect(bad({}, { "nic.itr.mode": "fixed", "nic.itr.fixedIntsPerSec": 1e-10 }).field).toBe(
      "nic.itr.fixedIntsPerSec",
    );
    expect(bad({}, { "tcp.rtoMinMs": 1e-9 }).field).toBe("tcp.rtoMinMs");
    expect(bad({}, { "tcp.delayedAckMs": 1e-9 }).field).toBe("tcp.delayedAckMs");
    expect(bad({}, { "evtchn.dispatch": "dynamic", "evtchn.rebalancePeriodMs": 1e-9 }).field).toBe(
      "evtchn.rebalancePeriodMs",
    );
    expect(bad({}, { "netback.coalesce.count": 4, "netback.coalesce.timeUs": 1e-6 }).field).toBe(
      "netback.coalesce.timeUs",
    );
    const udp = [{ guest: 0, ratePps: 1e10, process: "constant", payloadBytes: 100 }];
    expect(bad({ traffic: { udp } }).field).toBe("traffic.udp[0].ratePps");
  });
  it("fuzz reproducers: a client link whose rate rounds to zero, 1024 clients per port with 1 GB switch buffers", async () => {
    expect(bad({}, { "clients.accessRateGbps": 1e-12 }).message).toBe(
      "clients.accessRateGbps: 1e-12 is not allowed; expected a number >= 0.000001 and <= 10000 Gb/s",
    );
    const many = { preset: "paper-baseline", clients: { perPort: 1024, switchBufferBytes: 1e9 }, durationMs: 1 };
    await expect(simulate(many)).rejects.toThrow(
      /^clients\.perPort: 1024 is not allowed; expected a configuration whose model fits in/,
    );
  });
  it("the library rejects chunk sizes below one event (or NaN) before running", async () => {
    for (const chunkEvents of [0, -1, 0.5, NaN, Infinity]) {
      await expect(simulate("paper-baseline", { chunkEvents, durationMs: 1 } as never)).rejects.toThrow(
        /^chunkEvents: .* is not allowed; expected an integer from 1 to 4294967295 events$/,
      );
    }
  });
  it("the slowest allowed clock and link still end, with conservation", async () => {
    const r = await simulate({
      preset: "single-guest",
      cpu: { frequencyGHz: 0.01 },
      nic: { rateGbps: 1e-6, itr: { mode: "fixed", fixedIntsPerSec: 1 } },
      durationMs: 20,
      warmupMs: 1,
    });
    expect(r.state, r.error).toBe("completed");
  });
});

describe("CLI", () => {
  it("--set durationMs=1e400 names Infinity; --warmup-ms '' is not 0; a deep or huge-keyed file is one line", () => {
    const inf = run(["run", "paper-baseline", "--set", "durationMs=1e400"]);
    expect(inf.code).toBe(2);
    expect(inf.stderr.trim()).toBe(
      "pvnetsim: error: durationMs: Infinity is not allowed; expected a number > 0 and <= 3600000 ms",
    );
    const empty = run(["run", "paper-baseline", "--warmup-ms", ""]);
    expect(empty.code).toBe(2);
    expect(empty.stderr.trim()).toBe('pvnetsim: error: --warmup-ms: "" is not allowed; expected a number >= 0');
    const dir = mkdtempSync(join(tmpdir(), "pvnetsim-edges-"));
    const deep = join(dir, "deep.json");
    writeFileSync(deep, `{"nic":` + "[".repeat(100_000) + "]".repeat(100_000) + "}");
    const d = run(["run", deep]);
    expect(d.code).toBe(2);
    expect(d.stderr.trim()).toMatch(/^pvnetsim: error: nic: \[\[\[.*\]\]\] is not allowed; expected an object$/);
    const huge = join(dir, "huge.json");
    writeFileSync(huge, JSON.stringify({ ["k".repeat(1 << 20)]: 1 }));
    const h = run(["run", huge]);
    expect(h.code).toBe(2);
    expect(h.stderr.trim().split("\n")).toHaveLength(1);
    expect(h.stderr.length).toBeLessThan(600);
  });
});
