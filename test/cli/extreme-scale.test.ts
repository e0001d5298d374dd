/**
 * The CLI on data far from unit scale: `factor` and `spectrum` (dense with --center, sparse .mtx
 * plain and centered) report the same explained-variance ratios, relative error and energy ranks
 * for 2^e·A as for A, and errors times 2^e. Before, entries beyond ≈ 1e±154 gave explained-variance
 * ratios of 0 with Frobenius/relative/RMSE errors of 0 (sparse factor), or exit 2 with the internal
 * "total variance must be a finite number ≥ 0, got Infinity".
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { writeNpy } from '../../src/io/npy.js';
import { runCli, tempDir } from './run-cli.js';

const dir = tempDir('lowrank-extreme-');
const E = [0, -600, 600];

/** 120×40 Gaussian, column j divided by 1 + j, times 2^e; every third entry stored in the .mtx. */
function write(e: number): { npy: string; mtx: string } {
  const a = Matrix.zeros(120, 40);
  new Rng(5).fillNormal(a.data);
  const lines = ['%%MatrixMarket matrix coordinate real general', ''];
  let nnz = 0;
  for (let i = 0; i < 120; i++) {
    for (let j = 0; j < 40; j++) {
      a.data[i * 40 + j] = (a.data[i * 40 + j] / (1 + j)) * 2 ** e;
      if ((i + 2 * j) % 3 === 0) {
        lines.push(`${i + 1} ${j + 1} ${a.data[i * 40 + j]}`);
        nnz++;
      }
    }
  }
  lines[1] = `120 40 ${nnz}`;
  const npy = join(dir, `a${e}.npy`);
  const mtx = join(dir, `a${e}.mtx`);
  writeFileSync(npy, writeNpy(a));
  writeFileSync(mtx, lines.join('\n') + '\n');
  return { npy, mtx };
}
const files = new Map(E.map((e) => [e, write(e)]));

/** `lowrank …args --json`, which must succeed. */
function json(args: string[]): Record<string, unknown> {
  const r = runCli([...args, '--json'], dir);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Relative agreement of the numbers of `got` (scaled by 2^−e where `scaled`) with `want`. */
function same(got: Record<string, unknown>, want: Record<string, unknown>, e: number, fields: Record<string, boolean>, where: string): void {
  for (const [k, scaled] of Object.entries(fields)) {
    const g = [got[k]].flat() as number[];
    const w = [want[k]].flat() as number[];
    assert.equal(g.length, w.length, `${where}: ${k}`);
    for (let i = 0; i < w.length; i++) {
      const x = scaled ? g[i] / 2 ** e : g[i];
      assert.ok(typeof g[i] === 'number' && Math.abs(x - w[i]) <= 1e-9 * Math.max(Math.abs(w[i]), 1e-300), `${where}: ${k}[${i}] = ${g[i]}, unscaled ${w[i]}`);
    }
  }
}

describe('CLI at 2^±600 (squares beyond float64)', () => {
  const out = join(dir, 'out');
  for (const e of E.slice(1)) {
    test(`e = ${e}: dense factor --center, spectrum --center, sparse factor and spectrum (plain, --center)`, () => {
      const [f0, f] = [files.get(0)!, files.get(e)!];
      const runs: [string[], Record<string, boolean>][] = [
        [['factor', '{npy}', '--rank', '5', '--center', '--out', out, '--force', '--quiet'], { explainedVarianceRatio: false, relative: false, frobenius: true }],
        [['spectrum', '{npy}', '--center'], { explainedVarianceRatio: false, normFrobenius: true, cumulativeEnergy: false }],
        [['factor', '{mtx}', '--rank', '5', '--out', out, '--force', '--quiet'], { explainedVarianceRatio: false, relative: false, frobenius: true, rmse: true }],
        [['factor', '{mtx}', '--rank', '5', '--center', '--out', out, '--force', '--quiet'], { explainedVarianceRatio: false, relative: false, frobenius: true, rmse: true }],
        [['spectrum', '{mtx}', '--top', '5', '--center'], { explainedVarianceRatio: false, normFrobenius: true, cumulativeEnergy: false }],
      ];
      for (const [args, fields] of runs) {
        const sub = (file: { npy: string; mtx: string }): string[] => args.map((x) => (x === '{npy}' ? file.npy : x === '{mtx}' ? file.mtx : x));
        same(json(sub(f)), json(sub(f0)), e, fields, sub(f).join(' '));
      }
    });
  }
});

test('--center with the streamed SVD (--memory) is refused in one line, nothing written (was: ignored, uncentered factors and σ)', () => {
  const out = join(dir, 'centered-stream');
  for (const args of [['factor', files.get(0)!.npy, '--rank', '3', '--center', '--memory', '300MiB', '--out', out], ['spectrum', files.get(0)!.npy, '--center', '--memory', '300MiB']]) {
    const r = runCli(args, dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--center/);
    assert.equal(r.stdout, '');
  }
  assert.ok(!existsSync(out));
});

describe('reconstruct and eval of factors whose product leaves the range', () => {
  const save = (name: string, a: Matrix): string => {
    const path = join(dir, name);
    writeFileSync(path, writeNpy(a));
    return path;
  };
  const u64 = save('u64.npy', new Matrix(4, 2, Float64Array.of(1e200, 2e200, 3, 4, 5, 6, 7, 8)));
  const v64 = save('v64.npy', new Matrix(2, 3, Float64Array.of(1e200, 1, 1, 1, 1, 1)));
  const u32 = save('u32.npy', new Matrix(4, 2, Float32Array.of(1e20, 2e20, 3, 4, 5, 6, 7, 8)));
  const v32 = save('v32.npy', new Matrix(2, 3, Float32Array.of(1e20, 1, 1, 1, 1, 1)));

  test('reconstruct: exit 2, one line naming the dtype, nothing written (was: inf written, exit 0)', () => {
    for (const [u, v, dtype] of [[u64, v64, 'float64'], [u32, v32, 'float32']]) {
      for (const out of [join(dir, 'product.npy'), join(dir, 'product.csv'), '-']) {
        const r = runCli(['reconstruct', u, v, '--out', out], dir);
        assert.equal(r.code, 2, `${u} ${out}: ${r.stderr}`);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.match(r.stderr, new RegExp(`beyond ${dtype}`));
        assert.equal(r.stdout, '');
        if (out !== '-') assert.ok(!existsSync(out));
      }
    }
  });

  test('eval: float32 factors whose float32 product overflows are evaluated in float64 (finite errors); a float64 overflow is refused', () => {
    const a = save('a43.npy', new Matrix(4, 3, new Float32Array(12).fill(1)));
    const r = runCli(['eval', a, u32, v32, '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout) as { frobenius: number; relative: number };
    assert.ok(Math.abs(e.frobenius - 1e40) <= 1e-6 * 1e40, `frobenius ${e.frobenius}`);
    const b = runCli(['eval', save('a43d.npy', new Matrix(4, 3, new Float64Array(12).fill(1))), u64, v64, '--json'], dir);
    assert.equal(b.code, 2, b.stderr);
    assert.match(b.stderr, /beyond float64/);
  });
});

test('the text report shows errors far below 1 (or above 1e15) in exponent form, not as 0.0000', () => {
  const f = files.get(-600)!;
  const out = join(dir, 'text-out');
  const r = runCli(['factor', f.npy, '--rank', '4', '--out', out, '--force'], dir);
  assert.equal(r.code, 0, r.stderr);
  const j = json(['factor', f.npy, '--rank', '4', '--out', out, '--force', '--quiet']) as { frobenius: number };
  const line = r.stdout.split('\n').find((l) => l.startsWith('Approximation Error (Frobenius Norm): ')) as string;
  assert.ok(line, r.stdout);
  const shown = Number(line.slice('Approximation Error (Frobenius Norm): '.length));
  assert.ok(shown > 0 && Math.abs(shown - j.frobenius) <= 1e-4 * j.frobenius, `${line} vs ${j.frobenius}`);
  const opt = r.stdout.split('\n').find((l) => l.startsWith('Optimal Error for rank 4')) as string;
  assert.ok(!/: 0\.0000$/.test(opt), opt);
  // At unit scale the seed's fixed four decimals stay.
  const unit = runCli(['factor', files.get(0)!.npy, '--rank', '4', '--out', out, '--force'], dir);
  assert.match(unit.stdout, /Approximation Error \(Frobenius Norm\): \d+\.\d{4}\n/);
});

test('factor and eval of a matrix whose ‖A‖_F and error are beyond float64 (σ finite): exit 2, one line, nothing written (was: "Frobenius Norm: Infinity", "Relative Error: NaN", gap 0%, exit 0)', () => {
  const d = new Matrix(10, 10, new Float64Array(100));
  for (let i = 0; i < 10; i++) d.data[i * 11] = (i % 2 ? -1 : 1) * 1e308 * (1 - i / 20);
  const path = join(dir, 'huge-diag.npy');
  writeFileSync(path, writeNpy(d));
  const out = join(dir, 'huge-out');
  const r = runCli(['factor', path, '--rank', '3', '--method', 'svd', '--out', out], dir);
  assert.equal(r.code, 2, r.stderr + r.stdout);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /beyond float64/);
  assert.ok(!existsSync(out));
  // The factors themselves are fine: eval of a saved rank-3 factorization is refused the same way.
  const u = Matrix.zeros(10, 3);
  const v = Matrix.zeros(3, 10);
  for (let l = 0; l < 3; l++) {
    u.data[l * 3 + l] = d.data[l * 11];
    v.data[l * 10 + l] = 1;
  }
  writeFileSync(join(dir, 'hu.npy'), writeNpy(u));
  writeFileSync(join(dir, 'hv.npy'), writeNpy(v));
  const e = runCli(['eval', path, join(dir, 'hu.npy'), join(dir, 'hv.npy')], dir);
  assert.equal(e.code, 2, e.stderr + e.stdout);
  assert.match(e.stderr, /beyond float64/);
});
