// What the maintenance scripts share: the repository root, a URL into the compiled host code
// (dist/src, so build first), and `--name value` options read from the command line.

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The file URL of a compiled host module, e.g. dist("run/simulate.js"), for a dynamic import. */
export const dist = (p) => new URL(`file://${resolve(root, "dist/src", p)}`).href;

export const args = process.argv.slice(2);

/** The value after `--name`, or `def` when the option is absent or has no value. */
export function opt(name, def) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
}
