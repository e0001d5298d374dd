import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import type { LowRankErrorCode } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { parseNpz, readNpzMatrix, writeNpz } from '../../src/io/npz.js';
import { assertLowRankError } from '../helpers.js';

const DIR = fileURLToPath(new URL('../fixtures/npz/', import.meta.url));

interface GoodEntry {
  file: string;
  arrays: Array<{ name: string; shape: number[]; descr: string; values: Array<number | string> }>;
}
interface BadEntry {
  file: string;
  code: LowRankErrorCode;
  note: string;
}
const manifest = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as { good: GoodEntry[]; bad: BadEntry[] };

function fixture(name: string): Uint8Array {
  const b = readFileSync(`${DIR}${name}`);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function expectedValue(v: number | string): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);
}

describe('parseNpz reads what numpy writes', () => {
  for (const entry of manifest.good) {
    test(entry.file, () => {
      const arrays = parseNpz(fixture(entry.file), entry.file);
      assert.deepEqual([...arrays.keys()], entry.arrays.map((a) => a.name));
      for (const want of entry.arrays) {
        const got = arrays.get(want.name)!;
        assert.deepEqual(got.shape, want.shape, want.name);
        assert.equal(got.data.length, want.values.length, want.name);
        // numpy's descriptor without the byte order ('<f8' vs '>f8' hold the same values)
        assert.equal(got.dtype.replace(/^[<>|=]/, ''), want.descr.replace(/^[<>|=]/, ''), want.name);
        assert.equal(got.data instanceof Float32Array, want.descr === '<f4', `${want.name}: float32 stays float32`);
        want.values.forEach((v, i) => assert.ok(Object.is(got.data[i], expectedValue(v)), `${entry.file}[${want.name}] element ${i}: ${got.data[i]} vs ${v}`));
      }
    });
  }

  test('stored and deflated archives of the same arrays decode identically', () => {
    const a = parseNpz(fixture('mixed_stored.npz'));
    const b = parseNpz(fixture('mixed_deflated.npz'));
    assert.ok(a.size >= 9);
    for (const [name, arr] of a) assert.deepEqual(b.get(name)!.data, arr.data, name);
  });
});

describe('parseNpz refuses bad archives', () => {
  for (const entry of manifest.bad) {
    test(`${entry.file}: ${entry.note}`, () => {
      assertLowRankError(() => parseNpz(fixture(entry.file), entry.file), entry.code, entry.file);
    });
  }

  test('a deflated member claiming more than DEFLATE can expand is refused before allocating', () => {
    const bytes = writeNpz({ a: Matrix.fromRows([[1, 2]]) }, { compression: 'deflate' });
    // central directory entry: uncompressed size at +24; find it from the end record
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    const cd = v.getUint32(bytes.length - 22 + 16, true);
    v.setUint32(cd + 24, 0xfffffff0, true);
    assertLowRankError(() => parseNpz(bytes, 'bomb.npz'), 'E_FORMAT', 'bomb.npz', 'more than DEFLATE can expand');
  });

  test('byte offsets are named', () => {
    assertLowRankError(() => parseNpz(fixture('crc.npz'), 'crc.npz'), 'E_FORMAT', 'CRC-32', 'byte');
  });
});

describe('writeNpz', () => {
  const u = Matrix.fromRows([[1, -2.5], [3e-300, 4], [NaN, -Infinity]]);
  const s = new Matrix(1, 2, new Float32Array([7.25, 0.1]));

  for (const compression of ['store', 'deflate'] as const) {
    test(`round-trips matrices and typed arrays (${compression})`, () => {
      const bytes = writeNpz(
        {
          U: u,
          S: { shape: [2], data: s.data as Float32Array },
          ids: { shape: [2, 2], data: new BigInt64Array([-1n, 2n, 3n, 2n ** 40n]) },
          pix: { shape: [3], data: new Uint8Array([0, 128, 255]) },
          half: { shape: [2], data: new Uint16Array([0x3e00, 0xfc00]), dtype: '<f2' },
          mask: { shape: [2], data: new Uint8Array([1, 0]), dtype: '|b1' },
        },
        { compression },
      );
      const back = parseNpz(bytes);
      assert.deepEqual([...back.keys()], ['U', 'S', 'ids', 'pix', 'half', 'mask']);
      assert.deepEqual(back.get('U')!.shape, [3, 2]);
      assert.deepEqual([...back.get('U')!.data], [...u.data]);
      assert.equal(back.get('U')!.dtype, '<f8');
      assert.ok(back.get('S')!.data instanceof Float32Array);
      assert.deepEqual([...back.get('S')!.data], [...s.data]);
      assert.deepEqual([...back.get('ids')!.data], [-1, 2, 3, 2 ** 40]);
      assert.equal(back.get('ids')!.dtype, '<i8');
      assert.equal(back.get('pix')!.dtype, '|u1');
      assert.deepEqual([...back.get('half')!.data], [1.5, -Infinity]);
      assert.deepEqual([...back.get('mask')!.data], [1, 0]);
      assert.equal(back.get('mask')!.dtype, '|b1');
    });
  }

  test('deflate makes compressible data smaller than store', () => {
    const z = Matrix.zeros(50, 40);
    assert.ok(writeNpz({ z }, { compression: 'deflate' }).length * 10 < writeNpz({ z }).length);
  });

  test('refuses shapes that disagree with the data and dtypes that do not fit', () => {
    assertLowRankError(() => writeNpz({ a: { shape: [2, 2], data: new Float64Array(3) } }), 'E_ARG', "'a'", '4 elements', '3');
    assertLowRankError(() => writeNpz({ a: { shape: [2], data: new Float64Array(2), dtype: '<f4' } }), 'E_ARG', "'<f4'", 'Float64Array');
    assertLowRankError(() => writeNpz({ '': Matrix.zeros(1, 1) }), 'E_ARG', 'empty');
  });
});

describe('readNpzMatrix', () => {
  test('a single-array archive needs no name', () => {
    const m = readNpzMatrix(fixture('single.npz'), 'single.npz');
    const want = manifest.good.find((g) => g.file === 'single.npz')!.arrays[0];
    assert.deepEqual([m.rows, m.cols], want.shape);
    assert.deepEqual([...m.data], want.values);
  });

  test('several arrays: the name is required and unknown names are listed', () => {
    assertLowRankError(() => readNpzMatrix(fixture('mixed_stored.npz'), 'm.npz'), 'E_ARG', 'm.npz', '9 arrays', "'U'", 'name the one');
    assertLowRankError(() => readNpzMatrix(fixture('mixed_stored.npz'), 'm.npz', 'W'), 'E_ARG', "no array named 'W'", "'U'");
    const m = readNpzMatrix(fixture('mixed_stored.npz'), 'm.npz', 'fort');
    assert.deepEqual([m.rows, m.cols], [4, 3]);
  });
});
