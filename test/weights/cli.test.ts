import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { parseSafetensors } from '../../src/io/safetensors.js';
import { bytesOption } from '../../src/cli/size-options.js';
import { runCli, tempDir } from '../cli/run-cli.js';
import { decaying, tensor, withSpectrum, writeSafetensorsFile } from './weights-fixtures.js';
import { assertLowRankError } from '../helpers.js';

test('weights CLI: table, --json totals, --report HTML with the rank and error figures, expand', () => {
  const d = tempDir();
  const input = writeSafetensorsFile(d, 'm.safetensors', [
    tensor('l1.weight', [60, 40], withSpectrum(60, 40, decaying(40, 0.85), 1).data, 'F32'),
    tensor('l1.bias', [60], new Float64Array(60), 'F32'),
    tensor('l2.weight', [20, 60], withSpectrum(20, 60, decaying(20, 0.6), 2).data, 'F32'),
  ]);
  const out = join(d, 'small.safetensors');
  const r = runCli(['weights', input, '--params', '0.4', '--format', 'factored', '--out', out, '--json', '--report', join(d, 'r.html')], d);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.tensors.length, 3);
  assert.ok(rep.totals.selectedAfter <= 0.4 * rep.totals.selectedBefore);
  assert.equal(rep.totals.selectedBefore, 60 * 40 + 20 * 60);
  for (const t of rep.tensors.filter((x: { compressed: boolean }) => x.compressed)) {
    assert.equal(t.paramsAfter, t.rank * (t.view.rows + t.view.cols));
    assert.ok(t.energyKept > 0 && t.energyKept <= 1);
    assert.ok(Math.abs(t.relativeError - t.optimalError) <= 1e-5, 'float32 factors: the optimum to float32 rounding');
  }
  const names = parseSafetensors(new Uint8Array(readFileSync(out))).header.tensors.map((t) => t.name);
  assert.deepEqual(names, ['l1.weight.lowrank_u', 'l1.weight.lowrank_v', 'l1.bias', 'l2.weight.lowrank_u', 'l2.weight.lowrank_v']);
  const html = readFileSync(join(d, 'r.html'), 'utf8');
  assert.match(html, /Rank per layer/);
  assert.match(html, /Error per layer/);
  assert.ok((html.match(/<svg/g) ?? []).length >= 2);
  assert.match(html, /l2\.weight/);
  const text = runCli(['weights', input, '--rank', '3'], d);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /l1\.weight\s+\[60, 40\]\s+F32\s+3\/40/);
  assert.match(text.stdout, /kept: 1-D/);
  assert.match(text.stdout, /No --out: nothing written/);
  const e = runCli(['weights', 'expand', out, '--out', join(d, 'dense.safetensors')], d);
  assert.equal(e.code, 0, e.stderr);
  const dense = parseSafetensors(new Uint8Array(readFileSync(join(d, 'dense.safetensors')))).header.tensors;
  assert.deepEqual(dense.map((t) => [t.name, t.shape, t.dtype]), [['l1.weight', [60, 40], 'F32'], ['l1.bias', [60], 'F32'], ['l2.weight', [20, 60], 'F32']]);
});

test('weights CLI: usage errors exit 2 with one line', () => {
  const d = tempDir();
  const input = writeSafetensorsFile(d, 'm.safetensors', [tensor('w', [40, 40], withSpectrum(40, 40, decaying(40), 3).data, 'F32')]);
  const acts = writeSafetensorsFile(d, 'acts.safetensors', [tensor('other', [50, 40], withSpectrum(50, 40, decaying(40), 4).data, 'F32')]);
  for (const [args, part] of [
    [['weights', input], 'rank rule is required'],
    [['weights', input, '--rank', '2', '--params', '0.5'], 'conflicting rank rules --rank and --params'],
    [['weights', input, '--params', '2'], '--params must be a fraction'],
    [['weights', input, '--rank', '2', '--include', '('], '--include is not a valid regular expression'],
    [['weights', input, '--bytes', '5 parsecs'], '--bytes must be a size'],
    [['weights', input, '--rank', '2', '--calibration', acts], "no calibration inputs for weight 'w'"],
    [['weights', join(d, 'missing.safetensors'), '--rank', '2'], 'no such file'],
    [['weights', 'expand', input, '--out', join(d, 'x.safetensors')], 'not written by lowrank weights --format factored'],
  ] as const) {
    const r = runCli([...args], d);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(part), `${r.stderr} should contain ${part}`);
  }
});

test('--bytes sizes', () => {
  assert.equal(bytesOption('5000'), 5000);
  assert.equal(bytesOption('5MB'), 5_000_000);
  assert.equal(bytesOption('1.5GiB'), 1.5 * 1024 ** 3);
  assert.equal(bytesOption('64 kib'), 65536);
  assertLowRankError(() => bytesOption('-1'), 'E_ARG', '--bytes');
});
