// The esbuild recipe of docs/embedding.md ("Serving and bundling"), run as written in a project
// that depends on pvnetsim: bundle the page and pvnetsim/browser/worker, copy pvnetsim/wasm, serve
// the output directory and open it in Chromium. The bundled page gets Node's result, bit for bit;
// a page that forgot to copy the .wasm gets an error that names wasmUrl and workerUrl.
import { afterAll, beforeAll, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { startServer } from "../../dist/src/cli/commands/serve.js";
import { simulate } from "../../dist/src/node.js";
import { tmp } from "../sweep/helpers.js";
import { launchChromium, root } from "./chromium.js";

let browser: Browser | null = null;
let server: Server | null = null;
let base = "";
let project = "";

/** The recipe's commands, as docs/embedding.md gives them (between the recipe markers). */
function recipe(): string[] {
  const doc = readFileSync(join(root, "docs", "embedding.md"), "utf8");
  const m = /<!-- esbuild recipe -->\s*```sh\n([\s\S]*?)```/.exec(doc);
  if (!m) throw new Error("docs/embedding.md has no esbuild recipe block");
  return m[1]!.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
}

const PAGE = `import { simulate } from "pvnetsim/browser";
const out = document.getElementById("out");
try {
  const r = await simulate({ preset: "paper-baseline", durationMs: 20, warmupMs: 10 }, {
    seed: 3,
    wasmUrl: new URL("./pvnetsim.wasm", document.baseURI),
    workerUrl: new URL("./worker.js", document.baseURI),
  });
  out.textContent = JSON.stringify(r);
} catch (e) {
  out.textContent = "error: " + e.message;
}
`;

beforeAll(async () => {
  project = tmp("bundle");
  mkdirSync(join(project, "node_modules"), { recursive: true });
  // The package as a dependency of the project (a link to this checkout, built).
  symlinkSync(root, join(project, "node_modules", "pvnetsim"), "dir");
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "page", private: true, type: "module" }));
  writeFileSync(join(project, "main.js"), PAGE);
  mkdirSync(join(project, "public"));
  writeFileSync(join(project, "public", "index.html"), `<!doctype html><meta charset="utf-8"><title>bundled</title><pre id="out"></pre><script type="module" src="./main.js"></script>\n`);
  const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env["PATH"]}` };
  for (const line of recipe()) {
    const r = spawnSync("sh", ["-c", line.replace(/^npx /, "")], { cwd: project, encoding: "utf8", env, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`recipe step failed: ${line}\n${r.stdout}${r.stderr}`);
  }
  browser = await launchChromium();
  server = await startServer(join(project, "public"), 0);
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/`;
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

async function pageText(url: string): Promise<string> {
  const page = await browser!.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => (document.getElementById("out")?.textContent ?? "") !== "", null, { timeout: 120_000 });
    return (await page.textContent("#out")) ?? "";
  } finally {
    await page.close();
  }
}

it("the esbuild recipe's bundle runs in Chromium and returns Node's result", async () => {
  const text = await pageText(base);
  expect(text.startsWith("error:"), text).toBe(false);
  const inBrowser = JSON.parse(text) as { perf: Record<string, unknown> } & Record<string, unknown>;
  const inNode = JSON.parse(JSON.stringify(await simulate({ preset: "paper-baseline", durationMs: 20, warmupMs: 10 }, { seed: 3 }))) as typeof inBrowser;
  // Wall time is the only field that may differ.
  for (const r of [inBrowser, inNode]) delete r.perf["wallSeconds"];
  expect(inBrowser).toEqual(inNode);
  // The bundle is self-contained: no import of the package at run time.
  expect(readFileSync(join(project, "public", "main.js"), "utf8")).not.toMatch(/from\s*"pvnetsim/);
});

it("a bundled page whose .wasm is missing is told about wasmUrl and workerUrl", async () => {
  writeFileSync(join(project, "public", "nowasm.js"), readFileSync(join(project, "public", "main.js"), "utf8").replaceAll("./pvnetsim.wasm", "./missing.wasm"));
  writeFileSync(join(project, "public", "nowasm.html"), `<!doctype html><meta charset="utf-8"><pre id="out"></pre><script type="module" src="./nowasm.js"></script>\n`);
  const text = await pageText(`${base}nowasm.html`);
  expect(text).toMatch(/^error: cannot load the simulator's \.wasm from http:\/\/127\.0\.0\.1:\d+\/missing\.wasm: HTTP 404 .*pass its URL as wasmUrl.*pass its URL as workerUrl/);
});
