// Parameter sweeps: specs, the worker-pool runner, shards, results files, merge and reports.
export {
  planSweep,
  outlineSweep,
  eachPoint,
  parseSpecText,
  pointId,
  deriveSeed,
  canonicalJson,
  SpecError,
  DEFAULT_METRICS,
  METRIC_SECTIONS,
} from "./spec.js";
export type {
  SweepSpec,
  AxisSpec,
  ParamAxis,
  ZipAxis,
  CasesAxis,
  SweepOutline,
  SweepPlan,
  PlannedSweep,
  SweepPoint,
  AxisInfo,
} from "./spec.js";
export { sweep, checkMetrics, pendingPoints } from "./run.js";
export type { SweepOptions, SweepProgress } from "./run.js";
export { parseShard, resolveShard, shardPoints, shardSize, inShard, ShardError } from "./shard.js";
export type { Shard } from "./shard.js";
export { parseResults, recordLine, deterministicPart, metricValue, summaryOf } from "./records.js";
export type { PointRecord, ParsedResults } from "./records.js";
export {
  sweepUntilCi,
  planUntilCi,
  nextStage,
  stages,
  parseRel,
  untilCiSummary,
  DEFAULT_MAX_REPS,
} from "./until-ci.js";
export type { UntilCi, PointCi, UntilCiOptions } from "./until-ci.js";
