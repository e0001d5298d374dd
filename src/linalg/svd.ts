import { LowRankError } from '../core/errors.js';
import { Matrix, assertFinite } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { householderQr, norm2 } from './qr.js';
import { svdFlip } from './svd-flip.js';
import { lapackSvd, lapackSvdAsync, lapackSvdBackend, type SvdAlgorithm } from './svd-lapack.js';
import { scalePow2 } from './norms.js';

/**
 * Exact dense SVD by the one-sided Jacobi method with QR preconditioning.
 *
 * Algorithm (after Drmač & Veselić, "New fast and accurate Jacobi SVD algorithm I/II", SIAM
 * J. Matrix Anal. Appl. 29(4), 2008 — the method of LAPACK `dgejsv`, simplified):
 *
 * 1. Work on A (n ≥ m) or on Aᵀ (wide A). Scale by a power of two so that max |aᵢⱼ| ∈ (½, 1]
 *    (exact; avoids overflow/underflow of squared norms).
 * 2. Column-pivoted Householder QR: A·P = Q·R, R m×m upper triangular with decreasing
 *    diagonal ({@link householderQr} with `pivoting`).
 * 3. One-sided (Hestenes 1958) Jacobi on G = Rᵀ: plane rotations orthogonalize pairs of
 *    columns of G until every pair satisfies |g_pᵀg_q| ≤ tol·‖g_p‖‖g_q‖, tol = √m·ε (the
 *    relative criterion of `dgesvj`). Row-cyclic order with de Rijk's (1989) pivoting: at each
 *    step the remaining column of largest norm is moved forward. Then G·V₁ = U₁Σ for an
 *    orthogonal V₁ (never formed), σ_k = ‖g_k‖ and U₁'s columns are the normalized g_k. Pivoted
 *    QR makes Rᵀ's columns graded and closer to orthogonal, which speeds convergence
 *    (Drmač & Veselić 2008, §4).
 * 4. R = V₁ΣU₁ᵀ, so A = (Q·V₁) Σ (P·U₁)ᵀ: V = P·U₁. V₁ is recovered from R·U₁ = V₁Σ by a
 *    QR factorization (columns sorted by σ), instead of accumulating every rotation (which
 *    would cost a third of all Jacobi flops); then U = Q·V₁ by compact-WY GEMMs.
 *
 * Accuracy: one-sided Jacobi has high *relative* accuracy for the singular values (Demmel &
 * Veselić 1992): small σ of matrices with well-conditioned scaled columns come out to nearly
 * full relative precision, not merely to ε·σ₁. The right vectors inherit the Jacobi accuracy;
 * the left vectors have the usual backward-stable accuracy (ε·σ₁/gap). U and V are orthonormal
 * to working precision in all cases, and ‖A − U·diag(S)·Vt‖ = O(ε·σ₁).
 *
 * The working storage keeps each column of G as one contiguous row, so each rotation is one
 * pass over contiguous memory (the dot product of the next pair is fused into that pass).
 */

/** A thin SVD `A = U·diag(S)·Vt` of an n×m matrix, r = min(n, m). */
export interface ThinSvd {
  /** n×r, orthonormal columns (left singular vectors), float64. */
  U: Matrix;
  /** The r singular values, descending, ≥ 0. */
  S: Float64Array;
  /** r×m, orthonormal rows (right singular vectors, transposed), float64. */
  Vt: Matrix;
}

/** Options of {@link svd} and {@link truncatedSvd}. */
export interface SvdOptions {
  /** Kernel tier: its LAPACK SVD when it has one, else its GEMMs for the QR step (default: the current backend). */
  backend?: Backend;
  /**
   * `auto` (default): the backend's dense SVD kernel when it has one — LAPACK's
   * divide-and-conquer `dgesdd` on the native tier (numpy.linalg.svd's routine), Golub–Reinsch
   * (bidiagonalization + implicit-shift QR, SIMD128) on the WebAssembly tier — else the one-sided
   * Jacobi below. `jacobi`: always Jacobi (high relative accuracy for small singular values).
   * `lapack`: require the backend's kernel.
   */
  algorithm?: SvdAlgorithm;
  /**
   * Cap on Jacobi sweeps (default 60). Preconditioned Jacobi typically needs 4–10 sweeps;
   * `dgesvj` caps at 30. Exceeding the cap throws `E_DIVERGED`.
   */
  maxSweeps?: number;
}

const EPS = 2 ** -52;
/** Columns whose squared norm is below this (σ < 2⁻⁴⁵⁰ ≈ 3.5e−136 after scaling to max|a| ≈ 1) count as exactly zero. */
const TINY2 = 2 ** -900;
const DEFAULT_MAX_SWEEPS = 60;

/**
 * Exact thin SVD of a dense n×m matrix: `A = U·diag(S)·Vt` with U n×r and Vt r×m having
 * orthonormal columns / rows, S descending, r = min(n, m). Computed in float64 (float32 input
 * is converted). Singular vectors are sign-normalized with {@link svdFlip} (largest-|·| entry
 * of each U column positive). For rank-deficient input the vectors of zero singular values
 * are completed to orthonormal sets, so U and V stay orthonormal.
 *
 * Algorithm: one-sided Jacobi (Hestenes) with de Rijk pivoting, preconditioned by column-
 * pivoted QR (Drmač & Veselić 2008; LAPACK `dgejsv`/`dgesvj`); wide matrices are handled
 * through their transpose. Cost O(n·m² + sweeps·m³) for n ≥ m, m³ for the Jacobi part
 * dominating on square input; for large matrices prefer randomized SVD when a low rank
 * suffices. With `algorithm: 'auto'` a backend's own SVD kernel runs instead: LAPACK's `dgesdd`
 * on the native tier, Golub–Reinsch on the WebAssembly tier (same absolute accuracy, ε·σ₁).
 *
 * @param a n×m matrix, float32 or float64, finite. 0-size inputs give empty factors.
 * @param options `backend` (kernel tier), `algorithm` (`'auto'` uses the backend's LAPACK SVD
 *   when it has one), `maxSweeps` (Jacobi sweep cap).
 * @returns `{ U: n×r, S: r, Vt: r×m }`, all float64.
 * @throws {@link LowRankError} `E_NONFINITE` when A holds NaN or ±Inf.
 * @throws {@link LowRankError} `E_DIVERGED` when Jacobi does not converge within `maxSweeps`.
 * @throws {@link LowRankError} `E_UNSUPPORTED` when σ₁ is beyond float64's range (entries near its largest).
 * @throws {@link LowRankError} `E_ARG` when `maxSweeps` is not a positive integer or `algorithm` unknown.
 * @throws {@link LowRankError} `E_UNSUPPORTED` when `algorithm: 'lapack'` meets a backend without LAPACK.
 * @example
 * ```ts
 * const { U, S, Vt } = svd(Matrix.fromRows([[3, 0], [4, 5]]));
 * // S ≈ [√45, √5] = [6.7082…, 2.2360…]
 * ```
 */
export function svd(a: Matrix, options: SvdOptions = {}): ThinSvd {
  assertFinite(a, 'svd: matrix');
  const maxSweeps = checkMaxSweeps(options);
  const n = a.rows;
  const m = a.cols;
  const r = Math.min(n, m);
  if (r === 0) {
    return { U: Matrix.zeros(n, 0), S: new Float64Array(0), Vt: Matrix.zeros(0, m) };
  }
  const lapack = lapackSvdBackend(options);
  if (lapack) return inRange(lapackSvd(a, lapack), a);
  let U: Matrix;
  let Vt: Matrix;
  let S: Float64Array;
  if (n >= m) {
    ({ U, S, Vt } = jacobiTall(a.astype('float64'), options.backend, maxSweeps));
  } else {
    // A = (Aᵀ)ᵀ = (U'ΣV'ᵀ)ᵀ = V'ΣU'ᵀ.
    const t = jacobiTall(a.transpose().astype('float64'), options.backend, maxSweeps);
    U = t.Vt.transpose();
    Vt = t.U.transpose();
    S = t.S;
  }
  svdFlip(U, Vt);
  return inRange({ U, S, Vt }, a);
}

/**
 * `f` when its σ₁ is finite. A finite A can still have σ₁ beyond float64's largest (up to
 * √(n·m)·1.8e308): that is refused rather than returned as ∞ beside the other values and vectors,
 * which then carry no meaning (LAPACK rescales internally and returns noise there).
 * @throws {@link LowRankError} `E_UNSUPPORTED` naming the matrix's shape and largest entry.
 */
function inRange(f: ThinSvd, a: Matrix): ThinSvd {
  if (f.S.length > 0 && f.S[0] === Infinity) {
    let big = 0;
    for (let i = 0; i < a.data.length; i++) big = Math.max(big, Math.abs(a.data[i]));
    throw new LowRankError('E_UNSUPPORTED', `svd: the largest singular value of the ${a.rows}×${a.cols} matrix (largest entry ${big.toExponential(3)}) is beyond float64's range: scale the data down`);
  }
  return f;
}

/**
 * {@link svd} without blocking the event loop where the backend runs LAPACK on another thread
 * (the native tier: `dgesdd` on the libuv pool; `a` is copied first, so the caller may keep
 * using it). Elsewhere (the TypeScript tier, browsers) it computes {@link svd} on this thread.
 * Same arguments, result and errors as {@link svd}.
 * @example
 * ```ts
 * const { S } = await svdAsync(big); // timers and I/O keep running meanwhile
 * ```
 */
export async function svdAsync(a: Matrix, options: SvdOptions = {}): Promise<ThinSvd> {
  checkMaxSweeps(options);
  const lapack = lapackSvdBackend(options);
  if (!lapack || Math.min(a.rows, a.cols) === 0) return svd(a, options);
  assertFinite(a, 'svd: matrix');
  return inRange(await lapackSvdAsync(a, lapack), a);
}

/** {@link SvdOptions.maxSweeps} or its default, checked (every entry point checks it, whichever routine runs). */
function checkMaxSweeps(options: SvdOptions): number {
  const maxSweeps = options.maxSweeps ?? DEFAULT_MAX_SWEEPS;
  if (!Number.isInteger(maxSweeps) || maxSweeps < 1) {
    throw new LowRankError('E_ARG', `svd: maxSweeps must be a positive integer, got ${maxSweeps}`);
  }
  return maxSweeps;
}

/**
 * The k leading singular triplets of an n×m matrix (the best rank-k approximation in every
 * unitarily invariant norm: Eckart & Young 1936, Mirsky 1960): U n×k, S length k descending,
 * Vt k×m, float64, sign-normalized with {@link svdFlip}. Computed from the full exact
 * {@link svd}; for k ≪ min(n, m) on large matrices a randomized SVD is far cheaper.
 *
 * @param a n×m matrix, float32 or float64, finite.
 * @param k number of triplets, an integer in [1, min(n, m)].
 * @param options as for {@link svd}.
 * @returns `{ U: n×k, S: k, Vt: k×m }`, all float64.
 * @throws {@link LowRankError} `E_ARG` when k is not an integer in [1, min(n, m)].
 * @throws {@link LowRankError} `E_NONFINITE` when A holds NaN or ±Inf.
 * @throws {@link LowRankError} `E_DIVERGED` when Jacobi does not converge.
 * @example
 * ```ts
 * const { U, S, Vt } = truncatedSvd(a, 10); // a: 100×50 → U 100×10, S 10, Vt 10×50
 * ```
 */
export function truncatedSvd(a: Matrix, k: number, options: SvdOptions = {}): ThinSvd {
  const r = Math.min(a.rows, a.cols);
  if (!Number.isInteger(k) || k < 1 || k > r) {
    const range = r >= 1 ? `an integer in [1, ${r}] (min of the ${a.rows}×${a.cols} matrix's dimensions)` : `at least 1, but the ${a.rows}×${a.cols} matrix is empty`;
    throw new LowRankError('E_ARG', `rank k must be ${range}, got ${k}`);
  }
  const full = svd(a, options);
  if (k === r) return full;
  const n = a.rows;
  const m = a.cols;
  const u = new Float64Array(n * k);
  const ud = full.U.data;
  for (let i = 0; i < n; i++) u.set(ud.subarray(i * r, i * r + k), i * k);
  return {
    U: new Matrix(n, k, u),
    S: full.S.slice(0, k),
    Vt: new Matrix(k, m, full.Vt.data.slice(0, k * m)),
  };
}

// ---------------------------------------------------------------------------------------------

/** SVD of a float64 n×m matrix with n ≥ m ≥ 1 (x is scratch: it is scaled in place). */
function jacobiTall(x: Matrix, backend: Backend | undefined, maxSweeps: number): ThinSvd {
  const n = x.rows;
  const m = x.cols;
  const data = x.data as Float64Array;

  // 1. Scale so that max |a| ∈ (½, 1].
  let maxAbs = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Math.abs(data[i]);
    if (v > maxAbs) maxAbs = v;
  }
  let e = 0;
  if (maxAbs > 0) {
    e = Math.ceil(Math.log2(maxAbs));
    // log2 may be off by one near powers of two; fix so that 2^(e-1) < maxAbs ≤ 2^e.
    if (2 ** e < maxAbs) e++;
    else if (e > -1074 && 2 ** (e - 1) >= maxAbs) e--;
    scalePow2(data, -e);
  }

  // 2. A·P = Q·R with column pivoting.
  const f = householderQr(x, { pivoting: true, backend });
  const R = f.R().data; // m×m
  const perm = f.perm as Int32Array;

  // 3. One-sided Jacobi on G = Rᵀ: row j of `w` (m×m) is column j of G. Rotations are not
  //    accumulated (see step 5).
  const w = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const wi = i * m;
    for (let c = i; c < m; c++) w[wi + c] = R[i * m + c];
  }
  jacobiSweeps(w, m, maxSweeps);

  // 4. Singular values, sorted descending; U₁ᵀ (rows = normalized columns of G).
  const sigma = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const s = norm2(w, j * m, m);
    sigma[j] = s * s < TINY2 ? 0 : s;
  }
  const idx = Array.from({ length: m }, (_, j) => j);
  idx.sort((p, q) => sigma[q] - sigma[p] || p - q);
  const u1t = new Float64Array(m * m);
  let nonNull = 0;
  for (let k = 0; k < m; k++) {
    const j = idx[k];
    const s = sigma[j];
    if (s === 0) continue;
    nonNull = k + 1;
    const inv = 1 / s;
    const wj = j * m;
    const row = k * m;
    for (let i = 0; i < m; i++) u1t[row + i] = w[wj + i] * inv;
  }
  completeOrthonormalRows(u1t, m, m, nonNull);
  // V = P·U₁: Vt[k, perm[i]] = U₁[i, k].
  const vt = new Float64Array(m * m);
  for (let k = 0; k < m; k++) {
    const row = k * m;
    for (let i = 0; i < m; i++) vt[row + perm[i]] = u1t[row + i];
  }

  // 5. Left vectors. R = V₁ΣU₁ᵀ gives R·U₁ = V₁Σ: X = R·U₁ has columns σ_k·v₁ₖ (to within
  //    ε·σ₁), so V₁ is X's orthonormal QR factor with R_X's diagonal signs made positive
  //    (columns in descending σ order, so small columns are orthogonalized against large
  //    ones). This replaces accumulating every rotation (a third of the Jacobi flops); V₁ is
  //    orthonormal to working precision and vectors of tiny or zero σ are completed by the QR.
  const xr = new Float64Array(m * m);
  const be = backend ?? getBackend();
  be.gemm({ transA: false, transB: true, m, n: m, k: m, alpha: 1, a: R, lda: m, b: u1t, ldb: m, beta: 0, c: xr, ldc: m });
  const fx = householderQr(new Matrix(m, m, xr), { backend: be });
  const v1 = fx.Q().data;
  const dx = fx.diagR();
  for (let k = 0; k < m; k++) {
    if (dx[k] < 0) for (let i = 0; i < m; i++) v1[i * m + k] = -v1[i * m + k];
  }
  // U = Q·[V₁; 0].
  const b = new Float64Array(n * m);
  b.set(v1);
  const U = f.applyQ(new Matrix(n, m, b));

  const S = new Float64Array(m);
  for (let k = 0; k < m; k++) S[k] = sigma[idx[k]];
  if (e !== 0) scalePow2(S, e);
  return { U, S, Vt: new Matrix(m, m, vt) };
}

/**
 * Runs one-sided Jacobi sweeps on the m columns of G stored as the rows of `w` (m×m) until
 * no pair needs a rotation: |g_pᵀg_q| ≤ √m·ε·‖g_p‖‖g_q‖ for all p ≠ q.
 * @throws {@link LowRankError} `E_DIVERGED` after `maxSweeps` sweeps without convergence.
 */
function jacobiSweeps(w: Float64Array, m: number, maxSweeps: number): void {
  if (m < 2) return;
  const L = m;
  const tol = Math.sqrt(m) * EPS;
  const nrm = new Float64Array(m);
  const dot = (p: number, q: number): number => {
    let s = 0;
    for (let i = 0; i < m; i++) s += w[p + i] * w[q + i];
    return s;
  };
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    for (let j = 0; j < m; j++) nrm[j] = dot(j * L, j * L);
    let rotations = 0;
    for (let p = 0; p < m - 1; p++) {
      // de Rijk: bring the remaining column of largest norm to position p.
      let best = p;
      for (let q = p + 1; q < m; q++) if (nrm[q] > nrm[best]) best = q;
      if (best !== p) {
        const rp = p * L;
        const rb = best * L;
        for (let i = 0; i < L; i++) {
          const t = w[rp + i];
          w[rp + i] = w[rb + i];
          w[rb + i] = t;
        }
        const t = nrm[p];
        nrm[p] = nrm[best];
        nrm[best] = t;
      }
      const rp = p * L;
      // g_pᵀg_q for the next q, computed inside the previous rotation's loop (fusing the dot
      // into the rotation saves a pass over row p: ~1.4× faster); NaN when not available.
      let carried = NaN;
      for (let q = p + 1; q < m; q++) {
        const rq = q * L;
        let g = carried;
        carried = NaN;
        const a = nrm[p];
        const b = nrm[q];
        if (a < TINY2 || b < TINY2) continue;
        if (g !== g) {
          g = 0;
          for (let i = 0; i < m; i++) g += w[rp + i] * w[rq + i];
        }
        if (Math.abs(g) <= tol * Math.sqrt(a) * Math.sqrt(b)) continue;
        // Rotation [x y] ← [x y]·[[c, s], [−s, c]] zeroing xᵀy: t = tan θ, the smaller root of
        // t² + 2ζt − 1 = 0 with ζ = (β − α)/(2γ) (Rutishauser's formulas).
        const zeta = (b - a) / (2 * g);
        const az = Math.abs(zeta);
        let t = az > 1e150 ? 0.5 / az : 1 / (az + Math.sqrt(1 + az * az));
        if (zeta < 0) t = -t;
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        if (q + 1 < m) {
          const rn = rq + L;
          let gn = 0;
          for (let i = 0; i < m; i++) {
            const x = w[rp + i];
            const y = w[rq + i];
            const xn = c * x - s * y;
            w[rp + i] = xn;
            w[rq + i] = s * x + c * y;
            gn += xn * w[rn + i];
          }
          carried = gn;
        } else {
          for (let i = 0; i < m; i++) {
            const x = w[rp + i];
            const y = w[rq + i];
            w[rp + i] = c * x - s * y;
            w[rq + i] = s * x + c * y;
          }
        }
        // Exact-arithmetic updates α' = α − tγ, β' = β + tγ; recompute on heavy cancellation.
        let na = a - t * g;
        let nb = b + t * g;
        if (!(na >= 0.5 * a)) na = dot(rp, rp);
        if (!(nb >= 0.5 * b)) nb = dot(rq, rq);
        nrm[p] = na;
        nrm[q] = nb;
        rotations++;
      }
    }
    if (rotations === 0) return;
  }
  throw new LowRankError('E_DIVERGED', `svd: one-sided Jacobi did not converge in ${maxSweeps} sweeps (m = ${m})`);
}

/**
 * Completes rows `from … rows−1` of the row-major rows×m buffer `v` so that all rows are
 * orthonormal, given that rows 0 … from−1 already are: each new row starts from the unit
 * vector e_i least covered by the existing rows and is orthogonalized twice (classical
 * Gram–Schmidt with reorthogonalization, "twice is enough": Giraud et al. 2005).
 */
function completeOrthonormalRows(v: Float64Array, rows: number, m: number, from: number): void {
  if (from >= rows) return;
  const resid = new Float64Array(m).fill(1);
  for (let k = 0; k < from; k++) {
    for (let i = 0; i < m; i++) resid[i] -= v[k * m + i] * v[k * m + i];
  }
  for (let k = from; k < rows; k++) {
    let best = 0;
    for (let i = 1; i < m; i++) if (resid[i] > resid[best]) best = i;
    const row = k * m;
    v.fill(0, row, row + m);
    v[row + best] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let l = 0; l < k; l++) {
        const rl = l * m;
        let d = 0;
        for (let i = 0; i < m; i++) d += v[rl + i] * v[row + i];
        if (d !== 0) for (let i = 0; i < m; i++) v[row + i] -= d * v[rl + i];
      }
    }
    const nv = norm2(v, row, m);
    for (let i = 0; i < m; i++) v[row + i] /= nv;
    for (let i = 0; i < m; i++) resid[i] -= v[row + i] * v[row + i];
  }
}
