// The pool's default size, apart from the pool itself, so that option parsing (src/cli/input.ts)
// does not load the pool and its worker machinery for a command that never starts a worker.

import { availableParallelism } from "node:os";

/** Default pool size: one worker per core. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}
