/**
 * safetensors reading and writing on bytes (runs unchanged in a browser; the Node layer that
 * reads tensors one at a time by offset is `./weights-files.ts`).
 *
 * Format (huggingface/safetensors): 8 bytes little-endian u64 N, then N bytes of UTF-8 JSON
 * `{"NAME": {"dtype": "F32", "shape": [..], "data_offsets": [BEGIN, END]}, …,
 * "__metadata__": {"k": "v"}}` (padded with spaces), then the data; offsets are relative to
 * the byte after the header. Validation follows the reference implementation
 * (`safetensors::tensor::SafeTensors::read_metadata` / `Metadata::validate`): N ≤ 100 MB and
 * within the file, the header a JSON object, every dtype known, tensors contiguous when sorted
 * by offset (the first at 0, each starting where the previous ends: no holes, no overlaps), each
 * tensor's byte length equal to its element count times its dtype's size, and the last tensor
 * ending exactly at the end of the file.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { bf16ToNumber, halfToNumber, numberToBf16, numberToHalf } from './weights-float16.js';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The reference implementation's cap on the JSON header (`MAX_HEADER_SIZE`, 100 000 000 bytes). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype the format defines (`F8_*` are one byte; `BOOL` one byte). */
export const SAFETENSORS_DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
} as const;

/** A safetensors dtype name. */
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPE_BYTES;

/** The floating-point dtypes lowrank decodes, approximates and writes. */
export const SAFETENSORS_FLOAT_DTYPES: readonly SafetensorsDtype[] = ['F16', 'BF16', 'F32', 'F64'];

/** One tensor of a safetensors header. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  /** Dimensions (`[]` for a scalar). */
  shape: number[];
  /** Byte range in the data section, relative to its start. */
  begin: number;
  end: number;
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** The tensors, in the order of their offsets. */
  tensors: SafetensorsEntry[];
  /** `__metadata__` (string → string), or null when absent. */
  metadata: Record<string, string> | null;
  /** File offset of the data section (8 + N). */
  dataStart: number;
}

/**
 * Reads N, the header length, from the first 8 bytes of a file of `fileSize` bytes.
 *
 * @throws {@link LowRankError} `E_FORMAT` when the file is shorter than 8 bytes, N exceeds
 *   {@link SAFETENSORS_MAX_HEADER_BYTES} or N runs past the end of the file (naming byte 0).
 * @example
 * ```ts
 * const n = safetensorsHeaderLength(bytes.subarray(0, 8), bytes.length, 'model.safetensors');
 * ```
 */
export function safetensorsHeaderLength(first8: Uint8Array, fileSize: number, source: string): number {
  if (first8.length < 8 || fileSize < 8) {
    throw new LowRankError('E_FORMAT', `${source}: not a safetensors file: ${fileSize} bytes, shorter than the 8-byte header length at byte 0`);
  }
  const view = new DataView(first8.buffer, first8.byteOffset, 8);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > SAFETENSORS_MAX_HEADER_BYTES) {
    throw new LowRankError('E_FORMAT', `${source}: header length ${n} at byte 0 exceeds the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit of safetensors`);
  }
  if (8 + n > fileSize) {
    throw new LowRankError('E_FORMAT', `${source}: header length ${n} at byte 0 runs past the end of the ${fileSize}-byte file`);
  }
  return n;
}

/**
 * Parses and validates the JSON header (the N bytes after the length) of a file of `fileSize`
 * bytes, as the reference implementation does (see the module comment).
 *
 * @throws {@link LowRankError} `E_FORMAT` naming the file, the tensor and the byte offset: header
 *   not UTF-8 JSON / not an object; an entry without a valid `dtype`, `shape` or `data_offsets`;
 *   a hole or overlap between tensors; a tensor whose byte length disagrees with its shape and
 *   dtype; data ending before or after the file does. `E_UNSUPPORTED` for an unknown dtype.
 * @example
 * ```ts
 * const h = parseSafetensorsHeader(bytes.subarray(8, 8 + n), bytes.length, 'model.safetensors');
 * h.tensors[0]; // { name: 'fc1.weight', dtype: 'F32', shape: [1024, 784], begin: 0, end: 3211264 }
 * ```
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileSize: number, source: string): SafetensorsHeader {
  const dataStart = 8 + headerBytes.length;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new LowRankError('E_FORMAT', `${source}: the header at bytes 8–${dataStart} is not UTF-8 JSON (${why})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new LowRankError('E_FORMAT', `${source}: the header at byte 8 is not a JSON object`);
  }
  let metadata: Record<string, string> | null = null;
  const tensors: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
        throw new LowRankError('E_FORMAT', `${source}: __metadata__ in the header at byte 8 must map strings to strings`);
      }
      metadata = value as Record<string, string>;
      continue;
    }
    tensors.push(parseEntry(name, value, source));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: string | null = null;
  const dataSize = fileSize - dataStart;
  for (const t of tensors) {
    if (t.begin !== at) {
      const what = t.begin > at ? `leaves a hole of ${t.begin - at} bytes after` : `overlaps`;
      throw new LowRankError(
        'E_FORMAT',
        `${source}: tensor '${t.name}' starts at byte ${dataStart + t.begin} (data_offsets [${t.begin}, ${t.end}]) and ${what} ${prev === null ? 'the start of the data' : `tensor '${prev}'`}, which ends at byte ${dataStart + at}`,
      );
    }
    const expected = elementCount(t.shape) * SAFETENSORS_DTYPE_BYTES[t.dtype];
    if (t.end - t.begin !== expected) {
      throw new LowRankError(
        'E_FORMAT',
        `${source}: tensor '${t.name}' at byte ${dataStart + t.begin} has ${t.end - t.begin} bytes but its shape [${t.shape.join(', ')}] of ${t.dtype} needs ${expected}`,
      );
    }
    if (t.end > dataSize) {
      throw new LowRankError('E_FORMAT', `${source}: tensor '${t.name}' ends at byte ${dataStart + t.end}, past the end of the ${fileSize}-byte file (truncated)`);
    }
    at = t.end;
    prev = t.name;
  }
  if (at !== dataSize) {
    throw new LowRankError('E_FORMAT', `${source}: the tensors end at byte ${dataStart + at} but the file has ${fileSize} bytes (${fileSize - dataStart - at} trailing bytes)`);
  }
  return { tensors, metadata, dataStart };
}

function parseEntry(name: string, value: unknown, source: string): SafetensorsEntry {
  const bad = (what: string): LowRankError => new LowRankError('E_FORMAT', `${source}: tensor '${name}' in the header at byte 8: ${what}`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad('not an object with dtype, shape and data_offsets');
  const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof v.dtype !== 'string') throw bad('missing dtype');
  if (!Object.hasOwn(SAFETENSORS_DTYPE_BYTES, v.dtype)) {
    throw new LowRankError('E_UNSUPPORTED', `${source}: tensor '${name}' in the header at byte 8 has unknown dtype '${v.dtype}' (known: ${Object.keys(SAFETENSORS_DTYPE_BYTES).join(', ')})`);
  }
  if (!Array.isArray(v.shape) || !v.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw bad('shape must be a list of non-negative integers');
  const off = v.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[1] < off[0]) {
    throw bad('data_offsets must be [begin, end] with 0 ≤ begin ≤ end');
  }
  return { name, dtype: v.dtype as SafetensorsDtype, shape: v.shape as number[], begin: off[0] as number, end: off[1] as number };
}

/** The number of elements of a shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Parses a whole safetensors file held in memory: the header and a view of each tensor's bytes.
 *
 * @throws {@link LowRankError} as {@link safetensorsHeaderLength} and {@link parseSafetensorsHeader}.
 * @example
 * ```ts
 * const { header, data } = parseSafetensors(bytes, 'adapter_model.safetensors');
 * const w = decodeFloats(data('lora_A.weight'), 'F32');
 * ```
 */
export function parseSafetensors(bytes: Uint8Array, source = '<bytes>'): { header: SafetensorsHeader; data: (name: string) => Uint8Array } {
  const n = safetensorsHeaderLength(bytes.subarray(0, 8), bytes.length, source);
  const header = parseSafetensorsHeader(bytes.subarray(8, 8 + n), bytes.length, source);
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  return {
    header,
    data: (name: string) => {
      const t = byName.get(name);
      if (!t) throw new LowRankError('E_ARG', `${source}: no tensor '${name}'`);
      return bytes.subarray(header.dataStart + t.begin, header.dataStart + t.end);
    },
  };
}

/**
 * Decodes little-endian float data: `F64` → `Float64Array`, `F32`/`F16`/`BF16` → `Float32Array`
 * (half-precision values are exact in float32). The result never aliases `bytes`.
 *
 * @throws {@link LowRankError} `E_UNSUPPORTED` for non-float dtypes (integers, bool, float8).
 * @example
 * ```ts
 * decodeFloats(Uint8Array.of(0x80, 0x3f), 'BF16'); // Float32Array [1]
 * ```
 */
export function decodeFloats(bytes: Uint8Array, dtype: SafetensorsDtype, what = 'tensor'): Float32Array | Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F64': {
      if (HOST_LITTLE_ENDIAN) return new Float64Array(bytes.slice().buffer);
      const out = new Float64Array(bytes.byteLength / 8);
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    }
    case 'F32': {
      if (HOST_LITTLE_ENDIAN) return new Float32Array(bytes.slice().buffer);
      const out = new Float32Array(bytes.byteLength / 4);
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(bytes.byteLength / 2);
      for (let i = 0; i < out.length; i++) out[i] = halfToNumber(view.getUint16(2 * i, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(bytes.byteLength / 2);
      for (let i = 0; i < out.length; i++) out[i] = bf16ToNumber(view.getUint16(2 * i, true));
      return out;
    }
    default:
      throw new LowRankError('E_UNSUPPORTED', `${what}: dtype ${dtype} is not a floating-point type lowrank approximates (${SAFETENSORS_FLOAT_DTYPES.join(', ')})`);
  }
}

/**
 * Encodes numbers as little-endian `F64`, `F32`, `F16` or `BF16` (round to nearest even).
 *
 * @throws {@link LowRankError} `E_UNSUPPORTED` for other dtypes.
 * @example
 * ```ts
 * encodeFloats([1], 'BF16'); // Uint8Array [0x80, 0x3f]
 * ```
 */
export function encodeFloats(values: ArrayLike<number>, dtype: SafetensorsDtype): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n * SAFETENSORS_DTYPE_BYTES[dtype]);
  const view = new DataView(out.buffer);
  switch (dtype) {
    case 'F64':
    case 'F32': {
      if (HOST_LITTLE_ENDIAN) {
        new (dtype === 'F64' ? Float64Array : Float32Array)(out.buffer).set(values);
        return out;
      }
      for (let i = 0; i < n; i++) {
        if (dtype === 'F64') view.setFloat64(8 * i, values[i], true);
        else view.setFloat32(4 * i, values[i], true);
      }
      return out;
    }
    case 'F16':
      for (let i = 0; i < n; i++) view.setUint16(2 * i, numberToHalf(values[i]), true);
      return out;
    case 'BF16':
      for (let i = 0; i < n; i++) view.setUint16(2 * i, numberToBf16(values[i]), true);
      return out;
    default:
      throw new LowRankError('E_UNSUPPORTED', `cannot encode floats as ${dtype}`);
  }
}

/** A tensor to write: its dtype, shape and byte length (the data itself may come later). */
export interface SafetensorsSpec {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
}

/**
 * The bytes that precede the data of a safetensors file holding `specs` in this order: the
 * 8-byte length and the JSON header, padded with spaces to a multiple of 8 as the reference
 * writer does (so 8-byte dtypes stay aligned). Each tensor's data must follow in the same order.
 *
 * @returns the prefix and each tensor's byte length.
 * @throws {@link LowRankError} `E_ARG` on a duplicate name or the reserved name `__metadata__`.
 * @example
 * ```ts
 * const { prefix } = safetensorsPrefix([{ name: 'w', dtype: 'F32', shape: [2, 2] }]);
 * ```
 */
export function safetensorsPrefix(specs: readonly SafetensorsSpec[], metadata?: Record<string, string> | null): { prefix: Uint8Array; sizes: number[] } {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let at = 0;
  const sizes: number[] = [];
  for (const s of specs) {
    if (s.name === '__metadata__' || Object.hasOwn(header, s.name)) {
      throw new LowRankError('E_ARG', `safetensors: tensor name '${s.name}' is ${s.name === '__metadata__' ? 'reserved' : 'used twice'}`);
    }
    const size = elementCount(s.shape) * SAFETENSORS_DTYPE_BYTES[s.dtype];
    header[s.name] = { dtype: s.dtype, shape: [...s.shape], data_offsets: [at, at + size] };
    sizes.push(size);
    at += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = Math.ceil(json.length / 8) * 8;
  const prefix = new Uint8Array(8 + n).fill(0x20, 8);
  new DataView(prefix.buffer).setUint32(0, n, true);
  prefix.set(json, 8);
  return { prefix, sizes };
}

/** A tensor with its data, for {@link serializeSafetensors}. */
export interface SafetensorsTensor extends SafetensorsSpec {
  /** Raw little-endian bytes, `elementCount(shape) · size(dtype)` long. */
  data: Uint8Array;
}

/**
 * A whole safetensors file in memory.
 *
 * @throws {@link LowRankError} `E_SHAPE` when a tensor's bytes disagree with its shape and dtype;
 *   `E_ARG` as {@link safetensorsPrefix}.
 * @example
 * ```ts
 * const bytes = serializeSafetensors([{ name: 'w', dtype: 'F32', shape: [1], data: encodeFloats([1], 'F32') }]);
 * ```
 */
export function serializeSafetensors(tensors: readonly SafetensorsTensor[], metadata?: Record<string, string> | null): Uint8Array {
  const { prefix, sizes } = safetensorsPrefix(tensors, metadata);
  let total = prefix.length;
  tensors.forEach((t, i) => {
    if (t.data.byteLength !== sizes[i]) {
      throw new LowRankError('E_SHAPE', `safetensors: tensor '${t.name}' has ${t.data.byteLength} bytes, its shape [${t.shape.join(', ')}] of ${t.dtype} needs ${sizes[i]}`);
    }
    total += sizes[i];
  });
  const out = new Uint8Array(total);
  out.set(prefix, 0);
  let at = prefix.length;
  for (const t of tensors) {
    out.set(t.data, at);
    at += t.data.byteLength;
  }
  return out;
}
