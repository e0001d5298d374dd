import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { matmul } from '../../src/linalg/matmul.js';
import { svd } from '../../src/linalg/svd.js';
import { AUTO_EXACT_MAX_SIDE, autoFactorize, chooseMethod, exactFactorize, selectRank } from '../../src/methods/auto.js';
import { factorize } from '../../src/methods/factorize.js';
import { randomizedFactorize, splitFactors } from '../../src/methods/randomized.js';
import { rankFromSpectrum } from '../../src/methods/rank-selection.js';
import { compressionRatio } from '../../src/metrics/compression.js';
import { add, factorError, randn, tail, withSpectrum } from '../linalg/spectra.js';

function decaying(n: number, m: number, seed: number): { a: Matrix; s: Float64Array } {
  const r = Math.min(n, m);
  const s = new Float64Array(r);
  for (let i = 0; i < r; i++) s[i] = 1 / (i + 1);
  return { a: withSpectrum(n, m, s, seed), s };
}

describe('randomizedFactorize', () => {
  test('rank K: shapes, splits, near-optimal error and honest diagnostics', () => {
    const a = add(matmul(randn(120, 8, 1), randn(8, 90, 2)), randn(120, 90, 3, 0.3));
    const exact = svd(a).S;
    const f = randomizedFactorize(a, { rank: 6, seed: 1 });
    assert.equal(f.method, 'randomized');
    assert.deepEqual([f.U.rows, f.U.cols, f.V.rows, f.V.cols], [120, 6, 6, 90]);
    const err = factorError(a, f.U, f.V);
    const opt = tail(exact, 6);
    assert.ok(err >= opt * (1 - 1e-12) && err <= opt * 1.001, `${err} vs ${opt}`);
    // frobeniusFromRitz is the error; the certified bound really bounds the gap.
    assert.ok(Math.abs((f.params.frobeniusFromRitz as number) - err) <= 1e-8 * err);
    assert.ok((f.params.optimumLowerBound as number) <= opt * (1 + 1e-12));
    assert.ok((f.params.gapUpperBound as number) >= err / opt - 1 - 1e-12);
    assert.equal(f.params.passes, 2 * (f.params.powerIters as number) + 2);
    for (const split of ['left', 'right', 'balanced'] as const) {
      const g = randomizedFactorize(a, { rank: 6, seed: 1, split });
      assert.ok(Math.abs(factorError(a, g.U, g.V) - err) <= 1e-9 * err, split);
    }
    const h = randomizedFactorize(a, { rank: 6, dtype: 'float32' });
    assert.equal(h.U.dtype, 'float32');
  });

  test('energy and tol: the target is met, at the optimal rank or just above it', () => {
    const { a, s } = decaying(150, 110, 4);
    const total = s.reduce((x, y) => x + y * y, 0);
    const targets: Array<['energy' | 'tol', number]> = [['energy', 0.9], ['energy', 0.99], ['tol', 0.05], ['tol', 0.2]];
    for (const [criterion, value] of targets) {
      const target = { [criterion]: value };
      const f = randomizedFactorize(a, { ...target, seed: 2 });
      const kStar = rankFromSpectrum(s, { criterion, value }, 150, 110) as number;
      assert.ok(f.rank >= kStar && f.rank <= kStar + 1, `${JSON.stringify(target)}: rank ${f.rank}, optimal ${kStar}`);
      const err = factorError(a, f.U, f.V);
      const allowed = criterion === 'energy' ? Math.sqrt((1 - value) * total) : value * Math.sqrt(total);
      assert.ok(err <= allowed * (1 + 1e-9), `${JSON.stringify(target)}: error ${err} > ${allowed}`);
      assert.equal(f.params.criterion, criterion);
    }
  });

  test('an energy target beyond the first sketch grows it', () => {
    const { a } = decaying(200, 120, 6);
    const f = randomizedFactorize(a, { energy: 0.999, seed: 1 });
    assert.ok(f.rank > 32);
    assert.ok((f.params.attempts as number) >= 2);
  });

  test('progress is reported after every pass over A', () => {
    const a = randn(80, 60, 2);
    for (const krylov of [true, false]) {
      const seen: Array<[number, number]> = [];
      const f = randomizedFactorize(a, { rank: 3, powerIters: 2, krylov, onProgress: (p) => seen.push([p.epoch, p.total]) });
      assert.deepEqual(seen, [[1, 6], [2, 6], [3, 6], [4, 6], [5, 6], [6, 6]], `krylov ${krylov}`);
      assert.equal(f.params.passes, 6);
    }
  });

  test('ratio picks the largest rank meeting it', () => {
    const a = randn(60, 40, 1);
    const f = randomizedFactorize(a, { ratio: 4 });
    assert.equal(f.rank, 6);
    assert.ok(compressionRatio(60, 40, f.rank) >= 4);
  });

  test('bad options are one-line E_ARG errors', () => {
    const a = randn(20, 10, 1);
    const isArg = (e: unknown): boolean => e instanceof LowRankError && e.code === 'E_ARG' && !e.message.includes('\n');
    assert.throws(() => randomizedFactorize(a, {}), isArg);
    assert.throws(() => randomizedFactorize(a, { rank: 2, tol: 0.1 }), isArg);
    assert.throws(() => randomizedFactorize(a, { energy: 1.5 }), isArg);
    assert.throws(() => randomizedFactorize(a, { rank: 2, split: 'up' as 'left' }), isArg);
    assert.throws(() => randomizedFactorize(Matrix.zeros(0, 3), { rank: 1 }), (e: unknown) => e instanceof LowRankError && e.code === 'E_SHAPE');
    const nan = randn(5, 5, 1);
    nan.data[7] = NaN;
    assert.throws(() => randomizedFactorize(nan, { rank: 1 }), (e: unknown) => e instanceof LowRankError && e.code === 'E_NONFINITE');
  });

  test('factorize passes the randomized method\'s passes and tolRitz on (they were refused as unknown options), and refuses them for svd', () => {
    const { a } = decaying(200, 120, 4);
    const passesOf = (f: { params: object }): unknown => (f.params as { passes?: number }).passes;
    for (const method of ['randomized', 'auto'] as const) {
      const viaFactorize = factorize(a, { method, rank: 5, passes: 4, seed: 2 });
      const direct = randomizedFactorize(a, { rank: 5, passes: 4, seed: 2 });
      if (method === 'randomized' || viaFactorize.method === 'randomized') {
        assert.equal(passesOf(viaFactorize), 4, method);
        assert.deepEqual(Array.from(viaFactorize.S!), Array.from(direct.S!), method);
      }
    }
    const everyIteration = factorize(a, { method: 'randomized', rank: 5, tolRitz: 0, seed: 2 });
    assert.equal(passesOf(everyIteration), randomizedFactorize(a, { rank: 5, tolRitz: 0, seed: 2 }).params.passes);
    assert.throws(() => factorize(a, { method: 'svd', rank: 5, passes: 4 }), (e: unknown) =>
      e instanceof LowRankError && e.code === 'E_ARG' && e.message === "option 'passes' applies to method auto, randomized, not 'svd'");
  });

  test('inputName names the input in the errors of every complete-matrix method (default: "input matrix")', () => {
    const nan = randn(5, 5, 1);
    nan.data[7] = NaN; // row 1, column 2
    const names = (name: string) => (e: unknown): boolean =>
      e instanceof LowRankError && e.code === 'E_NONFINITE' && e.message.startsWith(`${name} holds NaN at row 1, column 2`);
    assert.throws(() => randomizedFactorize(nan, { rank: 1 }), names('input matrix'));
    assert.throws(() => randomizedFactorize(nan, { rank: 1, inputName: 'w.npy' }), names('w.npy'));
    assert.throws(() => exactFactorize(nan, { rank: 1, inputName: 'w.npy' }), names('w.npy'));
    assert.throws(() => exactFactorize(nan, { energy: 0.9, inputName: 'w.npy' }), names('w.npy'));
    assert.throws(() => autoFactorize(nan, { rank: 1, inputName: 'w.npy' }), names('w.npy'));
    assert.throws(() => factorize(nan, { method: 'svd', rank: 1, inputName: 'w.npy' }), names('w.npy'));
    assert.throws(() => factorize(nan, { rank: 1, inputName: 'w.npy' }), names('w.npy'));
    const big = randn(AUTO_EXACT_MAX_SIDE + 1, 3 * AUTO_EXACT_MAX_SIDE, 2);
    big.data[5] = Infinity; // row 0, column 5: auto takes the randomized path here
    assert.throws(() => autoFactorize(big, { rank: 2, inputName: 'big.npy' }), (e: unknown) =>
      e instanceof LowRankError && e.code === 'E_NONFINITE' && e.message.startsWith('big.npy holds Inf at row 0, column 5'));
    assert.throws(() => randomizedFactorize(Matrix.zeros(0, 3), { rank: 1, inputName: 'empty.npy' }), (e: unknown) =>
      e instanceof LowRankError && e.code === 'E_SHAPE' && e.message.startsWith('empty.npy is empty'));
  });
});

describe('auto method selection', () => {
  test('chooseMethod: exact for small sides or sketches covering half the matrix, randomized otherwise', () => {
    assert.equal(chooseMethod(100, 50, 10), 'svd');
    assert.equal(chooseMethod(AUTO_EXACT_MAX_SIDE, 5000, 10), 'svd');
    assert.equal(chooseMethod(AUTO_EXACT_MAX_SIDE + 1, 5000, 10), 'randomized');
    assert.equal(chooseMethod(4000, 4000, 50), 'randomized');
    assert.equal(chooseMethod(1000, 1000, 600), 'svd');
    assert.equal(chooseMethod(1000, 1000, null), 'randomized');
  });

  test('small input: exact SVD, energy read off the full spectrum', () => {
    const { a, s } = decaying(40, 30, 3);
    const f = autoFactorize(a, { energy: 0.95 });
    assert.equal(f.method, 'svd');
    assert.equal(f.params.auto, true);
    assert.equal(f.rank, rankFromSpectrum(s, { criterion: 'energy', value: 0.95 }, 40, 30));
    assert.ok(Math.abs(factorError(a, f.U, f.V) - tail(s, f.rank)) <= 1e-10);
    const g = exactFactorize(a, { tol: 0.1 });
    assert.equal(g.rank, rankFromSpectrum(s, { criterion: 'tol', value: 0.1 }, 40, 30));
    assert.equal(selectRank(a, { energy: 0.95 }), f.rank);
    assert.equal(selectRank(a, { rank: 4 }), 4);
  });

  test('larger input: randomized', () => {
    const a = add(matmul(randn(300, 5, 1), randn(5, 270, 2)), randn(300, 270, 3, 0.01));
    const f = autoFactorize(a, { rank: 5, seed: 1 });
    assert.equal(f.method, 'randomized');
    assert.ok(f.params.auto);
  });

  test('rank-deficient input: the true rank\'s worth of non-zero singular values on the exact path too', () => {
    const a = matmul(randn(50, 4, 1), randn(4, 40, 2));
    const f = autoFactorize(a, { rank: 9 });
    assert.equal(f.method, 'svd');
    assert.equal(f.params.numericalRank, 4);
    const S = f.S as Float64Array;
    for (let i = 4; i < 9; i++) assert.equal(S[i], 0);
    assert.ok(factorError(a, f.U, f.V) <= 1e-10 * S[0]);
  });
});

describe('splitFactors', () => {
  const a = add(matmul(randn(40, 6, 11), randn(6, 30, 12)), randn(40, 30, 13, 0.1));
  const full = svd(a);

  test('the first k triplets, scaled per split, entry for entry (k below the SVD width)', () => {
    const k = 4;
    for (const split of ['left', 'right', 'balanced'] as const) {
      for (const dtype of ['float64', 'float32'] as const) {
        const { U, V } = splitFactors(full, k, split, dtype);
        assert.equal(U.dtype, dtype);
        assert.deepEqual([U.rows, U.cols, V.rows, V.cols], [40, k, k, 30]);
        const w = full.U.cols;
        for (let l = 0; l < k; l++) {
          const s = full.S[l];
          const left = split === 'left' ? s : split === 'balanced' ? Math.sqrt(s) : 1;
          const right = split === 'right' ? s : split === 'balanced' ? Math.sqrt(s) : 1;
          const round = dtype === 'float32' ? Math.fround : (x: number): number => x;
          for (let i = 0; i < 40; i++) assert.equal(U.data[i * k + l], round(full.U.data[i * w + l] * left), `U ${i},${l}`);
          for (let j = 0; j < 30; j++) assert.equal(V.data[l * 30 + j], round(full.Vt.data[l * 30 + j] * right), `V ${l},${j}`);
        }
      }
    }
  });

  test('factors beyond float32: a clear error naming the largest entry; √s fits when s does not', () => {
    // σ₁ = 1e39 (beyond float32's 3.4e38): an entry of U·diag(s) is σ₁·max|u₁|.
    const big = { U: full.U, S: full.S.map((x) => x * 1e39 / full.S[0]), Vt: full.Vt };
    let maxU = 0;
    for (let i = 0; i < 40; i++) maxU = Math.max(maxU, Math.abs(full.U.data[i * full.U.cols]));
    assert.throws(() => splitFactors(big, 3, 'left', 'float32'), (e: unknown) =>
      e instanceof LowRankError && e.code === 'E_UNSUPPORTED' && e.message.includes((big.S[0] * maxU).toExponential(3)) && e.message.includes('balanced split'));
    assert.throws(() => splitFactors(big, 3, 'right', 'float32'), /do not fit float32/);
    const ok = splitFactors(big, 3, 'balanced', 'float32');
    assert.ok(ok.U.data.every(Number.isFinite) && ok.V.data.every(Number.isFinite));
    assert.ok(splitFactors(big, 3, 'left', 'float64').U.data.every(Number.isFinite));
  });
});
