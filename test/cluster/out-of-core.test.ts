/**
 * Out-of-core SVD on small `.npy` files: the streamed randomized SVD equals the in-memory exact
 * optimum (Eckart–Young), does not depend on how the rows are cut into blocks, and the
 * single-pass sketch's error sits next to the known optimum with its a-posteriori estimate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { LowRankError } from '../../src/core/errors.js';
import { writeNpy, npyHeader } from '../../src/io/npy.js';
import { npyStreamInfo } from '../../src/io/npy-stream.js';
import { svd } from '../../src/linalg/svd.js';
import { rowBlockSvd } from '../../src/linalg/row-block-svd.js';
import { singlePassSketch, sketchSizesFor } from '../../src/linalg/single-pass-sketch.js';
import { NpyBlockExecutor, type RowBlockPlan } from '../../src/cluster/row-blocks.js';
import { columnOrthonormalityError } from '../helpers.js';
import { svdError } from '../linalg/spectra.js';

const dir = mkdtempSync(join(tmpdir(), 'lowrank-ooc-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** n×m: rank-r signal with singular values 10·0.8^i plus Gaussian noise of size `noise`. */
function signalPlusNoise(n: number, m: number, r: number, noise: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const u = new Float64Array(n * r);
  const v = new Float64Array(r * m);
  rng.fillNormal(u);
  rng.fillNormal(v);
  const a = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < r; t++) {
      const f = (10 * 0.8 ** t * u[i * r + t]) / Math.sqrt(n);
      for (let j = 0; j < m; j++) a[i * m + j] += (f * v[t * m + j]) / Math.sqrt(m);
    }
    for (let j = 0; j < m; j++) a[i * m + j] += noise * rng.normal();
  }
  return new Matrix(n, m, a);
}

function fileOf(name: string, a: Matrix): string {
  const path = join(dir, name);
  writeFileSync(path, writeNpy(a));
  return path;
}

const plan = (blockRows: number) => (info: { rows: number; cols: number }): RowBlockPlan =>
  ({ rows: info.rows, cols: info.cols, blockRows, blockCount: Math.ceil(info.rows / blockRows) });

function optimum(a: Matrix, k: number): { S: Float64Array; error: number } {
  const S = svd(a).S;
  let tail = 0;
  for (let i = k; i < S.length; i++) tail += S[i] * S[i];
  return { S, error: Math.sqrt(tail) };
}

test('streamed randomized SVD (10 row blocks) equals the in-memory optimum: values, error, orthonormal factors', async () => {
  const a = signalPlusNoise(600, 80, 12, 1e-3, 1);
  const exec = await NpyBlockExecutor.open(fileOf('a.npy', a), plan(64));
  assert.equal(exec.plan.blockCount, 10);
  const k = 10;
  const r = await rowBlockSvd(exec, k, { passes: 4, seed: 3 });
  await exec.close();
  const opt = optimum(a, k);
  for (let i = 0; i < k; i++) assert.ok(Math.abs(r.S[i] - opt.S[i]) <= 1e-9 * opt.S[0], `σ${i}: ${r.S[i]} vs ${opt.S[i]}`);
  // Eckart–Young: the streamed error is the optimum's to 1e-6 relative, and the reported error is the true residual.
  assert.ok(r.error >= opt.error * (1 - 1e-12));
  assert.ok(r.error <= opt.error * (1 + 1e-6), `error ${r.error} vs optimum ${opt.error}`);
  assert.ok(Math.abs(svdError(a, r.U, r.S, r.Vt) - r.error) <= 1e-8 * r.normFrobenius);
  assert.ok(columnOrthonormalityError(r.U) < 1e-12);
  assert.ok(columnOrthonormalityError(r.Vt.transpose()) < 1e-12);
});

test('the streamed result does not depend on the block size (1 block vs 7 uneven blocks)', async () => {
  const a = signalPlusNoise(300, 50, 8, 1e-2, 2);
  const path = fileOf('b.npy', a);
  const one = await NpyBlockExecutor.open(path, plan(300));
  const many = await NpyBlockExecutor.open(path, plan(45));
  assert.equal(many.plan.blockCount, 7);
  const r1 = await rowBlockSvd(one, 6, { seed: 5 });
  const r7 = await rowBlockSvd(many, 6, { seed: 5 });
  await one.close();
  await many.close();
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(r1.S[i] - r7.S[i]) <= 1e-12 * r1.S[0]);
  assert.ok(Math.abs(r1.error - r7.error) <= 1e-10 * r1.normFrobenius);
});

test('float32 file: products in float32, error within 1e-5 relative of the optimum', async () => {
  const a = signalPlusNoise(400, 60, 10, 1e-2, 3).astype('float32');
  const exec = await NpyBlockExecutor.open(fileOf('c.npy', a), plan(50));
  assert.equal(exec.dtype, 'float32');
  const r = await rowBlockSvd(exec, 8, { seed: 1 });
  await exec.close();
  const opt = optimum(a.astype('float64'), 8);
  assert.ok(Math.abs(r.error - opt.error) <= 1e-5 * opt.error, `error ${r.error} vs optimum ${opt.error}`);
});

test('single pass (Tropp et al. 2019): error next to the optimum, and the a-posteriori estimate near the true error', async (t) => {
  const a = signalPlusNoise(800, 120, 10, 2e-2, 4);
  const exec = await NpyBlockExecutor.open(fileOf('d.npy', a), plan(100));
  const rank = 10;
  const sizes = { ...sketchSizesFor(rank, a.rows, a.cols), test: 40 };
  let passes = 0;
  const counting = { rows: exec.rows, cols: exec.cols, dtype: exec.dtype, run: (...args: Parameters<typeof exec.run>) => { passes++; return exec.run(...args); } };
  const r = await singlePassSketch(counting, rank, { seed: 2, sizes });
  await exec.close();
  assert.equal(passes, 1);
  const opt = optimum(a, rank).error;
  const actual = svdError(a, r.U, r.S, r.Vt);
  t.diagnostic(`single pass rank ${rank} (k=${sizes.range}, s=${sizes.core}): error ${actual.toExponential(4)}, optimum ${opt.toExponential(4)} (×${(actual / opt).toFixed(3)}), estimate ${r.errorEstimate.toExponential(4)}`);
  assert.ok(actual >= opt * (1 - 1e-12));
  // Tropp et al. 2019 Thm 5.1 with k = 2r + 1, s = 2k + 1: E‖A − Â‖²_F ≤ (1 + k/(s−k−1))(1 + r/(k−r−1))·τ²_{r+1}
  // = 4·τ², so about twice the optimum in norm (measured 1.9×); 2.5 leaves room for the rank-r truncation.
  assert.ok(actual <= 2.5 * opt, `single-pass error ${actual} vs optimum ${opt}`);
  // With t = 40 test rows the estimate's relative spread is about sqrt(1/(2t)) ≈ 0.11.
  assert.ok(Math.abs(r.errorEstimate - actual) <= 0.4 * actual, `estimate ${r.errorEstimate} vs ${actual}`);
  assert.ok(Math.abs(r.normFrobenius - Math.hypot(...a.data)) <= 1e-12 * r.normFrobenius);
});

test('streaming refuses Fortran order, integer dtypes and a size that disagrees with the header', () => {
  const hdr = (descr: string, fortran: boolean, shape: number[]) => {
    const h = npyHeader(descr, shape);
    return fortran ? Uint8Array.from(Buffer.from(Buffer.from(h).toString('latin1').replace("'fortran_order': False", "'fortran_order': True "), 'latin1')) : h;
  };
  const write = (name: string, h: Uint8Array, dataBytes: number) => {
    const path = join(dir, name);
    writeFileSync(path, Buffer.concat([h, Buffer.alloc(dataBytes)]));
    return path;
  };
  const expectCode = (path: string, code: string, part: string) => {
    assert.throws(() => npyStreamInfo(path), (e: unknown) => e instanceof LowRankError && e.code === code && e.message.includes(part) && !e.message.includes('\n'));
  };
  expectCode(write('f.npy', hdr('<f8', true, [3, 2]), 48), 'E_UNSUPPORTED', 'Fortran');
  expectCode(write('i.npy', hdr('<i4', false, [3, 2]), 24), 'E_UNSUPPORTED', "'<i4'");
  expectCode(write('t.npy', hdr('<f4', false, [3, 2]), 20), 'E_FORMAT', 'needs');
  expectCode(join(dir, 'missing.npy'), 'E_IO', 'cannot open');
});
