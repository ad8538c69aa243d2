// Node entry point of the library (`import ... from "pvnetsim"`): the platform-neutral core, the
// sweep modules, and simulate/loadWasmModule that load build/pvnetsim.wasm from the package
// (src/wasm-node.ts). Nothing here loads the chart stack.

export * from "./index.js";
export * from "./sweep/index.js";
export { wasmPath, loadWasmModule, simulate } from "./wasm-node.js";
export type { NodeSimulateOptions } from "./wasm-node.js";
