import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  SAFETENSORS_MAX_HEADER_BYTES,
  decodeFloats,
  encodeFloats,
  parseSafetensors,
  serializeSafetensors,
} from '../../src/io/safetensors.js';
import { bf16ToNumber, halfToNumber, numberToBf16, numberToHalf } from '../../src/io/weights-float16.js';
import { assertLowRankError } from '../helpers.js';
import { rawSafetensors } from './weights-fixtures.js';

test('safetensors: F64/F32/F16/BF16 round trip through serialize and parse, with metadata', () => {
  const values = [0, 1, -2.5, 0.1, 3e-5, 65504];
  const tensors = (['F64', 'F32', 'F16', 'BF16'] as const).map((dtype) => ({ name: `t.${dtype}`, dtype, shape: [2, 3], data: encodeFloats(values, dtype) }));
  const bytes = serializeSafetensors(tensors, { format: 'pt' });
  // The header is padded to a multiple of 8 (the reference writer's alignment).
  const n = new DataView(bytes.buffer).getUint32(0, true);
  assert.equal(n % 8, 0);
  const { header, data } = parseSafetensors(bytes, 'x.safetensors');
  assert.deepEqual(header.metadata, { format: 'pt' });
  assert.deepEqual(header.tensors.map((t) => [t.name, t.dtype, t.shape]), tensors.map((t) => [t.name, t.dtype, t.shape]));
  assert.deepEqual(Array.from(decodeFloats(data('t.F64'), 'F64')), values);
  assert.deepEqual(Array.from(decodeFloats(data('t.F32'), 'F32')), values.map(Math.fround));
  // Half and bfloat16 keep ~3 and ~2 significant digits; 65504 is the largest half.
  const f16 = Array.from(decodeFloats(data('t.F16'), 'F16'));
  const bf16 = Array.from(decodeFloats(data('t.BF16'), 'BF16'));
  values.forEach((v, i) => {
    assert.ok(Math.abs(f16[i] - v) <= Math.abs(v) * 2 ** -11 + 2 ** -24, `f16 ${v} → ${f16[i]}`);
    assert.ok(Math.abs(bf16[i] - v) <= Math.abs(v) * 2 ** -8, `bf16 ${v} → ${bf16[i]}`);
  });
});

test('half and bfloat16 bit patterns match IEEE / PyTorch (round to nearest even)', () => {
  assert.equal(numberToHalf(1), 0x3c00);
  assert.equal(numberToHalf(-2), 0xc000);
  assert.equal(numberToHalf(65504), 0x7bff);
  assert.equal(numberToHalf(65520), 0x7c00); // rounds up to +Inf, as numpy does
  assert.equal(numberToHalf(2 ** -24), 0x0001); // smallest subnormal
  assert.equal(numberToHalf(1 + 2 ** -11), 0x3c00); // tie → even
  assert.equal(numberToHalf(1 + 3 * 2 ** -11), 0x3c02); // tie → even (up)
  assert.ok(Number.isNaN(halfToNumber(numberToHalf(NaN))));
  assert.equal(numberToBf16(1), 0x3f80);
  assert.equal(numberToBf16(1 + 2 ** -8), 0x3f80); // tie → even
  assert.equal(numberToBf16(1 + 3 * 2 ** -8), 0x3f82);
  assert.equal(bf16ToNumber(0xc040), -3);
  assert.ok(Number.isNaN(bf16ToNumber(numberToBf16(NaN))));
  for (let h = 0; h < 0x7c00; h += 37) assert.equal(numberToHalf(halfToNumber(h)), h, `half ${h} round trip`);
});

test('safetensors header validation as the reference implementation (one line, naming tensor and byte offset)', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } };
  assert.equal(parseSafetensors(rawSafetensors(ok, 12)).header.tensors.length, 2);
  // overlap
  const overlap = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } };
  assertLowRankError(() => parseSafetensors(rawSafetensors(overlap, 12), 'm.safetensors'), 'E_FORMAT', "tensor 'b'", 'overlaps', "tensor 'a'", 'm.safetensors');
  // hole
  const hole = { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } };
  assertLowRankError(() => parseSafetensors(rawSafetensors(hole, 12)), 'E_FORMAT', "tensor 'b'", 'hole');
  // size mismatch with shape and dtype
  const size = { a: { dtype: 'F64', shape: [2], data_offsets: [0, 8] } };
  assertLowRankError(() => parseSafetensors(rawSafetensors(size, 8)), 'E_FORMAT', "tensor 'a'", 'needs 16');
  // out of range (truncated file)
  const past = { a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } };
  assertLowRankError(() => parseSafetensors(rawSafetensors(past, 8)), 'E_FORMAT', "tensor 'a'", 'past the end');
  // trailing bytes
  assertLowRankError(() => parseSafetensors(rawSafetensors(ok, 20)), 'E_FORMAT', 'trailing');
  // unknown dtype
  assertLowRankError(() => parseSafetensors(rawSafetensors({ a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, 16)), 'E_UNSUPPORTED', "tensor 'a'", "unknown dtype 'F128'");
  // header over the 100 MB cap (the length alone decides; nothing is allocated)
  const big = new Uint8Array(16);
  new DataView(big.buffer).setUint32(0, SAFETENSORS_MAX_HEADER_BYTES + 1, true);
  assertLowRankError(() => parseSafetensors(big), 'E_FORMAT', 'exceeds', 'byte 0');
  // header length past the end; not JSON; too short
  const short = new Uint8Array(16);
  new DataView(short.buffer).setUint32(0, 100, true);
  assertLowRankError(() => parseSafetensors(short), 'E_FORMAT', 'runs past the end');
  const notJson = rawSafetensors({}, 0);
  notJson[8] = 0x5b; // '[' … not an object / not JSON
  assertLowRankError(() => parseSafetensors(notJson), 'E_FORMAT', 'header');
  assertLowRankError(() => parseSafetensors(new Uint8Array(3)), 'E_FORMAT', 'shorter than the 8-byte header');
});
