// One writer per results file: `FILE.lock` holds the pid and host of the sweep writing FILE. Two
// sweeps appending to one file at once (say, two --resume runs) could each run a missing point and
// write it twice; the lock turns that into a clear error. A lock left by a killed run on this host
// (its pid is gone) is taken over; one from another host (a shared file system) must be removed
// by hand once that run is known to be gone, since its pid cannot be checked from here.

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";

export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LockError";
  }
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock of `file`; returns the function that releases it, and a note if a stale lock was replaced. */
export function lockResults(file: string): { release: () => void; note: string | null } {
  const path = `${file}.lock`;
  const me: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  let note: string | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, JSON.stringify(me) + "\n");
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return { release, note };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let other: LockInfo | null = null;
    try {
      other = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
    } catch {
      other = null; // unreadable or half-written: treat as stale below only on this host's terms
    }
    if (other && other.host === me.host && !alive(other.pid)) {
      unlinkSync(path);
      note = `removed the stale lock of pid ${other.pid} (a run that was killed)`;
      continue;
    }
    if (!other) throw new LockError(`${path} exists but cannot be read; remove it if no sweep is writing ${file}`);
    const where = other.host === me.host ? `pid ${other.pid}` : `pid ${other.pid} on host ${other.host}`;
    throw new LockError(`${file} is being written by another sweep (${where}, since ${other.started}); wait for it, or remove ${path} if that run is gone`);
  }
  throw new LockError(`cannot take ${path}; another sweep keeps taking it`);
}
