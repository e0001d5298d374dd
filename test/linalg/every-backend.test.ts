/**
 * The linear-algebra layer and the dense methods, run against every backend tier from
 * `availableBackends()` (as the kernel conformance suite is): a tier added to that list is
 * covered here automatically. References are numpy's singular values (committed fixtures made
 * by test/fixtures/generate_svd.py) and the Eckart–Young optimum computed from them.
 * Tolerances: singular values to 1e-12·σ₁ (backward-stable SVDs: a few hundred ε·σ₁ for these
 * sizes); randomized and learned factorizations against the optimum as documented per test.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { blockKrylov } from '../../src/linalg/block-krylov.js';
import { matmul } from '../../src/linalg/matmul.js';
import { orthonormalize, qr } from '../../src/linalg/qr.js';
import { randomizedSvd } from '../../src/linalg/randomized-svd.js';
import { svd, truncatedSvd } from '../../src/linalg/svd.js';
import { autoFactorize, exactFactorize } from '../../src/methods/auto.js';
import { gradientFactorize } from '../../src/methods/gradient.js';
import { randomizedFactorize } from '../../src/methods/randomized.js';
import { svdFactorize } from '../../src/methods/svd.js';
import { approximationErrorsFromFactors } from '../../src/metrics/factor-errors.js';
import { optimalFrobeniusError } from '../../src/metrics/optimum.js';
import { availableBackends } from '../backend/backends.js';
import { columnOrthonormalityError, loadSvdFixtures } from '../helpers.js';

const FIXTURES = loadSvdFixtures().filter((f) => f.rows > 0 && f.cols > 0);

function randn(n: number, m: number, seed: number): Matrix {
  const a = Matrix.zeros(n, m);
  new Rng(seed).fillNormal(a.data);
  return a;
}

for (const backend of availableBackends()) {
  describe(`linear algebra on the ${backend.name} tier`, () => {
    test('qr and orthonormalize: Q orthonormal, Q·R = A (tall, square, wide)', () => {
      for (const [n, m] of [[90, 30], [40, 40], [20, 50]]) {
        const a = randn(n, m, n + m);
        const { Q, R } = qr(a, { backend });
        assert.ok(columnOrthonormalityError(Q) < 1e-13, `${n}×${m}: QᵀQ − I = ${columnOrthonormalityError(Q)}`);
        const qr2 = matmul(Q, R, { backend });
        let worst = 0;
        for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(qr2.data[i] - a.data[i]));
        assert.ok(worst < 1e-12, `${n}×${m}: |QR − A| = ${worst}`);
        assert.ok(columnOrthonormalityError(orthonormalize(a, { backend })) < 1e-13);
      }
    });

    test('svd and truncatedSvd match numpy\'s singular values on every fixture', () => {
      for (const f of FIXTURES) {
        const a = new Matrix(f.rows, f.cols, Float64Array.from(f.a));
        const s = svd(a, { backend }).S;
        const tol = 1e-12 * (f.s[0] || 1);
        for (let i = 0; i < f.s.length; i++) assert.ok(Math.abs(s[i] - f.s[i]) <= tol, `${f.name}: σ${i + 1} ${s[i]} vs numpy ${f.s[i]}`);
        const k = Math.min(3, f.s.length);
        const t = truncatedSvd(a, k, { backend });
        assert.equal(t.S.length, k);
        assert.ok(columnOrthonormalityError(t.U) < 1e-12, f.name);
      }
    });

    test('randomizedSvd and blockKrylov: exact σ on the rank-7 fixture, interlacing on the flat ones, basis orthonormal', () => {
      for (const f of FIXTURES.filter((x) => x.name.startsWith('rankdef') || x.name.startsWith('tall') || x.name.startsWith('wide'))) {
        const a = new Matrix(f.rows, f.cols, Float64Array.from(f.a));
        const r = Math.min(f.rows, f.cols);
        const k = Math.min(5, r);
        const exactRank = f.name.startsWith('rankdef');
        for (const krylov of [true, false]) {
          const res = randomizedSvd(a, k, { backend, krylov, powerIters: 4 });
          for (let i = 0; i < k; i++) {
            // Rank 7 ≤ the sketch: the range is captured, σ₁ … σ₅ exact to rounding. The Gaussian
            // tall/wide fixtures have flat spectra: only interlacing (σ̂ᵢ ≤ σᵢ) is guaranteed.
            if (exactRank) assert.ok(Math.abs(res.S[i] - f.s[i]) <= 1e-12 * f.s[0], `${f.name} krylov ${krylov}: σ${i + 1} ${res.S[i]} vs ${f.s[i]}`);
            else assert.ok(res.S[i] <= f.s[i] * (1 + 1e-12), `${f.name} krylov ${krylov}: σ${i + 1} ${res.S[i]} above ${f.s[i]}`);
          }
        }
        const { K } = blockKrylov(a, 2, Math.floor(r / 2) - 1, { backend, transpose: f.rows < f.cols });
        assert.ok(columnOrthonormalityError(K) < 1e-12, `${f.name}: KᵀK − I = ${columnOrthonormalityError(K)}`);
      }
    });
  });

  describe(`dense methods on the ${backend.name} tier`, () => {
    const a = matmul(randn(120, 6, 1), randn(6, 80, 2));
    const noise = randn(120, 80, 3);
    for (let i = 0; i < a.data.length; i++) a.data[i] += 0.01 * noise.data[i];
    const spectrum = svd(a, { backend }).S;

    test('svd, exact and auto reach the optimum; randomized within 1e-9 of it', () => {
      const optimum = optimalFrobeniusError(spectrum, 6);
      const cases: Array<[string, () => { U: Matrix; V: Matrix }, number]> = [
        ['svd', () => svdFactorize(a, { rank: 6, backend }), 1e-12],
        ['exact', () => exactFactorize(a, { rank: 6, backend }), 1e-12],
        ['auto', () => autoFactorize(a, { rank: 6, backend }), 1e-12],
        // Signal 6 directions, noise 1e-2: block Krylov's default q = 3 lands within rounding.
        ['randomized', () => randomizedFactorize(a, { rank: 6, backend }), 1e-9],
      ];
      for (const [name, run, rel] of cases) {
        const f = run();
        const err = approximationErrorsFromFactors(a, f.U, f.V, { backend }).frobenius;
        assert.ok(err >= optimum * (1 - 1e-12), `${name}: ${err} below the optimum ${optimum}`);
        assert.ok(err <= optimum * (1 + rel), `${name}: ${err} vs optimum ${optimum}`);
      }
    });

    test('gradient: the loss decreases and ends between the optimum and the starting loss', () => {
      const f = gradientFactorize(a, { rank: 6, epochs: 300, lr: 0.01, backend });
      const h = f.lossHistory as Float64Array;
      assert.ok(h[h.length - 1] < h[0], `${h[0]} → ${h[h.length - 1]}`);
      const err = approximationErrorsFromFactors(a, f.U, f.V, { backend }).frobenius;
      assert.ok(err >= optimalFrobeniusError(spectrum, 6) * (1 - 1e-6), `${err}`);
    });
  });
}
