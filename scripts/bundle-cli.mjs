#!/usr/bin/env node
// Part of `npm run build:ts`, after tsc: replaces the command line's dist/src/cli/main.js and
// dist/src/cli/program.js with bundles made from src/, so that a command loads a handful of files
// instead of about a hundred (each module Node resolves, reads and compiles costs start-up time;
// `pvnetsim run` loaded about 100 before).
//
// - main.js is src/cli/main.ts with src/version.ts inside: `--version` reads no other file.
//   Everything else it hands to program.js. main.cjs is the same as a CommonJS script: the
//   package's `pvnetsim` command (package.json "bin"), which Node starts without setting up its
//   ES module loader until a command other than `--version` imports program.js.
// - program.js is src/cli/program.ts with what it imports; every `import()` of the sources stays a
//   separate chunk (dist/src/cli/chunks/), so a command still loads only its own code: `run`
//   neither the sweep nor the chart code.
// - commander and yaml are bundled; cli-progress (loaded with require when a bar is drawn) and the
//   chart stack (vega, vega-lite: optional, large) stay packages loaded from node_modules.
// - Minified (Node compiles half the text at each start), with source maps.
// - The rest of dist/ stays tsc's output: the library (`import "pvnetsim"`), the pool's worker
//   script and the browser entry load unbundled. Files the code finds by path are found from the
//   package root (src/package-root.ts), which works from both layouts.
// - dist/src/cli/bundle.json lists the source modules of each output file (what a chunk holds).

import { build } from "esbuild";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist/src/cli");
rmSync(join(outdir, "chunks"), { recursive: true, force: true });

// Bundled CommonJS (commander) calls require() for Node's built-in modules; an ES module has no
// require of its own, so the output files that call it are given one (see the end).
const REQUIRE =
  'import { createRequire as __pvnetsimRequire } from "node:module";\nconst require = __pvnetsimRequire(import.meta.url);\n';

/**
 * yaml's ES module build (the one its package gives every platform but Node; the same code). Its
 * Node build is CommonJS, and esbuild makes a CommonJS module that is loaded with import() into a
 * chunk with a default export only, so `const { parse } = await import("yaml")` would find no parse.
 */
const yamlEsm = {
  name: "yaml-esm",
  setup(b) {
    const dir = dirname(createRequire(join(root, "package.json")).resolve("yaml/package.json"));
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: join(dir, "browser", "index.js") }));
  },
};

const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  format: "esm",
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
  external: ["./program.js"],
});
const entryCjs = await build({
  ...common,
  entryPoints: { main: "src/cli/main.ts" },
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  external: ["./program.js"],
});

const program = await build({
  ...common,
  entryPoints: { program: "src/cli/program.ts" },
  chunkNames: "chunks/[name]-[hash]",
  splitting: true,
  external: ["vega", "vega-lite", "cli-progress"],
  banner: { js: REQUIRE.trimEnd() },
  plugins: [yamlEsm],
});

const modules = {};
const outputs = [entry, entryCjs, program].flatMap((r) => Object.entries(r.metafile.outputs));
for (const [file, out] of outputs) {
  if (file.endsWith(".map")) continue;
  // Source paths relative to the package ("node_modules/zod/...", also through a linked node_modules).
  modules[relative(outdir, join(root, file))] = Object.keys(out.inputs)
    .map((i) => i.replace(/^(\.\.\/)+.*?(node_modules\/)/, "$2"))
    .sort();
  // require() only in the files that call it (the banner went into every file of the program; its
  // lines become empty lines, so that the source maps stay right).
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  if (text.includes(REQUIRE) && !/\brequire\b/.test(text.replace(REQUIRE, "")))
    writeFileSync(path, text.replace(REQUIRE, "\n\n"));
}
writeFileSync(join(outdir, "bundle.json"), `${JSON.stringify(modules, null, 1)}\n`);
