/**
 * `lowrank factor RATINGS --method als` and `--implicit` write the same model files, byte for byte,
 * on every kernel tier: the native and WebAssembly ALS kernels compute each row by the TypeScript
 * loop's operations in its order (native/src/row-kernels.h), so a model does not depend on where it
 * was trained. Tiers that cannot run here are skipped.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadNative } from '../../src/backend/native/index.js';
import { generateRatings, ratingsCsv } from '../fixtures/generate-ratings.js';
import { runCli, tempDir } from './run-cli.js';

const native = loadNative();
const tiers: Array<{ name: string; skip: string | false }> = [
  { name: 'native', skip: native.backend ? false : `native addon unavailable: ${native.reason}` },
  { name: 'wasm', skip: false },
];

describe('ratings models are the same bytes on every kernel tier', () => {
  const dir = tempDir();
  const files = ['U.npy', 'V.npy'];

  before(() => {
    const g = generateRatings({ users: 300, items: 200, ratings: 9000, seed: 4 });
    writeFileSync(join(dir, 'r.csv'), ratingsCsv(g));
  });

  const modes: Array<{ name: string; args: string[]; extra: string[] }> = [
    { name: 'ALS with biases', args: ['--method', 'als', '--rank', '6', '--sweeps', '3'], extra: ['user_bias.npy', 'item_bias.npy'] },
    { name: 'implicit ALS', args: ['--implicit', '--rank', '8', '--sweeps', '3'], extra: [] },
  ];
  for (const mode of modes) {
    for (const tier of tiers) {
      it(`${mode.name}: --backend ${tier.name} writes the TypeScript tier's bytes`, { skip: tier.skip }, () => {
        const modelBytesOn = (backend: string): string => {
          const out = `${mode.name.replace(/\W+/g, '-')}-${backend}`;
          const r = runCli(['factor', 'r.csv', '--format', 'ratings', ...mode.args, '--test-fraction', '0.2', '--seed', '2', '--backend', backend, '--out', out], dir);
          assert.equal(r.code, 0, r.stderr);
          return join(dir, out);
        };
        const js = modelBytesOn('js');
        const other = modelBytesOn(tier.name);
        for (const f of [...files, ...mode.extra]) {
          assert.ok(readFileSync(join(other, f)).equals(readFileSync(join(js, f))), `${f} differs between --backend ${tier.name} and js`);
        }
      });
    }
  }
});
