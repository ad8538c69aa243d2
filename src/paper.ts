// The figures the reproduced paper publishes, in one place: every report, chart, check and page
// that quotes them reads them from here. Each figure names its row in docs/sources.md.
//
// The paper: Zhang, Bai, Li, Du, Yang, "Achieving high throughput by transparent network interface
// virtualization on multi-core systems", IEEE CloudCom 2010. Only its abstract was available: it
// states the baseline and the result with all four techniques; the intermediate steps are not
// published.

export const PAPER_CITATION =
  'Zhang, Bai, Li, Du, Yang, "Achieving high throughput by transparent network interface virtualization ' +
  'on multi-core systems", IEEE CloudCom 2010, pp. 250-257, DOI 10.1109/CloudCom.2010.62';

export interface PaperFigure {
  value: number;
  unit: string;
  /** What the figure is, as the paper states it. */
  description: string;
  /** Row of docs/sources.md that cites it. */
  source: string;
}

export const PAPER_FIGURES = {
  /** Aggregate TCP goodput of the stock driver domain (one dom0 VCPU saturated). */
  baselineGbps: {
    value: 2.2,
    unit: "Gb/s",
    description: "aggregate TCP goodput of the baseline (4 x 1 GbE into 4 guests, one dom0 VCPU saturated)",
    source: "V1",
  },
  /** Aggregate TCP goodput with all four techniques. */
  allFourGbps: {
    value: 3.7,
    unit: "Gb/s",
    description: "aggregate TCP goodput with all four techniques (multi-tasklet, dispatch, low event frequency, LRO)",
    source: "V2",
  },
} as const satisfies Record<string, PaperFigure>;

/**
 * TCP goodput ceiling of the paper's 4 x 1 GbE ports, MTU 1500 with TCP timestamps, Gb/s: what the
 * links allow (the paper's figure is "about 3.77"), computed per docs/sources.md rows V3 and J6.
 */
export const TCP_CEILING_4X1GBE_GBPS = 3.766;
