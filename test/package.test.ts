// The package as users get it: `npm pack` builds (prepare) and packs; the tarball installs into a
// scratch project that has no source tree, with the optional chart packages left out (a
// library-only consumer). There `import { simulate } from "pvnetsim"` type-checks under
// `tsc --strict` and runs, `npx pvnetsim run paper-baseline --json` prints the same bytes as the
// repository's CLI, the browser worker and the wasm resolve as exported subpaths, drawing says
// which optional packages it needs, and `pvnetsim slurm` refuses to name a CLI inside npx's cache.
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, root } from "./helpers.js";
import { tmp } from "./sweep/helpers.js";

const TSC = join(root, "node_modules", "typescript", "bin", "tsc");
const NPM_FLAGS = ["--omit=optional", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, timeout: 300_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Bytes and packages under a node_modules directory (what a consumer's disk holds). */
function installed(dir: string): { bytes: number; packages: number } {
  let bytes = 0;
  let packages = 0;
  const walk = (p: string): void => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const q = join(p, e.name);
      if (e.isDirectory()) {
        if (existsSync(join(q, "package.json")) && !e.name.startsWith(".")) packages++;
        walk(q);
      } else if (e.isFile()) bytes += statSync(q).size;
    }
  };
  walk(dir);
  return { bytes, packages };
}

let tarball = "";
let consumer = "";

beforeAll(() => {
  const dir = tmp("pack");
  const p = sh("npm", ["pack", "--pack-destination", dir, "--json", "--loglevel=error"], root);
  expect(p.code, p.stderr).toBe(0);
  const info = JSON.parse(p.stdout.slice(p.stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  tarball = join(dir, info[0]!.filename);
  const files = info[0]!.files.map((f) => f.path);
  for (const f of ["dist/src/node.js", "dist/src/node.d.ts", "dist/src/cli/main.js", "dist/src/browser/worker.js", "build/pvnetsim.wasm", "package.json"]) expect(files, f).toContain(f);
  expect(files.filter((f) => /^(test|node_modules|out|test-results)\//.test(f))).toEqual([]);

  consumer = join(dir, "consumer");
  mkdirSync(consumer);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const i = sh("npm", ["install", ...NPM_FLAGS, tarball], consumer);
  expect(i.code, i.stderr).toBe(0);
});

describe("the packed package, installed without the chart packages", () => {
  it("is small: a library-only consumer's node_modules", () => {
    const { bytes, packages } = installed(join(consumer, "node_modules"));
    console.log(`library-only install: ${(bytes / 1e6).toFixed(1)} MB in ${packages} packages (node_modules of a consumer that installed the tarball with --omit=optional)`);
    expect(existsSync(join(consumer, "node_modules", "vega"))).toBe(false);
    expect(existsSync(join(consumer, "node_modules", "vega-lite"))).toBe(false);
    expect(bytes).toBeLessThan(10e6);
  });

  it("import { simulate } from \"pvnetsim\" type-checks under tsc --strict and runs", () => {
    writeFileSync(
      join(consumer, "main.ts"),
      [
        'import { simulate, PVNETSIM_VERSION, type SimResult } from "pvnetsim";',
        'const r: SimResult = await simulate({ preset: "paper-baseline", durationMs: 20, warmupMs: 10 }, { seed: 2 });',
        "const gbps: number = r.throughput.aggregateGbps;",
        "console.log(JSON.stringify({ state: r.state, version: PVNETSIM_VERSION, gbps }));",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", typeRoots: [join(root, "node_modules", "@types")], types: ["node"], outDir: "out", skipLibCheck: false },
        files: ["main.ts"],
      }),
    );
    const t = sh(process.execPath, [TSC, "-p", "tsconfig.json"], consumer);
    expect(t.code, t.stdout + t.stderr).toBe(0);
    const r = sh(process.execPath, ["out/main.js"], consumer);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { state: string; version: string; gbps: number };
    expect(out.state).toBe("completed");
    expect(out.gbps).toBeGreaterThan(0);
  });

  it("npx pvnetsim run paper-baseline --json prints the same bytes as the repository's CLI (wall time aside)", () => {
    const there = sh("npx", ["--no-install", "pvnetsim", "run", "paper-baseline", "--json"], consumer);
    expect(there.code, there.stderr).toBe(0);
    const here = sh(process.execPath, [cli, "run", "paper-baseline", "--json"], root);
    expect(here.code, here.stderr).toBe(0);
    expect(there.stdout.length).toBeGreaterThan(1000);
    // Byte for byte, but for the one field that is not a result of the simulation: its wall time.
    const wall = /"wallSeconds":[0-9.e+-]+/g;
    expect(there.stdout.match(wall)).toHaveLength(1);
    expect(there.stdout.replace(wall, '"wallSeconds":0')).toBe(here.stdout.replace(wall, '"wallSeconds":0'));
  });

  it("exports the browser worker and the wasm as subpaths", () => {
    const r = sh(process.execPath, ["--input-type=module", "-e", 'for (const s of ["pvnetsim/browser", "pvnetsim/browser/worker", "pvnetsim/wasm", "pvnetsim/wasm/debug"]) console.log(import.meta.resolve(s));'], consumer);
    expect(r.code, r.stderr).toBe(0);
    const urls = r.stdout.trim().split("\n");
    expect(urls).toHaveLength(4);
    for (const u of urls) expect(existsSync(new URL(u))).toBe(true);
    expect(urls[1]).toMatch(/\/node_modules\/pvnetsim\/dist\/src\/browser\/worker\.js$/);
    expect(readFileSync(new URL(urls[2]!)).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
  });

  it("drawing without the optional chart packages fails in one line that says what to install", () => {
    writeFileSync(join(consumer, "spec.yaml"), "name: tiny\nbase: single-guest\nset: { durationMs: 5, warmupMs: 1 }\naxes:\n  dom0.vcpus: [1, 2]\n");
    const s = sh("npx", ["--no-install", "pvnetsim", "sweep", "spec.yaml", "--out", "r.jsonl", "--workers", "1"], consumer);
    expect(s.code, s.stderr).toBe(0);
    const r = sh("npx", ["--no-install", "pvnetsim", "report", "r.jsonl", "--out", "report"], consumer);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("pvnetsim: error: drawing charts needs the optional packages vega and vega-lite, which are not installed; run: npm install vega@~6.4.0 vega-lite@~6.4.0");
    // The tables were written before the first chart.
    expect(existsSync(join(consumer, "report", "results.csv"))).toBe(true);
  });

  it("pvnetsim slurm run from npx's cache refuses to write a job that names that cache", () => {
    const cache = join(consumer, "..", "npm-cache", "_npx", "3f9a1c0d2b7e4a65");
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, "package.json"), JSON.stringify({ name: "npx-like", private: true }));
    const i = sh("npm", ["install", ...NPM_FLAGS, tarball], cache);
    expect(i.code, i.stderr).toBe(0);
    const bin = join(cache, "node_modules", "pvnetsim", "dist", "src", "cli", "main.js");
    const r = sh(process.execPath, [bin, "slurm", join(consumer, "spec.yaml"), "--out", join(consumer, "job")], consumer, { PVNETSIM_CLI: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pvnetsim: error: pvnetsim runs from npx's cache \(.*_npx.*\), which npm may clear and compute nodes do not have; install it where the nodes see it .* or set PVNETSIM_CLI to the command the nodes should run, e\.g\. PVNETSIM_CLI="npx --yes pvnetsim@\d+\.\d+\.\d+"\n$/);
    // With PVNETSIM_CLI the job is written and names that command, not the cache.
    const ok = sh(process.execPath, [bin, "slurm", join(consumer, "spec.yaml"), "--out", join(consumer, "job")], consumer, { PVNETSIM_CLI: "npx --yes pvnetsim@0.1.0" });
    expect(ok.code, ok.stderr).toBe(0);
    const script = readFileSync(join(consumer, "job", "sweep.sbatch"), "utf8");
    expect(script).toContain("DEFAULT_CLI='npx --yes pvnetsim@0.1.0'");
    expect(script).not.toContain("_npx");
  });
});
