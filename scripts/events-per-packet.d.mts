// Types of scripts/events-per-packet.mjs, for the TypeScript tests that import it.

export interface EventsPerPacketRow {
  preset: string;
  packets: number;
  events: number;
  byKind: Record<string, number>;
}

export const DOC_PATH: string;
export const BEGIN: string;
export const END: string;
export function measure(
  presets?: readonly string[],
  overrides?: Record<string, unknown>,
): Promise<EventsPerPacketRow[]>;
export function kindsUsed(rows: readonly EventsPerPacketRow[]): string[];
export function table(rows: readonly EventsPerPacketRow[], kinds?: readonly string[]): string;
export function replaceBlock(doc: string, body: string): string;
