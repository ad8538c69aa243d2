// Runs a fuzz campaign: `cases` cases, every property checked on the library API, and every
// `cliEvery`-th case also through the CLI. Returns a summary and the failures (each with its
// input and how to draw it again).
//
// Cases are drawn by fast-check in chunks of CHUNK: chunk c is fc.sample(arbitrary, {seed:
// chunkSeed(seed, c), numRuns: CHUNK}), so case i is the same whatever `jobs` is, and one chunk is
// drawn again to reproduce a case. With `jobs` > 1, worker threads take chunks in turn (each
// draws and checks its chunk); the summary is the same as with one job.

import fc from "fast-check";
import { Worker } from "node:worker_threads";
import { anyCase, checkCase, describeCase, loadLibrary } from "./harness.mjs";
import { checkCliCase } from "./cli.mjs";

/** Cases per chunk. */
export const CHUNK = 100;

/** Seed of chunk c of a campaign with seed `seed`. */
export const chunkSeed = (seed, c) => (Math.imul(seed, 0x9e3779b1) + c * 7919 + 1) >>> 0;

/** Draws chunk c and checks its cases; returns one outcome per case. */
export async function checkChunk(lib, cliPath, { seed, c, cases, cliEvery, quick, wallMs }) {
  const n = Math.min(CHUNK, cases - c * CHUNK);
  const drawn = fc.sample(anyCase(lib.PARAMS, { quick }), { seed: chunkSeed(seed, c), numRuns: n });
  const out = [];
  for (let j = 0; j < n; j++) {
    const index = c * CHUNK + j;
    const k = drawn[j];
    const f = await checkCase(lib, k, { wallMs });
    let g = null;
    const viaCli = f === null && cliEvery > 0 && index % cliEvery === 0;
    if (viaCli) g = checkCliCase(cliPath, k, { wallMs });
    out.push({ index, kind: k.kind, outcome: k.outcome, cli: viaCli, failure: f ?? g, input: f ?? g ? describeCase(k) : undefined });
  }
  return out;
}

/** Runs chunks on `jobs` worker threads; calls onChunk with each chunk's outcomes as it ends. */
function runOnWorkers({ root, jobs, chunks, params, onChunk }) {
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    const start = (w) => {
      if (next >= chunks) {
        w.terminate();
        if (--running === 0) resolve();
        return;
      }
      w.postMessage({ c: next++ });
    };
    for (let i = 0; i < Math.min(jobs, chunks); i++) {
      const w = new Worker(new URL("./worker.mjs", import.meta.url), { workerData: { root: root.href, ...params } });
      running++;
      w.on("message", (m) => {
        onChunk(m.out);
        start(w);
      });
      w.on("error", reject);
      start(w);
    }
  });
}

export async function campaign({ root, cases, seed, cliEvery = 50, quick = false, wallMs = 60_000, jobs = 1, onCase } = {}) {
  const counts = { valid: 0, invalid: 0, hostile: 0, completed: 0, stopped: 0, validRejected: 0, rejected: 0, cli: 0 };
  const failures = [];
  const t0 = performance.now();
  const chunks = Math.ceil(cases / CHUNK);
  const params = { seed, cases, cliEvery, quick, wallMs };
  const tally = (out) => {
    for (const o of out) {
      counts[o.kind]++;
      if (o.cli) counts.cli++;
      if (o.failure === null && o.outcome === "completed") counts.completed++;
      if (o.failure === null && o.outcome === "stopped") counts.stopped++;
      if (o.failure === null && o.outcome === "rejected") counts[o.kind === "valid" ? "validRejected" : "rejected"]++;
      if (o.failure !== null) failures.push({ index: o.index, failure: o.failure, input: o.input });
      onCase?.(o.index, o.failure, o.input);
    }
  };
  if (jobs <= 1) {
    const lib = await loadLibrary(root);
    const cliPath = new URL("dist/src/cli/main.js", root).pathname;
    for (let c = 0; c < chunks; c++) tally(await checkChunk(lib, cliPath, { ...params, c }));
  } else {
    await runOnWorkers({ root, jobs, chunks, params, onChunk: tally });
  }
  failures.sort((a, b) => a.index - b.index);
  return { cases, seed, counts, failures, seconds: (performance.now() - t0) / 1e3 };
}
