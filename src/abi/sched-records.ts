// The host/Wasm ABI, continued: the fields of the scheduling records in the packed configuration's
// CFG_OFF_VCPU_SCHED and CFG_OFF_DOM_SCHED tables (src/abi/layout.ts). Compiled by both compilers,
// like layout.ts: integer constants only.

// Per-VCPU scheduling record fields.
export const VSC_PCPU = 0; // PCPU the VCPU starts on
export const VSC_HOG_QUANTUM = 1; // cycles of one CPU-bound job of the guest's busy loop (0: no busy loop)
export const VSC_REC = 2;

// Per-domain credit scheduler record fields.
export const DSC_WEIGHT = 0; // credit weight (1..65535)
export const DSC_CAP = 1; // cap, percent of one PCPU (0: none)
export const DSC_REC = 2;
