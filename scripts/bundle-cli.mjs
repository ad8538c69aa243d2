#!/usr/bin/env node
// Part of `npm run build:ts`, after tsc: replaces the command line's tsc output with bundles made
// from src/, so that a command loads three files instead of about a hundred modules (each module
// Node resolves, reads and compiles costs start-up time).
//
// - main.cjs is src/cli/main.ts with src/version.ts inside, a CommonJS script: the package's
//   `pvnetsim` command (package.json "bin"). `--version` reads no other file, and Node never sets
//   up its ES module loader for it. main.js is an ES module that loads main.cjs (`node main.js`).
// - program.cjs is src/cli/program.ts with all it imports (commander and yaml included), one
//   CommonJS file. esbuild evaluates a module that is reached through import() only when that
//   import() runs, so a command still evaluates only its own code: `run` neither the sweep nor the
//   chart code. cli-progress (loaded with require when a bar is drawn) and the chart stack (vega,
//   vega-lite: optional, large, ES modules only) stay packages loaded from node_modules.
// - program.cjs.cache is V8's code cache of program.cjs: the bytecode of every function that a
//   short `run paper-lro` compiled, written by that run (main.ts runs the program through
//   vm.Script, which reads and writes such caches). Its first 64 bytes are the key also written on
//   program.cjs's first line, a SHA-256 of the bundle: main.cjs uses the cache only when the two
//   match. Without the simulator's .wasm (build it first) no cache is written and the program is
//   compiled at each start, as any script.
// - Minified (Node compiles half the text at each start without the cache), with source maps.
// - The rest of dist/ stays tsc's output: the library (`import "pvnetsim"`), the pool's worker
//   script and the browser entry load unbundled. Files the code finds by path are found from the
//   package root (src/package-root.ts), which works from both layouts.
// - dist/src/cli/bundle.json lists the source modules of each output file ("files") and, for each
//   command module, the modules a process running that command evaluates ("evaluates": those
//   that program.ts and the command's module import, directly or through other imports, without
//   import()).

import { build } from "esbuild";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist/src/cli");
// Earlier layouts of the bundle (an ES module program.js with chunks) and tsc's program.js.
for (const old of ["chunks", "program.js", "program.js.map", "main.js.map"])
  rmSync(join(outdir, old), { recursive: true, force: true });

/** The first line of program.cjs; main.ts reads the key after it (a SHA-256 of the file, written below). */
const KEY_PREFIX = "// code cache key: ";
const KEY_PLACEHOLDER = "0".repeat(64);

/**
 * The chart stack is imported with import(), which the program, compiled by main.cjs as a vm
 * script, cannot call in Node 20: main.cjs passes it a function that does the import instead
 * (the wrapper's parameter __pvnetsimImport; see src/cli/main.ts).
 */
const importEsm = {
  name: "import-esm",
  setup(b) {
    b.onLoad({ filter: /src[\\/]report[\\/]charts\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      const out = text.replace(/(?<!typeof )\bimport\(("vega(?:-lite)?")\)/g, "__pvnetsimImport($1)");
      if (out.split("__pvnetsimImport(").length !== 3)
        throw new Error(`${args.path}: expected two import() of vega, vega-lite`);
      return { contents: out, loader: "ts" };
    });
  },
};

/**
 * commander requires node:child_process when it loads, for the one thing it spawns: a subcommand
 * that is a separate executable, which this program has none of. Loading child_process (and the
 * networking modules it loads) costs a fresh process about 3 ms, so it is required when spawned.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      const eager = "const childProcess = require('node:child_process');";
      if (text.split(eager).length !== 2) throw new Error(`${args.path}: expected one line ${eager}`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: text.replace(eager, lazy), loader: "js" };
    });
  },
};

/**
 * zod, evaluated when the program first uses it: a configuration that passes the quick check
 * (src/config/quick-check.ts) builds no zod schema, and evaluating zod's modules cost a `run`
 * 1.7% of its instructions with a 1 ms simulation. src/vendor/zod.ts, which the sources import zod
 * from, becomes a `z` that requires zod's API (src/vendor/zod-api.ts, bundled) on its first
 * property read. Every use of `z` in the sources is a call of one of its functions inside a
 * function (test/cli/startup.test.ts checks that a run evaluates no zod).
 */
const lazyZod = {
  name: "lazy-zod",
  setup(b) {
    b.onResolve({ filter: /vendor[\\/]zod\.js$/ }, (args) => ({
      path: join(dirname(args.importer), args.path.replace(/\.js$/, ".ts")),
      namespace: "lazy-zod",
    }));
    b.onLoad({ filter: /.*/, namespace: "lazy-zod" }, (args) => ({
      contents: `let api;\nexport const z = new Proxy({}, { get: (_, key) => (api ??= require(${JSON.stringify(join(dirname(args.path), "zod-api.ts"))}))[key] });\n`,
      loader: "js",
      resolveDir: dirname(args.path),
    }));
  },
};

const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  tsconfig: join(root, "tsconfig.json"),
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: "inline",
  metafile: true,
  logLevel: "warning",
};

const entry = await build({
  ...common,
  entryPoints: { main: "src/cli/main.ts" },
  outExtension: { ".js": ".cjs" },
});

const program = await build({
  ...common,
  entryPoints: { program: "src/cli/program.ts" },
  outExtension: { ".js": ".cjs" },
  external: ["vega", "vega-lite", "cli-progress"],
  plugins: [importEsm, lazyChildProcess, lazyZod],
  // import() of a built-in module (node:zlib where a trace is written) becomes a require(), which
  // a vm script has; the chart stack, which needs import(), goes through importEsm above.
  supported: { "dynamic-import": false },
  // import.meta.url (package-root.ts, progress.ts) as a CommonJS module knows it. The banner comes
  // before esbuild's "use strict", which would then no longer be the first statement: it says it first.
  define: { "import.meta.url": "__pvnetsimUrl" },
  banner: {
    js: `${KEY_PREFIX}${KEY_PLACEHOLDER}\n"use strict";\nvar __pvnetsimUrl = require("node:url").pathToFileURL(__filename).href;`,
  },
});

// The key: a hash of the file as built, written over the placeholder (same length: the source map stays right).
const programFile = join(outdir, "program.cjs");
const text = readFileSync(programFile, "utf8");
if (!text.startsWith(KEY_PREFIX + KEY_PLACEHOLDER)) throw new Error("program.cjs does not start with its key line");
// Any import() left would fail at run time (see importEsm above).
if (/\bimport\(/.test(text)) throw new Error("program.cjs calls import(): load that module through __pvnetsimImport");
const key = createHash("sha256").update(text).digest("hex");
writeFileSync(programFile, text.replace(KEY_PLACEHOLDER, key));

writeFileSync(
  join(outdir, "main.js"),
  [
    "#!/usr/bin/env node",
    "// `node dist/src/cli/main.js`: the command line started as an ES module; the command is main.cjs.",
    'import { createRequire } from "node:module";',
    'createRequire(import.meta.url)("./main.cjs");',
    "",
  ].join("\n"),
);

// Source paths relative to the package ("node_modules/zod/...", also through a linked node_modules).
const sourcePath = (i) => i.replace(/^(\.\.\/)+.*?(node_modules\/)/, "$2");
const files = {};
for (const [file, out] of [entry, program].flatMap((r) => Object.entries(r.metafile.outputs))) {
  if (file.endsWith(".map")) continue;
  files[relative(outdir, join(root, file))] = Object.keys(out.inputs).map(sourcePath).sort();
}
files["main.js"] = [];
// What running a command evaluates: program.ts and the command's module with everything they import
// other than through import() (a CommonJS require is counted as evaluated, except zod's, above).
const inputs = program.metafile.inputs;
const evaluated = (start) => {
  const seen = new Set();
  const visit = (p) => {
    if (seen.has(p) || !inputs[p]) return;
    seen.add(p);
    // The lazy `z` requires zod on its first use (lazyZod above), not when it is evaluated.
    if (p.startsWith("lazy-zod:")) return;
    for (const i of inputs[p].imports) if (!i.external && i.kind !== "dynamic-import") visit(i.path);
  };
  for (const p of start) visit(p);
  return [...seen].map(sourcePath).sort();
};
const evaluates = {};
for (const p of Object.keys(inputs).filter((p) => p.startsWith("src/cli/commands/"))) {
  const dynamic = inputs["src/cli/program.ts"].imports.some((i) => i.path === p && i.kind === "dynamic-import");
  if (dynamic) evaluates[p] = evaluated(["src/cli/program.ts", p]);
}
writeFileSync(join(outdir, "bundle.json"), `${JSON.stringify({ files, evaluates }, null, 1)}\n`);

// The code cache, from one short run of the paper's scenario (it needs the simulator's .wasm).
const cacheFile = `${programFile}.cache`;
rmSync(cacheFile, { force: true });
if (existsSync(join(root, "build", "pvnetsim.wasm"))) {
  const args = ["run", "paper-lro", "--duration-ms", "1", "--warmup-ms", "0", "--json", "--quiet"];
  const r = spawnSync(process.execPath, [join(outdir, "main.cjs"), ...args], {
    env: { ...process.env, PVNETSIM_WRITE_CODE_CACHE: "1" },
    encoding: "utf8",
  });
  if (r.status !== 0 || !existsSync(cacheFile)) {
    rmSync(cacheFile, { force: true });
    process.stderr.write(`bundle-cli: no code cache (pvnetsim ${args.join(" ")} failed: ${r.stderr.trim()})\n`);
  }
} else {
  process.stderr.write("bundle-cli: no code cache (build/pvnetsim.wasm is not built yet)\n");
}
