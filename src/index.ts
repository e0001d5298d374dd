/**
 * lowrank — low-rank matrix approximation and compression.
 *
 * The one public entry. Everything exported here runs unchanged in browsers (no Node APIs);
 * file access lives in `lowrank/node` (src/node.ts).
 *
 * @packageDocumentation
 */
export { LowRankError, type LowRankErrorCode } from './core/errors.js';
export { Matrix, allocFloat, assertFinite, findNonFinite, type DType, type FloatArray } from './core/matrix.js';
export { Rng } from './core/rng.js';
export {
  CsrMatrix, cooMatrix, canonicalizeCoo, sparseFromDense,
  type CooMatrix, type DuplicatePolicy, type CanonicalizeOptions, type FromDenseOptions,
} from './core/sparse.js';

export type { Backend, BackendName, GemmArgs, AdamParams, FactorGradientArgs, SvdArgs, QrArgs, SyevdArgs, AdamEpochsArgs } from './backend/backend.js';
export { getBackend, setBackend } from './backend/select.js';
export { jsBackend } from './backend/js/index.js';

export { matmul, type MatmulOptions } from './linalg/matmul.js';
export { qr, orthonormalize } from './linalg/qr.js';
export { svd, svdAsync, truncatedSvd, type ThinSvd } from './linalg/svd.js';
export { symmetricEigen, type SymmetricEigen, type SymmetricEigenOptions } from './linalg/eigh.js';
export { svdFlip } from './linalg/svd-flip.js';
export {
  randomizedRangeFinder,
  luNormalize,
  matrixOperator,
  gaussianSketch,
  normalizePanel,
  type RangeNormalizer,
  type RangeFinderOptions,
  type MatrixOperator,
} from './linalg/randomized-range.js';
export { blockKrylov, type BlockKrylovOptions, type BlockKrylovBasis } from './linalg/block-krylov.js';
export {
  randomizedSvd,
  autoPowerIters,
  useKrylov,
  DEFAULT_OVERSAMPLE,
  KRYLOV_MAX_BASIS,
  type RandomizedSvdOptions,
  type RandomizedSvdResult,
} from './linalg/randomized-svd.js';
export {
  spectralErrorEstimate,
  frobeniusErrorFromFactors,
  frobeniusErrorBlocked,
  forEachProductBlock,
  type SpectralEstimate,
  type SpectralEstimateOptions,
  type FrobeniusEstimate,
  type FrobeniusEstimateOptions,
} from './linalg/error-estimators.js';

export type { Factorization, MethodName, Progress } from './methods/factorization.js';
export { gradientFactorize, type GradientOptions, type OptimizerName } from './methods/gradient.js';
export { svdFactorize, type SvdFactorizeOptions, type SvdSplit } from './methods/svd.js';
export { randomizedFactorize, splitFactors, type RandomizedOptions } from './methods/randomized.js';
export { autoFactorize, exactFactorize, selectRank, chooseMethod, AUTO_EXACT_MAX_SIDE, type AutoOptions, type AutoChoice } from './methods/auto.js';
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
export { imageSvd, chooseImageRanks, reconstructImage, imageCompressionRatio, luma, rgbToYcbcr, ycbcrToRgb, type ImageMode, type ImageSvd, type ImageRankRule } from './methods/image.js';
export type { Biases } from './methods/factorization.js';
export { alsFactorize, type AlsOptions } from './methods/als.js';
export { maskedGradientFactorize, type MaskedGradientOptions, type MaskedOptimizerName } from './methods/masked-gradient.js';
export { globalMeanBaseline, biasBaseline, type BiasBaselineOptions } from './methods/baselines.js';
export { RowFolder, foldInRow, type FoldedRow, type FoldInOptions } from './methods/fold-in.js';
export { splitEntries, type SplitOptions, type Split } from './methods/split.js';
export { predictRating, predictWithRow, predictEntries, type RatingModel } from './methods/rating-model.js';

export { compressionRatio, compressionRatioBytes, breakEvenRank, bytesPerElement } from './metrics/compression.js';
export { approximationErrors, frobeniusNorm, type ApproximationErrors } from './metrics/errors.js';
export { optimalFrobeniusError, optimalityGap, cumulativeEnergy } from './metrics/optimum.js';
export { evaluateApproximation, type Evaluation } from './metrics/evaluate.js';
export { approximationErrorsFromFactors } from './metrics/factor-errors.js';
export { psnr, ssim, imageMse, SSIM_WINDOW, SSIM_SIGMA, type SsimOptions } from './metrics/image-quality.js';
export { ratingErrors, biasErrors, type RatingErrors } from './metrics/ratings.js';

export { parseNpy, readNpy, writeNpy, npyToMatrix, type NpyArray } from './io/npy.js';
export { parseDelimited, formatDelimited } from './io/csv.js';
export { parseRatings, parsePairs, type ParseRatingsOptions, type RatingsData, type PairsData, type RatingsDelimiter } from './io/ratings.js';

export { viridis, rdbuR, colorAt, type Colormap } from './viz/colormap.js';
export { heatmapImage, type Heatmap, type RgbaImage } from './viz/raster.js';
export { encodePng } from './viz/png.js';
export { comparisonFigure, type Panel } from './viz/comparison.js';
export { lineChart, TAB10, type Series, type ReferenceLine, type LineChartOptions } from './viz/line-chart.js';
export { heatmapFigure, colorLimits, type HeatmapFigureOptions } from './viz/heatmap-figure.js';
export {
  factorizationFigures,
  spectrumFigure,
  imageComparisonFigure,
  sideBySide,
  blockMeans,
  productBlockMeans,
  channelsToRgba,
  optimalMse,
  type FactorizationFigureInput,
  type FigureSet,
  type ImagePanel,
  type SpectrumFigureOptions,
} from './viz/figures.js';
export { buildReport, type ReportInput, type ReportFigure, type ReportTable } from './viz/report.js';
