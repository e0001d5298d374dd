import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { SAFETENSORS_MAX_HEADER_BYTES } from '../../src/io/safetensors.js';
import { runCli, tempDir } from '../cli/run-cli.js';
import { gaussian, rawSafetensors, tensor, writeSafetensorsFile } from './weights-fixtures.js';
import { writeTfjsModel } from './tfjs-fixture.js';

/** Runs `weights` on a bad input: exit 2, one stderr line containing every part, nothing written. */
function expectRefused(dir: string, input: string, ...parts: string[]): void {
  const before = readdirSync(dir).sort();
  const r = runCli(['weights', input, '--rank', '2', '--out', join(dir, 'out.safetensors')], dir);
  assert.equal(r.code, 2, `${input}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  for (const p of parts) assert.ok(lines[0].includes(p), `${lines[0]} should contain ${p}`);
  assert.deepEqual(readdirSync(dir).sort(), before, 'nothing written');
}

test('bad weight files: exit 2, one line naming the tensor and byte offset, nothing written', () => {
  const d = tempDir();
  const big = new Uint8Array(64);
  new DataView(big.buffer).setUint32(0, SAFETENSORS_MAX_HEADER_BYTES + 8, true);
  writeFileSync(join(d, 'big.safetensors'), big);
  expectRefused(d, join(d, 'big.safetensors'), 'exceeds the 100000000-byte limit', 'byte 0');
  const w = { dtype: 'F32', shape: [4, 4], data_offsets: [0, 64] };
  writeFileSync(join(d, 'overlap.safetensors'), rawSafetensors({ a: w, b: { dtype: 'F32', shape: [4, 4], data_offsets: [32, 96] } }, 96));
  expectRefused(d, join(d, 'overlap.safetensors'), "tensor 'b'", 'overlaps', 'byte');
  writeFileSync(join(d, 'range.safetensors'), rawSafetensors({ a: w }, 40));
  expectRefused(d, join(d, 'range.safetensors'), "tensor 'a'", 'past the end', 'byte');
  writeFileSync(join(d, 'dtype.safetensors'), rawSafetensors({ a: { dtype: 'Q4', shape: [4], data_offsets: [0, 4] } }, 4));
  expectRefused(d, join(d, 'dtype.safetensors'), "tensor 'a'", "unknown dtype 'Q4'");
  writeFileSync(join(d, 'shape.safetensors'), rawSafetensors({ a: { dtype: 'F32', shape: [4, 5], data_offsets: [0, 64] } }, 64));
  expectRefused(d, join(d, 'shape.safetensors'), "tensor 'a'", 'needs 80', 'byte');
  // a shard missing from the disk, named with a tensor it should hold
  writeSafetensorsFile(d, 'shard1.safetensors', [tensor('x.weight', [8, 8], gaussian(8, 8, 1).data, 'F32')]);
  writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'x.weight': 'shard1.safetensors', 'y.weight': 'shard2.safetensors' } }));
  expectRefused(d, join(d, 'model.safetensors.index.json'), "shard 'shard2.safetensors'", "tensor 'y.weight'", 'missing');
  // a tensor of a shard that the index does not list
  const sub = join(d, 'unlisted');
  mkdirSync(sub);
  writeSafetensorsFile(sub, 's1.safetensors', [tensor('x.weight', [8, 8], gaussian(8, 8, 1).data, 'F32'), tensor('z.weight', [8, 8], gaussian(8, 8, 2).data, 'F32')]);
  writeFileSync(join(sub, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'x.weight': 's1.safetensors' } }));
  expectRefused(d, sub, "tensor 'z.weight' at byte", 'not listed');
  // a truncated tfjs .bin: the weight and its byte offset in the shard
  writeTfjsModel(join(d, 'tfjs'), gaussian(24, 16, 2), { truncate: 100 });
  expectRefused(d, join(d, 'tfjs', 'model.json'), "weight 'conv/kernel'", 'group1-shard2of2.bin at byte', 'truncated');
});
