// The layering of assembly/ (.dependency-cruiser.cjs): imports only point down, components call
// each other only along the documented packet-path edges, and no cycle exists outside them.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "node_modules", ".bin", "depcruise");

function cruise(): { exit: number; out: string } {
  try {
    const out = execFileSync(bin, ["assembly", "--config", ".dependency-cruiser.cjs", "--output-type", "err"], {
      cwd: root,
      encoding: "utf8",
    });
    return { exit: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { exit: err.status, out: err.stdout };
  }
}

describe("assembly/ layers", () => {
  it("every import follows the layer rules and the documented neighbour edges", () => {
    const r = cruise();
    expect(r.out).toContain("no dependency violations found");
    expect(r.exit).toBe(0);
  });
});
