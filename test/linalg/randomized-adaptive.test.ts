import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { blockKrylovRows, ritzSettled } from '../../src/linalg/block-krylov.js';
import { getBackend } from '../../src/backend/select.js';
import { rayleighRitzFromGram, ritzGram } from '../../src/linalg/rayleigh-ritz-gram.js';
import { matmul } from '../../src/linalg/matmul.js';
import { DEFAULT_OVERSAMPLE, DEFAULT_TOL_RITZ, randomizedSvd, rayleighRitz } from '../../src/linalg/randomized-svd.js';
import { svd } from '../../src/linalg/svd.js';
import { add, randn, svdError, tail } from './spectra.js';

/** Rank-r Gaussian signal plus `noise`·N(0, 1). */
function signalPlusNoise(n: number, m: number, r: number, noise: number, seed: number): Matrix {
  return add(matmul(randn(n, r, seed), randn(r, m, seed + 1)), randn(n, m, seed + 2, noise));
}

describe('adaptive randomized SVD (tolRitz) and fixed passes', () => {
  test('ritzSettled: the geometric tail of the gains relative to the error left', () => {
    // gains 9 then 0.09: ρ = 0.01, tail 0.09·0.01/0.99, error left 0.91
    assert.ok(Math.abs(ritzSettled(90, 99, 99.09, 100) - (0.09 * 0.01) / 0.99 / 0.91) < 1e-12);
    assert.equal(ritzSettled(40, 50, 50, 100), 0); // the last block gained nothing
    assert.equal(ritzSettled(90, 99, 100, 100), 0); // nothing left: the basis holds all of A
    assert.equal(ritzSettled(90, 92, 95, 100), Infinity); // gains growing: no prediction
    assert.equal(ritzSettled(90, 92, 94, 100), Infinity); // ρ = 1
  });

  test('Rayleigh–Ritz from the Gram eigenpairs equals the factored path; refused on a steep spectrum', () => {
    const a = signalPlusNoise(300, 200, 15, 0.1, 21);
    const backend = getBackend();
    const basis = blockKrylovRows(a, 20, 3, { seed: 4, tolRitz: 1e9, wanted: 10 }); // stops at the first check, Gram kept
    assert.equal(basis.stopReason, 'converged');
    const gram = basis.gram;
    assert.ok(gram, 'the adaptive stop returns its eigenpairs');
    const fast = rayleighRitzFromGram(basis.Kt, basis.Zt, gram, 10, false, backend);
    const slow = rayleighRitz(basis.Kt.transpose(), basis.Zt.transpose(), 10, backend);
    assert.ok(fast);
    for (let i = 0; i < 10; i++) assert.ok(Math.abs(fast.S[i] - slow.S[i]) <= 1e-12 * slow.S[0], `σ̂${i + 1}`);
    // Same rank-10 approximation (sign-free): U·diag(S)·Vᵀ; and the transposed orientation gives its transpose.
    const rebuild = (u: Matrix, s: Float64Array, vt: Matrix): Matrix => {
      const l = u.clone();
      for (let i = 0; i < l.rows; i++) for (let j = 0; j < 10; j++) l.data[i * 10 + j] *= s[j];
      return matmul(l, vt);
    };
    const x = rebuild(fast.U, fast.S, fast.Vt);
    const y = rebuild(slow.left, slow.S, slow.right.transpose());
    let diff = 0;
    for (let i = 0; i < x.data.length; i++) diff = Math.max(diff, Math.abs(x.data[i] - y.data[i]));
    assert.ok(diff <= 1e-10 * slow.S[0], `max difference ${diff}`);
    const flipped = rayleighRitzFromGram(basis.Kt, basis.Zt, gram, 10, true, backend);
    assert.ok(flipped);
    const xt = rebuild(flipped.U, flipped.S, flipped.Vt);
    let diffT = 0;
    for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) diffT = Math.max(diffT, Math.abs(xt.data[j * x.rows + i] - x.data[i * x.cols + j]));
    assert.ok(diffT <= 1e-12 * slow.S[0], `transposed orientation differs by ${diffT}`);
    // Right vectors orthonormal to the QR path's rounding.
    const g = matmul(fast.Vt, fast.Vt, { transB: true });
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) assert.ok(Math.abs(g.data[i * 10 + j] - (i === j ? 1 : 0)) <= 1e-11);
    // Negative control: σ̂_k far below σ̂₁ (here a rank-3 signal with k = 10) is left to the factored path.
    const steep = matmul(randn(300, 3, 5), randn(3, 200, 6));
    const b2 = blockKrylovRows(steep, 20, 3, { seed: 4, tolRitz: 1e9, wanted: 10 });
    const eig = b2.gram ?? ritzGram(b2.Zt, b2.Zt.rows, backend);
    assert.ok(eig);
    assert.equal(rayleighRitzFromGram(b2.Kt, b2.Zt, eig, 10, false, backend), undefined);
  });

  test('a well-separated signal stops early, converged, within 1e-4 of the optimum and of the fixed count', () => {
    const a = signalPlusNoise(400, 300, 20, 0.05, 11);
    const k = 10;
    const opt = tail(svd(a).S, k);
    const adaptive = randomizedSvd(a, k, { seed: 1 });
    const fixed = randomizedSvd(a, k, { seed: 1, tolRitz: 0 });
    assert.equal(adaptive.stopReason, 'converged');
    assert.equal(fixed.stopReason, 'fixed');
    assert.ok(adaptive.passes < fixed.passes, `adaptive ${adaptive.passes} passes, fixed ${fixed.passes}`);
    assert.equal(adaptive.passes, 2 * adaptive.powerIters + 2);
    assert.equal(adaptive.basisSize, (adaptive.powerIters + 1) * adaptive.sketchSize);
    assert.ok(adaptive.ritzChange <= DEFAULT_TOL_RITZ);
    const err = svdError(a, adaptive.U, adaptive.S, adaptive.Vt);
    assert.ok(err >= opt * (1 - 1e-12), `error ${err} below the optimum ${opt}`);
    assert.ok(err / opt - 1 <= 1e-4, `error ${err / opt - 1} above the optimum`);
  });

  test('a slow spectrum with a tight tolerance runs every allowed pass (max-passes)', () => {
    const a = randn(300, 200, 5);
    const r = randomizedSvd(a, 8, { seed: 0, tolRitz: 1e-12 });
    assert.equal(r.stopReason, 'max-passes');
    assert.equal(r.passes, randomizedSvd(a, 8, { seed: 0, tolRitz: 0 }).passes);
  });

  test('negative control: a loose tolerance stops at the first check and is measurably worse', () => {
    const a = signalPlusNoise(300, 200, 30, 1, 7);
    const k = 20;
    const opt = tail(svd(a).S, k);
    const loose = randomizedSvd(a, k, { seed: 0, tolRitz: 10, oversample: 2 }); // p = 2: 6 passes are not enough
    const tight = randomizedSvd(a, k, { seed: 0, tolRitz: 0, oversample: 2 });
    assert.equal(loose.passes, 6); // the first check: three blocks
    assert.equal(loose.stopReason, 'converged');
    const eLoose = svdError(a, loose.U, loose.S, loose.Vt) / opt - 1;
    const eTight = svdError(a, tight.U, tight.S, tight.Vt) / opt - 1;
    assert.ok(eLoose > 1e3 * eTight + 1e-9, `loose ${eLoose} vs tight ${eTight}`);
  });

  test('passes fixes the count (2q + 2), with the wider sketch at q ≤ 1, and is validated', () => {
    const a = randn(200, 150, 3);
    const r = randomizedSvd(a, 10, { passes: 4 });
    assert.equal(r.passes, 4);
    assert.equal(r.powerIters, 1);
    assert.equal(r.stopReason, 'fixed');
    assert.equal(r.sketchSize, 10 + DEFAULT_OVERSAMPLE);
    assert.equal(randomizedSvd(a, 10, { passes: 8, krylov: false }).passes, 8);
    assert.equal(randomizedSvd(a, 10, { passes: 6, powerIters: 2 }).passes, 6);
    const bad = (f: () => unknown, re: RegExp): void => {
      assert.throws(f, (e: unknown) => e instanceof LowRankError && e.code === 'E_ARG' && re.test(e.message));
    };
    bad(() => randomizedSvd(a, 3, { passes: 5 }), /passes must be an even integer ≥ 2/);
    bad(() => randomizedSvd(a, 3, { passes: 0 }), /passes must be an even integer ≥ 2/);
    bad(() => randomizedSvd(a, 3, { passes: 6, powerIters: 1 }), /passes 6 means powerIters 2/);
    bad(() => randomizedSvd(a, 3, { tolRitz: -1 }), /tolRitz must be a finite number ≥ 0/);
    bad(() => randomizedSvd(a, 3, { tolRitz: Number.NaN }), /tolRitz/);
  });
});
