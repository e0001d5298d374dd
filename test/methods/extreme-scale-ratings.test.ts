/**
 * Methods that square the data — ALS, SVD++, BPMF, the gradient methods (dense and with missing
 * entries) — on values whose squares float64 (float32 for float32 training) cannot hold: one clear
 * E_UNSUPPORTED naming the magnitude and the way out, instead of "not positive definite; use
 * reg > 0", "lower the learning rate", all-zero factors (ALS with λ = 0 at 1e−200) or factors that
 * fit nothing (gradient at 1e−300, whose losses underflow to 0 and pass every check). Inside the
 * range, unregularised ALS is scale-equivariant: the predictions of 2^e·R are 2^e times those of R.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { CsrMatrix, canonicalizeCoo, cooMatrix } from '../../src/core/sparse.js';
import { alsFactorize } from '../../src/methods/als.js';
import { bpmfFactorize } from '../../src/methods/bpmf.js';
import { gradientFactorize } from '../../src/methods/gradient.js';
import { maskedGradientFactorize } from '../../src/methods/masked-gradient.js';
import { svdppFactorize } from '../../src/methods/svdpp.js';
import { assertLowRankError } from '../helpers.js';

/** 60×40 with 800 observed ratings in [1, 5), times c. */
function ratings(c: number): CsrMatrix {
  const rng = new Rng(0);
  const n = 60;
  const m = 40;
  const row: number[] = [];
  const col: number[] = [];
  const val: number[] = [];
  const seen = new Set<number>();
  while (val.length < 800) {
    const i = Math.floor(rng.uniform() * n);
    const j = Math.floor(rng.uniform() * m);
    if (seen.has(i * m + j)) continue;
    seen.add(i * m + j);
    row.push(i);
    col.push(j);
    val.push((1 + 4 * rng.uniform()) * c);
  }
  return CsrMatrix.fromCoo(canonicalizeCoo(cooMatrix(n, m, Int32Array.from(row), Int32Array.from(col), Float64Array.from(val))));
}

describe('values whose squares leave the range', () => {
  const dense = (c: number): Matrix => {
    const a = Matrix.zeros(40, 30);
    new Rng(1).fillNormal(a.data);
    for (let i = 0; i < a.data.length; i++) a.data[i] *= c;
    return a;
  };
  const methods: [string, (c: number) => unknown][] = [
    ['als', (c) => alsFactorize(ratings(c), { rank: 4, iterations: 2 })],
    ['als λ = 0', (c) => alsFactorize(ratings(c), { rank: 4, iterations: 2, reg: 0 })],
    ['svdpp', (c) => svdppFactorize(ratings(c), { rank: 4, epochs: 2 })],
    ['bpmf', (c) => bpmfFactorize(ratings(c), { rank: 4, samples: 2, burnIn: 1 })],
    ['masked gradient', (c) => maskedGradientFactorize(ratings(c), { rank: 4, epochs: 2 })],
    ['gradient float64', (c) => gradientFactorize(dense(c), { rank: 4, epochs: 2, dtype: 'float64' })],
  ];
  for (const [name, run] of methods) {
    test(`${name}: 1e160 and 1e−160 are E_UNSUPPORTED naming the magnitude`, () => {
      for (const c of [1e160, 1e300, 1e-160, 1e-300]) {
        // The dense gradient keeps its own refusal of data too small for its initialisation (divergence.test.ts).
        if (name.startsWith('gradient') && c < 1) assertLowRankError(() => run(c), 'E_DIVERGED', 'rescale the data');
        else assertLowRankError(() => run(c), 'E_UNSUPPORTED', c.toExponential(0).slice(1), 'rescale');
      }
    });
  }

  test('gradient in float32 (the default): entries of 1e38 (beyond float32 once cast, was "loss became Infinity … lower the learning rate") are refused the same way; 1e30 and 1 train', () => {
    assertLowRankError(() => gradientFactorize(dense(1e38), { rank: 4, epochs: 2 }), 'E_UNSUPPORTED', 'float32', 'rescale');
    assert.equal(gradientFactorize(dense(1e30), { rank: 4, epochs: 2 }).rank, 4);
    assert.equal(gradientFactorize(dense(1), { rank: 4, epochs: 2 }).rank, 4);
  });

  test('unregularised ALS inside the range: predictions of 2^e·R are 2^e times those of R', () => {
    const unit = alsFactorize(ratings(1), { rank: 4, iterations: 3, reg: 0 });
    const predict = (f: typeof unit, i: number, j: number): number => {
      let s = 0;
      for (let t = 0; t < 4; t++) s += f.U.data[i * 4 + t] * f.V.data[t * 40 + j];
      return s;
    };
    fc.assert(fc.property(fc.noBias(fc.integer({ min: -400, max: 400 })), (e) => {
      const f = alsFactorize(ratings(2 ** e), { rank: 4, iterations: 3, reg: 0 });
      for (const [i, j] of [[0, 0], [17, 23], [59, 39]]) {
        const want = predict(unit, i, j);
        const got = predict(f, i, j) / 2 ** e;
        if (!(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)))) throw new Error(`e = ${e}: prediction (${i}, ${j}) / 2^e = ${got}, unscaled ${want}`);
      }
    }), { numRuns: 30, seed: 21, examples: [[-400], [400]] });
  });
});
