import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { assertFinite, type Matrix } from '../core/matrix.js';
import { INDEX_COL_HELP, printNotes, readInput } from './read-input.js';
import { sparseSpectrum } from '../methods/sparse-spectrum.js';
import { SPECTRUM_EXACT_MAX_SIDE, SPECTRUM_TOP_FIRST, SPECTRUM_TOP_MAX, spectrum, type SpectrumReport } from '../methods/spectrum.js';
import { explainedRatios, pyShape, printJson } from './format.js';
import { centerColumns, denseColumnMeans } from '../metrics/explained-variance.js';
import { explainedLine } from './factor-sparse.js';
import { intOption } from './options.js';
import { refuseStreamCenter, streamSpectrum } from './factor-stream.js';
import { memoryOption } from './size-options.js';

/**
 * Registers `lowrank spectrum INPUT [--top N] [--seed S] [--json]`. Bad `--top` and unreadable
 * input are one-line errors (exit 2).
 *
 * @example
 * ```ts
 * registerSpectrum(program); // lowrank spectrum big.npy --top 100 --json
 * ```
 */
export function registerSpectrum(program: Command): void {
  program
    .command('spectrum')
    .description(`singular values, cumulative energy, the optimal error of every rank and the ranks reaching 90/99/99.9% of ‖A‖²_F (exact when min(n, m) ≤ ${SPECTRUM_EXACT_MAX_SIDE}, else the top values by randomized SVD)`)
    .argument('<input>', 'matrix file (.npy, .npz, .csv, .tsv, .txt, .mtx; - reads stdin)')
    .option('--top <n>', `only the N largest values (default: all when min(n, m) ≤ ${SPECTRUM_EXACT_MAX_SIDE}; else ${SPECTRUM_TOP_FIRST}, grown up to ${SPECTRUM_TOP_MAX} until 99.9% energy is reached)`, intOption('--top', 1))
    .option('--seed <s>', 'random seed of the randomized SVD', intOption('--seed', 0), 0)
    .option('--json', 'print one JSON object')
    .option('--index-col', INDEX_COL_HELP)
    .option('--center', 'PCA: the spectrum of the column-centered matrix A − 1·μᵀ, with each component\'s explained-variance ratio (scikit-learn\'s explained_variance_ratio_)')
    .option('--memory <bytes>', 'out of core: stream row blocks of a .npy file within this budget (e.g. 2GiB); the top values by the streamed randomized SVD', memoryOption)
    .action(async (input: string, flags: { top?: number; seed: number; json?: boolean; indexCol?: boolean; center?: boolean; memory?: number }) => {
      if (flags.memory !== undefined) {
        refuseStreamCenter(flags.center);
        const s = await streamSpectrum(input, { ...flags, memory: flags.memory });
        if (flags.json) printJson({ input, shape: [s.rows, s.cols], streamed: true, ...s.report });
        else process.stdout.write(spectrumLines(input, s, s.report).join('\n') + '\n');
        return;
      }
      const loaded = await readInput(input, { indexCol: flags.indexCol, sparse: true });
      printNotes(loaded.notes, flags.json);
      input = loaded.name;
      if (loaded.kind === 'sparse') {
        // A coordinate .mtx: the leading values through a sparse operator, never densified.
        const sp = loaded.matrix;
        const rep = sparseSpectrum(sp, { top: flags.top, seed: flags.seed, center: flags.center });
        const explained = flags.center ? explainedRatios(rep.singularValues, rep.normFrobenius) : undefined;
        if (flags.json) {
          printJson({ input, shape: [sp.rows, sp.cols], nnz: sp.nnz, sparse: true, centered: !!flags.center, ...rep, explainedVarianceRatio: explained });
          return;
        }
        const lines = spectrumLines(input, { rows: sp.rows, cols: sp.cols, dtype: 'float64' }, rep);
        lines[0] += `, sparse with ${sp.nnz} stored entries (never densified)${flags.center ? ', columns centered implicitly (--center: PCA)' : ''}`;
        if (explained) lines.push(explainedLine(explained, true));
        process.stdout.write(lines.join('\n') + '\n');
        return;
      }
      const raw = loaded.matrix;
      assertFinite(raw, input);
      const a = flags.center ? centerColumns(raw, denseColumnMeans(raw.data, raw.rows, raw.cols)) : raw;
      const r = Math.min(a.rows, a.cols);
      if (r === 0) throw new LowRankError('E_SHAPE', `${input} is empty (${a.rows}×${a.cols})`);
      if (flags.top !== undefined && flags.top > r) {
        throw new LowRankError('E_ARG', `--top must be an integer in [1, ${r}] for a ${a.rows}×${a.cols} matrix, got ${flags.top}`);
      }
      const rep = spectrum(a, { top: flags.top, seed: flags.seed });
      // With --center the energy shares are PCA's explained-variance ratios: σᵢ² / ‖A − 1·μᵀ‖²_F.
      const explained = flags.center ? explainedRatios(rep.singularValues, rep.normFrobenius) : undefined;
      if (flags.json) {
        printJson({ input, shape: [a.rows, a.cols], centered: !!flags.center, ...rep, explainedVarianceRatio: explained });
        return;
      }
      const lines = spectrumLines(input, a, rep);
      if (explained) {
        lines[0] += ', columns centered (--center: PCA; energy = cumulative explained-variance ratio)';
        lines.push(explainedLine(explained, true));
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}

function spectrumLines(input: string, a: Pick<Matrix, 'rows' | 'cols' | 'dtype'>, rep: SpectrumReport): string[] {
  const len = rep.singularValues.length;
  const r = Math.min(a.rows, a.cols);
  const what = rep.method === 'exact'
    ? `exact SVD, ${len === r ? `all ${len}` : `top ${len} of ${r}`} singular values`
    : `randomized SVD (${rep.krylov ? 'block Krylov' : 'subspace iteration'}, ${rep.passes} passes), top ${len} of ${r}: Ritz values are lower bounds, energy ranks upper bounds`;
  const lines = [`Input: ${input} ${pyShape(a)} ${a.dtype}`, `Spectrum: ${what}`, `‖A‖_F = ${rep.normFrobenius.toExponential(6)}`, ''];
  lines.push(`${'k'.padStart(6)}  ${'sigma_k'.padStart(13)}  ${'energy'.padStart(10)}  ${'optimal error'.padStart(13)}  ${'relative'.padStart(10)}`);
  const norm = rep.normFrobenius;
  for (let i = 0; i < len; i++) {
    const rel = norm === 0 ? 0 : rep.optimalError[i] / norm;
    lines.push(`${String(i + 1).padStart(6)}  ${rep.singularValues[i].toExponential(6).padStart(13)}  ${(100 * rep.cumulativeEnergy[i]).toFixed(4).padStart(9)}%  ${rep.optimalError[i].toExponential(6).padStart(13)}  ${rel.toExponential(3).padStart(10)}`);
  }
  lines.push('');
  for (const e of rep.energyRanks) {
    const pct = `${+(e.energy * 100).toFixed(3)}%`;
    lines.push(`Rank for ${pct} energy: ${e.rank === null ? `> ${len} (not reached by the top ${len}; use --top)` : e.rank}`);
  }
  return lines;
}
