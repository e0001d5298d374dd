import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { Matrix } from '../../src/core/matrix.js';
import { matmul } from '../../src/linalg/matmul.js';
import { symmetricEigen } from '../../src/linalg/eigh.js';
import { decodeFloats, parseSafetensors } from '../../src/io/safetensors.js';
import { compressWeights, expandWeights } from '../../src/io/weights-compress.js';
import { parseNpz, writeNpz } from '../../src/io/npz.js';
import { openWeights } from '../../src/io/weights-files.js';
import { DEFAULT_ACTIVATION_RIDGE } from '../../src/methods/activation-aware.js';
import { decaying, frobDiff, gaussian, tensor, withSpectrum, writeSafetensorsFile } from './weights-fixtures.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'lowrank-weights-'));

function readAll(path: string): Map<string, { shape: number[]; dtype: string; values: Float32Array | Float64Array }> {
  const bytes = new Uint8Array(readFileSync(path));
  const { header, data } = parseSafetensors(bytes, path);
  return new Map(header.tensors.map((t) => [t.name, { shape: t.shape, dtype: t.dtype, values: decodeFloats(data(t.name), t.dtype) }]));
}

function tailNorm(s: readonly number[], k: number): number {
  return Math.sqrt(s.slice(k).reduce((a, x) => a + x * x, 0));
}

test('each compressed tensor has the Eckart–Young optimal error for its rank (dense and factored, 2-D and torch conv)', async () => {
  const d = dir();
  const s1 = decaying(30);
  const s2 = decaying(8, 0.7);
  const w1 = withSpectrum(40, 30, s1, 1);
  const w2 = withSpectrum(8, 36, s2, 3); // a torch conv kernel [8, 4, 3, 3] → 8 × 36
  const bias = [1, 2, 3];
  const input = writeSafetensorsFile(d, 'm.safetensors', [tensor('fc.weight', [40, 30], w1.data), tensor('fc.bias', [3], bias), tensor('conv.weight', [8, 4, 3, 3], w2.data)], { format: 'pt' });
  const k = 5;
  for (const format of ['dense', 'factored'] as const) {
    const out = join(d, `${format}.safetensors`);
    const rep = await compressWeights({ input, out, format, rule: { kind: 'rank', value: k }, minSize: 100 });
    const got = readAll(out);
    const approx = (name: string, rows: number, cols: number): ArrayLike<number> => {
      if (format === 'dense') return (got.get(name) as { values: Float64Array }).values;
      const u = got.get(name + '.lowrank_u') as { shape: number[]; values: Float64Array };
      const v = got.get(name + '.lowrank_v') as { shape: number[]; values: Float64Array };
      assert.deepEqual(u.shape, [rows, k]);
      assert.deepEqual(v.shape, [k, cols]);
      return matmul(new Matrix(rows, k, u.values), new Matrix(k, cols, v.values)).data;
    };
    for (const [name, w, s, rows, cols] of [['fc.weight', w1, s1, 40, 30], ['conv.weight', w2, s2, 8, 36]] as const) {
      const err = frobDiff(w.data, approx(name, rows, cols));
      const opt = tailNorm(s, k);
      assert.ok(Math.abs(err - opt) <= 1e-6 * opt, `${format} ${name}: error ${err} vs optimum ${opt}`);
      const r = rep.tensors.find((t) => t.name === name);
      assert.ok(r && r.compressed && r.rank === k);
      assert.ok(Math.abs((r.optimalError as number) - opt / Math.hypot(...s)) <= 1e-9);
      assert.ok(Math.abs(r.relativeError - opt / Math.hypot(...s)) <= 1e-6 * opt);
    }
    if (format === 'dense') {
      assert.deepEqual(got.get('conv.weight')?.shape, [8, 4, 3, 3]);
      assert.deepEqual(Array.from(got.get('fc.bias')?.values ?? []), bias);
    } else {
      const meta = parseSafetensors(new Uint8Array(readFileSync(out))).header.metadata as Record<string, string>;
      assert.equal(meta.format, 'pt');
      const rec = JSON.parse(meta.lowrank);
      assert.deepEqual(rec.tensors['conv.weight'], { shape: [8, 4, 3, 3], dtype: 'F64', rule: 'torch', rows: 8, cols: 36, rank: k });
      // expand gives back the dense file exactly (same names, shapes, dtypes, values)
      const back = join(d, 'expanded.safetensors');
      assert.deepEqual(await expandWeights(out, back), ['fc.weight', 'conv.weight']);
      const dense = readAll(join(d, 'dense.safetensors'));
      const exp = readAll(back);
      assert.deepEqual([...exp.keys()], [...dense.keys()]);
      for (const [name, t] of dense) {
        assert.deepEqual(exp.get(name)?.shape, t.shape);
        assert.ok(frobDiff(exp.get(name)?.values ?? [], t.values) <= 1e-12 * 10, name);
      }
    }
  }
});

/** The whitened optimum √(Σ_{i>k} λᵢ(W·G·Wᵀ)), G = XᵀX + λI, computed by an eigen-decomposition (no SVD). */
function whitenedOptimum(w: Matrix, x: Matrix, k: number): { opt: number; ridge: number } {
  const g = matmul(x, x, { transA: true });
  let tr = 0;
  for (let i = 0; i < g.rows; i++) tr += g.data[i * g.rows + i];
  const ridge = (DEFAULT_ACTIVATION_RIDGE * tr) / g.rows;
  for (let i = 0; i < g.rows; i++) g.data[i * g.rows + i] += ridge;
  const m = matmul(matmul(w, g), w, { transB: true });
  const ev = Array.from(symmetricEigen(m).values).sort((a, b) => b - a);
  return { opt: Math.sqrt(ev.slice(k).reduce((a, v) => a + Math.max(0, v), 0)), ridge };
}

/** ‖(W − Ŵ)·Xᵀ‖² + λ‖W − Ŵ‖² for a weight acting as W·x. */
function whitenedError(w: Matrix, approx: ArrayLike<number>, x: Matrix, ridge: number): number {
  const diff = new Matrix(w.rows, w.cols, Float64Array.from(w.data, (v, i) => v - approx[i]));
  const out = matmul(diff, x, { transB: true });
  let e = 0;
  for (const v of out.data) e += v * v;
  for (const v of diff.data) e += ridge * v * v;
  return Math.sqrt(e);
}

test('activation-aware: the error is the whitened optimum, for a PyTorch Linear (out×in, W·x) and a Keras Dense kernel (in×out, xᵀ·W)', async () => {
  const d = dir();
  const out = 12;
  const inp = 24;
  const k = 4;
  const wTorch = gaussian(out, inp, 7); // acts as W·x
  const x = gaussian(200, inp, 8);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < inp; j++) x.data[i * inp + j] *= 0.1 + j / 4; // unequal input scales
  const wKeras = wTorch.transpose(); // the same layer stored as a Dense kernel: xᵀ·Wᵀ
  for (const layout of ['torch', 'keras'] as const) {
    const w = layout === 'torch' ? wTorch : wKeras;
    const input = writeSafetensorsFile(d, `${layout}.safetensors`, [tensor('dense.weight', [w.rows, w.cols], w.data)]);
    const calib = writeSafetensorsFile(d, `${layout}-acts.safetensors`, [tensor('dense', [x.rows, x.cols], x.data)]); // found by module name
    const outPath = join(d, `${layout}-out.safetensors`);
    const rep = await compressWeights({ input, out: outPath, format: 'dense', layout, rule: { kind: 'rank', value: k }, calibration: calib, minSize: 1 });
    const approx = readAll(outPath).get('dense.weight')?.values as Float64Array;
    // In the W·x orientation: the torch weight as is, the keras kernel transposed.
    const approxTorch = layout === 'torch' ? approx : new Matrix(inp, out, approx).transpose().data;
    const { opt, ridge } = whitenedOptimum(wTorch, x, k);
    const err = whitenedError(wTorch, approxTorch, x, ridge);
    assert.ok(Math.abs(err - opt) <= 1e-6 * opt, `${layout}: whitened error ${err} vs optimum ${opt}`);
    assert.ok(rep.activationAware && rep.tensors[0].whitenedError !== undefined);
    // The plain truncated SVD is worse on the layer's outputs (the point of whitening).
    const plainPath = join(d, `${layout}-plain.safetensors`);
    await compressWeights({ input, out: plainPath, format: 'dense', layout, rule: { kind: 'rank', value: k }, minSize: 1 });
    const plain = readAll(plainPath).get('dense.weight')?.values as Float64Array;
    const plainTorch = layout === 'torch' ? plain : new Matrix(inp, out, plain).transpose().data;
    assert.ok(whitenedError(wTorch, plainTorch, x, ridge) > 1.05 * err, 'plain SVD does worse on the outputs');
  }
});

test('bf16 in → bf16 out (dense and factored), values within bfloat16 rounding of the optimum', async () => {
  const d = dir();
  const s = decaying(16);
  const w = withSpectrum(32, 16, s, 11);
  const input = writeSafetensorsFile(d, 'bf.safetensors', [tensor('l.weight', [32, 16], w.data, 'BF16')]);
  const wBf = readAll(input).get('l.weight')?.values as Float32Array; // what the file holds
  for (const format of ['dense', 'factored'] as const) {
    const out = join(d, `bf-${format}.safetensors`);
    const rep = await compressWeights({ input, out, format, rule: { kind: 'rank', value: 6 }, minSize: 1 });
    const got = readAll(out);
    for (const t of got.values()) assert.equal(t.dtype, 'BF16');
    const dense = format === 'dense' ? got : readAll((await expandWeights(out, join(d, 'bf-exp.safetensors')), join(d, 'bf-exp.safetensors')));
    const t = dense.get('l.weight');
    assert.equal(t?.dtype, 'BF16');
    assert.deepEqual(t?.shape, [32, 16]);
    const err = frobDiff(wBf, t?.values ?? []);
    const opt = tailNorm(s, 6);
    // bf16 keeps 8 significant bits: each stored number is off by ≤ 2⁻⁹ relative (factors twice).
    assert.ok(Math.abs(err - opt) <= 4 * 2 ** -9 * Math.hypot(...s), `${format}: ${err} vs ${opt}`);
    // The report's error is that of the approximation as stored (dense: the bf16 matrix itself).
    if (format === 'dense') assert.ok(Math.abs(rep.tensors[0].relativeError - err / Math.hypot(...wBf)) <= 1e-6, 'reported error');
  }
});

test('a sharded model (model.safetensors.index.json): output keeps the shards and a new index; expand restores it', async () => {
  const d = dir();
  const w1 = withSpectrum(20, 10, decaying(10), 21);
  const w2 = withSpectrum(10, 20, decaying(10), 22);
  writeSafetensorsFile(d, 'model-00001-of-00002.safetensors', [tensor('a.weight', [20, 10], w1.data, 'F32'), tensor('a.bias', [2], [1, 2], 'F32')]);
  writeSafetensorsFile(d, 'model-00002-of-00002.safetensors', [tensor('b.weight', [10, 20], w2.data, 'F32')]);
  const index = { metadata: { total_size: 0 }, weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'a.bias': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors' } };
  writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify(index));
  const outDir = join(d, 'out');
  await compressWeights({ input: d, out: outDir, format: 'factored', rule: { kind: 'rank', value: 3 }, minSize: 1 });
  assert.deepEqual(readdirSync(outDir).filter((f) => !f.startsWith('.')).sort(), ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json']);
  const idx = JSON.parse(readFileSync(join(outDir, 'model.safetensors.index.json'), 'utf8'));
  assert.equal(idx.weight_map['a.weight.lowrank_u'], 'model-00001-of-00002.safetensors');
  assert.equal(idx.weight_map['b.weight.lowrank_v'], 'model-00002-of-00002.safetensors');
  const src = await openWeights(join(outDir, 'model.safetensors.index.json'));
  assert.deepEqual(src.tensors.map((t) => [t.name, t.shape]), [
    ['a.weight.lowrank_u', [20, 3]], ['a.weight.lowrank_v', [3, 10]], ['a.bias', [2]], ['b.weight.lowrank_u', [10, 3]], ['b.weight.lowrank_v', [3, 20]],
  ]);
  await src.close();
  const back = join(d, 'back');
  await expandWeights(join(outDir, 'model.safetensors.index.json'), back);
  const exp = await openWeights(back);
  assert.deepEqual(exp.tensors.map((t) => [t.name, t.shape, t.dtype]), [['a.weight', [20, 10], 'F32'], ['a.bias', [2], 'F32'], ['b.weight', [10, 20], 'F32']]);
  const a = await exp.readFloats(exp.tensors[0]);
  const opt = tailNorm(decaying(10), 3);
  assert.ok(Math.abs(frobDiff(a, Float32Array.from(w1.data)) - opt) <= 1e-5 * Math.hypot(...decaying(10)));
  await exp.close();
});

test('selection: 1-D, embeddings, --min-size, --include/--exclude; global --params keeps the budget', async () => {
  const d = dir();
  const big = withSpectrum(30, 40, decaying(30, 0.9), 31);
  const small = withSpectrum(20, 20, decaying(20, 0.5), 32);
  const input = writeSafetensorsFile(d, 's.safetensors', [
    tensor('model.embed_tokens.weight', [30, 40], big.data, 'F32'),
    tensor('layers.0.q.weight', [30, 40], big.data, 'F32'),
    tensor('layers.0.k.weight', [20, 20], small.data, 'F32'),
    tensor('layers.0.norm.weight', [40], new Float64Array(40).fill(1), 'F32'),
    tensor('tiny.weight', [4, 4], new Float64Array(16).fill(1), 'F32'),
  ]);
  const rep = await compressWeights({ input, out: '', dryRun: true, format: 'dense', rule: { kind: 'params', value: 0.3, allocation: 'global' }, minSize: 100 });
  const why = Object.fromEntries(rep.tensors.map((t) => [t.name, t.compressed ? 'compressed' : t.reason]));
  assert.equal(why['model.embed_tokens.weight'], 'embedding (--include to compress)');
  assert.equal(why['layers.0.q.weight'], 'compressed');
  assert.equal(why['layers.0.k.weight'], 'compressed');
  assert.equal(why['layers.0.norm.weight'], '1-D');
  assert.match(String(why['tiny.weight']), /below --min-size/);
  assert.ok(rep.totals.selectedAfter <= 0.3 * rep.totals.selectedBefore);
  // The faster-decaying matrix needs fewer ranks per unit of error: global allocation favours q.
  const rk = Object.fromEntries(rep.tensors.map((t) => [t.name, t.rank]));
  assert.ok((rk['layers.0.q.weight'] as number) > (rk['layers.0.k.weight'] as number));
  const inc = await compressWeights({ input, out: '', dryRun: true, format: 'dense', rule: { kind: 'rank', value: 2 }, include: /embed|k\.weight/, minSize: 1 });
  assert.deepEqual(inc.tensors.filter((t) => t.compressed).map((t) => t.name), ['model.embed_tokens.weight', 'layers.0.k.weight']);
  const exc = await compressWeights({ input, out: '', dryRun: true, format: 'dense', rule: { kind: 'rank', value: 2 }, exclude: /q\./, minSize: 1 });
  // tiny.weight (4×4) at rank 2 would take 16 numbers as factors: not smaller, so it stays dense.
  assert.deepEqual(exc.tensors.filter((t) => t.compressed).map((t) => t.name), ['layers.0.k.weight']);
  assert.equal(exc.tensors.find((t) => t.name === 'tiny.weight')?.reason, 'factors would not be smaller');
  assert.deepEqual(readdirSync(d), ['s.safetensors']); // dry runs write nothing
});

test('npz: a model and its calibration inputs in .npz files, the output as .npz; an output over the input is refused', async () => {
  const d = dir();
  const w = gaussian(10, 16, 41);
  const x = gaussian(80, 16, 42);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < 16; j++) x.data[i * 16 + j] *= 1 + j;
  const input = join(d, 'm.npz');
  writeFileSync(input, writeNpz({ 'fc.weight': w, 'fc.bias': { shape: [10], data: new Float64Array(10).fill(0.5) } }));
  const calib = join(d, 'acts.npz');
  writeFileSync(calib, writeNpz({ 'fc.weight': x }));
  const out = join(d, 'small.npz');
  await compressWeights({ input, out, format: 'dense', rule: { kind: 'rank', value: 3 }, calibration: calib, minSize: 1 });
  const arrays = parseNpz(new Uint8Array(readFileSync(out)), out);
  assert.deepEqual([...arrays.keys()], ['fc.weight', 'fc.bias']);
  assert.deepEqual(arrays.get('fc.weight')?.shape, [10, 16]);
  const { opt, ridge } = whitenedOptimum(w, x, 3);
  const err = whitenedError(w, arrays.get('fc.weight')?.data as Float64Array, x, ridge);
  assert.ok(Math.abs(err - opt) <= 1e-6 * opt, `npz whitened error ${err} vs optimum ${opt}`);
  // factored .npz (the lowrank record in a '__metadata__' member) and back
  await compressWeights({ input, out: join(d, 'f.npz'), format: 'factored', rule: { kind: 'rank', value: 3 }, calibration: calib, minSize: 1 });
  assert.deepEqual([...parseNpz(new Uint8Array(readFileSync(join(d, 'f.npz')))).keys()], ['fc.weight.lowrank_u', 'fc.weight.lowrank_v', 'fc.bias', '__metadata__']);
  await expandWeights(join(d, 'f.npz'), join(d, 'back.npz'));
  const back = parseNpz(new Uint8Array(readFileSync(join(d, 'back.npz'))));
  assert.deepEqual([...back.keys()], ['fc.weight', 'fc.bias']);
  assert.ok(frobDiff(back.get('fc.weight')?.data ?? [], arrays.get('fc.weight')?.data ?? []) <= 1e-12 * 100);
  await assert.rejects(compressWeights({ input, out: input, format: 'dense', rule: { kind: 'rank', value: 3 }, minSize: 1 }), (e: Error & { code?: string }) => e.code === 'E_ARG' && /replace the input/.test(e.message));
});
