/**
 * The Node layer of weight files: opening a safetensors file, a sharded safetensors model
 * (`model.safetensors.index.json`), a tfjs model (`model.json` / `*weights_manifest.json` with
 * `.bin` shards) or an `.npz`, and reading its tensors **one at a time by offset** (positioned
 * reads; only the tensor asked for is in memory). The byte-level formats are in
 * `./safetensors.ts`, `./tfjs-weights.ts` and `./npz.ts`, which run in browsers too.
 *
 * @module
 */
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { LowRankError } from '../core/errors.js';
import { parseNpz } from './npz.js';
import { fsReason } from './output-set.js';
import type { NpyArray } from './npy.js';
import {
  decodeFloats,
  encodeFloats,
  parseSafetensorsHeader,
  safetensorsHeaderLength,
  type SafetensorsDtype,
} from './safetensors.js';
import { decodeTfjsWeight, layoutTfjsManifest, type TfjsWeightSpec } from './tfjs-weights.js';

/** The file formats {@link openWeights} reads. */
export type WeightFormat = 'safetensors' | 'tfjs' | 'npz';

/** One tensor of a {@link WeightSource}. */
export interface WeightTensor {
  name: string;
  /** Dimensions. */
  shape: number[];
  /**
   * Storage dtype in safetensors terms (`F32`, `BF16`, `I64`, …). tfjs weights: `F32`, `I32`,
   * `BOOL`, or `F16`/`U8`/`U16` when quantised; npz: the numpy dtype mapped likewise.
   */
  dtype: SafetensorsDtype;
  /** Whether lowrank can decode it to floats (and so approximate it). */
  float: boolean;
  /** The file holding it (a shard for sharded models). */
  file: string;
  /** Absolute byte offset of its data in `file`. */
  offset: number;
  /** Stored byte length. */
  bytes: number;
  /** tfjs only: the manifest entry (with its quantisation). */
  tfjs?: TfjsWeightSpec;
}

/** An opened weight file or model: tensor list plus one-at-a-time reads. */
export interface WeightSource {
  format: WeightFormat;
  /** What the user named. */
  path: string;
  tensors: WeightTensor[];
  /** safetensors `__metadata__` (merged over shards), or null. */
  metadata: Record<string, string> | null;
  /** Sharded safetensors: shard file name (relative to the index) per tensor name; tfjs: the parsed model.json. */
  shards?: Map<string, string>;
  /** tfjs: the model.json / manifest object as read (its topology is copied to the output). */
  tfjsJson?: Record<string, unknown>;
  /** The tensor's stored bytes (positioned read). */
  readRaw(t: WeightTensor): Promise<Uint8Array>;
  /** The tensor decoded to numbers: float64 for F64, float32 otherwise (dequantised for tfjs). */
  readFloats(t: WeightTensor): Promise<Float32Array | Float64Array>;
  close(): Promise<void>;
}

/**
 * Opens a weight file or model for reading, dispatching on the path:
 * a directory (holding `model.safetensors.index.json`, `model.safetensors` or `model.json`),
 * `*.safetensors`, `*.safetensors.index.json` (sharded), `model.json` or `*weights_manifest.json`
 * (tfjs), `*.npz`. Headers are read and validated at once; tensor data only when asked.
 *
 * @throws {@link LowRankError} `E_IO` when a file cannot be read; `E_FORMAT` / `E_UNSUPPORTED`
 *   naming file, tensor and byte offset for a bad header, a shard missing from the index or from
 *   the disk, or shards shorter than the manifest says (truncated `.bin`); `E_UNSUPPORTED` for
 *   an unknown kind of file.
 * @example
 * ```ts
 * const src = await openWeights('model.safetensors');
 * const shapes = src.tensors.map((t) => [t.name, t.shape]);
 * const w = await src.readFloats(src.tensors[0]);
 * await src.close();
 * ```
 */
export async function openWeights(path: string): Promise<WeightSource> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw new LowRankError('E_IO', `cannot read '${path}': ${fsReason(err)}`);
  }
  if (st.isDirectory()) {
    for (const name of ['model.safetensors.index.json', 'model.safetensors', 'model.json']) {
      if (await exists(join(path, name))) return openWeights(join(path, name));
    }
    throw new LowRankError('E_UNSUPPORTED', `${path}: a directory without model.safetensors.index.json, model.safetensors or model.json`);
  }
  const lower = path.toLowerCase();
  if (lower.endsWith('.safetensors')) return openSafetensorsFiles(path, [basename(path)], null, dirname(path));
  if (lower.endsWith('.index.json')) return openShardedSafetensors(path);
  if (lower.endsWith('.json')) return openTfjs(path);
  if (lower.endsWith('.npz')) return openNpz(path);
  throw new LowRankError('E_UNSUPPORTED', `cannot read '${path}': expected .safetensors, model.safetensors.index.json, model.json, *weights_manifest.json or .npz`);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Positioned read of exactly `length` bytes at `position`. */
async function readAt(fh: FileHandle, position: number, length: number, file: string, what: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(out, done, length - done, position + done);
    if (bytesRead === 0) {
      throw new LowRankError('E_FORMAT', `${file}: ${what}: the file ends at byte ${position + done}, ${length - done} bytes short (truncated)`);
    }
    done += bytesRead;
  }
  return out;
}

async function openHandle(file: string, forWhat?: string): Promise<{ fh: FileHandle; size: number }> {
  try {
    const fh = await open(file, 'r');
    const { size } = await fh.stat();
    return { fh, size };
  } catch (err) {
    throw new LowRankError('E_IO', `cannot read '${file}'${forWhat ? ` (${forWhat})` : ''}: ${fsReason(err)}`);
  }
}

async function openSafetensorsFiles(
  path: string,
  files: string[],
  weightMap: Map<string, string> | null,
  dir: string,
): Promise<WeightSource> {
  const handles = new Map<string, FileHandle>();
  const tensors: WeightTensor[] = [];
  let metadata: Record<string, string> | null = null;
  try {
    for (const f of files) {
      const full = join(dir, f);
      const forWhat = weightMap ? `a shard listed in ${basename(path)}` : undefined;
      const { fh, size } = await openHandle(full, forWhat);
      handles.set(f, fh);
      const n = safetensorsHeaderLength(await readAt(fh, 0, Math.min(8, size), full, 'header length'), size, full);
      const header = parseSafetensorsHeader(await readAt(fh, 8, n, full, 'header'), size, full);
      if (header.metadata) metadata = { ...(metadata ?? {}), ...header.metadata };
      for (const e of header.tensors) {
        if (weightMap && weightMap.get(e.name) !== f) {
          throw new LowRankError('E_FORMAT', `${full}: tensor '${e.name}' at byte ${header.dataStart + e.begin} is not listed for this shard in ${path}`);
        }
        tensors.push({
          name: e.name,
          shape: e.shape,
          dtype: e.dtype,
          float: FLOAT_DTYPES.has(e.dtype),
          file: full,
          offset: header.dataStart + e.begin,
          bytes: e.end - e.begin,
        });
      }
    }
  } catch (err) {
    await Promise.all([...handles.values()].map((h) => h.close().catch(() => undefined)));
    throw err;
  }
  if (weightMap) {
    const found = new Set(tensors.map((t) => t.name));
    for (const [name, shard] of weightMap) {
      if (!found.has(name)) throw new LowRankError('E_FORMAT', `${path}: tensor '${name}' is listed in shard '${shard}' but that shard has no such tensor`);
    }
  }
  const byFile = new Map([...handles].map(([f, h]) => [join(dir, f), h]));
  const readRaw = (t: WeightTensor): Promise<Uint8Array> => readAt(byFile.get(t.file) as FileHandle, t.offset, t.bytes, t.file, `tensor '${t.name}' at byte ${t.offset}`);
  return {
    format: 'safetensors',
    path,
    tensors,
    metadata,
    ...(weightMap ? { shards: weightMap } : {}),
    readRaw,
    readFloats: async (t) => decodeFloats(await readRaw(t), t.dtype, `${t.file}: tensor '${t.name}'`),
    close: async () => {
      await Promise.all([...handles.values()].map((h) => h.close()));
    },
  };
}

const FLOAT_DTYPES = new Set<SafetensorsDtype>(['F16', 'BF16', 'F32', 'F64']);

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new LowRankError('E_IO', `cannot read '${path}': ${fsReason(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new LowRankError('E_FORMAT', `${path}: not valid JSON (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
}

async function openShardedSafetensors(path: string): Promise<WeightSource> {
  const json = (await readJson(path)) as { weight_map?: unknown } | null;
  const wm = json?.weight_map;
  if (!wm || typeof wm !== 'object' || Array.isArray(wm) || !Object.values(wm).every((v) => typeof v === 'string')) {
    throw new LowRankError('E_FORMAT', `${path}: "weight_map" must map tensor names to shard files`);
  }
  const weightMap = new Map(Object.entries(wm as Record<string, string>));
  const files = [...new Set(weightMap.values())];
  const dir = dirname(path);
  for (const f of files) {
    if (!(await exists(join(dir, f)))) {
      const first = [...weightMap].find(([, s]) => s === f)?.[0];
      throw new LowRankError('E_FORMAT', `${path}: shard '${f}' (holding tensor '${first}') is missing from ${dir}`);
    }
  }
  return openSafetensorsFiles(path, files, weightMap, dir);
}

async function openTfjs(path: string): Promise<WeightSource> {
  const json = (await readJson(path)) as Record<string, unknown> | unknown[] | null;
  // model.json holds { modelTopology, weightsManifest }; a weights_manifest.json is the list itself.
  const manifest = Array.isArray(json) ? json : (json as Record<string, unknown> | null)?.weightsManifest;
  if (manifest === undefined) throw new LowRankError('E_FORMAT', `${path}: no "weightsManifest" (not a tfjs model.json)`);
  const locs = layoutTfjsManifest(manifest, path);
  const groups = manifest as Array<{ paths: string[] }>;
  const dir = dirname(path);
  // Each group's shards, with their sizes: a weight may span shard boundaries.
  const shardFiles: Array<Array<{ file: string; fh: FileHandle; start: number; size: number }>> = [];
  const handles: FileHandle[] = [];
  try {
    for (const g of groups) {
      let start = 0;
      const list = [];
      for (const p of g.paths) {
        const file = join(dir, p);
        const { fh, size } = await openHandle(file, `a shard listed in ${basename(path)}`);
        handles.push(fh);
        list.push({ file, fh, start, size });
        start += size;
      }
      shardFiles.push(list);
    }
    for (const l of locs) {
      const shards = shardFiles[l.group];
      const total = shards.length ? shards[shards.length - 1].start + shards[shards.length - 1].size : 0;
      if (l.end > total) {
        const last = shards.length ? shards[shards.length - 1] : null;
        const inShard = shards.find((s) => l.begin < s.start + s.size) ?? last;
        const where = inShard ? `${inShard.file} at byte ${l.begin - inShard.start}` : `group ${l.group}`;
        throw new LowRankError(
          'E_FORMAT',
          `${path}: weight '${l.spec.name}' (${where}) needs bytes ${l.begin}–${l.end} of its group's shards, which hold only ${total} (truncated .bin)`,
        );
      }
    }
  } catch (err) {
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
    throw err;
  }
  const tensors: WeightTensor[] = locs.map((l) => {
    const first = shardFiles[l.group].find((s) => l.begin < s.start + s.size || l.begin === l.end) ?? shardFiles[l.group][0];
    const q = l.spec.quantization?.dtype;
    const dtype: SafetensorsDtype = q === 'uint8' ? 'U8' : q === 'uint16' ? 'U16' : q === 'float16' ? 'F16' : l.spec.dtype === 'int32' ? 'I32' : l.spec.dtype === 'bool' ? 'BOOL' : 'F32';
    return {
      name: l.spec.name,
      shape: l.spec.shape,
      dtype,
      float: l.spec.dtype === 'float32',
      file: first ? first.file : path,
      offset: l.begin,
      bytes: l.end - l.begin,
      tfjs: l.spec,
    };
  });
  const groupOf = new Map(locs.map((l, i) => [tensors[i], l.group]));
  const readRaw = async (t: WeightTensor): Promise<Uint8Array> => {
    const out = new Uint8Array(t.bytes);
    for (const s of shardFiles[groupOf.get(t) as number]) {
      const lo = Math.max(t.offset, s.start);
      const hi = Math.min(t.offset + t.bytes, s.start + s.size);
      if (hi > lo) out.set(await readAt(s.fh, lo - s.start, hi - lo, s.file, `weight '${t.name}' at byte ${lo - s.start}`), lo - t.offset);
    }
    return out;
  };
  return {
    format: 'tfjs',
    path,
    tensors,
    metadata: null,
    tfjsJson: (Array.isArray(json) ? { weightsManifest: json } : json) as Record<string, unknown>,
    readRaw,
    readFloats: async (t) => decodeTfjsWeight(await readRaw(t), t.tfjs as TfjsWeightSpec),
    close: async () => {
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}

/**
 * The `.npz` member holding string metadata (the `__metadata__` of safetensors: for factored
 * outputs, the lowrank record) as the UTF-8 bytes of a JSON object, a uint8 array.
 */
export const NPZ_METADATA_NAME = '__metadata__';

async function openNpz(path: string): Promise<WeightSource> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    throw new LowRankError('E_IO', `cannot read '${path}': ${fsReason(err)}`);
  }
  const arrays = parseNpz(bytes, path);
  const meta = arrays.get(NPZ_METADATA_NAME);
  arrays.delete(NPZ_METADATA_NAME);
  let metadata: Record<string, string> | null = null;
  if (meta) {
    try {
      metadata = JSON.parse(new TextDecoder().decode(Uint8Array.from(meta.data))) as Record<string, string>;
    } catch {
      throw new LowRankError('E_FORMAT', `${path}: array '${NPZ_METADATA_NAME}' is not the UTF-8 JSON of a string map`);
    }
  }
  const byName = new Map<string, NpyArray>(arrays);
  const tensors: WeightTensor[] = [...arrays].map(([name, a]) => {
    // parseNpz gives float32 arrays as they are and every other dtype as float64.
    const dtype: SafetensorsDtype = a.data instanceof Float32Array ? 'F32' : 'F64';
    return { name, shape: a.shape, dtype, float: /^[<>|=]f[248]$/.test(a.dtype), file: path, offset: 0, bytes: a.data.byteLength };
  });
  return {
    format: 'npz',
    path,
    tensors,
    metadata,
    readRaw: async (t) => {
      const a = byName.get(t.name) as NpyArray;
      return encodeFloats(a.data, t.dtype);
    },
    readFloats: async (t) => {
      const a = byName.get(t.name) as NpyArray;
      return a.data.slice();
    },
    close: async () => undefined,
  };
}
