import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { assertFinite, type Matrix } from '../core/matrix.js';
import { getBackend } from '../backend/select.js';
import { readMatrixFile } from '../io/files.js';
import { randomizedSvd, type RandomizedSvdResult } from '../linalg/randomized-svd.js';
import { svd } from '../linalg/svd.js';
import { energyRanks, optimalErrors, rankFromSpectrum, type EnergyRank } from '../methods/rank-selection.js';
import { pyShape, printJson } from './format.js';
import { intOption } from './options.js';

/**
 * Largest min(n, m) for which `spectrum` computes every singular value exactly by default
 * (one-sided Jacobi: ≈ 3 s at 500×500 in the TypeScript tier). Above it the leading values come
 * from the randomized SVD.
 */
export const SPECTRUM_EXACT_MAX_SIDE = 512;

/** Without `--top` on a large input: the first sketch's size, and the most it grows to. */
const AUTO_TOP_FIRST = 64;
const AUTO_TOP_MAX = 256;

/** The energy shares whose ranks `spectrum` reports. */
const LEVELS = [0.9, 0.99, 0.999] as const;

/** What `spectrum` computed. */
export interface SpectrumReport {
  /** ‖A‖_F, computed exactly from the data. */
  normFrobenius: number;
  /** `exact` (one-sided Jacobi SVD) or `randomized` (leading Ritz values). */
  method: 'exact' | 'randomized';
  /** Whether the values were computed for the whole spectrum (exact path; the table may still be trimmed by --top). */
  complete: boolean;
  /** Singular values (or, randomized, Ritz values: lower bounds of them), descending. */
  singularValues: Float64Array;
  /** Share of ‖A‖²_F kept by the first k values, k = 1 … len. */
  cumulativeEnergy: Float64Array;
  /** The optimal rank-k Frobenius error √(‖A‖²_F − Σ_{i≤k} σᵢ²), k = 1 … len. */
  optimalError: Float64Array;
  /** The smallest ranks reaching 90%, 99%, 99.9% of ‖A‖²_F (null: beyond the values computed). */
  energyRanks: EnergyRank[];
  /** Randomized runs: passes over A of the last sketch, and the variant. */
  passes?: number;
  krylov?: boolean;
}

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
    .argument('<input>', 'matrix file (.npy, .csv, .tsv, .txt)')
    .option('--top <n>', `only the N largest values (default: all when min(n, m) ≤ ${SPECTRUM_EXACT_MAX_SIDE}; else ${AUTO_TOP_FIRST}, grown up to ${AUTO_TOP_MAX} until 99.9% energy is reached)`, intOption('--top', 1))
    .option('--seed <s>', 'random seed of the randomized SVD', intOption('--seed', 0), 0)
    .option('--json', 'print one JSON object')
    .action(async (input: string, flags: { top?: number; seed: number; json?: boolean }) => {
      const a = await readMatrixFile(input);
      assertFinite(a, input);
      const r = Math.min(a.rows, a.cols);
      if (r === 0) throw new LowRankError('E_SHAPE', `${input} is empty (${a.rows}×${a.cols})`);
      if (flags.top !== undefined && flags.top > r) {
        throw new LowRankError('E_ARG', `--top must be an integer in [1, ${r}] for a ${a.rows}×${a.cols} matrix, got ${flags.top}`);
      }
      const rep = computeSpectrum(a, flags.top, flags.seed);
      if (flags.json) {
        printJson({ input, shape: [a.rows, a.cols], ...rep });
        return;
      }
      process.stdout.write(spectrumLines(input, a, rep).join('\n') + '\n');
    });
}

/**
 * The spectrum report of a matrix: exact when min(n, m) ≤ {@link SPECTRUM_EXACT_MAX_SIDE} (every
 * value, or the top N), randomized otherwise (the top N; without N, 64 grown to at most 256 until
 * 99.9% of ‖A‖²_F is reached). For randomized values the energies are computed against the exact
 * ‖A‖²_F; Ritz values are lower bounds of the σᵢ, so the cumulative energies are lower bounds
 * and the energy ranks upper bounds (each met by the randomized approximation of that rank).
 *
 * @param a n×m matrix (finite). @param top number of values, or undefined for the defaults above.
 * @example
 * ```ts
 * computeSpectrum(a, undefined).energyRanks; // [{ energy: 0.9, rank: 86 }, …]
 * ```
 */
export function computeSpectrum(a: Matrix, top: number | undefined, seed = 0): SpectrumReport {
  const r = Math.min(a.rows, a.cols);
  const total = getBackend().sumSquares(a.data);
  if (r <= SPECTRUM_EXACT_MAX_SIDE) {
    // Every value is computed anyway: the energy ranks come from all of them, --top only trims the table.
    const full = report(svd(a).S, total, 'exact', true);
    if (top === undefined || top >= r) return full;
    return {
      ...full,
      singularValues: full.singularValues.slice(0, top),
      cumulativeEnergy: full.cumulativeEnergy.slice(0, top),
      optimalError: full.optimalError.slice(0, top),
    };
  }
  let n = top ?? AUTO_TOP_FIRST;
  let res: RandomizedSvdResult;
  for (;;) {
    res = randomizedSvd(a, n, { seed });
    if (top !== undefined || n >= AUTO_TOP_MAX) break;
    if (rankFromSpectrum(res.S, { criterion: 'energy', value: LEVELS[LEVELS.length - 1] }, a.rows, a.cols, total) !== null) break;
    const predicted = rankFromSpectrum(res.ritzValues, { criterion: 'energy', value: LEVELS[LEVELS.length - 1] }, a.rows, a.cols, total);
    n = Math.min(AUTO_TOP_MAX, r, Math.max(2 * n, predicted ?? 0));
  }
  const out = report(res.S, total, 'randomized', res.S.length === r);
  out.passes = res.passes;
  out.krylov = res.krylov;
  return out;
}

function report(s: Float64Array, total: number, method: 'exact' | 'randomized', complete: boolean): SpectrumReport {
  const cumulativeEnergy = new Float64Array(s.length);
  let cum = 0;
  for (let i = 0; i < s.length; i++) {
    cum += s[i] * s[i];
    cumulativeEnergy[i] = total === 0 ? 1 : Math.min(1, cum / total);
  }
  return {
    normFrobenius: Math.sqrt(total),
    method,
    complete,
    singularValues: s,
    cumulativeEnergy,
    optimalError: complete ? optimalErrors(s) : optimalErrors(s, total),
    energyRanks: complete ? energyRanks(s, undefined, LEVELS) : energyRanks(s, total, LEVELS),
  };
}

function spectrumLines(input: string, a: Matrix, rep: SpectrumReport): string[] {
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
