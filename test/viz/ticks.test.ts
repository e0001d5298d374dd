import assert from 'node:assert/strict';
import { test } from 'node:test';
import { niceTicks } from '../../src/viz/svg.js';

test('niceTicks: 1-2-5 steps covering the range', () => {
  assert.deepEqual(niceTicks(-3, 7), [-2, 0, 2, 4, 6]);
  const t = niceTicks(0, 1);
  assert.equal(t.length, 6);
  assert.equal(t[0], 0);
  assert.ok(Math.abs(t[5] - 1) < 1e-15);
});

test('niceTicks: a range below the rounding of its ends terminates with a few in-range ticks', () => {
  // A constant matrix of 20000s: the colour range is one ulp wide, so `t += step` never advanced.
  for (const [lo, hi] of [[20000, 20000.000000000004], [1, 1 + 2 ** -52], [-1e-300, 1e-300], [1e300, 1.0000000000000002e300]]) {
    const t = niceTicks(lo, hi);
    assert.ok(t.length >= 1 && t.length <= 24, `${lo}..${hi}: ${t.length} ticks`);
    for (const x of t) assert.ok(x >= lo - Math.abs(lo) * 1e-15 && x <= hi + Math.abs(hi) * 1e-15, `${x} outside ${lo}..${hi}`);
    for (let i = 1; i < t.length; i++) assert.ok(t[i] > t[i - 1], 'strictly increasing');
  }
});
