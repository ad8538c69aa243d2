#!/usr/bin/env node
// Part of `npm run build:ts`: replaces dist/src/vendor/zod.js (tsc's re-export of the bare "zod"
// specifier) with zod bundled into one ES module, so that dist/ needs no package resolution at
// run time, in Node or in a browser (the published browser entry is loaded unbundled).

import { build } from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: [join(root, "src/vendor/zod.ts")],
  outfile: join(root, "dist/src/vendor/zod.js"),
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  minify: true,
  legalComments: "inline",
  logLevel: "warning",
});
import { rmSync } from "node:fs";
// tsc's source map described the re-export, not the bundle; zod-api.js (tsc's re-export of the
// bare "zod" specifier) is inside the bundle now, and only its types stay.
for (const f of ["zod.js.map", "zod-api.js", "zod-api.js.map"])
  rmSync(join(root, "dist/src/vendor", f), { force: true });
