// Launching Debian's Chromium for the browser tests. The tests never skip: a missing browser is
// a failure that says how to install it (CI does that in scripts/install-system-deps.sh).

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";
export const root = fileURLToPath(new URL("../..", import.meta.url));
/** Screenshots and other artifacts (test-results/ is gitignored). */
export const artifacts = `${root}test-results/browser`;

/** Flags for Chromium on these machines (root without a sandbox, closed network). */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Headless Chromium with a fresh profile (Playwright gives each launch a new temporary user-data-dir). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}; the browser tests need Debian's chromium package: ` +
        `run "bash scripts/install-system-deps.sh" as root (or apt-get install chromium). These tests never skip.`,
    );
  }
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** `pvnetsim serve --port 0` from dist/, started for a browser test; resolves with its URL once it listens. */
export function startServe(): Promise<{ url: string; server: ChildProcess }> {
  if (!existsSync(`${root}dist/web/index.html`)) throw new Error(`dist/web is not built; run "npm run build" first`);
  return new Promise((resolve, reject) => {
    const server = spawn(process.execPath, [`${root}dist/src/cli/main.js`, "serve", "--port", "0"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`pvnetsim serve did not start in 30 s: ${out}${err}`)), 30_000);
    server.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[0], server });
      }
    });
    server.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    server.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`pvnetsim serve exited with code ${code}: ${err.trim()}`));
    });
  });
}

/**
 * For a test file that drives the demo page: launches Chromium and starts `pvnetsim serve` before
 * the file's tests (beforeAll) and stops both after them (afterAll). The getters give the browser
 * and the page's URL inside the tests.
 */
export function servedPage(): { browser: () => Browser; baseUrl: () => string } {
  let server: ChildProcess | null = null;
  let url = "";
  let browser: Browser | null = null;
  beforeAll(async () => {
    browser = await launchChromium();
    ({ url, server } = await startServe());
  });
  afterAll(async () => {
    await browser?.close();
    server?.kill("SIGTERM");
  });
  return { browser: () => browser!, baseUrl: () => url };
}
