// The package's browser entry as published (dist/src/browser/index.js, unbundled ES modules,
// default worker and .wasm locations), imported by a page in Chromium: same SimResult as Node,
// progress events with live samples, cancel through an AbortSignal, and its two ways to fail.

import { afterAll, beforeAll, expect, it } from "vitest";
import type { Server } from "node:http";
import type { Browser } from "playwright-core";
import { startServer } from "../../dist/src/cli/commands/serve.js";
import { simulate } from "../../dist/src/node.js";
import { launchChromium, root } from "./chromium.js";

let server: Server | null = null;
let browser: Browser | null = null;
let base = "";

beforeAll(async () => {
  browser = await launchChromium();
  // Serve the package root, as a site that hosts node_modules/pvnetsim would.
  server = await startServer(root, 0);
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/`;
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

interface PageOutcome {
  result: { throughput: { aggregateGbps: number }; perf: { wallSeconds: number } } & Record<string, unknown>;
  progressEvents: number;
  liveSamples: number;
  lastMeasured: number | null;
  aborted: { state: string; error?: string };
  failures: string[];
}

it("pvnetsim/browser runs in a worker with its default URLs and returns Node's result", async () => {
  const page = await browser!.newPage();
  await page.goto(`${base}package.json`);
  // A string, not a function: vitest would rewrite a dynamic import() inside a function.
  const out = (await page.evaluate(`(async () => {
    const api = await import("/dist/src/browser/index.js");
    const config = { preset: "paper-dispatch", durationMs: 30, warmupMs: 10 };
    let progressEvents = 0;
    let liveSamples = 0;
    let lastMeasured = null;
    const result = await api.simulate(config, {
      seed: 7,
      chunkEvents: 4096,
      onProgress: (p) => {
        progressEvents++;
        if (p.live) {
          liveSamples++;
          lastMeasured = p.live.measuredAggregateGbps;
        }
      },
    });
    const ac = new AbortController();
    const aborted = await api.simulate("paper-baseline", { chunkEvents: 4096, signal: ac.signal, onProgress: () => ac.abort() });
    const failures = [];
    for (const [config, opts] of [[{ dom0: { vcpus: 0 } }, {}], ["paper-baseline", { workerUrl: "/no-such-worker.js" }]]) {
      try {
        await api.simulate(config, opts);
        failures.push("resolved");
      } catch (e) {
        failures.push(e instanceof api.ConfigError ? "ConfigError: " + e.message : "Error: " + e.message);
      }
    }
    return { result, progressEvents, liveSamples, lastMeasured, aborted: { state: aborted.state, error: aborted.error }, failures };
  })()`)) as PageOutcome;
  await page.close();

  const node = await simulate({ preset: "paper-dispatch", durationMs: 30, warmupMs: 10 }, { seed: 7 });
  const strip = (r: PageOutcome["result"]): unknown => ({ ...r, perf: { ...r.perf, wallSeconds: 0 } });
  expect(strip(out.result)).toEqual(strip(node as unknown as PageOutcome["result"]));
  expect(out.progressEvents).toBeGreaterThan(2);
  expect(out.liveSamples).toBeGreaterThan(2);
  // The last live sample's measured-so-far aggregate is the run's result (same counters; the
  // interval ends at the last event instead of the end of the run).
  expect(out.lastMeasured).toBeCloseTo(node.throughput.aggregateGbps, 3);
  expect(out.aborted).toEqual({ state: "aborted", error: "aborted by signal" });
  // Bad input rejects with the ConfigError before a worker starts; a missing worker script rejects.
  expect(out.failures[0]).toMatch(/^ConfigError: dom0\.vcpus: 0 is not allowed/);
  expect(out.failures[1]).toMatch(/^Error: pvnetsim worker failed \(\/no-such-worker\.js\)/);
});
