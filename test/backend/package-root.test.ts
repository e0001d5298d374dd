import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadNative } from '../../src/backend/native/load.js';
import { packageRoot } from '../../src/backend/native/package-root.js';
import { defaultWebRoot } from '../../src/cli/playground.js';
import { packageVersion } from '../../src/cli/version.js';

// The repository root, from this file's own place (test/backend/): what packageRoot must find from src/.
const REPO = fileURLToPath(new URL('../../', import.meta.url)).replace(/[\\/]$/, '');

describe('packageRoot: one lookup of the package files', () => {
  it('is the folder of lowrank\'s package.json, and the version, playground and addon paths hang off it', () => {
    assert.equal(packageRoot(), REPO);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
    assert.equal(pkg.name, 'lowrank');
    assert.equal(packageVersion(), pkg.version);
    assert.equal(defaultWebRoot(), join(REPO, 'dist', 'web'));
    assert.ok(loadNative().path.startsWith(join(REPO, '')), loadNative().path);
  });
});
