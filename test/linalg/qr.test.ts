import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { householderQr, orthonormalize, qr, QR_BLOCK } from '../../src/linalg/qr.js';
import { assertLowRankError, columnOrthonormalityError } from '../helpers.js';

const EPS = 2 ** -52;

// Plain-loop helpers, independent of the GEMM the QR uses.

function randn(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const m = Matrix.zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

function product(a: Matrix, b: Matrix): Matrix {
  assert.equal(a.cols, b.rows);
  const out = Matrix.zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let p = 0; p < a.cols; p++) {
      const x = a.data[i * a.cols + p];
      if (x === 0) continue;
      for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j] += x * b.data[p * b.cols + j];
    }
  }
  return out;
}

function maxAbsDiff(a: Matrix, b: Matrix): number {
  assert.deepEqual(a.shape, b.shape);
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}

function maxAbs(a: Matrix): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]));
  return worst;
}


/** A with its columns permuted: column i of the result is column perm[i] of A. */
function permuteColumns(a: Matrix, perm: Int32Array): Matrix {
  const out = Matrix.zeros(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) for (let c = 0; c < a.cols; c++) out.set(i, c, a.get(i, perm[c]));
  return out;
}

/**
 * Householder QR is backward stable: A + E = Q·R with ‖E‖ ≤ c·n·m·ε·‖A‖ (Higham, *Accuracy
 * and Stability*, Thm. 19.4) and Q orthonormal to c·n·ε. We allow 20·max(n,m)·ε·max|A| on the
 * entries of QR − A (observed errors are ~10× below) and 1e−13 on QᵀQ − I.
 */
function checkQr(a: Matrix, Q: Matrix, R: Matrix, label: string): void {
  const n = a.rows;
  const m = a.cols;
  const r = Math.min(n, m);
  assert.deepEqual(Q.shape, [n, r], `${label}: Q shape`);
  assert.deepEqual(R.shape, [r, m], `${label}: R shape`);
  assert.equal(Q.dtype, 'float64');
  assert.equal(R.dtype, 'float64');
  for (let i = 0; i < r; i++) for (let j = 0; j < Math.min(i, m); j++) assert.equal(R.get(i, j), 0, `${label}: R[${i}, ${j}] below the diagonal`);
  const eo = columnOrthonormalityError(Q);
  assert.ok(eo <= 1e-13, `${label}: ‖QᵀQ − I‖max = ${eo}`);
  const tol = 20 * Math.max(n, m, 1) * EPS * Math.max(maxAbs(a), Number.MIN_VALUE);
  const er = maxAbsDiff(product(Q, R), a);
  assert.ok(er <= tol, `${label}: ‖QR − A‖max = ${er} > ${tol}`);
}


describe('qr', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [5, 1],
    [1, 5],
    [60, 25],
    [25, 60],
    [40, 40],
    [100, 70], // three compact-WY blocks (32 + 32 + 6) and a trailing update
    [40, 100], // wide with trailing columns past the last reflector
    [2 * QR_BLOCK, 2 * QR_BLOCK], // block boundary exactly at the end
  ];
  for (const [n, m] of shapes) {
    test(`random ${n}×${m}: Q orthonormal, R upper triangular, QR = A`, () => {
      const a = randn(n, m, 17 + n * 3 + m);
      const { Q, R } = qr(a);
      checkQr(a, Q, R, `${n}×${m}`);
    });
  }

  test('hand case: [[3], [4]] = Q·R with |R| = 5', () => {
    const { Q, R } = qr(Matrix.fromRows([[3], [4]]));
    assert.ok(Math.abs(Math.abs(R.get(0, 0)) - 5) <= 4 * EPS);
    assert.ok(Math.abs(Q.get(0, 0) * R.get(0, 0) - 3) <= 8 * EPS);
    assert.ok(Math.abs(Q.get(1, 0) * R.get(0, 0) - 4) <= 8 * EPS);
  });

  test('tall-skinny 4000×60 (randomized-SVD shape)', () => {
    const a = randn(4000, 60, 4);
    const { Q, R } = qr(a);
    checkQr(a, Q, R, '4000×60');
  });

  test('rank-deficient 50×30 of rank 7: Q stays orthonormal, trailing R is at rounding level', () => {
    const a = product(randn(50, 7, 8), randn(7, 30, 9));
    const { Q, R } = qr(a);
    checkQr(a, Q, R, 'rank 7');
    const f = householderQr(a, { pivoting: true });
    const d = f.diagR();
    for (let i = 7; i < 30; i++) assert.ok(Math.abs(d[i]) <= 1e-12 * Math.abs(d[0]), `pivoted |R[${i},${i}]| = ${d[i]}`);
  });

  test('zero matrix and zero columns', () => {
    const z = Matrix.zeros(6, 4);
    const { Q, R } = qr(z);
    checkQr(z, Q, R, 'zeros');
    assert.equal(maxAbs(R), 0);
    const a = randn(7, 5, 10);
    for (let i = 0; i < 7; i++) a.set(i, 2, 0);
    const res = qr(a);
    checkQr(a, res.Q, res.R, 'zero column');
  });

  test('0-size inputs', () => {
    for (const [n, m] of [[0, 0], [0, 3], [3, 0]] as const) {
      const { Q, R } = qr(Matrix.zeros(n, m));
      assert.deepEqual(Q.shape, [n, 0]);
      assert.deepEqual(R.shape, [0, m]);
    }
  });

  test('float32 input is factored in float64', () => {
    const a = randn(30, 12, 21).astype('float32');
    const { Q, R } = qr(a);
    checkQr(a.astype('float64'), Q, R, 'float32');
  });

  test('NaN and Inf throw E_NONFINITE', () => {
    const a = randn(5, 3, 1);
    a.set(4, 2, NaN);
    assertLowRankError(() => qr(a), 'E_NONFINITE', 'NaN', 'row 4', 'column 2');
    const b = randn(3, 5, 1);
    b.set(0, 0, Infinity);
    assertLowRankError(() => orthonormalize(b), 'E_NONFINITE', 'Inf');
  });
});

describe('householderQr', () => {
  test('column pivoting: A·P = Q·R, |R₀₀| ≥ |R₁₁| ≥ …, perm is a permutation', () => {
    for (const [n, m] of [[45, 30], [30, 45], [70, 70]] as const) {
      const a = randn(n, m, 99 + n);
      const f = householderQr(a, { pivoting: true });
      const perm = f.perm as Int32Array;
      assert.deepEqual(Array.from(perm).sort((x, y) => x - y), Array.from({ length: m }, (_, i) => i));
      checkQr(permuteColumns(a, perm), f.Q(), f.R(), `pivoted ${n}×${m}`);
      const d = f.diagR();
      for (let i = 1; i < d.length; i++) assert.ok(Math.abs(d[i]) <= Math.abs(d[i - 1]) * (1 + 1e-12), `|R[${i},${i}]| non-increasing`);
    }
  });

  test('without pivoting perm is null', () => {
    assert.equal(householderQr(randn(4, 3, 2)).perm, null);
  });

  test('applyQ / applyQt: full Q is orthogonal, Qᵀ(QB) = B, Q·[I; 0] = thin Q', () => {
    const n = 80;
    const a = randn(n, 37, 5);
    const f = householderQr(a);
    const full = f.applyQ(Matrix.identity(n));
    assert.ok(columnOrthonormalityError(full) <= 1e-13);
    const thin = f.Q();
    for (let i = 0; i < n; i++) for (let j = 0; j < 37; j++) assert.ok(Math.abs(full.get(i, j) - thin.get(i, j)) <= 1e-14);
    const b = randn(n, 9, 6);
    const back = f.applyQt(f.applyQ(b));
    assert.ok(maxAbsDiff(back, b) <= 1e-13 * maxAbs(b));
    // Qᵀ·A = [R; 0].
    const qta = f.applyQt(a);
    const R = f.R();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 37; j++) {
        const want = i < 37 ? R.get(i, j) : 0;
        assert.ok(Math.abs(qta.get(i, j) - want) <= 1e-13 * maxAbs(a), `QᵀA[${i},${j}]`);
      }
    }
    assertLowRankError(() => f.applyQ(Matrix.zeros(n - 1, 2)), 'E_SHAPE', 'applyQ', `${n}`);
  });
});

describe('orthonormalize', () => {
  test('orthonormal basis of the column space (Q·Qᵀ·A = A); keeps the input dtype', () => {
    const a = randn(200, 15, 7);
    const q = orthonormalize(a);
    assert.deepEqual(q.shape, [200, 15]);
    assert.equal(q.dtype, 'float64');
    assert.ok(columnOrthonormalityError(q) <= 1e-13);
    // Projection residual A − Q(QᵀA).
    const qt = q.transpose();
    const proj = product(q, product(qt, a));
    assert.ok(maxAbsDiff(proj, a) <= 1e-12 * maxAbs(a));

    const q32 = orthonormalize(a.astype('float32'));
    assert.equal(q32.dtype, 'float32');
    assert.ok(columnOrthonormalityError(q32.astype('float64')) <= 1e-6);
    assert.equal(orthonormalize(a.astype('float32'), { dtype: 'float64' }).dtype, 'float64');
  });

  test('rank-deficient input still gives orthonormal columns', () => {
    const a = product(randn(40, 3, 1), randn(3, 10, 2));
    const q = orthonormalize(a);
    assert.deepEqual(q.shape, [40, 10]);
    assert.ok(columnOrthonormalityError(q) <= 1e-13);
  });
});
