export {
  resolveConfig,
  ConfigError,
  configJsonSchema,
  defaultConfigObject,
  setPath,
  getPath,
  describe,
} from "./schema.js";
export type { ResolvedConfig, UdpSourceConfig, TrafficProfile } from "./schema.js";
export { PARAMS, PARAM_BY_PATH } from "./params.js";
export type { ParamSpec } from "./params.js";
export { PRESETS, presetNames } from "./presets.js";
export { packConfig, derive, bindings } from "./pack.js";
