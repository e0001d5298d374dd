import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { imageMse, psnr, ssim } from '../../src/metrics/image-quality.js';

function filled(rows: number, cols: number, f: (i: number, j: number) => number): Matrix {
  const a = Matrix.zeros(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a.set(i, j, f(i, j));
  return a;
}

describe('psnr', () => {
  it('is 10·log10(255²/MSE), pooled over channels, Infinity for identical images', () => {
    const a = Matrix.zeros(2, 2);
    const b = filled(2, 2, () => 1);
    assert.ok(Math.abs(psnr(a, b) - 10 * Math.log10(255 * 255)) < 1e-12);
    // Channel 1 errs by 2 everywhere, channel 2 is exact: MSE = 4/2 = 2.
    const c2 = filled(2, 2, () => 2);
    assert.equal(imageMse([a, a], [c2, a]), 2);
    assert.ok(Math.abs(psnr([a, a], [c2, a]) - 10 * Math.log10((255 * 255) / 2)) < 1e-12);
    assert.equal(psnr(b, b), Infinity);
    assert.ok(Math.abs(psnr(a, b, 1) - 0) < 1e-12);
  });

  it('refuses mismatched shapes or channel counts', () => {
    assert.throws(() => psnr(Matrix.zeros(2, 2), Matrix.zeros(2, 3)), (e: unknown) => e instanceof LowRankError && e.code === 'E_SHAPE');
    assert.throws(() => psnr([Matrix.zeros(2, 2)], [Matrix.zeros(2, 2), Matrix.zeros(2, 2)]), (e: unknown) => e instanceof LowRankError && e.code === 'E_SHAPE');
    assert.throws(() => psnr(Matrix.zeros(2, 2), Matrix.zeros(2, 2), 0), (e: unknown) => e instanceof LowRankError && e.code === 'E_ARG');
  });
});

describe('ssim (Wang et al. 2004, 11×11 Gaussian σ = 1.5, K1 = 0.01, K2 = 0.03)', () => {
  it('is 1 for identical images and symmetric', () => {
    const a = filled(20, 24, (i, j) => (i * 7 + j * 13) % 256);
    const b = filled(20, 24, (i, j) => ((i * 7 + j * 13) % 256) * 0.8 + 10);
    assert.ok(Math.abs(ssim(a, a) - 1) < 1e-12);
    assert.ok(Math.abs(ssim(a, b) - ssim(b, a)) < 1e-12);
    assert.ok(ssim(a, b) < 1);
  });

  it('on constant images reduces to the luminance term (2μaμb + C1)/(μa² + μb² + C1)', () => {
    const a = filled(11, 11, () => 100);
    const b = filled(11, 11, () => 110);
    const c1 = (0.01 * 255) ** 2;
    const expected = (2 * 100 * 110 + c1) / (100 ** 2 + 110 ** 2 + c1);
    assert.ok(Math.abs(ssim(a, b) - expected) < 1e-9, `${ssim(a, b)} vs ${expected}`);
  });

  it('drops toward 0 for unrelated noise and is negative for an inverted pattern', () => {
    let s = 1;
    const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647) * 255;
    const a = filled(32, 32, () => rnd());
    const b = filled(32, 32, () => rnd());
    assert.ok(Math.abs(ssim(a, b)) < 0.1);
    const inv = filled(32, 32, (i, j) => 255 - a.get(i, j));
    assert.ok(ssim(a, inv) < 0);
  });

  it('needs at least 11×11 pixels', () => {
    assert.throws(() => ssim(Matrix.zeros(10, 40), Matrix.zeros(10, 40)), /at least 11×11/);
  });
});
