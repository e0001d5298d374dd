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
export type { Biases, AlsParams, MaskedGradientParams, MaskedGradientFactorization } from './methods/factorization.js';
export { alsFactorize, type AlsOptions } from './methods/als.js';
export { maskedGradientFactorize, type MaskedGradientOptions, type MaskedOptimizerName } from './methods/masked-gradient.js';
export { globalMeanBaseline, biasBaseline, type BiasBaselineOptions } from './methods/baselines.js';
export { RowFolder, foldInRow, type FoldedRow, type FoldInOptions } from './methods/fold-in.js';
export { splitEntries, type SplitOptions, type Split } from './methods/split.js';
export { predictRating, predictWithRow, predictEntries, type RatingModel } from './methods/rating-model.js';
export { ratingErrors, biasErrors, type RatingErrors } from './metrics/ratings.js';
export { parseRatings, parsePairs, type ParseRatingsOptions, type RatingsData, type PairsData, type RatingsDelimiter } from './io/ratings.js';
