import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { generateRatings, ratingsCsv, type SyntheticRatings } from '../fixtures/generate-ratings.js';
import { runCli, tempDir } from './run-cli.js';

/** Splits generated ratings into a training file and a test file with 5 users and some items only in the test. */
function trainTest(g: SyntheticRatings): { train: string; test: string } {
  const tr: SyntheticRatings = { ...g, row: new Int32Array(0), col: new Int32Array(0), values: new Float64Array(0) };
  const te: SyntheticRatings = { ...tr };
  const pick = (keep: (e: number) => boolean, out: SyntheticRatings): SyntheticRatings => {
    const idx = [...g.values.keys()].filter(keep);
    return { ...out, row: Int32Array.from(idx, (e) => g.row[e]), col: Int32Array.from(idx, (e) => g.col[e]), values: Float64Array.from(idx, (e) => g.values[e]) };
  };
  const isTest = (e: number): boolean => g.row[e] < 5 || e % 5 === 0;
  return { train: ratingsCsv(pick((e) => !isTest(e), tr)), test: ratingsCsv(pick(isTest, te)) };
}

describe('ratings evaluation from the CLI: --test, --folds, --tune, detection, predict fallbacks', () => {
  const dir = tempDir();
  let report: Record<string, any>;

  before(() => {
    const g = generateRatings({ users: 200, items: 300, ratings: 8000, seed: 4 });
    const { train, test } = trainTest(g);
    // a MovieLens header and a non-CSV extension: recognised without --format
    writeFileSync(join(dir, 'train.base'), train.replace(/^user,item,rating,timestamp/, 'userId,movieId,rating,timestamp'));
    writeFileSync(join(dir, 'test.test'), test);
    const r = runCli(['factor', 'train.base', '--test', 'test.test', '--out', 'model', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout);
  });

  it('detects ratings, defaults to BPMF without --rank, and beats the bias baseline by ≥ 2% on the test file', () => {
    assert.equal(report.format, 'ratings');
    assert.equal(report.method, 'bpmf');
    assert.equal(report.params.sampleRank, 10);
    assert.ok(report.test.rmse < 0.98 * report.baselines.biases.test.rmse, `${report.test.rmse} vs ${report.baselines.biases.test.rmse}`);
  });

  it('counts unseen users and items and predicts them by fallbacks', () => {
    const c = report.coldStart;
    assert.equal(c.unknownUsers, 5);
    assert.ok(c.fallbacks.item > 0, JSON.stringify(c));
    assert.equal(report.split.test, report.test.count);
    assert.equal(c.known.count + c.fallbacks.item + c.fallbacks.user + c.fallbacks.global, report.test.count);
  });

  it('predict --pairs scores every line of the test file, echoes the rating and prints the same RMSE', () => {
    const r = runCli(['predict', 'model', '--pairs', 'test.test', '--out', 'pred.csv'], dir);
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(join(dir, 'pred.csv'), 'utf8').trim().split('\n');
    assert.equal(lines[0], 'user,item,prediction,rating');
    assert.equal(lines.length - 1, report.test.count);
    const m = /(\d+) by the model, (\d+) cold-start .*RMSE (\d\.\d{4})/.exec(r.stderr);
    assert.ok(m, r.stderr);
    assert.equal(Number(m[1]), report.coldStart.known.count);
    assert.equal(m[3], report.test.rmse.toFixed(4));
    const strict = runCli(['predict', 'model', '--pairs', 'test.test', '--strict'], dir);
    assert.equal(strict.code, 2);
    assert.match(strict.stderr, /unknown (user|item)/);
  });

  it('--folds 3 --compare: mean and spread per model, every method and both baselines', () => {
    const r = runCli(['factor', 'train.base', '--folds', '3', '--compare', '--json', '--samples', '10'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.folds, 3);
    assert.deepEqual(j.models.map((x: any) => x.name.split(' ')[0]), ['global', 'user', 'bpmf', 'svdpp', 'als', 'gradient']);
    for (const x of j.models) {
      assert.equal(x.perFold.length, 3);
      assert.ok(Math.abs(x.rmse.mean - x.perFold.reduce((a: number, b: number) => a + b, 0) / 3) < 1e-12);
      assert.ok(x.rmse.std >= 0);
    }
    assert.ok(j.models[2].rmse.mean < j.models[1].rmse.mean, 'bpmf below the bias baseline');
  });

  it('--tune prints the grid, best first, and trains with the best candidate', () => {
    const r = runCli(['factor', 'train.base', '--method', 'als', '--tune', '--test', 'test.test', '--out', 'tuned'], dir);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').filter((l) => /validation RMSE/.test(l));
    assert.equal(rows.length, 9);
    const best = /rank (\d+), λ ([\d.]+)/.exec(rows[0])!;
    assert.match(r.stdout, new RegExp(`Method: als rank ${best[1]} \\(λ ${best[2]},`));
    const rmses = rows.map((l) => Number(/validation RMSE (\d\.\d+)/.exec(l)![1]));
    assert.deepEqual(rmses, [...rmses].sort((a, b) => a - b));
  });

  it('--tune --trials N: random search, the same candidates for the same --seed, the table best first', () => {
    const run = (seed: string): any => {
      const r = runCli(['factor', 'train.base', '--method', 'als', '--tune', '--trials', '4', '--seed', seed, '--folds', '2', '--out', `random${seed}`, '--json'], dir);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const a = run('3');
    assert.equal(a.tuning.length, 4);
    assert.equal(a.tuningSearch.search, 'random');
    assert.equal(a.tuningSearch.on, '2-fold cross-validation');
    assert.deepEqual(a.tuningSearch.rank, [5, 100]);
    for (const row of a.tuning) {
      assert.ok(Number.isInteger(row.params.rank) && row.params.rank >= 5 && row.params.rank <= 100);
      assert.ok(row.params.reg >= 0.02 && row.params.reg <= 0.5);
      assert.ok(row.rmse.std >= 0, 'spread over the 2 folds');
    }
    assert.equal(a.rank, a.tuning[0].params.rank, 'trained with the best');
    assert.equal(a.params.reg, a.tuning[0].params.reg);
    const again = run('3');
    assert.deepEqual(again.tuning.map((r: any) => r.params), a.tuning.map((r: any) => r.params));
    const table = runCli(['factor', 'train.base', '--method', 'als', '--tune', '--trials', '3', '--out', 'randomtable'], dir);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /Tuning als by random search: 3 trials, rank in \[5, 100\], λ log-uniform in \[0\.02, 0\.5\], seed 0 on a 10% validation split \(3 candidates, best first\):/);
    assert.equal(table.stdout.split('\n').filter((l) => /validation RMSE/.test(l)).length, 3);
    const bad = runCli(['factor', 'train.base', '--method', 'als', '--trials', '3', '--out', 'x'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr.trim().split('\n').pop()!, /^lowrank: error: --trials applies only to --tune$/);
  });

  it('the gradient method says so when early stopping leaves it worse than the bias baseline', () => {
    const r = runCli(['factor', 'train.base', '--method', 'gradient', '--rank', '1', '--no-biases', '--epochs', '10', '--out', 'weak'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: the gradient model is not better than the bias baseline on its early-stopping split \(RMSE \d\.\d{4} vs \d\.\d{4}\)/);
    assert.match(r.stdout, /Early stopping: best epoch \d+ of \d+ on a 10% validation split/);
  });

  it('an ambiguous three-column integer table gets one line suggesting --format', () => {
    writeFileSync(join(dir, 'narrow.csv'), '1,2,5\n1,3,4\n2,2,1\n2,3,2\n');
    const r = runCli(['factor', 'narrow.csv', '--rank', '1', '--out', 'narrow'], dir);
    assert.equal(r.code, 0, r.stderr);
    const notes = r.stderr.split('\n').filter((l) => l.includes('--format ratings or --format dense'));
    assert.equal(notes.length, 1, r.stderr);
  });
});
