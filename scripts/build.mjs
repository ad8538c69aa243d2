#!/usr/bin/env node
// `npm run build`: builds what is out of date and says so in one line.
//   wasm  build/*.wasm          from assembly/, src/abi/, asconfig.json (npm run build:wasm; release, debug, trace)
//   host  dist/src, dist/bench  from src/, bench/ and tsconfig.json   (npm run build:ts; zod and the CLI bundled)
//   page  dist/web              from web/, src/ and the release wasm  (node scripts/build-web.mjs)
// A step runs when one of its outputs is missing or one of its inputs is newer than the stamp it
// wrote after its last success (modification times, as make does). The stamp carries the time the
// step STARTED, so a source saved while the step ran (an editor, a git merge) is newer than it and
// the next build runs the step again instead of keeping output built from the older file. A deleted source file is not
// noticed: `npm run build -- --force` (or `node scripts/build.mjs --force`) rebuilds everything.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync, mkdirSync, utimesSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const force = process.argv.includes("--force");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Newest modification time (ms) of the files under the given paths, and how many there are. */
function newest(paths) {
  let t = 0;
  let n = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== "node_modules") walk(join(p, e));
      return;
    }
    n++;
    if (st.mtimeMs > t) t = st.mtimeMs;
  };
  for (const p of paths) walk(join(root, p));
  return { t, n };
}

const steps = [
  {
    name: "wasm",
    // src/abi: the slot and enum constants the model is compiled with.
    inputs: ["assembly", "src/abi", "asconfig.json", "package-lock.json", "scripts/gen-wasm-exports.mjs"],
    outputs: ["build/pvnetsim.wasm", "build/pvnetsim.debug.wasm", "build/pvnetsim.trace.wasm"],
    stamp: "build/.stamp",
    run: [npm, ["run", "-s", "build:wasm"]],
  },
  {
    name: "host",
    inputs: ["src", "bench", "tsconfig.json", "package-lock.json", "scripts/bundle-vendor.mjs", "scripts/bundle-cli.mjs"],
    outputs: ["dist/src/cli/main.js", "dist/src/cli/main.cjs", "dist/src/cli/program.cjs", "dist/src/cli/program.cjs.cache", "dist/src/cli/bundle.json", "dist/src/node.js", "dist/src/vendor/zod.js"],
    stamp: "dist/.stamp-host",
    run: [npm, ["run", "-s", "build:ts"]],
  },
  {
    name: "page",
    inputs: ["web", "src", "build/pvnetsim.wasm", "build/pvnetsim.trace.wasm", "scripts/build-web.mjs", "package-lock.json"],
    outputs: ["dist/web/index.html", "dist/web/app.js", "dist/web/worker.js", "dist/web/pvnetsim.wasm", "dist/web/pvnetsim.trace.wasm"],
    stamp: "dist/web/.stamp",
    run: [process.execPath, [join(root, "scripts/build-web.mjs")]],
  },
];

const t0 = performance.now();
const built = [];
const current = [];
for (const s of steps) {
  const stamp = join(root, s.stamp);
  const stale =
    force ||
    !existsSync(stamp) ||
    s.outputs.some((o) => !existsSync(join(root, o))) ||
    newest(s.inputs).t > statSync(stamp).mtimeMs;
  if (!stale) {
    current.push(s.name);
    continue;
  }
  const [cmd, args] = s.run;
  const startedAt = new Date();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  if (r.status !== 0) {
    // tsc reports errors on stdout.
    process.stderr.write(r.stdout ?? "");
    console.error(`build: ${s.name} failed (exit ${r.status ?? r.signal}); see the messages above`);
    process.exit(r.status || 1);
  }
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  utimesSync(stamp, startedAt, startedAt);
  built.push(s.name);
}
const secs = ((performance.now() - t0) / 1e3).toFixed(1);
const msg = built.length === 0
  ? `build: up to date (${current.join(", ")})`
  : `build: rebuilt ${built.join(", ")} in ${secs} s${current.length ? `; ${current.join(", ")} up to date` : ""}`;
// On stderr, so that `npm start -- --json` and friends keep stdout to the result.
console.error(msg);
