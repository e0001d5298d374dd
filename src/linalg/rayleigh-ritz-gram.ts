/**
 * Rayleigh–Ritz from the eigenpairs of the Gram matrix ZᵀZ that the adaptive block Krylov stop
 * has already computed, instead of factoring Z again.
 *
 * @module
 */
import { Matrix } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import type { SymmetricEigen } from './eigh.js';
import { dtypeEpsilon } from './tolerance.js';

/**
 * The Gram path is taken only when σ̂_k ≥ this fraction of σ̂₁. Squaring costs accuracy relative to
 * the largest value: eigenvalues of ZᵀZ carry an absolute error ≈ ε·σ̂₁², so σ̂ᵢ has a relative
 * error ≈ ε·(σ̂₁/σ̂ᵢ)² and the left vectors Z·vᵢ/σ̂ᵢ lose orthogonality by about as much: at a
 * ratio of 1e−2 that is ≈ 2e−12, at the level of the QR path's rounding on these sizes. Below it
 * (rank-deficient input, steep spectra) the caller factors Z as usual.
 */
export const GRAM_RITZ_MIN_RATIO = 1e-2;

/**
 * Rayleigh–Ritz on an orthonormal basis K (n×L) given Z = op(A)ᵀ·K (m×L) and the eigenpairs of
 * ZᵀZ = Vz·Σ²·Vzᵀ: op(A) ≈ K·Kᵀ·op(A) = K·Zᵀ = (K·Vz)·Σ·(Z·Vz·Σ⁻¹)ᵀ (Halko et al. 2011, Alg. 5.1,
 * with the SVD of Z read off its Gram matrix). Returns what `rayleighRitz` returns — the first
 * `count` left vectors K·Vz (n×count) and right vectors Z·Vz·Σ⁻¹ (m×count) as float64, and all L
 * values σ̂ descending — or undefined when σ̂_count < {@link GRAM_RITZ_MIN_RATIO}·σ̂₁ (the caller
 * then factors Z). The trailing values below √(L·ε)·σ̂₁, where squaring leaves only rounding, are
 * reported as 0, which keeps each a lower bound of its singular value.
 *
 * Cost: two GEMMs (n·L·count and m·L·count flops) instead of a QR of Z, an L×L SVD and the
 * product with Q.
 *
 * @example
 * ```ts
 * const basis = blockKrylov(a, 40, 4, { tolRitz: 2e-4, wanted: 20 });
 * const rr = basis.gram && rayleighRitzFromGram(basis.K, basis.AtK, basis.gram, 20, getBackend());
 * ```
 */
export function rayleighRitzFromGram(K: Matrix, Z: Matrix, gram: SymmetricEigen, count: number, backend: Backend): { left: Matrix; right: Matrix; S: Float64Array } | undefined {
  const L = K.cols;
  const m = Z.rows;
  const n = K.rows;
  const w = gram.values; // ascending
  if (w.length !== L || count > L) return undefined;
  const top = Math.max(0, w[L - 1]);
  const kth = w[L - count];
  if (!(top > 0) || !(kth >= GRAM_RITZ_MIN_RATIO * GRAM_RITZ_MIN_RATIO * top)) return undefined;
  const S = new Float64Array(L);
  const floor = L * dtypeEpsilon('float64') * top;
  for (let i = 0; i < L; i++) {
    const v = w[L - 1 - i];
    S[i] = v > floor ? Math.sqrt(v) : 0;
  }
  // The `count` leading eigenvectors, descending, as an L×count matrix in K's and Z's dtypes.
  const vz = new Float64Array(L * count);
  const ev = gram.vectors.data;
  for (let r = 0; r < L; r++) for (let j = 0; j < count; j++) vz[r * count + j] = ev[r * L + (L - 1 - j)];
  const product = (x: Matrix, rows: number): Matrix => {
    const v = x.dtype === 'float64' ? vz : Float32Array.from(vz);
    const out = Matrix.zeros(rows, count, x.dtype);
    backend.gemm({ transA: false, transB: false, m: rows, n: count, k: L, alpha: 1, a: x.data, lda: x.cols, b: v, ldb: count, beta: 0, c: out.data, ldc: count });
    return out.dtype === 'float64' ? out : out.astype('float64');
  };
  const left = product(K, n);
  const right = product(Z, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < count; j++) right.data[i * count + j] /= S[j];
  return { left, right, S };
}
