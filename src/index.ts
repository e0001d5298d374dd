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

export type { Factorization, MethodName, Progress } from './methods/factorization.js';
export { gradientFactorize, type GradientOptions, type OptimizerName } from './methods/gradient.js';
export { svdFactorize, type SvdOptions, type SvdSplit } from './methods/svd.js';
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
export { ratingErrors, biasErrors, type RatingErrors } from './metrics/ratings.js';

export { parseNpy, readNpy, writeNpy, npyToMatrix, type NpyArray } from './io/npy.js';
export { parseDelimited, formatDelimited } from './io/csv.js';
export { parseRatings, parsePairs, type ParseRatingsOptions, type RatingsData, type PairsData, type RatingsDelimiter } from './io/ratings.js';

export { viridis, rdbuR, colorAt, type Colormap } from './viz/colormap.js';
export { heatmapImage, type Heatmap, type RgbaImage } from './viz/raster.js';
export { encodePng } from './viz/png.js';
export { comparisonFigure, type Panel } from './viz/comparison.js';
