import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import { compressWeights, expandWeights } from '../../src/io/weights-compress.js';
import { decodeTfjsWeight, layoutTfjsManifest, type TfjsWeightSpec } from '../../src/io/tfjs-weights.js';
import { tempDir } from '../cli/run-cli.js';
import { decaying, frobDiff, withSpectrum } from './weights-fixtures.js';
import { writeTfjsModel } from './tfjs-fixture.js';

const WASM_DIR = fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));

/** Decodes a written tfjs model with tfjs-core's own loader code (io.decodeWeights). */
async function decodeWithTfjs(dir: string): Promise<{ json: Record<string, unknown>; tensors: Record<string, tf.Tensor> }> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const group = json.weightsManifest[0];
  const parts = group.paths.map((p: string) => readFileSync(join(dir, p)));
  const all = new Uint8Array(parts.reduce((a: number, b: Buffer) => a + b.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return { json, tensors: tf.io.decodeWeights(all.buffer, group.weights) };
}

test('tfjs model (sharded .bin, uint8-quantised kernel, conv kernel): compressed outputs decode with tfjs-core io.decodeWeights in the expected shapes', async () => {
  setWasmPaths(WASM_DIR);
  await tf.setBackend('wasm');
  await tf.ready();
  const d = tempDir();
  const s = decaying(16);
  const kernel = withSpectrum(24, 16, s, 5); // Dense kernel, in×out
  const model = writeTfjsModel(join(d, 'model'), kernel);
  const k = 4;

  // dense drop-in: same names, shapes; tfjs reads it
  await compressWeights({ input: join(model, 'model.json'), out: join(d, 'dense'), format: 'dense', rule: { kind: 'rank', value: k }, minSize: 100 });
  const dense = await decodeWithTfjs(join(d, 'dense'));
  assert.deepEqual(Object.fromEntries(Object.entries(dense.tensors).map(([n, t]) => [n, t.shape])), {
    'dense/kernel': [24, 16], 'dense/bias': [16], 'dense_1/kernel': [16, 40], 'conv/kernel': [3, 3, 4, 8],
  });
  assert.deepEqual((dense.json.modelTopology as { marker: string }).marker, 'kept'); // the topology is copied
  const err = frobDiff(Float32Array.from(kernel.data), dense.tensors['dense/kernel'].dataSync());
  const opt = Math.sqrt(s.slice(k).reduce((a, x) => a + x * x, 0));
  assert.ok(Math.abs(err - opt) <= 1e-5 * Math.hypot(...s), `dense/kernel error ${err} vs optimum ${opt} (float32 storage)`);

  // factored: NAME.lowrank_u / NAME.lowrank_v in the keras view ([3,3,4,8] → 36×8), record in userDefinedMetadata
  await compressWeights({ input: join(model, 'model.json'), out: join(d, 'fact'), format: 'factored', rule: { kind: 'rank', value: k }, minSize: 100 });
  const fact = await decodeWithTfjs(join(d, 'fact'));
  const shapes = Object.fromEntries(Object.entries(fact.tensors).map(([n, t]) => [n, t.shape]));
  assert.deepEqual(shapes['dense/kernel.lowrank_u'], [24, k]);
  assert.deepEqual(shapes['dense/kernel.lowrank_v'], [k, 16]);
  assert.deepEqual(shapes['conv/kernel.lowrank_u'], [36, k]);
  assert.deepEqual(shapes['conv/kernel.lowrank_v'], [k, 8]);
  // The uint8-quantised kernel (640 bytes) would take 4·56·4 = 896 bytes as float32 factors: kept, still quantised.
  assert.deepEqual(shapes['dense_1/kernel'], [16, 40]);
  const manifest = (fact.json.weightsManifest as Array<{ weights: TfjsWeightSpec[] }>)[0].weights;
  assert.equal(manifest.find((w) => w.name === 'dense_1/kernel')?.quantization?.dtype, 'uint8');
  assert.deepEqual(shapes['dense/bias'], [16]);
  const rec = (fact.json.userDefinedMetadata as { lowrank: { tensors: Record<string, { rule: string; shape: number[] }> } }).lowrank;
  assert.deepEqual(rec.tensors['conv/kernel'].shape, [3, 3, 4, 8]);
  assert.equal(rec.tensors['conv/kernel'].rule, 'keras');
  const u = fact.tensors['dense/kernel.lowrank_u'];
  const v = fact.tensors['dense/kernel.lowrank_v'];
  const uv = tf.matMul(u, v).dataSync();
  assert.ok(frobDiff(uv, dense.tensors['dense/kernel'].dataSync()) <= 1e-5 * Math.hypot(...s));

  // expand: back to the original names and shapes, read by tfjs again
  await expandWeights(join(d, 'fact', 'model.json'), join(d, 'back'));
  const back = await decodeWithTfjs(join(d, 'back'));
  assert.deepEqual(Object.fromEntries(Object.entries(back.tensors).map(([n, t]) => [n, t.shape])), {
    'dense/kernel': [24, 16], 'dense/bias': [16], 'dense_1/kernel': [16, 40], 'conv/kernel': [3, 3, 4, 8],
  });
  assert.equal((back.json.userDefinedMetadata as Record<string, unknown> | undefined)?.lowrank, undefined);
});

test('tfjs quantised weights (uint8, uint16, float16) decode as tfjs-core decodes them', async () => {
  setWasmPaths(WASM_DIR);
  await tf.setBackend('wasm');
  await tf.ready();
  const specs: TfjsWeightSpec[] = [
    { name: 'a', shape: [2, 3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.02, min: -1.3 } },
    { name: 'b', shape: [3, 2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 1e-4, min: 0.5 } },
    { name: 'c', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
    { name: 'd', shape: [2], dtype: 'int32' },
  ];
  const parts = [Uint8Array.of(0, 1, 50, 128, 200, 255), new Uint8Array(Uint16Array.of(0, 1, 999, 30000, 65535, 7).buffer), new Uint8Array(Uint16Array.of(0x3c00, 0xc000, 0x3555, 0x7bff).buffer), new Uint8Array(Int32Array.of(-7, 42).buffer)];
  const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const theirs = tf.io.decodeWeights(all.buffer, specs as tf.io.WeightsManifestEntry[]);
  const locs = layoutTfjsManifest([{ paths: ['x.bin'], weights: specs }], 'model.json');
  for (const l of locs) {
    const ours = decodeTfjsWeight(all.subarray(l.begin, l.end), l.spec);
    assert.deepEqual(Array.from(ours), Array.from(theirs[l.spec.name].dataSync()), l.spec.name);
  }
});
