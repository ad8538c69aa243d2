// sweep --dry-run: the points (of a shard) listed as they are planned, one line each, with the
// ones a resumed sweep would skip marked done.

import { once } from "node:events";
import { inShard, shardSize, type Shard } from "../../sweep/shard.js";
import type { SweepOutline, SweepPoint } from "../../sweep/spec.js";

/** The dry-run line of one point. */
export const pointLine = (
  p: { index: number; id: string; rep: number; seed: number; axes: Record<string, unknown> },
  done: boolean,
): string => `${p.index}\t${p.id}\trep ${p.rep}\tseed ${p.seed}\t${JSON.stringify(p.axes)}${done ? "\tdone" : ""}\n`;

/**
 * Lists the points (of the shard) as they are resolved, after the shard's count: the first lines
 * of a million-point sweep come at once (and `| head` stops the planning), with memory that does
 * not grow with the points listed. A bad point ends the listing with its error.
 */
export async function streamDryRun(
  outline: SweepOutline,
  shard: Shard | null,
  say: (line: string) => void,
  checkMetrics: () => Promise<void>,
  header: string,
): Promise<void> {
  await checkMetrics();
  say(header);
  if (shard)
    say(`shard ${shard.index}/${shard.count} (from ${shard.source}): ${shardSize(outline.count, shard)} points`);
  await listPoints(outline.points(), shard, new Set());
}

/** Writes the dry-run line of each point of the shard on stdout, as the points come. */
export async function listPoints(
  points: Iterable<SweepPoint>,
  shard: Shard | null,
  done: ReadonlySet<string>,
): Promise<void> {
  for (const p of points) {
    if (!inShard(p, shard)) continue;
    // Wait for a full pipe to take the lines: the listing never piles up in memory, and a
    // reader that stopped (EPIPE: `| head`) ends the command (cli/main.ts).
    if (!process.stdout.write(pointLine(p, done.has(p.id)))) await once(process.stdout, "drain");
  }
}
