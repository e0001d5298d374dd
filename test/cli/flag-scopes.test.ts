/**
 * No flag is silently ignored: on each path of `factor` (dense in memory, sparse .mtx, streamed,
 * ratings/--implicit) and of `weights`, a flag that path does not read is refused by name with
 * exit 2 and nothing written, while the same run without it succeeds (the negative control).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { writeNpy } from '../../src/io/npy.js';
import { runCli, tempDir } from './run-cli.js';
import { decaying, tensor, withSpectrum, writeSafetensorsFile } from '../weights/weights-fixtures.js';

const dir = tempDir('lowrank-flag-scopes-');
after(() => rmSync(dir, { recursive: true, force: true }));
const rng = new Rng(5);
const a = new Float64Array(60 * 20);
rng.fillNormal(a);
writeFileSync(join(dir, 'a.npy'), writeNpy(new Matrix(60, 20, a)));
// A 30×20 coordinate Matrix Market file with 60 entries: a sparse input.
const mm = ['%%MatrixMarket matrix coordinate real general', '30 20 60'];
for (let e = 0; e < 60; e++) mm.push(`${1 + (e % 30)} ${1 + ((e * 7) % 20)} ${(rng.uniform() * 2 - 1).toFixed(4)}`);
writeFileSync(join(dir, 's.mtx'), mm.join('\n') + '\n');
// Ratings: 20 users × 8 distinct items each.
const ratings = ['userId,movieId,rating'];
for (let u = 0; u < 20; u++) for (let k = 0; k < 8; k++) ratings.push(`${u},${(u + 2 * k) % 17},${1 + ((u * k) % 5)}`);
writeFileSync(join(dir, 'r.csv'), ratings.join('\n') + '\n');
writeSafetensorsFile(dir, 'm.safetensors', [tensor('l1.weight', [60, 40], withSpectrum(60, 40, decaying(40, 0.85), 1).data, 'F32')]);

/** Runs `args` expecting exit 2 with one line naming `message`, and no output folder `out`. */
function refused(args: string[], message: RegExp, out = 'o'): void {
  const r = runCli([...args, '--out', out], dir);
  assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stdout}${r.stderr}`);
  assert.match(r.stderr, message, args.join(' '));
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.equal(existsSync(join(dir, out)), false, `${args.join(' ')} wrote ${out}`);
}

/** Runs `args` expecting success (the negative control of a refusal). */
function accepted(args: string[], out = 'ok'): void {
  const r = runCli([...args, '--out', out, '--quiet'], dir);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  rmSync(join(dir, out), { recursive: true, force: true });
}

test('factor on a complete matrix refuses --implicit (in memory, sparse, streamed) instead of running the SVD', () => {
  refused(['factor', 'a.npy', '--rank', '3', '--implicit'], /^lowrank: error: --implicit applies only to ratings or missing entries/);
  refused(['factor', 's.mtx', '--rank', '3', '--implicit'], /--implicit applies only to ratings or missing entries/);
  refused(['factor', 'a.npy', '--rank', '3', '--memory', '1GiB', '--implicit'], /--implicit applies only to ratings or missing entries/);
  accepted(['factor', 'a.npy', '--rank', '3']);
});

test('factor: --job-id only with --cluster, --data-root only with distributed ALS on ratings', () => {
  refused(['factor', 'a.npy', '--rank', '3', '--job-id', 'run1'], /--job-id applies only to --cluster/);
  refused(['factor', 'a.npy', '--rank', '3', '--memory', '1GiB', '--job-id', 'run1'], /--job-id applies only to --cluster/);
  refused(['factor', 'a.npy', '--rank', '3', '--data-root', dir], /--data-root applies only to/);
  accepted(['factor', 'a.npy', '--rank', '3', '--memory', '1GiB']);
});

test('factor streamed: a second rank option and the single pass\'s --oversample are refused, not dropped', () => {
  for (const flag of ['--energy', '--tol', '--ratio']) {
    refused(['factor', 'a.npy', '--rank', '3', '--memory', '1GiB', flag, flag === '--ratio' ? '2' : '0.5'], new RegExp(`${flag} applies only to in-memory runs`));
  }
  refused(['factor', 'a.npy', '--rank', '3', '--passes', '1', '--oversample', '7'], /--oversample applies only to --passes ≥ 2/);
  accepted(['factor', 'a.npy', '--rank', '3', '--passes', '4', '--oversample', '7', '--memory', '1GiB']);
  accepted(['factor', 'a.npy', '--rank', '3', '--passes', '1']);
});

test('factor on a sparse .mtx refuses the dense randomized knobs it does not read', () => {
  refused(['factor', 's.mtx', '--rank', '3', '--passes', '4'], /--passes is not available for a sparse input/);
  refused(['factor', 's.mtx', '--rank', '3', '--normalizer', 'lu'], /--normalizer is not available for a sparse input/);
  refused(['factor', 's.mtx', '--rank', '3', '--tol-ritz', '0.1'], /--tol-ritz is not available for a sparse input/);
  refused(['factor', 's.mtx', '--rank', '3', '--spectral-error'], /--spectral-error is not available for a sparse input/);
  accepted(['factor', 's.mtx', '--rank', '3', '--power-iters', '2', '--oversample', '4', '--dtype', 'float32']);
});

test('factor --implicit and --folds refuse --dtype (the implicit model is written in float64, the folds\' models are scored as trained)', () => {
  refused(['factor', 'r.csv', '--format', 'ratings', '--rank', '3', '--implicit', '--dtype', 'float32'], /--dtype applies only to/);
  // Cross-validation scores the folds' models as trained (float64), writing none.
  const folds = runCli(['factor', 'r.csv', '--format', 'ratings', '--rank', '3', '--folds', '3', '--dtype', 'float32'], dir);
  assert.equal(folds.code, 2, folds.stderr);
  assert.match(folds.stderr, /^lowrank: error: --dtype applies only to/);
  accepted(['factor', 'r.csv', '--format', 'ratings', '--rank', '3', '--implicit']);
  accepted(['factor', 'r.csv', '--format', 'ratings', '--rank', '3', '--method', 'als', '--dtype', 'float32']);
});

test('weights: --allocation only with --params/--bytes, --ridge only with --calibration; expand refuses the compression flags', () => {
  const before = readdirSync(dir).length;
  refused(['weights', 'm.safetensors', '--rank', '3', '--allocation', 'uniform'], /--allocation applies only to --params or --bytes/, 'w.safetensors');
  refused(['weights', 'm.safetensors', '--rank', '3', '--ridge', '0.5'], /--ridge applies only to --calibration/, 'w.safetensors');
  const f = runCli(['weights', 'm.safetensors', '--rank', '3', '--format', 'factored', '--out', 'f.safetensors'], dir);
  assert.equal(f.code, 0, f.stderr);
  refused(['weights', 'expand', 'f.safetensors', '--rank', '5'], /--rank applies only to compressing/, 'e.safetensors');
  refused(['weights', 'expand', 'f.safetensors', '--min-size', '5'], /--min-size applies only to compressing/, 'e.safetensors');
  const e = runCli(['weights', 'expand', 'f.safetensors', '--out', 'e.safetensors'], dir);
  assert.equal(e.code, 0, e.stderr);
  const p = runCli(['weights', 'm.safetensors', '--params', '0.5', '--allocation', 'uniform'], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(readdirSync(dir).length, before + 2, 'only f.safetensors and e.safetensors written');
});

test('factor --tol-ritz (the adaptive block Krylov stop) is refused where the pass count is fixed or Krylov is off', () => {
  for (const extra of [['--no-krylov'], ['--passes', '6'], ['--power-iters', '3']]) {
    refused(['factor', 'a.npy', '--rank', '3', '--method', 'randomized', '--tol-ritz', '0.01', ...extra], /--tol-ritz applies only to the adaptive block Krylov stop/);
  }
  accepted(['factor', 'a.npy', '--rank', '3', '--method', 'randomized', '--tol-ritz', '0.01', '--krylov']);
  accepted(['factor', 'a.npy', '--rank', '3', '--method', 'randomized', '--no-krylov', '--passes', '6']);
});

test('factor on ratings refuses --out where no model is written (--compare, --folds without --tune)', () => {
  refused(['factor', 'r.csv', '--format', 'ratings', '--rank', '3', '--folds', '3'], /--out applies only to runs that write a model/);
  refused(['factor', 'r.csv', '--format', 'ratings', '--rank', '3', '--compare', '--test-fraction', '0.2'], /--out applies only to runs that write a model/);
  const r = runCli(['factor', 'r.csv', '--format', 'ratings', '--rank', '3', '--folds', '3', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(join(dir, 'r.lowrank')), false);
});

test('factor --compare refuses --reg unless the --method row reads it (the other rows keep their defaults)', () => {
  // 40 users × 30 items, every other pair rated: enough for --compare's default ranks (at most 20).
  const many = ['user,item,rating'];
  for (let u = 0; u < 40; u++) for (let i = u % 2; i < 30; i += 2) many.push(`${u},${i},${1 + ((u * 7 + i * 3) % 5)}`);
  writeFileSync(join(dir, 'r40.csv'), many.join('\n') + '\n');
  const compare = ['factor', 'r40.csv', '--format', 'ratings', '--compare', '--test-fraction', '0.2', '--quiet'];
  const r = runCli([...compare, '--reg', '0.1'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^lowrank: error: --reg applies only to --compare with a --method that reads it/);
  const ok = runCli([...compare, '--method', 'als', '--reg', '0.1', '--json'], dir);
  assert.equal(ok.code, 0, ok.stderr);
});

test('factor --tune refuses the λ or α it chooses (--reg, --alpha), as it refuses --rank', () => {
  refused(['factor', 'r.csv', '--format', 'ratings', '--method', 'als', '--tune', '--reg', '0.3'], /^lowrank: error: --tune chooses the rank and λ; drop --reg/);
  refused(['factor', 'r.csv', '--format', 'ratings', '--method', 'bpmf', '--tune', '--alpha', '3'], /^lowrank: error: --tune chooses the rank and α; drop --alpha/);
});

test('factor --memory with --block-rows: blocks beyond what the budget leaves are refused, not read over budget', () => {
  // Budget = the process's 200 MiB + the rank-3 sketch (l = 13: 8·(2·60·13 + 4·20·13) bytes) + 3 blocks of 10 rows of 160 bytes.
  const memory = String(200 * 1024 ** 2 + 8 * (2 * 60 * 13 + 4 * 20 * 13) + 3 * 10 * 160);
  refused(['factor', 'a.npy', '--rank', '3', '--memory', memory, '--block-rows', '30'], /^lowrank: error: --block-rows 30: .* beyond what --memory .* leaves for blocks \(at most 10 rows\)/);
  const r = runCli(['factor', 'a.npy', '--rank', '3', '--memory', memory, '--block-rows', '10', '--json', '--out', 'fits'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).blocks, 6);
  const planned = runCli(['factor', 'a.npy', '--rank', '3', '--memory', memory, '--json', '--out', 'planned'], dir);
  assert.equal(JSON.parse(planned.stdout).blockRows, 10, 'the budget itself gives 10 rows');
});
