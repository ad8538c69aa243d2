// The esbuild and Vite recipes of docs/embedding.md ("Serving and bundling"), run as written in a
// project that depends on pvnetsim: with esbuild, bundle the page and pvnetsim/browser/worker and
// copy pvnetsim/wasm; with Vite, build the page alone (Vite bundles the worker and copies the .wasm
// itself). Each output directory is served and opened in Chromium. The bundled page gets Node's
// result, bit for bit; a page that forgot to copy the .wasm gets an error that names wasmUrl and
// workerUrl.
import { afterAll, beforeAll, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
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
let viteServer: Server | null = null;
let viteBase = "";
let project = "";
let viteProject = "";

/** The recipe's commands (or file), as docs/embedding.md gives them (between the recipe markers). */
function recipe(name: string, lang = "sh"): string[] {
  const doc = readFileSync(join(root, "docs", "embedding.md"), "utf8");
  const m = new RegExp(`<!-- ${name} recipe -->\\s*\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!m) throw new Error(`docs/embedding.md has no ${name} recipe block`);
  return m[1]!.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
}

const env = () => ({ ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env["PATH"]}` });

/** Runs a recipe's commands in `dir`. */
function runRecipe(name: "esbuild" | "vite", dir: string): void {
  for (const line of recipe(name)) {
    const r = spawnSync("sh", ["-c", line.replace(/^npx /, "")], { cwd: dir, encoding: "utf8", env: env(), timeout: 120_000 });
    if (r.status !== 0) throw new Error(`recipe step failed: ${line}\n${r.stdout}${r.stderr}`);
  }
}

/** A project that depends on pvnetsim (a link to this checkout, built). */
function newProject(prefix: string): string {
  const dir = tmp(prefix);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(root, join(dir, "node_modules", "pvnetsim"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "page", private: true, type: "module" }));
  return dir;
}

const HTML = `<!doctype html><meta charset="utf-8"><title>bundled</title><pre id="out"></pre><script type="module" src="./main.js"></script>\n`;

async function serve(dir: string): Promise<{ server: Server; base: string }> {
  const s = await startServer(dir, 0);
  const addr = s.address();
  return { server: s, base: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/` };
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
  project = newProject("bundle");
  writeFileSync(join(project, "main.js"), PAGE);
  mkdirSync(join(project, "public"));
  writeFileSync(join(project, "public", "index.html"), HTML);
  runRecipe("esbuild", project);
  // Vite: the page as the recipe gives it, index.html at the project's root, built into dist/.
  viteProject = newProject("vite");
  writeFileSync(join(viteProject, "main.js"), VITE_PAGE);
  writeFileSync(join(viteProject, "index.html"), HTML);
  runRecipe("vite", viteProject);
  browser = await launchChromium();
  ({ server, base } = await serve(join(project, "public")));
  ({ server: viteServer, base: viteBase } = await serve(join(viteProject, "dist")));
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  viteServer?.close();
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

/** The recipe's page (main.js in the Vite block), writing its result where the test reads it. */
const VITE_PAGE = (() => {
  const code = recipe("vite page", "ts").join("\n");
  if (!/simulate\("paper-lro"\)/.test(code)) throw new Error("the Vite recipe's page no longer runs paper-lro");
  return `${code.replace('simulate("paper-lro")', 'simulate({ preset: "paper-baseline", durationMs: 20, warmupMs: 10 }, { seed: 3 })')}
document.getElementById("out").textContent = JSON.stringify(result);
`;
})();

async function sameAsNode(text: string): Promise<void> {
  expect(text.startsWith("error:"), text).toBe(false);
  const inBrowser = JSON.parse(text) as { perf: Record<string, unknown> } & Record<string, unknown>;
  const inNode = JSON.parse(JSON.stringify(await simulate({ preset: "paper-baseline", durationMs: 20, warmupMs: 10 }, { seed: 3 }))) as typeof inBrowser;
  // Wall time is the only field that may differ.
  for (const r of [inBrowser, inNode]) delete r.perf["wallSeconds"];
  expect(inBrowser).toEqual(inNode);
}

it("the Vite recipe's build runs in Chromium and returns Node's result; Vite bundled the worker and the .wasm", async () => {
  await sameAsNode(await pageText(viteBase));
  const assets = readdirSync(join(viteProject, "dist", "assets"));
  expect(assets.filter((f) => f.endsWith(".wasm"))).toHaveLength(1);
  expect(assets.filter((f) => /^worker-.*\.js$/.test(f))).toHaveLength(1);
  for (const f of assets.filter((x) => x.endsWith(".js"))) expect(readFileSync(join(viteProject, "dist", "assets", f), "utf8")).not.toMatch(/from\s*"pvnetsim/);
});

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
