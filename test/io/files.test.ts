import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Matrix } from '../../src/core/matrix.js';
import { readMatrixFile, writeFileAtomic, writeFilesAtomic } from '../../src/io/files.js';
import { writeNpy } from '../../src/io/npy.js';
import { assertLowRankRejects } from '../helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/npy/', import.meta.url));


let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lowrank-io-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readMatrixFile', () => {
  test('.npy fixtures (float32 stays float32)', async () => {
    const a = await readMatrixFile(join(FIXTURES, 'f4_fortran.npy'));
    assert.deepEqual(a.shape, [3, 5]);
    assert.equal(a.dtype, 'float32');
    const b = await readMatrixFile(join(FIXTURES, 'i8.npy'));
    assert.equal(b.dtype, 'float64');
  });

  test('.csv, .tsv and .txt by extension (case-insensitive)', async () => {
    await writeFile(join(dir, 'a.csv'), 'x,y\n1,2\n3,4\n');
    await writeFile(join(dir, 'a.TSV'), '1\t2\n3\t4\n');
    await writeFile(join(dir, 'a.txt'), '# whitespace\n1 2\n3 4\n');
    await writeFile(join(dir, 'b.txt'), '1,2\n3,4\n');
    for (const name of ['a.csv', 'a.TSV', 'a.txt', 'b.txt']) {
      assert.deepEqual((await readMatrixFile(join(dir, name))).toRows(), [[1, 2], [3, 4]], name);
    }
  });

  test('.npy round trip through writeFileAtomic', async () => {
    const m = Matrix.fromRows([[1.5, -2], [3, 4e-300]]);
    await writeFileAtomic(join(dir, 'm.npy'), writeNpy(m));
    assert.deepEqual((await readMatrixFile(join(dir, 'm.npy'))).toRows(), m.toRows());
  });

  test('parse errors name the path', async () => {
    await writeFile(join(dir, 'bad.csv'), '1,2\n3\n');
    await assertLowRankRejects(readMatrixFile(join(dir, 'bad.csv')), 'E_FORMAT', `${join(dir, 'bad.csv')} line 2 has 1 field, expected 2`);
    await assertLowRankRejects(readMatrixFile(join(FIXTURES, 'object.npy')), 'E_UNSUPPORTED', 'object.npy', 'never executed');
  });

  test('a missing file is E_IO "no such file"', async () => {
    await assertLowRankRejects(readMatrixFile('x.npy'), 'E_IO', "cannot read 'x.npy': no such file");
  });

  test('a directory is E_IO', async () => {
    await mkdir(join(dir, 'd.csv'));
    await assertLowRankRejects(readMatrixFile(join(dir, 'd.csv')), 'E_IO', `cannot read '${join(dir, 'd.csv')}': is a directory`);
  });

  test('an unknown extension is refused naming it', async () => {
    await writeFile(join(dir, 'weights.bin'), 'x');
    await assertLowRankRejects(readMatrixFile(join(dir, 'weights.bin')), 'E_UNSUPPORTED', 'weights.bin', "'.bin'");
  });
});

describe('atomic writes', () => {
  test('writeFileAtomic writes bytes and strings and leaves no temp file', async () => {
    const sub = join(dir, 'w1');
    await mkdir(sub);
    await writeFileAtomic(join(sub, 'a.bin'), new Uint8Array([1, 2, 3]));
    await writeFileAtomic(join(sub, 'b.txt'), 'héllo\n');
    await writeFileAtomic(join(sub, 'b.txt'), 'replaced\n');
    assert.deepEqual(new Uint8Array(await readFile(join(sub, 'a.bin'))), new Uint8Array([1, 2, 3]));
    assert.equal(await readFile(join(sub, 'b.txt'), 'utf8'), 'replaced\n');
    assert.deepEqual((await readdir(sub)).sort(), ['a.bin', 'b.txt']);
  });

  test('a failed write does not clobber the target and removes its temp file', async () => {
    const sub = join(dir, 'w2');
    await mkdir(join(sub, 'target.npy'), { recursive: true }); // rename onto a directory fails
    await writeFile(join(sub, 'target.npy', 'keep'), 'old');
    await assertLowRankRejects(writeFileAtomic(join(sub, 'target.npy'), 'new'), 'E_IO', `cannot write '${join(sub, 'target.npy')}'`);
    assert.deepEqual(await readdir(sub), ['target.npy']);
    assert.equal(await readFile(join(sub, 'target.npy', 'keep'), 'utf8'), 'old');
    await assertLowRankRejects(writeFileAtomic(join(sub, 'missing', 'x.npy'), 'x'), 'E_IO', 'no such directory');
  });

  test('writeFilesAtomic renames nothing when any write fails', async () => {
    const sub = join(dir, 'w3');
    await mkdir(sub);
    await writeFile(join(sub, 'U.npy'), 'old U');
    const files = [
      { path: join(sub, 'U.npy'), bytes: 'new U' },
      { path: join(sub, 'V.npy'), bytes: new Uint8Array([9]) },
      { path: join(sub, 'no-such-dir', 's.npy'), bytes: 'new s' },
    ];
    await assertLowRankRejects(writeFilesAtomic(files), 'E_IO', 's.npy');
    assert.deepEqual(await readdir(sub), ['U.npy']);
    assert.equal(await readFile(join(sub, 'U.npy'), 'utf8'), 'old U');
  });

  test('writeFilesAtomic writes every file when all succeed', async () => {
    const sub = join(dir, 'w4');
    await mkdir(sub);
    await writeFilesAtomic([
      { path: join(sub, 'U.npy'), bytes: 'u' },
      { path: join(sub, 'V.npy'), bytes: 'v' },
    ]);
    assert.deepEqual((await readdir(sub)).sort(), ['U.npy', 'V.npy']);
    assert.equal(await readFile(join(sub, 'V.npy'), 'utf8'), 'v');
  });
});
