// A worker thread of a fuzz campaign with several jobs (campaign.mjs): draws and checks the
// chunks it is sent, and answers each with its cases' outcomes.

import { parentPort, workerData } from "node:worker_threads";
import { loadLibrary } from "./harness.mjs";
import { checkChunk } from "./campaign.mjs";

const root = new URL(workerData.root);
const lib = await loadLibrary(root);
const cliPath = new URL("dist/src/cli/main.js", root).pathname;
parentPort.on("message", async ({ c }) => {
  const out = await checkChunk(lib, cliPath, { ...workerData, c });
  parentPort.postMessage({ out });
});
