import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { generateRatings, ratingsCsv } from '../fixtures/generate-ratings.js';
import { runCli, tempDir } from './run-cli.js';

describe('lowrank factor --format ratings, lowrank predict', () => {
  const dir = tempDir();
  const model = join(dir, 'model');
  let report: Record<string, any>;

  before(() => {
    const g = generateRatings({ users: 200, items: 300, ratings: 6000, seed: 3 });
    writeFileSync(join(dir, 'r.csv'), ratingsCsv(g));
    const r = runCli(['factor', 'r.csv', '--format', 'ratings', '--method', 'als', '--rank', '5', '--reg', '0.1', '--test-fraction', '0.2', '--seed', '1', '--out', 'model', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout);
  });

  it('trains ALS with biases on ratings; held-out RMSE and MAE beside the training figures and both baselines', () => {
    assert.equal(report.method, 'als');
    assert.equal(report.params.biases, true);
    assert.deepEqual(report.shape, [200, 300]);
    assert.equal(report.nnz, 6000);
    assert.deepEqual(report.split, { train: 4800, test: 1200, testFraction: 0.2, perUser: false, seed: 1 });
    assert.deepEqual(report.range, [1, 5]);
    for (const k of ['rmse', 'mae']) {
      assert.ok(report.train[k] > 0 && report.test[k] > 0);
    }
    assert.ok(report.test.rmse < report.baselines.globalMean.test.rmse, JSON.stringify(report.test));
    assert.ok(report.baselines.biases.test.rmse < report.baselines.globalMean.test.rmse);
  });

  it('writes the model directory: factors, biases, id maps and model.json', () => {
    for (const f of ['U.npy', 'V.npy', 'user_bias.npy', 'item_bias.npy', 'users.json', 'items.json', 'model.json']) assert.ok(existsSync(join(model, f)), f);
    const users = JSON.parse(readFileSync(join(model, 'users.json'), 'utf8')) as string[];
    assert.equal(users.length, 200);
    assert.ok(users.includes('1') && !users.includes('0'), 'MovieLens-style 1-based ids kept as ids');
    const meta = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    assert.equal(meta.format, 'lowrank-ratings-model');
    assert.equal(meta.reg, 0.1);
    assert.deepEqual(meta.range, [1, 5]);
  });

  it('progress on stderr during the fit, the report on stdout', () => {
    const r = runCli(['factor', 'r.csv', '--format', 'ratings', '--method', 'als', '--rank', '3', '--sweeps', '4', '--test-fraction', '0.1', '--out', 'm2'], dir);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[3], /^sweep 4\/4: train RMSE \d\.\d{4}, held-out RMSE \d\.\d{4} \(\d+\.\d s\)$/);
    assert.match(r.stdout, /global mean/);
    assert.match(r.stdout, /user \+ item biases/);
    assert.match(r.stdout, /als rank 3/);
    assert.match(r.stdout, /Wrote m2\/U\.npy/);
  });

  it('the masked gradient method on ratings', () => {
    const r = runCli(['factor', 'r.csv', '--format', 'ratings', '--rank', '3', '--method', 'gradient', '--epochs', '5', '--out', 'm3', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.method, 'gradient');
    assert.equal(j.params.masked, true);
    assert.ok(j.epochsRun <= 5 && j.epochsRun >= 1);
    assert.equal(j.test, null);
    assert.ok(j.earlyStopping.validationRmse > 0, 'early stopping on a split of the training ratings by default');
  });

  it('predict one pair: a rating inside the observed range', () => {
    const r = runCli(['predict', 'model', '--user', '1', '--item', '1'], dir);
    assert.equal(r.code, 0, r.stderr);
    const x = Number(r.stdout.trim());
    assert.ok(x >= 1 && x <= 5, r.stdout);
    const j = JSON.parse(runCli(['predict', 'model', '--user', '1', '--item', '1', '--json'], dir).stdout);
    assert.equal(j.prediction.toFixed(4), x.toFixed(4));
    assert.equal(j.foldedIn, false);
  });

  it('batch prediction from a CSV of pairs (header detected), to stdout or a file', () => {
    writeFileSync(join(dir, 'pairs.csv'), 'user,item\n1,1\n2,5\n3,7\n');
    const r = runCli(['predict', 'model', '--pairs', 'pairs.csv'], dir);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'user,item,prediction');
    assert.equal(lines.length, 4);
    assert.match(lines[2], /^2,5,\d(\.\d+)?$/);
    const w = runCli(['predict', 'model', '--pairs', 'pairs.csv', '--out', 'pred.csv'], dir);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(readFileSync(join(dir, 'pred.csv'), 'utf8'), r.stdout);
  });

  it('fold-in of a new user without retraining', () => {
    writeFileSync(join(dir, 'new.csv'), 'user,item,rating\nnewcomer,1,5\nnewcomer,2,5\nnewcomer,3,4\nnewcomer,4,5\n');
    const r = runCli(['predict', 'model', '--fold-in', 'new.csv', '--user', 'newcomer', '--item', '10', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.foldedIn, true);
    assert.ok(j.prediction >= 1 && j.prediction <= 5);
    const alone = runCli(['predict', 'model', '--fold-in', 'new.csv', '--item', '10'], dir);
    assert.equal(Number(alone.stdout.trim()).toFixed(4), j.prediction.toFixed(4));
  });

  it('a dense matrix with NaN holes (--missing nan) or a mask; predictions by row and column number', () => {
    const rows: string[] = [];
    for (let i = 0; i < 12; i++) {
      const row: string[] = [];
      for (let j = 0; j < 8; j++) row.push((i * j) % 3 === 1 ? 'nan' : String((i % 4) + (j % 3)));
      rows.push(row.join(','));
    }
    writeFileSync(join(dir, 'holes.csv'), rows.join('\n') + '\n');
    const r = runCli(['factor', 'holes.csv', '--missing', 'nan', '--rank', '2', '--out', 'dense-model', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.format, 'matrix');
    assert.deepEqual(j.shape, [12, 8]);
    assert.ok(j.nnz < 96 && j.nnz > 50);
    assert.equal(j.params.biases, false, 'dense inputs default to plain U·V');
    assert.ok(j.train.rmse < 0.2, `train rmse ${j.train.rmse}`);
    assert.ok(!existsSync(join(dir, 'dense-model', 'users.json')));
    const p = runCli(['predict', 'dense-model', '--user', '0', '--item', '1'], dir);
    assert.equal(p.code, 0, p.stderr);
    writeFileSync(join(dir, 'mask.csv'), rows.map((l) => l.split(',').map((x) => (x === 'nan' ? '0' : '1')).join(',')).join('\n') + '\n');
    writeFileSync(join(dir, 'filled.csv'), rows.map((l) => l.replace(/nan/g, '99')).join('\n') + '\n');
    const mk = runCli(['factor', 'filled.csv', '--mask', 'mask.csv', '--rank', '2', '--out', 'masked-model', '--json'], dir);
    assert.equal(mk.code, 0, mk.stderr);
    assert.equal(JSON.parse(mk.stdout).train.rmse.toFixed(8), j.train.rmse.toFixed(8));
  });
});
