/**
 * Divergence that is not NaN: a gradient run that ends worse than it started, or far worse than
 * the trivial model, is a runtime failure (E_DIVERGED, CLI exit 1, nothing written) with one
 * message saying what to change. Also the Adam hyper-parameter checks both gradient methods share.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { cooMatrix } from '../../src/core/sparse.js';
import { writeNpy } from '../../src/io/npy.js';
import { matmul } from '../../src/linalg/matmul.js';
import { TRIVIAL_LOSS_MARGIN, checkFinalLoss } from '../../src/methods/divergence.js';
import { gradientFactorize } from '../../src/methods/gradient.js';
import { maskedGradientFactorize } from '../../src/methods/masked-gradient.js';
import { runCli, tempDir } from '../cli/run-cli.js';
import { assertLowRankError } from '../helpers.js';

function randn(n: number, m: number, seed: number, scale = 1): Matrix {
  const a = Matrix.zeros(n, m);
  new Rng(seed).fillNormal(a.data, 0, scale);
  return a;
}

/** A rank-4 60×40 matrix scaled by `scale`. */
function lowRank(scale: number): Matrix {
  const a = matmul(randn(60, 4, 1), randn(4, 40, 2));
  for (let i = 0; i < a.data.length; i++) a.data[i] *= scale;
  return a;
}

/** 2000 synthetic ratings in [1, 5] of 120 users × 80 items (distinct pairs). */
function ratings() {
  const rng = new Rng(3);
  const seen = new Set<number>();
  const row: number[] = [];
  const col: number[] = [];
  const values: number[] = [];
  while (values.length < 2000) {
    const i = rng.int(120);
    const j = rng.int(80);
    if (seen.has(i * 80 + j)) continue;
    seen.add(i * 80 + j);
    row.push(i);
    col.push(j);
    values.push(1 + rng.int(5));
  }
  return cooMatrix(120, 80, Int32Array.from(row), Int32Array.from(col), Float64Array.from(values));
}

describe('divergence without NaN', () => {
  test('dense data scaled by 1e-160: finite loss, factors far worse than U·V = 0 → E_DIVERGED (was relative error 7.5e150, exit 0)', () => {
    const e = assertLowRankError(() => gradientFactorize(lowRank(1e-160), { rank: 4, epochs: 50 }), 'E_DIVERGED', 'all-zero model', 'rescale the data');
    assert.ok(!/NaN|Infinity/.test(e.message), e.message);
  });

  test('ratings with lr 100 (the issue\'s case): the final loss is above the starting loss → E_DIVERGED (was RMSE 310, exit 0)', () => {
    assertLowRankError(() => maskedGradientFactorize(ratings(), { rank: 5, lr: 100, epochs: 20, biases: true }), 'E_DIVERGED', 'above the starting loss', 'lower learning rate');
  });

  test('negative controls: ordinary runs end below their start and the trivial model', () => {
    const dense = gradientFactorize(lowRank(1), { rank: 4, epochs: 200 });
    assert.ok(dense.lossHistory && dense.lossHistory[dense.lossHistory.length - 1] < dense.lossHistory[0]);
    const masked = maskedGradientFactorize(ratings(), { rank: 5, epochs: 20, biases: true });
    assert.equal(masked.epochsRun, 20);
    // A run that barely moves (tiny lr) is not divergence: it ends just below its start.
    const still = gradientFactorize(lowRank(1), { rank: 4, epochs: 3, lr: 1e-9 });
    assert.equal(still.epochsRun, 3);
  });

  test('checkFinalLoss: each rule, and one-line messages', () => {
    const base = { start: 1, baseline: 0.5, baselineName: 'the trivial model', optimizer: 'adam', lr: 0.1 };
    checkFinalLoss({ ...base, final: 0.9 });
    checkFinalLoss({ ...base, final: 1 });
    assertLowRankError(() => checkFinalLoss({ ...base, final: 1.01 }), 'E_DIVERGED', 'above the starting loss');
    assertLowRankError(() => checkFinalLoss({ ...base, start: 10, final: TRIVIAL_LOSS_MARGIN * 0.5 * 1.01 }), 'E_DIVERGED', 'the trivial model');
    assertLowRankError(() => checkFinalLoss({ ...base, final: NaN }), 'E_DIVERGED', 'NaN');
  });

  test('CLI: the 1e-160 dense run exits 1 with one line, and writes nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny.npy'), writeNpy(lowRank(1e-160)));
    const r = runCli(['factor', 'tiny.npy', '--rank', '4', '--method', 'gradient', '--epochs', '50', '--quiet', '--out', join(dir, 'out')], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /diverged/);
    assert.ok(!existsSync(join(dir, 'out')), 'no output directory');
  });
});

describe('Adam hyper-parameters (one check for both gradient methods)', () => {
  test('beta1, beta2, momentum outside [0, 1) and eps ≤ 0 are refused the same way by both', () => {
    const bad: Array<[object, string]> = [
      [{ betas: [1, 0.999] }, 'beta1'],
      [{ betas: [0.9, -0.1] }, 'beta2'],
      [{ momentum: 1 }, 'momentum'],
      [{ eps: 0 }, 'eps'],
    ];
    for (const [opts, name] of bad) {
      const dense = assertLowRankError(() => gradientFactorize(lowRank(1), { rank: 2, epochs: 1, ...opts }), 'E_ARG', name);
      const masked = assertLowRankError(() => maskedGradientFactorize(ratings(), { rank: 2, epochs: 1, ...opts }), 'E_ARG', name);
      assert.equal(dense.message, masked.message);
      assert.ok(dense instanceof LowRankError);
    }
  });
});
