import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Matrix } from '../../src/core/matrix.js';
import { readModelDir, writeModelDir } from '../../src/io/model-dir.js';
import { parseNpz, writeNpz } from '../../src/io/npz.js';
import { decodeSeenItems, encodeSeenItems } from '../../src/io/seen-items.js';
import type { Factorization } from '../../src/methods/factorization.js';
import { assertLowRankError, assertLowRankRejects } from '../helpers.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'lowrank-model-seen-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** 3 users × 4 items: user 0 saw items 1, 3; user 1 none; user 2 items 0, 1, 2. */
const SEEN = { indptr: Int32Array.of(0, 2, 2, 5), indices: Int32Array.of(1, 3, 0, 1, 2) };

const FACTORS = {
  method: 'als',
  rank: 1,
  U: Matrix.fromRows([[1], [2], [3]]),
  V: Matrix.fromRows([[1, 2, 3, 4]]),
  params: {},
  timings: { totalMs: 0 },
} as unknown as Factorization;

let count = 0;
async function model(seen: typeof SEEN | null = SEEN): Promise<string> {
  const dir = join(root, `m${count++}`);
  await writeModelDir(dir, { factorization: FACTORS, reg: 0.1, range: [1, 5], seen });
  return dir;
}

function arrays(indptr: ArrayLike<number>, indices: ArrayLike<number>): Uint8Array {
  return writeNpz({ indptr: { shape: [indptr.length], data: BigInt64Array.from(Array.from(indptr), (x) => BigInt(x)) }, indices: { shape: [indices.length], data: Int32Array.from(indices) } });
}

describe('seen.npz: the items each user rated, in the model directory', () => {
  test('round trip through the model directory; numpy-readable int64 indptr and int32 indices', async () => {
    const dir = await model();
    const saved = await readModelDir(dir);
    assert.deepEqual([...saved.model.seen!.indptr], [...SEEN.indptr]);
    assert.deepEqual([...saved.model.seen!.indices], [...SEEN.indices]);
    assert.equal(saved.meta.seen, true);
    const raw = parseNpz(new Uint8Array(readFileSync(join(dir, 'seen.npz'))));
    assert.equal(raw.get('indptr')!.dtype, '<i8');
    assert.equal(raw.get('indices')!.dtype, '<i4');
  });

  test('a model without seen items reads back without them', async () => {
    const saved = await readModelDir(await model(null));
    assert.equal(saved.model.seen, undefined);
    assert.equal(saved.meta.seen, false);
  });

  test('model.json says seen but the file is gone: E_IO naming seen.npz', async () => {
    const dir = await model();
    rmSync(join(dir, 'seen.npz'));
    await assertLowRankRejects(readModelDir(dir), 'E_IO', 'seen.npz', 'no such file');
  });

  test("model.json's seen must be a boolean", async () => {
    const dir = await model();
    const meta = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...meta, seen: 'yes' }));
    await assertLowRankRejects(readModelDir(dir), 'E_FORMAT', "field 'seen' must be true or false");
  });

  const bad: Array<[string, Uint8Array, string]> = [
    ['valid (negative control)', encodeSeenItems(SEEN), ''],
    ['indptr too short', arrays([0, 2, 5], SEEN.indices), "'indptr' has 3 entries, but model.json's rows is 3 (expected 4)"],
    ['indptr not from 0', arrays([1, 2, 2, 5], SEEN.indices), "'indptr' entry 0 is 1, expected 0"],
    ['indptr end ≠ nnz', arrays([0, 2, 2, 4], SEEN.indices), "'indptr' ends at 4, but 'indices' has 5 entries"],
    ['indptr decreasing', arrays([0, 3, 2, 5], SEEN.indices), "'indptr' decreases at entry 2 (3 then 2)"],
    ['item out of range', arrays(SEEN.indptr, [1, 4, 0, 1, 2]), "'indices' entry 1 is 4, outside the model's 4 items"],
    ['negative item', arrays(SEEN.indptr, [1, 3, -1, 1, 2]), "'indices' entry 2 is -1, outside the model's 4 items"],
    ['duplicate item', arrays(SEEN.indptr, [1, 3, 0, 0, 2]), "'indices' of user row 2 are not strictly ascending at entry 3 (0 then 0)"],
    ['float dtype', writeNpz({ indptr: { shape: [4], data: Float64Array.from(SEEN.indptr) }, indices: { shape: [5], data: SEEN.indices } }), "'indptr' has dtype '<f8', expected integers"],
    ['2-D', writeNpz({ indptr: { shape: [4], data: SEEN.indptr }, indices: { shape: [5, 1], data: SEEN.indices } }), "'indices' must be 1-D, got shape (5, 1)"],
    ['missing array', writeNpz({ indptr: { shape: [4], data: SEEN.indptr } }), "no array 'indices'"],
  ];
  for (const [what, bytes, message] of bad) {
    test(`decodeSeenItems: ${what}`, () => {
      if (message === '') {
        assert.deepEqual([...decodeSeenItems(bytes, 'm/seen.npz', 3, 4).indices], [...SEEN.indices]);
        return;
      }
      assertLowRankError(() => decodeSeenItems(bytes, 'm/seen.npz', 3, 4), 'E_FORMAT', 'm/seen.npz: ', message);
    });
  }
});
