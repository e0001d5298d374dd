import { Rng } from '../../src/core/rng.js';
import { cooMatrix, type CooMatrix } from '../../src/core/sparse.js';
import type { Factorization } from '../../src/methods/factorization.js';

/** A random n×m matrix of rank r (Gaussian factors, entries of unit variance) plus σ·N(0, 1) noise, with a fraction `observed` of its entries in `train` and the rest in `test`. */
export function lowRankWithHoles(n: number, m: number, r: number, sigma: number, observed: number, seed: number): { train: CooMatrix; test: CooMatrix } {
  const rng = new Rng(seed);
  const u = new Float64Array(n * r);
  const v = new Float64Array(m * r);
  rng.fillNormal(u);
  rng.fillNormal(v);
  const scale = 1 / Math.sqrt(r);
  const nm = n * m;
  const vals = new Float64Array(nm);
  const obs = new Uint8Array(nm);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let l = 0; l < r; l++) s += u[i * r + l] * v[j * r + l];
      vals[i * m + j] = s * scale + sigma * rng.normal();
      if (rng.uniform() < observed) {
        obs[i * m + j] = 1;
        count++;
      }
    }
  }
  const pick = (flag: number): CooMatrix => {
    const c = flag ? count : nm - count;
    const ri = new Int32Array(c);
    const ci = new Int32Array(c);
    const x = new Float64Array(c);
    let p = 0;
    for (let e = 0; e < nm; e++) {
      if (obs[e] !== flag) continue;
      ri[p] = Math.floor(e / m);
      ci[p] = e % m;
      x[p++] = vals[e];
    }
    return cooMatrix(n, m, ri, ci, x);
  };
  return { train: pick(1), test: pick(0) };
}

/** Prediction of entry (i, j) of a factorization (no clipping). */
export function predict(f: Factorization, i: number, j: number): number {
  let s = f.biases ? f.biases.global + f.biases.user[i] + f.biases.item[j] : 0;
  for (let l = 0; l < f.rank; l++) s += f.U.get(i, l) * f.V.get(l, j);
  return s;
}

/** The weighted-λ objective Σ (pred − r)² + λ Σ_entries (‖u_i‖² + ‖v_j‖² + b_i² + c_j²). */
export function weightedObjective(f: Factorization, data: CooMatrix, reg: number): number {
  let obj = 0;
  for (let e = 0; e < data.values.length; e++) {
    const i = data.row[e];
    const j = data.col[e];
    const d = predict(f, i, j) - data.values[e];
    let pen = 0;
    for (let l = 0; l < f.rank; l++) pen += f.U.get(i, l) ** 2 + f.V.get(l, j) ** 2;
    if (f.biases) pen += f.biases.user[i] ** 2 + f.biases.item[j] ** 2;
    obj += d * d + reg * pen;
  }
  return obj;
}

/** RMSE of a factorization over entries (no clipping). */
export function rmse(f: Factorization, data: CooMatrix): number {
  let s = 0;
  for (let e = 0; e < data.values.length; e++) s += (predict(f, data.row[e], data.col[e]) - data.values[e]) ** 2;
  return Math.sqrt(s / data.values.length);
}
