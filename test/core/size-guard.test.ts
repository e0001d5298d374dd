import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { LowRankError, escapeName } from '../../src/core/errors.js';
import { allocFloat, Matrix } from '../../src/core/matrix.js';
import { checkAllocation, checkMatrixSize, DEFAULT_MEMORY_BUDGET, MAX_ARRAY_ELEMENTS, memoryBudget, setMemoryBudget } from '../../src/core/size-guard.js';
import { assertLowRankError } from '../helpers.js';

after(() => setMemoryBudget(DEFAULT_MEMORY_BUDGET));

describe('size guard', () => {
  test('a count beyond what an array can hold is an input error (E_SHAPE) naming the shape', () => {
    assertLowRankError(() => checkMatrixSize(1e8, 9e15, 'float64', 'the product'), 'E_SHAPE', 'the product (100000000×9e+15 float64)', '9e+23 entries', 'more than one array can hold (4294967296)');
    assertLowRankError(() => Matrix.zeros(100000, 100000), 'E_SHAPE', '100000×100000', '10000000000 entries');
    assertLowRankError(() => allocFloat('float32', MAX_ARRAY_ELEMENTS + 1), 'E_SHAPE', 'an array of float32');
    assertLowRankError(() => checkAllocation(-1, 8, 'x'), 'E_SHAPE', 'not a valid size');
    assertLowRankError(() => checkAllocation(1.5, 8, 'x'), 'E_SHAPE');
  });

  test('within the array limit but over the memory budget is a memory failure (E_MEMORY, exit 1)', () => {
    setMemoryBudget(1024 * 1024, 'the test budget');
    try {
      assert.deepEqual(memoryBudget(), { bytes: 1024 * 1024, source: 'the test budget' });
      // 1000×200 float64 = 1.5 MiB > 1 MiB; float32 (0.76 MiB) fits
      const err = assertLowRankError(() => Matrix.zeros(1000, 200), 'E_MEMORY', '1000×200 float64', 'needs 1.5 MiB', 'more than the test budget (1.0 MiB)');
      assert.equal(err.isInputError, false);
      assert.equal(Matrix.zeros(1000, 200, 'float32').size, 200000);
      // exactly at the budget passes, one element more does not
      checkAllocation(131072, 8, 'x');
      assertLowRankError(() => checkAllocation(131073, 8, 'x'), 'E_MEMORY');
    } finally {
      setMemoryBudget(DEFAULT_MEMORY_BUDGET);
    }
    assert.equal(Matrix.zeros(1000, 200).size, 200000);
    assertLowRankError(() => setMemoryBudget(0), 'E_ARG');
  });

  test('zero-sized matrices are fine (a 1e8×0 factor allocates nothing)', () => {
    assert.equal(Matrix.zeros(1e8, 0).size, 0);
    checkMatrixSize(0, 9e15, 'float64');
  });
});

describe('escapeName', () => {
  test('plain names are unchanged (no quoting or doubling for ordinary paths)', () => {
    for (const s of ['data.csv', 'dir/sub dir/ü-日本.npy', 'C:\\data\\a.npy', "it's.csv", '😀.png']) assert.equal(escapeName(s), s);
  });

  test('control, line-separator, bidi and zero-width characters become escapes; backslashes double then', () => {
    assert.equal(escapeName('a\nlowrank: error: forged'), 'a\\nlowrank: error: forged');
    assert.equal(escapeName('a\r\tb'), 'a\\r\\tb');
    assert.equal(escapeName('\x1b[31mred'), '\\x1b[31mred');
    assert.equal(escapeName('x\u2028y\u202ez\u200b'), 'x\\u2028y\\u202ez\\u200b');
    assert.equal(escapeName('dir\\x\n'), 'dir\\\\x\\n');
    assert.equal(escapeName('lone\ud800'), 'lone\\ud800');
    for (const s of ['a\nb', 'a\u0085b', 'a\u2029b', 'a\u000bb', 'a\u000cb']) assert.ok(!/[\n\r\u0085\u2028\u2029\u000b\u000c]/.test(escapeName(s)), JSON.stringify(s));
  });

  test('every LowRankError message is one line, whatever it echoes', () => {
    const e = new LowRankError('E_IO', "cannot read 'x\nlowrank: error: everything is fine': no such file");
    assert.equal(e.message.split('\n').length, 1);
    assert.ok(e.message.includes("'x\\nlowrank: error: everything is fine'"));
  });
});
