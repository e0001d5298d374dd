import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';

import { jsBackend } from '../../src/backend/js/index.js';
import { Matrix } from '../../src/core/matrix.js';
import { AvgPercentBreakdown, NEAR_ZERO_RELATIVE, nearZeroThreshold } from '../../src/metrics/avg-percent.js';
import { ErrorAccumulator, approximationErrors, frobeniusNorm } from '../../src/metrics/errors.js';
import { approximationErrorsFromFactors } from '../../src/metrics/factor-errors.js';
import { evaluateFactorization } from '../../src/metrics/evaluate.js';
import { randomizedFactorize } from '../../src/methods/randomized.js';
import { Rng } from '../../src/core/rng.js';

/** The figures by their definitions, entry by entry (the seed's formulas), and the histogram breakdown. */
function byDefinition(a: Float64Array, b: Float64Array): { frob: number; pct: number; maxAbs: number; normA: number; near: ReturnType<AvgPercentBreakdown['result']> } {
  let ss = 0;
  let sa = 0;
  let pct = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    ss += (a[i] - b[i]) ** 2;
    sa += a[i] ** 2;
    pct += Math.abs(a[i] - b[i]) / (Math.abs(a[i]) + 1e-8);
    maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
  }
  const hist = new AvgPercentBreakdown();
  hist.add(a, 0, b);
  return { frob: Math.sqrt(ss), pct: (100 * pct) / a.length, maxAbs, normA: Math.sqrt(sa), near: hist.result(Math.sqrt(sa / a.length)) };
}

describe('error pass: one fused loop with the near-zero threshold known up front', () => {
  test('equals the definitions and the histogram breakdown, whole or in blocks (property)', () => {
    // (no subnormal squares: the reference sums here are plain, not scaled)
    const entry = fc.oneof(fc.double({ min: -100, max: 100, noNaN: true }).map((x) => (Math.abs(x) < 1e-100 ? 0 : x)), fc.constantFrom(0, 1e-9, -1e-6, 2 ** -10, 2 ** -11));
    fc.assert(
      fc.property(fc.array(fc.tuple(entry, fc.double({ min: -1, max: 1, noNaN: true }).map((x) => (Math.abs(x) < 1e-100 ? 0 : x))), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (pairs, block) => {
        const a = Float64Array.from(pairs, ([x]) => x);
        const b = Float64Array.from(pairs, ([x, d]) => x + d);
        const want = byDefinition(a, b);
        const whole = approximationErrors(new Matrix(1, a.length, a), new Matrix(1, b.length, b));
        const acc = new ErrorAccumulator(frobeniusNorm(new Matrix(1, a.length, a), jsBackend), a.length);
        for (let i0 = 0; i0 < a.length; i0 += block) acc.add(a, i0, b.subarray(i0, Math.min(a.length, i0 + block)));
        const blocked = acc.result();
        for (const e of [whole, blocked]) {
          // float64 sums in another order: agreement to a few ulps of the sums
          assert.ok(Math.abs(e.frobenius - want.frob) <= 1e-12 * (want.frob + 1e-300), `frobenius ${e.frobenius} vs ${want.frob}`);
          assert.ok(Math.abs(e.avgPercent - want.pct) <= 1e-12 * want.pct, `avg percent ${e.avgPercent} vs ${want.pct}`);
          assert.equal(e.maxAbs, want.maxAbs);
          assert.ok(Math.abs(e.normA - want.normA) <= 1e-12 * want.normA);
          assert.equal(e.avgPercentNearZero.count, want.near.count);
          assert.equal(e.avgPercentNearZero.below, want.near.below);
          assert.ok(Math.abs(e.avgPercentNearZero.share - want.near.share) <= 1e-12);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('the threshold is the largest power of two ≤ 1e-3 · rms, exact at the boundary', () => {
    assert.equal(nearZeroThreshold(2 ** 10 / NEAR_ZERO_RELATIVE), 2 ** 10);
    // just below a power of two: the next one down (Math.log2 would round up here)
    const justBelow = 2 ** 10 * (1 - 2 ** -52);
    assert.equal(nearZeroThreshold(justBelow / NEAR_ZERO_RELATIVE) <= justBelow, true);
    assert.equal(nearZeroThreshold(0), 0);
    assert.equal(nearZeroThreshold(Infinity), 0);
    assert.equal(nearZeroThreshold(NaN), 0);
    assert.equal(nearZeroThreshold(1e-320), 0, 'subnormal threshold: none');
  });

  test('a NaN difference at any position makes max abs NaN, whatever follows it', () => {
    for (const at of [0, 1, 2, 3, 4]) {
      const x = [1, -2, 3, -4, 5];
      const y = [0, 0, 0, 0, 0];
      y[at] = NaN;
      const acc = new ErrorAccumulator(1, 5);
      acc.add(x, 0, y);
      assert.ok(Number.isNaN(acc.result().maxAbs), `NaN at ${at}`);
    }
  });

  test('an accumulator given fewer entries than announced refuses to report', () => {
    const acc = new ErrorAccumulator(1, 4);
    acc.add([1, 0], 0, [1, 0]);
    assert.throws(() => acc.result(), /saw 2 entries, expected 4/);
  });

  test('a randomized factorization\'s ‖A‖_F (params.normA) stands in for the pass over A: same figures, bit for bit', () => {
    const rng = new Rng(3);
    const a = Matrix.zeros(300, 200);
    for (let i = 0; i < a.data.length; i++) a.data[i] = rng.normal() * (1 + (i % 7));
    const f = randomizedFactorize(a, { rank: 10, backend: jsBackend, seed: 1 });
    const computed = evaluateFactorization(a, f, { backend: jsBackend });
    const given = evaluateFactorization(a, f, { backend: jsBackend, normA: f.params.normA });
    assert.equal(f.params.normA, frobeniusNorm(a, jsBackend), 'the method\'s norm is the one the pass computes');
    assert.deepEqual(given, computed);
    // The value is taken as given (the documented contract): a different one changes the relative error.
    const doubled = evaluateFactorization(a, f, { backend: jsBackend, normA: 2 * f.params.normA });
    assert.equal(doubled.relative, computed.relative / 2);
  });
});

test('‖A‖_F beyond float64 (finite entries): the relative error is the ratio of the scaled sums, the same as for 2^−600·A, by approximationErrors and from factors (was: NaN or 0)', () => {
  // A 10×10 diagonal of ±1e308·dᵢ: ‖A‖_F ≈ 2.7e308 overflows; its rank-r truncation leaves the tail.
  const d = [1, -0.9, 0.8, -0.7, 0.6, -0.5, 0.4, -0.3, 0.2, -0.1];
  const diag = (scale: number, keep: number): Matrix => {
    const m = Matrix.zeros(10, 10);
    for (let i = 0; i < keep; i++) m.data[i * 11] = d[i] * scale;
    return m;
  };
  const c = 2 ** -600;
  for (const keep of [3, 9]) {
    const a = diag(1e308, 10);
    const tail = Math.sqrt(d.slice(keep).reduce((t, x) => t + x * x, 0) / d.reduce((t, x) => t + x * x, 0));
    const direct = approximationErrors(a, diag(1e308, keep));
    const scaled = approximationErrors(diag(1e308 * c, 10), diag(1e308 * c, keep));
    assert.equal(direct.normA, Infinity);
    assert.ok(Math.abs(direct.relative - tail) <= 1e-15 * tail, `keep ${keep}: relative ${direct.relative}, exact ${tail}`);
    assert.ok(Math.abs(direct.relative - scaled.relative) <= 1e-15 * tail, `keep ${keep}: ${direct.relative} vs 2^−600·A ${scaled.relative}`);
    assert.equal(direct.avgPercent, scaled.avgPercent);
    // The near-zero threshold is in A's units: 2^600 times the scaled one; the same entries fall below it.
    assert.deepEqual({ ...direct.avgPercentNearZero, below: direct.avgPercentNearZero.below * c }, scaled.avgPercentNearZero);
    // From factors: U = I (10×10 identity's first `keep` columns), V = the kept rows.
    const u = Matrix.zeros(10, keep);
    for (let i = 0; i < keep; i++) u.data[i * keep + i] = 1;
    const v = Matrix.zeros(keep, 10);
    for (let i = 0; i < keep; i++) v.data[i * 10 + i] = d[i] * 1e308;
    const fromFactors = approximationErrorsFromFactors(a, u, v);
    assert.ok(Math.abs(fromFactors.relative - tail) <= 1e-15 * tail, `from factors, keep ${keep}: ${fromFactors.relative}`);
  }
});
