/**
 * Single-pass low-rank approximation from linear sketches: Tropp, Yurtsever, Udell & Cevher,
 * "Streaming low-rank matrix approximation with an application to scientific simulation",
 * SIAM J. Sci. Comput. 41(4), 2019 — Alg. 2 (sketch), Alg. 3 (low-rank reconstruction),
 * Alg. 4 (fixed-rank truncation, §5.3) and §6 (a-posteriori error estimate).
 *
 * For A n×m seen once, row block by row block, the sketches are
 *   range Y = A·Ω (n×k), co-range X = Υ·A (k×m), core Z = Φ·A·Ψᵀ (s×s), test W = Θ·A (t×m),
 * all linear in A: a block's contribution depends only on its rows, so blocks can be sketched
 * anywhere and summed in block order. The row-side test matrices Υ, Φ, Θ are drawn column by
 * column from a generator seeded by the row index, so any block can regenerate its columns.
 *
 * Reconstruction: Q = orth(Y), P = orth(Xᵀ), C = (ΦQ)†·Z·((ΨP)†)ᵀ, Â = Q·C·Pᵀ, truncated to rank r
 * through the SVD of C. Error estimate: ‖A − Â‖²_F ≈ ‖W − Θ·Â‖²_F / t (unbiased for Gaussian Θ).
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix, type DType } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { matmul } from './matmul.js';
import { normFromSumSquares, ScaledSumOfSquares } from './norms.js';
import { orthonormalize } from './qr.js';
import { addInto, blockNorm, blockTimes, takeColumns, type BlockResult, type RowBlockExecutor } from './row-block-svd.js';
import { svd } from './svd.js';
import { svdFlip } from './svd-flip.js';

/** Sketch sizes of {@link singlePassSketch}: range/co-range k, core s, test t. */
export interface SketchSizes {
  /** k: columns of Y = A·Ω and rows of X = Υ·A. */
  range: number;
  /** k': rows of X (equal to k here). */
  coRange: number;
  /** s ≥ 2k + 1: the core sketch Z is s×s. */
  core: number;
  /** t: rows of the test sketch W = Θ·A. */
  test: number;
}

/** Rows of the test sketch for the error estimate (Tropp et al. 2019 §6 use t = 10 in their experiments). */
export const DEFAULT_TEST_SKETCH = 10;

/**
 * Sketch sizes for target rank r: k = 2r + 1 and s = 2k + 1 (Tropp et al. 2019 §5.4: s ≥ 2k + 1 is
 * needed for the core's least squares to be well posed; k = 2r + 1 is the simple choice of their
 * Eq. (5.5) family), capped by the matrix dimensions.
 *
 * @example
 * ```ts
 * sketchSizesFor(10, 1000, 500); // { range: 21, coRange: 21, core: 43, test: 10 }
 * ```
 */
export function sketchSizesFor(r: number, n: number, m: number): SketchSizes {
  const k = Math.min(2 * r + 1, n, m);
  const s = Math.min(2 * k + 1, n, m);
  return { range: k, coRange: k, core: s, test: DEFAULT_TEST_SKETCH };
}

/** A seed per (seed, stream, row): row-side test-matrix columns are reproducible block by block. */
function rowSeed(seed: number, row: number): number {
  return (seed % 1048576) * 4294967296 + row;
}

/** The row-side test matrices' columns for rows [start, start + count), transposed: count×k, count×s, count×t. */
function rowTests(seed: number, start: number, count: number, sizes: SketchSizes, dtype: DType): { upsT: Matrix; phiT: Matrix; thetaT: Matrix } {
  const { coRange: k, core: s, test: t } = sizes;
  const ups = Matrix.zeros(count, k, dtype);
  const phi = Matrix.zeros(count, s, dtype);
  const theta = Matrix.zeros(count, t, dtype);
  for (let i = 0; i < count; i++) {
    const rng = new Rng(rowSeed(seed, start + i));
    for (let j = 0; j < k; j++) ups.data[i * k + j] = rng.normal();
    for (let j = 0; j < s; j++) phi.data[i * s + j] = rng.normal();
    for (let j = 0; j < t; j++) theta.data[i * t + j] = rng.normal();
  }
  return { upsT: ups, phiT: phi, thetaT: theta };
}

let columnCache: { key: string; omega: Matrix; psi: Matrix } | null = null;

/** The column-side test matrices Ω (m×k) and Ψ (s×m), from one generator seeded by `seed` (cached for the last key). */
function columnTests(seed: number, m: number, sizes: SketchSizes, dtype: DType): { omega: Matrix; psi: Matrix } {
  const key = `${seed}:${m}:${sizes.range}:${sizes.core}:${dtype}`;
  if (columnCache?.key !== key) {
    const rng = new Rng(seed);
    const omega = Matrix.zeros(m, sizes.range, dtype);
    rng.fillNormal(omega.data);
    const psi = Matrix.zeros(sizes.core, m, dtype);
    rng.fillNormal(psi.data);
    columnCache = { key, omega, psi };
  }
  return columnCache;
}

/**
 * The sketches of one row block (rows [rowStart, rowStart + A_b.rows)): `rows` = A_b·Ω,
 * `sums` = [Υ_b·A_b (k×m), Φ_b·A_b·Ψᵀ (s×s), Θ_b·A_b (t×m), ‖A_b‖²_F as `ScaledSumOfSquares.parts()`],
 * and ‖A_b‖²_F. Products in the block's dtype, results float64.
 *
 * @example
 * ```ts
 * const part = sketchBlockTask(block, 4096, 0, sketchSizesFor(10, n, m), getBackend());
 * ```
 */
export function sketchBlockTask(block: Matrix, rowStart: number, seed: number, sizes: SketchSizes, backend: Backend = getBackend()): BlockResult {
  const { omega, psi } = columnTests(seed, block.cols, sizes, block.dtype);
  const { upsT, phiT, thetaT } = rowTests(seed, rowStart, block.rows, sizes, block.dtype);
  const y = blockTimes(block, omega, backend);
  const x = matmul(upsT, block, { transA: true, backend });
  const aPsi = blockTimes(block, psi, backend, true);
  const z = matmul(phiT, aPsi, { transA: true, backend });
  const w = matmul(thetaT, block, { transA: true, backend });
  const f64 = (a: Matrix): Float64Array => (a.data instanceof Float64Array ? a.data : Float64Array.from(a.data));
  const { normSq, parts } = blockNorm(block.data);
  return { rows: f64(y), sums: [f64(x), f64(z), f64(w), parts], normSq };
}

/** Options of {@link singlePassSketch}. */
export interface SinglePassOptions {
  /** Seed of all test matrices (default 0). */
  seed?: number;
  /** Sketch sizes (default {@link sketchSizesFor}). */
  sizes?: SketchSizes;
  /** Kernel tier for the dense work (default: the current backend). */
  backend?: Backend;
}

/** The result of {@link singlePassSketch}. */
export interface SinglePassResult {
  /** n×r, float64, orthonormal columns. */
  U: Matrix;
  /** r values, descending. */
  S: Float64Array;
  /** r×m, float64. */
  Vt: Matrix;
  /** ‖A‖_F (exact, summed during the pass). */
  normFrobenius: number;
  /** The a-posteriori estimate of ‖A − U·diag(S)·Vt‖_F (Tropp et al. 2019 §6). */
  errorEstimate: number;
  /** Sizes used. */
  sizes: SketchSizes;
}

/** pinv(M)·B by the SVD of M (values below max(rows, cols)·ε·σ₁ dropped). */
function leastSquares(mat: Matrix, b: Matrix, backend: Backend): Matrix {
  const f = svd(mat, { backend });
  const r = f.S.length;
  const tol = Math.max(mat.rows, mat.cols) * 2.220446049250313e-16 * (f.S[0] ?? 0);
  const utb = matmul(f.U, b, { transA: true, backend }); // r×cols(B)
  for (let i = 0; i < r; i++) {
    const inv = f.S[i] > tol ? 1 / f.S[i] : 0;
    for (let j = 0; j < b.cols; j++) utb.data[i * b.cols + j] *= inv;
  }
  return matmul(f.Vt, utb, { transA: true, backend });
}

/**
 * Rank-r approximation of A from one pass over its row blocks (Tropp et al. 2019 Alg. 2–4), with
 * the a-posteriori error estimate of §6. Memory: Y (n×k), X (k×m), W (t×m), Z (s×s).
 *
 * @throws {@link LowRankError} `E_ARG` for r outside [1, min(n, m)].
 * @example
 * ```ts
 * const r = await singlePassSketch(exec, 20, { seed: 1 }); // r.errorEstimate ≈ ‖A − U·S·Vt‖_F
 * ```
 */
export async function singlePassSketch(exec: RowBlockExecutor, rank: number, options: SinglePassOptions = {}): Promise<SinglePassResult> {
  const n = exec.rows;
  const m = exec.cols;
  if (!Number.isInteger(rank) || rank < 1 || rank > Math.min(n, m)) {
    throw new LowRankError('E_ARG', `rank must be an integer in [1, ${Math.min(n, m)}] for a ${n}×${m} matrix, got ${rank}`);
  }
  const backend = options.backend ?? getBackend();
  const seed = options.seed ?? 0;
  const sizes = options.sizes ?? sketchSizesFor(rank, n, m);
  const { range: k, coRange: kc, core: s, test: t } = sizes;
  const y = new Float64Array(n * k);
  const x = new Float64Array(kc * m);
  const z = new Float64Array(s * s);
  const w = new Float64Array(t * m);
  let normSq = 0;
  const norm = new ScaledSumOfSquares();
  await exec.run({ kind: 'sketch', seed, sizes }, 1, (_b, rowStart, res) => {
    y.set(res.rows, rowStart * k);
    addInto(x, res.sums[0]);
    addInto(z, res.sums[1]);
    addInto(w, res.sums[2]);
    normSq += res.normSq;
    norm.addParts(res.sums[3]);
  });
  const Q = orthonormalize(new Matrix(n, k, y), { backend }); // n×k
  const P = orthonormalize(new Matrix(kc, m, x).transpose(), { backend }); // m×k'
  // ΦQ (s×k) and ΘQ (t×k): the row-side tests regenerated in chunks, never all at once.
  const phiQ = new Float64Array(s * k);
  const thetaQ = new Float64Array(t * k);
  const CHUNK = 65536;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    const tests = rowTests(seed, start, count, sizes, 'float64');
    const qRows = new Matrix(count, k, Q.data.subarray(start * k, (start + count) * k));
    addInto(phiQ, matmul(tests.phiT, qRows, { transA: true, backend }).data as Float64Array);
    addInto(thetaQ, matmul(tests.thetaT, qRows, { transA: true, backend }).data as Float64Array);
  }
  const psiP = matmul(columnTests(seed, m, sizes, 'float64').psi, P, { backend }); // s×k'
  // C = (ΦQ)†·Z·((ΨP)†)ᵀ: left solve, then the right one on the transpose.
  const left = leastSquares(new Matrix(s, k, phiQ), new Matrix(s, s, z), backend); // k×s
  const c = leastSquares(psiP, left.transpose(), backend).transpose(); // k×k'
  const f = svd(c, { backend });
  const r = Math.min(rank, f.S.length);
  const U = matmul(Q, takeColumns(f.U, r), { backend });
  const V = matmul(P, takeColumns(f.Vt.transpose(), r), { backend }); // m×r
  const S = f.S.slice(0, r);
  // Θ·Â = (ΘQ·Uc·diag(S))·Vᵀ (t×m); estimate ‖W − ΘÂ‖²_F / t.
  const tu = matmul(new Matrix(t, k, thetaQ), takeColumns(f.U, r), { backend });
  for (let i = 0; i < t; i++) for (let j = 0; j < r; j++) tu.data[i * r + j] *= S[j];
  const thetaA = matmul(tu, V, { transB: true, backend });
  const residual = new Float64Array(w.length);
  let err = 0;
  for (let i = 0; i < w.length; i++) {
    residual[i] = w[i] - thetaA.data[i];
    err += residual[i] * residual[i];
  }
  const Vt = V.transpose();
  svdFlip(U, Vt);
  // Σa² and the residual's Σ leave float64's range for entries beyond ≈ 1e±154: then scaled sums.
  const normFrobenius = normSq < Infinity && normSq > 2 ** -960 ? Math.sqrt(normSq) : norm.sqrt();
  return { U, S, Vt, normFrobenius, errorEstimate: normFromSumSquares(err, residual) / Math.sqrt(t), sizes };
}
