import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Matrix } from '../../src/core/matrix.js';
import { AvgPercentBreakdown, NEAR_ZERO_RELATIVE } from '../../src/metrics/avg-percent.js';
import { approximationErrors } from '../../src/metrics/errors.js';
import { avgPercentCaveat } from '../../src/cli/report.js';

describe('avg percent: near-zero entries (issue 9, item 22)', () => {
  test('a few exact zeros dominate the seed\'s figure: counted, their share given', () => {
    // 98 entries of 10 approximated within 1%, 2 zeros approximated by 0.1
    const a = new Float64Array(100).fill(10);
    const b = new Float64Array(100).fill(10.1);
    a[3] = 0;
    a[70] = 0;
    b[3] = 0.1;
    b[70] = -0.1;
    const e = approximationErrors(new Matrix(10, 10, a), new Matrix(10, 10, b));
    // the seed's figure: (98 · 1% + 2 · 0.1/1e-8 · 100%) / 100
    const want = (98 * 0.01 + 2 * (0.1 / 1e-8)) * 100 / 100;
    assert.ok(Math.abs(e.avgPercent - want) <= 1e-9 * want, 'the seed\'s figure is kept as it is');
    const z = e.avgPercentNearZero;
    assert.equal(z.count, 2);
    assert.ok(z.dominated);
    assert.ok(Math.abs(z.share - (2e7) / (2e7 + 0.98)) < 1e-12);
    assert.ok(z.below <= NEAR_ZERO_RELATIVE * Math.sqrt((98 * 100) / 100) && z.below > (NEAR_ZERO_RELATIVE * Math.sqrt(98)) / 2, `threshold ${z.below}`);
    assert.match(avgPercentCaveat(e), /^ \(dominated by 2 near-zero entries, \|a\| < 0\.0078: they give 100\.00% of it; see the relative error\)$/);
  });

  test('no near-zero entries, or ones that do not dominate: no caveat', () => {
    const a = Float64Array.from({ length: 50 }, (_, i) => 1 + i);
    const b = a.map((x) => x * 1.01);
    const e = approximationErrors(new Matrix(5, 10, a), new Matrix(5, 10, b));
    assert.equal(e.avgPercentNearZero.count, 0);
    assert.equal(avgPercentCaveat(e), '');
    // a zero approximated exactly contributes nothing
    a[0] = 0;
    const c = Float64Array.from(a);
    const f = approximationErrors(new Matrix(5, 10, a), new Matrix(5, 10, c));
    assert.equal(f.avgPercentNearZero.count, 1);
    assert.equal(f.avgPercentNearZero.dominated, false);
  });

  test('the breakdown over blocks equals the breakdown of the whole', () => {
    const a = Float64Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? 0 : Math.cos(i) * 5));
    const b = a.map((x, i) => x + 0.01 * Math.sin(3 * i));
    const whole = new AvgPercentBreakdown();
    whole.add(a, 0, b);
    const parts = new AvgPercentBreakdown();
    parts.add(a, 0, b.subarray(0, 25));
    parts.add(a, 25, b.subarray(25));
    assert.deepEqual(parts.result(2), whole.result(2));
    assert.equal(whole.result(2).count, 9);
    assert.equal(whole.result(0).count, 0, 'a zero matrix has no threshold');
  });
});
