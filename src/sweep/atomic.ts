// Replacing a file so that readers see the old contents or the new, never a part: write a private
// temporary file next to it, flush it, rename it over the target. The temporary file is removed on
// any failure, so an error leaves nothing behind.

import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";

/** Thrown when the target cannot be a file (it is a directory); one line for the user. */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetError";
  }
}

/** Writes `chunks` (strings, in order) to `path` via a temporary file and rename. */
export function writeFileAtomic(path: string, chunks: Iterable<string>): void {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // does not exist yet
  }
  if (isDir) throw new TargetError(`${path} is a directory; expected a file path`);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const fd = openSync(tmp, "wx", 0o644);
  let done = false;
  try {
    for (const c of chunks) writeSync(fd, c);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
    done = true;
  } finally {
    if (!done) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      try {
        unlinkSync(tmp);
      } catch {
        // never created or already renamed
      }
    }
  }
}
