/**
 * Randomized SVD of a matrix seen only as a sequence of row blocks A = [A₀; A₁; …; A_{B−1}]
 * (out of core, or spread over workers): subspace iteration on AᵀA, where every iteration is
 * **one** pass over the rows, W = AᵀA·Z = Σ_b A_bᵀ·(A_b·Z), followed by a last pass Y = A·Z and
 * Rayleigh–Ritz (Halko, Martinsson & Tropp 2011, Alg. 4.4 applied to the row space, then
 * Alg. 5.1; the scheme of dask's `svd_compressed` and Spark's `RowMatrix.computeSVD`).
 *
 * The module does not know where blocks come from: an {@link RowBlockExecutor} runs a
 * {@link BlockTask} on every block (by reading a file, or by asking workers) and hands the
 * per-block results back **in block order**, so sums are formed in one fixed order and the
 * result is bitwise the same however the blocks were computed.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix, type DType } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { ScaledSumOfSquares, scaleBy2, scalePow2 } from './norms.js';
import { orthonormalize } from './qr.js';
import { fastGaussianSketch } from './randomized-range.js';
import { DEFAULT_OVERSAMPLE } from './randomized-svd.js';
import { svd } from './svd.js';
import { svdFlip } from './svd-flip.js';
import { sketchBlockTask } from './single-pass-sketch.js';

/** Default passes of the streamed SVD: 4 (3 power iterations on AᵀA, then Y = A·Z). Each is one read of A. */
export const DEFAULT_STREAM_PASSES = 4;

/** A unit of work on one row block; plain data (no code), so it can travel in a job. */
export type BlockTask =
  /** A_bᵀ·(A_b·Z) for Z m×l (and Σ a² when `withNorm`: `normSq`, and `sums[1]` = its scaled parts). */
  | { kind: 'gram'; z: Matrix; withNorm: boolean }
  /** A_b·Z (rows of Y). */
  | { kind: 'product'; z: Matrix }
  /** The single-pass sketches of the block (see `single-pass-sketch.ts`). */
  | { kind: 'sketch'; seed: number; sizes: { range: number; coRange: number; core: number; test: number } };

/** What {@link runBlockTask} returns: `sums` are added over blocks, `rows` stacked. */
export interface BlockResult {
  /**
   * Partial sums (float64), added over blocks in block order. A `gram` task with `withNorm` adds
   * Σ a² of the block as `ScaledSumOfSquares.parts()` ([ssq, e], Σ a² = ssq·4^e: finite where
   * `normSq` overflows or underflows) in `sums[1]`.
   */
  sums: Float64Array[];
  /** This block's rows of a stacked n×l result (float64), or empty. */
  rows: Float64Array;
  /** Σ a² of the block (float64), or 0. */
  normSq: number;
}

/** Runs one task on every row block and hands the results back in block order. */
export interface RowBlockExecutor {
  /** n. */
  readonly rows: number;
  /** m. */
  readonly cols: number;
  /** dtype of the blocks. */
  readonly dtype: DType;
  /**
   * Runs `task` on blocks 0…B−1 and calls `consume(b, rowStart, result)` for b = 0, 1, … in order.
   * @param pass 1-based pass number (for progress and job ids).
   */
  run(task: BlockTask, pass: number, consume: (b: number, rowStart: number, result: BlockResult) => void): Promise<void>;
}

/**
 * The per-block kernel: runs `task` on rows [rowStart, rowStart + block.rows) of A. The products
 * run in the block's dtype through the backend's GEMM (float32 data is never up-cast); the
 * results are float64.
 *
 * @throws {@link LowRankError} `E_SHAPE` when Z does not have m rows.
 * @example
 * ```ts
 * const r = runBlockTask(block, 0, { kind: 'gram', z, withNorm: true }); // r.sums[0]: m×l
 * ```
 */
export function runBlockTask(block: Matrix, rowStart: number, task: BlockTask, backend: Backend = getBackend()): BlockResult {
  if (task.kind === 'sketch') return sketchBlockTask(block, rowStart, task.seed, task.sizes, backend);
  const z = task.z;
  if (z.rows !== block.cols) throw new LowRankError('E_SHAPE', `row block: Z is ${z.rows}×${z.cols}, expected ${block.cols} rows`);
  if (task.kind === 'product') return { sums: [], rows: productFloat64(block, z, backend), normSq: 0 };
  const y = blockTimes(block, z, backend);
  const w = new Matrix(block.cols, z.cols, new (block.dtype === 'float32' ? Float32Array : Float64Array)(block.cols * z.cols));
  backend.gemm({ transA: true, transB: false, m: block.cols, n: z.cols, k: block.rows, alpha: 1, a: block.data, lda: block.cols, b: y.data, ldb: z.cols, beta: 0, c: w.data, ldc: z.cols });
  if (!task.withNorm) return { sums: [toFloat64(w.data)], rows: new Float64Array(0), normSq: 0 };
  const { normSq, parts } = blockNorm(block.data);
  return { sums: [toFloat64(w.data), parts], rows: new Float64Array(0), normSq };
}

/**
 * Σ a² of a block twice: plain (`normSq`, in index order, as the sums have always been formed) and
 * as `ScaledSumOfSquares.parts()` (finite where the plain sum overflows or underflows, entries
 * beyond ≈ 1e±154), for block results to carry both.
 * @example
 * ```ts
 * blockNorm(Float64Array.of(3e200, 4e200)); // { normSq: Infinity, parts: [ssq, e] with ssq·4^e = 2.5e401 }
 * ```
 */
export function blockNorm(d: ArrayLike<number>): { normSq: number; parts: Float64Array } {
  const normSq = squaredNorm(d);
  const scaled = new ScaledSumOfSquares();
  scaled.addBlock(normSq, d.length, (t) => d[t]);
  return { normSq, parts: scaled.parts() };
}

/** A_b·Z in the block's dtype (Z cast to it). */
export function blockTimes(block: Matrix, z: Matrix, backend: Backend, transB = false): Matrix {
  const zz = z.dtype === block.dtype ? z : z.astype(block.dtype);
  const l = transB ? z.rows : z.cols;
  const out = Matrix.zeros(block.rows, l, block.dtype);
  backend.gemm({ transA: false, transB, m: block.rows, n: l, k: block.cols, alpha: 1, a: block.data, lda: block.cols, b: zz.data, ldb: zz.cols, beta: 0, c: out.data, ldc: l });
  return out;
}

/** Rows converted to float64 at a time by {@link productFloat64} (1024 rows: a few MiB of scratch). */
export const PRODUCT_CHUNK_ROWS = 1024;

/**
 * A_b·Z in float64 whatever the block's dtype: float32 rows are converted a chunk of
 * {@link PRODUCT_CHUNK_ROWS} at a time (never the whole block). The last pass of the streamed SVD
 * uses it: the singular values of Y = A·Z give the error as ‖A‖²_F − Σσ², a difference that
 * magnifies float32 rounding in σ (the power-iteration passes may stay in float32: the error is
 * quadratic in the subspace's perturbation).
 */
export function productFloat64(block: Matrix, z: Matrix, backend: Backend): Float64Array {
  const z64 = z.dtype === 'float64' ? z : z.astype('float64');
  if (block.dtype === 'float64') return blockTimes(block, z64, backend).data as Float64Array;
  const { rows, cols } = block;
  const l = z.cols;
  const out = new Float64Array(rows * l);
  const scratch = new Float64Array(Math.min(rows, PRODUCT_CHUNK_ROWS) * cols);
  for (let r0 = 0; r0 < rows; r0 += PRODUCT_CHUNK_ROWS) {
    const count = Math.min(PRODUCT_CHUNK_ROWS, rows - r0);
    const a = scratch.subarray(0, count * cols);
    a.set(block.data.subarray(r0 * cols, (r0 + count) * cols));
    backend.gemm({ transA: false, transB: false, m: count, n: l, k: cols, alpha: 1, a, lda: cols, b: z64.data, ldb: l, beta: 0, c: out.subarray(r0 * l, (r0 + count) * l), ldc: l });
  }
  return out;
}

/** Σ a² in float64, in index order. */
export function squaredNorm(d: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  return s;
}

function toFloat64(d: Float32Array | Float64Array): Float64Array {
  return d instanceof Float64Array ? d : Float64Array.from(d);
}

/**
 * Adds the block results of one pass in block order (the one place sums are formed, so a
 * coordinator and a single process agree bitwise): `acc[i] += part[i]`, element by element.
 */
export function addInto(acc: Float64Array, part: Float64Array): void {
  if (acc.length !== part.length) throw new LowRankError('E_SHAPE', `row block: partial sum of ${part.length} values, expected ${acc.length}`);
  for (let i = 0; i < acc.length; i++) acc[i] += part[i];
}

/** Options of {@link rowBlockSvd}. */
export interface RowBlockSvdOptions {
  /** Oversampling p (default {@link DEFAULT_OVERSAMPLE}); the sketch has l = k + p columns. */
  oversample?: number;
  /** Passes over A, ≥ 2 (default {@link DEFAULT_STREAM_PASSES}): passes − 1 power iterations on AᵀA, then Y = A·Z. */
  passes?: number;
  /** Seed of the Gaussian start Ω (default 0). */
  seed?: number;
  /** Kernel tier for the dense panel work (default: the current backend). */
  backend?: Backend;
  /** Called after each pass with (done, total). */
  onPass?: (done: number, total: number) => void;
}

/** The result of {@link rowBlockSvd}. */
export interface RowBlockSvdResult {
  /** n×k left singular vectors, float64 (svd_flip signs). */
  U: Matrix;
  /** k singular values, descending. */
  S: Float64Array;
  /** k×m right singular vectors, transposed, float64. */
  Vt: Matrix;
  /** ‖A‖_F (summed over blocks in block order). */
  normFrobenius: number;
  /** ‖A − U·diag(S)·Vt‖_F = sqrt(‖A‖²_F − Σ σᵢ²), exact for this projection (no extra pass). */
  error: number;
  /** Sketch width l. */
  sketchSize: number;
  /** Reads of A: `passes`, plus one when pass 1 had to be read again scaled (‖A‖_F far from 1, see below). */
  passes: number;
}

/**
 * Rank-k randomized SVD through an executor of row blocks (out of core or distributed).
 *
 * 1. Ω ~ N(0,1)^{m×l} (`fastGaussianSketch`, the starting sketch of the in-memory methods too), Z = qr(Ω).
 * 2. passes − 1 times: W = Σ_b A_bᵀ(A_b Z) (one pass; the first also sums ‖A_b‖²_F); Z = qr(W).
 * 3. Y = A·Z (one pass, n×l); Y = U_y S W_yᵀ; U = U_y, V = Z·W_y (Rayleigh–Ritz on span Z).
 *
 * Scale: when pass 1 finds ‖A‖_F (summed scaled, so it is known whatever A's magnitude) outside
 * 2^±400 (2^±40 for float32 blocks, whose products run in float32), A_bᵀ(A_b·Z) may overflow or
 * underflow: that pass is read again with Z divided by a power of two near ‖A‖_F, and every later
 * pass too (exact; σ are scaled back).
 *
 * Memory: m×l panels plus the n×l Y, and whatever the executor holds per block.
 * The error ‖A − UΣVᵀ‖²_F = ‖A‖²_F − Σ_{i≤k} σᵢ² holds exactly because U·Σ·Vᵀ = A·V·Vᵀ.
 *
 * @throws {@link LowRankError} `E_ARG` for k outside [1, min(n, m)], passes < 2, negative oversample;
 *   `E_UNSUPPORTED` when ‖A‖_F, σ₁ or the (scaled) products are beyond the range of float64 (of
 *   float32 for float32 blocks).
 * @example
 * ```ts
 * const r = await rowBlockSvd(npyExecutor, 50, { passes: 4 }); // r.U: n×50, r.error
 * ```
 */
export async function rowBlockSvd(exec: RowBlockExecutor, k: number, options: RowBlockSvdOptions = {}): Promise<RowBlockSvdResult> {
  const n = exec.rows;
  const m = exec.cols;
  const r = Math.min(n, m);
  if (!Number.isInteger(k) || k < 1 || k > r) throw new LowRankError('E_ARG', `rank must be an integer in [1, ${r}] for a ${n}×${m} matrix, got ${k}`);
  const p = options.oversample ?? DEFAULT_OVERSAMPLE;
  if (!Number.isInteger(p) || p < 0) throw new LowRankError('E_ARG', `oversample must be a non-negative integer, got ${p}`);
  const passes = options.passes ?? DEFAULT_STREAM_PASSES;
  if (!Number.isInteger(passes) || passes < 2) throw new LowRankError('E_ARG', `passes must be an integer ≥ 2 for the streamed SVD (1 is the single-pass sketch), got ${passes}`);
  const backend = options.backend ?? getBackend();
  const l = Math.min(k + p, r);
  let z = orthonormalize(fastGaussianSketch(m, l, new Rng(options.seed ?? 0)), { backend });
  let normSq = 0;
  const norm = new ScaledSumOfSquares();
  // Z is sent as 2^−shift·Z: a power of two (exact) keeping A_b·Z and A_bᵀ(A_b·Z) inside the blocks'
  // dtype's range; 0 unless pass 1 finds ‖A‖_F outside the range where the plain products are safe.
  let shift = 0;
  let reads = 0;
  const gram = async (withNorm: boolean, pass: number): Promise<Float64Array> => {
    const w = new Float64Array(m * l);
    reads++;
    await exec.run({ kind: 'gram', z: shift === 0 ? z : scaledColumns(z, -shift), withNorm }, pass, (_b, _s, res) => {
      addInto(w, res.sums[0]);
      if (withNorm) {
        normSq += res.normSq;
        norm.addParts(res.sums[1]);
      }
    });
    return w;
  };
  for (let pass = 1; pass < passes; pass++) {
    let w = await gram(pass === 1, pass);
    if (pass === 1) {
      shift = streamShift(norm, exec.dtype, n, m);
      if (shift !== 0) w = await gram(false, pass); // the same pass again, scaled (only for extreme data)
    }
    checkProducts(w, shift, exec.dtype, n, m);
    z = orthonormalize(new Matrix(m, l, w), { backend });
    options.onPass?.(pass, passes);
  }
  const y = new Float64Array(n * l);
  reads++;
  await exec.run({ kind: 'product', z: shift === 0 ? z : scaledColumns(z, -shift) }, passes, (_b, rowStart, res) => y.set(res.rows, rowStart * l));
  options.onPass?.(passes, passes);
  checkProducts(y, shift, exec.dtype, n, m);
  const f = svd(new Matrix(n, l, y), { backend });
  const U = takeColumns(f.U, k);
  const V = matmulSmall(z, f.Vt, k, backend); // m×k: Z·W_y
  const S = f.S.slice(0, k);
  for (let i = 0; i < k; i++) S[i] = scaleBy2(S[i], shift);
  let error: number;
  if (normSq < Infinity && normSq > 2 ** -960) {
    let kept = 0;
    for (let i = 0; i < k; i++) kept += S[i] * S[i];
    error = Math.sqrt(Math.max(0, normSq - kept));
  } else {
    // Σa² left float64's range: the same difference relative to ‖A‖_F.
    const normA = norm.sqrt();
    let kept = 0;
    for (let i = 0; i < k; i++) kept += (S[i] / normA) ** 2;
    error = normA === 0 ? 0 : normA * Math.sqrt(Math.max(0, 1 - kept));
  }
  const Vt = V.transpose();
  svdFlip(U, Vt);
  // The plain sum where it is in range (the bits streamed runs have always reported), else the scaled one.
  const normFrobenius = normSq < Infinity && normSq > 2 ** -960 ? Math.sqrt(normSq) : norm.sqrt();
  return { U, S, Vt, normFrobenius, error, sketchSize: l, passes: reads };
}

/**
 * The power-of-two exponent by which the streamed SVD divides Z, from ‖A‖_F (summed scaled): 0 while
 * ‖A‖_F ∈ [2⁻⁴⁰⁰, 2⁴⁰⁰] for float64 blocks ([2⁻⁴⁰, 2⁴⁰] for float32 blocks, whose products run in
 * float32), so that A_bᵀ(A_b·Z) ≈ ‖A‖²_F stays far from the dtype's overflow and subnormals; else
 * ⌈log₂ ‖A‖_F⌉ + 4, which brings A·Z below 1/16 and A_bᵀ(A_b·Z) near ‖A‖_F/16.
 * @throws {@link LowRankError} `E_UNSUPPORTED` when ‖A‖_F itself is beyond float64's range.
 */
function streamShift(norm: ScaledSumOfSquares, dtype: DType, n: number, m: number): number {
  if (norm.isZero()) return 0;
  const log2Norm = norm.log2Sqrt();
  if (!(norm.sqrt() < Infinity)) {
    throw new LowRankError('E_UNSUPPORTED', `streamed SVD: ‖A‖_F of the ${n}×${m} matrix (2^${log2Norm.toFixed(1)}) is beyond float64's range: scale the data down`);
  }
  const safe = dtype === 'float32' ? 40 : 400;
  return Math.abs(log2Norm) <= safe ? 0 : Math.ceil(log2Norm) + 4;
}

/**
 * Refuses products that left the range even scaled (float32 blocks of entries near float32's
 * largest, whose ‖A‖_F float32 cannot hold) with the dtype and the way out, instead of passing ±∞
 * to the QR (whose message would speak of missing entries).
 */
function checkProducts(x: Float64Array, shift: number, dtype: DType, n: number, m: number): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new LowRankError('E_UNSUPPORTED', `streamed SVD: the ${dtype} products of the ${n}×${m} matrix are beyond ${dtype}'s range even scaled by 2^${-shift}${dtype === 'float32' ? ': convert the data to float64' : ''}`);
    }
  }
}

/** 2^e·Z as a new matrix (exact: a power of two). */
function scaledColumns(z: Matrix, e: number): Matrix {
  const out = new Float64Array(z.data);
  scalePow2(out, e);
  return new Matrix(z.rows, z.cols, out);
}

/** The first k columns of a matrix, as a new float64 matrix. */
export function takeColumns(a: Matrix, k: number): Matrix {
  const out = new Float64Array(a.rows * k);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = a.data[i * a.cols + j];
  return new Matrix(a.rows, k, out);
}

/** Z (m×l) times the first k rows of Wᵀ given as Vt (l×l): Z·Vtᵀ[:, :k], m×k. */
function matmulSmall(z: Matrix, vt: Matrix, k: number, backend: Backend): Matrix {
  const out = Matrix.zeros(z.rows, k);
  backend.gemm({ transA: false, transB: true, m: z.rows, n: k, k: z.cols, alpha: 1, a: z.data, lda: z.cols, b: vt.data, ldb: vt.cols, beta: 0, c: out.data, ldc: k });
  return out;
}
