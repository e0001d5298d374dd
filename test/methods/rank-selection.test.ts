import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { LowRankError } from '../../src/core/errors.js';
import { compressionRatio } from '../../src/metrics/compression.js';
import { Matrix } from '../../src/core/matrix.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { spectrum } from '../../src/methods/spectrum.js';
import { energyRanks, optimalErrors, rankForRatio, rankFromSpectrum, resolveRankTarget } from '../../src/methods/rank-selection.js';

const argError = (re: RegExp) => (e: unknown): boolean => e instanceof LowRankError && e.code === 'E_ARG' && re.test(e.message) && !e.message.includes('\n');

describe('rank selection', () => {
  test('resolveRankTarget accepts exactly one criterion in range', () => {
    assert.deepEqual(resolveRankTarget({ rank: 3 }, 10, 8), { criterion: 'rank', value: 3 });
    assert.deepEqual(resolveRankTarget({ energy: 1 }, 10, 8), { criterion: 'energy', value: 1 });
    assert.deepEqual(resolveRankTarget({ tol: 2 }, 10, 8), { criterion: 'tol', value: 2 });
    assert.deepEqual(resolveRankTarget({ ratio: 1 }, 10, 8), { criterion: 'ratio', value: 1 });
    assert.throws(() => resolveRankTarget({}, 10, 8, '--'), argError(/a rank option is required: one of --rank, --energy, --tol, --ratio/));
    assert.throws(() => resolveRankTarget({ rank: 2, energy: 0.5 }, 10, 8, '--'), argError(/conflicting rank options --rank and --energy/));
    assert.throws(() => resolveRankTarget({ tol: 0.1, ratio: 2, energy: 0.9 }, 10, 8), argError(/conflicting rank options energy and tol and ratio/));
    assert.throws(() => resolveRankTarget({ rank: 0 }, 10, 8, '--'), argError(/--rank must be an integer in \[1, 8\].*got 0/));
    assert.throws(() => resolveRankTarget({ rank: 2.5 }, 10, 8), argError(/rank must be an integer/));
    for (const e of [0, -0.1, 1.0001, NaN, Infinity]) assert.throws(() => resolveRankTarget({ energy: e }, 10, 8, '--'), argError(/--energy must be in \(0, 1\]/));
    for (const t of [0, -1, NaN]) assert.throws(() => resolveRankTarget({ tol: t }, 10, 8, '--'), argError(/--tol must be a relative Frobenius error > 0/));
    for (const r of [0.99, 0, -2, NaN]) assert.throws(() => resolveRankTarget({ ratio: r }, 10, 8, '--'), argError(/--ratio must be a compression ratio ≥ 1/));
    // 10×8: rank 1 compresses by 80/18 = 4.44; 5 is out of reach.
    assert.throws(() => resolveRankTarget({ ratio: 5 }, 10, 8, '--'), argError(/--ratio 5 is out of reach for a 10×8 matrix: rank 1 gives the largest ratio, 4\.44/));
  });

  test('rankForRatio is the largest rank meeting the ratio', () => {
    assert.equal(rankForRatio(100, 50, 2), 16);
    for (const [n, m] of [[100, 50], [7, 7], [1000, 3], [64, 64]]) {
      for (const ratio of [1, 1.5, 2, 3.3, 10]) {
        const k = rankForRatio(n, m, ratio);
        if (k >= 1) assert.ok(compressionRatio(n, m, k) >= ratio, `${n}×${m} ratio ${ratio} k ${k}`);
        if (k + 1 <= Math.min(n, m)) assert.ok(compressionRatio(n, m, k + 1) < ratio, `${n}×${m} ratio ${ratio} k+1`);
      }
    }
    assert.equal(rankForRatio(10, 8, 5), 0);
  });

  test('rankFromSpectrum: energy and tol on full and partial spectra', () => {
    const s = [3, 2, 1]; // energies 9, 4, 1 of 14
    const at = (criterion: 'energy' | 'tol', value: number, total?: number): number | null =>
      rankFromSpectrum(s, { criterion, value }, 3, 3, total);
    assert.equal(at('energy', 0.5), 1); // 9/14 = 0.64
    assert.equal(at('energy', 0.9), 2); // 13/14 = 0.93
    assert.equal(at('energy', 0.95), 3);
    assert.equal(at('energy', 1), 3);
    assert.equal(at('energy', 9 / 14), 1); // exactly on the boundary
    assert.equal(at('tol', Math.sqrt(1 / 14)), 2); // error √1 = √(1/14)·‖A‖
    assert.equal(at('tol', 0.2), 3);
    assert.equal(at('tol', 5), 1);
    // Partial: the two leading values of a matrix whose ‖A‖² is 20 (the rest unseen).
    assert.equal(rankFromSpectrum([3, 2], { criterion: 'energy', value: 0.6 }, 3, 3, 20), 2); // 13/20 = 0.65
    assert.equal(rankFromSpectrum([3, 2], { criterion: 'energy', value: 0.7 }, 3, 3, 20), null);
    assert.equal(rankFromSpectrum([], { criterion: 'rank', value: 4 }, 9, 9), 4);
    assert.equal(rankFromSpectrum([], { criterion: 'ratio', value: 2 }, 100, 50), 16);
    // Zero matrix: every target is met at rank 1.
    assert.equal(rankFromSpectrum([0, 0], { criterion: 'energy', value: 1 }, 2, 2), 1);
  });

  test('energyRanks and optimalErrors', () => {
    const s = [3, 2, 1];
    assert.deepEqual(energyRanks(s).map((e) => e.rank), [2, 3, 3]);
    assert.deepEqual(energyRanks([3, 2], 20).map((e) => e.rank), [null, null, null]);
    // Within 2 ulps: the tails are scaled by the largest value before they are summed.
    const close = (got: Float64Array, want: number[]): void => {
      assert.equal(got.length, want.length);
      want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 4 * Number.EPSILON * w, `${i}: ${got[i]} vs ${w}`));
    };
    close(optimalErrors(s), [Math.sqrt(5), 1, 0]);
    close(optimalErrors([3, 2], 20), [Math.sqrt(11), Math.sqrt(7)]);
  });

  test('optimalErrors: tails summed from the small end, scaled; the energy beyond the given values counts only above the rounding of total', () => {
    // Scaled: values whose squares overflow float64 still give finite tails.
    const big = optimalErrors([3e200, 4e200, 1e200].sort((x, y) => y - x));
    assert.ok(Math.abs(big[0] - Math.sqrt(10) * 1e200) <= 1e-15 * Math.sqrt(10) * 1e200, String(big[0]));
    // total = σ₁² up to rounding (a rank-1 matrix, ‖A‖² summed over 100 terms): the rest is 0, not √ε·‖A‖.
    const s1 = 1 / 3;
    const total = s1 * s1 * (1 + 8 * Number.EPSILON);
    const tiny = optimalErrors([s1, 1e-17], total, 100);
    assert.ok(Math.abs(tiny[0] - 1e-17) <= 4 * Number.EPSILON * 1e-17 && tiny[1] === 0, String(tiny));
    // A genuine remainder above that level is kept, beside the given tail (relative 1e-15: both terms summed).
    const r = optimalErrors([3, 2], 13 + 1e-6, 100);
    assert.ok(Math.abs(r[0] - Math.sqrt(4 + 1e-6)) <= 1e-15 * r[0], String(r[0]));
    assert.ok(Math.abs(r[1] - Math.sqrt(1e-6)) <= 1e-6 * r[1], String(r[1]));
  });

  test('spectrum of a constant matrix on the TypeScript tier (partial, randomized): optimal error at rank 1 ≤ 1e-12·‖A‖_F', () => {
    // 520×530 > SPECTRUM_EXACT_MAX_SIDE: the leading values of a randomized SVD against ‖A‖²_F; total − σ₁²
    // cancelled to ≈ 1.2e-6·‖A‖_F here before the tails were summed from the small end.
    const a = Matrix.zeros(520, 530);
    a.data.fill(1 / 3);
    const rep = spectrum(a, { backend: jsBackend });
    assert.equal(rep.complete, false);
    // σ₁ = ‖A‖_F for a rank-1 matrix, to the randomized SVD's accuracy (8e-13 relative measured here).
    assert.ok(Math.abs(rep.singularValues[0] - rep.normFrobenius) <= 1e-10 * rep.normFrobenius, `σ₁ ${rep.singularValues[0]}, ‖A‖_F ${rep.normFrobenius}`);
    assert.ok(rep.optimalError[0] <= 1e-12 * rep.normFrobenius, `optimal error ${rep.optimalError[0]} at rank 1, ‖A‖_F ${rep.normFrobenius}`);
  });
});
