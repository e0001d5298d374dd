import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { Matrix } from '../../src/core/matrix.js';
import { matmul } from '../../src/linalg/matmul.js';
import { decodeFloats, parseSafetensors } from '../../src/io/safetensors.js';
import { runCli, tempDir } from '../cli/run-cli.js';
import { frobDiff, gaussian, tensor, writeSafetensorsFile } from './weights-fixtures.js';

test('lora: a rank-4-plus-noise difference is recovered to the noise level at R = 4, in PEFT names, shapes and config', () => {
  const d = tempDir();
  const out = 48;
  const inp = 32;
  const noise = 1e-3;
  const base = gaussian(out, inp, 1);
  const base2 = gaussian(16, 24, 2);
  // ΔW = B·A (rank 4, entries of order 1) + noise of standard deviation 1e-3.
  const delta = matmul(gaussian(out, 4, 3), gaussian(4, inp, 4));
  const eps = gaussian(out, inp, 5);
  const tuned = new Matrix(out, inp, Float64Array.from(base.data, (v, i) => v + delta.data[i] + noise * eps.data[i]));
  const basePath = writeSafetensorsFile(d, 'base.safetensors', [
    tensor('model.layers.0.self_attn.q_proj.weight', [out, inp], base.data, 'F32'),
    tensor('model.layers.0.mlp.up_proj.weight', [16, 24], base2.data, 'F32'),
    tensor('model.norm.weight', [inp], new Float64Array(inp).fill(1), 'F32'),
  ]);
  const tunedPath = writeSafetensorsFile(d, 'tuned.safetensors', [
    tensor('model.layers.0.self_attn.q_proj.weight', [out, inp], tuned.data, 'F32'),
    tensor('model.layers.0.mlp.up_proj.weight', [16, 24], base2.data, 'F32'), // unchanged: no adapter
    tensor('model.norm.weight', [inp], new Float64Array(inp).fill(2), 'F32'), // 1-D: not a LoRA target
  ]);
  const r = runCli(['lora', basePath, tunedPath, '--rank', '4', '--out', join(d, 'adapter'), '--json'], d);
  assert.equal(r.code, 0, r.stderr);
  const st = parseSafetensors(new Uint8Array(readFileSync(join(d, 'adapter', 'adapter_model.safetensors'))));
  const prefix = 'base_model.model.model.layers.0.self_attn.q_proj';
  assert.deepEqual(st.header.tensors.map((t) => [t.name, t.dtype, t.shape]), [
    [`${prefix}.lora_A.weight`, 'F32', [4, inp]],
    [`${prefix}.lora_B.weight`, 'F32', [out, 4]],
  ]);
  const A = new Matrix(4, inp, decodeFloats(st.data(`${prefix}.lora_A.weight`), 'F32'));
  const B = new Matrix(out, 4, decodeFloats(st.data(`${prefix}.lora_B.weight`), 'F32'));
  const recovered = matmul(B.astype('float64'), A.astype('float64'));
  const trueDelta = Float64Array.from(tuned.data, (v, i) => Math.fround(v) - Math.fround(base.data[i]));
  // What is left is the noise (minus the little of it in the rank-4 subspace): ‖ΔW − BA‖ ≈ noise·√(out·in).
  const resid = frobDiff(trueDelta, recovered.data);
  const noiseNorm = noise * Math.sqrt(out * inp);
  assert.ok(resid <= 1.05 * noiseNorm && resid >= 0.8 * noiseNorm, `residual ${resid} vs noise ${noiseNorm}`);
  // And against the exact low-rank part: off by no more than the noise.
  assert.ok(frobDiff(delta.data, recovered.data) <= 1.2 * noiseNorm);
  const config = JSON.parse(readFileSync(join(d, 'adapter', 'adapter_config.json'), 'utf8'));
  assert.equal(config.peft_type, 'LORA');
  assert.equal(config.r, 4);
  assert.equal(config.lora_alpha, 4); // scaling alpha/r = 1: the difference is applied as extracted
  assert.deepEqual(config.target_modules, ['model.layers.0.self_attn.q_proj']);
  assert.deepEqual(config.rank_pattern, {});
  assert.deepEqual(config.alpha_pattern, {});
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.modules.length, 1);
  // R = 2 leaves real signal out: far above the noise (a negative control).
  const r2 = runCli(['lora', basePath, tunedPath, '--rank', '2', '--out', join(d, 'adapter2'), '--json'], d);
  assert.equal(r2.code, 0, r2.stderr);
  assert.ok(JSON.parse(r2.stdout).modules[0].relativeError > 100 * noise);
  // --energy: ranks per module go to rank_pattern when they differ from r.
  const r3 = runCli(['lora', basePath, tunedPath, '--energy', '0.999', '--out', join(d, 'adapter3'), '--json'], d);
  assert.equal(r3.code, 0, r3.stderr);
  assert.equal(JSON.parse(r3.stdout).modules[0].rank, 4);
});

test('lora: usage errors exit 2 with one line and write nothing', () => {
  const d = tempDir();
  const a = writeSafetensorsFile(d, 'a.safetensors', [tensor('w', [4, 6], new Float64Array(24).fill(1), 'F32')]);
  const b = writeSafetensorsFile(d, 'b.safetensors', [tensor('w', [6, 4], new Float64Array(24).fill(1), 'F32')]);
  for (const [args, part] of [
    [['lora', a, b, '--out', join(d, 'o')], 'rank rule is required'],
    [['lora', a, b, '--rank', '2', '--energy', '0.9', '--out', join(d, 'o')], 'conflicting'],
    [['lora', a, b, '--rank', '2', '--out', join(d, 'o')], "tensor 'w' has shape [6, 4]"],
    [['lora', a, a, '--rank', '2', '--out', join(d, 'o')], 'nothing to extract'],
  ] as const) {
    const r = runCli([...args], d);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(part), r.stderr);
  }
  assert.throws(() => readFileSync(join(d, 'o', 'adapter_config.json')));
});
