/**
 * Positioned reads of row blocks from a `.npy` file that may be far larger than memory: the
 * header is parsed once ({@link parseNpyHeader}), then any range of rows is read with `fs.read`
 * at its byte offset — the whole matrix is never in memory. Node only (the `io/` file layer).
 *
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LowRankError } from '../core/errors.js';
import { Matrix, type DType } from '../core/matrix.js';
import { HttpRangeSource, isHttpUrl } from './http-range.js';
import { npyHeader, parseNpyHeader, type NpyHeader } from './npy.js';

/** Bytes read to find the header (numpy's headers are ≤ 64 KiB even for version 2.0 files in practice). */
const HEADER_PROBE_BYTES = 65536;

/** The shape and layout of a streamable `.npy` matrix. */
export interface NpyStreamInfo {
  /** The file, as named in messages. */
  path: string;
  /** n. */
  rows: number;
  /** m. */
  cols: number;
  /** float32 (`<f4`) or float64 (`<f8`). */
  dtype: DType;
  /** Byte offset of row 0. */
  dataStart: number;
  /** Bytes of one row: m · itemsize. */
  rowBytes: number;
}

/**
 * Reads and checks the header of a `.npy` file for row streaming: a 2-D, C-order, little-endian
 * float32 or float64 array whose data fills the file exactly.
 *
 * @throws {@link LowRankError} `E_IO` when the file cannot be opened; `E_FORMAT` for a bad header
 *   or a size that disagrees with the shape; `E_UNSUPPORTED` for Fortran order, big-endian or
 *   non-float dtypes (naming the conversion to do); `E_SHAPE` for a non-2-D array.
 * @example
 * ```ts
 * const info = npyStreamInfo('big.npy'); // { rows: 200000, cols: 10000, dtype: 'float32', … }
 * ```
 */
export function npyStreamInfo(path: string): NpyStreamInfo {
  return withHeader(path, (h, size) => matrixInfo(path, h, size));
}

/**
 * {@link npyStreamInfo} of a local path or of an `http(s)://` URL (whose header is read by a
 * `Range` request, see `http-range.ts`).
 * @throws {@link LowRankError} as {@link npyStreamInfo}; `E_IO` when the server fails or ignores Range.
 */
export async function npyStreamInfoOf(pathOrUrl: string): Promise<NpyStreamInfo> {
  if (!isHttpUrl(pathOrUrl)) return npyStreamInfo(pathOrUrl);
  const { source, head } = await HttpRangeSource.open(pathOrUrl, HEADER_PROBE_BYTES);
  return matrixInfo(pathOrUrl, parseNpyHeader(head, pathOrUrl), source.size);
}

function matrixInfo(path: string, h: NpyHeader, size: number): NpyStreamInfo {
  if (h.shape.length !== 2) throw new LowRankError('E_SHAPE', `${path}: streaming needs a 2-D array, got shape (${h.shape.join(', ')})`);
  if (h.fortranOrder) throw new LowRankError('E_UNSUPPORTED', `${path}: Fortran-order data cannot be streamed by rows; save it in C order (np.ascontiguousarray) or stream its transpose`);
  const dtype: DType | undefined = h.dtype.slice(1) === 'f4' ? 'float32' : h.dtype.slice(1) === 'f8' ? 'float64' : undefined;
  if (!dtype || !h.littleEndian) throw new LowRankError('E_UNSUPPORTED', `${path}: streaming reads little-endian float32 or float64 (<f4, <f8), got '${h.dtype}'; convert with a.astype('<f4')`);
  const [rows, cols] = h.shape;
  const rowBytes = cols * h.itemsize;
  checkSize(path, h, rows * rowBytes, size);
  return { path, rows, cols, dtype, dataStart: h.dataStart, rowBytes };
}

/** The element type and layout of a 1-D `.npy` vector read by ranges ({@link readNpyVector}). */
export interface NpyVectorInfo {
  /** The file, as named in messages. */
  path: string;
  /** Number of elements. */
  length: number;
  /** `<i4` or `<f8`. */
  dtype: 'int32' | 'float64';
  /** Byte offset of element 0. */
  dataStart: number;
}

/**
 * Reads and checks the header of a 1-D little-endian int32 or float64 `.npy` vector (such as the
 * arrays of a CSR matrix) whose data fills the file exactly.
 *
 * @throws {@link LowRankError} as {@link npyStreamInfo}, `E_SHAPE` for a non-1-D array.
 * @example
 * ```ts
 * npyVectorInfo('R.indptr.npy'); // { length: 611, dtype: 'int32', … }
 * ```
 */
export function npyVectorInfo(path: string): NpyVectorInfo {
  return withHeader(path, (h, size) => {
    if (h.shape.length !== 1) throw new LowRankError('E_SHAPE', `${path}: expected a 1-D array, got shape (${h.shape.join(', ')})`);
    const dtype = h.dtype === '<i4' ? 'int32' : h.dtype === '<f8' ? 'float64' : undefined;
    if (!dtype) throw new LowRankError('E_UNSUPPORTED', `${path}: expected '<i4' or '<f8', got '${h.dtype}'`);
    checkSize(path, h, h.shape[0] * h.itemsize, size);
    return { path, length: h.shape[0], dtype, dataStart: h.dataStart };
  });
}

/**
 * Elements [start, start + count) of a 1-D vector by one positioned read.
 * @throws {@link LowRankError} `E_ARG` for a range outside the vector; `E_IO` when the file is short.
 * @example
 * ```ts
 * const info = npyVectorInfo('R.values.npy');
 * const part = await readNpyVector(info, 100, 50); // Float64Array(50)
 * ```
 */
export async function readNpyVector(info: NpyVectorInfo, start: number, count: number): Promise<Int32Array | Float64Array> {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > info.length) {
    throw new LowRankError('E_ARG', `${info.path}: elements [${start}, ${start + count}) outside [0, ${info.length})`);
  }
  const itemsize = info.dtype === 'int32' ? 4 : 8;
  const bytes = new Uint8Array(count * itemsize);
  const handle = await open(info.path, 'r');
  try {
    await readAt(handle, bytes, info.dataStart + start * itemsize, info.path);
  } finally {
    await handle.close();
  }
  return info.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float64Array(bytes.buffer);
}

/** The bytes of a 1-D `.npy` file holding `a` (`<i4` or `<f8`). */
export function npyVectorBytes(a: Int32Array | Float64Array): Uint8Array {
  const header = npyHeader(a instanceof Int32Array ? '<i4' : '<f8', [a.length]);
  const out = new Uint8Array(header.length + a.byteLength);
  out.set(header);
  out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), header.length);
  return out;
}

function withHeader<T>(path: string, check: (h: NpyHeader, size: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new LowRankError('E_IO', `${path}: cannot open: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const size = fstatSync(fd).size;
    const probe = new Uint8Array(Math.min(size, HEADER_PROBE_BYTES));
    readFully(fd, probe, 0, path);
    return check(parseNpyHeader(probe, path), size);
  } finally {
    closeSync(fd);
  }
}

function checkSize(path: string, h: NpyHeader, dataBytes: number, size: number): void {
  const expected = h.dataStart + dataBytes;
  if (expected !== size) {
    throw new LowRankError('E_FORMAT', `${path}: shape (${h.shape.join(', ')}) of '${h.dtype}' needs ${expected} bytes from byte 0, the file has ${size}`);
  }
}

/** What a row reader reads from: a local file or an HTTP(S) range source. */
interface ByteSource {
  read(bytes: Uint8Array, position: number): Promise<void>;
  close(): Promise<void>;
}

async function readAt(handle: FileHandle, bytes: Uint8Array, position: number, path: string): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesRead } = await handle.read(bytes, done, bytes.length - done, position + done);
    if (bytesRead === 0) throw new LowRankError('E_IO', `${path}: unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
}

function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < into.length) {
    const got = readSync(fd, into, done, into.length - done, position + done);
    if (got === 0) throw new LowRankError('E_IO', `${path}: unexpected end of file at byte ${position + done}`);
    done += got;
  }
}

/**
 * Row blocks of a `.npy` matrix by positioned reads, one open file descriptor. Each read
 * allocates its own buffer (aligned, so the rows are a typed-array view, no copy).
 *
 * @example
 * ```ts
 * const r = await NpyRowReader.open('big.npy');
 * const block = await r.readRows(0, 4096); // 4096×m Matrix in the file's dtype
 * await r.close();
 * ```
 */
export class NpyRowReader {
  private constructor(readonly info: NpyStreamInfo, private readonly source: ByteSource) {}

  /**
   * Opens `path` for row reads: a local file, or an `http(s)://` URL read by Range requests.
   * @throws {@link LowRankError} as {@link npyStreamInfoOf}.
   */
  static async open(path: string): Promise<NpyRowReader> {
    if (isHttpUrl(path)) {
      const { source, head } = await HttpRangeSource.open(path, HEADER_PROBE_BYTES);
      return new NpyRowReader(matrixInfo(path, parseNpyHeader(head, path), source.size), source);
    }
    const info = npyStreamInfo(path);
    const handle = await open(path, 'r');
    return new NpyRowReader(info, { read: (bytes, position) => readAt(handle, bytes, position, path), close: () => handle.close() });
  }

  /**
   * Rows [start, start + count) as a count×m matrix.
   * @param into a buffer to read into (reused between blocks: no fresh zero-filled allocation per
   *   block); the matrix is a view on it, valid until the buffer is reused. Default: a new buffer.
   * @throws {@link LowRankError} `E_ARG` for a range outside [0, n) or a buffer too small; `E_IO`
   *   when the file is shorter than its header says.
   */
  async readRows(start: number, count: number, into?: ArrayBuffer): Promise<Matrix> {
    const { rows, cols, dtype, dataStart, rowBytes, path } = this.info;
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > rows) {
      throw new LowRankError('E_ARG', `${path}: rows [${start}, ${start + count}) outside [0, ${rows})`);
    }
    if (into && into.byteLength < count * rowBytes) throw new LowRankError('E_ARG', `${path}: read buffer of ${into.byteLength} bytes for ${count * rowBytes}`);
    const bytes = into ? new Uint8Array(into, 0, count * rowBytes) : new Uint8Array(count * rowBytes);
    await this.source.read(bytes, dataStart + start * rowBytes);
    const data = dtype === 'float32' ? new Float32Array(bytes.buffer, 0, count * cols) : new Float64Array(bytes.buffer, 0, count * cols);
    return new Matrix(count, cols, data);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.source.close();
  }
}
