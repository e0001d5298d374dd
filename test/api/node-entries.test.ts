/**
 * Under Node every entry that runs kernels resolves the default backend from the environment
 * (the `node` export condition: native when its addon loads), whichever entry is imported first;
 * without that condition (browsers) the same module keeps the browser choice. Each case runs in
 * a fresh process so that no other import has installed the Node default before.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadNative } from '../../src/backend/native/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const native = loadNative().backend;

/** The tier `getBackend()` picks after importing `entry` (a path under src/) first, in a fresh process. */
function tierAfter(entry: string, env: NodeJS.ProcessEnv = {}): string {
  const script = `await import(${JSON.stringify(`${ROOT}src/${entry}`)}); const { getBackend } = await import(${JSON.stringify(`${ROOT}src/backend/select.ts`)}); console.log(getBackend().name);`;
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOWRANK_BACKEND: '', ...env }, timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('Node builds of the entries', () => {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { exports: Record<string, Record<string, string>> };

  it('package.json: the entries that run kernels have a node condition pointing at their .node build', () => {
    for (const sub of ['.', './linalg', './methods', './ratings', './weights', './backend']) {
      const name = sub === '.' ? 'index' : sub.slice(2);
      assert.equal(pkg.exports[sub].node, `./dist/${name}.node.js`, sub);
      assert.equal(pkg.exports[sub].import, `./dist/${name}.js`, sub);
    }
  });

  for (const entry of ['index.node.ts', 'linalg.node.ts', 'methods.node.ts', 'ratings.node.ts', 'weights.node.ts', 'backend.node.ts', 'node.ts']) {
    it(`${entry}: the default tier is native when the addon loads`, { skip: native === null && 'the native addon does not load here' }, () => {
      assert.equal(tierAfter(entry), 'native');
      assert.equal(tierAfter(entry, { LOWRANK_BACKEND: 'js' }), 'js', 'LOWRANK_BACKEND decides');
    });
  }

  it('the browser build of an entry does not install the Node default (negative control)', () => {
    assert.notEqual(tierAfter('linalg.ts'), 'native');
  });
});
