// The Wasm module's only export surface. See README "Architecture" for the host/Wasm boundary.

export { eqPush, eqPop, eqPeekTime, eqInit, eqReset } from "./sim/eventq";

// --- kernel benchmark (../shared/bench-kernel.md), run on the engine's own event queue ---
