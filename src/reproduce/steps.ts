// The cumulative steps of Zhang et al., CloudCom 2010, with the figure the paper publishes for each
// (src/paper.ts): the baseline and the result with all four techniques; the intermediate steps are
// not published, so their paperGbps is null.

import { PAPER_CITATION, PAPER_FIGURES, TCP_CEILING_4X1GBE_GBPS } from "../paper.js";

export interface PaperStep {
  /** Preset name (src/config/presets.ts). */
  name: string;
  /** Short label for tables and charts. */
  label: string;
  /** Aggregate TCP goodput the paper's abstract states, Gb/s; null where not published. */
  paperGbps: number | null;
}

export const PAPER_STEPS: readonly PaperStep[] = [
  { name: "paper-baseline", label: "baseline", paperGbps: PAPER_FIGURES.baselineGbps.value },
  { name: "paper-multi-tasklet", label: "+ multi-tasklet", paperGbps: null },
  { name: "paper-dispatch", label: "+ evtchn dispatch", paperGbps: null },
  { name: "paper-low-event", label: "+ low event freq.", paperGbps: null },
  { name: "paper-lro", label: "+ LRO (all four)", paperGbps: PAPER_FIGURES.allFourGbps.value },
];

/** TCP goodput ceiling of 4 x 1 GbE, MTU 1500 with timestamps (sources.md V3, J6), Gb/s. */
export const TCP_CEILING_GBPS = TCP_CEILING_4X1GBE_GBPS;

export { PAPER_CITATION };
