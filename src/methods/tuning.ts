import { LowRankError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { Split } from './split.js';
import { summarizeFolds, type FoldSummary } from './cross-validation.js';
import { fitRatings, type FitRatingsOptions, type RatingsMethod } from './fit-ratings.js';
import { errorSums, transposeData, valueRange } from './rating-model.js';
import { checkInteger } from './validate.js';
import { DEFAULT_TUNING_TRIALS } from './ratings-defaults.js';

export { DEFAULT_TUNING_TRIALS } from './ratings-defaults.js';

/** The options one candidate of a search sets: rank, and λ (or BPMF's α). */
export interface TuningParams {
  rank: number;
  reg?: number;
  alpha?: number;
}

/** One candidate of a hyper-parameter search and its validation figures. */
export interface TuningRow {
  /** The options that differ between candidates (rank, reg or alpha). */
  params: TuningParams;
  /** Validation RMSE over the splits (mean, spread). */
  rmse: FoldSummary;
  /** Mean training time per split, ms. */
  trainMs: number;
}

/** A search grid: every rank with every λ (or α). */
export interface TuningGrid {
  rank: readonly number[];
  reg?: readonly number[];
  alpha?: readonly number[];
}

/**
 * The default search grid per method: rank × λ for ALS and the gradient method, rank × α (noise
 * precision) for BPMF — the ranges around the defaults where held-out RMSE moved on MovieLens.
 */
export const TUNING_GRID: Readonly<Record<RatingsMethod, TuningGrid>> = {
  bpmf: { rank: [5, 10, 20], alpha: [1.5, 2, 3] },
  svdpp: { rank: [10, 20, 50], reg: [0.02, 0.05, 0.1] },
  als: { rank: [10, 20, 50], reg: [0.05, 0.1, 0.2] },
  gradient: { rank: [10, 20, 50], reg: [0.05, 0.1, 0.2] },
};

/** A random-search space: `[low, high]` of the integer rank (uniform) and of λ or α (log-uniform). */
export interface TuningSpace {
  rank: readonly [number, number];
  reg?: readonly [number, number];
  alpha?: readonly [number, number];
}

/**
 * The default random-search space per method: the span of {@link TUNING_GRID} widened about
 * 2–3× each way (rank 5–100, λ 0.02–0.5 for ALS and gradient, 0.005–0.2 for SVD++; BPMF rank
 * 5–30, α 1–4), so random search explores past the grid's corners.
 */
export const TUNING_SPACE: Readonly<Record<RatingsMethod, TuningSpace>> = {
  bpmf: { rank: [5, 30], alpha: [1, 4] },
  svdpp: { rank: [5, 100], reg: [0.005, 0.2] },
  als: { rank: [5, 100], reg: [0.02, 0.5] },
  gradient: { rank: [5, 100], reg: [0.02, 0.5] },
};

/** The candidates of a grid: every rank with every λ (or α), rank-major. */
export function gridCandidates(grid: TuningGrid): TuningParams[] {
  const second = grid.reg ?? grid.alpha ?? [NaN];
  const out: TuningParams[] = [];
  for (const rank of grid.rank) {
    for (const x of second) {
      const params: TuningParams = { rank };
      if (grid.reg) params.reg = x;
      else if (grid.alpha) params.alpha = x;
      out.push(params);
    }
  }
  return out;
}

/**
 * Random-search candidates (Bergstra & Bengio 2012): `trials` draws of an integer rank uniform in
 * `space.rank` and λ (or α) log-uniform in its range, rounded to 3 significant digits — the same
 * `seed` gives the same candidates in Node and the browser.
 *
 * @throws {@link LowRankError} `E_ARG` for trials < 1 or a range with low > high, a rank
 *   below 1, or a λ/α range not above 0.
 * @example
 * ```ts
 * randomCandidates(TUNING_SPACE.als, 20, 1); // [{ rank: 37, reg: 0.0712 }, …]
 * ```
 */
export function randomCandidates(space: TuningSpace, trials = DEFAULT_TUNING_TRIALS, seed = 0): TuningParams[] {
  checkInteger('trials', trials, 1);
  const [r0, r1] = space.rank;
  if (!(Number.isInteger(r0) && Number.isInteger(r1) && r0 >= 1 && r0 <= r1)) throw new LowRankError('E_ARG', `rank range must be integers 1 ≤ low ≤ high, got [${r0}, ${r1}]`);
  const second = space.reg ? 'reg' : space.alpha ? 'alpha' : null;
  const range = second ? space[second]! : null;
  if (range && !(range[0] > 0 && range[0] <= range[1] && Number.isFinite(range[1]))) {
    throw new LowRankError('E_ARG', `${second} range must be finite with 0 < low ≤ high (log-uniform), got [${range[0]}, ${range[1]}]`);
  }
  const rng = new Rng(seed);
  const out: TuningParams[] = [];
  for (let t = 0; t < trials; t++) {
    const params: TuningParams = { rank: r0 + rng.int(r1 - r0 + 1) };
    if (second && range) params[second] = Number(Math.exp(rng.uniformRange(Math.log(range[0]), Math.log(range[1]))).toPrecision(3));
    out.push(params);
  }
  return out;
}

/**
 * Hyper-parameter search of a ratings method's rank and λ (or BPMF's α): every candidate — a
 * grid's points ({@link gridCandidates}) or a list such as {@link randomCandidates} — is trained on
 * each split's training part and scored by RMSE on its held-out part: one validation split, or
 * the K folds of cross-validation (`kFoldSplits`). Rows come back best first (lowest mean RMSE).
 *
 * @param splits (train, validation) pairs.
 * @param base the options every candidate shares (method, seed, …).
 * @param search a grid (default {@link TUNING_GRID} of the method) or the candidates to try.
 * @param onRow called after each candidate (progress).
 * @throws {@link LowRankError} `E_ARG` when there is no split or no candidate.
 * @example
 * ```ts
 * const split = [splitEntries(train, { testFraction: 0.1 })];
 * const rows = tuneRatings(split, { method: 'als' });                                    // the grid
 * const rnd = tuneRatings(split, { method: 'als' }, randomCandidates(TUNING_SPACE.als, 20, 1));
 * fitRatings(train, { method: 'als', ...rows[0].params });
 * ```
 */
export function tuneRatings(
  splits: readonly Split[], base: FitRatingsOptions = {},
  search: TuningGrid | readonly TuningParams[] = TUNING_GRID[base.method ?? 'bpmf'],
  onRow?: (row: TuningRow) => void,
): TuningRow[] {
  if (splits.length === 0) throw new LowRankError('E_ARG', 'tuning needs at least one (train, validation) split');
  const candidates = isCandidateList(search) ? search : gridCandidates(search);
  if (candidates.length === 0) throw new LowRankError('E_ARG', 'tuning grid is empty');
  const rows: TuningRow[] = [];
  for (const params of candidates) {
    const scores: number[] = [];
    let ms = 0;
    for (const s of splits) {
      const range = base.range === undefined ? valueRange(s.train.values) : base.range;
      const t = performance.now();
      const { model } = fitRatings(s.train, { ...base, ...params, range, onProgress: undefined });
      ms += performance.now() - t;
      const e = errorSums(model.U.data, transposeData(model.V), model.U.cols, model.biases ?? null, s.test, range);
      scores.push(Math.sqrt(e.sse / e.count));
    }
    const row = { params: { ...params }, rmse: summarizeFolds(scores), trainMs: ms / splits.length };
    rows.push(row);
    onRow?.(row);
  }
  return rows.sort((a, b) => a.rmse.mean - b.rmse.mean);
}

function isCandidateList(search: TuningGrid | readonly TuningParams[]): search is readonly TuningParams[] {
  return Array.isArray(search);
}
