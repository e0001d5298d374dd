/**
 * The streamed row-block SVD over the dtype's whole range: σ, ‖A‖_F and the error of 2^e·A are 2^e
 * times those of A (the sketch, blocks and sums are the same up to powers of two), for float64 and
 * float32 blocks. Before, W = Σ A_bᵀ(A_b·Z) overflowed for entries above ≈ 1e154 (float64; ≈ 1e19
 * for float32 blocks, whose products run in float32) and was refused as "matrix holds -Inf … --missing",
 * and below ≈ 1e−154 (≈ 1e−19) it lost digits silently (σ off by 1e−4) with ‖A‖_F reported as 0.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Matrix, type DType } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { rowBlockSvd, runBlockTask, type RowBlockExecutor, type RowBlockSvdResult } from '../../src/linalg/row-block-svd.js';
import { singlePassSketch } from '../../src/linalg/single-pass-sketch.js';
import { assertLowRankRejects } from '../helpers.js';

/** Blocks of `blockRows` rows of an in-memory matrix, run in order (what a file or a cluster does). */
function memoryExecutor(a: Matrix, blockRows: number): RowBlockExecutor {
  return {
    rows: a.rows,
    cols: a.cols,
    dtype: a.dtype,
    async run(task, _pass, consume) {
      for (let b = 0, r0 = 0; r0 < a.rows; b++, r0 += blockRows) {
        const count = Math.min(blockRows, a.rows - r0);
        const block = new Matrix(count, a.cols, a.data.subarray(r0 * a.cols, (r0 + count) * a.cols));
        consume(b, r0, runBlockTask(block, r0, task));
      }
    },
  };
}

/** 200×40 Gaussian with column j divided by 1 + j (a slowly decaying spectrum), in `dtype`. */
function decaying(dtype: DType): Matrix {
  const a = Matrix.zeros(200, 40);
  new Rng(4).fillNormal(a.data);
  for (let i = 0; i < 200; i++) for (let j = 0; j < 40; j++) a.data[i * 40 + j] /= 1 + j;
  return a.astype(dtype);
}

function scaledBy(a: Matrix, e: number): Matrix {
  const out = a.clone();
  for (let i = 0; i < out.data.length; i++) out.data[i] *= 2 ** e;
  return out;
}

function sameUpToScale(got: RowBlockSvdResult, want: RowBlockSvdResult, e: number, tol: number, where: string): void {
  const c = 2 ** e;
  const rel = (x: number, y: number): number => Math.abs(x / c - y) / Math.abs(y);
  for (let i = 0; i < want.S.length; i++) {
    if (!(rel(got.S[i], want.S[i]) <= tol)) throw new Error(`${where}: σ${i + 1}/2^e = ${got.S[i] / c}, unscaled ${want.S[i]}`);
  }
  if (!(rel(got.normFrobenius, want.normFrobenius) <= tol)) throw new Error(`${where}: ‖A‖_F/2^e = ${got.normFrobenius / c}, unscaled ${want.normFrobenius}`);
  if (!(rel(got.error, want.error) <= 1e3 * tol)) throw new Error(`${where}: error/2^e = ${got.error / c}, unscaled ${want.error}`);
}

describe('streamed SVD of 2^e·A', () => {
  for (const [dtype, min, max, tol] of [['float64', -1000, 1000, 1e-12], ['float32', -110, 120, 1e-5]] as const) {
    const unit = decaying(dtype);
    const reference = rowBlockSvd(memoryExecutor(unit, 48), 5, { seed: 2 });

    test(`${dtype} blocks, e in [${min}, ${max}]: σ, ‖A‖_F and the error scaled by 2^e`, async () => {
      const want = await reference;
      const examples = dtype === 'float64' ? [[-1000], [-600], [-520], [520], [600], [1000]] : [[-110], [-70], [-40], [40], [70], [120]];
      await fc.assert(fc.asyncProperty(fc.noBias(fc.integer({ min, max })), async (e) => {
        const got = await rowBlockSvd(memoryExecutor(scaledBy(unit, e), 48), 5, { seed: 2 });
        // float32: the scaled blocks are exact but products of float32 rounding may differ across
        // the scaling of Z; 1e-5 is float32's rounding at this size.
        sameUpToScale(got, want, e, tol, `${dtype}, e = ${e}`);
      }), { numRuns: 25, seed: 12, examples });
    });
  }

  test('σ₁ beyond float64 (entries 1.5e308): E_UNSUPPORTED, not an internal "holds Inf … --missing"', async () => {
    const big = new Matrix(60, 30, new Float64Array(1800).fill(1.5e308));
    await assertLowRankRejects(rowBlockSvd(memoryExecutor(big, 16), 3), 'E_UNSUPPORTED', 'beyond float64');
  });

  test('a zero matrix: σ = 0, ‖A‖_F = 0, error 0', async () => {
    const r = await rowBlockSvd(memoryExecutor(Matrix.zeros(50, 20), 16), 3);
    assert.deepEqual(Array.from(r.S), [0, 0, 0]);
    assert.equal(r.normFrobenius, 0);
    assert.equal(r.error, 0);
  });
});

describe('single-pass sketch of 2^e·A', () => {
  const unit = decaying('float64');
  const reference = singlePassSketch(memoryExecutor(unit, 48), 5, { seed: 1 });

  test('e in [−1000, 1000]: σ, ‖A‖_F and the error estimate scaled by 2^e (were ∞ above ≈ 2^510, 0 below ≈ 2^−540)', async () => {
    const want = await reference;
    await fc.assert(fc.asyncProperty(fc.noBias(fc.integer({ min: -1000, max: 1000 })), async (e) => {
      const c = 2 ** e;
      const got = await singlePassSketch(memoryExecutor(scaledBy(unit, e), 48), 5, { seed: 1 });
      const rel = (x: number, y: number): number => Math.abs(x / c - y) / Math.abs(y);
      for (let i = 0; i < 5; i++) if (!(rel(got.S[i], want.S[i]) <= 1e-12)) throw new Error(`e = ${e}: σ${i + 1}/2^e = ${got.S[i] / c}, unscaled ${want.S[i]}`);
      if (!(rel(got.normFrobenius, want.normFrobenius) <= 1e-12)) throw new Error(`e = ${e}: ‖A‖_F/2^e = ${got.normFrobenius / c}, unscaled ${want.normFrobenius}`);
      if (!(rel(got.errorEstimate, want.errorEstimate) <= 1e-9)) throw new Error(`e = ${e}: estimate/2^e = ${got.errorEstimate / c}, unscaled ${want.errorEstimate}`);
    }), { numRuns: 25, seed: 13, examples: [[-1000], [-600], [-540], [520], [600], [1000]] });
  });
});
