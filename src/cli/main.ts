#!/usr/bin/env node
// The `pvnetsim` command. Each subcommand lives in src/cli/commands/<name>.ts and registers
// itself in program.ts; errors end as one line on stderr (src/cli/errors.ts).
//
// Start-up time matters (a sweep or a shell loop starts the CLI many times). The build
// (scripts/bundle-cli.mjs) makes this file a CommonJS script, dist/src/cli/main.cjs, the package's
// `pvnetsim` command: Node starts a CommonJS script without setting up its ES module loader.
// `--version` answers here, before anything else is loaded. Every other use runs the program
// (program.ts and all it imports, bundled into the one CommonJS file dist/src/cli/program.cjs),
// compiled with V8's code cache: the build runs one short simulation through it and stores the
// bytecode V8 compiled for it in program.cjs.cache, so a fresh process deserializes the program's
// functions instead of parsing and compiling them (about 40 ms of a `run`). V8 itself refuses a
// cache made by another V8 version or with other V8 flags, and checks the source only by its
// length: the cache therefore starts with a key that the build also writes into program.cjs
// (a hash of the bundle), and a cache whose key is not the program's is not used. Without a usable
// cache the program compiles as any script does, with the same results.

import { PVNETSIM_VERSION } from "../version.js";

/** Length of the key: the hex digits of a SHA-256, at the start of the cache file and on the program's first line. */
const KEY_LENGTH = 64;
/** The program's first line is `// code cache key: <key>` (the build writes it; see scripts/bundle-cli.mjs). */
const KEY_PREFIX = "// code cache key: ";

/** Runs dist/src/cli/program.cjs as Node runs a CommonJS module, with the code cache when it fits. */
function runProgram(): void {
  // Loaded here, not at the top: `--version` needs none of them (vm is not loaded at start-up).
  const { readFileSync, renameSync, writeFileSync } = require("node:fs") as typeof import("node:fs");
  const vm = require("node:vm") as typeof import("node:vm");
  const file = `${__dirname}/program.cjs`;
  const cacheFile = `${file}.cache`;
  const source = readFileSync(file, "utf8");
  const key = source.startsWith(KEY_PREFIX) ? source.slice(KEY_PREFIX.length, KEY_PREFIX.length + KEY_LENGTH) : "";
  let cache: Buffer | undefined;
  try {
    cache = readFileSync(cacheFile);
  } catch {
    cache = undefined;
  }
  const fits = cache !== undefined && key.length === KEY_LENGTH && cache.toString("latin1", 0, KEY_LENGTH) === key;
  // The program is the body of a function, as Node wraps a CommonJS module, with one more
  // parameter: import() for the packages that are ES modules only (the chart stack). A vm script
  // cannot call import() itself in Node 20 without an experimental loader (which warns, and which
  // a script compiled from the cache loses); this file, loaded by Node, can.
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __pvnetsimImport) {${source}\n})`,
    { filename: file, ...(fits && cache ? { cachedData: cache.subarray(KEY_LENGTH) } : {}) },
  );
  // The build's training run: store the bytecode of every function this run compiled.
  if (process.env["PVNETSIM_WRITE_CODE_CACHE"] === "1") {
    process.on("exit", () => {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, Buffer.concat([Buffer.from(key, "latin1"), script.createCachedData()]));
        renameSync(tmp, cacheFile);
      } catch (e) {
        // A read-only install: the program ran; only its cache could not be stored.
        process.stderr.write(`pvnetsim: code cache not written to ${cacheFile}: ${(e as Error).message}\n`);
        process.exitCode = 1;
      }
    });
  }
  const module = { exports: {} };
  const importEsm = (specifier: string): Promise<unknown> => import(specifier);
  (script.runInThisContext() as (...args: unknown[]) => void)(
    module.exports,
    require,
    module,
    file,
    __dirname,
    importEsm,
  );
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${PVNETSIM_VERSION}\n`);
  process.exit(0);
}
runProgram();
