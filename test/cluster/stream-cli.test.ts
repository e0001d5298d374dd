/**
 * The out-of-core CLI: `factor --memory/--passes/--block-rows` and `spectrum --memory` on a small
 * .npy — the factors reproduce the exact optimum's error, the block cut never changes the values
 * beyond rounding, and the usage errors are one line with exit 2 (a too-small budget exit 1).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { svd } from '../../src/linalg/svd.js';
import { runCli, tempDir } from '../cli/run-cli.js';

const dir = tempDir('lowrank-stream-cli-');
after(() => rmSync(dir, { recursive: true, force: true }));
const rng = new Rng(11);
const a = new Float64Array(500 * 40);
rng.fillNormal(a);
for (let i = 0; i < 500; i++) for (let j = 0; j < 40; j++) a[i * 40 + j] *= 0.9 ** j; // decaying column scales
const A = new Matrix(500, 40, a);
writeFileSync(join(dir, 'a.npy'), writeNpy(A));
writeFileSync(join(dir, 'a.csv'), '1,2\n3,4\n');
const S = svd(A).S;
const optimum = (k: number) => Math.sqrt(S.slice(k).reduce((t, s) => t + s * s, 0));

test('factor --memory: U·V reproduces the optimal rank-5 error; 7 blocks or 1 block agree', () => {
  const many = runCli(['factor', 'a.npy', '--rank', '5', '--block-rows', '75', '--passes', '6', '--json', '--out', 'many'], dir);
  assert.equal(many.code, 0, many.stderr);
  const j = JSON.parse(many.stdout);
  assert.equal(j.blocks, 7);
  assert.ok(Math.abs(j.frobeniusError - optimum(5)) <= 1e-6 * optimum(5), `${j.frobeniusError} vs ${optimum(5)}`);
  const U = readNpy(readFileSync(join(dir, 'many', 'U.npy')));
  const V = readNpy(readFileSync(join(dir, 'many', 'V.npy')));
  let err = 0;
  for (let i = 0; i < 500; i++) for (let c = 0; c < 40; c++) {
    let x = 0;
    for (let t = 0; t < 5; t++) x += U.data[i * 5 + t] * V.data[t * 40 + c];
    err += (a[i * 40 + c] - x) ** 2;
  }
  assert.ok(Math.abs(Math.sqrt(err) - j.frobeniusError) <= 1e-9 * j.normFrobenius);
  const one = runCli(['factor', 'a.npy', '--rank', '5', '--memory', '1GiB', '--passes', '6', '--json', '--out', 'one'], dir);
  assert.equal(one.code, 0, one.stderr);
  const k = JSON.parse(one.stdout);
  assert.equal(k.blocks, 1);
  k.singularValues.forEach((s: number, i: number) => assert.ok(Math.abs(s - j.singularValues[i]) <= 1e-12 * k.singularValues[0]));
});

test('factor --passes 1: one pass, error estimate reported next to the optimum', () => {
  const r = runCli(['factor', 'a.npy', '--rank', '5', '--passes', '1', '--json', '--out', 'sp'], dir);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.method, 'single-pass');
  assert.equal(j.errorEstimated, true);
  // Estimate of an error that is at least the optimum (t = 10 test rows: spread about ±25%).
  assert.ok(j.frobeniusError >= 0.7 * optimum(5) && j.frobeniusError <= 2.5 * optimum(5), `${j.frobeniusError} vs ${optimum(5)}`);
});

test('spectrum --memory: the leading values of the streamed SVD', () => {
  const r = runCli(['spectrum', 'a.npy', '--memory', '1GiB', '--top', '5', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(j.singularValues[i] - S[i]) <= 1e-3 * S[0], `σ${i}`);
  assert.ok(Math.abs(j.normFrobenius - Math.hypot(...a)) <= 1e-12 * j.normFrobenius);
});

test('usage errors: no --rank, a CSV, a bad size (exit 2); a budget below the sketch (exit 1)', () => {
  const cases: [string[], number, RegExp][] = [
    [['factor', 'a.npy', '--memory', '1GiB'], 2, /need --rank/],
    [['factor', 'a.csv', '--rank', '1', '--memory', '1GiB'], 2, /stream row blocks of a \.npy/],
    [['factor', 'a.npy', '--rank', '2', '--memory', 'lots'], 2, /--memory must be a size/],
    [['factor', 'a.npy', '--rank', '2', '--memory', '100MiB'], 1, /--memory 100\.0 MiB is too small/],
    [['factor', 'a.npy', '--rank', '2', '--cluster', 'redis://127.0.0.1:1', '--data-root', '.'], 2, /--data-root is for distributed ALS on ratings/],
  ];
  for (const [args, code, msg] of cases) {
    const r = runCli(args, dir);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('flags an out-of-core run does not read are refused by name (exit 2, nothing written), not ignored; --method randomized is accepted', () => {
  const cases: [string[], RegExp][] = [
    [['--png'], /^lowrank: error: --png applies only to in-memory runs/],
    [['--report'], /--report applies only to in-memory runs/],
    [['--dtype', 'float32'], /--dtype applies only to in-memory runs/],
    [['--power-iters', '2'], /--power-iters applies only to in-memory runs/],
    [['--no-krylov'], /--krylov applies only to in-memory runs|--no-krylov applies only to in-memory runs/],
    [['--tol-ritz', '1e-3'], /--tol-ritz applies only to in-memory runs/],
    [['--epochs', '5'], /--epochs applies only to in-memory runs/],
    [['--reg', '0.1'], /--reg applies only to ratings or missing entries/],
    [['--method', 'svd'], /--method svd: out of core .* the method is the streamed randomized SVD/],
    [['--method', 'gradient'], /--method gradient: out of core/],
  ];
  for (const [extra, msg] of cases) {
    const out = `refused-${extra[0].replace(/^-+/, '')}`;
    const r = runCli(['factor', 'a.npy', '--rank', '2', '--block-rows', '100', '--out', out, ...extra], dir);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(existsSync(join(dir, out)), false, `${extra.join(' ')} wrote ${out}`);
  }
  const ok = runCli(['factor', 'a.npy', '--rank', '2', '--block-rows', '100', '--method', 'randomized', '--json', '--out', 'accepted'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(Math.abs(JSON.parse(ok.stdout).frobeniusError - optimum(2)) <= 1e-6 * optimum(2));
});
