/**
 * The picture outputs shared by `demo` and `factor`: comparison.png, residual.png, loss.png,
 * spectrum.png and the self-contained report.html, drawn as files that the command writes in one
 * set with its other outputs (`writeOutputDir`), so figures never describe another run's factors.
 * The drawing modules (figures, report page, PNG rendering) are imported only when a figure is asked for.
 *
 * @module
 */
import { basename } from 'node:path';
import type { Matrix } from '../core/matrix.js';
import { svd } from '../linalg/svd.js';
import { AUTO_EXACT_MAX_SIDE } from '../methods/auto.js';
import type { Factorization } from '../methods/factorization.js';
import type { OutputFile } from '../io/output-set.js';
import { OPTIMUM_MAX_SIDE, type Evaluation } from '../metrics/evaluate.js';
import { matmul } from '../linalg/matmul.js';
import type { FigureSet } from '../viz/figures.js';
import type { ReportFigure, ReportTable } from '../viz/report.js';
import { packageVersion } from './version.js';

/** What {@link figureOutputFiles} draws. */
export interface FigureOutputOptions {
  /** Draw the PNG figures. */
  png: boolean;
  /** Draw report.html. */
  report: boolean;
  /** A, n×m. */
  original: Matrix;
  /** The factors U (n×k) and V (k×m); U·V is formed only when small enough to show whole. */
  U: Matrix;
  V: Matrix;
  rank: number;
  /** Error figures of the full approximation, for the residual's subtitle. */
  errors?: { frobenius: number; relative: number; maxAbs: number };
  lossHistory?: ArrayLike<number>;
  spectrum?: ArrayLike<number>;
  /** Method name for titles (`adam`, `svd`, …). */
  methodLabel?: string;
  originalTitle?: string;
  approximationTitle?: string;
  /** Report heading and the line under it (e.g. the command line). */
  title: string;
  subtitle?: string;
  parameters: Record<string, string | number | boolean | null | undefined>;
  tables: ReportTable[];
  notes?: string[];
}

/** Every file {@link figureOutputFiles} may draw (for the checks made before a run). */
export const FIGURE_FILE_NAMES = ['comparison.png', 'residual.png', 'loss.png', 'spectrum.png', 'report.html'] as const;

/** Every file `factor` may write into its output directory (dense factors and figures). */
export const FACTOR_OUTPUT_NAMES: readonly string[] = ['U.npy', 'V.npy', 'S.npy', ...FIGURE_FILE_NAMES];

/** Largest side, in cells, of a matrix drawn in the figures; larger ones are shown as block means. */
export const DISPLAY_MAX_SIDE = 1000;

const CAPTIONS: Record<keyof FigureSet, string> = {
  comparison: 'The original and the low-rank approximation on one colour scale (viridis).',
  residual: 'What the approximation misses, A − UV, on a diverging scale centred at zero (RdBu_r): white is exact.',
  loss: 'Training loss (mean squared error) before each epoch’s update; the dashed line is the loss of the truncated SVD, the best any rank-k factorization can reach.',
  spectrum: 'Left: the singular values of A. Right: the smallest relative error any rank-k approximation can have, and the energy it leaves out; the chosen rank is marked.',
};

const TITLES: Record<keyof FigureSet, string> = {
  comparison: 'Original and approximation',
  residual: 'Residual',
  loss: 'Loss per epoch',
  spectrum: 'Spectrum',
};

/**
 * Draws the figures of a factorization: the PNGs (when `png`) and report.html (when `report`),
 * as files for the command's output set. loss.png needs a loss history and spectrum.png the
 * singular values; they are skipped without them.
 *
 * @returns the files (names inside the output directory, and contents), none when neither is asked.
 * @throws {@link LowRankError} when rendering fails.
 */
export async function figureOutputFiles(o: FigureOutputOptions): Promise<OutputFile[]> {
  if (!o.png && !o.report) return [];
  // The drawing modules load only when a figure is asked for (not on every factor run).
  const [{ blockMeans, factorizationFigures, productBlockMeans }, { buildReport }, { svgToPng }] = await Promise.all([
    import('../viz/figures.js'),
    import('../viz/report.js'),
    import('../io/render.js'),
  ]);
  // Figures show at most DISPLAY_MAX_SIDE cells a side: larger matrices as f×f block means,
  // U·V reduced row block by row block without forming the n×m product.
  const a = o.original;
  const f = Math.max(1, Math.ceil(Math.max(a.rows, a.cols) / DISPLAY_MAX_SIDE));
  let shown: Matrix;
  let approximation: Matrix;
  if (f === 1) {
    shown = a;
    const same = o.U.dtype === o.V.dtype;
    approximation = matmul(same ? o.U : o.U.astype('float64'), same ? o.V : o.V.astype('float64'));
  } else {
    shown = blockMeans(a, f);
    approximation = productBlockMeans(o.U, o.V, f);
  }
  const figs = factorizationFigures({
    original: shown,
    approximation,
    displayBlock: f > 1 ? { size: f, rows: a.rows, cols: a.cols } : undefined,
    errors: o.errors,
    rank: o.rank,
    lossHistory: o.lossHistory,
    spectrum: o.spectrum,
    methodLabel: o.methodLabel,
    originalTitle: o.originalTitle,
    approximationTitle: o.approximationTitle,
  });
  const order = (['comparison', 'residual', 'loss', 'spectrum'] as const).filter((k) => figs[k] !== undefined);
  const files: OutputFile[] = [];
  if (o.png) {
    const pngs = await Promise.all(order.map((k) => svgToPng(figs[k] as string)));
    order.forEach((k, i) => files.push({ name: `${k}.png`, bytes: pngs[i] }));
  }
  if (o.report) {
    const figures: ReportFigure[] = order.map((k) => ({ title: TITLES[k], svg: figs[k], caption: CAPTIONS[k] }));
    const notes = [...(o.notes ?? [])];
    if (!figs.loss) notes.push('No loss curve: this method does not train (the SVD is computed, not learned).');
    if (!figs.spectrum) notes.push('No spectrum: the singular values were not computed (the matrix is too large for the exact SVD here).');
    const html = buildReport({
      title: o.title,
      subtitle: o.subtitle,
      parameters: o.parameters,
      tables: o.tables,
      figures,
      notes,
      footer: `Made by lowrank ${packageVersion()}. One self-contained file: no scripts, no network.`,
    });
    files.push({ name: 'report.html', bytes: html });
  }
  return files;
}

/** The metrics table of one or more evaluations (one column each), for the report. */
export function evaluationTable(columns: ReadonlyArray<[string, Evaluation]>, title = 'Metrics'): ReportTable {
  const row = (label: string, get: (e: Evaluation) => number | null): Array<string | number | null> => [label, ...columns.map(([, e]) => get(e))];
  return {
    title,
    columns: ['', ...columns.map(([name]) => name)],
    rows: [
      row('Compression ratio (numbers)', (e) => e.compressionRatio),
      row('Compression ratio (bytes)', (e) => e.compressionRatioBytes),
      row('Approximation error (Frobenius norm)', (e) => e.frobenius),
      row('Relative error (Frobenius)', (e) => e.relative),
      row('Approximation error (avg percent)', (e) => e.avgPercent),
      row('RMSE', (e) => e.rmse),
      row('Max abs error', (e) => e.maxAbs),
      row('Optimal error for this rank (truncated SVD)', (e) => e.optimum),
      row('Gap to optimum (%)', (e) => (e.gap === null || !Number.isFinite(e.gap) ? null : e.gap * 100)),
    ],
  };
}

/**
 * `factor --png/--report`: the figures of a factorization of `a` (read from `input`). The spectrum comes from the method when it computed all singular values, else from an
 * exact SVD when that is cheap (the same limits as the optimum in `factor`'s report).
 *
 * @returns the files for the output set (none when neither is asked).
 */
export async function factorFigureFiles(
  input: string,
  a: Matrix,
  result: Factorization,
  evaluation: Evaluation,
  what: { png: boolean; report: boolean },
): Promise<OutputFile[]> {
  if (!what.png && !what.report) return [];
  const limit = result.method === 'gradient' ? OPTIMUM_MAX_SIDE : AUTO_EXACT_MAX_SIDE;
  const spectrum = result.spectrum ?? (Math.min(a.rows, a.cols) <= limit ? svd(a).S : undefined);
  const label = result.method === 'gradient' ? `gradient, ${String(result.params.optimizer)}` : result.method;
  return figureOutputFiles({
    png: what.png,
    report: what.report,
    original: a,
    U: result.U,
    V: result.V,
    rank: result.rank,
    lossHistory: result.lossHistory,
    spectrum,
    methodLabel: label,
    errors: evaluation,
    title: `lowrank factor ${basename(input)}`,
    subtitle: `${input}: ${a.rows}×${a.cols} ${a.dtype}, rank ${result.rank} by ${label} in ${result.timings.totalMs.toFixed(1)} ms`,
    parameters: { input, rows: a.rows, cols: a.cols, method: result.method, rank: result.rank, ...result.params, epochs: result.epochsRun },
    tables: [evaluationTable([[label, evaluation]])],
  });
}
