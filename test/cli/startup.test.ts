// What the CLI and the library load: `--version` nothing but itself, `run` a few files of the
// bundled command line and no chart stack and no sweep modules, the library import `pvnetsim` no
// chart stack, and the chart stack only when a command draws. Checked by listing every module a
// fresh process resolves (a module.register resolve hook), not by timing: timings belong in
// benchmarks. The command line is bundled (scripts/bundle-cli.mjs): the source modules inside each
// file it loads are read from the bundle's dist/src/cli/bundle.json.
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cli, root } from "../helpers.js";

let dir = "";
let hook = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pvnetsim-startup-"));
  const hooks = join(dir, "hooks.mjs");
  writeFileSync(hooks, `export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.startsWith("file:")) process._rawDebug("LOADED " + r.url); return r; }\n`);
  hook = join(dir, "register.mjs");
  writeFileSync(hook, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  return () => rmSync(dir, { recursive: true, force: true });
});

/** Runs node with the hook and returns the file modules it resolved (paths relative to the repository). */
function loaded(args: string[]): { modules: string[]; stdout: string; code: number | null } {
  const r = spawnSync(process.execPath, ["--import", hook, ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
  const modules = r.stderr
    .split("\n")
    .filter((l) => l.startsWith("LOADED "))
    .map((l) => decodeURIComponent(l.slice(7)).replace(pathToFileURL(root).href, ""));
  // Resolved once per import statement: each module once, in the order first resolved.
  return { modules: [...new Set(modules)], stdout: r.stdout, code: r.status };
}

const chartStack = (ms: string[]): string[] => ms.filter((m) => /node_modules\/vega/.test(m));

/** The source modules in the loaded files: a file of the CLI's bundle stands for the modules it holds. */
function sources(files: string[]): string[] {
  const bundle = JSON.parse(readFileSync(join(root, "dist/src/cli/bundle.json"), "utf8")) as Record<string, string[]>;
  return files.flatMap((f) => {
    const inBundle = f.startsWith("dist/src/cli/") ? bundle[f.slice("dist/src/cli/".length)] : undefined;
    return inBundle ?? [f];
  });
}

describe("start-up", () => {
  it("--version loads only the entry, which holds the version", () => {
    const r = loaded([cli, "--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(r.modules).toEqual(["dist/src/cli/main.js"]);
    expect(sources(r.modules).sort()).toEqual(["src/cli/main.ts", "src/version.ts"]);
  });

  it("the package's pvnetsim command is a CommonJS copy of the entry: --version loads only it", () => {
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
    expect(r.modules.slice(0, 2)).toEqual(["dist/src/cli/main.cjs", "dist/src/cli/program.js"]);
  });

  it("run loads a few files of the bundle, and neither the chart stack nor the sweep, report-page or browser modules", () => {
    const r = loaded([cli, "run", "paper-baseline", "--duration-ms", "2", "--warmup-ms", "0", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).state).toBe("completed");
    // Every file from the bundle (no module of tsc's dist/src, none from node_modules), about 20.
    expect(r.modules.filter((m) => !m.startsWith("dist/src/cli/"))).toEqual([]);
    expect(r.modules.length).toBeLessThan(30);
    const src = sources(r.modules);
    expect(src).toContain("src/cli/commands/run.ts");
    expect(src).toContain("src/wasm-node.ts");
    expect(chartStack(src)).toEqual([]);
    expect(src.filter((m) => /src\/(sweep|reproduce|browser)\/|report\/charts/.test(m))).toEqual([]);
  });

  it("every command is found in the table of command modules: it loads its own module, not all of them", () => {
    const program = readFileSync(join(root, "src/cli/program.ts"), "utf8");
    const table = new Set([...program.matchAll(/^ {2}"?([a-z-]+)"?: \(\) => import\(/gm)].map((m) => m[1]));
    const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8", timeout: 60_000 }).stdout;
    const listed = [...help.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]!).filter((c) => c !== "help");
    expect(listed.length).toBeGreaterThan(10);
    for (const c of listed) expect(table.has(c), c).toBe(true);
    const h = loaded([cli, "help", "sweep"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^Usage: pvnetsim sweep/);
    expect(sources(h.modules).filter((m) => m.startsWith("src/cli/commands/sweep."))).toEqual(["src/cli/commands/sweep.ts"]);
    expect(sources(h.modules)).not.toContain("src/cli/commands/reproduce.ts");
    const r = loaded([cli, "metrics", "--json"]);
    expect(r.code).toBe(0);
    expect(sources(r.modules).filter((m) => m.startsWith("src/cli/commands/"))).toEqual(["src/cli/commands/info.ts"]);
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
