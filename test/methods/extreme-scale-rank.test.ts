/**
 * Rank selection and the spectrum report are scale-invariant: for a power of two c (exact scaling),
 * c·A has the same energy/tol ranks, the same cumulative energies and c times the optimal errors as
 * A — also where Σσᵢ² or ‖A‖²_F leave float64's range (‖A‖_F above ≈ 1.3e154 or below ≈ 1.5e−154).
 * Before, entries ≈ 2^±520 gave rank 1 (exact: every tail ∞ or 0) or min(n, m) (randomized: ∞ − ∞),
 * and the spectrum report NaN energies with ‖A‖_F = ∞ or 0.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { sparseFromDense } from '../../src/core/sparse.js';
import { autoFactorize, exactFactorize } from '../../src/methods/auto.js';
import { randomizedFactorize } from '../../src/methods/randomized.js';
import { svdFactorize } from '../../src/methods/svd.js';
import { assertLowRankError } from '../helpers.js';
import { rankFromSpectrum } from '../../src/methods/rank-selection.js';
import { sparseSpectrum } from '../../src/methods/sparse-spectrum.js';
import { spectrum, type SpectrumReport } from '../../src/methods/spectrum.js';
import { chooseRanks, spectrumFigures, type RankInput, type RankRule } from '../../src/methods/weight-compression.js';

/** n×m Gaussian with column j divided by 1 + j: σ decays slowly, so energy 0.9/0.99 need ranks well inside (1, min(n, m)). */
function decaying(n: number, m: number, seed: number): Matrix {
  const a = Matrix.zeros(n, m);
  new Rng(seed).fillNormal(a.data);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) a.data[i * m + j] /= 1 + j;
  return a;
}
const scaled = (a: Matrix, c: number): Matrix => new Matrix(a.rows, a.cols, a.data.map((x) => x * c));
/** Exponents where the plain squares leave float64's range (both sides), plus the range ends. */
const EXAMPLES = [-1000, -560, -520, -480, 520, 560, 1000];
/** Unbiased exponents in [−1000, 1000]: c·A's entries (|aᵢⱼ| ≤ 5) stay normal and finite. */
const exponent = fc.noBias(fc.integer({ min: -1000, max: 1000 }));

const unit = decaying(120, 60, 0);
const TARGETS = [{ energy: 0.9 }, { energy: 0.99 }, { tol: 0.1 }] as const;

function sameReport(got: SpectrumReport, want: SpectrumReport, c: number, where: string): void {
  assert.equal(got.singularValues.length, want.singularValues.length, where);
  const rel = (x: number, y: number): number => Math.abs(x - y) / Math.abs(y);
  assert.ok(rel(got.normFrobenius / c, want.normFrobenius) <= 1e-13, `${where}: ‖A‖_F/c = ${got.normFrobenius / c}, unscaled ${want.normFrobenius}`);
  for (let i = 0; i < want.singularValues.length; i++) {
    // σ and energies from the same SVD of exactly scaled data: rounding-level agreement.
    assert.ok(rel(got.singularValues[i] / c, want.singularValues[i]) <= 1e-12, `${where}: σ${i + 1}`);
    assert.ok(Math.abs(got.cumulativeEnergy[i] - want.cumulativeEnergy[i]) <= 1e-12, `${where}: energy ${i + 1} = ${got.cumulativeEnergy[i]}, unscaled ${want.cumulativeEnergy[i]}`);
    assert.ok(Math.abs(got.optimalError[i] / c - want.optimalError[i]) <= 1e-12 * want.normFrobenius, `${where}: optimal error ${i + 1} = ${got.optimalError[i] / c}·c, unscaled ${want.optimalError[i]}`);
  }
  assert.deepEqual(got.energyRanks, want.energyRanks, where);
}

describe('energy/tol ranks of 2^e·A equal those of A', () => {
  const exact = TARGETS.map((t) => exactFactorize(unit, t).rank);
  const variants = [{}, { krylov: false }, { passes: 4 }] as const;
  const randomized = variants.map((v) => TARGETS.map((t) => randomizedFactorize(unit, { ...t, ...v, seed: 1 }).rank));

  test('the reference ranks are inside (1, min(n, m)) (the property below has something to lose)', () => {
    for (const k of [...exact, ...randomized.flat()]) assert.ok(k > 1 && k < 60, `rank ${k}`);
  });

  test('exact, auto and randomized (every variant): the same rank, σ scaled by 2^e', () => {
    fc.assert(fc.property(exponent, fc.integer({ min: 0, max: TARGETS.length - 1 }), fc.integer({ min: 0, max: variants.length - 1 }), (e, t, v) => {
      const c = 2 ** e;
      const a = scaled(unit, c);
      const fe = exactFactorize(a, TARGETS[t]);
      const fa = autoFactorize(a, TARGETS[t]);
      const fr = randomizedFactorize(a, { ...TARGETS[t], ...variants[v], seed: 1 });
      const where = `e = ${e}, ${JSON.stringify(TARGETS[t])}`;
      if (fe.rank !== exact[t] || fa.rank !== exact[t]) throw new Error(`${where}: exact rank ${fe.rank}, auto ${fa.rank}, unscaled ${exact[t]}`);
      if (fr.rank !== randomized[v][t]) throw new Error(`${where} ${JSON.stringify(variants[v])}: randomized rank ${fr.rank}, unscaled ${randomized[v][t]}`);
      if (fe.params.numericalRank !== exact[t]) throw new Error(`${where}: numerical rank ${fe.params.numericalRank}`);
      const gap = fr.params.gapUpperBound as number;
      if (!Number.isFinite(gap) || !Number.isFinite(fr.params.frobeniusFromRitz as number)) throw new Error(`${where}: gap ${gap}, error ${fr.params.frobeniusFromRitz}`);
    }), { numRuns: 40, seed: 7, examples: EXAMPLES.map((e, i) => [e, i % TARGETS.length, i % variants.length]) });
  });
});

describe('the spectrum report of 2^e·A', () => {
  const want = spectrum(unit);
  const wantTop = spectrum(unit, { top: 5 });
  const sparse = sparseFromDense(unit);
  const wantSparse = sparseSpectrum(sparse, { top: 8, seed: 3 });
  const wantCentered = sparseSpectrum(sparse, { top: 8, seed: 3, center: true });

  test('dense (every value and --top) and sparse (plain and centered): ‖A‖_F, σ and optimal errors times 2^e, the same energies and ranks', () => {
    fc.assert(fc.property(exponent, (e) => {
      const c = 2 ** e;
      const a = scaled(unit, c);
      sameReport(spectrum(a), want, c, `e = ${e}`);
      sameReport(spectrum(a, { top: 5 }), wantTop, c, `e = ${e}, top 5`);
      const s = sparseFromDense(a);
      // Randomized through the sparse operator: the guard scales by powers of two, so the same bits.
      sameReport(sparseSpectrum(s, { top: 8, seed: 3 }), wantSparse, c, `e = ${e}, sparse`);
      sameReport(sparseSpectrum(s, { top: 8, seed: 3, center: true }), wantCentered, c, `e = ${e}, sparse centered`);
    }), { numRuns: 25, seed: 8, examples: EXAMPLES.map((e) => [e]) });
  });
});

describe('rankFromSpectrum on a full spectrum whose squares leave float64', () => {
  test('full spectrum (no total): scaled by 2^e, the same rank', () => {
    const s = Float64Array.from({ length: 40 }, (_, i) => 1 / (1 + i));
    const want = rankFromSpectrum(s, { criterion: 'energy', value: 0.9 }, 40, 40);
    fc.assert(fc.property(exponent, (e) => {
      const got = rankFromSpectrum(s.map((x) => x * 2 ** e), { criterion: 'energy', value: 0.9 }, 40, 40);
      if (got !== want) throw new Error(`e = ${e}: rank ${got}, unscaled ${want}`);
    }), { numRuns: 60, seed: 9, examples: EXAMPLES.map((e) => [e]) });
  });

});

describe('weight compression figures and rank choices of 2^e-scaled spectra (float64 weights)', () => {
  // Two tensors' spectra; the global allocation compares their squared errors, so both scale together.
  const s1 = Float64Array.from({ length: 32 }, (_, i) => 10 / (1 + i));
  const s2 = Float64Array.from({ length: 24 }, (_, i) => 3 / (1 + i) ** 1.5);
  const inputs = (c: number): RankInput[] => [
    { s: s1.map((x) => x * c), rows: 64, cols: 32, bytesPerElement: 8 },
    { s: s2.map((x) => x * c), rows: 48, cols: 24, bytesPerElement: 8 },
  ];
  const rules: RankRule[] = [{ kind: 'energy', value: 0.9 }, { kind: 'tol', value: 0.2 }, { kind: 'params', value: 0.3, allocation: 'global' }, { kind: 'bytes', value: 9000, allocation: 'global' }];
  const want = rules.map((rule) => chooseRanks(inputs(1), rule));
  const wantFigures = spectrumFigures(s1, 5);

  test('the same ranks for every rule and the same energy kept / optimal relative error (were NaN, or rank choices off, beyond 2^±510)', () => {
    fc.assert(fc.property(exponent, (e) => {
      const c = 2 ** e;
      rules.forEach((rule, i) => {
        const got = chooseRanks(inputs(c), rule);
        if (JSON.stringify(got) !== JSON.stringify(want[i])) throw new Error(`e = ${e}, ${JSON.stringify(rule)}: ${JSON.stringify(got)}, unscaled ${JSON.stringify(want[i])}`);
      });
      const f = spectrumFigures(s1.map((x) => x * c), 5);
      if (!(Math.abs(f.energyKept - wantFigures.energyKept) <= 1e-14 && Math.abs(f.optimalRelative - wantFigures.optimalRelative) <= 1e-14)) throw new Error(`e = ${e}: ${JSON.stringify(f)}, unscaled ${JSON.stringify(wantFigures)}`);
    }), { numRuns: 60, seed: 10, examples: EXAMPLES.map((e) => [e]) });
  });
});

describe('outputs that cannot be represented', () => {
  test('randomized: ‖A‖_F beyond float64 (finite σ, e.g. a 100×100 diagonal of 1e308) is E_UNSUPPORTED (was normA ∞, gap 0, energy rank 100 instead of 35)', () => {
    const d = Matrix.zeros(100, 100);
    for (let i = 0; i < 100; i++) d.data[i * 101] = 1e308 * (1 - i / 200);
    for (const target of [{ rank: 5 }, { energy: 0.5 }]) assertLowRankError(() => randomizedFactorize(d, target), 'E_UNSUPPORTED', 'beyond float64', '--method svd');
    // The exact path needs no ‖A‖_F: its energy rank is right.
    assert.equal(exactFactorize(d, { energy: 0.5 }).rank, 35);
  });

  test('float32 factors that would underflow (the largest entry of U or V below float32\'s smallest normal) are E_UNSUPPORTED naming the way out; the balanced split keeps √σ and fits', () => {
    const a = Matrix.zeros(60, 30);
    new Rng(0).fillNormal(a.data);
    for (let i = 0; i < a.data.length; i++) a.data[i] *= 1e-40;
    for (const split of ['left', 'right'] as const) assertLowRankError(() => svdFactorize(a, { rank: 3, dtype: 'float32', split }), 'E_UNSUPPORTED', 'float32', '--dtype float64');
    const f = svdFactorize(a, { rank: 3, dtype: 'float32', split: 'balanced' });
    for (const x of [...f.U.data, ...f.V.data]) assert.ok(x === 0 || Math.abs(x) >= 2 ** -126, `subnormal factor entry ${x}`);
    // float64 factors of the same data are fine.
    assert.ok(svdFactorize(a, { rank: 3, dtype: 'float64' }).U.data.some((x) => x !== 0));
  });
});
