/**
 * NumPy `.npz` reading and writing, on bytes (runs unchanged in a browser: no `fs`, `Buffer`,
 * `process` or `node:` imports; file access lives in `./files.ts`).
 *
 * An `.npz` is a ZIP archive whose members are `.npy` files, one per array: `np.savez` stores them
 * uncompressed (method 0), `np.savez_compressed` deflates them (method 8), and numpy writes ZIP64
 * records (`force_zip64=True`). `np.load(f)[name]` names each array by its member name without the
 * `.npy` suffix; {@link parseNpz} does the same.
 *
 * The ZIP container is read here from its central directory (the authoritative sizes, as Python's
 * `zipfile` does), every offset checked against the bytes present, every member's CRC-32 checked,
 * and each declared uncompressed size checked against the most DEFLATE can expand (1032:1) before
 * anything is allocated from it. Only inflating is delegated, to `fflate`'s `inflateSync`.
 *
 * @module
 */
import { inflateSync, deflateSync } from 'fflate';

import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { npyHeader, npyToMatrix, parseNpy, type NpyArray } from './npy.js';

/** ZIP compression of {@link writeNpz}: `'deflate'` as `np.savez_compressed`, `'store'` as `np.savez`. */
export type NpzCompression = 'store' | 'deflate';

/**
 * Default compression of {@link writeNpz}: `'store'`, as `np.savez` — float data barely compresses
 * (a few percent) while deflating costs far more time than writing; ask for `'deflate'` for
 * sparse-ish or integer data.
 */
export const DEFAULT_NPZ_COMPRESSION: NpzCompression = 'store';

/**
 * Largest expansion DEFLATE can achieve (RFC 1951: a 258-byte match costs at least 2 bits, so at
 * most ≈ 1032 output bytes per input byte). A member claiming more is corrupt or hostile, and is
 * refused before its output buffer is allocated.
 */
const MAX_DEFLATE_RATIO = 1032;

/** Integer and float typed arrays {@link writeNpz} can store. */
export type NpzTypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/**
 * One array to write with {@link writeNpz}: a {@link Matrix} (2-D, `'<f4'`/`'<f8'` by its dtype) or
 * an n-D typed array in row-major order. `dtype` defaults from the typed array (`Float32Array` →
 * `'<f4'`, `Int32Array` → `'<i4'`, `Uint8Array` → `'|u1'`, `BigInt64Array` → `'<i8'`, …); give it to
 * store raw bits of another dtype of the same item size (`'<f2'` with a `Uint16Array` of half-float
 * bits, `'|b1'` with a `Uint8Array` of 0/1).
 */
export type NpzArrayInput = Matrix | { shape: readonly number[]; data: NpzTypedArray; dtype?: string };

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Decodes an `.npz` archive held in memory into its arrays, by name, in archive order.
 *
 * Each member must be a `.npy` file (decoded by {@link parseNpy}: every real numeric dtype numpy
 * writes; float32 stays `Float32Array`, others become `Float64Array`); the map key is the member
 * name without its `.npy` suffix, as `np.load(f).files` lists it. Stored and deflated members,
 * ZIP64 records (numpy always writes them) and archive comments are supported.
 *
 * @param bytes the whole archive.
 * @param source names the file in error messages (a path or `'<bytes>'`).
 * @returns a `Map` from array name to {@link NpyArray}; empty for an archive with no members
 *   (`np.savez(f)` with no arrays).
 * @throws {@link LowRankError} `E_FORMAT` naming `source` and the byte offset: not a ZIP archive,
 *   truncated records, offsets past the end, a member whose CRC-32 or size disagrees with the
 *   directory, a duplicate array name, or a member that is not a valid `.npy` (the message names the
 *   member).
 * @throws {@link LowRankError} `E_UNSUPPORTED`: encrypted members, compression other than
 *   stored/deflate, members that are not `.npy` files, multi-disk archives, and the `.npy` dtypes
 *   {@link parseNpy} refuses (object/pickle arrays are refused, never executed).
 * @example
 * ```ts
 * const arrays = parseNpz(bytes, 'factors.npz'); // from np.savez('factors.npz', U=U, S=S, V=V)
 * arrays.get('U')!.shape; // [100, 10]
 * ```
 */
export function parseNpz(bytes: Uint8Array, source = '<bytes>'): Map<string, NpyArray> {
  const out = new Map<string, NpyArray>();
  for (const member of readZipMembers(bytes, source)) {
    if (!member.name.endsWith('.npy')) {
      throw new LowRankError('E_UNSUPPORTED', `${source}: member ${quoteName(member.name)} at byte ${member.headerAt} is not a .npy array (an .npz holds only .npy members)`);
    }
    const name = member.name.slice(0, -4);
    if (out.has(name)) {
      throw new LowRankError('E_FORMAT', `${source}: duplicate array name ${quoteName(name)} at byte ${member.headerAt}`);
    }
    const data = extract(bytes, member, source);
    out.set(name, parseNpy(data, `${source}[${quoteName(name)}]`));
  }
  return out;
}

/**
 * Reads one array of an `.npz` archive as a {@link Matrix} (2-D as n×m, 1-D as a 1×L row, as
 * {@link npyToMatrix}).
 *
 * @param name the array to read; when omitted the archive must hold exactly one array.
 * @throws {@link LowRankError} `E_ARG` when `name` is absent from the archive or, without `name`, the
 *   archive holds no array or several (the message lists the names); the errors of {@link parseNpz}
 *   and {@link npyToMatrix}.
 * @example
 * ```ts
 * const a = readNpzMatrix(bytes, 'data.npz');      // np.savez('data.npz', a)  → key 'arr_0'
 * const u = readNpzMatrix(bytes, 'f.npz', 'U');
 * ```
 */
export function readNpzMatrix(bytes: Uint8Array, source = '<bytes>', name?: string): Matrix {
  const arrays = parseNpz(bytes, source);
  const names = [...arrays.keys()];
  const listed = names.map(quoteName).join(', ');
  if (name === undefined) {
    if (names.length !== 1) {
      throw new LowRankError('E_ARG', `${source}: holds ${names.length === 0 ? 'no arrays' : `${names.length} arrays (${listed}); name the one to read`}`);
    }
    name = names[0];
  }
  const arr = arrays.get(name);
  if (arr === undefined) {
    throw new LowRankError('E_ARG', `${source}: no array named ${quoteName(name)} (it holds ${listed || 'no arrays'})`);
  }
  return npyToMatrix(arr, `${source}[${quoteName(name)}]`);
}

interface ZipMember {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's local header. */
  headerAt: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

/** Walks the central directory (ZIP64-aware) and returns the members in order. */
function readZipMembers(bytes: Uint8Array, source: string): ZipMember[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string, at: number): never => {
    throw new LowRankError('E_FORMAT', `${source}: ${what} at byte ${at}`);
  };
  if (bytes.length < 22) {
    if (bytes.length >= 4 && v.getUint32(0, true) === SIG_LOCAL) fail(`truncated ZIP archive (${bytes.length} bytes)`, bytes.length);
    throw new LowRankError('E_FORMAT', `${source}: not an .npz (ZIP) archive: ${bytes.length} bytes, too short for the end-of-directory record`);
  }
  // End of central directory record: 22 bytes + a comment of up to 65535 bytes, at the end.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (v.getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    const looksZip = v.getUint32(0, true) === SIG_LOCAL;
    throw new LowRankError('E_FORMAT', looksZip
      ? `${source}: truncated ZIP archive: no end-of-directory record in the last ${Math.min(bytes.length, 22 + 0xffff)} bytes`
      : `${source}: not an .npz (ZIP) archive: no end-of-directory record (byte 0 holds ${hex32(bytes.length >= 4 ? v.getUint32(0, true) : 0)}, expected a ZIP local header)`);
  }
  if (v.getUint16(eocd + 4, true) !== 0 || v.getUint16(eocd + 6, true) !== 0) fail('multi-disk ZIP archives are not supported', eocd + 4);
  let count = v.getUint16(eocd + 10, true);
  let cdSize = v.getUint32(eocd + 12, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  // ZIP64: a locator sits just before the classic record and points at the ZIP64 record.
  if (eocd >= 20 && v.getUint32(eocd - 20, true) === SIG_EOCD64_LOCATOR) {
    const at = safeU64(v, eocd - 12, source);
    if (at + 56 > eocd - 20 || v.getUint32(at, true) !== SIG_EOCD64) fail('bad ZIP64 end-of-directory offset', eocd - 12);
    count = safeU64(v, at + 32, source);
    cdSize = safeU64(v, at + 40, source);
    cdOffset = safeU64(v, at + 48, source);
  }
  if (cdOffset + cdSize > bytes.length) fail(`central directory (${cdSize} bytes from byte ${cdOffset}) runs past the end of the file (${bytes.length} bytes)`, eocd + 16);

  const members: ZipMember[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdOffset + cdSize || v.getUint32(p, true) !== SIG_CENTRAL) fail(`bad central directory entry ${i + 1} of ${count}`, p);
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let headerAt = v.getUint32(p + 42, true);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cdOffset + cdSize) fail(`central directory entry ${i + 1} runs past the directory`, p);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extra field (id 1): 8-byte values for the fields saturated at 0xffffffff, in order.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        const next = (): number => {
          if (q + 8 > e + 4 + len) fail(`short ZIP64 extra field of ${quoteName(name)}`, e);
          const x = safeU64(v, q, source);
          q += 8;
          return x;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (headerAt === 0xffffffff) headerAt = next();
      }
      e += 4 + len;
    }
    if (flags & 1) throw new LowRankError('E_UNSUPPORTED', `${source}: member ${quoteName(name)} at byte ${headerAt} is encrypted`);
    members.push({ name, method, flags, crc, compressedSize, size, headerAt });
    p = end;
  }
  return members;
}

/** The uncompressed bytes of one member, sizes and CRC-32 checked. */
function extract(bytes: Uint8Array, m: ZipMember, source: string): Uint8Array {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = m.headerAt;
  const what = `member ${quoteName(m.name)}`;
  if (at + 30 > bytes.length || v.getUint32(at, true) !== SIG_LOCAL) {
    throw new LowRankError('E_FORMAT', `${source}: ${what}: no local header at byte ${at}`);
  }
  const start = at + 30 + v.getUint16(at + 26, true) + v.getUint16(at + 28, true);
  if (start + m.compressedSize > bytes.length) {
    throw new LowRankError('E_FORMAT', `${source}: ${what}: data truncated: ${m.compressedSize} bytes from byte ${start}, only ${Math.max(0, bytes.length - start)} remain`);
  }
  const raw = bytes.subarray(start, start + m.compressedSize);
  let data: Uint8Array;
  if (m.method === 0) {
    if (m.size !== m.compressedSize) {
      throw new LowRankError('E_FORMAT', `${source}: ${what} at byte ${at}: stored member with sizes ${m.compressedSize} ≠ ${m.size}`);
    }
    data = raw;
  } else if (m.method === 8) {
    if (m.size > MAX_DEFLATE_RATIO * m.compressedSize + 64) {
      throw new LowRankError('E_FORMAT', `${source}: ${what} at byte ${at}: claims ${m.size} bytes from ${m.compressedSize} deflated bytes, more than DEFLATE can expand`);
    }
    try {
      data = inflateSync(raw, { out: new Uint8Array(m.size) });
    } catch (err) {
      throw new LowRankError('E_FORMAT', `${source}: ${what}: corrupt deflate data from byte ${start} (${err instanceof Error ? err.message : String(err)})`);
    }
    if (data.length !== m.size) {
      throw new LowRankError('E_FORMAT', `${source}: ${what}: inflates to ${data.length} bytes, the directory says ${m.size}`);
    }
  } else {
    throw new LowRankError('E_UNSUPPORTED', `${source}: ${what} at byte ${at}: ZIP compression method ${m.method} is not supported (stored and deflate only)`);
  }
  const crc = crc32(data);
  if (crc !== m.crc) {
    throw new LowRankError('E_FORMAT', `${source}: ${what}: CRC-32 ${hex32(crc)} of the data from byte ${start} does not match ${hex32(m.crc)} in the directory (corrupt archive)`);
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Encodes arrays as an `.npz` archive that `np.load` reads: one `<name>.npy` member per array
 * (version 1.0 headers as {@link npyHeader} writes them, C order, little-endian), stored
 * (`np.savez`) or deflated (`np.savez_compressed`).
 *
 * @param arrays name → array, written in insertion order. Names are used as given (numpy's
 *   `np.savez(f, U=…)` gives `'U'`).
 * @param options.compression `'store'` or `'deflate'`; default {@link DEFAULT_NPZ_COMPRESSION}.
 * @throws {@link LowRankError} `E_ARG`: an empty or over-long name, a shape whose element count
 *   disagrees with the data, a `dtype` whose item size disagrees with the typed array, or a member
 *   of 4 GiB or more (ZIP64 writing is not implemented).
 * @example
 * ```ts
 * const bytes = writeNpz({ U: f.U, S: s, V: f.V }, { compression: 'deflate' });
 * // python: np.load('f.npz')['U']
 * ```
 */
export function writeNpz(
  arrays: Readonly<Record<string, NpzArrayInput>> | ReadonlyMap<string, NpzArrayInput>,
  options: { compression?: NpzCompression } = {},
): Uint8Array {
  const compression = options.compression ?? DEFAULT_NPZ_COMPRESSION;
  if (compression !== 'store' && compression !== 'deflate') {
    throw new LowRankError('E_ARG', `compression must be 'store' or 'deflate', got ${JSON.stringify(compression)}`);
  }
  const entries = arrays instanceof Map ? [...arrays.entries()] : Object.entries(arrays as Record<string, NpzArrayInput>);
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, arr] of entries) {
    if (name === '') throw new LowRankError('E_ARG', 'npz array names must not be empty');
    const npy = encodeNpy(arr, name);
    const fileName = enc.encode(`${name}.npy`);
    if (fileName.length > 0xffff) throw new LowRankError('E_ARG', `npz array name of ${fileName.length} bytes is too long`);
    const body = compression === 'deflate' ? deflateSync(npy, { level: 6 }) : npy;
    const method = compression === 'deflate' ? 8 : 0;
    if (npy.length >= 0xffffffff || body.length >= 0xffffffff || offset >= 0xffffffff) {
      throw new LowRankError('E_ARG', `npz array ${quoteName(name)}: members of 4 GiB or more need ZIP64, which writeNpz does not write`);
    }
    const crc = crc32(npy);
    const utf8 = /[^\x00-\x7f]/.test(name) ? 0x800 : 0;
    const local = new Uint8Array(30 + fileName.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, SIG_LOCAL, true);
    lv.setUint16(4, 20, true); // version needed: 2.0
    lv.setUint16(6, utf8, true);
    lv.setUint16(8, method, true);
    lv.setUint16(10, 0, true); // time
    lv.setUint16(12, 0x21, true); // date: 1980-01-01
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, npy.length, true);
    lv.setUint16(26, fileName.length, true);
    local.set(fileName, 30);
    const cd = new Uint8Array(46 + fileName.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, SIG_CENTRAL, true);
    cv.setUint16(4, 20, true); // made by: 2.0
    cv.setUint16(6, 20, true);
    cv.setUint16(8, utf8, true);
    cv.setUint16(10, method, true);
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, npy.length, true);
    cv.setUint16(28, fileName.length, true);
    cv.setUint32(38, 0o100644 * 0x10000, true); // external attributes: a regular file, rw-r--r--
    cv.setUint32(42, offset, true);
    cd.set(fileName, 46);
    parts.push(local, body);
    central.push(cd);
    offset += local.length + body.length;
  }
  if (entries.length > 0xffff) throw new LowRankError('E_ARG', `npz of ${entries.length} arrays needs ZIP64, which writeNpz does not write`);
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, SIG_EOCD, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const part of [...parts, ...central, eocd]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One `.npy` file (header + little-endian data) for an array input. */
function encodeNpy(arr: NpzArrayInput, name: string): Uint8Array {
  const shape = arr instanceof Matrix ? [arr.rows, arr.cols] : [...arr.shape];
  const data: NpzTypedArray = arr.data;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new LowRankError('E_ARG', `npz array ${quoteName(name)}: shape entries must be non-negative integers, got (${shape.join(', ')})`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new LowRankError('E_ARG', `npz array ${quoteName(name)}: shape (${shape.join(', ')}) holds ${count} elements, the data ${data.length}`);
  }
  const natural = naturalDescr(data);
  const descr = (arr instanceof Matrix ? undefined : arr.dtype) ?? natural;
  const size = Number(/\d+$/.exec(descr)?.[0] ?? NaN);
  if (!/^[<>|=]?[fiub?]\d+$/.test(descr) || size !== data.BYTES_PER_ELEMENT) {
    throw new LowRankError('E_ARG', `npz array ${quoteName(name)}: dtype '${descr}' does not fit a ${data.constructor.name} (${data.BYTES_PER_ELEMENT}-byte items, e.g. '${natural}')`);
  }
  // Data is always written little-endian; the descriptor says so.
  const le = size === 1 ? `|${descr.replace(/^[<>|=]/, '')}` : `<${descr.replace(/^[<>|=]/, '')}`;
  const header = npyHeader(le, shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  if (!HOST_LITTLE_ENDIAN && size > 1) {
    for (let i = header.length; i < out.length; i += size) out.subarray(i, i + size).reverse();
  }
  return out;
}

function naturalDescr(data: NpzTypedArray): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int8Array) return '|i1';
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof Int16Array) return '<i2';
  if (data instanceof Uint16Array) return '<u2';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint32Array) return '<u4';
  if (data instanceof BigInt64Array) return '<i8';
  return '<u8';
}

// ---------------------------------------------------------------------------------------------
// Helpers

let CRC_TABLE: Uint32Array | undefined;

/** CRC-32 (ISO-HDLC, as ZIP uses) of `data`. */
function crc32(data: Uint8Array): number {
  if (CRC_TABLE === undefined) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  const t = CRC_TABLE;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function safeU64(v: DataView, at: number, source: string): number {
  if (at < 0 || at + 8 > v.byteLength) throw new LowRankError('E_FORMAT', `${source}: ZIP64 field at byte ${at} runs past the end of the file`);
  const x = v.getBigUint64(at, true);
  if (x > BigInt(Number.MAX_SAFE_INTEGER)) throw new LowRankError('E_FORMAT', `${source}: ZIP64 field at byte ${at} holds ${x}, beyond any file size`);
  return Number(x);
}

function hex32(x: number): string {
  return `0x${(x >>> 0).toString(16).padStart(8, '0')}`;
}

function quoteName(s: string): string {
  const body = s.length > 60 ? `${s.slice(0, 59)}…` : s;
  return `'${body.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}
