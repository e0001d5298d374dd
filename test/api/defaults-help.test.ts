/**
 * One source for every default: the numbers `--help` prints are the library's exported constants
 * (and the TSDoc of the options names them). The help is read as a user sees it (the CLI run in a
 * child process, lines re-joined where commander wrapped them), then compared with the constants.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AUTO_POWER_ITERS, DEFAULT_KRYLOV_OVERSAMPLE, DEFAULT_OVERSAMPLE } from '../../src/linalg/randomized-svd.js';
import { DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE, DEFAULT_MOMENTUM, DEFAULT_OPTIMIZER } from '../../src/methods/gradient.js';
import { AUTO_EXACT_MAX_SIDE } from '../../src/methods/auto.js';
import { DEFAULT_ALS_ITERATIONS } from '../../src/methods/als.js';
import { DEFAULT_BATCH_SIZE } from '../../src/methods/masked-gradient.js';
import { BPMF_DEFAULT_BURN_IN, BPMF_DEFAULT_SAMPLES } from '../../src/methods/bpmf.js';
import { IMPLICIT_DEFAULT_ITERATIONS, IMPLICIT_DEFAULT_REG } from '../../src/methods/implicit-als.js';
import { DEFAULT_RATINGS_REG } from '../../src/methods/fit-ratings.js';
import { SVDPP_DEFAULT_EPOCHS, SVDPP_DEFAULT_LR } from '../../src/methods/svdpp.js';
import { runCli, tempDir } from '../cli/run-cli.js';

const dir = tempDir('lowrank-help-');

/** The help of a command with commander's wrapping undone (one line per option). */
function help(command: string): string {
  const r = runCli([command, '--help'], dir);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.replace(/\n {10,}/g, ' ');
}

/** The option's help line. */
function line(text: string, flag: string): string {
  const found = text.split('\n').find((l) => l.trimStart().startsWith(flag));
  assert.ok(found, `${flag} is in the help`);
  return found;
}

const numbers = (s: string): number[] => (s.match(/\d+(\.\d+)?/g) ?? []).map(Number);

describe('--help states the defaults from the exported constants', () => {
  const factor = help('factor');
  const demo = help('demo');

  it('factor --oversample: block Krylov and subspace iteration oversampling', () => {
    const l = line(factor, '--oversample');
    assert.match(l, new RegExp(`default ${DEFAULT_KRYLOV_OVERSAMPLE} for block Krylov, ${DEFAULT_OVERSAMPLE} for subspace iteration`));
  });

  it('factor --power-iters: the auto iteration counts and the small-rank threshold', () => {
    const l = line(factor, '--power-iters');
    const k = AUTO_POWER_ITERS.krylov;
    const s = AUTO_POWER_ITERS.subspace;
    assert.match(l, new RegExp(`block Krylov ${k.small} when k < ${AUTO_POWER_ITERS.smallRankFraction}·min\\(n, m\\), else ${k.other}; subspace iteration ${s.small}, else ${s.other}`));
  });

  it('factor and demo: optimizer, epochs, learning rates, momentum', () => {
    for (const text of [factor, demo]) {
      assert.match(line(text, '--optimizer'), new RegExp(`\\(default: "${DEFAULT_OPTIMIZER}"\\)`));
      assert.deepEqual(numbers(line(text, '--epochs').split('default')[1]), [DEFAULT_EPOCHS]);
      const lr = line(text, '--lr');
      for (const opt of ['adam', 'sgd', 'scaled'] as const) assert.match(lr, new RegExp(`${DEFAULT_LEARNING_RATE[opt]} ${opt}`));
    }
    assert.deepEqual(numbers(line(factor, '--momentum').split('(default:')[1]), [DEFAULT_MOMENTUM]);
    assert.match(line(factor, '--epochs'), new RegExp(`svdpp on ratings: ${SVDPP_DEFAULT_EPOCHS} unless given`));
    assert.match(line(factor, '--lr'), new RegExp(`svdpp on ratings ${SVDPP_DEFAULT_LR}`));
  });

  it('factor, with holes: ALS and implicit sweeps and λ, batch sizes, BPMF samples and burn-in', () => {
    assert.deepEqual(numbers(line(factor, '--sweeps').split('default')[1]), [DEFAULT_ALS_ITERATIONS, IMPLICIT_DEFAULT_ITERATIONS]);
    assert.match(line(factor, '--reg'), new RegExp(`default ${DEFAULT_RATINGS_REG.svdpp} svdpp, ${DEFAULT_RATINGS_REG.als} als, ${DEFAULT_RATINGS_REG.gradient} gradient on ratings, 0\\.02 on dense input, ${IMPLICIT_DEFAULT_REG} --implicit`));
    assert.match(line(factor, '--batch-size'), new RegExp(`default ${DEFAULT_BATCH_SIZE.adam} adam, ${DEFAULT_BATCH_SIZE.sgd} sgd`));
    assert.deepEqual(numbers(line(factor, '--samples').split('default')[1]), [BPMF_DEFAULT_SAMPLES]);
    assert.deepEqual(numbers(line(factor, '--burn-in').split('default')[1]), [BPMF_DEFAULT_BURN_IN]);
  });

  it('factor --method: the auto rule\'s size limit', () => {
    assert.match(line(factor, '--method'), new RegExp(`min\\(n, m\\) ≤ ${AUTO_EXACT_MAX_SIDE}`));
  });

  it('the options\' TSDoc names the constants instead of restating numbers that could drift', () => {
    const randomized = readFileSync(new URL('../../src/methods/randomized.ts', import.meta.url), 'utf8');
    assert.match(randomized, /DEFAULT_KRYLOV_OVERSAMPLE` = 2/);
    assert.match(randomized, /DEFAULT_OVERSAMPLE` = 10/);
    assert.doesNotMatch(randomized, /default 10: Halko/, 'the old, wrong statement of the default');
    assert.equal(DEFAULT_KRYLOV_OVERSAMPLE, 2);
    assert.equal(DEFAULT_OVERSAMPLE, 10);
    const gradient = readFileSync(new URL('../../src/methods/gradient.ts', import.meta.url), 'utf8');
    for (const name of ['DEFAULT_EPOCHS', 'DEFAULT_LEARNING_RATE', 'DEFAULT_MOMENTUM', 'DEFAULT_OPTIMIZER']) {
      assert.match(gradient, new RegExp(`\\{@link ${name}\\}`), `GradientOptions documents ${name}`);
    }
  });
});
