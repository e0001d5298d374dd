/**
 * `lowrank/methods`: each factorization method on its own (the root's `factorize` dispatches to
 * them), the `auto` rule, rank selection, and image compression by SVD. Browser-safe.
 *
 * @packageDocumentation
 */
export { svdFactorize, type SvdFactorizeOptions, type SvdSplit } from './methods/svd.js';
export { randomizedFactorize, splitFactors, type RandomizedOptions } from './methods/randomized.js';
export { gradientFactorize, DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE, type GradientOptions, type OptimizerName } from './methods/gradient.js';
export { TRIVIAL_LOSS_MARGIN } from './methods/divergence.js';
export { seedMatrix, SEED_MATRIX_DEFAULTS } from './methods/seed-data.js';
export { explainedVarianceRatio, centerColumns, denseColumnMeans } from './metrics/explained-variance.js';
export { EXACT_OPTIMUM_MAX_SIDE } from './metrics/evaluate.js';
export {
  autoFactorize,
  exactFactorize,
  selectRank,
  chooseMethod,
  AUTO_EXACT_MAX_SIDE,
  type AutoOptions,
  type AutoChoice,
  type ExactOptions,
} from './methods/auto.js';
export type {
  Factorization,
  FactorizationBase,
  FactorizationParams,
  DenseGradientFactorization,
  MethodName,
  Progress,
  AdamHyperParameters,
  SvdParams,
  RandomizedParams,
  GradientParams,
  RankTargetParams,
} from './methods/factorization.js';
export {
  resolveRankTarget,
  rankForRatio,
  rankFromSpectrum,
  allowedTailShare,
  energyRanks,
  optimalErrors,
  type RankTarget,
  type RankCriterion,
  type ResolvedRankTarget,
  type EnergyRank,
} from './methods/rank-selection.js';
export { SPECTRUM_EXACT_MAX_SIDE, SPECTRUM_TOP_FIRST, SPECTRUM_TOP_MAX, SPECTRUM_ENERGY_LEVELS } from './methods/spectrum.js';
export {
  imageSvd,
  chooseImageRanks,
  reconstructImage,
  imageCompressionRatio,
  luma,
  rgbToYcbcr,
  ycbcrToRgb,
  type ImageMode,
  type ImageSvd,
  type ImageRankRule,
} from './methods/image.js';
