// What the CLI and the library load: `--version` nothing but its entry, `run` the entry and the
// bundled program (no chart stack, no sweep modules evaluated), the library import `pvnetsim` no
// chart stack, and the chart stack only when a command draws. Checked by listing every file a fresh
// process reads as code (a module.register resolve hook for ES modules, a wrapped fs.readFileSync for
// CommonJS and for the program the entry compiles), not by timing: timings belong in benchmarks. The
// command line is bundled (scripts/bundle-cli.mjs): dist/src/cli/bundle.json lists the source
// modules in each file and those that each command evaluates.
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cli, root } from "../helpers.js";

let dir = "";
let hook = "";
let readHook = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pvnetsim-startup-"));
  const hooks = join(dir, "hooks.mjs");
  writeFileSync(hooks, `export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.startsWith("file:")) process._rawDebug("LOADED " + r.url); return r; }\n`);
  hook = join(dir, "register.mjs");
  writeFileSync(hook, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  // CommonJS modules and the program main.cjs compiles are read with fs.readFileSync.
  readHook = join(dir, "read.cjs");
  writeFileSync(readHook, `const fs = require("node:fs"); const { pathToFileURL } = require("node:url"); const read = fs.readFileSync; fs.readFileSync = function (p, ...rest) { if (typeof p === "string" && /\\.(c|m)?js$/.test(p)) process._rawDebug("LOADED " + pathToFileURL(p).href); return read.call(this, p, ...rest); };\n`);
  return () => rmSync(dir, { recursive: true, force: true });
});

/** Runs node with the hooks and returns the code files it read (paths relative to the repository). */
function loaded(args: string[]): { modules: string[]; stdout: string; code: number | null } {
  const r = spawnSync(process.execPath, ["--import", hook, "--require", readHook, ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
  const modules = r.stderr
    .split("\n")
    .filter((l) => l.startsWith("LOADED "))
    .map((l) => decodeURIComponent(l.slice(7)).replace(pathToFileURL(root).href, ""))
    .filter((m) => !m.includes(dir));
  // Each file once, in the order first read.
  return { modules: [...new Set(modules)], stdout: r.stdout, code: r.status };
}

const chartStack = (ms: string[]): string[] => ms.filter((m) => /node_modules\/vega/.test(m));

interface Bundle {
  files: Record<string, string[]>;
  evaluates: Record<string, string[]>;
}
const bundle = (): Bundle => JSON.parse(readFileSync(join(root, "dist/src/cli/bundle.json"), "utf8")) as Bundle;

/** The source modules in the loaded files: a file of the CLI's bundle stands for the modules it holds. */
function sources(files: string[]): string[] {
  const b = bundle();
  return files.flatMap((f) => {
    const inBundle = f.startsWith("dist/src/cli/") ? b.files[f.slice("dist/src/cli/".length)] : undefined;
    return inBundle ?? [f];
  });
}

describe("start-up", () => {
  it("--version loads only the entry, which holds the version", () => {
    const r = loaded([cli, "--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    // main.js is the ES module way in to main.cjs.
    expect(r.modules).toEqual(["dist/src/cli/main.js", "dist/src/cli/main.cjs"]);
    expect(sources(r.modules).sort()).toEqual(["src/cli/main.ts", "src/version.ts"]);
  });

  it("the package's pvnetsim command is a CommonJS script: --version loads only it, run the program too", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: { pvnetsim: string } };
    expect(pkg.bin.pvnetsim).toBe("dist/src/cli/main.cjs");
    const bin = join(root, pkg.bin.pvnetsim);
    const v = loaded([bin, "--version"]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(v.modules).toEqual(["dist/src/cli/main.cjs"]);
    expect(sources(v.modules).sort()).toEqual(["src/cli/main.ts", "src/version.ts"]);
    const r = loaded([bin, "run", "paper-baseline", "--duration-ms", "2", "--warmup-ms", "0", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).state).toBe("completed");
    expect(r.modules).toEqual(["dist/src/cli/main.cjs", "dist/src/cli/program.cjs"]);
  });

  it("run evaluates neither the chart stack nor the sweep, report-page or browser modules", () => {
    const r = loaded([cli, "run", "paper-baseline", "--duration-ms", "2", "--warmup-ms", "0", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).state).toBe("completed");
    // The entry and the program; no module of tsc's dist/src, none from node_modules.
    expect(r.modules).toEqual(["dist/src/cli/main.js", "dist/src/cli/main.cjs", "dist/src/cli/program.cjs"]);
    // Inside the program a module is evaluated when something evaluated imports it other than by import().
    const evaluated = bundle().evaluates["src/cli/commands/run.ts"]!;
    expect(evaluated).toContain("src/cli/commands/run.ts");
    expect(evaluated).toContain("src/wasm-node.ts");
    expect(evaluated).not.toContain("src/run/timeseries.ts");
    expect(evaluated).not.toContain("src/trace/chrome.ts");
    // zod is evaluated on first use: a configuration the quick check passes needs none of it.
    expect(evaluated.filter((m) => /node_modules\/zod\//.test(m))).toEqual([]);
    expect(evaluated).toContain("src/config/schema.ts");
    expect(chartStack(evaluated)).toEqual([]);
    expect(evaluated.filter((m) => /src\/(sweep|reproduce|browser)\/|report\/charts|cli\/commands\/(?!run\.ts)/.test(m))).toEqual([]);
    // The program holds the sweep (it serves every command): the check above is not empty by construction.
    expect(sources(r.modules).filter((m) => m.startsWith("src/sweep/")).length).toBeGreaterThan(0);
  });

  it("run --json loads no built-in module it does not use (child_process, zlib, fs/promises)", () => {
    const list = join(dir, "builtins.cjs");
    writeFileSync(list, `process.on("exit", () => process._rawDebug("BUILTINS " + process.moduleLoadList.join(",")));\n`);
    const r = spawnSync(process.execPath, ["--require", list, cli, "run", "paper-baseline", "--duration-ms", "2", "--warmup-ms", "0", "--json"], { cwd: root, encoding: "utf8", timeout: 120_000 });
    expect(r.status).toBe(0);
    const line = r.stderr.split("\n").find((l) => l.startsWith("BUILTINS "))!;
    const loadedBuiltins = line.slice(9).split(",").filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13));
    expect(loadedBuiltins).toContain("vm");
    expect(loadedBuiltins.filter((m) => ["child_process", "zlib", "fs/promises", "http"].includes(m))).toEqual([]);
  });

  it("run evaluates zod only for a configuration the quick check does not pass", () => {
    // zod's core sets globalThis.__zod_globalConfig when it is evaluated.
    const probe = join(dir, "zod-probe.cjs");
    writeFileSync(probe, `process.on("exit", () => process._rawDebug("ZOD " + (globalThis.__zod_globalConfig !== undefined)));\n`);
    const zodEvaluated = (args: string[]): string => {
      const r = spawnSync(process.execPath, ["--require", probe, cli, ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
      return r.stderr.split("\n").find((l) => l.startsWith("ZOD "))!;
    };
    const run = ["run", "paper-baseline", "--duration-ms", "2", "--warmup-ms", "0", "--json"];
    expect(zodEvaluated(run)).toBe("ZOD false");
    expect(zodEvaluated([...run, "--set", "dom0.vcpus=0"])).toBe("ZOD true");
    expect(zodEvaluated(["schema"])).toBe("ZOD true");
  });

  it("every command is found in the table of command modules: it evaluates its own module, not all of them", () => {
    const program = readFileSync(join(root, "src/cli/program.ts"), "utf8");
    const table = new Set([...program.matchAll(/^ {2}"?([a-z-]+)"?: \(\) => import\(/gm)].map((m) => m[1]));
    const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8", timeout: 60_000 }).stdout;
    const listed = [...help.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]!).filter((c) => c !== "help");
    expect(listed.length).toBeGreaterThan(10);
    for (const c of listed) expect(table.has(c), c).toBe(true);
    const h = loaded([cli, "help", "sweep"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^Usage: pvnetsim sweep/);
    const evaluates = bundle().evaluates;
    expect(Object.keys(evaluates).sort()).toEqual([...new Set([...program.matchAll(/import\("\.\/(commands\/[a-z-]+)\.js"\)/g)].map((m) => `src/cli/${m[1]}.ts`))].sort());
    for (const [command, modules] of Object.entries(evaluates)) {
      expect(modules.filter((m) => m.startsWith("src/cli/commands/") && !/commands\/sweep-(common|dry-run|run)\.ts/.test(m)), command).toEqual([command]);
    }
    const r = loaded([cli, "metrics", "--json"]);
    expect(r.code).toBe(0);
  });

  it("the library import pvnetsim does not load the chart stack", () => {
    const r = loaded(["--input-type=module", "-e", `const m = await import("pvnetsim"); console.log(typeof m.simulate, typeof m.planSweep);`]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("function function");
    expect(r.modules).toContain("dist/src/node.js");
    expect(chartStack(r.modules)).toEqual([]);
  });

  it("help of every command loads no chart stack", () => {
    const r = loaded([cli, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reproduce/);
    expect(chartStack(r.modules)).toEqual([]);
  });

  it("drawing a chart loads the chart stack when it draws", () => {
    const r = loaded(["--input-type=module", "-e", `const c = await import(${JSON.stringify(pathToFileURL(join(root, "dist/src/report/charts.js")).href)}); const svg = await c.lineChart({ title: "t", xTitle: "x", yTitle: "y", legendTitle: "s", data: [{ x: 1, series: "a", y: 2 }] }); console.log(svg.startsWith("<svg"));`]);
    expect(r.stdout.trim()).toBe("true");
    expect(chartStack(r.modules).length).toBeGreaterThan(0);
  });

  it("a command that draws loads the chart stack then, through the entry (report of a sweep)", () => {
    const spec = join(dir, "tiny.yaml");
    writeFileSync(spec, "base: paper-baseline\nset:\n  durationMs: 2\n  warmupMs: 0\naxes:\n  dom0.vcpus: [1, 2]\n");
    const results = join(dir, "tiny.jsonl");
    const sweep = loaded([cli, "sweep", spec, "--out", results, "--workers", "1"]);
    expect(sweep.code).toBe(0);
    expect(chartStack(sweep.modules)).toEqual([]);
    const r = loaded([cli, "report", results, "--out", join(dir, "report")]);
    expect(r.code).toBe(0);
    expect(chartStack(r.modules).length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, "report", "index.html"), "utf8")).toMatch(/<svg/);
  });

  it("the code cache is used only with the program it was made for", () => {
    // A copy of the package's command with the program changed as a rebuild would change it (the
    // same length, so V8's own check, which compares lengths only, would take the old cache).
    const pkg = join(dir, "pkg");
    const to = join(pkg, "dist", "src", "cli");
    mkdirSync(to, { recursive: true });
    writeFileSync(join(pkg, "package.json"), '{ "name": "pvnetsim" }\n');
    const from = join(root, "dist", "src", "cli");
    for (const f of ["main.cjs", "program.cjs.cache"]) writeFileSync(join(to, f), readFileSync(join(from, f)));
    const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version as string;
    const program = readFileSync(join(from, "program.cjs"), "utf8");
    const changed = program.replaceAll(JSON.stringify(version), JSON.stringify(version.replace(/\d/g, "9")));
    expect(changed.length).toBe(program.length);
    expect(changed).not.toBe(program);
    const key = /^\/\/ code cache key: ([0-9a-f]{64})\n/.exec(program)![1]!;
    const versionOf = (text: string): string => {
      writeFileSync(join(to, "program.cjs"), text);
      const r = spawnSync(process.execPath, [join(to, "main.cjs"), "-V", "run"], { encoding: "utf8", timeout: 60_000 });
      expect(r.status).toBe(0);
      return r.stdout.trim();
    };
    // With the old key the old cache is taken: the old bytecode answers (what the key prevents).
    expect(versionOf(changed)).toBe(version);
    // A rebuild writes a new key: the cache is not used, and the changed program answers.
    expect(versionOf(changed.replace(key, "f".repeat(64)))).toBe(version.replace(/\d/g, "9"));
    expect(versionOf(program)).toBe(version);
  });
});

describe("CLI manners", () => {
  it("a closed stdout ends the command quietly (sweep --dry-run | head -1)", () => {
    const spec = join(root, "examples", "sweeps", "dom0-vcpu-scaling.yaml");
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${cli}" sweep "${spec}" --out "${join(dir, "never.jsonl")}" --dry-run | head -1`], { encoding: "utf8", timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
  });

  it("--help works for every command and for the benchmarks, without running them", () => {
    for (const c of ["run", "presets", "params", "schema", "serve", "sweep", "slurm", "merge", "report", "reproduce", "sensitivity", "validate", "io-paths"]) {
      const r = spawnSync(process.execPath, [cli, c, "--help"], { encoding: "utf8", timeout: 60_000 });
      expect(r.status, c).toBe(0);
      expect(r.stdout, c).toMatch(new RegExp(`^Usage: pvnetsim ${c}`));
    }
    for (const b of ["dist/bench/main.js", "dist/bench/kernel-run.js"]) {
      const r = spawnSync(process.execPath, [join(root, b), "--help"], { encoding: "utf8", timeout: 60_000 });
      expect(r.status, b).toBe(0);
      expect(r.stdout, b).toMatch(/^usage: node dist\/bench\//);
      expect(r.stderr, b).toBe("");
    }
  });

  it("one name for parallelism: --workers, with the old names kept as aliases", () => {
    for (const c of ["sweep", "slurm", "reproduce", "sensitivity", "validate", "io-paths"]) {
      const r = spawnSync(process.execPath, [cli, c, "--help"], { encoding: "utf8", timeout: 60_000 });
      expect(r.stdout, c).toMatch(/--workers <n>/);
      expect(r.stdout, c).not.toMatch(/--threads|--cpus-per-task <n>/);
    }
    const bad = spawnSync(process.execPath, [cli, "reproduce", "--threads", "0"], { encoding: "utf8", timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('pvnetsim: error: --threads: "0" is not allowed; expected an integer >= 1');
  });
});
