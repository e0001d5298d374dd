/**
 * NumPy `.npy` reading and writing, on bytes (runs unchanged in a browser: no `fs`, `Buffer`,
 * `process` or `node:` imports; file access lives in `./files.ts`).
 *
 * Format reference: NEP 1 / `numpy.lib.format` — a 6-byte magic `\x93NUMPY`, a 2-byte version,
 * a little-endian header length (uint16 for 1.0, uint32 for 2.0 and 3.0), then an ASCII
 * (1.0, 2.0: latin-1; 3.0: UTF-8) Python dict literal `{'descr': …, 'fortran_order': …, 'shape': …}`
 * padded with spaces and a newline so the data starts on a 64-byte boundary, then the raw data.
 *
 * The header is parsed by hand as a tiny Python-literal grammar; nothing is ever evaluated, and
 * object (pickle) arrays are refused from the header alone, before the data is looked at.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix, type FloatArray } from '../core/matrix.js';
import { formatShape, latin1, parseHeaderDict, reprBytes, reprPy, reprStr, truncate, type PyValue } from './npy-header-dict.js';
import { halfToNumber } from './weights-float16.js';

/** A decoded `.npy` array, any number of dimensions, always row-major in `data`. */
export interface NpyArray {
  /** Dimensions as in numpy (`[]` for 0-D, `[L]` for 1-D, `[n, m]` for 2-D, …). */
  shape: number[];
  /** The numpy dtype descriptor as written in the file, e.g. `'<f8'`, `'>i4'`, `'|b1'`. */
  dtype: string;
  /**
   * True when the file stored the data in Fortran (column-major) order. `data` is transposed
   * into row-major (C) order on read either way; this only reports what the file held.
   */
  fortranOrder: boolean;
  /**
   * The elements in row-major order: float32 files give a `Float32Array` (kept as they are),
   * every other supported dtype (float64, float16, int8…int64, uint8…uint64, bool) a
   * `Float64Array`. int64/uint64 beyond ±2^53 round to the nearest double.
   */
  data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy's `ARRAY_ALIGN`: the header is padded so that data starts on this boundary. */
const ARRAY_ALIGN = 64;
/** numpy's `GROWTH_AXIS_MAX_DIGITS`: spare header spaces numpy leaves for growing the first axis. */
const GROWTH_AXIS_MAX_DIGITS = 21;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// Reading

/** What {@link parseNpyHeader} reads from a `.npy` header: enough to read the data in pieces. */
export interface NpyHeader {
  /** Dimensions as in numpy. */
  shape: number[];
  /** The dtype descriptor as written, e.g. `'<f4'`. */
  dtype: string;
  /** Bytes per element. */
  itemsize: number;
  /** Whether the elements are little-endian (or single bytes). */
  littleEndian: boolean;
  /** True for column-major (Fortran) data. */
  fortranOrder: boolean;
  /** Byte offset of the first element. */
  dataStart: number;
}

/**
 * Parses only the header of a `.npy` file (magic, version, dict) from its first bytes — the
 * data need not be present, so a reader can take a huge file in positioned pieces.
 *
 * @param bytes the file's first bytes (at least through the header).
 * @throws {@link LowRankError} as {@link parseNpy} for everything before the data.
 * @example
 * ```ts
 * const h = parseNpyHeader(firstKiB, 'big.npy'); // h.shape [200000, 10000], h.dataStart 128
 * ```
 */
export function parseNpyHeader(bytes: Uint8Array, source = '<bytes>'): NpyHeader {
  const h = parseHeaderPart(bytes, source);
  return { shape: h.shape, dtype: h.dt.descr, itemsize: h.dt.itemsize, littleEndian: h.dt.little, fortranOrder: h.header.fortranOrder, dataStart: h.dataStart };
}

function parseHeaderPart(bytes: Uint8Array, source: string): { shape: number[]; dt: DType; header: { fortranOrder: boolean }; dataStart: number } {
  // magic + version
  for (let i = 0; i < MAGIC.length; i++) {
    if (i >= bytes.length) {
      throw new LowRankError('E_FORMAT', `${source}: not a .npy file: ${bytes.length} bytes, too short for the magic string \\x93NUMPY at byte 0`);
    }
    if (bytes[i] !== MAGIC[i]) {
      throw new LowRankError('E_FORMAT', `${source}: not a .npy file: bad magic at byte ${i} (expected \\x93NUMPY at byte 0, got ${reprBytes(bytes.subarray(0, 6))})`);
    }
  }
  if (bytes.length < 8) {
    throw new LowRankError('E_FORMAT', `${source}: file ends at byte ${bytes.length}, inside the .npy version at byte 6`);
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw new LowRankError('E_FORMAT', `${source}: unknown .npy version ${major}.${minor} at byte 6 (supported: 1.0, 2.0, 3.0)`);
  }
  const lenBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lenBytes;
  if (bytes.length < headerStart) {
    throw new LowRankError('E_FORMAT', `${source}: file ends at byte ${bytes.length}, inside the .npy header length at byte 8`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) {
    throw new LowRankError('E_FORMAT', `${source}: header length ${headerLen} at byte 8 runs past the end of the file (header would end at byte ${dataStart}, file has ${bytes.length} bytes)`);
  }

  // header dict
  const headerBytes = bytes.subarray(headerStart, dataStart);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    } catch {
      throw new LowRankError('E_FORMAT', `${source}: malformed .npy header at byte ${headerStart}: not valid UTF-8`);
    }
  } else {
    text = latin1(headerBytes);
  }
  const byteAt = (charIndex: number): number =>
    headerStart + (major === 3 ? new TextEncoder().encode(text.slice(0, charIndex)).length : charIndex);
  const header = parseHeaderDict(text, source, byteAt);

  // dtype (checked from the header alone, before the data is looked at)
  const dt = parseDescr(header.descr, source, byteAt(header.descrAt));
  const shape = header.shape;

  return { shape, dt, header, dataStart };
}

/**
 * Decodes a `.npy` file held in memory.
 *
 * Supported: header versions 1.0, 2.0 and 3.0; byte orders `<`, `>`, `|` and `=` (native, taken
 * as little-endian); C and Fortran order (Fortran data is transposed into row-major);
 * dtypes float32 (→ `Float32Array`), float64, float16 (half precision incl. subnormals, ±inf,
 * NaN), int8/16/32/64, uint8/16/32/64 and bool (→ `Float64Array`).
 *
 * The element count times the item size is computed (exactly, with BigInt) and checked against
 * the bytes present before anything is allocated, so a hostile shape cannot trigger a huge
 * allocation.
 *
 * @param bytes the whole file.
 * @param source names the file in error messages (a path or `'<bytes>'`).
 * @param options.copy `false` lets little-endian float32/float64 C-order data that is aligned in
 *   `bytes` be returned as a view on `bytes` instead of a copy (no second buffer for a large file;
 *   the caller must then not reuse `bytes`). Default `true`: the result never aliases `bytes`.
 * @throws {@link LowRankError} `E_FORMAT` naming `source` and the byte offset: bad magic, unknown
 *   version, header length past the end of the file, malformed header, data truncated (expected
 *   vs actual bytes) or extra bytes after the data (the shape disagrees with the data).
 * @throws {@link LowRankError} `E_UNSUPPORTED` for object/pickle arrays ("object arrays (pickle) are
 *   refused, never executed"), complex, structured, string, datetime and other dtypes, naming the dtype.
 * @example
 * ```ts
 * const arr = parseNpy(bytes, 'U.npy');
 * arr.shape; // [100, 10]
 * arr.dtype; // '<f4'
 * ```
 */
export function parseNpy(bytes: Uint8Array, source = '<bytes>', options: { copy?: boolean } = {}): NpyArray {
  const { shape, dt, header, dataStart } = parseHeaderPart(bytes, source);
  // sizes, checked before allocating
  const count = shape.reduce((acc, d) => acc * BigInt(d), 1n);
  const needed = count * BigInt(dt.itemsize);
  const available = bytes.length - dataStart;
  const shapeText = formatShape(shape);
  if (needed > BigInt(available)) {
    throw new LowRankError('E_FORMAT', `${source}: data truncated: shape ${shapeText} of '${dt.descr}' needs ${needed} bytes from byte ${dataStart}, only ${available} remain`);
  }
  if (needed < BigInt(available)) {
    throw new LowRankError('E_FORMAT', `${source}: ${BigInt(available) - needed} extra bytes after the data at byte ${dataStart + Number(needed)}: shape ${shapeText} of '${dt.descr}' needs ${needed} bytes, the file holds ${available}`);
  }

  const n = Number(count);
  let data = options.copy === false && !header.fortranOrder ? viewOf(bytes.subarray(dataStart), n, dt) ?? decode(bytes.subarray(dataStart), n, dt) : decode(bytes.subarray(dataStart), n, dt);
  if (header.fortranOrder && shape.length > 1) data = fortranToC(data, shape);
  return { shape, dtype: dt.descr, fortranOrder: header.fortranOrder, data };
}

/**
 * Turns a decoded array into a {@link Matrix}, keeping its float32/float64 storage.
 *
 * Convention: a 2-D array of shape (n, m) is an n×m matrix; a 1-D array of length L becomes a
 * **1×L row** (numpy's `np.atleast_2d`; e.g. a saved vector of singular values reads as one row).
 *
 * @throws {@link LowRankError} `E_SHAPE` for 0-D and ≥3-D arrays, naming `source` and the shape
 *   ("expected a 1-D or 2-D array, got shape (2, 3, 4)").
 */
export function npyToMatrix(arr: NpyArray, source: string): Matrix {
  const { shape, data } = arr;
  if (shape.length === 2) return new Matrix(shape[0], shape[1], data);
  if (shape.length === 1) return new Matrix(1, shape[0], data);
  throw new LowRankError('E_SHAPE', `${source}: expected a 1-D or 2-D array, got shape ${formatShape(shape)}`);
}

/**
 * Reads a `.npy` file held in memory as a {@link Matrix}: `npyToMatrix(parseNpy(bytes, source), source)`.
 * float32 files give float32 matrices; all other supported dtypes give float64.
 *
 * @param options.copy as {@link parseNpy} (default `true`).
 * @throws {@link LowRankError} as {@link parseNpy} and {@link npyToMatrix}.
 * @example
 * ```ts
 * const a = readNpy(new Uint8Array(await (await fetch('U.npy')).arrayBuffer()), 'U.npy');
 * ```
 */
export function readNpy(bytes: Uint8Array, source = '<bytes>', options: { copy?: boolean } = {}): Matrix {
  return npyToMatrix(parseNpy(bytes, source, options), source);
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Encodes a matrix as a `.npy` file: little-endian `'<f4'` or `'<f8'` by the matrix dtype,
 * C order, version 1.0 header formatted byte-for-byte as numpy ≥ 1.x writes it (sorted keys,
 * `repr` of the shape, 21 − digits spare spaces, padded with spaces and a final `'\n'` so magic +
 * version + length + dict is a multiple of 64 bytes).
 *
 * @param options.oneD write shape `(L,)` instead of `(1, L)` / `(L, 1)` (e.g. singular values).
 * @throws {@link LowRankError} `E_SHAPE` when `oneD` is asked for a matrix with neither dimension 1.
 * @example
 * ```ts
 * const bytes = writeNpy(Matrix.fromRows([[1, 2], [3, 4]])); // np.load gives array([[1., 2.], [3., 4.]])
 * ```
 */
export function writeNpy(a: Matrix, options: { oneD?: boolean } = {}): Uint8Array {
  let shape: number[];
  if (options.oneD) {
    if (a.rows !== 1 && a.cols !== 1) {
      throw new LowRankError('E_SHAPE', `writeNpy oneD needs a 1×L or L×1 matrix, got ${a.rows}×${a.cols}`);
    }
    shape = [a.rows === 1 ? a.cols : a.rows];
  } else {
    shape = [a.rows, a.cols];
  }
  const f32 = a.data instanceof Float32Array;
  const header = npyHeader(f32 ? '<f4' : '<f8', shape);
  const out = new Uint8Array(header.length + a.data.byteLength);
  out.set(header, 0);
  writeLittleEndian(a.data, out, header.length);
  return out;
}

/**
 * The version 1.0 `.npy` header (magic through the final `'\n'`) numpy writes for a C-order
 * array of the given descriptor and shape; its length is a multiple of 64.
 * Exposed for writers of containers such as `.npz`.
 *
 * @throws {@link LowRankError} `E_ARG` when the header would not fit version 1.0 (over 65535 bytes).
 */
export function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${formatShape(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const hlen = dict.length + 1; // + '\n'
  const padlen = ARRAY_ALIGN - ((MAGIC.length + 2 + 2 + hlen) % ARRAY_ALIGN);
  const total = hlen + padlen;
  if (total > 0xffff) throw new LowRankError('E_ARG', `npy header of ${total} bytes does not fit version 1.0`);
  const out = new Uint8Array(10 + total);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = total & 0xff;
  out[9] = total >>> 8;
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  out.fill(0x20, 10 + dict.length, out.length - 1);
  out[out.length - 1] = 0x0a;
  return out;
}

function writeLittleEndian(data: FloatArray, out: Uint8Array, offset: number): void {
  if (HOST_LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, data.byteLength);
  if (data instanceof Float32Array) for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  else for (let i = 0; i < data.length; i++) view.setFloat64(8 * i, data[i], true);
}

// ---------------------------------------------------------------------------------------------
// dtype handling

interface DType {
  descr: string;
  kind: 'f' | 'i' | 'u' | 'b';
  itemsize: number;
  little: boolean;
}

function parseDescr(value: PyValue, source: string, at: number): DType {
  if (value.k === 'list' || value.k === 'tuple') {
    throw new LowRankError('E_UNSUPPORTED', `${source}: structured dtype ${truncate(reprPy(value), 60)} at byte ${at} is not supported (plain numeric arrays only)`);
  }
  if (value.k !== 'str') {
    throw new LowRankError('E_FORMAT', `${source}: malformed .npy header at byte ${at}: 'descr' must be a string, got ${truncate(reprPy(value), 40)}`);
  }
  const descr = value.v;
  const shown = reprStr(descr);
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(descr);
  const kind = m ? m[2] : descr.replace(/^[<>|=]/, '').charAt(0);
  if (kind === 'O') {
    throw new LowRankError('E_UNSUPPORTED', `${source}: dtype ${shown} at byte ${at}: object arrays (pickle) are refused, never executed`);
  }
  const unsupported = (what: string): never => {
    throw new LowRankError('E_UNSUPPORTED', `${source}: ${what} dtype ${shown} at byte ${at} is not supported (real numeric arrays only)`);
  };
  if (kind === 'c') unsupported('complex');
  if (kind === 'U' || kind === 'S' || kind === 'a') unsupported('string');
  if (kind === 'V') unsupported('void/structured');
  if (kind === 'M' || kind === 'm') unsupported('datetime');
  if (!m) unsupported('unknown');
  const order = m![1];
  const size = m![3] === '' ? NaN : Number(m![3]);
  const little = order !== '>';
  if (kind === 'f' && (size === 2 || size === 4 || size === 8)) return { descr, kind: 'f', itemsize: size, little };
  if ((kind === 'i' || kind === 'u') && (size === 1 || size === 2 || size === 4 || size === 8)) return { descr, kind, itemsize: size, little };
  if ((kind === 'b' && size === 1) || (kind === '?' && (size === 1 || Number.isNaN(size)))) return { descr, kind: 'b', itemsize: 1, little };
  if (kind === 'f' && !Number.isNaN(size)) unsupported(`float${size * 8}`);
  return unsupported('unknown');
}

/** A zero-copy view of native-endian float32/float64 data aligned in `src`, or null. */
function viewOf(src: Uint8Array, n: number, dt: DType): Float32Array | Float64Array | null {
  if (dt.kind !== 'f' || dt.little !== HOST_LITTLE_ENDIAN || n === 0) return null;
  if (dt.itemsize === 8 && src.byteOffset % 8 === 0) return new Float64Array(src.buffer, src.byteOffset, n);
  if (dt.itemsize === 4 && src.byteOffset % 4 === 0) return new Float32Array(src.buffer, src.byteOffset, n);
  return null;
}

function decode(src: Uint8Array, n: number, dt: DType): Float32Array | Float64Array {
  const { kind, itemsize, little } = dt;
  if (kind === 'f' && itemsize === 4) {
    const out = new Float32Array(n);
    if (little === HOST_LITTLE_ENDIAN) {
      new Uint8Array(out.buffer).set(src.subarray(0, 4 * n));
    } else {
      const v = view(src);
      for (let i = 0; i < n; i++) out[i] = v.getFloat32(4 * i, little);
    }
    return out;
  }
  const out = new Float64Array(n);
  if (n === 0) return out;
  if (kind === 'f' && itemsize === 8) {
    if (little === HOST_LITTLE_ENDIAN) {
      new Uint8Array(out.buffer).set(src.subarray(0, 8 * n));
    } else {
      const v = view(src);
      for (let i = 0; i < n; i++) out[i] = v.getFloat64(8 * i, little);
    }
    return out;
  }
  if (kind === 'b') {
    for (let i = 0; i < n; i++) out[i] = src[i] !== 0 ? 1 : 0;
    return out;
  }
  const v = view(src);
  if (kind === 'f') {
    for (let i = 0; i < n; i++) out[i] = halfToNumber(v.getUint16(2 * i, little));
    return out;
  }
  const signed = kind === 'i';
  switch (itemsize) {
    case 1:
      if (signed) for (let i = 0; i < n; i++) out[i] = v.getInt8(i);
      else for (let i = 0; i < n; i++) out[i] = src[i];
      break;
    case 2:
      if (signed) for (let i = 0; i < n; i++) out[i] = v.getInt16(2 * i, little);
      else for (let i = 0; i < n; i++) out[i] = v.getUint16(2 * i, little);
      break;
    case 4:
      if (signed) for (let i = 0; i < n; i++) out[i] = v.getInt32(4 * i, little);
      else for (let i = 0; i < n; i++) out[i] = v.getUint32(4 * i, little);
      break;
    default:
      if (signed) for (let i = 0; i < n; i++) out[i] = Number(v.getBigInt64(8 * i, little));
      else for (let i = 0; i < n; i++) out[i] = Number(v.getBigUint64(8 * i, little));
  }
  return out;
}

function view(src: Uint8Array): DataView {
  return new DataView(src.buffer, src.byteOffset, src.byteLength);
}

/** Reorders column-major (Fortran) data of `shape` into row-major. */
function fortranToC<T extends Float32Array | Float64Array>(src: T, shape: readonly number[]): T {
  if (shape.length === 2) {
    // Fortran (r, c) data is the row-major c×r transpose.
    return new Matrix(shape[1], shape[0], src).transpose().data as T;
  }
  const nd = shape.length;
  const out = new (src.constructor as { new (n: number): T })(src.length);
  if (src.length === 0) return out;
  const fstride: number[] = [];
  let s = 1;
  for (let k = 0; k < nd; k++) {
    fstride.push(s);
    s *= shape[k];
  }
  const idx = new Array<number>(nd).fill(0);
  let f = 0;
  for (let c = 0; c < src.length; c++) {
    out[c] = src[f];
    for (let k = nd - 1; k >= 0; k--) {
      idx[k]++;
      f += fstride[k];
      if (idx[k] < shape[k]) break;
      f -= fstride[k] * shape[k];
      idx[k] = 0;
    }
  }
  return out;
}
