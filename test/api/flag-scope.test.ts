/**
 * Flags that do not apply are errors naming the flag (exit 2, nothing written), through the one
 * mechanism of src/cli/options.ts (`rejectInapplicableFlags`) that every command uses; the same
 * flags where they apply run normally (so the check cannot pass by refusing everything).
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { writeNpy } from '../../src/io/npy.js';
import { flagLabel, rejectInapplicableFlags } from '../../src/cli/options.js';
import { runCli, tempDir } from '../cli/run-cli.js';

const dir = tempDir('lowrank-flags-');
const a = Matrix.zeros(12, 8);
for (let i = 0; i < a.data.length; i++) a.data[i] = Math.sin(i * 0.7) + (i % 5);
writeFileSync(join(dir, 'a.npy'), writeNpy(a));
writeFileSync(join(dir, 'r.csv'), 'user,item,rating\n1,1,5\n1,2,3\n2,1,4\n2,3,2\n3,2,1\n3,3,4\n');
// 40 users × 30 items, every other pair rated: enough for --compare's default ranks (at most 20).
const many = ['user,item,rating'];
for (let u = 0; u < 40; u++) for (let i = (u % 2); i < 30; i += 2) many.push(`${u},${i},${1 + ((u * 7 + i * 3) % 5)}`);
writeFileSync(join(dir, 'r40.csv'), `${many.join('\n')}\n`);

/** Runs `factor` and expects exit 2 naming `flag` and nothing written. */
function refused(args: string[], flag: string, context: RegExp): void {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const r = runCli([...args, '--out', out, '--quiet'], dir);
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^lowrank: error: ${flag} applies only to `));
  assert.match(r.stderr, context);
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  assert.equal(existsSync(out), false, 'nothing written');
}

describe('factor: inapplicable flags are errors naming the flag', () => {
  it('--epochs with --method svd', () => refused(['factor', 'a.npy', '--rank', '2', '--method', 'svd', '--epochs', '5'], '--epochs', /--method gradient/));
  it('--lr with --method randomized', () => refused(['factor', 'a.npy', '--rank', '2', '--method', 'randomized', '--lr', '0.1'], '--lr', /--method gradient/));
  it('--no-krylov with --method svd', () => refused(['factor', 'a.npy', '--rank', '2', '--method', 'svd', '--no-krylov'], '--no-krylov', /--method randomized or auto/));
  it('--oversample with --method gradient', () => refused(['factor', 'a.npy', '--rank', '2', '--method', 'gradient', '--oversample', '3'], '--oversample', /randomized/));
  it('--momentum with adam', () => refused(['factor', 'a.npy', '--rank', '2', '--method', 'gradient', '--momentum', '0.5'], '--momentum', /--optimizer sgd/));
  it('--png with ratings', () => refused(['factor', 'r.csv', '--format', 'ratings', '--rank', '2', '--png'], '--png', /complete matrices/));
  it('--sweeps with a complete matrix', () => refused(['factor', 'a.npy', '--rank', '2', '--sweeps', '3'], '--sweeps', /ratings or missing entries/));
  it('--max-pixels with a .npy input', () => refused(['factor', 'a.npy', '--rank', '2', '--max-pixels', '100'], '--max-pixels', /image input/));

  it('the same flags where they apply run (exit 0)', () => {
    for (const args of [
      ['--method', 'gradient', '--epochs', '5', '--lr', '0.01'],
      ['--method', 'gradient', '--optimizer', 'sgd', '--momentum', '0.5', '--epochs', '3'],
      ['--method', 'randomized', '--oversample', '3', '--no-krylov'],
    ]) {
      const r = runCli(['factor', 'a.npy', '--rank', '2', '--quiet', '--out', join(dir, 'ok'), ...args], dir);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});

describe('factor on ratings: each model refuses the flags it does not read, naming the flag, the methods that read it and this run\'s', () => {
  const r = ['factor', 'r.csv', '--format', 'ratings', '--rank', '2'];
  it('--epochs with the default bpmf', () => refused([...r, '--epochs', '5'], '--epochs', /--method svdpp or gradient \(this run: --method bpmf\)$/m));
  it('--sweeps with svdpp', () => refused([...r, '--method', 'svdpp', '--sweeps', '3'], '--sweeps', /--method als, or --implicit \(this run: --method svdpp\)/));
  it('--samples with als', () => refused([...r, '--method', 'als', '--samples', '3'], '--samples', /--method bpmf \(this run: --method als\)/));
  it('--batch-size with svdpp', () => refused([...r, '--method', 'svdpp', '--batch-size', '4'], '--batch-size', /--method gradient \(this run: --method svdpp\)/));
  it('--alpha with gradient', () => refused([...r, '--method', 'gradient', '--alpha', '2'], '--alpha', /--method bpmf, or --implicit/));
  it('--no-biases with bpmf (it models r − μ with the baseline\'s biases either way)', () => refused([...r, '--no-biases'], '--no-biases', /--method als or gradient/));
  it('--lr with --implicit', () => refused([...r, '--implicit', '--lr', '0.1'], '--lr', /this run: --implicit/));
  it('--momentum with gradient on adam', () => refused([...r, '--method', 'gradient', '--momentum', '0.5'], '--momentum', /--optimizer sgd/));
  it('--reg with bpmf', () => refused([...r, '--method', 'bpmf', '--reg', '0.1'], '--reg', /--method svdpp or als or gradient, or --implicit/));

  it('the same flags with the methods that read them run (exit 0), --compare accepting those of any compared method', () => {
    for (const args of [
      ['--method', 'als', '--sweeps', '2', '--reg', '0.1', '--no-biases'],
      ['--method', 'svdpp', '--epochs', '2', '--lr', '0.01', '--reg', '0.05'],
      ['--method', 'bpmf', '--samples', '3', '--burn-in', '1', '--alpha', '2'],
      ['--method', 'gradient', '--optimizer', 'sgd', '--momentum', '0.5', '--epochs', '2', '--batch-size', '4'],
      ['--implicit', '--alpha', '1', '--sweeps', '2', '--test-fraction', '0.3'],
      ['--compare', '--test-fraction', '0.3', '--sweeps', '2', '--samples', '3', '--burn-in', '1', '--epochs', '2'],
    ]) {
      const input = args[0] === '--compare' ? ['factor', 'r40.csv', '--format', 'ratings'] : r;
      // --compare writes no model: --out is refused there (test/cli/flag-scopes.test.ts).
      const outDir = args[0] === '--compare' ? [] : ['--out', join(dir, `ok-${Math.random().toString(36).slice(2)}`)];
      const out = runCli([...input, '--quiet', ...outDir, ...args], dir);
      assert.equal(out.code, 0, `${args.join(' ')}: ${out.stderr}`);
    }
  });
});

describe('the mechanism', () => {
  function parse(argv: string[]): Command {
    const cmd = new Command().exitOverride()
      .option('--epochs <n>', 'epochs', '500')
      .option('--krylov', 'krylov')
      .option('--no-krylov', 'no krylov')
      .option('--loss-tol <t>', 'loss tol');
    cmd.parse(argv, { from: 'user' });
    return cmd;
  }

  it('only flags the user gave count, not defaults; the label is what was typed', () => {
    const scopes = [{ flags: ['epochs', 'krylov', 'lossTol'], applies: false, context: 'X' }];
    rejectInapplicableFlags(parse([]), scopes);
    for (const [argv, label] of [[['--epochs', '3'], '--epochs'], [['--no-krylov'], '--no-krylov'], [['--krylov'], '--krylov'], [['--loss-tol', '1'], '--loss-tol']] as const) {
      const cmd = parse([...argv]);
      assert.throws(() => rejectInapplicableFlags(cmd, scopes), (err: unknown) => err instanceof LowRankError && err.code === 'E_ARG' && err.message === `${label} applies only to X`);
      assert.equal(flagLabel(cmd, argv[0].replace(/^--(no-)?/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase())), label);
    }
    rejectInapplicableFlags(parse(['--epochs', '3']), [{ flags: ['epochs'], applies: true, context: 'X' }]);
  });

  it('other commands use it: image --quality without a .jpg output, predict --strict without --pairs, reconstruct --format to a file', () => {
    const cases: Array<[string[], string]> = [
      [['image', 'x.png', '--rank', '2', '--quality', '50'], '--quality'],
      [['image', 'x.png', '--rank', '2', '--chroma-rank', '1'], '--chroma-rank'],
      [['predict', 'model', '--user', '1', '--item', '1', '--strict'], '--strict'],
      [['reconstruct', 'U.npy', 'V.npy', '--out', 'x.npy', '--format', 'csv'], '--format'],
    ];
    for (const [args, flag] of cases) {
      const r = runCli(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^lowrank: error: ${flag} applies only to `), args.join(' '));
    }
  });
});
