// The progress display's counts and percentage never contradict each other: the percentage is
// the finished share, or, when running items' part is counted, says so next to how many run.

import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { ProgressReporter, progressCounts } from "../../src/cli/progress.js";

function sink(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = "";
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(w, { isTTY, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream: w, text: () => out };
}

describe("progress counts", () => {
  it("names the running items when the percentage counts their part", () => {
    expect(progressCounts({ done: 23, fraction: 0.98, running: 2 }, 25, "runs")).toBe(
      "23/25 runs done, 2 running: 98% of the work",
    );
    expect(progressCounts({ done: 23, fraction: 0.92, running: 0 }, 25, "runs")).toBe("23/25 runs done (92%)");
    expect(progressCounts({ done: 25, fraction: 1, running: 0 }, 25, "runs")).toBe("25/25 runs done (100%)");
  });

  it("plain lines: a fraction beyond what is done plus running is bounded by the counts", () => {
    const s = sink(false);
    const p = new ProgressReporter({
      label: "reproduce",
      unit: "runs",
      total: 25,
      stream: s.stream,
      plainIntervalMs: 0,
    });
    p.update({ done: 23, fraction: 0.98, running: 2 });
    p.update({ done: 23, fraction: 0.98 }); // nothing says what runs: the finished share only
    p.update({ done: 10, fraction: 0.99, running: 1 }); // at most (10 + 1) / 25
    p.update({ done: 12, fraction: 0.1, running: 1 }); // at least 12 / 25
    p.update({ done: 25, fraction: 1, running: 0 });
    p.stop();
    const lines = s
      .text()
      .trim()
      .split("\n")
      .map((l) => l.replace(/, [\d.]+ runs\/min, ETA \S+$/, ""));
    expect(lines).toEqual([
      "reproduce: 23/25 runs done, 2 running: 98% of the work",
      "reproduce: 23/25 runs done (92%)",
      "reproduce: 10/25 runs done, 1 running: 44% of the work",
      "reproduce: 12/25 runs done (48%)",
      "reproduce: 25/25 runs done (100%)",
    ]);
    for (const l of lines) {
      const m = /(\d+)\/(\d+) runs done(?:, (\d+) running: (\d+)% of the work| \((\d+)%\))/.exec(l)!;
      const [done, total, running, pctWork, pctDone] = [m[1], m[2], m[3], m[4], m[5]].map((x) => Number(x ?? 0));
      if (m[5] !== undefined) expect(pctDone).toBe(Math.floor((done! / total!) * 100));
      else {
        expect(pctWork).toBeGreaterThanOrEqual(Math.floor((done! / total!) * 100));
        expect(pctWork).toBeLessThanOrEqual(Math.floor(((done! + running!) / total!) * 100));
      }
    }
  });

  it("the terminal bar shows the same counts text", () => {
    const s = sink(true);
    const p = new ProgressReporter({ label: "reproduce", unit: "runs", total: 25, stream: s.stream });
    p.update({ done: 23, fraction: 0.98, running: 2 });
    p.stop();
    expect(s.text()).toContain("23/25 runs done, 2 running: 98% of the work");
    expect(s.text()).not.toMatch(/23\/25 runs[^\n]*\(98%\)/);
  });
});

it("a display that appears late counts its rate from when the work began", () => {
  const s = sink(false);
  const startedAt = performance.now() - 60_000; // the work began a minute ago
  const p = new ProgressReporter({ label: "run", unit: "simulated ms", total: 1200, stream: s.stream, startedAt });
  p.update({ done: 200 });
  p.stop();
  const m = /, ([\d.]+) simulated ms\/min, ETA (\S+)$/.exec(s.text().trim())!;
  expect(Number(m[1])).toBeGreaterThan(190);
  expect(Number(m[1])).toBeLessThanOrEqual(200);
  expect(m[2]).toMatch(/^(4m5\ds|5m0\ds)$/); // 1000 ms left at 200 ms/min
});
