import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli, tempDir } from './run-cli.js';

describe('ratings bad input: one line, exit code 2, nothing written', () => {
  const dir = tempDir();
  const good = 'user,item,rating\n1,10,4\n1,11,3\n2,10,5\n2,12,1\n3,11,2\n3,12,4\n';

  before(() => {
    writeFileSync(join(dir, 'good.csv'), good);
    writeFileSync(join(dir, 'dup.csv'), good + '1,10,2\n');
    writeFileSync(join(dir, 'text.csv'), 'user,item,rating\n1,10,4\n1,11,three\n');
    writeFileSync(join(dir, 'empty.csv'), '');
    const r = runCli(['factor', 'good.csv', '--format', 'ratings', '--rank', '1', '--out', 'model', '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
  });

  function expectInputError(args: string[], pattern: RegExp): void {
    const out = join(dir, 'never');
    const r = runCli(args, dir);
    assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.code}\nstderr: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
    assert.match(lines[0], pattern);
    assert.ok(!existsSync(out) || readdirSync(out).length === 0);
  }
  const factor = (file: string, ...more: string[]) => ['factor', file, '--format', 'ratings', '--rank', '1', '--out', 'never', ...more];

  it('a duplicate (user, item) names both lines', () => expectInputError(factor('dup.csv'), /dup\.csv line 8: duplicate rating for user '1' and item '10' \(first on line 2\); use --duplicates mean or last/));
  it('--duplicates mean merges them instead', () => {
    const r = runCli([...factor('dup.csv', '--duplicates', 'mean', '--json')].map((x) => (x === 'never' ? 'merged' : x)), dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).duplicatesMerged, 1);
  });
  it('a non-numeric rating names line and column', () => expectInputError(factor('text.csv'), /text\.csv line 3, column 3: 'three' is not a number \(rating\)/));
  it('an empty file', () => expectInputError(factor('empty.csv'), /empty\.csv: no ratings \(empty input\)/));
  it('a missing file', () => expectInputError(factor('nope.csv'), /cannot read 'nope\.csv': no such file/));
  it('--method svd needs every entry', () => expectInputError(factor('good.csv', '--method', 'svd'), /--method svd needs every entry.*bpmf, svdpp, als or gradient/));
  it('--test and --test-fraction together', () => expectInputError(factor('good.csv', '--test', 'good.csv', '--test-fraction', '0.2'), /--test FILE and --test-fraction both choose the held-out ratings/));
  it('--folds below 2', () => expectInputError(factor('good.csv', '--folds', '1'), /--folds/));
  it('--test-fraction outside [0, 1)', () => expectInputError(factor('good.csv', '--test-fraction', '1.5'), /--test-fraction must be in \[0, 1\), got 1\.5/));
  it('--missing with --format ratings', () => expectInputError(factor('good.csv', '--missing', 'nan'), /--missing and --mask are for dense inputs/));
  it('rank above the smaller side', () => expectInputError(factor('good.csv').map((x) => (x === '1' ? '4' : x)), /rank must be an integer in \[1, 3\]/));
  it('a rank chosen from singular values (--energy) needs a complete matrix', () =>
    expectInputError(['factor', 'good.csv', '--format', 'ratings', '--energy', '0.9', '--out', 'never'], /--energy chooses a rank from the singular values of a complete matrix; with missing entries give --rank K/));
  it('NaN in a dense input without --missing points to it', () => {
    writeFileSync(join(dir, 'nan.csv'), '1,2\nnan,4\n');
    expectInputError(['factor', 'nan.csv', '--rank', '1', '--method', 'als', '--out', 'never'], /nan\.csv holds NaN at row 1, column 0 \(use --missing nan/);
  });
  it('predict: unknown user, with the fold-in hint', () => expectInputError(['predict', 'model', '--user', '99', '--item', '10'], /unknown user '99': not among the model's 3 users \(fold them in with --fold-in/));
  it('predict: unknown item', () => expectInputError(['predict', 'model', '--user', '1', '--item', 'x'], /unknown item 'x': not among the model's 3 items/));
  it('predict --strict: an unknown user in a pairs file names the line', () => {
    writeFileSync(join(dir, 'pairs.csv'), '1,10\n7,10\n');
    expectInputError(['predict', 'model', '--pairs', 'pairs.csv', '--strict'], /pairs\.csv line 2: unknown user '7'/);
  });
  it('predict: fold-in ratings of an unknown item name the line', () => {
    writeFileSync(join(dir, 'new.csv'), 'new,10,5\nnew,99,1\n');
    expectInputError(['predict', 'model', '--fold-in', 'new.csv', '--item', '10'], /new\.csv line 2: unknown item '99'/);
  });
  it('predict: not a model directory', () => expectInputError(['predict', '.', '--user', '1', '--item', '10'], /cannot read '.*model\.json': no such file.*not a model directory/));
  it('predict: nothing to predict', () => expectInputError(['predict', 'model'], /give --user U --item I, or --pairs FILE/));
});
