// The demo page in a real browser: Debian's Chromium (/usr/bin/chromium) driven by playwright-core
// against `pvnetsim serve`. Checks that the page computes what Node computes (same config and
// seed, to the printed digit and bit for bit), that a click during a run is handled within
// 200 ms (the simulation runs in a Web Worker), that cancel works, that a wrong MIME type for the
// .wasm falls back to compiling from a buffer, and that bad input shows the ConfigError.
// Screenshots go to test-results/browser/. Needs `npm run build` (pretest) for dist/web.

import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { simulate } from "../../dist/src/node.js";
import { resolveConfig } from "../../dist/src/config/schema.js";
import { artifacts, servedPage } from "./chromium.js";

const served = servedPage();

async function openPage(): Promise<Page> {
  const page = await served.browser().newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  (page as Page & { uncaughtErrors?: string[] }).uncaughtErrors = errors;
  await page.goto(served.baseUrl());
  await page.waitForSelector("body[data-wasm-load]", { timeout: 30_000 });
  return page;
}

async function setRun(page: Page, preset: string, durationMs: number, warmupMs: number): Promise<void> {
  await page.getByTestId("preset").selectOption(preset);
  await page.getByLabel("Measured, ms").fill(String(durationMs));
  await page.getByLabel("Warm-up, ms").fill(String(warmupMs));
}

describe("demo page in Chromium", () => {
  it("runs paper-baseline in the browser and prints what Node computes", async () => {
    const page = await openPage();
    expect(await page.evaluate(() => document.body.dataset["wasmLoad"])).toBe("streaming");
    await setRun(page, "paper-baseline", 50, 20);
    await page.getByTestId("run").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === "done", null, { timeout: 60_000 });
    const printed = (await page.getByTestId("aggregate-gbps").textContent())!.trim();
    const full = await page.getByTestId("aggregate-gbps").getAttribute("data-value");
    const browserResult = await page.evaluate(() => (window as unknown as { pvnetsim: { lastResult: unknown } }).pvnetsim.lastResult);
    await page.screenshot({ path: `${artifacts}/paper-baseline.png`, fullPage: true });

    const node = await simulate(resolveConfig("paper-baseline", { durationMs: 50, warmupMs: 20 }));
    expect(node.state).toBe("completed");
    const expected = node.throughput.aggregateGbps.toFixed(3);
    console.log(`aggregate Gb/s: browser ${printed} (${full}), node ${expected} (${node.throughput.aggregateGbps})`);
    expect(printed).toBe(expected);
    expect(Number(full)).toBe(node.throughput.aggregateGbps);
    // The whole result is the same object, but for wall-clock time and, since the page traces
    // a short window for its timeline with the trace build, the trace summary and build name.
    const strip = (r: unknown): unknown => {
      const { trace: _t, ...rest } = r as Record<string, unknown>;
      const versions = { ...(rest["versions"] as object), wasmBuild: "release" };
      return { ...rest, versions, perf: { ...(r as { perf: object }).perf, wallSeconds: 0 } };
    };
    expect(strip(browserResult)).toEqual(strip(node));
    expect((page as Page & { uncaughtErrors?: string[] }).uncaughtErrors).toEqual([]);
    await page.close();
  });

  it("stays responsive during a run: clicks are handled within 200 ms; cancel stops the run", async () => {
    const page = await openPage();
    await setRun(page, "paper-lro", 10000, 200); // cancelled once the click is checked
    await page.getByTestId("run").click();
    // Wait until the worker is well into the run (live progress has arrived and the charts are laid out).
    await page.waitForFunction(() => (document.querySelector("progress") as HTMLProgressElement).value > 0.05, null, { timeout: 30_000 });
    const box = (await page.getByTestId("highlight-netback").boundingBox())!;
    // Three clicks, each toggling the highlight. The in-page input delay (the event's time stamp to
    // its handler) is what a blocked main thread would lengthen on every click; on a machine whose
    // cores are oversubscribed the OS alone can delay one click, so the best of three is judged.
    const clicks: Array<{ latency: number; inPageDelay: number; seenAfter: number }> = [];
    for (let k = 0; k < 3; k++) {
      const pressed = k % 2 === 0 ? "true" : "false";
      const t0 = Date.now();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForFunction(
        (want) => document.querySelector('[data-testid="highlight-netback"]')?.getAttribute("aria-pressed") === want,
        pressed,
        { timeout: 5_000 },
      );
      const t1 = Date.now();
      const handledAt = Number(await page.evaluate(() => document.body.dataset["lastClickHandledAt"]));
      const inPageDelay = Number(await page.evaluate(() => document.body.dataset["lastClickDelayMs"]));
      clicks.push({ latency: handledAt - t0, inPageDelay, seenAfter: t1 - t0 });
    }
    const statusAfterClick = await page.getByTestId("status").textContent();
    const progressAtClick = await page.evaluate(() => (document.querySelector("progress") as HTMLProgressElement).value);
    await page.screenshot({ path: `${artifacts}/during-run.png`, fullPage: true });
    const shown = clicks.map((c) => `${c.latency.toFixed(1)} ms (in-page ${c.inPageDelay} ms, seen after ${c.seenAfter} ms)`);
    console.log(`clicks during run, handled after: ${shown.join("; ")}, at ${(progressAtClick * 100).toFixed(0)}% of the run`);
    expect(statusAfterClick).toBe("running");
    expect(progressAtClick).toBeLessThan(1);
    expect(Math.min(...clicks.map((c) => c.latency))).toBeLessThan(200);
    expect(Math.min(...clicks.map((c) => c.inPageDelay))).toBeLessThan(200);

    await page.getByTestId("cancel").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === "cancelled", null, { timeout: 30_000 });
    const state = await page.evaluate(() => (window as unknown as { pvnetsim: { lastResult: { state: string } } }).pvnetsim.lastResult.state);
    expect(state).toBe("aborted");
    await page.close();
  });

  it("compiles the .wasm from a buffer when the server sends the wrong MIME type", async () => {
    const page = await served.browser().newPage();
    await page.route("**/pvnetsim.wasm", async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, headers: { ...res.headers(), "content-type": "application/octet-stream" } });
    });
    await page.goto(served.baseUrl());
    await page.waitForSelector("body[data-wasm-load]", { timeout: 30_000 });
    expect(await page.evaluate(() => document.body.dataset["wasmLoad"])).toBe("arrayBuffer");
    await setRun(page, "single-guest", 5, 5);
    await page.getByTestId("run").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === "done", null, { timeout: 60_000 });
    await page.close();
  });

  it("shows the ConfigError for a config the model cannot run and disables Run", async () => {
    const page = await openPage();
    await page.getByLabel("One PCPU per VCPU (size automatically)").uncheck();
    await page.getByLabel("PCPUs").fill("0");
    await expect.poll(() => page.getByTestId("config-error").textContent()).toMatch(/^cpu\.pcpus: 0 is not allowed; expected an integer >= 1/);
    expect(await page.getByTestId("run").isDisabled()).toBe(true);
    // Fewer PCPUs than VCPUs is a configuration the model runs: VCPUs share PCPUs.
    await page.getByLabel("PCPUs").fill("4");
    await expect.poll(() => page.getByTestId("config-error").textContent()).toBe("");
    expect(await page.getByTestId("run").isDisabled()).toBe(false);
    await page.close();
  });
});
