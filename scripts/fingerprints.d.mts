// Types of scripts/fingerprints.mjs, for the TypeScript tests that import it.

/** One row of test/fingerprints.csv; `events` and `fingerprint` are the recorded values. */
export interface FingerprintCase {
  name: string;
  preset: string;
  seed: number;
  warmupMs: number;
  durationMs: number;
  /** Overrides as `path=value` separated by spaces. */
  set: string;
  events: string;
  fingerprint: string;
}

export const CSV_PATH: string;
export function readCases(path?: string): { comments: string[]; cases: FingerprintCase[] };
export function parseSet(set: string): Record<string, unknown>;
export function runCase(c: FingerprintCase): Promise<{ events: string; fingerprint: string }>;
