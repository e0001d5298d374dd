import { LowRankError } from '../core/errors.js';
import { newAlsScratch, solveRegularizedRow, type AlsScratch } from './als-row-solve.js';
import { transposeData, type RatingModel } from './rating-model.js';
import { checkPositive } from './validate.js';

/** A row (user) solved against a trained model's fixed columns: its factor vector and bias. */
export interface FoldedRow {
  /** Factor vector u (length k). */
  factors: Float64Array;
  /** Row bias b_u (0 for a model without biases). */
  bias: number;
  /** Number of entries it was solved from. */
  count: number;
}

/** Options of {@link RowFolder}. */
export interface FoldInOptions {
  /**
   * Regularisation λ, weighted by the row's entry count as in training (default 0.1, ALS's
   * default). Use the λ the model was trained with (`params.reg`), so that a folded-in row is
   * the row the training would have produced given the same columns.
   */
  reg?: number;
}

/**
 * Fold-in: the factors of a new (or updated) row — a user who was not in training — solved with
 * the columns V (and the item biases) held fixed, without retraining: one regularised least-squares
 * problem, exactly the user half-step of ALS (weighted-λ, Zhou et al. 2008), O(c·k² + k³) for c
 * ratings. Works for any {@link RatingModel} (ALS or the masked gradient method: both minimise
 * the same objective).
 *
 * @example
 * ```ts
 * const folder = new RowFolder(model, { reg: 0.05 });
 * const row = folder.fold(Int32Array.of(3, 17, 42), Float64Array.of(4, 5, 2));
 * predictWithRow(model, row.factors, row.bias, 99);
 * ```
 */
export class RowFolder {
  private readonly model: RatingModel;
  private readonly w: Float64Array;
  private readonly reg: number;
  private readonly scratch: AlsScratch;

  /** @throws {@link LowRankError} `E_ARG` for a negative or non-finite λ. */
  constructor(model: RatingModel, options: FoldInOptions = {}) {
    this.model = model;
    this.reg = options.reg ?? 0.1;
    checkPositive('reg', this.reg, true);
    const t = transposeData(model.V);
    this.w = t instanceof Float64Array ? t : Float64Array.from(t);
    this.scratch = newAlsScratch(model.V.rows + (model.biases ? 1 : 0));
  }

  /**
   * Solves one row from its observed columns and values.
   * @throws {@link LowRankError} `E_SHAPE` when the arrays differ in length, `E_ARG` for a column
   *   outside the model, `E_NONFINITE` for a non-finite value; `E_DIVERGED` as ALS (λ = 0 and too few entries).
   */
  fold(cols: Int32Array, values: Float64Array): FoldedRow {
    const k = this.model.V.rows;
    const m = this.model.V.cols;
    if (cols.length !== values.length) {
      throw new LowRankError('E_SHAPE', `fold-in: ${cols.length} columns but ${values.length} values`);
    }
    for (let p = 0; p < cols.length; p++) {
      if (!Number.isInteger(cols[p]) || cols[p] < 0 || cols[p] >= m) throw new LowRankError('E_ARG', `fold-in: column ${cols[p]} is outside the model's ${m} columns`);
      if (!Number.isFinite(values[p])) throw new LowRankError('E_NONFINITE', `fold-in: value ${values[p]} at column ${cols[p]} is not finite`);
    }
    const b = this.model.biases;
    const solved = solveRegularizedRow(cols, values, 0, cols.length, this.w, b ? b.item : null, k, this.reg, b ? b.global : 0, this.scratch);
    const x = this.scratch.rhs;
    return {
      factors: solved ? x.slice(0, k) : new Float64Array(k),
      bias: solved && b ? x[k] : 0,
      count: cols.length,
    };
  }
}

/**
 * One-off fold-in of a single row; see {@link RowFolder} (which reuses its buffers across rows).
 * @example
 * ```ts
 * const row = foldInRow(model, Int32Array.of(0, 5), Float64Array.of(4, 3), { reg: 0.05 });
 * ```
 */
export function foldInRow(model: RatingModel, cols: Int32Array, values: Float64Array, options: FoldInOptions = {}): FoldedRow {
  return new RowFolder(model, options).fold(cols, values);
}
