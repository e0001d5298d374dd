import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { matmul } from '../../src/linalg/matmul.js';
import { svd } from '../../src/linalg/svd.js';
import { svdFactorize } from '../../src/methods/svd.js';
import { blockMeans, factorizationFigures, imageComparisonFigure, optimalMse, productBlockMeans, reduceImage, sideBySide, svgSize } from '../../src/viz/figures.js';
import { render } from './render-helpers.js';

function sample(n: number, m: number): Matrix {
  const a = Matrix.zeros(n, m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) a.set(i, j, Math.sin(i * 0.3 + j * 0.1) + Math.cos(i * j * 0.01) + ((i * 7 + j * 3) % 5) * 0.05);
  return a;
}

describe('factorizationFigures', () => {
  const a = sample(40, 30);
  const f = svdFactorize(a, { rank: 5 });
  const approx = matmul(f.U, f.V);

  it('comparison and residual always; spectrum with the singular values; loss only with a history', async () => {
    const plain = factorizationFigures({ original: a, approximation: approx, rank: 5 });
    assert.ok(plain.comparison.includes('Original: 40*30') && plain.comparison.includes('Compressed: 40*5+5*30'));
    assert.ok(plain.residual.includes('Residual A − UV (rank 5)'));
    assert.equal(plain.loss, undefined);
    assert.equal(plain.spectrum, undefined);
    const history = Float64Array.from({ length: 50 }, (_, i) => 10 * Math.exp(-i / 5) + 0.02);
    const full = factorizationFigures({ original: a, approximation: approx, rank: 5, spectrum: f.spectrum, lossHistory: history, methodLabel: 'adam' });
    assert.ok(full.loss?.includes('optimum (truncated SVD)'));
    assert.ok(full.spectrum?.includes('Singular values') && full.spectrum.includes('Error and energy against rank') && full.spectrum.includes('rank 5'));
    for (const svg of [full.comparison, full.residual, full.loss as string, full.spectrum as string]) {
      const px = await render(svg);
      assert.ok(px.width > 300 && px.height > 300);
    }
    assert.deepEqual(svgSize(full.spectrum as string), { width: 1040, height: 420 });
  });

  it('the optimum line of the loss is the optimal MSE ‖A − A_k‖²_F / (n·m)', () => {
    const s = svd(a).S;
    let tail = 0;
    for (let i = 5; i < s.length; i++) tail += s[i] * s[i];
    assert.ok(Math.abs(optimalMse(s, 5, 40, 30) - tail / 1200) < 1e-15);
  });

  it('block means of U·V equal the block means of the product, without forming it', () => {
    const u = sample(23, 4);
    const v = sample(4, 17);
    const direct = blockMeans(matmul(u, v), 3);
    const streamed = productBlockMeans(u, v, 3);
    assert.deepEqual(streamed.shape, [8, 6]);
    for (let i = 0; i < direct.data.length; i++) assert.ok(Math.abs(direct.data[i] - streamed.data[i]) < 1e-12);
    const blk = factorizationFigures({ original: blockMeans(a, 2), approximation: blockMeans(approx, 2), rank: 5, displayBlock: { size: 2, rows: 40, cols: 30 } });
    assert.ok(blk.comparison.includes('Original: 40*30 (2×2 block means)'));
    assert.ok(blk.residual.includes('40×30 shown as 2×2 block means'));
  });
});

describe('image figures', () => {
  it('side by side with titles; small images enlarged, large ones reduced by block means', () => {
    const ch = Matrix.zeros(120, 160);
    ch.data.fill(100);
    const svg = imageComparisonFigure([
      { title: 'Original 160×120', channels: [ch] },
      { title: 'Rank 5', subtitle: 'PSNR 30 dB', channels: [ch, ch, ch], alpha: ch },
    ]);
    assert.ok(svg.includes('Original 160×120') && svg.includes('PSNR 30 dB · enlarged 3×'));
    const big = Matrix.zeros(2100, 10);
    const svg2 = imageComparisonFigure([{ title: 'tall', channels: [big] }]);
    assert.ok(svg2.includes('shown as 3×3 block means'));
    const img = { width: 4, height: 2, data: new Uint8ClampedArray([0, 0, 0, 255, 10, 10, 10, 255, 20, 0, 0, 255, 40, 0, 0, 255, 0, 0, 0, 255, 10, 10, 10, 255, 20, 0, 0, 255, 40, 0, 0, 255]) };
    const r = reduceImage(img, 2);
    assert.equal(r.blockSize, 2);
    assert.deepEqual(Array.from(r.image.data), [5, 5, 5, 255, 30, 0, 0, 255]);
  });

  it('sideBySide nests figures at their offsets', () => {
    const one = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"></svg>';
    const two = '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="80"></svg>';
    const both = sideBySide([one, two]);
    assert.deepEqual(svgSize(both), { width: 130, height: 80 });
    assert.ok(both.includes('<svg x="100" y="0" xmlns'));
  });
});
