import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { LowRankErrorCode } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { readModelDir } from '../../src/io/model-dir.js';
import { writeNpy } from '../../src/io/npy.js';
import { assertLowRankRejects } from '../helpers.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'lowrank-model-dir-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const META = {
  format: 'lowrank-ratings-model',
  version: 1,
  method: 'als',
  rank: 2,
  rows: 3,
  cols: 4,
  reg: 0.1,
  biases: true,
  globalMean: 3.5,
  range: [1, 5],
  ids: true,
  params: { iterations: 10 },
};

interface Parts {
  meta?: Record<string, unknown>;
  U?: Matrix;
  V?: Matrix;
  userBias?: Matrix;
  itemBias?: Matrix;
  users?: unknown;
  items?: unknown;
}

let count = 0;
/** A model directory: the valid 3 users × 4 items, rank 2 model, with `parts` replaced. */
function modelDir(parts: Parts = {}): string {
  const dir = join(root, `m${count++}`);
  mkdirSync(dir);
  const u = parts.U ?? Matrix.fromRows([[1, 0], [0, 1], [0.5, 0.5]]);
  const v = parts.V ?? Matrix.fromRows([[1, 2, 3, 4], [0, 1, 0, 1]]);
  writeFileSync(join(dir, 'U.npy'), writeNpy(u));
  writeFileSync(join(dir, 'V.npy'), writeNpy(v));
  writeFileSync(join(dir, 'user_bias.npy'), writeNpy(parts.userBias ?? new Matrix(1, 3, new Float64Array([0.1, -0.1, 0])), { oneD: true }));
  writeFileSync(join(dir, 'item_bias.npy'), writeNpy(parts.itemBias ?? new Matrix(1, 4, new Float64Array([0, 0.2, -0.2, 0])), { oneD: true }));
  writeFileSync(join(dir, 'users.json'), JSON.stringify(parts.users ?? ['ann', 'bob', 'cy']));
  writeFileSync(join(dir, 'items.json'), JSON.stringify(parts.items ?? ['i1', 'i2', 'i3', 'i4']));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(parts.meta ?? META));
  return dir;
}

async function rejects(dir: string, code: LowRankErrorCode, ...parts: string[]): Promise<void> {
  const err = await assertLowRankRejects(readModelDir(dir), code, ...parts);
  assert.equal(err.isInputError, true, 'exit 2');
}

describe('readModelDir validates what it reads', () => {
  test('a valid model reads back (the negative control for the cases below)', async () => {
    const saved = await readModelDir(modelDir());
    assert.deepEqual(saved.users, ['ann', 'bob', 'cy']);
    assert.deepEqual(saved.model.U.shape, [3, 2]);
    assert.deepEqual([...(saved.model.biases?.item ?? [])], [0, 0.2, -0.2, 0]);
    assert.deepEqual(saved.model.range, [1, 5]);
  });

  const fieldCases: Array<[string, unknown, string]> = [
    ['rank', '2', "field 'rank' must be an integer ≥ 1, got \"2\""],
    ['rank', 0, "field 'rank' must be an integer ≥ 1, got 0"],
    ['rows', 2.5, "field 'rows' must be an integer ≥ 1, got 2.5"],
    ['cols', null, "field 'cols'"],
    ['version', 2, "field 'version' must be 1"],
    ['method', 7, "field 'method'"],
    ['reg', -1, "field 'reg' must be a finite number ≥ 0, got -1"],
    ['biases', 'yes', "field 'biases' must be true or false"],
    ['globalMean', 'NaN', "field 'globalMean' must be a finite number"],
    ['ids', 1, "field 'ids' must be true or false"],
    ['range', [5, 1], "field 'range' must be null or [low, high]"],
    ['range', [1, null], "field 'range'"],
    ['range', 'wide', "field 'range'"],
    ['params', [1], "field 'params' must be an object"],
  ];
  for (const [field, value, message] of fieldCases) {
    test(`model.json field '${field}' = ${JSON.stringify(value)} is refused naming the field`, async () => {
      await rejects(modelDir({ meta: { ...META, [field]: value } }), 'E_FORMAT', 'model.json', message);
    });
  }

  test('a missing field is named', async () => {
    const { rank: _rank, ...noRank } = META;
    await rejects(modelDir({ meta: noRank }), 'E_FORMAT', "field 'rank'", 'missing');
  });

  test('not an object, or another format', async () => {
    await rejects(modelDir({ meta: [1, 2] as unknown as Record<string, unknown> }), 'E_FORMAT', 'expected a JSON object');
    await rejects(modelDir({ meta: { ...META, format: 'other' } }), 'E_FORMAT', 'not a lowrank ratings model');
  });

  test('NaN or Inf in the factors or biases', async () => {
    await rejects(modelDir({ U: Matrix.fromRows([[1, 0], [0, NaN], [0, 0]]) }), 'E_FORMAT', 'U.npy holds NaN at row 1, column 1');
    await rejects(modelDir({ V: Matrix.fromRows([[1, 2, 3, Infinity], [0, 1, 0, 1]]) }), 'E_FORMAT', 'V.npy holds Inf at row 0, column 3');
    await rejects(modelDir({ itemBias: new Matrix(1, 4, new Float64Array([0, -Infinity, 0, 0])) }), 'E_FORMAT', 'item_bias.npy holds -Inf at entry 1');
  });

  test('shapes that disagree with model.json or with each other', async () => {
    await rejects(modelDir({ U: Matrix.fromRows([[1, 0], [0, 1]]) }), 'E_FORMAT', 'U.npy is 2×2', 'rows × rank is 3×2');
    await rejects(modelDir({ V: Matrix.fromRows([[1, 2, 3, 4]]) }), 'E_FORMAT', 'V.npy is 1×4', 'rank × cols is 2×4');
    await rejects(modelDir({ meta: { ...META, rank: 3 } }), 'E_FORMAT', 'U.npy is 3×2', 'rows × rank is 3×3');
    await rejects(modelDir({ userBias: new Matrix(1, 2, new Float64Array([0, 0])) }), 'E_FORMAT', 'user_bias.npy is 2', "model.json's rows is 3");
  });

  test('ids: duplicates, wrong count, non-strings', async () => {
    await rejects(modelDir({ users: ['ann', 'bob', 'ann'] }), 'E_FORMAT', 'users.json', "id 'ann' appears twice (entries 0 and 2)");
    await rejects(modelDir({ items: ['i1', 'i2'] }), 'E_FORMAT', 'items.json has 2 ids', "cols is 4");
    await rejects(modelDir({ users: ['ann', 2, 'cy'] }), 'E_FORMAT', 'users.json: entry 1 must be an id string, got 2');
    await rejects(modelDir({ users: { ann: 0 } }), 'E_FORMAT', 'expected a JSON array');
    await rejects(modelDir({ users: ['ann', 'bob\nlowrank: error: forged', 'bob\nlowrank: error: forged'] }), 'E_FORMAT', "id 'bob\\nlowrank: error: forged' appears twice");
  });
});
