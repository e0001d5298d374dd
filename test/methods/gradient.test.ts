import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { seedMatrix } from '../../src/methods/seed-data.js';
import { matmul } from '../../src/linalg/matmul.js';
import { svd } from '../../src/linalg/svd.js';
import { gradientFactorize } from '../../src/methods/gradient.js';
import { approximationErrors } from '../../src/metrics/errors.js';
import { optimalFrobeniusError } from '../../src/metrics/optimum.js';

describe('gradient method (the seed network)', () => {
  // The seed's data model (U_true, V_true uniform on [0, 1), plus 0.1·N(0, 1)) at a smaller size.
  const a = seedMatrix(40, 30, 8, 0.1, 5);
  const opt = optimalFrobeniusError(svd(a).S, 4);

  it('PyTorch default init: U on ±1/√n, V on ±1/√k; loss before the first step is MSE of that init', () => {
    const f = gradientFactorize(a, { rank: 4, epochs: 1, lr: 1e-12 });
    // With a negligible step the factors are the initial ones.
    for (const x of f.U.data) assert.ok(Math.abs(x) <= 1 / Math.sqrt(40) + 1e-9);
    for (const x of f.V.data) assert.ok(Math.abs(x) <= 1 / Math.sqrt(4) + 1e-9);
    const e = approximationErrors(a, matmul(f.U.astype('float64'), f.V.astype('float64')));
    const mse = (e.frobenius * e.frobenius) / a.size;
    assert.ok(Math.abs(f.lossHistory![0] - mse) <= 1e-5 * mse);
  });

  it('fused and GEMM kernels give the same training (float64)', () => {
    const f1 = gradientFactorize(a, { rank: 4, epochs: 50, dtype: 'float64', kernel: 'fused' });
    const f2 = gradientFactorize(a, { rank: 4, epochs: 50, dtype: 'float64', kernel: 'gemm' });
    for (let e = 0; e < 50; e++) {
      assert.ok(Math.abs(f1.lossHistory![e] - f2.lossHistory![e]) <= 1e-10 * f1.lossHistory![e], `epoch ${e}`);
    }
  });

  for (const optimizer of ['adam', 'sgd', 'scaled'] as const) {
    it(`${optimizer}: the error never falls below the Eckart–Young optimum and the loss drops`, () => {
      const f = gradientFactorize(a, { rank: 4, optimizer, epochs: 300, dtype: 'float64' });
      const err = approximationErrors(a, matmul(f.U, f.V)).frobenius;
      assert.ok(err >= opt * (1 - 1e-9), `error ${err} below optimum ${opt}`);
      const h = f.lossHistory!;
      assert.ok(h[h.length - 1] < 0.05 * h[0], `loss ${h[0]} → ${h[h.length - 1]}`);
    });
  }

  it('scaled GD reaches the optimum to 1e-6 relative on a well-separated spectrum', () => {
    const f = gradientFactorize(a, { rank: 4, optimizer: 'scaled', epochs: 500, dtype: 'float64' });
    const err = approximationErrors(a, matmul(f.U, f.V)).frobenius;
    assert.ok(err / opt - 1 <= 1e-6, `gap ${err / opt - 1}`);
  });

  it('the same seed gives identical factors; another seed differs', () => {
    const f1 = gradientFactorize(a, { rank: 3, epochs: 20, seed: 9 });
    const f2 = gradientFactorize(a, { rank: 3, epochs: 20, seed: 9 });
    const f3 = gradientFactorize(a, { rank: 3, epochs: 20, seed: 10 });
    assert.deepEqual(f1.U.data, f2.U.data);
    assert.notDeepEqual(f1.U.data, f3.U.data);
  });

  it('stops early on the tolerance and says so', () => {
    const f = gradientFactorize(a, { rank: 4, optimizer: 'scaled', epochs: 5000, lossTol: 1e-10, dtype: 'float64' });
    assert.ok(f.epochsRun! < 5000);
    assert.equal(f.params.stoppedEarly, true);
    assert.equal(f.lossHistory!.length, f.epochsRun);
  });

  it('reports progress through the callback at the log interval', () => {
    const seen: number[] = [];
    gradientFactorize(a, { rank: 2, epochs: 25, logEvery: 10, onProgress: (p) => seen.push(p.epoch) });
    assert.deepEqual(seen, [0, 10, 20, 24]);
  });

  it('divergence (NaN/Inf loss) throws E_DIVERGED suggesting a lower learning rate', () => {
    assert.throws(
      () => gradientFactorize(a, { rank: 4, optimizer: 'sgd', lr: 1e6, epochs: 100 }),
      (e: LowRankError) => e.code === 'E_DIVERGED' && /lower learning rate/.test(e.message),
    );
  });

  it('rejects bad parameters with E_ARG naming them', () => {
    const bad: Array<[object, RegExp]> = [
      [{ rank: 0 }, /rank/],
      [{ rank: 31 }, /rank must be an integer in \[1, 30\]/],
      [{ rank: 2, lr: -1 }, /learning rate/],
      [{ rank: 2, lr: NaN }, /learning rate/],
      [{ rank: 2, epochs: 0 }, /epochs/],
      [{ rank: 2, momentum: 1 }, /momentum/],
      [{ rank: 2, optimizer: 'lbfgs' }, /optimizer/],
    ];
    for (const [o, re] of bad) {
      assert.throws(() => gradientFactorize(a, o as never), (e: LowRankError) => e.code === 'E_ARG' && re.test(e.message), JSON.stringify(o));
    }
    assert.throws(() => gradientFactorize(Matrix.fromRows([[1, NaN]]), { rank: 1 }), (e: LowRankError) => e.code === 'E_NONFINITE');
  });
});
