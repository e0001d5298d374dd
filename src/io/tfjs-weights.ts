/**
 * TensorFlow.js weight manifests on bytes (runs unchanged in a browser; the Node layer reading
 * `model.json` / `*weights_manifest.json` and their `.bin` shards is `./weights-files.ts`).
 *
 * Format (tfjs-core `io.WeightsManifestConfig`): a list of groups `{ paths: [shard files],
 * weights: [{ name, shape, dtype, quantization? }] }`; a group's weights lie back to back in the
 * concatenation of its shards, in manifest order. Stored sizes: `float32`/`int32` 4 bytes, `bool`
 * 1 byte; quantised weights (`quantization.dtype` `uint8` / `uint16` with `scale` and `min`,
 * or `float16`) take 1, 2 or 2 bytes and decode to `q·scale + min` (or the half value), as
 * tfjs-core's `decodeWeights` does. `string` and `complex64` weights are refused.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { elementCount } from './safetensors.js';
import { halfToNumber } from './weights-float16.js';

/** tfjs's shard size when it writes models (`tfjs-converter`'s default, 4 MiB). */
export const TFJS_SHARD_BYTES = 4 * 1024 * 1024;

/** A weight's quantisation as tfjs stores it. */
export interface TfjsQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
  original_dtype?: string;
}

/** One weight of a manifest. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  quantization?: TfjsQuantization;
}

/** One group of a manifest. */
export interface TfjsWeightGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

/** Where one weight lies: its group and byte range in the group's concatenated shards. */
export interface TfjsWeightLocation {
  spec: TfjsWeightSpec;
  group: number;
  begin: number;
  end: number;
}

/** Bytes per stored element of a weight (its quantised type when quantised). */
export function tfjsStoredBytes(spec: TfjsWeightSpec): number {
  if (spec.quantization) return spec.quantization.dtype === 'uint8' ? 1 : 2;
  return spec.dtype === 'bool' ? 1 : 4;
}

/**
 * Validates a weights manifest (the `weightsManifest` of a `model.json`, or a
 * `weights_manifest.json`) and lays out every weight.
 *
 * @param source names the file in messages.
 * @throws {@link LowRankError} `E_FORMAT` naming the file and weight for a malformed group or
 *   weight; `E_UNSUPPORTED` for `string`/`complex64` weights or an unknown quantisation type.
 * @example
 * ```ts
 * const locs = layoutTfjsManifest(modelJson.weightsManifest, 'model.json');
 * ```
 */
export function layoutTfjsManifest(manifest: unknown, source: string): TfjsWeightLocation[] {
  if (!Array.isArray(manifest)) throw new LowRankError('E_FORMAT', `${source}: weightsManifest must be a list of groups`);
  const out: TfjsWeightLocation[] = [];
  manifest.forEach((g: unknown, gi) => {
    const group = g as Partial<TfjsWeightGroup> | null;
    if (!group || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string') || !Array.isArray(group.weights)) {
      throw new LowRankError('E_FORMAT', `${source}: weightsManifest[${gi}] needs "paths" (strings) and "weights" (a list)`);
    }
    let at = 0;
    for (const w of group.weights as unknown[]) {
      const spec = checkSpec(w, source, gi);
      const size = elementCount(spec.shape) * tfjsStoredBytes(spec);
      out.push({ spec, group: gi, begin: at, end: at + size });
      at += size;
    }
  });
  return out;
}

function checkSpec(w: unknown, source: string, gi: number): TfjsWeightSpec {
  const s = w as Partial<TfjsWeightSpec> | null;
  const name = typeof s?.name === 'string' ? s.name : '?';
  const bad = (what: string, code: 'E_FORMAT' | 'E_UNSUPPORTED' = 'E_FORMAT'): LowRankError =>
    new LowRankError(code, `${source}: weight '${name}' in weightsManifest[${gi}]: ${what}`);
  if (!s || typeof s.name !== 'string') throw bad('missing name');
  if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw bad('shape must be a list of non-negative integers');
  if (s.dtype !== 'float32' && s.dtype !== 'int32' && s.dtype !== 'bool') {
    throw bad(`dtype '${String(s.dtype)}' is not supported (float32, int32, bool)`, 'E_UNSUPPORTED');
  }
  const q = s.quantization;
  if (q !== undefined) {
    if (q.dtype !== 'uint8' && q.dtype !== 'uint16' && q.dtype !== 'float16') {
      throw bad(`quantization dtype '${String(q.dtype)}' is not supported (uint8, uint16, float16)`, 'E_UNSUPPORTED');
    }
    if (q.dtype !== 'float16' && !(Number.isFinite(q.scale) && Number.isFinite(q.min))) throw bad(`${q.dtype} quantization needs finite scale and min`);
  }
  return { name: s.name, shape: s.shape, dtype: s.dtype, ...(q ? { quantization: q } : {}) };
}

/**
 * Decodes one weight's stored bytes to float32 values (dequantising as tfjs does; int32 and bool
 * weights are converted to numbers).
 *
 * @example
 * ```ts
 * decodeTfjsWeight(bytes, { name: 'w', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } });
 * ```
 */
export function decodeTfjsWeight(bytes: Uint8Array, spec: TfjsWeightSpec): Float32Array {
  const n = elementCount(spec.shape);
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const q = spec.quantization;
  if (q) {
    if (q.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = halfToNumber(view.getUint16(2 * i, true));
    else if (q.dtype === 'uint8') for (let i = 0; i < n; i++) out[i] = bytes[i] * (q.scale as number) + (q.min as number);
    else for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, true) * (q.scale as number) + (q.min as number);
    return out;
  }
  if (spec.dtype === 'float32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  else if (spec.dtype === 'int32') for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true);
  else for (let i = 0; i < n; i++) out[i] = bytes[i];
  return out;
}

/**
 * Splits a group's byte length into shard files of at most `shardBytes` each, named as the
 * tfjs converter names them (`group1-shard1of3.bin`, …).
 *
 * @example
 * ```ts
 * tfjsShardNames(10_000_000); // ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin']
 * ```
 */
export function tfjsShardNames(totalBytes: number, shardBytes = TFJS_SHARD_BYTES, group = 1): string[] {
  const count = Math.max(1, Math.ceil(totalBytes / shardBytes));
  return Array.from({ length: count }, (_, i) => `group${group}-shard${i + 1}of${count}.bin`);
}
