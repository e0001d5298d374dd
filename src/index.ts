/**
 * lowrank — low-rank matrix approximation and compression.
 *
 * The root entry: the calls most users need. Everything here runs unchanged in browsers (no Node
 * APIs). More specialised pieces live in subpath entries:
 * - `lowrank/linalg` — QR, SVD, symmetric eigen, randomized range finders, block Krylov, error estimators;
 * - `lowrank/methods` — each factorization method on its own, rank selection, image compression;
 * - `lowrank/ratings` — sparse matrices and missing entries: ALS, masked gradient, baselines, prediction;
 * - `lowrank/io` — `.npy`, CSV, ratings parsed from and written to bytes (browser-safe);
 * - `lowrank/viz` — colormaps, heatmaps, charts, PNG encoding, the HTML report;
 * - `lowrank/backend` — the kernel interface and tier registration (for tier authors and tests);
 * - `lowrank/node` — file access, image decoding and the native OpenBLAS/LAPACK tier (Node only).
 *
 * @packageDocumentation
 */
export { LowRankError, type LowRankErrorCode } from './core/errors.js';
export { Matrix, type DType, type FloatArray } from './core/matrix.js';
export { Rng } from './core/rng.js';
export { setMemoryBudget, memoryBudget } from './core/size-guard.js';

export { getBackend, setBackend } from './backend/select.js';
export type { Backend, BackendName } from './backend/backend.js';

export { factorize, DEFAULT_FACTORIZE_METHOD, type FactorizeMethod, type FactorizeOptions } from './methods/factorize.js';
export type {
  Factorization,
  FactorizationBase,
  FactorizationParams,
  MethodName,
  Progress,
  SvdParams,
  RandomizedParams,
  GradientParams,
  RankTargetParams,
} from './methods/factorization.js';
export type { RankTarget } from './methods/rank-selection.js';
export type { SvdSplit } from './methods/svd.js';
export type { RandomizedOptions } from './methods/randomized.js';
export type { GradientOptions, OptimizerName } from './methods/gradient.js';
export { spectrum, type SpectrumOptions, type SpectrumReport } from './methods/spectrum.js';

export { svd, truncatedSvd, type ThinSvd, type SvdOptions } from './linalg/svd.js';
export { randomizedSvd, type RandomizedSvdOptions, type RandomizedSvdResult } from './linalg/randomized-svd.js';
export { matmul, type MatmulOptions } from './linalg/matmul.js';

export { compressionRatio, compressionRatioBytes, breakEvenRank } from './metrics/compression.js';
export { approximationErrors, frobeniusNorm, type ApproximationErrors } from './metrics/errors.js';
export { optimalFrobeniusError, optimalityGap, cumulativeEnergy } from './metrics/optimum.js';
export {
  evaluateApproximation,
  evaluateFactorization,
  type Evaluation,
  type EvaluateFactorizationOptions,
  type OptimumCertificate,
} from './metrics/evaluate.js';
export { approximationErrorsFromFactors } from './metrics/factor-errors.js';
export { psnr, ssim, type SsimOptions } from './metrics/image-quality.js';
