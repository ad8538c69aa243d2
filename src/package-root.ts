// Where the installed package lies on disk (the directory of its package.json), for the files the
// Node side reads or starts by path: the built .wasm modules, the pool's worker script, the CLI
// script a Slurm job runs, the demo page that `serve` serves, the validation suite.
//
// Every such path goes through here instead of being written relative to the calling module,
// because the calling module is not always where its source file suggests: the same code runs
// from the TypeScript sources (src/, under vitest), from tsc's output (dist/src/) and from the
// command line's bundle (dist/src/cli/ and its chunks), each at another depth. Walking up from
// this module to the package.json named "pvnetsim" finds the root from all three.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_NAME = "pvnetsim";

let root: string | undefined;

/** The package.json in `dir` names this package. */
function isPackageDir(dir: string): boolean {
  let text: string;
  try {
    text = readFileSync(join(dir, "package.json"), "utf8");
  } catch {
    return false;
  }
  try {
    return (JSON.parse(text) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** Absolute path of the package root (found once per process). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; ) {
    if (isPackageDir(dir)) {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package.json above ${here}`);
    dir = up;
  }
}

/** Absolute path of a file of the package, from its path relative to the root ("build", "x.wasm"). */
export const packagePath = (...parts: string[]): string => join(packageRoot(), ...parts);
