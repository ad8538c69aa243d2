// How the CLI reports failures: one line on stderr, `pvnetsim: error: <what>`, and an exit code
// (2 for bad input, 1 for a failed run). No stack traces unless PVNETSIM_DEBUG=1.

import { ConfigError } from "../config/schema.js";

/** Bad command-line input or input file: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function exitCodeFor(e: unknown): number {
  return e instanceof ConfigError || e instanceof UsageError ? 2 : 1;
}

/** Prints the one-line error and exits. */
export function die(e: unknown): never {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`pvnetsim: error: ${msg.split("\n")[0]}\n`);
  if (process.env["PVNETSIM_DEBUG"] === "1" && e instanceof Error && e.stack) process.stderr.write(e.stack + "\n");
  process.exit(exitCodeFor(e));
}

/** Wraps a command action so any error ends in die(). */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      die(e);
    }
  };
}
