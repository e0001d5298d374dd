import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { LowRankError } from '../../src/core/errors.js';
import { matmul } from '../../src/linalg/matmul.js';
import { blockKrylov } from '../../src/linalg/block-krylov.js';
import { luNormalize, matrixOperator, matrixRowsOperator, randomizedRangeFinder } from '../../src/linalg/randomized-range.js';
import { Matrix } from '../../src/core/matrix.js';
import { availableBackends } from '../backend/backends.js';
import { add, maxAbsDiff, orthonormalityDefect, randn } from './spectra.js';

/** ‖(I − QQᵀ)X‖_max: how much of X lies outside span(Q). */
function outside(q: ReturnType<typeof randn>, x: ReturnType<typeof randn>): number {
  const p = matmul(q, matmul(q, x, { transA: true }));
  return maxAbsDiff(x, p);
}

describe('randomized range finder (Halko et al. Alg. 4.4)', () => {
  test('captures the range of an exactly low-rank matrix, with orthonormal columns, for A and Aᵀ', () => {
    const a = matmul(randn(70, 6, 1), randn(6, 50, 2));
    for (const normalizer of ['qr', 'lu'] as const) {
      for (const q of [0, 1, 3]) {
        const Q = randomizedRangeFinder(a, 8, { powerIters: q, normalizer, seed: 5 });
        assert.deepEqual([Q.rows, Q.cols], [70, 8]);
        assert.ok(orthonormalityDefect(Q) < 1e-12);
        assert.ok(outside(Q, a) < 1e-10, `${normalizer} q=${q}`);
        const Qt = randomizedRangeFinder(a, 8, { powerIters: q, normalizer, seed: 5, transpose: true });
        assert.deepEqual([Qt.rows, Qt.cols], [50, 8]);
        assert.ok(outside(Qt, a.transpose()) < 1e-10);
      }
    }
  });

  test('power iterations tighten the basis on a noisy matrix', () => {
    const a = add(matmul(randn(200, 10, 3), randn(10, 150, 4)), randn(200, 150, 5, 2));
    const resid = (q: number): number => {
      const Q = randomizedRangeFinder(a, 12, { powerIters: q, seed: 1 });
      const r = matmul(Q, matmul(Q, a, { transA: true }));
      let s = 0;
      for (let i = 0; i < a.data.length; i++) s += (a.data[i] - r.data[i]) ** 2;
      return s;
    };
    assert.ok(resid(3) < resid(0));
  });

  test('luNormalize spans the same space with unit pivots', () => {
    const y = randn(30, 5, 9);
    const pl = luNormalize(y);
    assert.deepEqual([pl.rows, pl.cols], [30, 5]);
    for (let i = 0; i < pl.data.length; i++) assert.ok(Math.abs(pl.data[i]) <= 1 + 1e-15);
    // span(PL) = span(Y): Y lies in span(PL) (least squares through an orthonormal basis of PL).
    const Q = randomizedRangeFinder(pl, 5, { powerIters: 0 });
    assert.ok(outside(Q, y) < 1e-12);
    // Rank-deficient: still full column rank.
    const dep = matmul(randn(30, 2, 1), randn(2, 5, 2));
    const d = luNormalize(dep);
    const Qd = randomizedRangeFinder(d, 5, { powerIters: 0 });
    assert.ok(orthonormalityDefect(Qd) < 1e-12);
    assert.throws(() => luNormalize(randn(3, 5, 1)), (e: unknown) => e instanceof LowRankError && e.code === 'E_SHAPE');
  });

  test('matrixOperator applies A and Aᵀ through GEMM flags', () => {
    const a = randn(9, 6, 1);
    const x = randn(6, 2, 2);
    const y = randn(9, 2, 3);
    const op = matrixOperator(a);
    assert.ok(maxAbsDiff(op.apply(x), matmul(a, x)) < 1e-14);
    assert.ok(maxAbsDiff(op.applyT(y), matmul(a, y, { transA: true })) < 1e-14);
    const opT = matrixOperator(a, true);
    assert.deepEqual([opT.rows, opT.cols], [6, 9]);
    assert.ok(maxAbsDiff(opT.apply(y), matmul(a, y, { transA: true })) < 1e-14);
    assert.throws(() => op.apply(y), (e: unknown) => e instanceof LowRankError && e.code === 'E_SHAPE');
  });

  test('matrixRowsOperator gives the transposed products, on every tier, scaled, into a given buffer', () => {
    const a = randn(9, 6, 1);
    const x = randn(6, 3, 2);
    const y = randn(9, 3, 3);
    for (const backend of availableBackends()) {
      const op = matrixRowsOperator(a, false, backend, 0.5);
      const half = (m: ReturnType<typeof randn>) => new Matrix(m.rows, m.cols, m.data.map((v) => v / 2));
      assert.ok(maxAbsDiff(op.apply(x.transpose()), half(matmul(a, x).transpose())) < 1e-14, backend.name);
      assert.ok(maxAbsDiff(op.apply(x, true), half(matmul(a, x).transpose())) < 1e-14, `${backend.name} xTall`);
      const out = new Float64Array(5 * 6);
      const z = op.applyT(y.transpose(), out.subarray(6, 24)); // rows 1–3 of a 5×6 buffer
      assert.ok(maxAbsDiff(z, half(matmul(a, y, { transA: true }).transpose())) < 1e-14, `${backend.name} applyT`);
      assert.deepEqual([out[5], out[24]], [0, 0]);
      assert.ok(maxAbsDiff(new Matrix(3, 6, out.subarray(6, 24)), z) === 0);
      const opT = matrixRowsOperator(a, true, backend);
      assert.deepEqual([opT.rows, opT.cols], [6, 9]);
      assert.ok(maxAbsDiff(opT.apply(y.transpose()), matmul(a, y, { transA: true }).transpose()) < 1e-14);
      assert.ok(maxAbsDiff(opT.applyT(x.transpose()), matmul(a, x).transpose()) < 1e-14);
      assert.throws(() => op.apply(y.transpose()), (e: unknown) => e instanceof LowRankError && e.code === 'E_SHAPE');
    }
  });

  test('argument checks', () => {
    const a = randn(10, 8, 1);
    const isArg = (e: unknown): boolean => e instanceof LowRankError && e.code === 'E_ARG';
    assert.throws(() => randomizedRangeFinder(a, 0), isArg);
    assert.throws(() => randomizedRangeFinder(a, 9), isArg);
    assert.throws(() => randomizedRangeFinder(a, 3, { powerIters: -1 }), isArg);
  });
});

describe('block Krylov (Musco & Musco 2015, Alg. 2)', () => {
  test('the adaptive stop\'s Gram eigenpairs, as blockKrylov returns them, diagonalize AtKᵀ·AtK', () => {
    const a = add(matmul(randn(120, 8, 1), randn(8, 90, 2)), randn(120, 90, 3, 0.5));
    const { AtK, gram } = blockKrylov(a, 6, 3, { seed: 7, tolRitz: 1e9, wanted: 4 });
    assert.ok(gram);
    const g = matmul(AtK, AtK, { transA: true });
    const gv = matmul(g, gram.vectors);
    const L = g.rows;
    for (let j = 0; j < L; j++) {
      for (let i = 0; i < L; i++) assert.ok(Math.abs(gv.data[i * L + j] - gram.values[j] * gram.vectors.data[i * L + j]) <= 1e-10 * gram.values[L - 1], `G·v${j}`);
    }
    assert.ok(orthonormalityDefect(gram.vectors) < 1e-12);
  });

  test('K is orthonormal, AtK = AᵀK, 2q + 2 passes, and K contains the subspace iterate', () => {
    const a = add(matmul(randn(120, 8, 1), randn(8, 90, 2)), randn(120, 90, 3, 0.5));
    const { K, AtK, passes } = blockKrylov(a, 6, 3, { seed: 7 });
    assert.deepEqual([K.rows, K.cols, AtK.rows, AtK.cols], [120, 24, 90, 24]);
    assert.equal(passes, 8);
    assert.ok(orthonormalityDefect(K) < 1e-12);
    assert.ok(maxAbsDiff(AtK, matmul(a, K, { transA: true })) < 1e-10);
    const Q = randomizedRangeFinder(a, 6, { powerIters: 3, seed: 7 });
    assert.ok(outside(K, Q) < 1e-8, 'the subspace-iteration basis lies in the Krylov space');
  });

  test('stays orthonormal when the Krylov space stops growing (exactly low rank)', () => {
    const a = matmul(randn(60, 3, 4), randn(3, 50, 5));
    const { K, AtK } = blockKrylov(a, 4, 4, { seed: 1, normalizer: 'lu' });
    assert.equal(K.cols, 20);
    assert.ok(orthonormalityDefect(K) < 1e-10);
    assert.ok(maxAbsDiff(AtK, matmul(a, K, { transA: true })) < 1e-10);
    // A larger basis over a rank-5 matrix: after the first block every block is rounding noise
    // lying mostly in span(K); two Gram–Schmidt passes left K 8.5e-9 from orthonormal, three fix it.
    const b = matmul(randn(300, 5, 1), randn(5, 200, 2));
    const big = blockKrylov(b, 22, 4, { seed: 4 });
    assert.ok(orthonormalityDefect(big.K) < 1e-13, `defect ${orthonormalityDefect(big.K)}`);
  });

  test('rejects a basis larger than min(n, m)', () => {
    assert.throws(() => blockKrylov(randn(30, 20, 1), 6, 3), (e: unknown) => e instanceof LowRankError && e.code === 'E_ARG' && /exceeds min\(n, m\) = 20/.test(e.message));
  });
});
