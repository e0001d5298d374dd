import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cooMatrix, CsrMatrix } from '../../src/core/sparse.js';
import { detectRatingsText, parsePairs, parseRatings } from '../../src/io/ratings.js';
import { biasBaseline } from '../../src/methods/baselines.js';
import { bpmfFactorize } from '../../src/methods/bpmf.js';
import { kFoldSplits, summarizeFolds } from '../../src/methods/cross-validation.js';
import { fitRatings } from '../../src/methods/fit-ratings.js';
import { maskedGradientFactorize } from '../../src/methods/masked-gradient.js';
import { predictOrFallback, predictRating } from '../../src/methods/rating-model.js';
import { splitEntries } from '../../src/methods/split.js';
import { svdppFactorize } from '../../src/methods/svdpp.js';
import { randomCandidates, tuneRatings, TUNING_SPACE } from '../../src/methods/tuning.js';
import { biasErrors, ratingErrors, scoreTestSet } from '../../src/metrics/ratings.js';
import { generateRatings } from '../fixtures/generate-ratings.js';
import { assertLowRankError } from '../helpers.js';

const g = generateRatings({ users: 300, items: 400, ratings: 12_000, seed: 5 });
const all = CsrMatrix.fromCoo(cooMatrix(g.users, g.items, g.row, g.col, g.values)).toCoo();
const { train, test } = splitEntries(all, { testFraction: 0.2, seed: 2 });
const range: [number, number] = [1, 5];

describe('k-fold splits', () => {
  it('hold out every entry exactly once, in folds differing by at most one entry', () => {
    const splits = kFoldSplits(all, { folds: 5, seed: 3 });
    assert.equal(splits.length, 5);
    const seen = new Map<string, number>();
    for (const s of splits) {
      assert.equal(s.train.values.length + s.test.values.length, all.values.length);
      for (let e = 0; e < s.test.values.length; e++) {
        const key = `${s.test.row[e]},${s.test.col[e]}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    assert.equal(seen.size, all.values.length);
    assert.ok([...seen.values()].every((c) => c === 1));
    const sizes = splits.map((s) => s.test.values.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, String(sizes));
  });
  it('refuses K < 2', () => assert.throws(() => kFoldSplits(all, { folds: 1 }), /folds must be an integer ≥ 2/));
  it('summarises mean and sample standard deviation', () => {
    const s = summarizeFolds([1, 2, 3, 4]);
    assert.equal(s.mean, 2.5);
    assert.ok(Math.abs(s.std - Math.sqrt(5 / 3)) < 1e-12);
  });
});

describe('Bayesian PMF', () => {
  it('beats the bias baseline on held-out planted ratings, by more than 2%', () => {
    const f = bpmfFactorize(CsrMatrix.fromCoo(train), { seed: 1 });
    const model = ratingErrors({ ...f, range }, test).rmse;
    const bias = biasErrors(biasBaseline(CsrMatrix.fromCoo(train)), test, range).rmse;
    assert.ok(model < 0.98 * bias, `bpmf ${model} vs bias ${bias}`);
  });
  it('the stacked model predicts μ + the averaged samples; cold-start pairs fall back to the bias baseline', () => {
    const csr = CsrMatrix.fromCoo(train);
    const f = bpmfFactorize(csr, { rank: 3, samples: 4, burnIn: 1, keep: 4, seed: 2 });
    assert.equal(f.rank, 3 * 4 + 2);
    const b = biasBaseline(csr);
    assert.deepEqual(Array.from(f.biases!.item), Array.from(b.item));
    const fb = predictOrFallback({ ...f }, -1, 7, false);
    assert.equal(fb.source, 'item');
    assert.ok(Math.abs(fb.value - (b.global + b.item[7])) < 1e-12);
    // known pair: μ + Σ_t u_t·v_t / T, i.e. the compensating columns cancel the biases
    const k = f.rank;
    let dot = 0;
    for (let l = 0; l < 12; l++) dot += f.U.get(5, l) * f.V.get(l, 9);
    assert.ok(Math.abs(predictRating(f, 5, 9, false) - (b.global + dot)) < 1e-9, `rank ${k}`);
  });
});

describe('SVD++', () => {
  it('beats the bias baseline on held-out planted ratings, and its training loss falls', () => {
    const f = svdppFactorize(CsrMatrix.fromCoo(train), { seed: 1 });
    const model = ratingErrors({ ...f, range }, test).rmse;
    const bias = biasErrors(biasBaseline(CsrMatrix.fromCoo(train)), test, range).rmse;
    assert.ok(model < 0.99 * bias, `svdpp ${model} vs bias ${bias}`);
    const h = f.lossHistory!;
    assert.ok(h[h.length - 1] < h[0]);
  });
  it('keeps one factor row per user and refuses a bad step', () => {
    const f = svdppFactorize(CsrMatrix.fromCoo(train), { seed: 1, epochs: 2 });
    assert.equal(f.U.rows, train.rows);
    assert.throws(() => svdppFactorize(CsrMatrix.fromCoo(train), { lr: -1 }), /lr must be a finite number > 0/);
  });
});

describe('gradient early stopping', () => {
  it('returns the best validation epoch, which beats the overfitted end of the same run', () => {
    const inner = splitEntries(train, { testFraction: 0.1, seed: 9 });
    const opts = { rank: 20, biases: true, reg: 0.005, epochs: 60, seed: 1, validation: inner.test, range };
    const over = maskedGradientFactorize(inner.train, opts);
    const early = maskedGradientFactorize(inner.train, { ...opts, patience: 3 });
    const rOver = ratingErrors({ ...over, range }, inner.test).rmse;
    const rEarly = ratingErrors({ ...early, range }, inner.test).rmse;
    assert.ok(early.epochsRun! < 60 && early.params.bestEpoch !== undefined);
    assert.ok(rEarly < rOver, `early ${rEarly} vs overfitted ${rOver}`);
  });
  it('fitRatings reports the early-stopping split against the bias baseline', () => {
    const f = fitRatings(train, { method: 'gradient', seed: 1, range });
    assert.ok(f.earlyStopping);
    assert.equal(f.earlyStopping.worseThanBaseline, !(f.earlyStopping.validationRmse < f.earlyStopping.baselineRmse));
    assert.ok(ratingErrors({ ...f.model, range }, test).rmse < biasErrors(biasBaseline(CsrMatrix.fromCoo(train)), test, range).rmse);
  });
});

describe('tuning', () => {
  it('tries every grid point and returns them best first', () => {
    const rows = tuneRatings([splitEntries(train, { testFraction: 0.1, seed: 4 })], { method: 'als', seed: 1 }, { rank: [2, 8], reg: [0.05, 0.5] });
    assert.equal(rows.length, 4);
    for (let q = 1; q < rows.length; q++) assert.ok(rows[q - 1].rmse.mean <= rows[q].rmse.mean);
    assert.deepEqual(new Set(rows.map((r) => `${r.params.rank}/${r.params.reg}`)), new Set(['2/0.05', '2/0.5', '8/0.05', '8/0.5']));
  });
  it('random search: seeded candidates, integer ranks in range, λ log-uniform (half of the draws below the geometric midpoint)', () => {
    const a = randomCandidates({ rank: [3, 40], reg: [0.01, 1] }, 400, 7);
    assert.deepEqual(randomCandidates({ rank: [3, 40], reg: [0.01, 1] }, 400, 7), a, 'same seed, same candidates');
    assert.notDeepEqual(randomCandidates({ rank: [3, 40], reg: [0.01, 1] }, 400, 8), a);
    for (const c of a) {
      assert.ok(Number.isInteger(c.rank) && c.rank >= 3 && c.rank <= 40, `rank ${c.rank}`);
      assert.ok(c.reg! >= 0.01 && c.reg! <= 1, `λ ${c.reg}`);
      assert.equal(c.alpha, undefined);
    }
    // log-uniform on [0.01, 1]: P(λ < 0.1) = 1/2 (uniform would give 0.09); 400 draws: σ = 0.025
    const below = a.filter((c) => c.reg! < 0.1).length / a.length;
    assert.ok(Math.abs(below - 0.5) < 0.1, `fraction below 0.1: ${below}`);
    assert.equal(new Set(a.map((c) => c.rank)).size, 38, 'every rank of [3, 40] drawn');
    const b = randomCandidates(TUNING_SPACE.bpmf, 5, 1);
    for (const c of b) assert.ok(c.alpha! >= 1 && c.alpha! <= 4 && c.reg === undefined);
    assertLowRankError(() => randomCandidates({ rank: [3, 40], reg: [0, 1] }, 5), 'E_ARG', 'reg range must be finite with 0 < low ≤ high');
    assertLowRankError(() => randomCandidates({ rank: [9, 4] }, 5), 'E_ARG', 'rank range');
    assertLowRankError(() => randomCandidates(TUNING_SPACE.als, 0), 'E_ARG', 'trials');
  });
  it('tuneRatings takes a candidate list (random search) and trains each one on every split', () => {
    const candidates = randomCandidates({ rank: [2, 8], reg: [0.05, 0.5] }, 3, 2);
    const rows = tuneRatings(kFoldSplits(train, { folds: 2, seed: 3 }), { method: 'als', seed: 1 }, candidates);
    assert.equal(rows.length, 3);
    assert.deepEqual(new Set(rows.map((r) => JSON.stringify(r.params))), new Set(candidates.map((c) => JSON.stringify(c))));
    for (const r of rows) assert.ok(r.rmse.std >= 0 && Number.isFinite(r.rmse.mean));
    for (let q = 1; q < rows.length; q++) assert.ok(rows[q - 1].rmse.mean <= rows[q].rmse.mean);
    assertLowRankError(() => tuneRatings(kFoldSplits(train, { folds: 2 }), { method: 'als' }, []), 'E_ARG', 'empty');
  });
});

describe('test sets with users and items unseen in training', () => {
  const text = 'userId,movieId,rating,timestamp\n1,10,4,978300760\n1,11,3,978300761\n2,10,5,978300762\n2,12,1,978300763\n3,11,2,978300764\n';
  const tr = parseRatings(text);
  const users = new Map(tr.users.map((u, i) => [u, i]));
  const items = new Map(tr.items.map((x, j) => [x, j]));
  it('parseRatings keeps unknown ids aside with a fixed user and item index', () => {
    const t = parseRatings('1,10,4\n9,10,3\n1,99,2\n8,98,5\n', { userIndex: users, itemIndex: items, unknown: 'keep' });
    assert.equal(t.entries.values.length, 1);
    assert.equal(t.unknown!.values.length, 3);
    assert.deepEqual(Array.from(t.unknown!.row), [-1, 0, -1]);
    assert.deepEqual(Array.from(t.unknown!.col), [0, -1, -1]);
    assert.equal(t.unknown!.unknownUsers, 2);
    assert.equal(t.unknown!.unknownItems, 2);
    assert.throws(() => parseRatings('9,10,3\n', { userIndex: users, itemIndex: items }), /line 1: unknown user '9'/);
  });
  it('scoreTestSet predicts every rating and counts the fallbacks', () => {
    const f = fitRatings(tr.entries, { method: 'als', rank: 1, range: [1, 5] });
    const t = parseRatings('1,10,4\n9,10,3\n1,99,2\n8,98,5\n', { userIndex: users, itemIndex: items, unknown: 'keep' });
    const s = scoreTestSet({ ...f.model, range: [1, 5] }, t.entries, t.unknown);
    assert.equal(s.all.count, 4);
    assert.equal(s.known.count, 1);
    assert.deepEqual(s.fallbacks, { item: 1, user: 1, global: 1 });
    const mu = f.model.biases!.global;
    assert.ok(Math.abs(predictOrFallback({ ...f.model, range: [1, 5] }, -1, -1).value - mu) < 1e-12);
  });
  it('parsePairs reads a third numeric field as the known rating', () => {
    const p = parsePairs('user,item,rating\n1,10,4.5\n2,11\n');
    assert.ok(Number.isNaN(p.ratings[0]) && Number.isNaN(p.ratings[2]));
    assert.equal(p.ratings[1], 4.5);
  });
});

describe('ratings input detection', () => {
  it('MovieLens ratings.csv header, u.data tabs with timestamps and ratings.dat :: are ratings', () => {
    assert.equal(detectRatingsText('userId,movieId,rating,timestamp\n1,1,4.0,964982703\n').kind, 'ratings');
    assert.equal(detectRatingsText('196\t242\t3\t881250949\n186\t302\t3\t891717742\n').kind, 'ratings');
    assert.equal(detectRatingsText('1::1193::5::978300760\n').kind, 'ratings');
    assert.equal(detectRatingsText('user_id,item_id,score\nalice,x,5\n').kind, 'ratings');
  });
  it('a matrix is dense; three integer columns with repeated first ids are ambiguous', () => {
    assert.equal(detectRatingsText('1.5,2,3,4,5\n6,7,8,9,10\n').kind, 'dense');
    assert.equal(detectRatingsText('0.1,0.2,0.3\n0.4,0.5,0.6\n').kind, 'dense');
    assert.equal(detectRatingsText('1,2,5\n1,3,4\n2,2,1\n').kind, 'ambiguous');
    assert.equal(detectRatingsText('a,b,c\nx,y,z\n').kind, 'dense');
  });
});

describe('fitRatings default rank on small data', () => {
  it('is capped at min(users, items), so every method trains at its defaults on a 20×17 table (was: "rank must be … [1, 17] … got 20"); a rank given above it is still refused', () => {
    const row: number[] = [];
    const col: number[] = [];
    const values: number[] = [];
    for (let u = 0; u < 20; u++) for (let i = 0; i < 17; i++) if ((u * 7 + i * 3) % 4 !== 0) { row.push(u); col.push(i); values.push(1 + ((u + 2 * i) % 5)); }
    const train = cooMatrix(20, 17, Int32Array.from(row), Int32Array.from(col), Float64Array.from(values));
    for (const method of ['als', 'gradient', 'svdpp', 'bpmf'] as const) {
      const { model } = fitRatings(train, { method, seed: 1 });
      // Defaults: als, gradient and svdpp 20, capped to 17 here (bpmf's 10 fits; its model stacks the kept samples).
      if (method !== 'bpmf') assert.equal(model.rank, 17, method);
      assert.ok(Number.isFinite(ratingErrors(model, train).rmse), method);
    }
    assertLowRankError(() => fitRatings(train, { method: 'als', rank: 18 }), 'E_ARG', '[1, 17]');
  });
});
