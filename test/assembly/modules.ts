// Builds and instantiates a mechanism test module (assembly/test/<name>.ts) on its own: asc
// compiles only that entry and what it imports, so a module that needed the whole model would
// not build here. Compiled once per test file into a temporary directory; the compiles of one
// file run in parallel, and a busy machine can take minutes for them.

/** Timeout for a test file's beforeAll that compiles its modules. */
export const COMPILE_TIMEOUT_MS = 900_000;
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Exports = Record<string, any>;

export async function testModule(name: string): Promise<Exports> {
  const out = join(mkdtempSync(join(tmpdir(), "pvnetsim-mech-")), `${name}.wasm`);
  await promisify(execFile)(
    join(root, "node_modules", ".bin", "asc"),
    [`assembly/test/${name}.ts`, "--config", "assembly/test/asconfig.json", "--outFile", out],
    { cwd: root },
  );
  const { instance } = await WebAssembly.instantiate(readFileSync(out), {
    env: {
      abort: (_msg: number, _file: number, line: number, col: number): never => {
        throw new Error(`assertion failed in ${name}.wasm at line ${line}:${col}`);
      },
    },
  });
  return instance.exports as Exports;
}
