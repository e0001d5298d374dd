import { LowRankError } from '../core/errors.js';
import { CsrMatrix, type CooMatrix } from '../core/sparse.js';
import { alsFactorize } from './als.js';
import { biasBaseline } from './baselines.js';
import { bpmfFactorize } from './bpmf.js';
import type { Factorization, MaskedGradientFactorization, Progress } from './factorization.js';
import { maskedGradientFactorize, type MaskedOptimizerName } from './masked-gradient.js';
import { svdppFactorize } from './svdpp.js';
import { errorSums, valueRange, type SeenItems } from './rating-model.js';
import { splitEntries } from './split.js';
import { checkChoice } from './validate.js';
import { DEFAULT_RATINGS_METHOD, DEFAULT_RATINGS_RANK, DEFAULT_RATINGS_REG, RATINGS_METHODS, type RatingsMethod } from './ratings-defaults.js';

export { DEFAULT_RATINGS_METHOD, DEFAULT_RATINGS_RANK, DEFAULT_RATINGS_REG, RATINGS_METHODS, type RatingsMethod } from './ratings-defaults.js';

/** Fraction of the training ratings the gradient method holds out for early stopping when no validation set is given. */
export const EARLY_STOPPING_FRACTION = 0.1;

/** Epochs without a better validation RMSE before the gradient method stops (see `patience` of the masked gradient method). */
export const EARLY_STOPPING_PATIENCE = 5;

/** Options of {@link fitRatings}: the method and the knobs of whichever runs (others are ignored). */
export interface FitRatingsOptions {
  /** Default {@link DEFAULT_RATINGS_METHOD}. */
  method?: RatingsMethod;
  /**
   * Rank (default {@link DEFAULT_RATINGS_RANK} of the method, at most min(users, items) — the
   * largest rank the data has room for). For BPMF the rank of each sample.
   */
  rank?: number;
  /** λ of ALS / gradient (default {@link DEFAULT_RATINGS_REG}). */
  reg?: number;
  /** Learn μ and user/item biases (default true: ratings). BPMF: see its `biases` option (default false there). */
  biases?: boolean;
  /** ALS sweeps (default 10). */
  sweeps?: number;
  /** Gradient (and SVD++: epochs, lr): optimizer, epochs, learning rate, batch size, momentum (each method's defaults). */
  optimizer?: MaskedOptimizerName;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  momentum?: number;
  /**
   * Gradient: early stopping (default true): {@link EARLY_STOPPING_FRACTION} of the training
   * ratings is held out as its validation split and the model trains on the rest — never on the
   * `validation` entries, which stay untouched test data.
   */
  earlyStopping?: boolean;
  /** BPMF: samples, burn-in, observation precision α. */
  samples?: number;
  burnIn?: number;
  alpha?: number;
  /** Stop ALS/gradient when the training loss changes by at most this (relative) per sweep/epoch. */
  lossTol?: number;
  seed?: number;
  /** Held-out ratings whose RMSE progress reports (with gradient early stopping, the internal split's is reported instead). */
  validation?: CooMatrix;
  /** Clipping range (default: the training ratings' range). */
  range?: readonly [number, number] | null;
  onProgress?: (p: Progress) => void;
}

/** What {@link fitRatings} returns: the model and how training ended. */
export interface FittedRatings {
  /**
   * The trained model: `params` typed by its `method`; `seen` holds the items each user rated in
   * `train` (what `recommendForUser` leaves out).
   */
  model: (Factorization<'bpmf' | 'svdpp' | 'als'> | MaskedGradientFactorization) & { seen: SeenItems };
  /** λ the model trained with (fold-in uses it); NaN for BPMF (learned). */
  reg: number;
  /**
   * For the gradient method: its early-stopping validation RMSE and the bias baseline's on the
   * same entries; `worseThanBaseline` when the model did not beat the baseline there (callers must say so).
   */
  earlyStopping?: { validationRmse: number; baselineRmse: number; bestEpoch: number; worseThanBaseline: boolean };
}

/**
 * Trains a ratings model by name — the one entry the CLI, cross-validation and tuning share.
 *
 * @throws {@link LowRankError} `E_ARG` for an unknown method or bad option (from the method).
 * @example
 * ```ts
 * const { model } = fitRatings(train, { method: 'als', rank: 20 });
 * ```
 */
export function fitRatings(train: CooMatrix, options: FitRatingsOptions = {}): FittedRatings {
  const method = checkChoice('method', options.method ?? DEFAULT_RATINGS_METHOD, RATINGS_METHODS);
  const rank = options.rank ?? Math.min(DEFAULT_RATINGS_RANK[method], train.rows, train.cols);
  const range = options.range === undefined ? valueRange(train.values) : options.range;
  const seed = options.seed ?? 0;
  const biases = options.biases ?? true;
  if (train.values.length === 0) throw new LowRankError('E_ARG', 'no training ratings');
  const csr = CsrMatrix.fromCoo(train);
  const seen: SeenItems = { indptr: csr.indptr, indices: csr.indices };
  if (method === 'bpmf') {
    const model = bpmfFactorize(csr, {
      rank, samples: options.samples, burnIn: options.burnIn, alpha: options.alpha, seed,
      validation: options.validation, range, onProgress: options.onProgress,
    });
    return { model: { ...model, seen }, reg: NaN };
  }
  if (method === 'svdpp') {
    const reg = options.reg ?? DEFAULT_RATINGS_REG.svdpp;
    const model = svdppFactorize(csr, {
      rank, reg, epochs: options.epochs, lr: options.lr, seed, validation: options.validation, range, onProgress: options.onProgress,
    });
    return { model: { ...model, seen }, reg };
  }
  if (method === 'als') {
    const reg = options.reg ?? DEFAULT_RATINGS_REG.als;
    const model = alsFactorize(csr, {
      rank, reg, iterations: options.sweeps, biases, seed, lossTol: options.lossTol,
      validation: options.validation, range, onProgress: options.onProgress,
    });
    return { model: { ...model, seen }, reg };
  }
  const reg = options.reg ?? DEFAULT_RATINGS_REG.gradient;
  const early = options.earlyStopping ?? true;
  let fitOn = train;
  let validation = options.validation;
  if (early) {
    const s = splitEntries(train, { testFraction: EARLY_STOPPING_FRACTION, seed: seed + 1 });
    fitOn = s.train;
    validation = s.test;
  }
  const model = maskedGradientFactorize(fitOn, {
    rank, optimizer: options.optimizer, epochs: options.epochs, lr: options.lr, batchSize: options.batchSize,
    momentum: options.momentum, reg, biases, seed, lossTol: options.lossTol, validation, range,
    patience: early && validation && validation.values.length > 0 ? EARLY_STOPPING_PATIENCE : 0,
    onProgress: options.onProgress,
  });
  const out: FittedRatings = { model: { ...model, seen }, reg };
  if (early && validation && validation.values.length > 0) {
    const k = model.U.cols;
    const w = model.V.transpose().data;
    const sm = errorSums(model.U.data, w, k, model.biases ?? null, validation, range);
    const none = new Float64Array(0);
    const sb = errorSums(none, none, 0, biasBaseline(CsrMatrix.fromCoo(fitOn)), validation, range);
    const validationRmse = Math.sqrt(sm.sse / sm.count);
    const baselineRmse = Math.sqrt(sb.sse / sb.count);
    out.earlyStopping = { validationRmse, baselineRmse, bestEpoch: model.params.bestEpoch ?? -1, worseThanBaseline: !(validationRmse < baselineRmse) };
  }
  return out;
}
