/**
 * The native tier's async path: a long SVD runs on the libuv thread pool and the event loop
 * keeps turning meanwhile (a timer keeps firing), and the result is right.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { loadNative } from '../../src/backend/native/index.js';
import { svdAsync } from '../../src/linalg/svd.js';

const status = loadNative();
const native = status.backend;

describe('native async SVD', { skip: native ? false : `native addon unavailable: ${status.reason}` }, () => {
  it('a timer keeps firing during a 1500×1500 SVD; Σσ² = ‖A‖², ‖A·v₁‖ = σ₁', async () => {
    const n = 1500;
    const rng = new Rng(42);
    const a = Matrix.zeros(n, n);
    for (let i = 0; i < a.data.length; i++) a.data[i] = rng.normal();
    const before = a.data.slice();

    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 5);
    const t0 = performance.now();
    let result;
    try {
      result = await svdAsync(a, { backend: native! });
    } finally {
      clearInterval(timer);
    }
    const t1 = performance.now();
    const during = ticks.filter((t) => t >= t0 && t <= t1);
    const elapsed = t1 - t0;
    // The SVD takes hundreds of milliseconds at least; a blocked loop would give no tick at all.
    // Require ticks spread over the whole run: at least 5, and no gap longer than half of it.
    assert.ok(during.length >= 5, `only ${during.length} timer ticks during ${elapsed.toFixed(0)} ms`);
    const marks = [t0, ...during, t1];
    let gap = 0;
    for (let i = 1; i < marks.length; i++) gap = Math.max(gap, marks[i] - marks[i - 1]);
    assert.ok(gap < elapsed / 2, `the loop stalled for ${gap.toFixed(0)} of ${elapsed.toFixed(0)} ms`);

    assert.deepEqual(a.data, before, 'the input is not modified');
    assert.equal(result.S.length, n);
    // The values are right: Σσ² = ‖A‖²_F, descending, and σ₁ is the largest singular value
    // (‖A·v₁‖ = σ₁ for the first right vector).
    let ss = 0;
    for (const x of result.S) ss += x * x;
    let fro = 0;
    for (const x of before) fro += x * x;
    assert.ok(Math.abs(ss - fro) <= 1e-10 * fro, `Σσ² = ${ss}, ‖A‖² = ${fro}`);
    for (let i = 1; i < n; i++) assert.ok(result.S[i] <= result.S[i - 1]);
    let av = 0;
    for (let i = 0; i < n; i++) {
      let x = 0;
      for (let j = 0; j < n; j++) x += before[i * n + j] * result.Vt.data[j];
      av += x * x;
    }
    assert.ok(Math.abs(Math.sqrt(av) - result.S[0]) <= 1e-10 * result.S[0]);
  });

  it('small inputs take the sync path; errors reject the promise', async () => {
    const a = Matrix.fromRows([[3, 0], [4, 5]]);
    const r = await svdAsync(a, { backend: native! });
    assert.ok(Math.abs(r.S[0] - Math.sqrt(45)) < 1e-12 && Math.abs(r.S[1] - Math.sqrt(5)) < 1e-12);
    await assert.rejects(svdAsync(Matrix.fromRows([[NaN, 1]]), { backend: native! }), /NaN/);
  });
});
