// The page's view inside a run, in Chromium: live series (goodput per guest, utilization per
// VCPU) while the run goes, and after it the page's own zoomable timeline of the traced window
// with a download of the trace file. Screenshots go to test-results/browser/.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { artifacts, servedPage } from "./chromium.js";

const served = servedPage();

describe("page: inside a run", () => {
  it("draws live series during the run, then a zoomable timeline and a trace download", async () => {
    const page = await served.browser().newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(served.baseUrl());
    await page.waitForSelector("body[data-wasm-load]", { timeout: 30_000 });
    await page.getByTestId("preset").selectOption("paper-lro");
    await page.getByLabel("Measured, ms").fill("1500"); // long enough to be caught running on a busy machine
    await page.getByLabel("Warm-up, ms").fill("100");
    await page.getByTestId("run").click();

    // While running: one line per guest and per VCPU, growing with the run.
    await page.waitForFunction(() => (document.querySelector("progress") as HTMLProgressElement).value > 0.2, null, { timeout: 120_000, polling: 50 });
    const live = await page.evaluate(() => ({
      vm: [...document.querySelectorAll('[data-testid="series-vm"] polyline')].map((p) => p.getAttribute("points")!.split(" ").length),
      cpu: [...document.querySelectorAll('[data-testid="series-cpu"] polyline')].map((p) => p.getAttribute("data-series")),
      status: document.querySelector('[data-testid="status"]')!.textContent,
    }));
    await page.locator("main").screenshot({ path: `${artifacts}/live-series.png` });
    expect(live.status).toBe("running");
    expect(live.vm).toHaveLength(4);
    for (const n of live.vm) expect(n).toBeGreaterThan(4);
    expect(live.cpu).toEqual(["dom0.0", "dom0.1", "dom0.2", "dom0.3", "domU0.0", "domU1.0", "domU2.0", "domU3.0"]);

    // After the run: the page's own timeline of the traced 2 ms.
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === "done", null, { timeout: 240_000 });
    const tl = page.getByTestId("timeline");
    const whole = Number(await tl.getAttribute("data-shown"));
    const tracks = await tl.locator("text").allTextContents();
    for (const t of ["dom0 VCPU0", "dom0 VCPU3", "domU0 VCPU0", "domU3 VCPU0"]) expect(tracks).toContain(t);
    expect(whole).toBeGreaterThan(200);
    const label0 = await tl.getAttribute("aria-label");
    expect(label0).toMatch(/from 100\.000 to 102\.000 ms/);
    await tl.screenshot({ path: `${artifacts}/timeline-whole.png` });

    // Zoom in three times: a quarter... an eighth of the window, fewer jobs shown.
    for (let i = 0; i < 3; i++) await page.getByTestId("timeline-zoom-in").click();
    const zoomed = Number(await tl.getAttribute("data-shown"));
    expect(zoomed).toBeGreaterThan(0);
    expect(zoomed).toBeLessThan(whole / 3);
    expect(await tl.getAttribute("aria-label")).toMatch(/from 100\.875 to 101\.125 ms/);
    // The mouse wheel zooms too.
    const box = (await tl.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + 40);
    await page.mouse.wheel(0, -200);
    expect(Number(await tl.getAttribute("data-shown"))).toBeLessThanOrEqual(zoomed);
    await tl.screenshot({ path: `${artifacts}/timeline-zoomed.png` });

    // Download: the trace file the timeline was drawn from.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("trace-download").click()]);
    const path = await download.path();
    const doc = JSON.parse(readFileSync(path!, "utf8")) as { traceEvents: Array<{ ph: string }>; otherData: { windowMs: number[] } };
    expect(doc.otherData.windowMs).toEqual([100, 102]);
    expect(doc.traceEvents.filter((e) => e.ph === "X").length).toBeGreaterThanOrEqual(whole);
    expect(download.suggestedFilename()).toBe("pvnetsim-paper-lro-seed1-trace.json");
    expect(errors).toEqual([]);
    await page.close();
  });
});
