/**
 * Generator of the small tfjs model the tests read: a `model.json` whose weights lie in two
 * `.bin` shards split in the middle of a tensor (as tfjs allows), with a float32 Dense kernel, a
 * bias, a uint8-quantised kernel (value = q·scale + min) and a Keras conv kernel [3, 3, 4, 8].
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Matrix } from '../../src/core/matrix.js';
import { encodeFloats } from '../../src/io/safetensors.js';
import { withSpectrum, decaying, gaussian } from './weights-fixtures.js';

/** Writes the model into `dir` (created) and returns `dir`; `kernel` is the 24×16 Dense kernel. */
export function writeTfjsModel(dir: string, kernel: Matrix, options: { truncate?: number } = {}): string {
  mkdirSync(dir, { recursive: true });
  const bias = Float32Array.from({ length: 16 }, (_, i) => i / 10);
  const q = Uint8Array.from(withSpectrum(16, 40, decaying(16, 0.7), 9).data, (v) => Math.max(0, Math.min(255, Math.round(128 + 20 * v))));
  const conv = gaussian(36, 8, 13);
  const parts = [encodeFloats(kernel.data, 'F32'), encodeFloats(bias, 'F32'), q, encodeFloats(conv.data, 'F32')];
  const total = parts.reduce((a, p) => a + p.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const cut = 1000; // inside dense/kernel (24·16·4 = 1536 bytes)
  writeFileSync(join(dir, 'group1-shard1of2.bin'), all.subarray(0, cut));
  writeFileSync(join(dir, 'group1-shard2of2.bin'), all.subarray(cut, total - (options.truncate ?? 0)));
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'lowrank test fixture',
    convertedBy: null,
    modelTopology: { marker: 'kept' },
    weightsManifest: [
      {
        paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
        weights: [
          { name: 'dense/kernel', shape: [24, 16], dtype: 'float32' },
          { name: 'dense/bias', shape: [16], dtype: 'float32' },
          { name: 'dense_1/kernel', shape: [16, 40], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.05, min: -6.4, original_dtype: 'float32' } },
          { name: 'conv/kernel', shape: [3, 3, 4, 8], dtype: 'float32' },
        ],
      },
    ],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  return dir;
}
