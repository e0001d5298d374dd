/**
 * Generators of the weight-file fixtures the tests use (small, deterministic, made at test time:
 * no Python, no network). Matrices with a prescribed spectrum make the Eckart–Young optimum known
 * without any SVD: W = Q₁·diag(s)·Q₂ᵀ has singular values s, so the best rank-k error is
 * √(Σ_{i>k} sᵢ²).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { qr } from '../../src/linalg/qr.js';
import { encodeFloats, serializeSafetensors, type SafetensorsDtype, type SafetensorsTensor } from '../../src/io/safetensors.js';

/** Bytes of a safetensors file with a hand-written header (any JSON) and `dataBytes` zero bytes of data. */
export function rawSafetensors(header: unknown, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  return out;
}

/** Gaussian n×m (float64) from a seed. */
export function gaussian(n: number, m: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const a = Matrix.zeros(n, m);
  for (let i = 0; i < a.data.length; i++) a.data[i] = rng.normal();
  return a;
}

/** An n×m matrix with singular values `s` (length ≤ min(n, m)): Q₁·diag(s)·Q₂ᵀ with random orthonormal Q₁, Q₂. */
export function withSpectrum(n: number, m: number, s: readonly number[], seed: number): Matrix {
  const r = s.length;
  const q1 = qr(gaussian(n, r, seed)).Q;
  const q2 = qr(gaussian(m, r, seed + 1)).Q;
  const out = Matrix.zeros(n, m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let v = 0;
      for (let p = 0; p < r; p++) v += q1.data[i * r + p] * s[p] * q2.data[j * r + p];
      out.data[i * m + j] = v;
    }
  }
  return out;
}

/** A decaying spectrum s_i = 10·0.8^i, i < r. */
export function decaying(r: number, rate = 0.8): number[] {
  return Array.from({ length: r }, (_, i) => 10 * rate ** i);
}

/** A tensor entry for {@link serializeSafetensors} from numbers. */
export function tensor(name: string, shape: number[], values: ArrayLike<number>, dtype: SafetensorsDtype = 'F64'): SafetensorsTensor {
  return { name, shape, dtype, data: encodeFloats(values, dtype) };
}

/** Writes a safetensors file into `dir` and returns its path. */
export function writeSafetensorsFile(dir: string, name: string, tensors: SafetensorsTensor[], metadata?: Record<string, string>): string {
  const path = join(dir, name);
  writeFileSync(path, serializeSafetensors(tensors, metadata));
  return path;
}

/** ‖a − b‖_F over two flat arrays. */
export function frobDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}
