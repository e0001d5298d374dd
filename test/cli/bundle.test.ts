import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI, runCli, tempDir } from './run-cli.js';

// The bundled CLI (scripts/build-cli.mjs) as npm test builds it; from the sources there is none to check.
const fromSource = process.env.LOWRANK_TEST_FROM_SOURCE === '1';
const bin = (name: string): string => fileURLToPath(new URL(`../../dist/bin/${name}`, import.meta.url));

describe('the bundled CLI (dist/bin)', { skip: fromSource && 'LOWRANK_TEST_FROM_SOURCE=1 runs the sources, not the bundle' }, () => {
  it('is what package.json names as the bin, and answers --version from the package', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; bin: { lowrank: string } };
    assert.equal(fileURLToPath(new URL(`../../${pkg.bin.lowrank}`, import.meta.url)), CLI);
    for (const f of ['lowrank.js', 'cli-loader.js', 'cli.cjs', 'shared.cjs', 'cli.cache']) assert.ok(existsSync(bin(f)), f);
    const r = runCli(['--version'], tempDir());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${pkg.version}\n`);
  });

  it("compiles cli.cjs from its code cache on this Node (a stale or missing cache is only slower: this catches it)", async () => {
    const loader = (await import(pathToFileURL(bin('cli-loader.js')).href)) as { codeCacheUsed: boolean; run: unknown };
    assert.equal(typeof loader.run, 'function');
    assert.equal(loader.codeCacheUsed, true);
  });
});
