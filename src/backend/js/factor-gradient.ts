import type { FloatArray } from '../../core/matrix.js';
import type { FactorGradientArgs } from '../backend.js';

let blockScratch = new Float64Array(0);

/**
 * Fused residual and gradients of U·V ≈ A (see {@link Backend.factorGradient}), four rows of A at
 * a time so that every load of V feeds four rows:
 *
 * 1. R = U[i:i+4,:]·V − A[i:i+4,:] into a 4×m scratch, by a 4×4 register-blocked micro-kernel
 *    over (rows, columns) with the k-loop innermost;
 * 2. gu[i+r, l] = scale·⟨R[r,:], V[l,:]⟩ and gv[l,:] += scale·Σ_r U[i+r,l]·R[r,:], two rows of V
 *    at a time, in one sweep over the columns.
 *
 * V, gv and the scratch stay in cache for the shapes this is used for (k·m small); R is never
 * stored whole. Leftover rows (n mod 4) go through the same code with a block of fewer rows.
 */
export function factorGradient(args: FactorGradientArgs): number {
  const { n, m, k, u, v, a, gu, gv, scale } = args;
  if (blockScratch.length < 4 * m) blockScratch = new Float64Array(4 * m);
  const r = blockScratch;
  gv.fill(0, 0, k * m);
  let ss = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    residualBlock4(i, m, k, u, v, a, r);
    ss += sumSquares4(r, m);
    gradientBlock4(i, m, k, u, v, r, gu, gv, scale);
  }
  for (; i < n; i++) {
    ss += residualRow(i, m, k, u, v, a, r);
    gradientRow(i, m, k, u, v, r, gu, gv, scale);
  }
  return ss;
}

function residualBlock4(i: number, m: number, k: number, u: FloatArray, v: FloatArray, a: FloatArray, r: Float64Array): void {
  const u0 = i * k;
  const u1 = u0 + k;
  const u2 = u1 + k;
  const u3 = u2 + k;
  const a0 = i * m;
  const a1 = a0 + m;
  const a2 = a1 + m;
  const a3 = a2 + m;
  let j = 0;
  for (; j + 3 < m; j += 4) {
    let c00 = -a[a0 + j], c01 = -a[a0 + j + 1], c02 = -a[a0 + j + 2], c03 = -a[a0 + j + 3];
    let c10 = -a[a1 + j], c11 = -a[a1 + j + 1], c12 = -a[a1 + j + 2], c13 = -a[a1 + j + 3];
    let c20 = -a[a2 + j], c21 = -a[a2 + j + 1], c22 = -a[a2 + j + 2], c23 = -a[a2 + j + 3];
    let c30 = -a[a3 + j], c31 = -a[a3 + j + 1], c32 = -a[a3 + j + 2], c33 = -a[a3 + j + 3];
    for (let l = 0, vl = j; l < k; l++, vl += m) {
      const b0 = v[vl], b1 = v[vl + 1], b2 = v[vl + 2], b3 = v[vl + 3];
      const x0 = u[u0 + l], x1 = u[u1 + l], x2 = u[u2 + l], x3 = u[u3 + l];
      c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
      c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
      c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
      c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
    }
    r[j] = c00; r[j + 1] = c01; r[j + 2] = c02; r[j + 3] = c03;
    r[m + j] = c10; r[m + j + 1] = c11; r[m + j + 2] = c12; r[m + j + 3] = c13;
    r[2 * m + j] = c20; r[2 * m + j + 1] = c21; r[2 * m + j + 2] = c22; r[2 * m + j + 3] = c23;
    r[3 * m + j] = c30; r[3 * m + j + 1] = c31; r[3 * m + j + 2] = c32; r[3 * m + j + 3] = c33;
  }
  for (; j < m; j++) {
    let c0 = -a[a0 + j], c1 = -a[a1 + j], c2 = -a[a2 + j], c3 = -a[a3 + j];
    for (let l = 0, vl = j; l < k; l++, vl += m) {
      const b = v[vl];
      c0 += u[u0 + l] * b; c1 += u[u1 + l] * b; c2 += u[u2 + l] * b; c3 += u[u3 + l] * b;
    }
    r[j] = c0; r[m + j] = c1; r[2 * m + j] = c2; r[3 * m + j] = c3;
  }
}

function sumSquares4(r: Float64Array, m: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const len = 4 * m;
  let j = 0;
  for (; j + 3 < len; j += 4) {
    s0 += r[j] * r[j]; s1 += r[j + 1] * r[j + 1]; s2 += r[j + 2] * r[j + 2]; s3 += r[j + 3] * r[j + 3];
  }
  for (; j < len; j++) s0 += r[j] * r[j];
  return s0 + s1 + s2 + s3;
}

function gradientBlock4(i: number, m: number, k: number, u: FloatArray, v: FloatArray, r: Float64Array, gu: FloatArray, gv: FloatArray, scale: number): void {
  const u0 = i * k;
  const u1 = u0 + k;
  const u2 = u1 + k;
  const u3 = u2 + k;
  const r1 = m;
  const r2 = 2 * m;
  const r3 = 3 * m;
  let l = 0;
  for (; l + 1 < k; l += 2) {
    const x00 = scale * u[u0 + l], x10 = scale * u[u1 + l], x20 = scale * u[u2 + l], x30 = scale * u[u3 + l];
    const x01 = scale * u[u0 + l + 1], x11 = scale * u[u1 + l + 1], x21 = scale * u[u2 + l + 1], x31 = scale * u[u3 + l + 1];
    const v0 = l * m;
    const v1 = v0 + m;
    let d00 = 0, d10 = 0, d20 = 0, d30 = 0, d01 = 0, d11 = 0, d21 = 0, d31 = 0;
    for (let j = 0; j < m; j++) {
      const e0 = r[j], e1 = r[r1 + j], e2 = r[r2 + j], e3 = r[r3 + j];
      const b0 = v[v0 + j], b1 = v[v1 + j];
      d00 += e0 * b0; d10 += e1 * b0; d20 += e2 * b0; d30 += e3 * b0;
      d01 += e0 * b1; d11 += e1 * b1; d21 += e2 * b1; d31 += e3 * b1;
      gv[v0 + j] += x00 * e0 + x10 * e1 + x20 * e2 + x30 * e3;
      gv[v1 + j] += x01 * e0 + x11 * e1 + x21 * e2 + x31 * e3;
    }
    gu[u0 + l] = scale * d00; gu[u1 + l] = scale * d10; gu[u2 + l] = scale * d20; gu[u3 + l] = scale * d30;
    gu[u0 + l + 1] = scale * d01; gu[u1 + l + 1] = scale * d11; gu[u2 + l + 1] = scale * d21; gu[u3 + l + 1] = scale * d31;
  }
  if (l < k) {
    const x0 = scale * u[u0 + l], x1 = scale * u[u1 + l], x2 = scale * u[u2 + l], x3 = scale * u[u3 + l];
    const v0 = l * m;
    let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    for (let j = 0; j < m; j++) {
      const e0 = r[j], e1 = r[r1 + j], e2 = r[r2 + j], e3 = r[r3 + j];
      const b0 = v[v0 + j];
      d0 += e0 * b0; d1 += e1 * b0; d2 += e2 * b0; d3 += e3 * b0;
      gv[v0 + j] += x0 * e0 + x1 * e1 + x2 * e2 + x3 * e3;
    }
    gu[u0 + l] = scale * d0; gu[u1 + l] = scale * d1; gu[u2 + l] = scale * d2; gu[u3 + l] = scale * d3;
  }
}

/** One leftover row: r[0:m] = U[i,:]·V − A[i,:]; returns its sum of squares. */
function residualRow(i: number, m: number, k: number, u: FloatArray, v: FloatArray, a: FloatArray, r: Float64Array): number {
  const ui = i * k;
  const ai = i * m;
  for (let j = 0; j < m; j++) r[j] = -a[ai + j];
  for (let l = 0; l < k; l++) {
    const x = u[ui + l];
    const vl = l * m;
    for (let j = 0; j < m; j++) r[j] += x * v[vl + j];
  }
  let s = 0;
  for (let j = 0; j < m; j++) s += r[j] * r[j];
  return s;
}

function gradientRow(i: number, m: number, k: number, u: FloatArray, v: FloatArray, r: Float64Array, gu: FloatArray, gv: FloatArray, scale: number): void {
  const ui = i * k;
  for (let l = 0; l < k; l++) {
    const x = scale * u[ui + l];
    const vl = l * m;
    let d = 0;
    for (let j = 0; j < m; j++) {
      const e = r[j];
      d += e * v[vl + j];
      gv[vl + j] += x * e;
    }
    gu[ui + l] = scale * d;
  }
}
