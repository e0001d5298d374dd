import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { matmul } from '../../src/linalg/matmul.js';
import { autoKrylovIters, autoPowerIters, randomizedSvd, useKrylov, KRYLOV_MAX_BASIS } from '../../src/linalg/randomized-svd.js';
import { svd } from '../../src/linalg/svd.js';
import { add, orthonormalityDefect, randn, svdError, tail, withSpectrum } from './spectra.js';

/** U·diag(S)·Vt as a matrix. */
function product(u: Matrix, s: Float64Array, vt: Matrix): Matrix {
  const us = u.clone();
  for (let i = 0; i < u.rows; i++) for (let j = 0; j < u.cols; j++) us.data[i * u.cols + j] *= s[j];
  return matmul(us, vt);
}

/** Rank-r Gaussian signal plus `noise`·N(0, 1): a slowly decaying, noisy spectrum. */
function signalPlusNoise(n: number, m: number, r: number, noise: number, seed: number): Matrix {
  return add(matmul(randn(n, r, seed), randn(r, m, seed + 1)), randn(n, m, seed + 2, noise));
}

describe('randomizedSvd', () => {
  test('property: the error is never below the Eckart–Young optimum, and near it (random shapes and spectra)', () => {
    const rng = new Rng(2024);
    const kinds = ['geometric', 'polynomial', 'flat+noise', 'low-rank', 'clustered'] as const;
    for (let trial = 0; trial < 20; trial++) {
      const n = 10 + rng.int(60);
      const m = 10 + rng.int(60);
      const r = Math.min(n, m);
      const kind = kinds[trial % kinds.length];
      const s = new Float64Array(r);
      for (let i = 0; i < r; i++) {
        s[i] = kind === 'geometric' ? 0.7 ** i
          : kind === 'polynomial' ? 1 / (i + 1) ** (0.5 + rng.uniform())
          : kind === 'flat+noise' ? 1 + 0.1 * rng.uniform()
          : kind === 'low-rank' ? (i < 3 ? 10 - i : 0)
          : i < r / 2 ? 5 : 1;
      }
      s.sort((x, y) => y - x);
      const a = withSpectrum(n, m, s, 100 + trial);
      const exact = svd(a).S;
      const k = 1 + rng.int(Math.min(8, r));
      for (const options of [{}, { krylov: false, powerIters: rng.int(3) }, { krylov: true }, { normalizer: 'lu' as const, krylov: false }]) {
        const res = randomizedSvd(a, k, { seed: trial, ...options });
        const err = svdError(a, res.U, res.S, res.Vt);
        const opt = tail(exact, k);
        const where = `trial ${trial} (${kind}, ${n}×${m}, k ${k}, ${JSON.stringify(options)})`;
        assert.ok(err >= opt * (1 - 1e-10) - 1e-12, `${where}: error ${err} below the optimum ${opt}`);
        assert.ok(err <= opt * 1.5 + 1e-9 * exact[0], `${where}: error ${err} far above the optimum ${opt}`);
        // Ritz values are lower bounds of the singular values.
        for (let i = 0; i < k; i++) assert.ok(res.S[i] <= exact[i] * (1 + 1e-10) + 1e-12, `${where}: S[${i}] = ${res.S[i]} > σ = ${exact[i]}`);
      }
    }
  });

  test('negative control: q = 0 on noisy data is measurably worse than q = 4', () => {
    const a = signalPlusNoise(300, 200, 30, 1, 7);
    const exact = svd(a).S;
    const k = 10;
    const opt = tail(exact, k);
    const gap = (q: number): number => {
      const r = randomizedSvd(a, k, { powerIters: q, krylov: false, seed: 3 });
      return svdError(a, r.U, r.S, r.Vt) / opt - 1;
    };
    const g0 = gap(0);
    const g4 = gap(4);
    assert.ok(g0 > 0.01, `q = 0 should be at least 1% above the optimum here, got ${g0}`);
    assert.ok(g0 > 20 * g4, `q = 0 gap ${g0} should dwarf q = 4 gap ${g4}`);
  });

  test('block Krylov is at least as accurate as subspace iteration for the same passes', () => {
    const a = signalPlusNoise(240, 200, 20, 0.5, 11);
    const opt = tail(svd(a).S, 10);
    const sub = randomizedSvd(a, 10, { krylov: false, powerIters: 2, oversample: 5, seed: 1 });
    const kry = randomizedSvd(a, 10, { krylov: true, powerIters: 2, oversample: 5, seed: 1 });
    assert.equal(sub.passes, 6);
    assert.equal(kry.passes, 6);
    assert.equal(kry.basisSize, 45);
    const eSub = svdError(a, sub.U, sub.S, sub.Vt) / opt;
    const eKry = svdError(a, kry.U, kry.S, kry.Vt) / opt;
    assert.ok(eKry <= eSub * (1 + 1e-12), `Krylov ${eKry} vs subspace ${eSub}`);
    assert.ok(eKry < 1 + 1e-6, `Krylov ratio ${eKry}`);
  });

  test('the same seed gives identical output; another seed differs', () => {
    const a = signalPlusNoise(120, 90, 8, 0.3, 5);
    for (const krylov of [true, false]) {
      const x = randomizedSvd(a, 6, { seed: 42, krylov });
      const y = randomizedSvd(a, 6, { seed: 42, krylov });
      assert.deepEqual(x.S, y.S);
      assert.deepEqual(x.U.data, y.U.data);
      assert.deepEqual(x.Vt.data, y.Vt.data);
      const z = randomizedSvd(a, 6, { seed: 43, krylov });
      assert.notDeepEqual(z.U.data, x.U.data);
    }
  });

  test('tall and wide inputs give transposed results (wide runs on Aᵀ without copying)', () => {
    const tall = signalPlusNoise(150, 60, 10, 0.2, 9);
    const wide = tall.transpose();
    for (const krylov of [true, false]) {
      const t = randomizedSvd(tall, 7, { seed: 1, krylov });
      const w = randomizedSvd(wide, 7, { seed: 1, krylov });
      assert.equal(t.transposed, false);
      assert.equal(w.transposed, true);
      assert.deepEqual([w.U.rows, w.U.cols, w.Vt.rows, w.Vt.cols], [60, 7, 7, 150]);
      for (let i = 0; i < 7; i++) assert.ok(Math.abs(t.S[i] - w.S[i]) <= 1e-12 * t.S[0]);
      const pt = product(t.U, t.S, t.Vt);
      const pw = product(w.U, w.S, w.Vt).transpose();
      let d = 0;
      for (let i = 0; i < pt.data.length; i++) d = Math.max(d, Math.abs(pt.data[i] - pw.data[i]));
      assert.ok(d <= 1e-10 * t.S[0], `products differ by ${d}`);
    }
  });

  test('rank-deficient input returns exactly the true rank\'s worth of non-zero singular values', () => {
    const a = matmul(randn(80, 5, 1), randn(5, 60, 2));
    const exact = svd(a).S;
    for (const options of [{}, { krylov: false }, { normalizer: 'lu' as const }]) {
      const r = randomizedSvd(a, 12, { seed: 4, ...options });
      assert.equal(r.numericalRank, 5, JSON.stringify(options));
      for (let i = 0; i < 5; i++) assert.ok(Math.abs(r.S[i] - exact[i]) <= 1e-10 * exact[0]);
      for (let i = 5; i < 12; i++) assert.equal(r.S[i], 0);
      assert.ok(svdError(a, r.U, r.S, r.Vt) <= 1e-10 * exact[0]);
      assert.ok(orthonormalityDefect(r.U) < 1e-12);
    }
    // The zero matrix: rank 0, every value 0.
    const z = randomizedSvd(Matrix.zeros(20, 10), 3);
    assert.equal(z.numericalRank, 0);
    assert.deepEqual(Array.from(z.S), [0, 0, 0]);
  });

  test('U and Vᵀ have orthonormal columns/rows and signs follow svd_flip', () => {
    const a = signalPlusNoise(100, 70, 6, 0.1, 3);
    const r = randomizedSvd(a, 6);
    assert.ok(orthonormalityDefect(r.U) < 1e-12);
    assert.ok(orthonormalityDefect(r.Vt.transpose()) < 1e-12);
    for (let j = 0; j < 6; j++) {
      let best = 0;
      for (let i = 1; i < 100; i++) if (Math.abs(r.U.data[i * 6 + j]) > Math.abs(r.U.data[best * 6 + j])) best = i;
      assert.ok(r.U.data[best * 6 + j] > 0);
    }
  });

  test('float32 input runs in float32 without converting A and matches float64 to single precision', () => {
    const a = signalPlusNoise(90, 70, 5, 0.1, 8);
    const a32 = a.astype('float32');
    const r64 = randomizedSvd(a, 4, { seed: 2 });
    const r32 = randomizedSvd(a32, 4, { seed: 2 });
    assert.equal(r32.U.dtype, 'float64');
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(r32.S[i] - r64.S[i]) <= 1e-5 * r64.S[0]);
  });

  test('parameters: auto rules, passes and validation', () => {
    assert.equal(autoPowerIters(10, 1000, 500), 7);
    assert.equal(autoPowerIters(50, 1000, 500), 4);
    assert.equal(autoKrylovIters(10, 1000, 500), 4);
    assert.equal(autoKrylovIters(50, 1000, 500), 3);
    // Defaults: Krylov at its own count (2·4 + 2 passes) when its basis fits, else subspace at scikit-learn's.
    const d = randomizedSvd(randn(400, 300, 3), 10, { tolRitz: 0 });
    assert.equal(d.krylov, true);
    assert.equal(d.passes, 10);
    assert.equal(d.stopReason, 'fixed');
    const s = randomizedSvd(randn(400, 300, 3), 10, { krylov: false });
    assert.equal(s.passes, 16);
    assert.equal(useKrylov(60, 7, 4000, 4000), true);
    assert.equal(useKrylov(60, 7, 4000, 300), false);
    assert.equal(useKrylov(100, 7, 4000, 4000), (7 + 1) * 100 <= KRYLOV_MAX_BASIS);
    const a = randn(40, 30, 1);
    const r = randomizedSvd(a, 3, { powerIters: 2, krylov: false });
    assert.equal(r.passes, 6);
    assert.equal(r.sketchSize, 13);
    // A forced Krylov basis that would not fit gets fewer iterations.
    const big = randomizedSvd(a, 3, { powerIters: 7, krylov: true, oversample: 7 });
    assert.ok(big.basisSize <= 30 && big.krylov);
    const bad = (f: () => unknown, re: RegExp): void => {
      assert.throws(f, (e: unknown) => e instanceof LowRankError && e.code === 'E_ARG' && re.test(e.message));
    };
    bad(() => randomizedSvd(a, 0), /rank must be an integer in \[1, 30\]/);
    bad(() => randomizedSvd(a, 31), /rank must be an integer in \[1, 30\]/);
    bad(() => randomizedSvd(a, 2, { oversample: -1 }), /oversample/);
    bad(() => randomizedSvd(a, 2, { powerIters: 1.5 }), /powerIters/);
    bad(() => randomizedSvd(a, 2, { normalizer: 'cholesky' as 'qr' }), /normalizer must be qr or lu/);
  });
});
