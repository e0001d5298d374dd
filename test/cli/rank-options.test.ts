import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { matmul } from '../../src/linalg/matmul.js';
import { runCli, tempDir } from './run-cli.js';

function randomMatrix(n: number, m: number, seed: number, std = 1): Matrix {
  const a = Matrix.zeros(n, m);
  new Rng(seed).fillNormal(a.data, 0, std);
  return a;
}

/** Rank-6 signal plus small noise. */
function signal(n: number, m: number, seed: number): Matrix {
  const a = matmul(randomMatrix(n, 6, seed), randomMatrix(6, m, seed + 1));
  const noise = randomMatrix(n, m, seed + 2, 0.05);
  for (let i = 0; i < a.data.length; i++) a.data[i] += noise.data[i];
  return a;
}

/** A workspace with good.npy (40×30) in it. */
function workspace(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'good.npy'), writeNpy(signal(40, 30, 1)));
  return dir;
}

function expectInputError(args: string[], pattern: RegExp): void {
  const r = runCli(args, workspace());
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got: ${r.stderr}`);
  assert.match(lines[0], /^lowrank: error: /);
  assert.match(lines[0], pattern);
  assert.equal(r.stdout, '');
}

describe('factor rank options: bad input is one line, exit 2', () => {
  it('--energy 0', () => expectInputError(['factor', 'good.npy', '--energy', '0'], /--energy must be in \(0, 1\]/));
  it('--energy 1.5', () => expectInputError(['factor', 'good.npy', '--energy', '1.5'], /--energy must be in \(0, 1\].*1\.5/));
  it('--tol 0', () => expectInputError(['factor', 'good.npy', '--tol', '0'], /--tol must be a relative Frobenius error > 0, got 0/));
  it('--ratio 0.5', () => expectInputError(['factor', 'good.npy', '--ratio', '0.5'], /--ratio must be a compression ratio ≥ 1, got 0\.5/));
  it('--ratio out of reach', () => expectInputError(['factor', 'good.npy', '--ratio', '100'], /--ratio 100 is out of reach for a 40×30 matrix: rank 1 gives the largest ratio, 17\.14/));
  it('--rank with --energy', () => expectInputError(['factor', 'good.npy', '--rank', '3', '--energy', '0.9'], /conflicting rank options --rank and --energy/));
  it('--tol with --ratio', () => expectInputError(['factor', 'good.npy', '--tol', '0.1', '--ratio', '2'], /conflicting rank options --tol and --ratio/));
  it('no rank option', () => expectInputError(['factor', 'good.npy'], /a rank option is required: one of --rank, --energy, --tol, --ratio/));
  it('--energy not a number', () => expectInputError(['factor', 'good.npy', '--energy', 'lots'], /--energy must be a finite number, got 'lots'/));
  it('--power-iters -1', () => expectInputError(['factor', 'good.npy', '--rank', '2', '--power-iters', '-1'], /--power-iters must be an integer ≥ 0 or auto/));
  it('--normalizer bad', () => expectInputError(['factor', 'good.npy', '--rank', '2', '--normalizer', 'svd'], /--normalizer must be one of qr, lu/));
});

describe('factor rank options and methods', () => {
  it('--energy picks the rank from the exact spectrum (auto → svd on a small input)', () => {
    const dir = workspace();
    const r = runCli(['factor', 'good.npy', '--energy', '0.99', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.method, 'svd');
    assert.equal(j.params.auto, true);
    assert.equal(j.rank, 6);
    assert.ok(j.relative <= 0.1);
    assert.ok(Math.abs(j.gap) <= 1e-9);
  });

  it('--tol and --ratio, text output says how the rank was chosen', () => {
    const dir = workspace();
    const t = runCli(['factor', 'good.npy', '--tol', '0.5'], dir);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /rank \d+ \(chosen by --tol 0\.5\)/);
    const q = runCli(['factor', 'good.npy', '--ratio', '5', '--json'], dir);
    assert.equal(q.code, 0, q.stderr);
    const j = JSON.parse(q.stdout);
    assert.equal(j.rank, 3);
    assert.ok(j.compressionRatio >= 5);
  });

  it('--method randomized on tall and wide inputs: the same approximation, transposed', () => {
    const dir = tempDir();
    const a = signal(60, 25, 5);
    writeFileSync(join(dir, 'tall.npy'), writeNpy(a));
    writeFileSync(join(dir, 'wide.npy'), writeNpy(a.transpose()));
    const t = runCli(['factor', 'tall.npy', '--rank', '4', '--method', 'randomized', '--out', 't', '--json'], dir);
    const w = runCli(['factor', 'wide.npy', '--rank', '4', '--method', 'randomized', '--out', 'w', '--json'], dir);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(w.code, 0, w.stderr);
    const jt = JSON.parse(t.stdout);
    const jw = JSON.parse(w.stdout);
    assert.equal(jt.method, 'randomized');
    assert.equal(jw.params.transposed, true);
    assert.ok(jt.gap >= -1e-12 && jt.gap < 1e-6, `gap ${jt.gap}`);
    assert.ok(Math.abs(jt.frobenius - jw.frobenius) <= 1e-9 * jt.frobenius);
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(jt.singularValues[i] - jw.singularValues[i]) <= 1e-9 * jt.singularValues[0]);
    const ut = readNpy(readFileSync(join(dir, 't', 'U.npy')));
    const vw = readNpy(readFileSync(join(dir, 'w', 'V.npy')));
    assert.deepEqual([ut.rows, ut.cols, vw.rows, vw.cols], [60, 4, 4, 60]);
  });

  it('randomized knobs are honoured and reported; --spectral-error adds an estimate', () => {
    const dir = workspace();
    const r = runCli(['factor', 'good.npy', '--rank', '3', '--method', 'randomized', '--power-iters', '2', '--no-krylov', '--oversample', '4', '--normalizer', 'lu', '--spectral-error', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.params.powerIters, 2);
    assert.equal(j.params.krylov, false);
    assert.equal(j.params.sketchSize, 7);
    assert.equal(j.params.passes, 6);
    assert.equal(j.params.normalizer, 'lu');
    assert.ok(j.spectralError > 0 && j.spectralError <= j.frobenius);
    const k = runCli(['factor', 'good.npy', '--rank', '3', '--method', 'randomized', '--krylov', '--power-iters', '1', '--quiet'], dir);
    assert.equal(k.code, 0, k.stderr);
    assert.match(k.stdout, /block Krylov, q = 1, 4 passes over A/);
  });

  it('--method gradient with --energy trains at the selected rank; --loss-tol stops early', () => {
    const dir = workspace();
    const r = runCli(['factor', 'good.npy', '--energy', '0.99', '--method', 'gradient', '--optimizer', 'scaled', '--epochs', '50', '--loss-tol', '1e-3', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.method, 'gradient');
    assert.equal(j.rank, 6);
    assert.ok(j.epochsRun <= 50);
  });
});
