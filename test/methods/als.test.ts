import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LowRankError } from '../../src/core/errors.js';
import { cooMatrix, CsrMatrix } from '../../src/core/sparse.js';
import { alsFactorize } from '../../src/methods/als.js';
import { predictRating } from '../../src/methods/rating-model.js';
import { lowRankWithHoles, predict, rmse, weightedObjective } from './ratings-helpers.js';

describe('als (weighted-λ alternating least squares)', () => {
  const { train, test } = lowRankWithHoles(60, 40, 3, 0.05, 0.4, 7);
  const r = CsrMatrix.fromCoo(train);

  for (const biases of [false, true]) {
    it(`after a sweep the column half-step is exact: ∂/∂V of the objective is 0${biases ? ' (with biases)' : ''}`, () => {
      const reg = 0.05;
      const f = alsFactorize(r, { rank: 3, reg, iterations: 3, biases });
      const k = 3;
      const grad = new Float64Array(40 * (k + 1));
      const count = new Float64Array(40);
      for (let e = 0; e < train.values.length; e++) {
        const i = train.row[e];
        const j = train.col[e];
        const d = predict(f, i, j) - train.values[e];
        count[j]++;
        for (let l = 0; l < k; l++) grad[j * (k + 1) + l] += d * f.U.get(i, l);
        grad[j * (k + 1) + k] += d;
      }
      let worst = 0;
      for (let j = 0; j < 40; j++) {
        for (let l = 0; l < k; l++) worst = Math.max(worst, Math.abs(grad[j * (k + 1) + l] + reg * count[j] * f.V.get(l, j)));
        if (biases) worst = Math.max(worst, Math.abs(grad[j * (k + 1) + k] + reg * count[j] * f.biases!.item[j]));
      }
      assert.ok(worst < 1e-9, `largest gradient entry ${worst}`);
    });
  }

  it('the regularised objective never increases from sweep to sweep', () => {
    const reg = 0.1;
    let prev = Infinity;
    for (let t = 1; t <= 6; t++) {
      const obj = weightedObjective(alsFactorize(r, { rank: 3, reg, iterations: t, biases: true, seed: 3 }), train, reg);
      assert.ok(obj <= prev * (1 + 1e-12), `sweep ${t}: ${obj} > ${prev}`);
      prev = obj;
    }
  });

  it('recovers a noiseless fully observed low-rank matrix', () => {
    const full = lowRankWithHoles(30, 20, 3, 0, 1, 11).train;
    const f = alsFactorize(CsrMatrix.fromCoo(full), { rank: 3, reg: 1e-12, iterations: 150 });
    assert.ok(rmse(f, full) < 1e-6, `rmse ${rmse(f, full)}`);
  });

  it('fills holes: held-out RMSE near the noise level, and the progress callback reports it every sweep', () => {
    const seen: number[] = [];
    const f = alsFactorize(r, { rank: 3, reg: 0.01, iterations: 8, validation: test, range: null, onProgress: (p) => seen.push(p.validationRmse!) });
    assert.equal(seen.length, 8);
    assert.ok(Math.abs(seen[7] - rmse(f, test)) < 1e-12);
    assert.ok(seen[7] < 0.1, `held-out rmse ${seen[7]}`);
    assert.equal(f.method, 'als');
    assert.equal(f.epochsRun, 8);
    assert.equal(f.lossHistory!.length, 8);
    assert.ok(f.timings.sweepMsMax >= 0);
  });

  it('a row or column without entries gets zero factors and bias: it predicts the global mean plus the other bias', () => {
    const a = cooMatrix(3, 3, Int32Array.of(0, 0, 1, 1), Int32Array.of(0, 1, 0, 1), Float64Array.of(5, 3, 4, 2));
    const f = alsFactorize(CsrMatrix.fromCoo(a), { rank: 1, biases: true });
    assert.deepEqual(f.U.row(2), [0]);
    assert.equal(f.biases!.user[2], 0);
    assert.equal(f.V.get(0, 2), 0);
    assert.equal(f.biases!.item[2], 0);
    assert.ok(Math.abs(predict(f, 2, 0) - (f.biases!.global + f.biases!.item[0])) < 1e-12);
    assert.equal(predictRating({ ...f, range: [1, 5] }, 2, 2), 3.5);
  });

  it('λ = 0 with a rank-deficient row falls back to a tiny ridge instead of failing', () => {
    const a = cooMatrix(2, 4, Int32Array.of(0, 1, 1, 1, 1), Int32Array.of(0, 0, 1, 2, 3), Float64Array.of(1, 2, 3, 4, 5));
    const f = alsFactorize(CsrMatrix.fromCoo(a), { rank: 2, reg: 0, iterations: 3 });
    for (const x of f.U.data) assert.ok(Number.isFinite(x));
  });

  it('rejects bad arguments', () => {
    const isArg = (e: unknown) => e instanceof LowRankError && e.code === 'E_ARG';
    assert.throws(() => alsFactorize(r, { rank: 0 }), isArg);
    assert.throws(() => alsFactorize(r, { rank: 41 }), isArg);
    assert.throws(() => alsFactorize(r, { rank: 2, reg: -1 }), /reg must be a finite number ≥ 0/);
    assert.throws(() => alsFactorize(r, { rank: 2, iterations: 0 }), /iterations must be an integer ≥ 1/);
    const empty = CsrMatrix.fromCoo(cooMatrix(3, 3, new Int32Array(0), new Int32Array(0), new Float64Array(0)));
    assert.throws(() => alsFactorize(empty, { rank: 1 }), /needs observed entries/);
  });
});
