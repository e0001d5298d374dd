import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Matrix } from '../../src/core/matrix.js';
import { writeNpy } from '../../src/io/npy.js';
import { runCli, tempDir } from './run-cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/npy/', import.meta.url));

/** A small valid 6×4 matrix file in a fresh directory. */
function workspace(): string {
  const dir = tempDir();
  const a = Matrix.zeros(6, 4);
  for (let i = 0; i < a.data.length; i++) a.data[i] = Math.sin(i + 1);
  writeFileSync(join(dir, 'good.npy'), writeNpy(a));
  return dir;
}

/** Asserts exit code 2, one line on stderr matching `pattern`, and no output directory contents. */
function expectInputError(args: string[], pattern: RegExp, setup?: (dir: string) => void): void {
  const dir = workspace();
  setup?.(dir);
  const r = runCli([...args, '--out', join(dir, 'out')], dir);
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.code}\nstderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
  const out = join(dir, 'out');
  assert.ok(!existsSync(out) || readdirSync(out).length === 0, `files written in ${out}: ${existsSync(out) ? readdirSync(out).join(', ') : ''}`);
  assert.equal(r.stdout.includes('Wrote'), false);
}

function fixture(name: string): (dir: string) => void {
  return (dir) => copyFileSync(join(FIXTURES, name), join(dir, name));
}

describe('bad input: one line, exit code 2, nothing written', () => {
  it('missing file', () => expectInputError(['factor', 'nope.npy', '--rank', '2'], /cannot read 'nope\.npy'/));
  it('not an .npy (bad magic)', () => expectInputError(['factor', 'bad_magic.npy', '--rank', '2'], /bad_magic\.npy.*magic/i, fixture('bad_magic.npy')));
  it('truncated data', () => expectInputError(['factor', 'truncated.npy', '--rank', '1'], /truncated\.npy.*(truncated|bytes)/i, fixture('truncated.npy')));
  it('header shape disagrees with the data', () => expectInputError(['factor', 'extra_bytes.npy', '--rank', '1'], /extra_bytes\.npy/, fixture('extra_bytes.npy')));
  it('object dtype is refused (pickle never run)', () => expectInputError(['factor', 'object.npy', '--rank', '1'], /object\.npy.*pickle/i, fixture('object.npy')));
  it('3-D array', () => expectInputError(['factor', 'three_d.npy', '--rank', '1'], /three_d\.npy.*1-D or 2-D.*\(\d+, \d+, \d+\)/, fixture('three_d.npy')));
  it('NaN in the input', () =>
    expectInputError(['factor', 'nan.csv', '--rank', '1'], /nan\.csv.*NaN.*row 1, column 0/, (dir) => writeFileSync(join(dir, 'nan.csv'), '1,2\nnan,4\n5,6\n')));
  it('Inf in the input', () =>
    expectInputError(['factor', 'inf.npy', '--rank', '1'], /inf\.npy.*Inf/, (dir) => writeFileSync(join(dir, 'inf.npy'), writeNpy(Matrix.fromRows([[1, 2], [3, Infinity]])))));
  for (const method of ['svd', 'randomized', 'auto']) {
    it(`NaN in an .npy names the file (--method ${method}, checked by the method)`, () =>
      expectInputError(['factor', 'nan.npy', '--rank', '1', '--method', method], /error: nan\.npy holds NaN at row 2, column 1/, (dir) =>
        writeFileSync(join(dir, 'nan.npy'), writeNpy(Matrix.fromRows([[1, 2], [3, 4], [5, NaN]])))));
  }
  it('ragged CSV names the line', () =>
    expectInputError(['factor', 'ragged.csv', '--rank', '1'], /ragged\.csv.*line 3.*3 fields.*expected 2/, (dir) => writeFileSync(join(dir, 'ragged.csv'), '1,2\n3,4\n5,6,7\n')));
  it('non-numeric CSV names line and column', () =>
    expectInputError(['factor', 'text.csv', '--rank', '1'], /text\.csv.*line 2.*column 2.*'abc'/, (dir) => writeFileSync(join(dir, 'text.csv'), '1,2\n3,abc\n5,6\n')));
  it('rank 0', () => expectInputError(['factor', 'good.npy', '--rank', '0'], /rank must be an integer in \[1, 4\].*got 0/));
  it('rank > min(n, m)', () => expectInputError(['factor', 'good.npy', '--rank', '5'], /rank must be an integer in \[1, 4\].*got 5/));
  it('negative learning rate', () => expectInputError(['factor', 'good.npy', '--rank', '2', '--method', 'gradient', '--lr', '-0.1'], /--lr must be a finite number > 0, got -0\.1/));
  it('NaN learning rate', () => expectInputError(['factor', 'good.npy', '--rank', '2', '--method', 'gradient', '--lr', 'nan'], /--lr must be a finite number/));
  it('demo with rank above min(n, m)', () => expectInputError(['demo', '--rank', '60'], /rank must be an integer in \[1, 50\]/));
  it('an --out that cannot be written', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'file'), 'x');
    const r = runCli(['factor', 'good.npy', '--rank', '2', '--out', join(dir, 'file', 'sub')], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /cannot write to --out/);
  });
  it('unknown option is a usage error', () => {
    const r = runCli(['factor', 'good.npy', '--rank', '2', '--bogus'], workspace());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option/);
  });
  it("commander's suggestion stays on the error's one line, without a literal \\n", () => {
    for (const args of [['facotr'], ['factor', 'good.npy', '--rnk', '2']]) {
      const r = runCli(args, workspace());
      assert.equal(r.code, 2);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /\(Did you mean (factor|--rank)\?\)$/m);
      assert.doesNotMatch(r.stderr, /\\n/);
    }
  });
  it('divergence is a runtime failure (exit 1) suggesting a lower learning rate, no factors written', () => {
    const dir = workspace();
    const r = runCli(['factor', 'good.npy', '--rank', '2', '--method', 'gradient', '--optimizer', 'sgd', '--lr', '1e6', '--momentum', '0.9', '--quiet', '--out', join(dir, 'out')], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /diverged.*lower learning rate/);
    assert.ok(!existsSync(join(dir, 'out', 'U.npy')));
  });
});
