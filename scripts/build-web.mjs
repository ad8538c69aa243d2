#!/usr/bin/env node
// Builds the demo page (web/) into static files in dist/web/ with esbuild:
//   app.js      the page (web/main.ts and the platform-neutral core it imports)
//   worker.js   the simulation worker (src/browser/worker.ts)
//   index.html, style.css, pvnetsim.wasm (copied from build/, so `npm run build:wasm` comes first)
// `pvnetsim serve` serves that directory. Usage: node scripts/build-web.mjs [--outdir DIR]

import { build } from "esbuild";
import { copyFile, mkdir, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const outIdx = args.indexOf("--outdir");
const outdir = outIdx >= 0 && args[outIdx + 1] ? resolve(args[outIdx + 1]) : join(root, "dist", "web");
const wasm = join(root, "build", "pvnetsim.wasm");

try {
  await stat(wasm);
} catch {
  console.error(`build-web: ${wasm} is missing; run "npm run build:wasm" (or "npm run build") first`);
  process.exit(1);
}

const t0 = performance.now();
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await build({
  entryPoints: { app: join(root, "web", "main.ts"), worker: join(root, "src", "browser", "worker.ts") },
  outdir,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome100", "firefox100", "safari15"],
  sourcemap: true,
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
for (const f of ["index.html", "style.css"]) await copyFile(join(root, "web", f), join(outdir, f));
await copyFile(wasm, join(outdir, "pvnetsim.wasm"));
// The trace build: the page's runs write a short timeline trace that the page draws.
await copyFile(join(root, "build", "pvnetsim.trace.wasm"), join(outdir, "pvnetsim.trace.wasm"));
console.log(`build-web: ${outdir} (${Math.round(performance.now() - t0)} ms)`);
