/**
 * `lowrank/linalg`: the linear-algebra layer — products, QR, exact and randomized SVD, symmetric
 * eigen, range finders, block Krylov, the error estimators, and the randomized SVD of any linear
 * operator (sparse CSR, implicitly centered — never densified), each taking an optional kernel
 * tier (`backend`). Browser-safe.
 *
 * @packageDocumentation
 */
export { matmul, type MatmulOptions } from './linalg/matmul.js';
export { qr, orthonormalize } from './linalg/qr.js';
export { svd, svdAsync, truncatedSvd, type ThinSvd, type SvdOptions } from './linalg/svd.js';
export type { SvdAlgorithm } from './linalg/svd-lapack.js';
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
export { blockKrylov, ritzSettled, type BlockKrylovOptions, type BlockKrylovBasis, type KrylovStopReason } from './linalg/block-krylov.js';
export {
  randomizedSvd,
  autoPowerIters,
  autoKrylovIters,
  useKrylov,
  DEFAULT_OVERSAMPLE,
  DEFAULT_KRYLOV_OVERSAMPLE,
  DEFAULT_TOL_RITZ,
  ADAPTIVE_OVERSAMPLE,
  KRYLOV_FEW_ITERS,
  defaultOversample,
  KRYLOV_MAX_BASIS,
  type RandomizedSvdOptions,
  type RandomizedSvdResult,
} from './linalg/randomized-svd.js';
export {
  spectralErrorEstimate,
  certifiedGapBound,
  DEFAULT_ESTIMATE_TOL,
  frobeniusErrorFromFactors,
  frobeniusErrorBlocked,
  forEachProductBlock,
  type SpectralEstimate,
  type SpectralEstimateOptions,
  type FrobeniusEstimate,
  type FrobeniusEstimateOptions,
} from './linalg/error-estimators.js';
export {
  csrOperator,
  transposeOperator,
  centeredOperator,
  sparseColumnMeans,
  centeredSquaredNorm,
} from './linalg/sparse-operator.js';
export { operatorSvd, type OperatorSvdOptions, type OperatorSvdResult } from './linalg/operator-svd.js';
