// The cumulative steps of Zhang et al., CloudCom 2010, and the numbers the paper publishes.
// Only the abstract was available (calibration.md section 2, V1-V3): it states the baseline
// (2.2 Gb/s) and the result with all four techniques (3.7 Gb/s); the intermediate steps are not
// published, so their paperGbps is null.

export interface PaperStep {
  /** Preset name (src/config/presets.ts). */
  name: string;
  /** Short label for tables and charts. */
  label: string;
  /** Aggregate TCP goodput the paper's abstract states, Gb/s; null where not published. */
  paperGbps: number | null;
}

export const PAPER_STEPS: readonly PaperStep[] = [
  { name: "paper-baseline", label: "baseline", paperGbps: 2.2 },
  { name: "paper-multi-tasklet", label: "+ multi-tasklet", paperGbps: null },
  { name: "paper-dispatch", label: "+ evtchn dispatch", paperGbps: null },
  { name: "paper-low-event", label: "+ low event freq.", paperGbps: null },
  { name: "paper-lro", label: "+ LRO (all four)", paperGbps: 3.7 },
];

/** TCP goodput ceiling of 4 x 1 GbE, MTU 1500 with timestamps (calibration V3, J6), Gb/s. */
export const TCP_CEILING_GBPS = 3.766;

export const PAPER_CITATION =
  'Zhang, Bai, Li, Du, Yang, "Achieving high throughput by transparent network interface virtualization on multi-core systems", IEEE CloudCom 2010, pp. 250-257, DOI 10.1109/CloudCom.2010.62';
