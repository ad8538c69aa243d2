// One writer per results file: `FILE.lock` holds the pid, host and a random token of the sweep
// writing FILE. Two sweeps appending to one file at once (say, two --resume runs) could each run a
// missing point and write it twice; the lock turns that into a clear error. `merge` and `report`
// read the lock too and refuse a file that is being written.
//
// Every step that changes the lock is one atomic file-system operation:
// - Taking a free lock: the lock's contents are written to a private file, which is then hard-linked
//   to FILE.lock. link(2) fails with EEXIST when FILE.lock exists (the same exclusivity as an
//   O_EXCL create), and a reader never sees a half-written lock.
// - Taking over a stale lock (its pid is gone on this host): only the holder of the takeover right
//   `FILE.lock.takeover-TOKEN` (created with O_EXCL, TOKEN naming the stale lock) may replace it,
//   and it does so with rename(2), which swaps in the new lock atomically. Before renaming it checks
//   that FILE.lock still holds TOKEN; after, it reads FILE.lock back. A contender that dies holding
//   the right passes it on the same way (`FILE.lock.takeover-ITS_TOKEN`), so a crash mid-takeover
//   never blocks the file.
// A lock from another host (a shared file system) must be removed by hand once that run is known
// to be gone, since its pid cannot be checked from here.

import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LockError";
  }
}

export interface LockInfo {
  pid: number;
  host: string;
  started: string;
  token: string;
}

/** Whether process `pid` exists on this host (EPERM: it exists but belongs to someone else). */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** The lock (or takeover right) at `path`: null when absent, "corrupt" when it cannot be parsed. */
function readInfo(path: string): LockInfo | null | "corrupt" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (code(e) === "ENOENT") return null;
    throw e;
  }
  try {
    const x = JSON.parse(text) as Partial<LockInfo>;
    if (typeof x.pid === "number" && typeof x.host === "string" && typeof x.started === "string") {
      // Locks written before tokens existed are named by their pid.
      const token =
        typeof x.token === "string" && /^[0-9a-f]{1,64}$/.test(x.token) ? x.token : `pid${Math.trunc(x.pid)}`;
      return { pid: x.pid, host: x.host, started: x.started, token };
    }
  } catch {
    // fall through
  }
  return "corrupt";
}

/** Writes `info` to a new private file next to `near` and returns its path. */
function writePrivate(near: string, info: LockInfo): string {
  const path = `${near}.${info.token}.tmp`;
  const fd = openSync(path, "wx", 0o644);
  try {
    writeSync(fd, JSON.stringify(info) + "\n");
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Creates `path` holding `info` if it does not exist; false if it does. */
function createExclusive(path: string, info: LockInfo): boolean {
  const tmp = writePrivate(path, info);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if (code(e) === "EEXIST") return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}

const unlinkQuiet = (path: string): void => {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
};

/** Sleeps synchronously (lock acquisition is a short, rare wait; callers are synchronous). */
const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** A lock whose owner can be shown to be gone: same host, pid not running. */
const isStale = (o: LockInfo, host: string): boolean => o.host === host && !alive(o.pid);

/**
 * Tries to replace the stale lock `stale` (still at `path`) by `me`, under the takeover right
 * named after `right` (the stale lock's token, or the token of a dead contender that held the right
 * before). Returns true when `path` now holds `me`; false when someone else is busy or was faster.
 */
function takeOver(path: string, stale: LockInfo, right: string, me: LockInfo, depth: number): boolean {
  const rightPath = `${path}.takeover-${right}`;
  if (!createExclusive(rightPath, me)) {
    const holder = readInfo(rightPath);
    // The holder finished (the right is gone) or is alive and busy: look again from the start.
    if (holder === null || holder === "corrupt" || !isStale(holder, me.host) || depth >= 16) return false;
    // The holder died holding the right; it can no longer act, so its right passes on.
    if (!takeOver(path, stale, holder.token, me, depth + 1)) return false;
    unlinkQuiet(rightPath);
    return true;
  }
  try {
    const cur = readInfo(path);
    if (cur === null || cur === "corrupt" || cur.token !== stale.token) return false;
    // Nobody else can change `path` now: its owner is dead and the right is ours.
    renameSync(writePrivate(path, me), path);
    const back = readInfo(path);
    return back !== null && back !== "corrupt" && back.token === me.token;
  } finally {
    unlinkQuiet(rightPath);
  }
}

/** Takes the lock of `file`; returns the function that releases it, and a note if a stale lock was replaced. */
export function lockResults(file: string): { release: () => void; note: string | null } {
  const path = `${file}.lock`;
  const me: LockInfo = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  let note: string | null = null;
  for (let attempt = 0; attempt < 200; attempt++) {
    let mine = createExclusive(path, me);
    if (!mine) {
      const other = readInfo(path);
      if (other === null) continue; // released meanwhile
      if (other === "corrupt")
        throw new LockError(
          `${path} exists but is not a lock this program wrote; remove it if no sweep is writing ${file}`,
        );
      if (!isStale(other, me.host)) {
        const where = other.host === me.host ? `pid ${other.pid}` : `pid ${other.pid} on host ${other.host}`;
        throw new LockError(
          `${file} is being written by another sweep (${where}, since ${other.started}); wait for it, or remove ` +
            `${path} if that run is gone`,
        );
      }
      mine = takeOver(path, other, other.token, me, 0);
      if (!mine) {
        pause(1 + (attempt % 8));
        continue;
      }
      note = `removed the stale lock of pid ${other.pid} (a run that was killed)`;
    }
    // Ownership is checked once more after taking it.
    const back = readInfo(path);
    if (back === null || back === "corrupt" || back.token !== me.token) continue;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      process.off("exit", release);
      const cur = readInfo(path);
      if (cur !== null && cur !== "corrupt" && cur.token === me.token) unlinkQuiet(path);
    };
    process.on("exit", release);
    return { release, note };
  }
  throw new LockError(`cannot take ${path}; other processes keep taking it`);
}

/**
 * Refuses to read or replace `file` while a live sweep writes it (its lock is held by a running
 * process, or by one on another host). A stale lock does not block reading.
 */
export function assertNotBeingWritten(file: string, what: string): void {
  const path = `${file}.lock`;
  const other = readInfo(path);
  if (other === null) return;
  if (other === "corrupt")
    throw new LockError(
      `${what}: ${path} exists but is not a lock this program wrote; remove it if no sweep is writing ${file}`,
    );
  if (isStale(other, hostname())) return;
  const where = other.host === hostname() ? `pid ${other.pid}` : `pid ${other.pid} on host ${other.host}`;
  throw new LockError(
    `${what}: ${file} is being written by a sweep (${where}, since ${other.started}); wait for it to finish (or ` +
      `stop it), then run this again`,
  );
}
