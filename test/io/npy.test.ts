import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import type { LowRankErrorCode } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { npyHeader, npyToMatrix, parseNpy, readNpy, writeNpy } from '../../src/io/npy.js';
import { assertLowRankError } from '../helpers.js';

const DIR = fileURLToPath(new URL('../fixtures/npy/', import.meta.url));

interface GoodEntry {
  file: string;
  descr: string;
  shape: number[];
  fortranOrder: boolean;
  version: string;
  values: Array<number | 'nan' | 'inf' | '-inf'>;
}
interface BadEntry {
  file: string;
  code: LowRankErrorCode;
  note: string;
}
interface RefEntry {
  file: string;
  dtype: 'float32' | 'float64';
  rows: number;
  cols: number;
  oneD: boolean;
  formula: string;
}
const manifest = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as { good: GoodEntry[]; bad: BadEntry[]; ref: RefEntry[] };

function fixture(name: string): Uint8Array {
  const b = readFileSync(`${DIR}${name}`);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function expectedValue(v: number | string): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);
}


/** Builds a .npy file by hand: magic, version, header length, header text (padded to 64), data. */
function craft(header: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const enc = new TextEncoder().encode(header);
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + enc.length + 1) / 64) * 64;
  const hlen = total - pre;
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, hlen, true);
  else v.setUint32(8, hlen, true);
  out.set(enc, pre);
  out.fill(0x20, pre + enc.length, total - 1);
  out[total - 1] = 0x0a;
  out.set(data, total);
  return out;
}

function f64Bytes(values: number[], little = true): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setFloat64(8 * i, x, little));
  return out;
}

describe('parseNpy: numpy-written fixtures', () => {
  test('the manifest covers every dtype, both byte orders, Fortran order and all header versions', () => {
    const descrs = new Set(manifest.good.map((g) => g.descr));
    for (const d of ['<f4', '<f8', '<f2', '|i1', '<i2', '<i4', '<i8', '|u1', '<u2', '<u4', '<u8', '|b1', '>f8', '>f4', '>i4', '>f2']) {
      assert.ok(descrs.has(d), d);
    }
    assert.ok(manifest.good.some((g) => g.fortranOrder && g.descr === '<f8'));
    assert.ok(manifest.good.some((g) => g.fortranOrder && g.descr === '<f4'));
    assert.deepEqual(new Set(manifest.good.map((g) => g.version)), new Set(['1.0', '2.0', '3.0']));
  });

  for (const g of manifest.good) {
    test(`${g.file} (${g.descr}, shape (${g.shape.join(', ')}), ${g.fortranOrder ? 'Fortran' : 'C'} order, v${g.version}) reads exactly`, () => {
      const bytes = fixture(g.file);
      assert.equal(`${bytes[6]}.${bytes[7]}`, g.version);
      const arr = parseNpy(bytes, g.file);
      assert.deepEqual(arr.shape, g.shape);
      assert.equal(arr.dtype, g.descr);
      assert.equal(arr.fortranOrder, g.fortranOrder);
      assert.ok(arr.data instanceof (g.descr.endsWith('f4') ? Float32Array : Float64Array), arr.data.constructor.name);
      // deepStrictEqual compares with SameValue: NaN matches NaN, -0 does not match 0
      assert.deepStrictEqual(Array.from(arr.data), g.values.map(expectedValue));
    });
  }

  test('float16 subnormals, ±0, ±inf and NaN decode exactly', () => {
    const arr = parseNpy(fixture('f2.npy'), 'f2.npy');
    assert.equal(arr.data[4], 2 ** -24);
    assert.equal(arr.data[5], -(2 ** -24));
    assert.equal(arr.data[6], 1023 * 2 ** -24); // largest subnormal
    assert.equal(arr.data[7], 2 ** -14); // smallest normal
    assert.ok(Object.is(arr.data[9], -0));
    assert.equal(arr.data[10], Infinity);
    assert.ok(Number.isNaN(arr.data[11]));
    assert.equal(arr.data[3], 65504);
  });

  test('readNpy: 2-D keeps its shape and storage, 1-D of length L is a 1×L row', () => {
    const a = readNpy(fixture('f4_fortran.npy'), 'f4_fortran.npy');
    assert.deepEqual(a.shape, [3, 5]);
    assert.equal(a.dtype, 'float32');
    const v = readNpy(fixture('f8_1d.npy'), 'f8_1d.npy');
    assert.deepEqual(v.shape, [1, 5]);
    assert.equal(v.dtype, 'float64');
    assert.deepEqual(v.row(0), [3, 1.5, -0.25, 1e-300, 1e300]);
    const ints = readNpy(fixture('i4.npy'), 'i4.npy');
    assert.equal(ints.dtype, 'float64');
    assert.deepEqual(readNpy(fixture('f8_0x3.npy')).shape, [0, 3]);
  });

  test('Fortran-order data is transposed into row-major', () => {
    const a = readNpy(fixture('i4_be_fortran.npy'), 'i4_be_fortran.npy');
    assert.deepEqual(a.toRows(), [[-5, -4, -3], [-2, -1, 0], [1, 2, 3], [4, 5, 6]]);
    const c = readNpy(fixture('f8.npy'));
    assert.equal(c.rows, 3);
  });
});

describe('parseNpy: files lowrank refuses', () => {
  test('the manifest lists the required bad cases', () => {
    const files = new Set(manifest.bad.map((b) => b.file));
    for (const f of ['bad_magic.npy', 'truncated.npy', 'extra_bytes.npy', 'object.npy', 'three_d.npy', 'zero_d.npy', 'complex.npy']) {
      assert.ok(files.has(f), f);
    }
  });

  for (const b of manifest.bad) {
    test(`${b.file} (${b.note}) → ${b.code} naming the file`, () => {
      assertLowRankError(() => readNpy(fixture(b.file), `data/${b.file}`), b.code, `data/${b.file}`);
    });
  }

  test('bad magic names the byte offset', () => {
    assertLowRankError(() => parseNpy(fixture('bad_magic.npy'), 'x.npy'), 'E_FORMAT', 'x.npy', 'magic', 'byte 5');
    assertLowRankError(() => parseNpy(new TextEncoder().encode('a,b\n1,2\n'), 'x.npy'), 'E_FORMAT', 'bad magic at byte 0');
    assertLowRankError(() => parseNpy(new Uint8Array([0x93, 0x4e]), 'x.npy'), 'E_FORMAT', '2 bytes');
    assertLowRankError(() => parseNpy(new Uint8Array(0)), 'E_FORMAT', '<bytes>');
  });

  test('unknown version names it and byte 6', () => {
    assertLowRankError(() => parseNpy(fixture('bad_version.npy'), 'v.npy'), 'E_FORMAT', 'v.npy', 'version 7.0', 'byte 6');
  });

  test('header length past the end of the file (v1 and v2)', () => {
    assertLowRankError(() => parseNpy(fixture('header_past_end.npy'), 'h.npy'), 'E_FORMAT', 'h.npy', 'header length 118 at byte 8', 'past the end');
    const v2 = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0xff, 0xff, 0xff, 0xff, 0x7b]);
    assertLowRankError(() => parseNpy(v2, 'h2.npy'), 'E_FORMAT', 'h2.npy', 'header length 4294967295', 'past the end');
    assertLowRankError(() => parseNpy(v2.subarray(0, 9), 'h3.npy'), 'E_FORMAT', 'h3.npy', 'byte 8');
  });

  test('truncated data names expected vs actual bytes', () => {
    assertLowRankError(() => parseNpy(fixture('truncated.npy'), 't.npy'), 'E_FORMAT', 't.npy', 'truncated', 'needs 96 bytes', 'byte 128', 'only 91 remain');
  });

  test('extra bytes after the data (shape disagrees) are an error', () => {
    assertLowRankError(() => parseNpy(fixture('extra_bytes.npy'), 'e.npy'), 'E_FORMAT', 'e.npy', '8 extra bytes', 'byte 224', '(3, 4)');
  });

  test('object arrays are refused from the header alone, the pickle never looked at', () => {
    const bytes = fixture('object.npy');
    // the fixture really holds a pickle that would call print() when unpickled
    const dataStart = 10 + new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
    assert.equal(bytes[dataStart], 0x80, 'pickle PROTO opcode');
    assert.ok(new TextDecoder('latin1').decode(bytes.subarray(dataStart)).includes('print'));
    const err = assertLowRankError(() => parseNpy(bytes, 'obj.npy'), 'E_UNSUPPORTED', 'obj.npy', "'|O'", 'object arrays (pickle) are refused, never executed');
    // same refusal with the pickle cut off entirely, or replaced by garbage: the data is never read
    const headerOnly = bytes.slice(0, dataStart);
    assert.equal(assertLowRankError(() => parseNpy(headerOnly, 'obj.npy'), 'E_UNSUPPORTED').message, err.message);
    const garbage = new Uint8Array(bytes.length);
    garbage.set(headerOnly);
    garbage.fill(0xff, dataStart);
    assert.equal(assertLowRankError(() => parseNpy(garbage, 'obj.npy'), 'E_UNSUPPORTED').message, err.message);
    // other spellings of the object dtype
    assertLowRankError(() => parseNpy(craft("{'descr': '<O8', 'fortran_order': False, 'shape': (1,), }")), 'E_UNSUPPORTED', 'never executed');
    assertLowRankError(() => parseNpy(craft("{'descr': 'O', 'fortran_order': False, 'shape': (1,), }")), 'E_UNSUPPORTED', 'never executed');
  });

  test('complex, structured, string, datetime and long-double dtypes are refused naming the dtype', () => {
    assertLowRankError(() => parseNpy(fixture('complex.npy'), 'c.npy'), 'E_UNSUPPORTED', 'c.npy', "'<c16'", 'complex');
    assertLowRankError(() => parseNpy(fixture('structured.npy'), 's.npy'), 'E_UNSUPPORTED', 's.npy', 'structured', "'<f8'");
    assertLowRankError(() => parseNpy(fixture('unicode.npy'), 'u.npy'), 'E_UNSUPPORTED', 'u.npy', "'<U2'");
    const hdr = (d: string): Uint8Array => craft(`{'descr': '${d}', 'fortran_order': False, 'shape': (0,), }`);
    assertLowRankError(() => parseNpy(hdr('<M8[ns]')), 'E_UNSUPPORTED', "'<M8[ns]'", 'datetime');
    assertLowRankError(() => parseNpy(hdr('|S3')), 'E_UNSUPPORTED', "'|S3'");
    assertLowRankError(() => parseNpy(hdr('<f16')), 'E_UNSUPPORTED', "'<f16'");
    assertLowRankError(() => parseNpy(hdr('<c8')), 'E_UNSUPPORTED', "'<c8'");
    assertLowRankError(() => parseNpy(hdr('|V8')), 'E_UNSUPPORTED', "'|V8'");
    assertLowRankError(() => parseNpy(hdr('<i3')), 'E_UNSUPPORTED', "'<i3'");
    assertLowRankError(() => parseNpy(hdr('<f')), 'E_UNSUPPORTED', "unknown dtype '<f'");
    assert.deepEqual(parseNpy(craft("{'descr': '?', 'fortran_order': False, 'shape': (2,), }", new Uint8Array([0, 7]))).data, new Float64Array([0, 1]));
  });

  test('0-D and 3-D arrays parse but are not matrices (E_SHAPE naming the shape)', () => {
    const z = parseNpy(fixture('zero_d.npy'), 'z.npy');
    assert.deepEqual(z.shape, []);
    assert.deepEqual(Array.from(z.data), [3.5]);
    assertLowRankError(() => npyToMatrix(z, 'z.npy'), 'E_SHAPE', 'z.npy', 'expected a 1-D or 2-D array, got shape ()');
    const t = parseNpy(fixture('three_d.npy'), 't.npy');
    assert.deepEqual(t.shape, [2, 3, 4]);
    assertLowRankError(() => npyToMatrix(t, 't.npy'), 'E_SHAPE', 't.npy', 'expected a 1-D or 2-D array, got shape (2, 3, 4)');
  });

  test('huge shapes are checked against the bytes present before allocating', () => {
    const bytes = craft("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 1000000000000), }", f64Bytes([1, 2]));
    assertLowRankError(() => parseNpy(bytes, 'big.npy'), 'E_FORMAT', 'big.npy', 'needs 8000000000000000000000000 bytes', 'only 16 remain');
    const max = Number.MAX_SAFE_INTEGER;
    assertLowRankError(() => parseNpy(craft(`{'descr': '<f4', 'fortran_order': False, 'shape': (${max}, ${max}, ${max}), }`)), 'E_FORMAT', 'truncated');
    assertLowRankError(() => parseNpy(craft("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }"), 'n.npy'), 'E_FORMAT', 'n.npy', 'too large');
  });
});

describe('parseNpy: header parsing', () => {
  test('double quotes, any key order, no spaces, Python 2 long suffix', () => {
    const data = f64Bytes([1, 2, 3, 4, 5, 6]);
    const a = parseNpy(craft('{"shape":(2,3),"fortran_order":False,"descr":"<f8"}', data));
    assert.deepEqual(a.shape, [2, 3]);
    assert.deepEqual(Array.from(a.data), [1, 2, 3, 4, 5, 6]);
    const b = parseNpy(craft("{'descr': '<f8', 'fortran_order': True, 'shape': (2L, 3L), }", data));
    assert.deepEqual(b.shape, [2, 3]);
    assert.equal(b.fortranOrder, true);
    assert.deepEqual(Array.from(b.data), [1, 3, 5, 2, 4, 6]);
    const c = parseNpy(craft("{'descr': '=f8', 'fortran_order': False, 'shape': ( 6 , ), }", data));
    assert.deepEqual(c.shape, [6]);
    const d = parseNpy(craft("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", f64Bytes([7])));
    assert.deepEqual(d.shape, []);
    assert.deepEqual(Array.from(d.data), [7]);
  });

  test('version 2.0 and 3.0 (UTF-8) headers written by hand', () => {
    const data = f64Bytes([1, 2]);
    assert.deepEqual(parseNpy(craft("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data, 2)).shape, [2]);
    assert.deepEqual(parseNpy(craft("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", data, 3)).shape, [1, 2]);
    // a non-ASCII character in a v3 header: the error offset counts UTF-8 bytes
    const bad = craft("{'descr': '<f8', 'é': 1, 'fortran_order': False, 'shape': (1, 2), }", data, 3);
    assertLowRankError(() => parseNpy(bad, 'u.npy'), 'E_FORMAT', 'u.npy', 'byte 12', "unexpected key 'é'");
  });

  test('3-D Fortran-order data is reordered into row-major', () => {
    const shape = [2, 3, 4];
    const fortran: number[] = [];
    for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) fortran.push(100 * i + 10 * j + k);
    const a = parseNpy(craft("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }", f64Bytes(fortran)));
    const expected: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expected.push(100 * i + 10 * j + k);
    assert.deepEqual(a.shape, shape);
    assert.deepEqual(Array.from(a.data), expected);
  });

  const malformed: Array<[string, string, string]> = [
    ['not a dict', "['descr', '<f8']", "expected '{'"],
    ['missing shape', "{'descr': '<f8', 'fortran_order': False, }", "lacks 'shape'"],
    ['missing descr', "{'fortran_order': False, 'shape': (1,), }", "lacks 'descr'"],
    ['unterminated string', "{'descr': '<f8", 'unterminated string'],
    ['negative dimension', "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", "'shape' must be a tuple of non-negative integers"],
    ['shape as a list', "{'descr': '<f8', 'fortran_order': False, 'shape': [1], }", "'shape' must be a tuple"],
    ['float dimension', "{'descr': '<f8', 'fortran_order': False, 'shape': (1.5,), }", 'expected'],
    ['fortran_order not a bool', "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }", "'fortran_order' must be True or False"],
    ['lowercase true', "{'descr': '<f8', 'fortran_order': true, 'shape': (1,), }", 'unexpected'],
    ['extra key', "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", "unexpected key 'x'"],
    ['duplicate key', "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", "duplicate key 'descr'"],
    ['junk after the dict', "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } junk", 'after the header dict'],
    ['unclosed dict', "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)", 'unexpected end of the header'],
    ['descr not a string', "{'descr': 8, 'fortran_order': False, 'shape': (1,), }", "'descr' must be a string"],
    ['a call expression', "{'descr': __import__('os'), 'fortran_order': False, 'shape': (1,), }", 'unexpected'],
  ];
  for (const [name, header, part] of malformed) {
    test(`malformed header: ${name} → E_FORMAT with the byte offset`, () => {
      const bytes = craft(header, f64Bytes([0]));
      const err = assertLowRankError(() => parseNpy(bytes, 'm.npy'), 'E_FORMAT', 'm.npy: malformed .npy header at byte ', part);
      const at = Number(/at byte (\d+)/.exec(err.message)![1]);
      assert.ok(at >= 10 && at <= bytes.length - 8, `offset ${at} lies in the header`);
    });
  }
});

describe('writeNpy', () => {
  function randomMatrix(rows: number, cols: number, dtype: 'float32' | 'float64', seed: number): Matrix {
    const rng = new Rng(seed);
    const m = Matrix.zeros(rows, cols, dtype);
    for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal() * 10 ** Math.floor(rng.uniformRange(-30, 30));
    return m;
  }
  const special = [NaN, Infinity, -Infinity, -0, 0, 5e-324, 1.4e-45, 3.4028234663852886e38, Number.MAX_VALUE];

  for (const dtype of ['float32', 'float64'] as const) {
    test(`round trip ${dtype} is bit-identical (random, NaN, ±inf, -0, subnormals)`, () => {
      const a = randomMatrix(7, 9, dtype, 11);
      special.forEach((x, i) => (a.data[i] = x));
      const bytes = writeNpy(a);
      const arr = parseNpy(bytes, 'rt.npy');
      assert.equal(arr.dtype, dtype === 'float32' ? '<f4' : '<f8');
      assert.deepEqual(arr.shape, [7, 9]);
      assert.equal(arr.fortranOrder, false);
      assert.ok(arr.data instanceof (dtype === 'float32' ? Float32Array : Float64Array));
      assert.deepEqual(new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength), new Uint8Array(a.data.buffer));
      const m = readNpy(bytes);
      assert.equal(m.dtype, dtype);
      assert.deepEqual(m.shape, [7, 9]);
    });
  }

  test('header length is a multiple of 64 and ends in a newline, for many shapes', () => {
    for (const [r, c] of [[0, 0], [1, 1], [3, 5], [100, 50], [123456789, 1], [1, 123456789012], [99999, 88888]]) {
      const h = npyHeader('<f8', [r, c]);
      assert.equal(h.length % 64, 0, `${r}×${c}`);
      assert.equal(h[h.length - 1], 0x0a);
      assert.equal(new DataView(h.buffer).getUint16(8, true), h.length - 10);
      // the header parses back to the shape (no data follows, so non-empty shapes report truncation)
      if (r * c === 0) assert.deepEqual(parseNpy(h, 'h').shape, [r, c]);
      else assertLowRankError(() => parseNpy(h, 'h'), 'E_FORMAT', `shape (${r}, ${c}) of '<f8' needs ${8 * r * c} bytes`);
    }
  });

  test('output is byte-identical to numpy’s np.save for the reference files', () => {
    for (const ref of manifest.ref) {
      const expected = fixture(ref.file);
      const a = Matrix.zeros(ref.rows, ref.cols, ref.dtype);
      for (let i = 0; i < a.data.length; i++) a.data[i] = i / 7; // Float32Array stores Math.fround(i / 7)
      const ours = writeNpy(a, { oneD: ref.oneD });
      const hlen = 10 + new DataView(expected.buffer, expected.byteOffset).getUint16(8, true);
      assert.deepEqual(ours.subarray(0, hlen), expected.subarray(0, hlen), `${ref.file} header`);
      assert.deepEqual(ours, expected, `${ref.file} whole file`);
    }
  });

  test('numpy’s exact header text for (100, 50) float64', () => {
    const h = npyHeader('<f8', [100, 50]);
    const text = new TextDecoder().decode(h.subarray(10));
    assert.ok(text.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (100, 50), }" + ' '.repeat(18)));
    assert.equal(h.length, 128);
    assert.match(text, /^[^\n]*\n$/);
  });

  test('oneD writes shape (L,) for 1×L and L×1 matrices and refuses others', () => {
    const row = Matrix.fromRows([[3, 2, 1]]);
    const col = Matrix.fromRows([[3], [2], [1]]);
    for (const m of [row, col]) {
      const arr = parseNpy(writeNpy(m, { oneD: true }));
      assert.deepEqual(arr.shape, [3]);
      assert.deepEqual(Array.from(arr.data), [3, 2, 1]);
    }
    assert.deepEqual(parseNpy(writeNpy(col)).shape, [3, 1]);
    assertLowRankError(() => writeNpy(Matrix.zeros(2, 2), { oneD: true }), 'E_SHAPE', '2×2');
  });

  test('a subarray-backed matrix writes only its own elements', () => {
    const big = new Float64Array([9, 1, 2, 3, 4, 9]);
    const m = new Matrix(2, 2, big.subarray(1, 5));
    assert.deepEqual(readNpy(writeNpy(m)).toRows(), [[1, 2], [3, 4]]);
  });
});
