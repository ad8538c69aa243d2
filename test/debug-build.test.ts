// The debug build checks what the release build trusts: a broken ring.h index order stops the
// model with a message naming the check and its source line, while the release build, compiled
// with assertions off, has none of the checks (not even their messages) and runs on.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadWasmModule } from "../dist/src/node.js";
import { withModelStack } from "../dist/src/wasm-node.js";
import { instantiate } from "../dist/src/run/simulate.js";
import { root, simulate } from "./helpers.js";

/** A ring whose backend consumed requests the frontend never published (req_cons > req_prod). */
async function pushOnBrokenRing(build: "release" | "debug"): Promise<number> {
  const w = await instantiate(await loadWasmModule(build));
  w.tRingsInit(1);
  w.tRingSet(0, 4, 5); // req_cons = 5, req_prod = 0
  return w.tRingPushRequests(0);
}

const utf16 = (s: string): Buffer => Buffer.from(s, "utf16le");
const CHECKS = [
  "ring: indices out of order",
  "fifo: read past the tail",
  "fifo: table full",
  "charge() outside a job",
  "packet conservation failed at a chunk end",
];

describe("debug build", () => {
  it("stops on a broken ring index order with the check's message and model source line", async () => {
    await expect(pushOnBrokenRing("debug")).rejects.toThrow(
      /wasm abort: ring: indices out of order .* at assembly\/xen\/ring\.ts:\d+:\d+/,
    );
  });

  it("a failure's model frames are mapped to source lines through the source map", async () => {
    const e = await pushOnBrokenRing("debug").then(
      () => new Error("no failure"),
      (x: unknown) => x,
    );
    const mapped = (await withModelStack(e)) as Error;
    expect(mapped.message).toMatch(
      /model stack: assembly\/xen\/ring\.ts:\d+ \(ringCheckOrder\) <- assembly\/xen\/ring\.ts:\d+ \(ringPushRequests\)/,
    );
  });

  it("the release build has no assertions: the same call runs on, and no check's message is in the module", async () => {
    expect(await pushOnBrokenRing("release")).toBe(0);
    const release = readFileSync(join(root, "build", "pvnetsim.wasm"));
    const debug = readFileSync(join(root, "build", "pvnetsim.debug.wasm"));
    for (const m of CHECKS) {
      expect(debug.includes(utf16(m)), `debug build lacks "${m}"`).toBe(true);
      expect(release.includes(utf16(m)), `release build contains "${m}"`).toBe(false);
    }
  });

  it("has a source map", () => {
    const map = JSON.parse(readFileSync(join(root, "build", "pvnetsim.debug.wasm.map"), "utf8"));
    expect(map.sources).toContain("assembly/xen/ring.ts");
    expect(map.mappings.length).toBeGreaterThan(0);
  });

  it("runs a whole simulation with every check on, and says so in the result", async () => {
    const r = await simulate(
      { preset: "paper-lro", durationMs: 100, warmupMs: 50, links: { rxLossRate: 0.001 } },
      { debugBuild: true, seed: 2 },
    );
    expect(r.drops["wire_loss"]).toBeGreaterThan(0);
    expect(r.state).toBe("completed");
    expect(r.versions.wasmBuild).toBe("debug");
    expect(r.conservation.ok).toBe(true);
  });
});
