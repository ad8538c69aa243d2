// The one palette: the colours of the CPU components and of the reference marks, shared by the web
// page (web/main.ts) and the SVG reports (reproduce, sweep), so a component has the same colour
// everywhere. Components use Tableau 10, a categorical palette made to keep ten classes apart.

/** Colour of each CPU component (the keys of result.cpu[].breakdown), in the order they stack. */
export const COMPONENT_COLORS: Readonly<Record<string, string>> = {
  xen: "#4e79a7",
  grant: "#f28e2b",
  nic: "#e15759",
  bridge: "#76b7b2",
  netback: "#59a14f",
  netfront: "#edc948",
  stack: "#b07aa1",
  lro: "#ff9da7",
  app: "#9c755f",
  softirq: "#bab0ac",
};

/** Colours of the marks that are not components. */
export const MARK_COLORS = {
  /** Simulated values (bars, lines). */
  simulated: "#4e79a7",
  /** The paper's published figures. */
  paper: "#d62728",
  /** Physical ceilings (line rate, TCP goodput ceiling). */
  ceiling: "#555555",
} as const;
