// Platform-neutral library surface (no Node built-ins): config, presets, the result type and the
// simulation driver that runs on an already compiled WebAssembly.Module.

export {
  resolveConfig,
  ConfigError,
  configJsonSchema,
  defaultConfigObject,
  PARAMS,
  PRESETS,
  presetNames,
  packConfig,
  derive,
  describe as describeParam,
} from "./config/index.js";
export type { ResolvedConfig, UdpSourceConfig, ParamSpec } from "./config/index.js";
export { simulateOnModule, instantiate, SimulationError } from "./run/simulate.js";
export type { SimulateOptions, Progress, WasmExports } from "./run/simulate.js";
export type { TimeSeries, Series } from "./run/timeseries.js";
export type { TraceOptions, TraceSummary } from "./trace/chrome.js";
export type {
  SimResult,
  CpuUsage,
  VmThroughput,
  LatencySummary,
  RequestResponseSummary,
  StopReason,
} from "./result.js";
export { PVNETSIM_VERSION, ASSEMBLYSCRIPT_VERSION } from "./version.js";
