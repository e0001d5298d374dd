/**
 * `lowrank factor --tune [grid|random] [--trials N]` on ratings: the search of rank and λ (α for
 * BPMF) on a validation split of the training ratings or by `--folds K`, its progress on stderr and
 * its table.
 *
 * @module
 */
import type { CooMatrix } from '../core/sparse.js';
import { kFoldSplits } from '../methods/cross-validation.js';
import { EARLY_STOPPING_FRACTION, type FitRatingsOptions, type RatingsMethod } from '../methods/fit-ratings.js';
import { splitEntries } from '../methods/split.js';
import { DEFAULT_TUNING_TRIALS, randomCandidates, tuneRatings, TUNING_GRID, TUNING_SPACE, type TuningGrid, type TuningParams, type TuningRow } from '../methods/tuning.js';

/** How `--tune` searches: every grid point, or seeded random draws. */
export type TuningSearch = 'grid' | 'random';

/** A finished search: its rows (best first) and how it searched (for the report and model.json). */
export interface TuningResult {
  rows: TuningRow[];
  search: TuningSearch;
  /** The grid searched, or the random-search space and number of trials. */
  space: Record<string, unknown>;
  /** "a 10% validation split" or "5-fold cross-validation". */
  on: string;
}

/**
 * Searches `method`'s rank and λ (α for BPMF): the grid of {@link TUNING_GRID}, or `trials`
 * candidates drawn from {@link TUNING_SPACE} (rank capped at min(n, m)) with `seed`; scored on a
 * {@link EARLY_STOPPING_FRACTION} validation split of `train` or by `folds`-fold cross-validation.
 */
export function runTuning(method: RatingsMethod, train: CooMatrix, base: FitRatingsOptions, o: { search: TuningSearch; trials?: number; folds?: number; seed: number; talk: boolean }): TuningResult {
  const splits = o.folds !== undefined ? kFoldSplits(train, { folds: o.folds, seed: o.seed }) : [splitEntries(train, { testFraction: EARLY_STOPPING_FRACTION, seed: o.seed + 1 })];
  const on = o.folds !== undefined ? `${o.folds}-fold cross-validation` : `a ${EARLY_STOPPING_FRACTION * 100}% validation split`;
  let space: Record<string, unknown>;
  let candidates: TuningGrid | TuningParams[];
  if (o.search === 'random') {
    const s = TUNING_SPACE[method];
    const maxRank = Math.min(train.rows, train.cols);
    const rank: [number, number] = [Math.min(s.rank[0], maxRank), Math.min(s.rank[1], maxRank)];
    const trials = o.trials ?? DEFAULT_TUNING_TRIALS;
    space = { ...s, rank, trials, seed: o.seed };
    candidates = randomCandidates({ ...s, rank }, trials, o.seed);
  } else {
    space = { ...TUNING_GRID[method] };
    candidates = TUNING_GRID[method];
  }
  if (o.talk) process.stderr.write(`tuning ${method} by ${o.search === 'random' ? `random search (${describeSpace(space)})` : 'grid search'} on ${on} of the training ratings\n`);
  const rows = tuneRatings(splits, base, candidates, o.talk
    ? (row) => process.stderr.write(`  ${tuningParams(row)}: validation RMSE ${row.rmse.mean.toFixed(4)} (${(row.trainMs / 1000).toFixed(1)} s)\n`)
    : undefined);
  return { rows, search: o.search, space, on };
}

/** The table of a search, best first, the chosen candidate starred. */
export function tuningLines(t: TuningResult, method: RatingsMethod): string[] {
  const how = t.search === 'random' ? `random search: ${describeSpace(t.space)}` : 'grid search';
  return [
    `Tuning ${method} by ${how} on ${t.on} (${t.rows.length} candidates, best first):`,
    ...t.rows.map((r, q) => `  ${q === 0 ? '*' : ' '} ${tuningParams(r).padEnd(22)} validation RMSE ${r.rmse.mean.toFixed(4)}${r.rmse.std > 0 ? ` ± ${r.rmse.std.toFixed(4)}` : ''}  ${(r.trainMs / 1000).toFixed(2)} s`),
  ];
}

function tuningParams(row: TuningRow): string {
  const p = row.params;
  return `rank ${p.rank}${p.reg !== undefined ? `, λ ${p.reg}` : ''}${p.alpha !== undefined ? `, α ${p.alpha}` : ''}`;
}

function describeSpace(space: Record<string, unknown>): string {
  const r = space.rank as [number, number];
  const second = space.reg ? ['λ', space.reg] : space.alpha ? ['α', space.alpha] : null;
  const log = second ? `, ${second[0]} log-uniform in [${(second[1] as number[]).join(', ')}]` : '';
  return `${space.trials} trials, rank in [${r[0]}, ${r[1]}]${log}, seed ${space.seed}`;
}
