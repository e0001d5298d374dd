import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commandIndex } from '../../src/cli/argv.js';
import { prefetchCommandInput, prefetchFile, takePrefetched } from '../../src/cli/prefetch.js';
import { Matrix } from '../../src/core/matrix.js';
import { writeNpy } from '../../src/io/npy.js';
import { runCli, tempDir } from './run-cli.js';

/** The path prefetchCommandInput started for `argv` (relative to `dir`), or null: taken back through takePrefetched. */
async function prefetched(argv: string[], candidates: string[]): Promise<string | null> {
  prefetchCommandInput(argv, commandIndex(argv));
  let found: string | null = null;
  for (const c of candidates) if ((await takePrefetched(c)) !== null) found = c;
  return found;
}

describe('reading a factor input ahead (prefetch)', () => {
  const dir = tempDir();
  const a = join(dir, 'a.npy');
  const b = join(dir, 'b.npy');
  const m = Matrix.fromRows([[1, 2, 3], [4, 5, 6]]);
  writeFileSync(a, writeNpy(m));
  writeFileSync(b, writeNpy(m));

  it('gives the file bytes, once; the usual read follows', async () => {
    prefetchFile(a);
    const bytes = await takePrefetched(a);
    assert.ok(bytes);
    assert.deepEqual(Buffer.from(bytes), readFileSync(a));
    assert.equal(await takePrefetched(a), null);
  });

  it('gives null for what it cannot read (missing, a folder, another extension), never a rejection', async () => {
    const folder = join(dir, 'folder.npy');
    mkdirSync(folder);
    const csv = join(dir, 'c.csv');
    writeFileSync(csv, '1,2\n3,4\n');
    for (const p of [join(dir, 'missing.npy'), folder, csv]) {
      prefetchFile(p);
      assert.equal(await takePrefetched(p), null, p);
    }
  });

  it('starts the first argument after factor that is not an option or an option value', async () => {
    const both = [a, b];
    assert.equal(await prefetched(['factor', a, '--rank', '5'], both), a);
    assert.equal(await prefetched(['--threads', '1', 'factor', '--rank', '5', b], both), b);
    assert.equal(await prefetched(['--backend', 'native', 'factor', a, b], both), a);
    // After a flag it may be the flag's value: not guessed.
    assert.equal(await prefetched(['factor', '--quiet', a], both), null);
    assert.equal(await prefetched(['factor', '--', a], both), null);
    // Other commands and stdin: nothing.
    assert.equal(await prefetched(['spectrum', a], both), null);
    assert.equal(await prefetched(['factor', '-', '--rank', '1'], both), null);
    // Streamed (--memory) or handed to workers (--cluster): never read whole.
    assert.equal(await prefetched(['factor', a, '--rank', '5', '--memory', '1GiB'], both), null);
    assert.equal(await prefetched(['factor', b, '--memory=1GiB'], both), null);
    assert.equal(await prefetched(['factor', a, '--cluster', 'redis://127.0.0.1:1'], both), null);
    // The other out-of-core runs: --block-rows and the single pass.
    assert.equal(await prefetched(['factor', a, '--rank', '5', '--block-rows', '100'], both), null);
    assert.equal(await prefetched(['factor', a, '--rank', '5', '--passes', '1'], both), null);
    assert.equal(await prefetched(['factor', b, '--passes=1'], both), null);
    assert.equal(await prefetched(['factor', a, '--passes', '4'], both), a); // in memory: read ahead
  });

  it('factor of a .npy read ahead gives the same factors as one read after the flags', () => {
    const out1 = join(dir, 'o1');
    const out2 = join(dir, 'o2');
    const r1 = runCli(['factor', 'a.npy', '--rank', '1', '--method', 'svd', '--out', out1, '--quiet'], dir);
    const r2 = runCli(['factor', '--quiet', 'a.npy', '--rank', '1', '--method', 'svd', '--out', out2], dir);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(r2.code, 0, r2.stderr);
    for (const f of ['U.npy', 'V.npy', 'S.npy']) assert.deepEqual(readFileSync(join(out1, f)), readFileSync(join(out2, f)), f);
  });
});
