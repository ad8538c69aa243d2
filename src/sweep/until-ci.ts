// Replications until the interval is tight (`pvnetsim sweep --until-ci REL`): each point of a
// sweep (one setting of its axes) gets replications in stages until the 95 % confidence interval
// of one metric's mean (Student t) is at most REL of the mean, or until a cap on replications.
//
// Determinism. The replications a point may get are those of the same spec planned with the cap
// as its replication count: the same seeds (derived from the spec's seed), the same point ids and
// the same results-file records as a plain sweep with that many replications. They run in fixed
// stages (the spec's replications, at least 3, then about 1.5x more each stage, up to the cap), and
// after each stage the interval is taken over exactly that stage's replications. So which runs
// happen depends only on their results: not on the number of workers, the order points finish in,
// or where an interrupted sweep was resumed (a resume re-reads the results file and goes on from
// the first stage that is not complete).

import { summarize } from "../reproduce/stats.js";
import { planSweep, SpecError, type SweepPlan, type SweepPoint } from "./spec.js";
import type { PointRecord } from "./records.js";
import { sweep, type SweepOptions } from "./run.js";

/** What --until-ci asks for. */
export interface UntilCi {
  /** Largest allowed 95 % CI half-width, as a fraction of the mean (0.02: +-2 %). */
  rel: number;
  /** The metric whose interval counts (one of the spec's metrics). */
  metric: string;
  /** Most replications a point gets. */
  maxReps: number;
  /** Replications every point gets first. */
  firstReps: number;
}

/** Replications a point gets at most when --max-reps is not given. */
export const DEFAULT_MAX_REPS = 30;
/** Fewest replications before an interval is trusted to stop a point. */
export const MIN_FIRST_REPS = 3;

/** Parses REL: a fraction ("0.02") or a percentage ("2%"), more than 0 and less than 1. */
export function parseRel(text: string): number {
  const t = text.trim();
  const pct = t.endsWith("%");
  const x = t === "" || t === "%" ? NaN : Number(pct ? t.slice(0, -1) : t) / (pct ? 100 : 1);
  if (!Number.isFinite(x) || x <= 0 || x >= 1) {
    const shown = JSON.stringify(text.slice(0, 40));
    throw new SpecError(
      `--until-ci: ${shown} is not allowed; ` +
        "expected a fraction of the mean between 0 and 1 (0.02) or a percentage (2%)",
    );
  }
  return x;
}

/**
 * Plans an adaptive sweep: the spec with `maxReps` replications (every replication a point may
 * get), and the settings. Throws SpecError naming the option or spec field at fault.
 */
export function planUntilCi(
  spec: unknown,
  o: { rel: number; metric?: string; maxReps?: number },
): { plan: SweepPlan; ci: UntilCi } {
  const plain = planSweep(spec);
  const s = spec as { seeds?: unknown };
  if (s.seeds !== undefined) {
    throw new SpecError(
      "spec.seeds: --until-ci derives the seeds of further replications; " +
        "use replications (and seed) instead of a list of seeds",
    );
  }
  const metric = o.metric ?? plain.metrics[0]!;
  if (!plain.metrics.includes(metric)) {
    throw new SpecError(
      `--metric: "${metric}" is not allowed; expected one of the spec's metrics: ${plain.metrics.join(", ")}`,
    );
  }
  const firstReps = Math.max(MIN_FIRST_REPS, plain.replications);
  const maxReps = o.maxReps ?? Math.max(DEFAULT_MAX_REPS, firstReps);
  if (!Number.isInteger(maxReps) || maxReps < firstReps || maxReps > 10000) {
    throw new SpecError(
      `--max-reps: ${maxReps} is not allowed; expected an integer from ${firstReps} ` +
        `(the first stage: the spec's replications, at least ${MIN_FIRST_REPS}) to 10000`,
    );
  }
  const plan = planSweep({ ...(spec as Record<string, unknown>), replications: maxReps });
  return { plan, ci: { rel: o.rel, metric, maxReps, firstReps } };
}

/** Replication counts after which the interval is checked: first, ~1.5x more each time, the cap. */
export function stages(ci: Pick<UntilCi, "firstReps" | "maxReps">): number[] {
  const out = [ci.firstReps];
  for (let s = ci.firstReps; s < ci.maxReps; ) {
    s = Math.min(ci.maxReps, s + Math.max(1, Math.ceil(s / 2)));
    out.push(s);
  }
  return out;
}

/** Where one point (a setting of the axes) stands. */
export interface PointCi {
  /** Index of the setting (0-based, in sweep order). */
  setting: number;
  axes: Record<string, unknown>;
  /** Replications the decision was taken on (the last complete stage); 0 before the first. */
  reps: number;
  /** Completed replications among them (errored ones have no value). */
  n: number;
  mean: number | null;
  /** 95 % CI half-width of the mean; null below two values. */
  halfWidth: number | null;
  /** The interval is within REL of the mean. */
  met: boolean;
  /** No more replications: met, or the cap reached. */
  done: boolean;
}

/**
 * The decision for every point given the records so far (by point id): its status, and the runs
 * of the next stage of the points that are not done (their missing replications).
 */
export function nextStage(
  plan: SweepPlan,
  ci: UntilCi,
  have: ReadonlyMap<string, PointRecord>,
): { points: PointCi[]; todo: SweepPoint[] } {
  const todo: SweepPoint[] = [];
  const points: PointCi[] = [];
  const settings = plan.points.length / ci.maxReps;
  const steps = stages(ci);
  for (let c = 0; c < settings; c++) {
    const reps = plan.points.slice(c * ci.maxReps, (c + 1) * ci.maxReps);
    const st: PointCi = {
      setting: c,
      axes: reps[0]!.axes,
      reps: 0,
      n: 0,
      mean: null,
      halfWidth: null,
      met: false,
      done: false,
    };
    for (const s of steps) {
      const missing = reps.slice(0, s).filter((p) => !have.has(p.id));
      if (missing.length > 0) {
        todo.push(...missing);
        break;
      }
      const values = reps
        .slice(0, s)
        .map((p) => have.get(p.id)!)
        .filter((r) => r.state === "completed")
        .map((r) => r.metrics[ci.metric])
        .filter((v): v is number => typeof v === "number");
      const sum = summarize(values);
      st.reps = s;
      st.n = values.length;
      st.mean = values.length ? sum.mean : null;
      st.halfWidth = sum.ciHalfWidth;
      st.met = sum.ciHalfWidth !== null && sum.ciHalfWidth <= ci.rel * Math.abs(sum.mean);
      st.done = st.met || s === ci.maxReps;
      if (st.done) break;
    }
    points.push(st);
  }
  return { points, todo };
}

export interface UntilCiOptions extends Omit<SweepOptions, "skip" | "shard" | "onProgress"> {
  /** Records already in the results file (resume); records of other sweeps are ignored. */
  done?: Iterable<PointRecord>;
  /** Called before each stage runs, with the runs it adds. */
  onStage?: (stage: { round: number; runs: number }) => void;
}

/**
 * Runs an adaptive sweep and yields each finished run's record, stage by stage, until every point
 * is done or `signal` aborts. `have` (optional) receives every record, old and new, by point id.
 */
export async function* sweepUntilCi(
  plan: SweepPlan,
  ci: UntilCi,
  opts: UntilCiOptions = {},
  have: Map<string, PointRecord> = new Map(),
): AsyncGenerator<PointRecord, void, undefined> {
  const ids = new Set(plan.points.map((p) => p.id));
  for (const r of opts.done ?? []) if (ids.has(r.id)) have.set(r.id, r);
  const { done: _d, onStage, ...sweepOpts } = opts;
  for (let round = 1; ; round++) {
    const { todo } = nextStage(plan, ci, have);
    if (todo.length === 0 || opts.signal?.aborted) return;
    onStage?.({ round, runs: todo.length });
    for await (const rec of sweep(plan, { ...sweepOpts, points: todo })) {
      have.set(rec.id, rec);
      yield rec;
    }
    // Stopped part-way: the runs that did not finish stay missing, for a resume to run.
    if (opts.signal?.aborted) return;
  }
}

/** One line per outcome: how many points met the target, after how many replications, which hit the cap. */
export function untilCiSummary(plan: SweepPlan, ci: UntilCi, have: ReadonlyMap<string, PointRecord>): string[] {
  const { points } = nextStage(plan, ci, have);
  const met = points.filter((p) => p.met);
  const capped = points.filter((p) => p.done && !p.met);
  const open = points.filter((p) => !p.done);
  const range = (ps: PointCi[]): string => {
    const r = ps.map((p) => p.reps);
    return Math.min(...r) === Math.max(...r) ? `${r[0]}` : `${Math.min(...r)}-${Math.max(...r)}`;
  };
  const pct = `${+(ci.rel * 100).toPrecision(6)}%`;
  const out = [
    `until-ci: ${met.length} of ${points.length} points have a 95% CI of ${ci.metric} within +-${pct} of the mean` +
      (met.length ? ` (after ${range(met)} replications)` : ""),
  ];
  for (const p of capped) {
    const rel =
      p.mean && p.halfWidth !== null ? `+-${((p.halfWidth / Math.abs(p.mean)) * 100).toFixed(2)}%` : "no interval";
    out.push(
      `until-ci: point ${JSON.stringify(p.axes)} stopped at the cap of ${ci.maxReps} replications: ${rel} of the mean`,
    );
  }
  if (open.length)
    out.push(`until-ci: ${open.length} points not finished; run the same command with --resume to go on`);
  return out;
}
