/**
 * Overflow and range: entries near float64's largest run scaled inside the randomized SVD (no
 * internal ∞ reported as "holds NaN … --missing"), metrics stay finite, and what the output
 * dtype cannot hold is refused (E_UNSUPPORTED, CLI exit 2) instead of written as ±∞.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { writeNpy } from '../../src/io/npy.js';
import { matmul } from '../../src/linalg/matmul.js';
import { operatorSvd } from '../../src/linalg/operator-svd.js';
import { guardedOperator, matrixOperator, overflowGuardScale } from '../../src/linalg/randomized-range.js';
import { randomizedSvd } from '../../src/linalg/randomized-svd.js';
import { randomizedFactorize } from '../../src/methods/randomized.js';
import { svd } from '../../src/linalg/svd.js';
import { svdFactorize } from '../../src/methods/svd.js';
import { optimalFrobeniusError } from '../../src/metrics/optimum.js';
import { availableBackends } from '../backend/backends.js';
import { runCli, tempDir } from '../cli/run-cli.js';
import { assertLowRankError } from '../helpers.js';

/** A rank-3 n×m matrix with entries of magnitude ≈ `scale` and its exact σ (from the unit-scale SVD). */
function rank3(n: number, m: number, scale: number): { a: Matrix; sigma: Float64Array } {
  const rng = new Rng(11);
  const u = Matrix.zeros(n, 3);
  const v = Matrix.zeros(3, m);
  rng.fillNormal(u.data);
  rng.fillNormal(v.data);
  const unit = matmul(u, v);
  const sigma = svd(unit).S.slice(0, 3).map((s) => s * scale);
  const a = unit.clone();
  for (let i = 0; i < a.data.length; i++) a.data[i] *= scale;
  return { a, sigma };
}

describe('randomized SVD near float64\'s largest', () => {
  const scale = 2 ** 1015; // ≈ 2.8e305: entries up to ≈ 1e307, A·Ω would overflow
  const { a, sigma } = rank3(300, 200, scale);

  test('the guard scale is a power of two only where needed', () => {
    assert.equal(overflowGuardScale(rank3(30, 20, 1).a), 1);
    const c = overflowGuardScale(a);
    assert.ok(c < 1 && Number.isInteger(Math.log2(c)), `scale ${c}`);
  });

  for (const backend of availableBackends()) {
    for (const krylov of [true, false]) {
      test(`${backend.name} tier, ${krylov ? 'block Krylov' : 'subspace iteration'}: σ exact to 1e-12, no internal overflow`, () => {
        const r = randomizedSvd(a, 3, { backend, krylov });
        for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.S[i] - sigma[i]) <= 1e-12 * sigma[0], `σ${i + 1} = ${r.S[i]}, exact ${sigma[i]}`);
      });
    }
  }

  test('a matrix whose σ₁ is beyond float64 is refused (E_UNSUPPORTED), not reported as zeros or NaN', () => {
    const big = Matrix.zeros(60, 50);
    big.data.fill(1.5e308);
    assertLowRankError(() => randomizedSvd(big, 2), 'E_UNSUPPORTED', 'beyond float64');
  });
});

describe('randomized SVD of entries near float64\'s smallest normal values', () => {
  const scale = 2 ** -1020; // ≈ 8.9e−308: entries just above the smallest normal, products below it unscaled
  const { a, sigma } = rank3(300, 200, scale);
  for (const options of [{ passes: 4 }, { krylov: false }, {}, { passes: 4, krylov: false }]) {
    test(`${JSON.stringify(options)}: σ exact to 1e-12`, () => {
      const r = randomizedSvd(a, 3, options);
      for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.S[i] - sigma[i]) <= 1e-12 * sigma[0], `σ${i + 1} = ${r.S[i]}, exact ${sigma[i]}`);
    });
  }
  test('near the largest too, with a fixed count', () => {
    const big = rank3(300, 200, 2 ** 1015);
    const r = randomizedSvd(big.a, 3, { passes: 4 });
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.S[i] - big.sigma[i]) <= 1e-12 * big.sigma[0], `σ${i + 1} = ${r.S[i]}, exact ${big.sigma[i]}`);
  });
});

describe('randomized SVD at every scale: the products\' squares stay in range', () => {
  // σᵢ ∝ 1/(1 + j) columns: the adaptive stop has real work to do (not settled by the first block).
  const unit = Matrix.zeros(300, 40);
  new Rng(0).fillNormal(unit.data);
  for (let i = 0; i < 300; i++) for (let j = 0; j < 40; j++) unit.data[i * 40 + j] /= 1 + j;
  const variants = [{}, { passes: 4 }, { krylov: false }] as const;
  const reference = variants.map((o) => randomizedFactorize(unit, { rank: 3, seed: 0, ...o }));

  test('2^e·A for e in [−960, 1000]: σ(2^e·A) = 2^e·σ(A) to 1e-13, the same passes and stop (power-of-two scaling is exact)', () => {
    // Unbiased exponents (fast-check's integers favour small values), plus the two ranges that broke.
    fc.assert(fc.property(fc.noBias(fc.integer({ min: -960, max: 1000 })), fc.integer({ min: 0, max: 2 }), (e, v) => {
      const c = 2 ** e;
      const f = randomizedFactorize(new Matrix(300, 40, unit.data.map((x) => x * c)), { rank: 3, seed: 0, ...variants[v] });
      const r = reference[v];
      const [got, want] = [f.S!, r.S!];
      for (let i = 0; i < 3; i++) {
        if (!(Math.abs(got[i] / c - want[i]) <= 1e-13 * want[0])) throw new Error(`e = ${e}, ${JSON.stringify(variants[v])}: σ${i + 1}/2^e = ${got[i] / c}, unscaled ${want[i]}`);
      }
      if (f.params.passes !== r.params.passes || f.params.stopReason !== r.params.stopReason) {
        throw new Error(`e = ${e}: ${f.params.passes} passes (${f.params.stopReason}), unscaled ${r.params.passes} (${r.params.stopReason})`);
      }
    }), { numRuns: 60, seed: 15, examples: [[-525, 0], [-530, 2], [600, 0], [990, 0]] });
  });

  test('entries ≈ 1e−156 … 1e−162 (squares in the subnormal range) and ≈ 1e200 (squares overflow): σ to 1e-12, the adaptive stop still fires (was: LAPACK xSYEVD did not converge; 10 passes)', () => {
    for (const scale of [1e-156, 1e-158, 1e-160, 1e-162, 1e200, 1e300]) {
      for (let v = 0; v < variants.length; v++) {
        const f = randomizedFactorize(new Matrix(300, 40, unit.data.map((x) => x * scale)), { rank: 3, seed: 0, ...variants[v] });
        const [got, want] = [f.S!, reference[v].S!];
        for (let i = 0; i < 3; i++) assert.ok(Math.abs(got[i] / scale - want[i]) <= 1e-12 * want[0], `${scale} ${JSON.stringify(variants[v])}: σ${i + 1} = ${got[i]}`);
        assert.equal(f.params.stopReason, reference[v].params.stopReason, `${scale} ${JSON.stringify(variants[v])}`);
      }
    }
  });
});

describe('randomized SVD of float32 input at every float32 scale (products in float32 arithmetic)', () => {
  const unit = Matrix.zeros(200, 80);
  new Rng(3).fillNormal(unit.data);
  for (let i = 0; i < 200; i++) for (let j = 0; j < 80; j++) unit.data[i * 80 + j] /= 1 + j;
  const variants = [{}, { passes: 4 }, { krylov: false }] as const;

  test('2^e·A stored as float32, e in [−149, 124]: σ within 1e-4·σ₁ of the exact SVD of the same float32 matrix (was: "qr: matrix holds Inf" near 5e37, σ 10–90% off near 1e−44)', () => {
    // 1e-4: the fast mode (passes 4) lands 2.3e-5·σ₁ from the exact σ at e = 0; float32 rounding is 6e-8.
    fc.assert(fc.property(fc.noBias(fc.integer({ min: -149, max: 124 })), fc.integer({ min: 0, max: 2 }), (e, v) => {
      const a = new Matrix(200, 80, Float32Array.from(unit.data, (x) => x * 2 ** e));
      const exact = svd(a.astype('float64')).S;
      if (!(exact[0] > 0)) return; // every entry flushed to zero below float32's smallest subnormal
      const r = randomizedSvd(a, 5, { seed: 1, ...variants[v] });
      for (let i = 0; i < 5; i++) {
        if (!(Math.abs(r.S[i] - exact[i]) <= 1e-4 * exact[0])) throw new Error(`e = ${e}, ${JSON.stringify(variants[v])}: σ${i + 1} = ${r.S[i]}, exact ${exact[i]}`);
      }
    }), { numRuns: 60, seed: 32, examples: [[-146, 0], [-146, 1], [123, 0], [123, 2], [124, 1]] });
  });
});

describe('operatorSvd near float64\'s largest (the dense path\'s guard)', () => {
  const scale = 2 ** 1015;
  const { a, sigma } = rank3(300, 200, scale);

  test('σ exact to 1e-12 through a plain operator, tall and wide; the guard scale is a power of two', () => {
    for (const [m, s] of [[a, sigma], [a.transpose(), sigma]] as const) {
      const r = operatorSvd(matrixOperator(m), 3, { seed: 2 });
      for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.S[i] - s[i]) <= 1e-12 * s[0], `σ${i + 1} = ${r.S[i]}, exact ${s[i]}`);
    }
    const g = guardedOperator(matrixOperator(a));
    assert.equal(g.scale, 1); // nothing decided before the first product
    g.apply(new Matrix(200, 2, new Float64Array(400).fill(1)));
    assert.ok(g.scale < 1 && Number.isInteger(Math.log2(g.scale)), `scale ${g.scale}`);
    const unit = guardedOperator(matrixOperator(rank3(30, 20, 1).a));
    unit.apply(new Matrix(20, 2, new Float64Array(40).fill(1)));
    assert.equal(unit.scale, 1);
  });

  test('σ₁ beyond float64 is refused (E_UNSUPPORTED), NaN entries are E_NONFINITE', () => {
    const big = Matrix.zeros(60, 50);
    big.data.fill(1.5e308);
    assertLowRankError(() => operatorSvd(matrixOperator(big), 2), 'E_UNSUPPORTED', 'beyond float64');
    const nan = Matrix.zeros(60, 50);
    nan.data[7] = Number.NaN;
    assertLowRankError(() => operatorSvd(matrixOperator(nan), 2), 'E_NONFINITE', 'non-finite');
  });
});

describe('factors that the output dtype cannot hold', () => {
  test('float32-max entries: float32 factors are refused naming --dtype float64; float64 factors are fine', () => {
    const a = Matrix.zeros(50, 40, 'float32');
    a.data.fill(3.4028234663852886e38);
    assertLowRankError(() => svdFactorize(a, { rank: 3 }), 'E_UNSUPPORTED', 'float32', '--dtype float64');
    const f = svdFactorize(a, { rank: 3, dtype: 'float64' });
    for (const x of f.U.data) assert.ok(Number.isFinite(x));
    // A balanced split keeps √σ on each side, which float32 can hold.
    const g = svdFactorize(a, { rank: 1, split: 'balanced' });
    for (const x of g.U.data) assert.ok(Number.isFinite(x));
  });

  test('CLI: exit 2 with one line and nothing written (was U.npy holding inf, exit 0)', () => {
    const dir = tempDir();
    const a = Matrix.zeros(50, 40, 'float32');
    a.data.fill(3.4028234663852886e38);
    writeFileSync(join(dir, 'max.npy'), writeNpy(a));
    const r = runCli(['factor', 'max.npy', '--rank', '3', '--quiet', '--out', join(dir, 'out')], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /float32/);
    assert.doesNotMatch(r.stderr, /missing/);
    assert.ok(!existsSync(join(dir, 'out')));
  });
});

test('the optimum of singular values above 1e154 is finite (scaled sum)', () => {
  const s = Float64Array.of(3e200, 4e200, 3e200);
  assert.ok(Math.abs(optimalFrobeniusError(s, 1) - 5e200) <= 1e-15 * 5e200);
});
