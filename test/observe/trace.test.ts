// The timeline trace: written by `pvnetsim run --trace`, opened in a real trace viewer
// (Chromium's DevTools performance panel, from Debian's chromium, driven by Playwright), and
// checked against the run: one track per VCPU, slices that never overlap on a track and add up to
// the VCPU's busy time, flow arrows the viewer binds to slices at both ends.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { cli, receiverBesideBusyLoop, resolveConfig, simulate, type SimResult } from "../helpers.js";
import { launchChromium, root } from "../browser/chromium.js";

interface TraceEvent {
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  name: string;
  cat?: string;
  id?: number;
  args?: Record<string, unknown>;
}

const shots = join(root, "test-results", "observe");
const dir = mkdtempSync(join(tmpdir(), "pvnetsim-trace-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Slices per (pid, tid), sorted by start. */
function tracks(events: TraceEvent[]): Map<string, TraceEvent[]> {
  const m = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== "X") continue;
    const k = `${e.pid}/${e.tid}`;
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(e);
  }
  for (const l of m.values()) l.sort((a, b) => a.ts - b.ts);
  return m;
}

/** pid/tid of result.cpu[v] in the trace: dom0 is pid 1, guest g is pid 2+g; the tid is the VCPU number. */
const trackOf = (c: SimResult["cpu"][number]): string => (c.domain === "dom0" ? `1/${c.vcpu}` : `${2 + Number(c.domain.slice(4))}/${c.vcpu}`);

describe("timeline trace", () => {
  let result: SimResult;
  let events: TraceEvent[];
  const file = join(dir, "t.json.gz");

  beforeAll(() => {
    const out = spawnSync("node", [cli, "run", "paper-lro", "--trace", file, "--trace-window", "500:520", "--json", "--quiet"], { encoding: "utf8" });
    expect(out.status, out.stderr).toBe(0);
    result = JSON.parse(out.stdout) as SimResult;
    expect(out.stderr).toMatch(/^trace: .*t\.json\.gz: 500\.\.520 ms, \d+ events, [\d.]+ MB of JSON \([\d.]+ kB per simulated ms\), [\d.]+ MB gzipped\n$/);
    events = (JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { traceEvents: TraceEvent[] }).traceEvents;
  });

  it("pvnetsim run paper-lro --trace t.json.gz --trace-window 500:520 loads in Chromium's DevTools performance panel", async () => {
    const t = result.trace!;
    expect(t.fromMs).toBe(500);
    expect(t.toMs).toBe(520);
    expect(t.bytesPerSimulatedMs).toBeCloseTo(t.bytes / 20, 6);
    const flowStarts = events.filter((e) => e.ph === "s").length;
    expect(flowStarts).toBeGreaterThan(10);

    const browser: Browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await page.goto("devtools://devtools/bundled/devtools_app.html");
      const gz = readFileSync(file).toString("base64");
      const inner = `
        // DevTools' own modules: the Performance panel and its trace engine.
        const T = await import("./panels/timeline/timeline.js");
        const UI = await import("./ui/legacy/legacy.js");
        await UI.ViewManager.ViewManager.instance().showView("timeline");
        const panel = T.TimelinePanel.TimelinePanel.instance();
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
        await panel.loadFromFile(new File([text], "t.json"));
        const dp = panel.flameChart.mainDataProvider;
        for (let i = 0; i < 300 && !(dp.timelineData()?.groups?.length && dp.parsedTrace); i++) await new Promise((r) => setTimeout(r, 100));
        const data = dp.parsedTrace.data;
        const threads = {};
        for (const [pid, proc] of data.Renderer.processes) {
          for (const [tid, th] of proc.threads) {
            const names = new Set();
            for (const e of th.entries) names.add(e.name);
            threads[pid + "/" + tid] = { name: th.name, slices: th.entries.length, names: [...names] };
          }
        }
        const groups = dp.timelineData().groups.map((g) => g.name);
        // Open the process groups so the screenshot shows the VCPU tracks.
        const fc = panel.flameChart.mainFlameChart;
        dp.timelineData().groups.forEach((g, i) => {
          if (g.style.nestingLevel === 0 && typeof fc.toggleGroupExpand === "function") fc.toggleGroupExpand(i);
        });
        // Everything the panel's trace engine kept, as text: which of the file's names survive?
        const dump = (v) => JSON.stringify(v, (k, x) => (x instanceof Map ? [...x.entries()] : x instanceof Set ? [...x] : x));
        const unreadable = [];
        const kept = Object.keys(data).map((k) => {
          try {
            return dump(data[k]) ?? "";
          } catch {
            unreadable.push(k);
            return "";
          }
        }).join(" ");
        const survive = (names) => names.filter((n) => kept.includes(JSON.stringify(n)));
        return {
          groups, threads, flows: data.Flows.flows.length, flowEnds: data.Flows.flows.filter((f) => f.length === 2).length,
          handlers: Object.keys(data), unreadable, countersKept: survive(probe.counters), instantsKept: survive(probe.instants),
          slicesKept: survive(probe.slices),
        };
`;
      // Runs in the DevTools page, on DevTools' own modules (the Performance panel and its trace
      // engine); a string, so that the test runner's bundler leaves its imports alone.
      // The file's counter, instant and (as a control of the search) slice names.
      const names = (ph: string): string[] => [...new Set(events.filter((e) => e.ph === ph).map((e) => e.name))];
      const probe = { counters: names("C"), instants: names("i"), slices: names("X").slice(0, 20) };
      const inPage = `(async (b64, probe) => {${inner}})(${JSON.stringify(gz)}, ${JSON.stringify(probe)})`;
      const seen = (await page.evaluate(inPage)) as {
        groups: string[];
        threads: Record<string, { name: string; slices: number; names: string[] }>;
        flows: number;
        flowEnds: number;
        handlers: string[];
        unreadable: string[];
        countersKept: string[];
        instantsKept: string[];
        slicesKept: string[];
      };
      await page.keyboard.press("Escape");
      await page.waitForTimeout(500);
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, "devtools-trace.png") });

      // Tracks: a process per domain and the NIC, a thread track per VCPU.
      for (const p of ["dom0 (1)", "domU0 (2)", "domU1 (3)", "domU2 (4)", "domU3 (5)", "NIC and wire (1000)"]) expect(seen.groups).toContain(p);
      for (const [k, c] of result.cpu.entries()) {
        const th = seen.threads[trackOf(c)];
        expect(th, `track of ${c.domain}.${c.vcpu}`).toBeDefined();
        expect(th!.name).toBe(`VCPU${c.vcpu}`);
        // Slices: as many as the writer wrote for that VCPU.
        expect(th!.slices).toBe(t.slicesPerVcpu[k]);
        expect(th!.slices).toBeGreaterThan(100);
      }
      // Slices are named by what ran.
      const dom0Names = Object.entries(seen.threads).filter(([k]) => k.startsWith("1/")).flatMap(([, th]) => th.names);
      expect(dom0Names.some((n) => /^netback RX batch of \d+$/.test(n))).toBe(true);
      expect(dom0Names.some((n) => /^e1000 poll q\d+: \d+ frames$/.test(n))).toBe(true);
      expect(dom0Names.some((n) => /^Xen upcall: /.test(n))).toBe(true);
      const guestNames = Object.entries(seen.threads).filter(([k]) => /^[2-5]\//.test(k)).flatMap(([, th]) => th.names);
      expect(guestNames.some((n) => /^netfront poll \+ stack: \d+ responses$/.test(n))).toBe(true);
      expect(guestNames).toContain("app recv");
      // Flow arrows: every sampled frame is followed from the NIC to the application, and the
      // viewer binds both ends to slices.
      expect(seen.flows).toBe(flowStarts);
      expect(seen.flowEnds).toBe(flowStarts);

      // Counter tracks ("C" events: ring and queue fill, cwnd) and process or global instants are
      // in the file (next test), but this viewer does not show them: its trace engine keeps no
      // trace of them in any of its handlers' output (it keeps Chrome's own memory counters
      // only), and the panel draws no track for them. The search itself finds every slice name
      // it is given, so an absence is real. Perfetto draws both; if a later DevTools keeps them,
      // this fails and the check becomes a positive one.
      expect(seen.unreadable).toEqual([]);
      expect(seen.handlers.length).toBeGreaterThan(10);
      expect(seen.slicesKept).toEqual(probe.slices);
      expect(probe.counters.length).toBeGreaterThan(10);
      expect(seen.countersKept).toEqual([]);
      expect(probe.instants.length).toBeGreaterThan(0);
      expect(seen.instantsKept).toEqual([]);
      for (const g of seen.groups) expect(g).not.toMatch(/ring|qdisc|cwnd/);
    } finally {
      await browser.close();
    }
  });

  it("has counter tracks for rings, queues and cwnd, and instants for notifications", () => {
    const counters = new Set(events.filter((e) => e.ph === "C").map((e) => e.name));
    for (let g = 0; g < 4; g++) {
      expect(counters).toContain(`vif${g} RX ring: posted buffers`);
      expect(counters).toContain(`vif${g} qdisc`);
    }
    expect([...counters].some((n) => /^NIC RX queue \d+ ring$/.test(n))).toBe(true);
    expect([...counters].some((n) => /^flow\d+ cwnd/.test(n))).toBe(true);
    const instants = events.filter((e) => e.ph === "i");
    expect(instants.some((e) => e.name.startsWith("event: netback -> netfront"))).toBe(true);
    for (const e of events) if (e.ph !== "M") expect(e.ts).toBeGreaterThanOrEqual(500e3 - 1e-6);
    for (const e of events) if (e.ph !== "M") expect(e.ts + (e.dur ?? 0)).toBeLessThanOrEqual(520e3 + 1e-6);
  });

  it("slices on a VCPU track never overlap", () => {
    for (const [k, list] of tracks(events)) {
      for (let i = 1; i < list.length; i++) {
        expect(list[i]!.ts, `${k} slice ${i}`).toBeGreaterThanOrEqual(list[i - 1]!.ts + list[i - 1]!.dur! - 1e-4);
      }
    }
  });

  it("over the measured interval, each VCPU's slices add up to its busy time within 0.1%, and tracing changes nothing", async () => {
    const cfg = resolveConfig("paper-baseline", { durationMs: 30, warmupMs: 20 });
    const text: string[] = [];
    const traced = await simulate(cfg, { trace: { fromMs: 20, toMs: 50, write: (s) => void text.push(s) } });
    const plain = await simulate(cfg);
    const strip = ({ perf: _p, trace: _t, versions: _v, ...rest }: SimResult): string => JSON.stringify(rest);
    expect(strip(traced)).toBe(strip(plain));
    expect(traced.versions.wasmBuild).toBe("trace");
    const ev = (JSON.parse(text.join("")) as { traceEvents: TraceEvent[] }).traceEvents;
    const tr = tracks(ev);
    for (const c of traced.cpu) {
      const busyUs = c.utilization * cfg.durationMs * 1e3;
      const sum = (tr.get(trackOf(c)) ?? []).reduce((s, e) => s + e.dur!, 0);
      if (busyUs === 0) expect(sum).toBe(0);
      else expect(Math.abs(sum - busyUs) / busyUs, `${c.domain}.${c.vcpu}`).toBeLessThan(0.001);
    }
  });

  it("names a CPU-bound guest's busy loop as such, not as ksoftirqd", async () => {
    const cfg = resolveConfig("single-guest", { durationMs: 20, warmupMs: 10, ...receiverBesideBusyLoop });
    const text: string[] = [];
    await simulate(cfg, { trace: { fromMs: 10, toMs: 30, write: (s) => void text.push(s) } });
    const ev = (JSON.parse(text.join("")) as { traceEvents: TraceEvent[] }).traceEvents;
    const names = (pid: number) => new Set(ev.filter((e) => e.ph === "X" && e.pid === pid).map((e) => e.name));
    expect(names(3)).toContain("busy loop"); // guest 1 is pid 3
    expect(names(3)).not.toContain("ksoftirqd");
    expect(names(2)).not.toContain("busy loop");
  });

  it("bad trace options get a one-line error", () => {
    for (const [args, pattern] of [
      [["--trace", join(dir, "x.json"), "--trace-window", "520:500"], /--trace-window: "520:500" is not allowed; expected FROM:TO/],
      [["--trace", join(dir, "x.json"), "--trace-window", "0:99999"], /--trace-window: "0:99999" is not allowed/],
      [["--trace-window", "1:2"], /--trace-window: only allowed with --trace FILE/],
      [["--trace", "/nonexistent-dir/t.json"], /--trace: "\/nonexistent-dir\/t.json" is not allowed/],
      [["--trace", join(dir, "x.json"), "--trace-sample", "-3"], /--trace-sample: "-3" is not allowed/],
    ] as const) {
      const p = spawnSync("node", [cli, "run", "paper-baseline", ...args], { encoding: "utf8" });
      expect(p.status, p.stderr).toBe(2);
      expect(p.stderr.trim().split("\n")).toHaveLength(1);
      expect(p.stderr).toMatch(pattern);
    }
  });
});

it("the release build has no trace points: asking it for a trace is an error", async () => {
  const { loadWasmModule } = await import("../../dist/src/node.js");
  const { simulateOnModule } = await import("../../dist/src/index.js");
  const module = await loadWasmModule("release");
  await expect(simulateOnModule(module, "paper-baseline", { trace: { write: () => {} } })).rejects.toThrow(/no trace points/);
  void execFileSync;
});
