import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Matrix } from '../../src/core/matrix.js';
import { COMPARISON_MAX_ASPECT, comparisonFigure, rectBlockMeans } from '../../src/viz/comparison.js';

/** The drawn boxes of the panels' images: width, height and the data URL's PNG size. */
function images(svg: string): Array<{ w: number; h: number }> {
  return [...svg.matchAll(/<image x="[^"]+" y="[^"]+" width="([^"]+)" height="([^"]+)"/g)].map((m) => ({ w: Number(m[1]), h: Number(m[2]) }));
}

function ramp(n: number, m: number): Matrix {
  return new Matrix(n, m, Float64Array.from({ length: n * m }, (_, i) => Math.sin(i)));
}

describe('comparisonFigure keeps a readable aspect (issue 9, item 26)', () => {
  test('a tall 1797×64 matrix (digits) is drawn in a box of aspect ≤ COMPARISON_MAX_ASPECT, rows averaged, and the title says so', () => {
    const a = ramp(1797, 64);
    const svg = comparisonFigure([{ title: 'Original: 1797*64', matrix: a }, { title: 'Compressed', matrix: a }]);
    const boxes = images(svg);
    assert.equal(boxes.length, 2);
    for (const b of boxes) {
      assert.ok(b.h / b.w <= COMPARISON_MAX_ASPECT + 1e-9, `aspect ${b.h / b.w}`);
      assert.ok(b.w >= 150, `a readable width, got ${b.w}px`); // before: 16 px of 64 columns
    }
    const m = /Original: 1797\*64 \((\d+)×(\d+) block means\)/.exec(svg);
    assert.ok(m, 'the title names the block means');
    assert.ok(Number(m![1]) > 1 && Number(m![2]) === 1, `rows averaged, columns kept: ${m![0]}`);
  });

  test('a wide matrix likewise; the seed\'s 100×50 keeps square cells and no note', () => {
    const wide = comparisonFigure([{ title: 'W', matrix: ramp(20, 3000) }]);
    const [b] = images(wide);
    assert.ok(b.w / b.h <= COMPARISON_MAX_ASPECT + 1e-9);
    assert.match(wide, /W \(1×\d+ block means\)/);
    const seed = comparisonFigure([{ title: 'Original: 100*50', matrix: ramp(100, 50) }]);
    const [s] = images(seed);
    assert.ok(Math.abs(s.h / s.w - 2) < 1e-9);
    assert.ok(seed.includes('>Original: 100*50<'));
  });

  test('upstream block means multiply into one note', () => {
    const svg = comparisonFigure([{ title: 'Original', matrix: ramp(899, 32), block: { rows: 2, cols: 2 } }]);
    assert.match(svg, /Original \((\d+)×2 block means\)/);
  });

  test('rectBlockMeans averages fr×fc blocks, edge blocks over what they hold', () => {
    const a = Matrix.fromRows([[1, 2, 3], [3, 4, 5], [5, 6, 7]]);
    assert.deepEqual(rectBlockMeans(a, 2, 1).toRows(), [[2, 3, 4], [5, 6, 7]]);
    assert.deepEqual(rectBlockMeans(a, 1, 2).toRows(), [[1.5, 3], [3.5, 5], [5.5, 7]]);
  });
});
