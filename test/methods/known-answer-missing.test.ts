import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsrMatrix } from '../../src/core/sparse.js';
import { alsFactorize } from '../../src/methods/als.js';
import { maskedGradientFactorize } from '../../src/methods/masked-gradient.js';
import { ratingErrors } from '../../src/metrics/ratings.js';
import { lowRankWithHoles } from './ratings-helpers.js';

/**
 * Known answer with missing entries: a 2000×1000 matrix of rank 10 (entries of unit variance)
 * plus noise σ = 0.1, with 90% of its entries hidden. The best any method can do on a hidden
 * entry is the noise, RMSE σ = 0.1; both methods must come within 10% of it on all 1.8 million
 * hidden entries.
 */
describe('known answer: rank 10 + noise 0.1, 90% of entries hidden', () => {
  const sigma = 0.1;
  const { train, test } = lowRankWithHoles(2000, 1000, 10, sigma, 0.1, 1);

  it('ALS reaches held-out RMSE ≤ 1.1 σ', () => {
    const f = alsFactorize(CsrMatrix.fromCoo(train), { rank: 10, reg: 0.001, iterations: 10 });
    const e = ratingErrors(f, test);
    assert.equal(e.count, 2000 * 1000 - train.values.length);
    assert.ok(e.rmse <= 1.1 * sigma, `ALS held-out RMSE ${e.rmse}`);
    assert.ok(e.rmse >= 0.95 * sigma, `below the noise floor: ${e.rmse}`);
  });

  it('the masked gradient method (Adam, mini-batches, cosine schedule) reaches held-out RMSE ≤ 1.1 σ', () => {
    const f = maskedGradientFactorize(train, { rank: 10, reg: 0.001, epochs: 20, batchSize: 4096, lr: 0.02, seed: 1 });
    const e = ratingErrors(f, test);
    assert.ok(e.rmse <= 1.1 * sigma, `gradient held-out RMSE ${e.rmse}`);
  });
});
