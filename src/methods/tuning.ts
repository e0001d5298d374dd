import { LowRankError } from '../core/errors.js';
import type { Split } from './split.js';
import { summarizeFolds, type FoldSummary } from './cross-validation.js';
import { fitRatings, type FitRatingsOptions, type RatingsMethod } from './fit-ratings.js';
import { errorSums, transposeData, valueRange } from './rating-model.js';

/** One candidate of a hyper-parameter search and its validation figures. */
export interface TuningRow {
  /** The options that differ between candidates (rank, reg or alpha). */
  params: { rank: number; reg?: number; alpha?: number };
  /** Validation RMSE over the splits (mean, spread). */
  rmse: FoldSummary;
  /** Mean training time per split, ms. */
  trainMs: number;
}

/**
 * The default search grid per method: rank × λ for ALS and the gradient method, rank × α (noise
 * precision) for BPMF — the ranges around the defaults where held-out RMSE moved on MovieLens.
 */
export const TUNING_GRID: Readonly<Record<RatingsMethod, { rank: readonly number[]; reg?: readonly number[]; alpha?: readonly number[] }>> = {
  bpmf: { rank: [5, 10, 20], alpha: [1.5, 2, 3] },
  svdpp: { rank: [10, 20, 50], reg: [0.02, 0.05, 0.1] },
  als: { rank: [10, 20, 50], reg: [0.05, 0.1, 0.2] },
  gradient: { rank: [10, 20, 50], reg: [0.05, 0.1, 0.2] },
};

/**
 * Grid search of a ratings method's rank and λ (or BPMF's α): every candidate is trained on
 * each split's training part and scored by RMSE on its held-out part — one validation split, or
 * the K folds of cross-validation (`kFoldSplits`). Rows come back best first (lowest mean RMSE).
 *
 * @param splits (train, validation) pairs.
 * @param base the options every candidate shares (method, seed, …).
 * @param onRow called after each candidate (progress).
 * @throws {@link LowRankError} `E_ARG` when there is no split or a grid is empty.
 * @example
 * ```ts
 * const rows = tuneRatings([splitEntries(train, { testFraction: 0.1 })], { method: 'als' });
 * fitRatings(train, { method: 'als', ...rows[0].params });
 * ```
 */
export function tuneRatings(
  splits: readonly Split[], base: FitRatingsOptions = {},
  grid: { rank: readonly number[]; reg?: readonly number[]; alpha?: readonly number[] } = TUNING_GRID[base.method ?? 'bpmf'],
  onRow?: (row: TuningRow) => void,
): TuningRow[] {
  if (splits.length === 0) throw new LowRankError('E_ARG', 'tuning needs at least one (train, validation) split');
  const second = grid.reg ?? grid.alpha ?? [NaN];
  if (grid.rank.length === 0 || second.length === 0) throw new LowRankError('E_ARG', 'tuning grid is empty');
  const rows: TuningRow[] = [];
  for (const rank of grid.rank) {
    for (const x of second) {
      const params: TuningRow['params'] = { rank };
      if (grid.reg) params.reg = x;
      else if (grid.alpha) params.alpha = x;
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
      const row = { params, rmse: summarizeFolds(scores), trainMs: ms / splits.length };
      rows.push(row);
      onRow?.(row);
    }
  }
  return rows.sort((a, b) => a.rmse.mean - b.rmse.mean);
}
