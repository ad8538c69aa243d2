// A one-line progress indicator on stderr for pool jobs: rewritten in place on a terminal,
// printed at most every few seconds (and once at the end) when stderr is a file or a pipe.

import type { PoolProgress } from "../pool/pool.js";

export function progressLine(what: string, stream: NodeJS.WriteStream = process.stderr): {
  update: (p: PoolProgress) => void;
  done: () => void;
} {
  const t0 = performance.now();
  const tty = stream.isTTY === true;
  let lastPrint = -Infinity;
  let last: PoolProgress | null = null;
  let open = false;
  const line = (p: PoolProgress): string => {
    const s = (performance.now() - t0) / 1e3;
    const eta = p.fraction > 0.02 && p.fraction < 1 ? `, ~${Math.ceil((s / p.fraction) * (1 - p.fraction))} s left` : "";
    return `${what}: ${p.done}/${p.total} runs done (${Math.floor(p.fraction * 100)}%), ${s.toFixed(1)} s${eta}`;
  };
  return {
    update(p) {
      last = p;
      const now = performance.now();
      if (tty) {
        if (now - lastPrint < 100 && p.done < p.total) return;
        stream.write(`\r${line(p)}\x1b[K`);
        open = true;
      } else {
        if (now - lastPrint < 5000) return;
        stream.write(line(p) + "\n");
      }
      lastPrint = now;
    },
    done() {
      if (tty && open) stream.write(last ? `\r${line(last)}\x1b[K\n` : "\n");
      else if (!tty && last) stream.write(line(last) + "\n");
    },
  };
}
