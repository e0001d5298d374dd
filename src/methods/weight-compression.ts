/**
 * Compressing neural-network weights: which tensors are matrices, how an n-D kernel is viewed
 * as a matrix, the rank each one keeps, and its low-rank factors (plain Eckart–Young, or
 * activation-aware through `./activation-aware.ts`). Runs unchanged in browsers; the Node
 * pipeline that streams weight files is `src/io/weights-compress.ts`.
 *
 * **Matrix view** (no data moves: both rules are row-major reshapes):
 * - 2-D tensors as they are.
 * - `torch` layout (PyTorch; the default for safetensors and npz): `[cout, cin, kh, kw]` →
 *   cout × (cin·kh·kw) (and `[cout, cin, k]` → cout × (cin·k)): the first axis against the rest,
 *   as `weight.reshape(cout, -1)`. Inputs (for activation-aware compression) are the **columns**
 *   (`Linear.weight` is out×in and acts as W·x; a convolution acts on im2col patches the same way).
 * - `keras` layout (tfjs / Keras; the default for tfjs models): `[kh, kw, cin, cout]` →
 *   (kh·kw·cin) × cout: every axis but the last against the last, as `kernel.reshape(-1, cout)`.
 *   Inputs are the **rows** (a `Dense` kernel is in×out and acts as xᵀ·W).
 *
 * **Selection**: floating-point tensors of two or more dimensions with at least `minSize`
 * elements; embeddings (names matching {@link EMBEDDING_PATTERN}) only when `include` matches
 * them; `include` (when given) must match, `exclude` must not. Everything else is kept as it is.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { matmul } from '../linalg/matmul.js';
import { svd, type ThinSvd } from '../linalg/svd.js';
import { unwhiten, whitenedSvd, type Whitening } from './activation-aware.js';
import { allocateRanks, maxUsefulRank, type AllocationItem } from './rank-allocation.js';
import { rankFromSpectrum, unitScaledSpectrum } from './rank-selection.js';

/** How n-D kernels map to matrices (see the module comment). */
export type WeightLayout = 'torch' | 'keras';

/**
 * Smallest tensor (elements) compressed by default: below 1024 numbers the factors save little
 * and biases-as-matrices, norms and tiny heads are better left exact.
 */
export const DEFAULT_MIN_SIZE = 1024;

/** Names treated as embeddings (kept unless `--include`d): a lookup table is not a linear map of activations. */
export const EMBEDDING_PATTERN = /embed|(^|[._/])(wte|wpe)([._/]|$)/i;

/** Suffix of the left factor in the factored format: NAME ≈ NAME.lowrank_u (rows×k) · NAME.lowrank_v (k×cols). */
export const FACTOR_U_SUFFIX = '.lowrank_u';
/** Suffix of the right factor in the factored format (see {@link FACTOR_U_SUFFIX}). */
export const FACTOR_V_SUFFIX = '.lowrank_v';

/** The `__metadata__` key (safetensors) / `userDefinedMetadata` key (tfjs) holding the factored tensors' record. */
export const LOWRANK_METADATA_KEY = 'lowrank';

/** A tensor's matrix view. */
export interface MatrixView {
  rows: number;
  cols: number;
  /** The rule, as recorded in factored files: `2d`, `torch` or `keras`. */
  rule: '2d' | WeightLayout;
  /** Which side holds the layer's inputs. */
  inputSide: 'rows' | 'cols';
}

/**
 * The matrix view of a tensor of ≥ 2 dimensions under a layout (see the module comment).
 *
 * @throws {@link LowRankError} `E_SHAPE` for fewer than 2 dimensions.
 * @example
 * ```ts
 * matrixView([64, 3, 3, 3], 'torch'); // { rows: 64, cols: 27, rule: 'torch', inputSide: 'cols' }
 * matrixView([3, 3, 3, 64], 'keras'); // { rows: 27, cols: 64, rule: 'keras', inputSide: 'rows' }
 * ```
 */
export function matrixView(shape: readonly number[], layout: WeightLayout): MatrixView {
  if (shape.length < 2) throw new LowRankError('E_SHAPE', `a tensor of shape [${shape.join(', ')}] has no matrix view (needs ≥ 2 dimensions)`);
  const inputSide = layout === 'torch' ? 'cols' : 'rows';
  if (shape.length === 2) return { rows: shape[0], cols: shape[1], rule: '2d', inputSide };
  const size = shape.reduce((a, b) => a * b, 1);
  if (layout === 'torch') return { rows: shape[0], cols: shape[0] === 0 ? 0 : size / shape[0], rule: 'torch', inputSide };
  const last = shape[shape.length - 1];
  return { rows: last === 0 ? 0 : size / last, cols: last, rule: 'keras', inputSide };
}

/** What decides whether a tensor is compressed. */
export interface SelectionOptions {
  layout: WeightLayout;
  /** Only names matching this are compressed (also admits embeddings). */
  include?: RegExp;
  /** Names matching this are kept. */
  exclude?: RegExp;
  /** Smallest element count compressed (default {@link DEFAULT_MIN_SIZE}). */
  minSize?: number;
}

/** The outcome of {@link selectTensor}: the view, or why the tensor is kept. */
export type Selection = { selected: true; view: MatrixView } | { selected: false; reason: string };

/**
 * Whether a tensor is compressed, and its matrix view (see the module comment for the rules).
 *
 * @example
 * ```ts
 * selectTensor({ name: 'fc1.bias', shape: [1024], float: true }, { layout: 'torch' }); // { selected: false, reason: '1-D' }
 * ```
 */
export function selectTensor(t: { name: string; shape: readonly number[]; float: boolean }, o: SelectionOptions): Selection {
  if (!t.float) return { selected: false, reason: 'not floating-point' };
  if (t.shape.length < 2) return { selected: false, reason: `${t.shape.length}-D` };
  if (o.exclude?.test(t.name)) return { selected: false, reason: 'excluded by --exclude' };
  if (o.include && !o.include.test(t.name)) return { selected: false, reason: 'not matched by --include' };
  if (!o.include && EMBEDDING_PATTERN.test(t.name)) return { selected: false, reason: 'embedding (--include to compress)' };
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (size < (o.minSize ?? DEFAULT_MIN_SIZE)) return { selected: false, reason: `below --min-size (${size} < ${o.minSize ?? DEFAULT_MIN_SIZE})` };
  const view = matrixView(t.shape, o.layout);
  if (Math.min(view.rows, view.cols) < 2) return { selected: false, reason: `matrix view ${view.rows}×${view.cols} has rank ≤ 1` };
  return { selected: true, view };
}

/** A weight's SVD, plain or whitened, in the orientation where the inputs are the columns. */
export interface TensorAnalysis {
  view: MatrixView;
  /** SVD of W (plain) or of W'·L (whitened; W' = W or Wᵀ so that inputs are columns). */
  svd: ThinSvd;
  /** The whitening, for activation-aware compression. */
  whitening?: Whitening;
  /** Whether the SVD is of Wᵀ (whitened keras-layout weights). */
  transposed: boolean;
  /** Σσᵢ²: ‖W‖²_F, or the whitened ‖W'·L‖²_F. */
  total: number;
}

/**
 * SVD of a weight in its matrix view; with a whitening, of the whitened weight (activation-aware).
 *
 * @param w the tensor's data as its rows×cols matrix view.
 * @throws {@link LowRankError} `E_SHAPE` when the whitening's dimension differs from the input side.
 */
export function analyzeTensor(w: Matrix, view: MatrixView, whitening?: Whitening): TensorAnalysis {
  const transposed = whitening !== undefined && view.inputSide === 'rows';
  const s = whitening ? whitenedSvd(transposed ? w.transpose() : w, whitening) : svd(w);
  let total = 0;
  for (const x of s.S) total += x * x;
  return { view, svd: s, whitening, transposed, total };
}

/**
 * The rank-k factors in the matrix view: u rows×k, v k×cols (float64), with W ≈ u·v, the
 * singular values split evenly (√σ into each, keeping both factors' ranges alike for half
 * precision). Plain: the truncated SVD (the Eckart–Young optimum). Whitened: U_k√Σ_k and
 * √Σ_k·V_kᵀ·L⁻¹ (transposed back for keras-layout weights).
 *
 * @throws {@link LowRankError} `E_ARG` when k is not in [1, number of singular values].
 */
export function factorsAtRank(a: TensorAnalysis, k: number): { u: Matrix; v: Matrix } {
  const { U, S, Vt } = a.svd;
  if (!Number.isInteger(k) || k < 1 || k > S.length) throw new LowRankError('E_ARG', `rank must be an integer in [1, ${S.length}], got ${k}`);
  const n = U.rows;
  const m = Vt.cols;
  const r = U.cols;
  const u = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) u[i * k + j] = U.data[i * r + j] * Math.sqrt(S[j]);
  let v = new Matrix(k, m, new Float64Array(k * m));
  for (let j = 0; j < k; j++) {
    const sq = Math.sqrt(S[j]);
    for (let c = 0; c < m; c++) v.data[j * m + c] = Vt.data[j * m + c] * sq;
  }
  if (a.whitening) v = unwhiten(v, a.whitening);
  const uM = new Matrix(n, k, u);
  if (a.transposed) return { u: v.transpose(), v: uM.transpose() };
  return { u: uM, v };
}

/** The product u·v of factors (float64). */
export function expandFactors(u: Matrix, v: Matrix): Matrix {
  return matmul(u.astype('float64'), v.astype('float64'));
}

/** A rank rule: per tensor (`rank`, `energy`, `tol`) or global (`params`, `bytes`). */
export type RankRule =
  | { kind: 'rank'; value: number }
  | { kind: 'energy'; value: number }
  | { kind: 'tol'; value: number }
  | { kind: 'params'; value: number; allocation: 'global' | 'uniform' }
  | { kind: 'bytes'; value: number; allocation: 'global' | 'uniform' };

/** What {@link chooseRanks} needs of each selected tensor. */
export interface RankInput {
  /** Singular values (whitened ones, activation-aware), descending. */
  s: ArrayLike<number>;
  rows: number;
  cols: number;
  /** Bytes per element of the factors as written (for `bytes` budgets). */
  bytesPerElement: number;
  /**
   * Bytes per element of the tensor as stored, when it differs from the factors' (a uint8-quantised
   * tfjs kernel whose factors are float32): the factors must be smaller in bytes too.
   */
  storedBytesPerElement?: number;
}

/** A chosen rank: `dense` when the tensor stays as it is (its factors would not be smaller). */
export interface RankChoice {
  rank: number;
  dense: boolean;
}

/**
 * The rank of every selected tensor under a rule.
 *
 * - `rank` K: min(K, min(n, m)); `energy` E / `tol` T: the smallest rank keeping E of Σσᵢ² /
 *   leaving a relative error ≤ T ({@link rankFromSpectrum}).
 * - `params` F ∈ (0, 1]: the tensors together keep at most F·Σ n·m numbers; `bytes` B: their
 *   stored form takes at most B bytes. `global` allocation minimises Σ squared errors
 *   ({@link allocateRanks}); `uniform` gives every tensor the same share: rank
 *   max(1, ⌊F·n·m/(n+m)⌋) (for `bytes`, F = B / Σ dense bytes).
 * - Any tensor whose rank-k factors would not be smaller than the tensor (in numbers, and in
 *   bytes when `storedBytesPerElement` differs) stays dense.
 *
 * @throws {@link LowRankError} `E_ARG` for an out-of-range value.
 * @example
 * ```ts
 * chooseRanks(inputs, { kind: 'params', value: 0.3, allocation: 'global' });
 * ```
 */
export function chooseRanks(inputs: readonly RankInput[], rule: RankRule): RankChoice[] {
  return chooseRanksByParams(inputs, rule).map((c, i) => {
    const x = inputs[i];
    const larger = c.rank * (x.rows + x.cols) * x.bytesPerElement >= x.rows * x.cols * (x.storedBytesPerElement ?? x.bytesPerElement);
    return !c.dense && larger ? { rank: x.s.length, dense: true } : c;
  });
}

function chooseRanksByParams(inputs: readonly RankInput[], rule: RankRule): RankChoice[] {
  const dense = (x: RankInput, k: number): RankChoice => (k > maxUsefulRank(item(x, 1)) ? { rank: x.s.length, dense: true } : { rank: k, dense: false });
  switch (rule.kind) {
    case 'rank':
      if (!Number.isInteger(rule.value) || rule.value < 1) throw new LowRankError('E_ARG', `--rank must be an integer ≥ 1, got ${rule.value}`);
      return inputs.map((x) => dense(x, Math.min(rule.value, x.s.length)));
    case 'energy':
    case 'tol': {
      if (rule.kind === 'energy' && !(rule.value > 0 && rule.value <= 1)) throw new LowRankError('E_ARG', `--energy must be in (0, 1], got ${rule.value}`);
      if (rule.kind === 'tol' && !(rule.value > 0 && Number.isFinite(rule.value))) throw new LowRankError('E_ARG', `--tol must be a relative error > 0, got ${rule.value}`);
      return inputs.map((x) => dense(x, Math.max(1, rankFromSpectrum(x.s, { criterion: rule.kind, value: rule.value }, x.rows, x.cols) ?? x.s.length)));
    }
    case 'params':
    case 'bytes': {
      const unit = (x: RankInput): number => (rule.kind === 'bytes' ? x.bytesPerElement : 1);
      const denseTotal = inputs.reduce((a, x) => a + x.rows * x.cols * unit(x), 0);
      let budget: number;
      if (rule.kind === 'params') {
        if (!(rule.value > 0 && rule.value <= 1)) throw new LowRankError('E_ARG', `--params must be a fraction in (0, 1], got ${rule.value}`);
        budget = Math.floor(rule.value * denseTotal);
      } else {
        if (!(rule.value >= 0 && Number.isFinite(rule.value))) throw new LowRankError('E_ARG', `--bytes must be ≥ 0, got ${rule.value}`);
        budget = Math.floor(rule.value);
      }
      if (rule.allocation === 'uniform') {
        const f = denseTotal === 0 ? 1 : budget / denseTotal;
        return inputs.map((x) => dense(x, Math.max(1, Math.floor((f * x.rows * x.cols) / (x.rows + x.cols)))));
      }
      // The allocation compares squared errors across tensors: every spectrum scaled by one power of
      // two (exact), so that σ² stays in float64's range for weights beyond ≈ 1e±154.
      let largest = 0;
      for (const x of inputs) for (let i = 0; i < x.s.length; i++) largest = Math.max(largest, Math.abs(x.s[i]));
      const scaled = inputs.map((x) => ({ ...x, s: unitScaledSpectrum(x.s, largest).s }));
      return allocateRanks(scaled.map((x) => item(x, unit(x))), budget).map((a) => ({ rank: a.rank, dense: a.dense }));
    }
  }
}

function item(x: RankInput, unit: number): AllocationItem {
  return { s: x.s, rankCost: (x.rows + x.cols) * unit, denseCost: x.rows * x.cols * unit };
}

/** The figures of one compressed tensor. */
export interface TensorErrors {
  /** ‖W − Ŵ‖_F / ‖W‖_F of the approximation as stored. */
  relative: number;
  /** Σ_{i≤k}σᵢ² / Σσᵢ² (whitened σ, activation-aware). */
  energyKept: number;
  /** The optimum for this rank, √(Σ_{i>k}σᵢ²) / √(Σσᵢ²) (Eckart–Young; whitened, activation-aware). */
  optimalRelative: number;
}

/** Energy kept and the optimal relative error at rank k, from a spectrum. */
export function spectrumFigures(spectrum: ArrayLike<number>, k: number): { energyKept: number; optimalRelative: number } {
  // Shares of Σσᵢ²: computed on σ scaled by a power of two, so that σ beyond ≈ 1e±154 square in range.
  const s = unitScaledSpectrum(spectrum).s;
  let total = 0;
  let tail = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    total += s[i] * s[i];
    if (i >= k) tail += s[i] * s[i];
  }
  return total === 0 ? { energyKept: 1, optimalRelative: 0 } : { energyKept: 1 - tail / total, optimalRelative: Math.sqrt(tail / total) };
}
