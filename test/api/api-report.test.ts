/**
 * The public surface is deliberate: the committed API report (api/lowrank.api.md) must equal the
 * one generated from the sources by scripts/api-report.mjs. A change to any export of any package
 * entry fails here until `npm run api` regenerates the report (and the diff is reviewed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
// @ts-expect-error — a plain ES module script without type declarations.
import { REPORT_PATH, buildApiReport, packageEntries } from '../../scripts/api-report.mjs';

describe('public API report', () => {
  it('every package.json export names an entry file, and the root entry stays small', () => {
    const entries = packageEntries() as Array<{ name: string; file: string }>;
    assert.deepEqual(entries.map((e) => e.name), [
      'lowrank', 'lowrank/linalg', 'lowrank/methods', 'lowrank/ratings', 'lowrank/io', 'lowrank/viz', 'lowrank/weights', 'lowrank/backend', 'lowrank/node',
    ]);
    for (const e of entries) assert.ok(readFileSync(e.file, 'utf8').length > 0, e.file);
  });

  it('api/lowrank.api.md matches the sources (run `npm run api` after a deliberate change)', () => {
    const generated = buildApiReport() as string;
    const committed = readFileSync(REPORT_PATH as string, 'utf8');
    if (generated !== committed) {
      const was = new Set(committed.split('\n'));
      const now = new Set(generated.split('\n'));
      const removed = committed.split('\n').filter((l) => !now.has(l));
      const added = generated.split('\n').filter((l) => !was.has(l));
      assert.fail(`the public API changed without regenerating the report:\n${removed.map((l) => `- ${l}`).join('\n')}\n${added.map((l) => `+ ${l}`).join('\n')}`);
    }
  });

  it('the root entry exports the high-level calls and not the tuning internals', () => {
    const root = (buildApiReport() as string).split('## `lowrank/linalg`')[0];
    for (const name of ['factorize', 'svd', 'randomizedSvd', 'spectrum', 'approximationErrors', 'optimalFrobeniusError', 'class Matrix']) {
      assert.match(root, new RegExp(`\\b${name}\\b`), name);
    }
    for (const internal of ['useKrylov', 'luNormalize', 'forEachProductBlock', 'autoPowerIters', 'normalizePanel']) {
      assert.doesNotMatch(root, new RegExp(`\\b${internal}\\b`), `${internal} is a tuning internal: it belongs in lowrank/linalg`);
    }
  });
});
