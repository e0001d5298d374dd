/**
 * `lowrank factor` on a sparse input (a coordinate Matrix Market file): the randomized SVD through
 * a CSR operator — optionally centered implicitly (`--center`, PCA) — so the n×m matrix is never
 * formed. Memory O(nnz + (n + m)·(k + p)).
 *
 * @module
 */
import { basename, join } from 'node:path';

import { LowRankError } from '../core/errors.js';
import { Matrix, type DType } from '../core/matrix.js';
import type { CsrMatrix } from '../core/sparse.js';
import { checkOutputDir, writeOutputDir } from '../io/files.js';
import { writeNpy } from '../io/npy.js';
import { operatorSvd } from '../linalg/operator-svd.js';
import { safeNorm, scaleBy2 } from '../linalg/norms.js';
import { centeredNorm, centeredOperator, csrOperator, sparseColumnMeans } from '../linalg/sparse-operator.js';
import { splitFactors } from '../methods/randomized.js';
import { rankForRatio, unitScaledSpectrum } from '../methods/rank-selection.js';
import { compressionRatio } from '../metrics/compression.js';
import { explainedRatios, pyShape, printJson } from './format.js';
import { STDIO_PATH } from './read-input.js';
import { checkSingleFileOutput, factorArrays, isSingleFileOutput, writeSingleFileOutput } from './single-output.js';

/** The `factor` flags a sparse run reads. */
export interface SparseFactorFlags {
  rank?: number;
  energy?: number;
  tol?: number;
  ratio?: number;
  method: string;
  oversample?: number;
  powerIters?: number | 'auto';
  krylov?: boolean;
  /** Refused: the dense randomized SVD's fixed pass count, normalizer and Krylov stopping rule, and the spectral-error estimate. */
  passes?: number;
  normalizer?: string;
  tolRitz?: number;
  spectralError?: boolean;
  center?: boolean;
  dtype?: DType;
  seed: number;
  json?: boolean;
  quiet?: boolean;
  png?: boolean;
  report?: boolean;
}

/** What a sparse factorization reports (the `--json` object's figures). */
export interface SparseFactorSummary {
  rank: number;
  singularValues: Float64Array;
  /** σᵢ² / ‖A (− 1μᵀ)‖²_F, scikit-learn's `explained_variance_ratio_` when centered. */
  explainedVarianceRatio: Float64Array;
  /** ‖A − Â‖_F, exactly √(‖A‖²_F − Σσᵢ²) for the Rayleigh–Ritz approximation (clamped at 0). */
  frobenius: number;
  relative: number;
  rmse: number;
  compressionRatio: number;
  passes: number;
}

/**
 * Factors a sparse n×m matrix by the randomized SVD through a sparse operator and writes U.npy,
 * V.npy, S.npy (and mean.npy with `--center`) into `out`.
 *
 * @throws {@link LowRankError} `E_ARG` for methods other than auto/randomized, rank criteria that
 *   need the whole spectrum (`--energy`, `--tol`), flags that need the dense matrix (`--png`,
 *   `--report`, `--krylov`), and the dense randomized SVD's knobs the sparse operator's subspace
 *   iteration does not read (`--passes`, `--normalizer`, `--tol-ritz`, `--spectral-error`).
 */
export async function runSparseFactor(a: CsrMatrix, input: string, out: string, f: SparseFactorFlags, where: { inputs: string[]; force?: boolean } = { inputs: [] }): Promise<SparseFactorSummary> {
  if (f.method !== 'auto' && f.method !== 'randomized') {
    throw new LowRankError('E_ARG', `--method ${f.method} needs a dense matrix; the sparse ${a.rows}×${a.cols} input of '${input}' is factored by --method randomized (auto), never densified`);
  }
  for (const [flag, v] of [['--energy', f.energy], ['--tol', f.tol]] as const) {
    if (v !== undefined) throw new LowRankError('E_ARG', `${flag} needs the whole spectrum, not computed for a sparse input; give --rank K or --ratio R`);
  }
  for (const [flag, v] of [['--png', f.png], ['--report', f.report], ['--krylov', f.krylov]] as const) {
    if (v) throw new LowRankError('E_ARG', `${flag} is not available for a sparse input (the figures would need the dense ${a.rows}×${a.cols} matrix)`);
  }
  for (const [flag, v] of [['--passes', f.passes], ['--normalizer', f.normalizer], ['--tol-ritz', f.tolRitz], ['--spectral-error', f.spectralError]] as const) {
    if (v !== undefined) throw new LowRankError('E_ARG', `${flag} is not available for a sparse input (its randomized SVD is subspace iteration through the sparse operator: --rank, --oversample, --power-iters, --seed)`);
  }
  const r = Math.min(a.rows, a.cols);
  if ((f.rank === undefined) === (f.ratio === undefined)) {
    throw new LowRankError('E_ARG', 'a sparse input needs exactly one of --rank K or --ratio R');
  }
  const k = f.rank ?? rankForRatio(a.rows, a.cols, f.ratio!);
  if (!Number.isInteger(k) || k < 1 || k > r) throw new LowRankError('E_ARG', `--rank must be an integer in [1, ${r}] for a ${a.rows}×${a.cols} matrix, got ${k}`);
  const single = isSingleFileOutput(out);
  if (single) await checkSingleFileOutput(out, { ...where, figures: false });
  else await checkOutputDir(out, { ...where, names: ['U.npy', 'V.npy', 'S.npy', 'mean.npy'] });

  const mu = f.center ? sparseColumnMeans(a) : undefined;
  const op = mu ? centeredOperator(csrOperator(a), mu) : csrOperator(a);
  // ‖A‖_F without overflow or underflow of the squares (entries beyond ≈ 1e±154).
  const normA = mu ? centeredNorm(a, mu) : safeNorm(a.values);
  const progress = !f.json && !f.quiet && process.stderr.isTTY;
  const t0 = performance.now();
  const res = operatorSvd(op, k, {
    oversample: f.oversample,
    powerIters: f.powerIters,
    seed: f.seed,
    onPass: progress ? (d, t) => process.stderr.write(`\rrandomized SVD (sparse): pass ${d}/${t}${d === t ? '\n' : ''}`) : undefined,
  });
  const ms = performance.now() - t0;
  const dtype = f.dtype ?? 'float64';
  const { U, V } = splitFactors(res, k, 'left', dtype);
  // ‖A − U·S·Vᵀ‖²_F = ‖A‖²_F − Σσᵢ² (U·S·Vᵀ projects A), read off values scaled with ‖A‖_F.
  const unit = unitScaledSpectrum(res.S, normA);
  const kept = unit.s.reduce((s, x) => s + x * x, 0);
  const frobenius = scaleBy2(Math.sqrt(Math.max(0, unit.total - kept)), unit.exponent);
  const summary: SparseFactorSummary = {
    rank: k,
    singularValues: res.S,
    explainedVarianceRatio: explainedRatios(res.S, normA),
    frobenius,
    relative: normA === 0 ? 0 : frobenius / normA,
    rmse: frobenius / Math.sqrt(a.rows * a.cols),
    compressionRatio: compressionRatio(a.rows, a.cols, k),
    passes: res.passes,
  };

  const files = [
    { path: join(out, 'U.npy'), bytes: writeNpy(U) },
    { path: join(out, 'V.npy'), bytes: writeNpy(V) },
    { path: join(out, 'S.npy'), bytes: writeNpy(new Matrix(1, k, res.S), { oneD: true }) },
  ];
  if (mu) files.push({ path: join(out, 'mean.npy'), bytes: writeNpy(new Matrix(1, mu.length, mu), { oneD: true }) });
  if (single) {
    files.splice(0, files.length, { path: await writeSingleFileOutput(out, factorArrays(U, V, res.S, mu), where), bytes: new Uint8Array(0) });
  } else {
    await writeOutputDir(out, files.map((x) => ({ name: basename(x.path), bytes: x.bytes })), where);
  }
  // With --out - stdout carries the .npz: the report goes to stderr.
  const report = out === STDIO_PATH ? process.stderr : process.stdout;

  if (f.json) {
    printJson({ input, shape: [a.rows, a.cols], nnz: a.nnz, sparse: true, centered: !!mu, method: 'randomized', ...summary, timings: { totalMs: ms }, files: files.map((x) => x.path) }, report);
    return summary;
  }
  const what = mu ? 'A − 1·μᵀ (columns centered implicitly)' : 'A';
  const lines = [
    `Input: ${input} ${pyShape(a)} sparse, ${a.nnz} stored entries (${((100 * a.nnz) / Math.max(1, a.rows * a.cols)).toPrecision(3)}% dense), never densified`,
    `Method: randomized (sparse operator on ${what}; subspace iteration, q = ${res.powerIters}, ${res.passes} passes, sketch ${res.sketchSize}), rank ${k}, ${ms.toFixed(1)} ms`,
    `U shape: ${pyShape(U)}, V shape: ${pyShape(V)} (${dtype})`,
    `Compression Ratio: ${summary.compressionRatio.toFixed(2)} (dense n·m against k·(n + m))`,
    `Approximation Error (Frobenius Norm): ${frobenius.toFixed(4)} (of ${what})`,
    `Relative Error (Frobenius): ${summary.relative.toExponential(4)}`,
    `RMSE: ${summary.rmse.toExponential(4)}; avg percent and max abs error: not computed (they would visit all ${a.rows}×${a.cols} entries)`,
    explainedLine(summary.explainedVarianceRatio, !!mu),
    `Wrote ${files.map((x) => x.path).join(', ')}`,
  ];
  report.write(lines.join('\n') + '\n');
  return summary;
}

/**
 * The explained-variance line: each component's share of ‖A_c‖²_F (PCA, with `--center`) or of
 * ‖A‖²_F, and their sum; at most 10 shown.
 *
 * @example
 * ```ts
 * explainedLine(Float64Array.of(0.7, 0.2), true); // 'Explained variance ratio: 0.7000, 0.2000 (total 0.9000)'
 * ```
 */
export function explainedLine(ratio: Float64Array, centered: boolean): string {
  const shown = Array.from(ratio.subarray(0, 10), (x) => x.toFixed(4)).join(', ');
  const sum = ratio.reduce((s, x) => s + x, 0);
  return `${centered ? 'Explained variance ratio' : 'Energy share (uncentered; --center for PCA)'}: ${shown}${ratio.length > 10 ? ', …' : ''} (total ${sum.toFixed(4)})`;
}
