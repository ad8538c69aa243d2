// src/report/charts.ts: every chart is an SVG with a title, both axis titles (with units) and a
// legend naming every series and reference mark; specs are plain Vega-Lite.
import { describe, expect, it } from "vitest";
import { barChart, stackedBarChart, lineChart, barChartSpec, stackedBarChartSpec } from "../../src/report/charts.js";
import { roleTexts, tagBalanceProblems } from "./svg.js";

function expectReadable(svg: string, title: string, axes: string[], legend: string[]): void {
  expect(svg.startsWith("<svg")).toBe(true);
  expect(tagBalanceProblems(svg, false)).toEqual([]);
  expect(roleTexts(svg, "title-text")).toContain(title);
  expect(roleTexts(svg, "axis-title").sort()).toEqual([...axes].sort());
  expect(svg).toContain("role-legend");
  const labels = roleTexts(svg, "legend-label");
  for (const l of legend) expect(labels).toContain(l);
}

describe("SVG charts", () => {
  it("bar chart with error bars, per-category reference ticks and a chart-wide rule", async () => {
    const svg = await barChart({
      title: "Throughput per step",
      xTitle: "step",
      yTitle: "goodput (Gb/s)",
      legendTitle: "series",
      seriesLabel: "simulated",
      data: [
        { category: "a", value: 2.1, low: 2.0, high: 2.2 },
        { category: "b", value: 3.6, low: 3.5, high: 3.7 },
      ],
      references: [
        { label: "paper", category: "a", value: 2.2, text: "2.2" },
        { label: "ceiling", value: 3.766 },
      ],
      valueLabels: ".2f",
    });
    expectReadable(svg, "Throughput per step", ["step", "goodput (Gb/s)"], ["simulated", "paper", "ceiling"]);
    expect(roleTexts(svg, "legend-title")).toEqual(["series"]);
  });

  it("grouped bars put every series in the legend", async () => {
    const svg = await barChart({
      title: "Grouped",
      xTitle: "guests",
      yTitle: "goodput (Gb/s)",
      legendTitle: "netback",
      data: [
        { category: "1", series: "tasklet", value: 1 },
        { category: "1", series: "kthread", value: 1.1 },
        { category: "2", series: "tasklet", value: 1.5 },
        { category: "2", series: "kthread", value: 1.8 },
      ],
    });
    expectReadable(svg, "Grouped", ["guests", "goodput (Gb/s)"], ["tasklet", "kthread"]);
    const spec = barChartSpec({ title: "t", xTitle: "x", yTitle: "y", legendTitle: "l", data: [{ category: "a", series: "s", value: 1 }, { category: "a", series: "u", value: 2 }] });
    expect(JSON.stringify(spec)).toContain("xOffset");
  });

  it("stacked bars keep the stack order in the legend", async () => {
    const svg = await stackedBarChart({
      title: "CPU by component",
      xTitle: "VCPU",
      yTitle: "busy time (%)",
      legendTitle: "component",
      stackOrder: ["netback", "grant", "xen"],
      data: [
        { category: "dom0.0", stack: "xen", value: 10 },
        { category: "dom0.0", stack: "netback", value: 30 },
        { category: "dom0.1", stack: "grant", value: 20 },
      ],
      yDomain: [0, 100],
    });
    expectReadable(svg, "CPU by component", ["VCPU", "busy time (%)"], ["netback", "grant", "xen"]);
    expect(roleTexts(svg, "legend-label")).toEqual(["netback", "grant", "xen"]);
  });

  it("stacked bars as small multiples share title, axis titles and legend", async () => {
    const data = ["before", "after"].flatMap((panel, i) => [
      { panel, category: "dom0.0", stack: "netback", value: 60 - 30 * i },
      { panel, category: "dom0.1", stack: "netback", value: 30 * i },
      { panel, category: "dom0.0", stack: "xen", value: 10 },
    ]);
    const svg = await stackedBarChart({
      title: "Per step",
      xTitle: "VCPU",
      yTitle: "busy time (%)",
      legendTitle: "component",
      panelTitle: "step",
      panels: ["before", "after"],
      data,
      yDomain: [0, 100],
    });
    expect(tagBalanceProblems(svg, false)).toEqual([]);
    const titles = roleTexts(svg, "title-text");
    for (const t of ["Per step", "before", "after"]) expect(titles).toContain(t);
    expect(new Set(roleTexts(svg, "axis-title"))).toEqual(new Set(["VCPU", "busy time (%)"]));
    expect(roleTexts(svg, "legend-label")).toEqual(["netback", "xen"]);
    expect(() =>
      stackedBarChartSpec({ title: "t", xTitle: "x", yTitle: "y", legendTitle: "l", panelTitle: "p", data, references: [{ label: "r", value: 1 }] }),
    ).toThrow(/not supported/);
  });

  it("line chart with error bars and with a band", async () => {
    const data = [1, 2, 4].flatMap((x) => [
      { x, series: "baseline", y: x * 0.5, low: x * 0.45, high: x * 0.55 },
      { x, series: "all four", y: x * 0.9, low: x * 0.85, high: x * 0.95 },
    ]);
    for (const interval of ["bars", "band"] as const) {
      const svg = await lineChart({
        title: `Scaling (${interval})`,
        xTitle: "guests",
        yTitle: "goodput (Gb/s)",
        legendTitle: "scenario",
        data,
        interval,
        references: [{ label: "ceiling", value: 3.766 }],
      });
      expectReadable(svg, `Scaling (${interval})`, ["guests", "goodput (Gb/s)"], ["baseline", "all four", "ceiling"]);
    }
  });

  it("line chart over ordinal x keeps the given order", async () => {
    const svg = await lineChart({
      title: "By dispatch policy",
      xTitle: "dispatch policy",
      yTitle: "goodput (Gb/s)",
      legendTitle: "netback",
      xOrder: ["vcpu0", "round-robin", "group-affine"],
      data: ["group-affine", "vcpu0", "round-robin"].map((x, i) => ({ x, series: "tasklet", y: 2 + i, low: 1.9 + i, high: 2.1 + i })),
    });
    expectReadable(svg, "By dispatch policy", ["dispatch policy", "goodput (Gb/s)"], ["tasklet"]);
    const labels = roleTexts(svg, "axis-label");
    const at = ["vcpu0", "round-robin", "group-affine"].map((l) => labels.indexOf(l));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it("refuses non-finite data instead of drawing an empty chart", () => {
    expect(() => barChartSpec({ title: "t", xTitle: "x", yTitle: "y", legendTitle: "l", data: [{ category: "a", value: NaN }] })).toThrow(/non-finite/);
  });
});
