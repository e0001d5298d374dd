import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Matrix } from '../../src/core/matrix.js';
import { parseMatrixMarket } from '../../src/io/matrix-market.js';
import { assertLowRankError } from '../helpers.js';

const DIR = fileURLToPath(new URL('../fixtures/sparse/', import.meta.url));
interface Entry { file: string; shape: [number, number]; values: number[] }
const manifest = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as Entry[];

function dense(mm: ReturnType<typeof parseMatrixMarket>): Matrix {
  return mm.format === 'array' ? mm.matrix : mm.matrix.toDense(0);
}

describe('parseMatrixMarket reads what scipy.io.mmread reads', () => {
  for (const e of manifest) {
    test(e.file, () => {
      const mm = parseMatrixMarket(readFileSync(`${DIR}${e.file}`, 'utf8'), e.file);
      const d = dense(mm);
      assert.deepEqual([d.rows, d.cols], e.shape);
      // exact: the values are decimal round-trips of doubles (a duplicate is one addition, as scipy's)
      assert.deepEqual([...d.data], e.values);
      if (mm.format === 'coordinate') assert.equal(mm.matrix.nnz, e.values.filter((v) => v !== 0).length);
    });
  }

  test('coordinate files stay sparse: only stored entries are held', () => {
    const mm = parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n100000 50000 2\n1 1 2.5\n100000 50000 -1\n');
    assert.equal(mm.format, 'coordinate');
    if (mm.format === 'coordinate') {
      assert.equal(mm.matrix.nnz, 2);
      assert.equal(mm.matrix.values.length, 2);
      assert.equal(mm.matrix.rows, 100000);
    }
  });

  test("Fortran 'D' exponents, blank lines and comments between entries", () => {
    const mm = parseMatrixMarket('%%MatrixMarket matrix array real general\n%c\n2 1\n1.5D+01\n\n% mid\n-2d-1\n');
    assert.deepEqual([...dense(mm).data], [15, -0.2]);
  });
});

describe('parseMatrixMarket refuses bad files with the line', () => {
  const cases: Array<[string, string, 'E_FORMAT' | 'E_UNSUPPORTED', string[]]> = [
    ['no banner', '3 3 1\n1 1 1\n', 'E_FORMAT', ['x.mtx line 1', 'banner']],
    ['complex', '%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n', 'E_UNSUPPORTED', ['complex']],
    ['index out of range', '%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n', 'E_FORMAT', ['x.mtx line 3', 'row index', '1…2']],
    ['zero index (1-based)', '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 0 1\n', 'E_FORMAT', ['line 3', 'column index']],
    ['bad value', '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 abc\n', 'E_FORMAT', ['line 3', "'abc' is not a number"]],
    ['too few entries', '%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n', 'E_FORMAT', ['1 entries', 'declares 2']],
    ['too many entries', '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n2 2 1\n', 'E_FORMAT', ['line 4', 'more entries']],
    ['non-integer in integer field', '%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n', 'E_FORMAT', ['line 3', 'not an integer']],
    ['symmetric but not square', '%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n', 'E_FORMAT', ['line 2', 'square']],
    ['bad size line', '%%MatrixMarket matrix coordinate real general\n2 x 1\n', 'E_FORMAT', ['line 2', 'size line']],
    ['array with too few values', '%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n', 'E_FORMAT', ['3 values', 'declares 4']],
  ];
  for (const [name, text, code, parts] of cases) {
    test(name, () => {
      assertLowRankError(() => parseMatrixMarket(text, 'x.mtx'), code, ...parts);
    });
  }
});
