#!/usr/bin/env node
// Fits the cost constants marked as fitted in src/config/params.ts (or those named with --fit,
// at most 5) jointly, by least squares over log-errors, against the training results of the
// validation suite (validation/*.json with "role": "training"), then reports the training and the
// held-out results apart. No constant differs per scenario: one set of values serves every result.
//
// Method: Gauss-Newton with Levenberg-Marquardt damping in log-parameter space; residual of a
// training result = ln(simulated / published), simulated = mean over seeds; Jacobian by forward
// differences (+5%). The fitted values are printed, not written: put them into params.ts by hand
// (with this command in the constant's `fitted` note) so that runs never depend on a fit at run time.
//
//   npm run build && node scripts/fit-costs.mjs [--fit costs.a,costs.b] [--seeds 3] [--iterations 8] [--start-factor 1.3]
//
// --start-factor starts every fitted constant at its default times the factor (to check that the
// fit finds its way back).

import { dist, opt } from "./args.mjs";

const fail = (msg) => {
  process.stderr.write(`fit-costs: ${msg}\n`);
  process.exit(2);
};

let node, validate, params;
try {
  node = await import(dist("node.js"));
  validate = await import(dist("validate/validate.js"));
  params = await import(dist("config/params.js"));
} catch (e) {
  process.stderr.write(`fit-costs: cannot load the compiled host code (${e.message}); run "npm run build" first\n`);
  process.exit(1);
}

const seeds = Number(opt("--seeds", "3"));
const iterations = Number(opt("--iterations", "8"));
if (!Number.isInteger(seeds) || seeds < 1) fail(`--seeds: ${opt("--seeds")} is not allowed; expected an integer >= 1`);
if (!Number.isInteger(iterations) || iterations < 1) fail(`--iterations: ${opt("--iterations")} is not allowed; expected an integer >= 1`);
const names = opt("--fit", null)?.split(",").map((s) => s.trim()).filter(Boolean) ??
  params.PARAMS.filter((p) => p.path.startsWith("costs.") && p.fitted).map((p) => p.path);
if (names.length === 0) fail("no constant to fit: none is marked fitted in params.ts and --fit was not given");
if (names.length > 5) fail(`--fit: ${names.length} constants is not allowed; expected at most 5`);
for (const n of names) {
  const p = params.PARAM_BY_PATH.get(n);
  if (!p || !n.startsWith("costs.")) fail(`--fit: ${JSON.stringify(n)} is not allowed; expected a cost constant (costs.<name>, see pvnetsim params)`);
}

const module = await node.loadWasmModule();
const training = (v) => v.role === "training" && v.status === "runnable" && v.metric !== "bottleneck";
const startFactor = Number(opt("--start-factor", "1"));
if (!(startFactor > 0)) fail(`--start-factor: ${opt("--start-factor")} is not allowed; expected a number > 0`);
const x0 = names.map((n) => Math.log(params.PARAM_BY_PATH.get(n).default * startFactor));
const valuesOf = (x) => Object.fromEntries(names.map((n, i) => [n, Math.round(Math.exp(x[i]) * 100) / 100]));

async function residuals(x) {
  const rep = await validate.runValidation({ module, seeds, overrides: valuesOf(x), only: training });
  const rows = rep.rows.filter((r) => r.status === "runnable" && typeof r.simulated === "number");
  if (rows.some((r) => r.erroredRuns > 0)) throw new Error("a training run errored");
  return { r: rows.map((row) => Math.log(row.simulated / row.published)), rows };
}
const ss = (r) => r.reduce((a, b) => a + b * b, 0);

let x = x0.slice();
let cur = await residuals(x);
if (cur.r.length < names.length) fail(`${cur.r.length} training result(s) cannot determine ${names.length} constants; mark more results "training" or fit fewer constants`);
console.log(`fitting ${names.join(", ")} to ${cur.r.length} training result(s): ${cur.rows.map((r) => r.id).join(", ")}`);
console.log(`start  ${JSON.stringify(valuesOf(x))}  sum of squared log-errors ${ss(cur.r).toExponential(3)}`);
let lambda = 1e-3;
const h = Math.log(1.05);
for (let it = 1; it <= iterations && ss(cur.r) > 1e-6; it++) {
  // Jacobian d r_i / d x_j by forward differences.
  const J = cur.r.map(() => new Array(names.length).fill(0));
  for (let j = 0; j < names.length; j++) {
    const xj = x.slice();
    xj[j] += h;
    const rj = (await residuals(xj)).r;
    for (let i = 0; i < rj.length; i++) J[i][j] = (rj[i] - cur.r[i]) / h;
  }
  // (J^T J + lambda diag) dx = -J^T r, solved by Gaussian elimination (n <= 5).
  const n = names.length;
  const A = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => J.reduce((s, row) => s + row[a] * row[b], 0)));
  const g = Array.from({ length: n }, (_, a) => -J.reduce((s, row, i) => s + row[a] * cur.r[i], 0));
  let accepted = false;
  for (let tries = 0; tries < 6 && !accepted; tries++) {
    const M = A.map((row, a) => row.map((v, b) => v + (a === b ? lambda * (A[a][a] || 1) : 0)));
    const dx = solve(M, g.slice());
    if (!dx) {
      lambda *= 10;
      continue;
    }
    const xn = x.map((v, i) => v + Math.max(-0.5, Math.min(0.5, dx[i])));
    const next = await residuals(xn);
    if (ss(next.r) < ss(cur.r)) {
      x = xn;
      cur = next;
      lambda = Math.max(1e-6, lambda / 10);
      accepted = true;
    } else lambda *= 10;
  }
  console.log(`iter ${it}  ${JSON.stringify(valuesOf(x))}  sum of squared log-errors ${ss(cur.r).toExponential(3)}${accepted ? "" : "  (no better step)"}`);
  if (!accepted) break;
}

// Every result with the fitted values: training and held out apart.
const all = await validate.runValidation({ module, seeds, overrides: valuesOf(x) });
const line = (r) =>
  `  ${r.id.padEnd(30)} published ${String(r.published).padStart(10)} ${r.unit.padEnd(5)} simulated ${typeof r.simulated === "number" ? r.simulated.toFixed(3).padStart(8) : String(r.simulated).padStart(8)}  error ${r.error === null ? "   -   " : `${(r.error * 100).toFixed(1).padStart(6)}%`}  ${r.within ? "within" : "OUTSIDE"} +-${(r.tolerance * 100).toFixed(0)}%`;
const ran = all.rows.filter((r) => r.status === "runnable");
console.log(`\nfitted values (write them into src/config/params.ts): ${JSON.stringify(valuesOf(x))}`);
console.log(`\ntraining (${all.counts.trainingWithin} of ${all.counts.training} within tolerance; rms log error ${fmt(all.rmsLogError.training)}):`);
for (const r of ran.filter((r) => r.role === "training")) console.log(line(r));
console.log(`\nheld out (${all.counts.heldOutWithin} of ${all.counts.heldOut} within tolerance; rms log error ${fmt(all.rmsLogError.heldOut)}):`);
for (const r of ran.filter((r) => r.role === "held-out")) console.log(line(r));

function fmt(v) {
  return v === null ? "n/a" : `${(v * 100).toFixed(1)}%`;
}
function solve(M, b) {
  const n = b.length;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    if (Math.abs(M[p][c]) < 1e-12) return null;
    [M[c], M[p]] = [M[p], M[c]];
    [b[c], b[p]] = [b[p], b[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k < n; k++) M[r][k] -= f * M[c][k];
      b[r] -= f * b[c];
    }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}
