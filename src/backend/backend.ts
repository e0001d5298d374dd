import type { FloatArray } from '../core/matrix.js';

/**
 * Which kernel tier a backend is: `native` (OpenBLAS/LAPACK addon, Node), `wasm` (WebAssembly
 * SIMD), `js` (plain TypeScript). `auto` tries them in that order (`AUTO_TIER_ORDER`).
 */
export type BackendName = 'js' | 'native' | 'wasm';

/**
 * Arguments of a general matrix multiply on row-major buffers:
 * `C (m×n) = alpha · op(A) · op(B) + beta · C`, where op(X) is X or Xᵀ.
 *
 * - `a` holds op(A) as an m×k matrix when `transA` is false (leading dimension `lda ≥ k`),
 *   or a k×m matrix when it is true (`lda ≥ m`); likewise `b` is k×n or n×k.
 * - All three buffers share one dtype.
 * - BLAS rules: empty dimensions return at once; with `beta = 0` C is overwritten, never
 *   multiplied (so NaN in C does not leak through).
 */
export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: FloatArray;
  lda: number;
  b: FloatArray;
  ldb: number;
  beta: number;
  c: FloatArray;
  ldc: number;
}

/**
 * Hyper-parameters of one Adam step (Kingma & Ba 2015), PyTorch's `torch.optim.Adam` semantics
 * without weight decay: bias-corrected moments, `eps` added after the square root.
 */
export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1-based step count, for bias correction. */
  step: number;
}

/**
 * The kernels every tier provides — exactly those the linear algebra and the methods call (a
 * kernel nothing calls is not part of the interface; a tier may offer more on its own type, as
 * the native tier's `gemmAsync`). Linear-algebra algorithms call these and never loop over
 * large data themselves. The TypeScript tier (`js`) implements all of them; faster tiers
 * (`native`) override what they accelerate.
 */
export interface Backend {
  /** Tier name, as reported by `lowrank info`. */
  readonly name: BackendName;
  /** Number of threads the tier uses for large kernels. */
  readonly threads: number;

  /** General matrix multiply; see {@link GemmArgs}. */
  gemm(args: GemmArgs): void;

  /**
   * One Adam update in place over flat parameter, gradient and moment buffers of equal length:
   * `m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr·m̂ / (√v̂ + eps)`.
   */
  adamStep(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, p: AdamParams): void;

  /**
   * One SGD step with (heavy-ball) momentum, PyTorch semantics:
   * `buf ← μ·buf + g; p ← p − lr·buf` (with μ = 0 this is plain SGD).
   */
  momentumStep(param: FloatArray, grad: FloatArray, velocity: FloatArray, lr: number, momentum: number): void;

  /** Σ x², accumulated in float64. */
  sumSquares(x: FloatArray): number;

  /**
   * Fused residual and gradients of a factorization U·V of A, for small problems where one pass
   * with everything in cache beats three GEMMs: with R = U·V − A (never stored),
   * `gu ← scale·R·Vᵀ` (n×k), `gv ← scale·Uᵀ·R` (k×m); returns Σ R² in float64.
   */
  factorGradient(args: FactorGradientArgs): number;

  // --- Optional kernels: tiers that have LAPACK (native) provide them; linear algebra and methods
  // --- use them when present and their TypeScript algorithms otherwise.

  /**
   * Thin SVD of a dense matrix (LAPACK `xGESDD`, divide and conquer), unsorted signs:
   * `A = U·diag(s)·Vt`, s descending. Throws `E_DIVERGED` when LAPACK does not converge.
   */
  svd?(args: SvdArgs): void;

  /** {@link Backend.svd} off the calling thread; resolves when the outputs are written. */
  svdAsync?(args: SvdArgs): Promise<void>;

  /** Thin QR of a dense matrix (LAPACK `xGEQRF` + `xORGQR`): `A = Q·R`. */
  qr?(args: QrArgs): void;

  /** All eigenpairs of a dense symmetric matrix (LAPACK `xSYEVD`, divide and conquer). */
  syevd?(args: SyevdArgs): void;

  /**
   * Cholesky factor and its inverse of a small symmetric positive-definite float64 matrix
   * (LAPACK `dpotrf` + `dtrtri`): see {@link CholeskyInverseArgs}. Returns false when G is not
   * positive definite (a pivot ≤ 0 or NaN). Tiers without it use the TypeScript loops
   * (`cholesky` and `lowerInverse`, src/linalg/cholesky.ts).
   */
  choleskyInverse?(args: CholeskyInverseArgs): boolean;

  /**
   * Several epochs of the seed's network trained by Adam in one call (residual and gradients
   * through three GEMMs, then {@link Backend.adamStep} on U and on V, per epoch), for tiers where
   * a call is expensive (N-API): see {@link AdamEpochsArgs}. Returns the number of epochs run.
   */
  adamEpochs?(args: AdamEpochsArgs): number;

  /**
   * One explicit-feedback ALS half-sweep (weighted-λ ridge per row, optional bias augmentation;
   * see {@link AlsHalfSweepKernelArgs}), with the same bits as the TypeScript loop of
   * `alsHalfSweep` (src/methods/als-half-sweep.ts). Returns the first row whose normal matrix is
   * not positive definite even with the ridge retry (the caller throws `E_DIVERGED`), or −1.
   */
  alsHalfSweep?(args: AlsHalfSweepKernelArgs): number;

  /**
   * One implicit-feedback ALS half-sweep ({@link ImplicitAlsHalfSweepKernelArgs}), with the same
   * bits as the TypeScript loop of `implicitAlsFactorize`. Returns the first row whose system is not
   * positive definite (the caller throws `E_DIVERGED`), or −1.
   */
  implicitAlsHalfSweep?(args: ImplicitAlsHalfSweepKernelArgs): number;

  /**
   * The error pass's per-entry statistics of y[t] (Â) against x[offset + t] (A), t < y.length,
   * accumulated into `lanes` (read first, written back), with the same bits on every tier:
   * see {@link RESIDUAL_LANES_LENGTH} for the lanes and their order. Tiers without it use the
   * TypeScript loop (`residualLanes`, src/backend/js/residual-lanes.ts).
   */
  residualLanes?(x: FloatArray, offset: number, y: FloatArray, below: number, lanes: Float64Array): void;

  /**
   * The error pass over factors in one call ({@link ResidualBlocksArgs}): per row block, the block
   * of U·V by the same GEMM call as {@link Backend.gemm} and its {@link Backend.residualLanes}
   * against A, each block's lanes apart, so the caller's combination in block order gives the bits
   * of its own loop. Tiers without it run that loop (src/metrics/factor-errors.ts).
   */
  residualBlocks?(args: ResidualBlocksArgs): void;

  /** Sets the number of threads of large kernels (the tier's {@link Backend.threads}). */
  setThreads?(threads: number): void;
}

/**
 * Doubles in the lanes block of {@link Backend.residualLanes}: entry t of a call goes to lane
 * t mod 4, and each lane l accumulates in float64, in the order of t, with d = a − â and
 * r = |d| / (|a| + 1e-8): `lanes[l] += d²`, `lanes[4 + l] += r`, `lanes[16 + l]` = |d| when
 * |d| > it or |d| is NaN, and when |a| < `below`: `lanes[8 + l] += 1`, `lanes[12 + l] += r`.
 * No multiply-add is fused. The lanes are combined in the order ((l0 + l1) + (l2 + l3)).
 */
export const RESIDUAL_LANES_LENGTH = 20;

/**
 * Arguments of {@link Backend.svd}: `A (rows×cols) = U·diag(s)·Vt`, r = min(rows, cols), all
 * buffers row-major and of one dtype.
 */
export interface SvdArgs {
  rows: number;
  cols: number;
  /** rows×cols input; destroyed (used as LAPACK's workspace). */
  a: FloatArray;
  /** r outputs, singular values descending. */
  s: FloatArray;
  /** rows×r output, orthonormal columns. */
  u: FloatArray;
  /** r×cols output, orthonormal rows. */
  vt: FloatArray;
}

/** Arguments of {@link Backend.qr}: thin `A (rows×cols) = Q·R`, r = min(rows, cols), row-major, one dtype. */
export interface QrArgs {
  rows: number;
  cols: number;
  /** rows×cols input, not modified. */
  a: FloatArray;
  /** rows×r output, orthonormal columns. */
  q: FloatArray;
  /** r×cols output, upper triangular (zeros below the diagonal written); diagonal signs as LAPACK's. */
  r: FloatArray;
}

/** Arguments of {@link Backend.syevd}: `A = Vᵀ·diag(w)·V` for a symmetric n×n A, one dtype. */
export interface SyevdArgs {
  n: number;
  /** In: the symmetric n×n matrix (only its upper triangle is read). Out: row i is the unit eigenvector of w[i]. */
  a: FloatArray;
  /** n outputs, eigenvalues ascending. */
  w: FloatArray;
}

/** Arguments of {@link Backend.choleskyInverse}: G = L·Lᵀ for a symmetric positive-definite n×n G, row-major float64, three distinct buffers. */
export interface CholeskyInverseArgs {
  n: number;
  /** In: G (only its lower triangle is read); not modified. */
  g: Float64Array;
  /** Out: L, lower triangular (zeros above the diagonal). */
  low: Float64Array;
  /** Out: L⁻¹, lower triangular (zeros above the diagonal). */
  inv: Float64Array;
}

/** The shapes and operands shared by the factorization kernels: A (n×m) ≈ U (n×k)·V (k×m), row-major. */
export interface FactorOperands {
  n: number;
  m: number;
  k: number;
  /** n×k factor. */
  u: FloatArray;
  /** k×m factor. */
  v: FloatArray;
  /** n×m target. */
  a: FloatArray;
}

/**
 * Arguments of {@link Backend.residualBlocks}: U·V's rows cut into blocks of `rowsPerBlock` rows
 * (the last one shorter); block c (rows c·rowsPerBlock …) is formed as U's rows times V (u and v
 * share one dtype, a's may differ) and its {@link Backend.residualLanes} against the same rows of
 * A, from zero, go to `lanes[20·c …]`.
 */
export interface ResidualBlocksArgs extends FactorOperands {
  /** Rows per block, ≥ 1. */
  rowsPerBlock: number;
  /** The near-zero threshold of {@link Backend.residualLanes}. */
  below: number;
  /** Out: {@link RESIDUAL_LANES_LENGTH} doubles per block, in block order. */
  lanes: Float64Array;
}

/**
 * Arguments of {@link Backend.adamEpochs}. Per epoch e (0-based within the call): R = U·V − A
 * into `residual`, `history[e] = ΣR²/(n·m)` (the MSE before the update), gradients with
 * scale 2/(n·m), then Adam step `step0 + e` on U and on V. Stops after an epoch whose loss is not
 * finite (before updating), or, when `tol > 0`, after updating in an epoch whose loss moved by
 * at most `tol ·` the previous loss (`prevLoss` for the first epoch; NaN: none).
 */
export interface AdamEpochsArgs extends FactorOperands {
  /** n×m scratch. */
  residual: FloatArray;
  /** Gradient scratch, n×k and k×m. */
  gu: FloatArray;
  gv: FloatArray;
  /** Adam moments of U (n×k) and V (k×m), updated. */
  mu: FloatArray;
  vu: FloatArray;
  mv: FloatArray;
  vv: FloatArray;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1-based Adam step of the first epoch. */
  step0: number;
  tol: number;
  prevLoss: number;
  /** Epochs to run at most. */
  epochs: number;
  /** Output: the loss of each epoch run (length ≥ epochs). */
  history: Float64Array;
}

/**
 * The operands shared by the ALS half-sweep kernels: the observed entries of the `rows` unknown
 * rows (CSR, `rows`×`cols`), the fixed side's vectors and the output.
 */
export interface AlsRowsOperands {
  /** Rows to solve (n). */
  rows: number;
  /** Rows of the fixed side (m). */
  cols: number;
  /** Row pointers (length n + 1). */
  indptr: Int32Array;
  /** Column of each entry, in [0, m). */
  indices: Int32Array;
  /** Value of each entry. */
  values: Float64Array;
  /** m×k fixed vectors, row-major. */
  fixed: Float64Array;
  /** n×k output, row-major. */
  out: Float64Array;
  /** Rank k. */
  k: number;
  /** Ridge λ. */
  reg: number;
}

/**
 * Arguments of {@link Backend.alsHalfSweep}: for every row i with c entries, solves
 * (Σ y_j y_jᵀ + λ·c·I)·x = Σ (v_j − μ − fixedBias_j)·y_j over its entries (y_j = fixed row j,
 * augmented by a trailing 1 and x by the row's bias when biases are given) into `out` row i
 * (and `outBias[i]`); a row without entries gets zeros. With λ = 0 a singular system is retried
 * with a ridge of 1e-10·trace/d.
 */
export interface AlsHalfSweepKernelArgs extends AlsRowsOperands {
  /** m fixed biases, or null without biases. */
  fixedBias: Float64Array | null;
  /** n output biases, or null without biases (null exactly when `fixedBias` is). */
  outBias: Float64Array | null;
  /** Global mean μ subtracted from the values (0 without biases). */
  mu: number;
}

/**
 * Arguments of {@link Backend.implicitAlsHalfSweep} (Hu, Koren & Volinsky 2008): with Y the fixed
 * vectors, for every row with interaction strengths r_j ≥ 0 solves
 * (YᵀY + Σ α·r_j·y_j y_jᵀ + λI)·x = Σ (1 + α·r_j)·[r_j > 0]·y_j into `out`; a row without
 * interactions gets zeros.
 */
export interface ImplicitAlsHalfSweepKernelArgs extends AlsRowsOperands {
  /** Confidence scale α (c = 1 + α·r). */
  alpha: number;
}

/** Arguments of {@link Backend.factorGradient}; all buffers row-major, one dtype per buffer. */
export interface FactorGradientArgs extends FactorOperands {
  /** n×k output. */
  gu: FloatArray;
  /** k×m output. */
  gv: FloatArray;
  /** Factor applied to both gradients (2/(n·m) for the mean squared error). */
  scale: number;
}
