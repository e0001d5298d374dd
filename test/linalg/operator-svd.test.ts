import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { CsrMatrix, cooMatrix } from '../../src/core/sparse.js';
import { parseMatrixMarket } from '../../src/io/matrix-market.js';
import { matmul } from '../../src/linalg/matmul.js';
import { operatorSvd } from '../../src/linalg/operator-svd.js';
import { matrixOperator } from '../../src/linalg/randomized-range.js';
import { centeredOperator, centeredSquaredNorm, csrOperator, sparseColumnMeans } from '../../src/linalg/sparse-operator.js';
import { svd } from '../../src/linalg/svd.js';
import { explainedVarianceRatio } from '../../src/metrics/explained-variance.js';
import { assertLowRankError, columnOrthonormalityError } from '../helpers.js';

const DIR = fileURLToPath(new URL('../fixtures/sparse/', import.meta.url));
interface Entry {
  file: string;
  shape: [number, number];
  singularValues: number[];
  pca: { k: number; singularValues: number[]; explainedVarianceRatio: number[] };
}
const manifest = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as Entry[];

function randomSparse(n: number, m: number, density: number, seed: number): CsrMatrix {
  const rng = new Rng(seed);
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if (rng.uniform() < density) { r.push(i); c.push(j); v.push(rng.normal() + 1); }
  return CsrMatrix.fromCoo(cooMatrix(n, m, Int32Array.from(r), Int32Array.from(c), Float64Array.from(v)));
}

describe('sparse operators', () => {
  test('csrOperator products equal the dense products', () => {
    const a = randomSparse(23, 17, 0.2, 1);
    const d = a.toDense(0);
    const x = new Matrix(17, 3, new Float64Array(51).map((_, i) => Math.sin(i)));
    const y = new Matrix(23, 3, new Float64Array(69).map((_, i) => Math.cos(i)));
    const op = csrOperator(a);
    const ax = matmul(d, x);
    const aty = matmul(d, y, { transA: true });
    op.apply(x).data.forEach((v, i) => assert.ok(Math.abs(v - ax.data[i]) <= 1e-12 * (1 + Math.abs(ax.data[i]))));
    op.applyT(y).data.forEach((v, i) => assert.ok(Math.abs(v - aty.data[i]) <= 1e-12 * (1 + Math.abs(aty.data[i]))));
    assertLowRankError(() => op.apply(y), 'E_SHAPE', 'expected 17 rows');
  });

  test('centeredOperator equals the products of the explicitly centered matrix', () => {
    const a = randomSparse(19, 11, 0.3, 2);
    const mu = sparseColumnMeans(a);
    const d = a.toDense(0);
    const c = d.clone();
    for (let i = 0; i < 19; i++) for (let j = 0; j < 11; j++) c.data[i * 11 + j] -= mu[j];
    const op = centeredOperator(csrOperator(a), mu);
    const x = new Matrix(11, 2, new Float64Array(22).map((_, i) => i - 7));
    const y = new Matrix(19, 2, new Float64Array(38).map((_, i) => 1 / (i + 1)));
    const cx = matmul(c, x);
    const cty = matmul(c, y, { transA: true });
    op.apply(x).data.forEach((v, i) => assert.ok(Math.abs(v - cx.data[i]) <= 1e-12 * (1 + Math.abs(cx.data[i]))));
    op.applyT(y).data.forEach((v, i) => assert.ok(Math.abs(v - cty.data[i]) <= 1e-12 * (1 + Math.abs(cty.data[i]))));
    let total = 0;
    for (const v of c.data) total += v * v;
    assert.ok(Math.abs(centeredSquaredNorm(a, mu) - total) <= 1e-12 * total);
  });
});

describe('operatorSvd', () => {
  test('on a sparse matrix: the singular values of numpy (fixture), orthonormal factors', () => {
    const e = manifest.find((x) => x.file === 'general.mtx')!;
    const mm = parseMatrixMarket(readFileSync(`${DIR}${e.file}`, 'utf8'));
    assert.equal(mm.format, 'coordinate');
    const a = mm.matrix as CsrMatrix;
    const k = 5;
    const r = operatorSvd(csrOperator(a), k, { seed: 3, powerIters: 6 });
    // The top 5 of this rank-6-plus-holes matrix separate well: 6 power iterations give them to ~1e-9.
    for (let i = 0; i < k; i++) assert.ok(Math.abs(r.S[i] - e.singularValues[i]) <= 1e-8 * e.singularValues[0], `σ${i + 1}: ${r.S[i]} vs ${e.singularValues[i]}`);
    assert.ok(columnOrthonormalityError(r.U) < 1e-12);
    assert.ok(columnOrthonormalityError(r.Vt.transpose()) < 1e-12);
    // error identity: ‖A − U S Vt‖² = ‖A‖² − Σσ² (Eckart–Young bound from numpy's spectrum)
    const d = a.toDense(0);
    const us = r.U.clone();
    for (let i = 0; i < us.rows; i++) for (let j = 0; j < k; j++) us.data[i * k + j] *= r.S[j];
    const approx = matmul(us, r.Vt);
    let err = 0;
    d.data.forEach((v, i) => (err += (v - approx.data[i]) ** 2));
    const optimum = e.singularValues.slice(k).reduce((s, x) => s + x * x, 0);
    assert.ok(err >= optimum * (1 - 1e-9), 'never below the Eckart–Young optimum');
    assert.ok(err <= optimum * (1 + 1e-6), `${err} vs optimum ${optimum}`);
  });

  test('a wide operator is handled through its transpose', () => {
    const a = randomSparse(8, 40, 0.4, 4);
    const r = operatorSvd(csrOperator(a), 3, { powerIters: 8 });
    const exact = svd(a.toDense(0)).S;
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.S[i] - exact[i]) <= 1e-8 * exact[0]);
    assert.deepEqual([r.U.rows, r.U.cols, r.Vt.rows, r.Vt.cols], [8, 3, 3, 40]);
  });

  test('agrees with the dense operator on the same matrix', () => {
    const a = randomSparse(30, 20, 0.5, 5);
    const s1 = operatorSvd(csrOperator(a), 4, { seed: 9 }).S;
    const s2 = operatorSvd(matrixOperator(a.toDense(0)), 4, { seed: 9 }).S;
    s1.forEach((v, i) => assert.ok(Math.abs(v - s2[i]) <= 1e-10 * s1[0]));
  });

  test('refuses a rank outside [1, min(n, m)]', () => {
    assertLowRankError(() => operatorSvd(csrOperator(randomSparse(5, 4, 0.5, 6)), 5), 'E_ARG', 'rank must be an integer in [1, 4]');
  });

  for (const e of manifest.filter((x) => x.file === 'general.mtx' || x.file === 'pattern.mtx')) {
    test(`PCA of sparse ${e.file} without densifying: scikit-learn's singular values and explained_variance_ratio_`, () => {
      const a = parseMatrixMarket(readFileSync(`${DIR}${e.file}`, 'utf8')).matrix as CsrMatrix;
      const mu = sparseColumnMeans(a);
      const r = operatorSvd(centeredOperator(csrOperator(a), mu), e.pca.k, { seed: 1, powerIters: 10 });
      const ratio = explainedVarianceRatio(r.S, centeredSquaredNorm(a, mu));
      for (let i = 0; i < e.pca.k; i++) {
        assert.ok(Math.abs(r.S[i] - e.pca.singularValues[i]) <= 1e-6 * e.pca.singularValues[0], `σ${i + 1}: ${r.S[i]} vs sklearn ${e.pca.singularValues[i]}`);
        assert.ok(Math.abs(ratio[i] - e.pca.explainedVarianceRatio[i]) <= 1e-6, `ratio ${i + 1}: ${ratio[i]} vs sklearn ${e.pca.explainedVarianceRatio[i]}`);
      }
    });
  }
});
