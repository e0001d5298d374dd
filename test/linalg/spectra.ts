/** Test helpers for the randomized SVD tests: matrices with known spectra and exact errors. */
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { matmul } from '../../src/linalg/matmul.js';
import { qr } from '../../src/linalg/qr.js';

/** A rows×cols matrix of N(0, std²) draws. */
export function randn(rows: number, cols: number, seed: number, std = 1): Matrix {
  const m = Matrix.zeros(rows, cols);
  new Rng(seed).fillNormal(m.data, 0, std);
  return m;
}

/** U·diag(s)·Vᵀ with random orthonormal U (n×r), V (m×r), r = s.length ≤ min(n, m): its singular values are exactly s (sorted). */
export function withSpectrum(n: number, m: number, s: ArrayLike<number>, seed: number): Matrix {
  const r = s.length;
  const u = qr(randn(n, r, seed)).Q;
  const v = qr(randn(m, r, seed + 1)).Q;
  for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) u.data[i * r + j] *= s[j];
  return matmul(u, v, { transB: true });
}

/** A + B, element-wise (new matrix). */
export function add(a: Matrix, b: Matrix): Matrix {
  const out = a.clone();
  for (let i = 0; i < out.data.length; i++) out.data[i] += b.data[i];
  return out;
}

/** ‖A − U·diag(S)·Vt‖_F by plain loops over the full product (small matrices only). */
export function svdError(a: Matrix, u: Matrix, s: ArrayLike<number>, vt: Matrix): number {
  const k = u.cols;
  let ss = 0;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      let x = 0;
      for (let l = 0; l < k; l++) x += u.data[i * k + l] * s[l] * vt.data[l * a.cols + j];
      const d = a.data[i * a.cols + j] - x;
      ss += d * d;
    }
  }
  return Math.sqrt(ss);
}

/** ‖A − U·V‖_F by plain loops (small matrices only). */
export function factorError(a: Matrix, u: Matrix, v: Matrix): number {
  const k = u.cols;
  let ss = 0;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      let x = 0;
      for (let l = 0; l < k; l++) x += u.data[i * k + l] * v.data[l * a.cols + j];
      const d = a.data[i * a.cols + j] - x;
      ss += d * d;
    }
  }
  return Math.sqrt(ss);
}

/** √(Σ_{i>k} sᵢ²). */
export function tail(s: ArrayLike<number>, k: number): number {
  let t = 0;
  for (let i = s.length - 1; i >= k; i--) t += s[i] * s[i];
  return Math.sqrt(t);
}

/** Largest |x| over a matrix's entries of X − Y. */
export function maxAbsDiff(x: Matrix, y: Matrix): number {
  let d = 0;
  for (let i = 0; i < x.data.length; i++) d = Math.max(d, Math.abs(x.data[i] - y.data[i]));
  return d;
}

/** ‖QᵀQ − I‖_max for Q with orthonormal columns. */
export function orthonormalityDefect(q: Matrix): number {
  const g = matmul(q, q, { transA: true });
  let d = 0;
  for (let i = 0; i < g.rows; i++) for (let j = 0; j < g.cols; j++) d = Math.max(d, Math.abs(g.data[i * g.cols + j] - (i === j ? 1 : 0)));
  return d;
}
