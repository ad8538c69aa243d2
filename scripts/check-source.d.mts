// Types of scripts/check-source.mjs, for test/habits.test.ts.
export const MAX_LINE: number;
export const MAX_LINES: number;
export const LONG_LINES_ALLOWED: Map<string, string>;
export const LONG_FILES_ALLOWED: Map<string, string>;
export function checkSource(): string[];
