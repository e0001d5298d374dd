import type { FloatArray } from '../../core/matrix.js';

/**
 * The exports of the compiled addon `lowrank_native.node` (sources in `native/src/addon.cc`).
 * Positional arguments keep the per-call cost of N-API low for small GEMMs. Every function
 * validates its buffers (type, length, leading dimensions) and throws a TypeError/RangeError
 * rather than reading out of bounds; LAPACK functions return LAPACK's INFO (0 = success).
 * @internal
 */
export interface NativeAddon {
  /** Interface version of the addon; a mismatch means a stale build. */
  readonly abiVersion: number;
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: FloatArray, lda: number, b: FloatArray, ldb: number, beta: number, c: FloatArray, ldc: number,
  ): void;
  gemmAsync(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: FloatArray, lda: number, b: FloatArray, ldb: number, beta: number, c: FloatArray, ldc: number,
  ): Promise<number>;
  svd(rows: number, cols: number, a: FloatArray, s: FloatArray, u: FloatArray, vt: FloatArray): number;
  svdAsync(rows: number, cols: number, a: FloatArray, s: FloatArray, u: FloatArray, vt: FloatArray): Promise<number>;
  qr(rows: number, cols: number, a: FloatArray, q: FloatArray, r: FloatArray): number;
  syevd(n: number, a: FloatArray, w: FloatArray): number;
  /** L and L⁻¹ of G = L·Lᵀ (dpotrf + dtrtri, native/src/cholesky-inverse.h) → INFO (> 0: not positive definite). */
  choleskyInverse(n: number, g: Float64Array, low: Float64Array, inv: Float64Array): number;
  adamStep(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, lr: number, beta1: number, beta2: number, eps: number, step: number): void;
  momentumStep(param: FloatArray, grad: FloatArray, velocity: FloatArray, lr: number, momentum: number): void;
  subtractSumSquares(out: FloatArray, a: FloatArray, b: FloatArray): number;
  axpy(alpha: number, x: FloatArray, y: FloatArray): void;
  sumSquares(x: FloatArray): number;
  factorGradient(n: number, m: number, k: number, u: FloatArray, v: FloatArray, a: FloatArray, gu: FloatArray, gv: FloatArray, scale: number): number;
  /**
   * The error pass's lane sums (native/src/residual-lanes.h); x and y may differ in element type.
   * `baseline` (tests only): the SSE2 loop even where the AVX2 one would run.
   */
  residualLanes(x: FloatArray, offset: number, y: FloatArray, below: number, lanes: Float64Array, baseline?: boolean): void;
  /**
   * The error pass over the factors (native/src/residual-blocks.h): per row block of `rowsPerBlock`
   * rows, U·V's block by GEMM and its residual lanes against x into `lanes` (20 per block), over
   * `threads` workers. u and v share one element type; x's may differ.
   */
  residualBlocks(
    n: number, m: number, k: number, u: FloatArray, v: FloatArray, x: FloatArray, rowsPerBlock: number, below: number,
    lanes: Float64Array, threads: number,
  ): void;
  adamEpochs(args: object): number;
  alsHalfSweep(
    rows: number, cols: number, k: number, indptr: Int32Array, indices: Int32Array, values: Float64Array,
    fixed: Float64Array, fixedBias: Float64Array | null, out: Float64Array, outBias: Float64Array | null,
    reg: number, mu: number, threads: number,
  ): number;
  implicitAlsHalfSweep(
    rows: number, cols: number, k: number, indptr: Int32Array, indices: Int32Array, values: Float64Array,
    fixed: Float64Array, out: Float64Array, alpha: number, reg: number, threads: number,
  ): number;
  setThreads(threads: number): void;
  getThreads(): number;
  config(): { openblas: string; core: string; threads: number };
}

/** The addon interface version this TypeScript expects (`abiVersion` in addon.cc). */
export const NATIVE_ABI_VERSION = 5;
