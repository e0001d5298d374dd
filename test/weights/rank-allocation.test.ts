import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Rng } from '../../src/core/rng.js';
import { allocateRanks, maxUsefulRank, type AllocationItem } from '../../src/methods/rank-allocation.js';
import { chooseRanks } from '../../src/methods/weight-compression.js';
import { assertLowRankError } from '../helpers.js';

/** The exact optimum by exhaustive search over every rank (0 … max useful) or dense, per item. */
function bruteForce(items: AllocationItem[], budget: number): number {
  let best = Infinity;
  const total = items.map((it) => Array.from(it.s).reduce((a, x) => a + x * x, 0));
  const rec = (t: number, cost: number, err: number): void => {
    if (cost > budget) return;
    if (t === items.length) {
      best = Math.min(best, err);
      return;
    }
    const it = items[t];
    let kept = 0;
    for (let k = 0; k <= maxUsefulRank(it); k++) {
      if (k > 0) kept += it.s[k - 1] * it.s[k - 1];
      rec(t + 1, cost + k * it.rankCost, err + total[t] - kept);
    }
    rec(t + 1, cost + it.denseCost, err);
  };
  rec(0, 0, 0);
  return best;
}

test('global allocation equals the exhaustive optimum on small random problems and never exceeds the budget', () => {
  const rng = new Rng(3);
  for (let trial = 0; trial < 60; trial++) {
    const items: AllocationItem[] = [];
    const count = 2 + (trial % 3);
    for (let t = 0; t < count; t++) {
      const n = 3 + Math.floor(rng.uniform() * 6);
      const m = 3 + Math.floor(rng.uniform() * 6);
      const decay = 0.3 + 0.6 * rng.uniform();
      const scale = 0.5 + 3 * rng.uniform();
      const s = Array.from({ length: Math.min(n, m) }, (_, i) => scale * decay ** i * (1 + 0.1 * rng.uniform())).sort((a, b) => b - a);
      items.push({ s, rankCost: n + m, denseCost: n * m });
    }
    const dense = items.reduce((a, it) => a + it.denseCost, 0);
    const budget = Math.floor(dense * (0.1 + 0.6 * rng.uniform()));
    const alloc = allocateRanks(items, budget);
    const cost = alloc.reduce((a, x) => a + x.cost, 0);
    const err = alloc.reduce((a, x) => a + x.error2, 0);
    assert.ok(cost <= budget, `trial ${trial}: cost ${cost} > budget ${budget}`);
    const opt = bruteForce(items, budget);
    assert.ok(Math.abs(err - opt) <= 1e-9 * (1 + opt), `trial ${trial}: error ${err} vs optimum ${opt}`);
  }
});

test('rank rules: uniform crushes a thin layer that global allocation spares; factors not smaller stay dense; bad values', () => {
  // A 784×1024-like wide layer with a slowly decaying spectrum, and a 10×512 classifier with 10 big values.
  const wide = { s: Array.from({ length: 64 }, (_, i) => 0.97 ** i), rows: 64, cols: 96, bytesPerElement: 4 };
  const thin = { s: Array.from({ length: 10 }, () => 5), rows: 10, cols: 512, bytesPerElement: 4 };
  const uni = chooseRanks([wide, thin], { kind: 'params', value: 0.3, allocation: 'uniform' });
  const glob = chooseRanks([wide, thin], { kind: 'params', value: 0.3, allocation: 'global' });
  assert.equal(uni[1].rank, 2); // ⌊0.3·5120/522⌋
  // The classifier's σ² per parameter (25/522) beats every rank of the wide layer (≤ 1/160): global
  // allocation gives it all it can afford, ⌊3379/522⌋ = 6 ranks, and the rest (247) one rank of the wide one.
  assert.deepEqual(glob, [{ rank: 1, dense: false }, { rank: 6, dense: false }]);
  // --rank larger than useful: stays dense
  assert.deepEqual(chooseRanks([{ s: [1, 1, 1, 1], rows: 4, cols: 4, bytesPerElement: 4 }], { kind: 'rank', value: 2 }), [{ rank: 4, dense: true }]);
  // --energy: smallest rank keeping the share
  assert.deepEqual(chooseRanks([{ s: [3, 2, 1, 0.1], rows: 40, cols: 40, bytesPerElement: 4 }], { kind: 'energy', value: 0.9 }), [{ rank: 2, dense: false }]);
  // --bytes counts the element size: 2 bytes (bf16) buys twice the ranks of 4 bytes
  const b2 = chooseRanks([{ ...wide, bytesPerElement: 2 }], { kind: 'bytes', value: 160 * 10 * 2, allocation: 'global' });
  const b4 = chooseRanks([wide], { kind: 'bytes', value: 160 * 10 * 2, allocation: 'global' });
  assert.deepEqual([b2[0].rank, b4[0].rank], [10, 5]); // 3200 bytes / (160 numbers · 2 or 4 bytes)
  assertLowRankError(() => chooseRanks([wide], { kind: 'params', value: 1.5, allocation: 'global' }), 'E_ARG', '--params');
  assertLowRankError(() => chooseRanks([wide], { kind: 'energy', value: 0 }), 'E_ARG', '--energy');
});
