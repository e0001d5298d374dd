/**
 * `lowrank/ratings`: data with missing entries — sparse matrices, alternating least squares,
 * the masked gradient method, baselines, train/test splits, fold-in of new rows and prediction,
 * ratings parsed from bytes. Browser-safe.
 *
 * @packageDocumentation
 */
export {
  CsrMatrix,
  cooMatrix,
  canonicalizeCoo,
  sparseFromDense,
  type CooMatrix,
  type DuplicatePolicy,
  type CanonicalizeOptions,
  type FromDenseOptions,
} from './core/sparse.js';
export type { Biases, AlsParams, MaskedGradientParams, MaskedGradientFactorization, SvdppParams, BpmfParams, ImplicitAlsParams } from './methods/factorization.js';
export { alsFactorize, type AlsOptions } from './methods/als.js';
export { maskedGradientFactorize, type MaskedGradientOptions, type MaskedOptimizerName } from './methods/masked-gradient.js';
export { globalMeanBaseline, biasBaseline, type BiasBaselineOptions } from './methods/baselines.js';
export { RowFolder, foldInRow, type FoldedRow, type FoldInOptions } from './methods/fold-in.js';
export { splitEntries, type SplitOptions, type Split } from './methods/split.js';
export { predictRating, predictWithRow, predictEntries, type RatingModel, type SeenItems } from './methods/rating-model.js';
export { ratingErrors, biasErrors, type RatingErrors } from './metrics/ratings.js';
export { parseRatings, parsePairs, type ParseRatingsOptions, type RatingsData, type PairsData, type RatingsDelimiter } from './io/ratings.js';
export {
  bpmfFactorize,
  BPMF_DEFAULT_RANK,
  BPMF_DEFAULT_SAMPLES,
  BPMF_DEFAULT_BURN_IN,
  BPMF_DEFAULT_ALPHA,
  BPMF_DEFAULT_KEEP,
  type BpmfOptions,
} from './methods/bpmf.js';
export { svdppFactorize, SVDPP_DEFAULT_RANK, SVDPP_DEFAULT_EPOCHS, SVDPP_DEFAULT_LR, SVDPP_DEFAULT_REG, type SvdppOptions } from './methods/svdpp.js';
export {
  implicitAlsFactorize,
  IMPLICIT_DEFAULT_RANK,
  IMPLICIT_DEFAULT_ALPHA,
  IMPLICIT_DEFAULT_REG,
  IMPLICIT_DEFAULT_ITERATIONS,
  type ImplicitAlsOptions,
} from './methods/implicit-als.js';
export { kFoldSplits, summarizeFolds, DEFAULT_FOLDS, type KFoldOptions, type FoldSummary } from './methods/cross-validation.js';
export {
  fitRatings,
  RATINGS_METHODS,
  DEFAULT_RATINGS_METHOD,
  DEFAULT_RATINGS_RANK,
  DEFAULT_RATINGS_REG,
  EARLY_STOPPING_FRACTION,
  EARLY_STOPPING_PATIENCE,
  type RatingsMethod,
  type FitRatingsOptions,
  type FittedRatings,
} from './methods/fit-ratings.js';
export { tuneRatings, randomCandidates, TUNING_GRID, TUNING_SPACE, DEFAULT_TUNING_TRIALS, type TuningRow, type TuningParams, type TuningGrid, type TuningSpace } from './methods/tuning.js';
export { recommendForUser, similarItems, topOf, DEFAULT_TOP_N, type Recommendation, type RecommendOptions } from './methods/recommend.js';
export { rankingMetrics, popularityScorer, factorScorer, type RankingMetrics } from './metrics/ranking.js';
export { predictOrFallback, type PredictionSource } from './methods/rating-model.js';
export { scoreTestSet, type TestSetErrors, type ColdStartRatings } from './metrics/ratings.js';
export { detectRatingsText, type RatingsDetection, type UnknownRatings } from './io/ratings.js';
