// Launching Debian's Chromium for the browser tests. The tests never skip: a missing browser is
// a failure that says how to install it (CI does that in scripts/install-system-deps.sh).

import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";

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
