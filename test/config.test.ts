// Configuration: validation names the field, the value and what is allowed; the CLI turns bad
// input into one line and exit code 2; resolution is idempotent (workers and browsers re-resolve).

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveConfig, cli, configErrorOf } from "./helpers.js";
import { configJsonSchema } from "../dist/src/config/schema.js";
import { PARAMS } from "../dist/src/config/params.js";

const bad = configErrorOf;

describe("config validation", () => {
  it("rejects an unknown field, naming it", () => {
    const e = bad({ preset: "paper-baseline", dom0: { vcpuz: 2 } });
    expect(e.field).toBe("dom0.vcpuz");
    expect(e.message).toMatch(/dom0\.vcpuz/);
  });
  it("rejects a negative link rate with the allowed range", () => {
    const e = bad("paper-baseline", { "nic.rateGbps": -1 });
    expect(e.field).toBe("nic.rateGbps");
    expect(e.message).toContain("-1");
    expect(e.message).toMatch(/>= 0.000001 and <= 10000 Gb\/s/);
  });
  it("rejects a VCPU pinned to a missing PCPU", () => {
    const e = bad("paper-baseline", { "dom0.pcpus": [0, 1, 2, 42] });
    expect(e.field).toBe("dom0.pcpus[3]");
    expect(e.message).toMatch(/0 to 7/);
  });
  it("accepts more VCPUs than PCPUs (they share PCPUs) but not a cap above 100% x VCPUs", () => {
    expect(resolveConfig("paper-baseline", { "dom0.vcpus": 6 }).guests.pcpus).toEqual([[6], [7], [6], [7]]);
    const e = bad("paper-baseline", { "dom0.vcpus": 6, "dom0.capPercent": 601 });
    expect(e.field).toBe("dom0.capPercent");
    expect(e.message).toMatch(/to 600 %/);
  });
  it("rejects a preset that does not exist, listing the presets", () => {
    expect(bad("no-such").message).toMatch(/paper-baseline/);
  });
  it("every parameter has a unit or is unitless by kind, a help text and a source", () => {
    for (const p of PARAMS) {
      expect(p.help.length, p.path).toBeGreaterThan(3);
      expect(p.source.length, p.path).toBeGreaterThan(0);
      if (p.path.startsWith("costs.")) expect(p.unit, p.path).toMatch(/cycles/);
    }
  });
  it("resolving a resolved config gives the same config", () => {
    for (const preset of ["paper-baseline", "paper-lro", "single-guest"]) {
      const r = resolveConfig(preset, { seed: 7 });
      expect(resolveConfig(JSON.parse(JSON.stringify(r)))).toEqual(r);
    }
  });
  it("exports a JSON schema covering every top-level section", () => {
    const s = configJsonSchema() as { properties: Record<string, unknown> };
    for (const k of ["cpu", "dom0", "guests", "nic", "netback", "netfront", "tcp", "traffic", "costs"]) expect(s.properties).toHaveProperty(k);
  });
});

describe("CLI errors", () => {
  const runCli = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  const oneLine = (r: ReturnType<typeof runCli>) => {
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^pvnetsim: error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    return lines[0]!;
  };
  it("unknown field", () => expect(oneLine(runCli("run", "paper-baseline", "--set", "nic.bogus=1"))).toMatch(/nic\.bogus/));
  it("negative rate", () => expect(oneLine(runCli("run", "paper-baseline", "--set", "nic.rateGbps=-1"))).toMatch(/nic\.rateGbps: -1/));
  it("VCPU pinned to a missing PCPU", () => expect(oneLine(runCli("run", "paper-baseline", "--set", "guests.pcpus=[[4],[5],[6],[9]]"))).toMatch(/guests\.pcpus/));
  it("cap above 100% x VCPUs", () => expect(oneLine(runCli("run", "paper-baseline", "--set", "guests.capsPercent=[50,50,50,101]"))).toMatch(/^pvnetsim: error: guests\.capsPercent\[3\]: 101 is not allowed/));
  it("affinity naming a missing PCPU", () => expect(oneLine(runCli("run", "paper-baseline", "--set", "dom0.affinity=[0,1,8]"))).toMatch(/dom0\.affinity\[2\]: 8 .*from 0 to 7/));
  it("malformed JSON file", () => {
    const dir = mkdtempSync(join(tmpdir(), "pvnetsim-"));
    const f = join(dir, "bad.json");
    writeFileSync(f, '{"dom0": {"vcpus": 4,}');
    expect(oneLine(runCli("run", f))).toMatch(/malformed JSON/);
  });
  it("params lists every parameter with its default and unit", () => {
    const r = runCli("params");
    expect(r.status).toBe(0);
    for (const p of PARAMS) expect(r.stdout).toContain(p.path);
    const bridge = PARAMS.find((p) => p.path === "costs.bridgePacketCycles")!;
    expect(r.stdout).toMatch(new RegExp(`costs\\.bridgePacketCycles\\s+${String(bridge.default)}\\s+cycles`));
  });
});
