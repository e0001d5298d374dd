/**
 * LoRA extraction: the low-rank adapter that best turns a base weight into a fine-tuned one, as
 * mergekit's `extract_lora` computes it (truncated SVD of the difference) and PEFT stores it.
 *
 * For a PyTorch `Linear` weight W (out×in): ΔW = W_tuned − W_base = U·Σ·Vᵀ; the rank-r adapter is
 * `lora_B` = U_r·Σ_r (out×r) and `lora_A` = V_rᵀ (r×in), so that ΔW ≈ lora_B·lora_A (Eckart–Young:
 * no rank-r pair does better in Frobenius norm). PEFT applies `W + (lora_alpha / r)·B·A`, so the
 * adapter is written with `lora_alpha = r` (scaling 1).
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { svd } from '../linalg/svd.js';
import { rankFromSpectrum } from './rank-selection.js';

/** The rank rule of an extraction: a fixed rank, or the smallest keeping a share of ‖ΔW‖²_F. */
export type LoraRankRule = { rank: number } | { energy: number };

/** One extracted adapter. */
export interface LoraFactors {
  /** lora_A, r×in. */
  A: Matrix;
  /** lora_B, out×r. */
  B: Matrix;
  rank: number;
  /** Singular values of ΔW, descending. */
  s: Float64Array;
  /** ‖ΔW − B·A‖_F / ‖ΔW‖_F (0 when ΔW = 0). */
  relativeError: number;
  /** ‖ΔW‖_F. */
  deltaNorm: number;
}

/**
 * The LoRA factors of the difference of two weights (out×in, PyTorch orientation).
 *
 * @param base W_base out×in. @param tuned W_tuned out×in.
 * @param rule `{ rank: r }` (capped at min(out, in)) or `{ energy: e }`, e ∈ (0, 1].
 * @returns float32 factors (as PEFT stores them), or null when ΔW is exactly zero.
 * @throws {@link LowRankError} `E_SHAPE` when the shapes differ; `E_ARG` for a bad rule.
 * @example
 * ```ts
 * const f = extractLora(base, tuned, { rank: 8 }); // f.A: 8×in, f.B: out×8
 * ```
 */
export function extractLora(base: Matrix, tuned: Matrix, rule: LoraRankRule): LoraFactors | null {
  if (base.rows !== tuned.rows || base.cols !== tuned.cols) {
    throw new LowRankError('E_SHAPE', `base is ${base.rows}×${base.cols} but tuned is ${tuned.rows}×${tuned.cols}`);
  }
  const n = base.rows;
  const m = base.cols;
  const d = new Float64Array(n * m);
  let norm2 = 0;
  for (let i = 0; i < d.length; i++) {
    d[i] = tuned.data[i] - base.data[i];
    norm2 += d[i] * d[i];
  }
  if (norm2 === 0) return null;
  const { U, S, Vt } = svd(new Matrix(n, m, d));
  let r: number;
  if ('rank' in rule) {
    if (!Number.isInteger(rule.rank) || rule.rank < 1) throw new LowRankError('E_ARG', `--rank must be an integer ≥ 1, got ${rule.rank}`);
    r = Math.min(rule.rank, S.length);
  } else {
    if (!(rule.energy > 0 && rule.energy <= 1)) throw new LowRankError('E_ARG', `--energy must be in (0, 1], got ${rule.energy}`);
    r = rankFromSpectrum(S, { criterion: 'energy', value: rule.energy }, n, m) ?? S.length;
  }
  const full = U.cols;
  const B = Matrix.zeros(n, r, 'float32');
  for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) B.data[i * r + j] = U.data[i * full + j] * S[j];
  const A = new Matrix(r, m, Float32Array.from(Vt.data.subarray(0, r * m)));
  // Error of the stored float32 factors.
  let err2 = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let j = 0; j < r; j++) s += B.data[i * r + j] * A.data[j * m + c];
      const e = d[i * m + c] - s;
      err2 += e * e;
    }
  }
  return { A, B, rank: r, s: S, relativeError: Math.sqrt(err2 / norm2), deltaNorm: Math.sqrt(norm2) };
}
