/**
 * `lowrank factor` on data with holes: ratings triplets (`--format ratings`, or a MovieLens-style
 * file recognised by its content) or a dense matrix with missing entries (`--missing nan`,
 * `--mask FILE`), trained by Bayesian PMF (the ratings default), ALS or the masked gradient
 * method; evaluated on a held-out split, a test file (`--test FILE`, cold-start pairs by
 * fallbacks) or by K-fold cross-validation (`--folds K`), beside the global-mean and bias
 * baselines; `--tune` searches rank and λ (`./ratings-tuning.ts`); progress on stderr; a model directory for
 * `lowrank predict` and `lowrank recommend`.
 *
 * @module
 */
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { sparseFromDense, type CooMatrix } from '../core/sparse.js';
import { checkOutputDir } from '../io/files.js';
import { checkOneStdin, readDenseInput } from './read-input.js';
import { MODEL_DIR_FILES, readTextFile, writeModelDir } from '../io/model-dir.js';
import { parseRatings, type UnknownRatings } from '../io/ratings.js';
import { biasBaseline, globalMeanBaseline } from '../methods/baselines.js';
import { kFoldSplits, summarizeFolds, type FoldSummary } from '../methods/cross-validation.js';
import type { Biases, Progress } from '../methods/factorization.js';
import { DEFAULT_RATINGS_REG, EARLY_STOPPING_FRACTION, fitRatings, RATINGS_METHODS, type FitRatingsOptions, type FittedRatings, type RatingsMethod } from '../methods/fit-ratings.js';
import type { RatingModel, SeenItems } from '../methods/rating-model.js';
import { splitEntries } from '../methods/split.js';
import { checkPositive, checkRank } from '../methods/validate.js';
import { CsrMatrix } from '../core/sparse.js';
import { ratingErrors, scoreTestSet, type RatingErrors, type TestSetErrors } from '../metrics/ratings.js';
import { runFactorImplicit } from './factor-implicit.js';
import { runTuning, tuningLines, type TuningResult } from './ratings-tuning.js';
import { checkClusterRatingsFlags, checkRatingsMemory, fitRatingsOnCluster, ratingsRankOf } from './factor-ratings-cluster.js';
import { printJson } from './format.js';
import { ratingsMethodOf, type RatingsFlags } from './factor-ratings-options.js';

interface LoadedData {
  entries: CooMatrix;
  users: string[] | null;
  items: string[] | null;
  describe: string;
  duplicatesMerged: number;
}

/** The figures of one evaluated model (a method or a baseline). */
interface EvalRow {
  name: string;
  train: RatingErrors;
  test: TestSetErrors | null;
  /** Training time, ms (0 for the baselines' few passes). */
  ms: number;
}

/** Runs `factor` on data with holes; see the module comment. `cmd` tells which flags were given
 * (so that the dense defaults of `--method`, `--epochs`, `--momentum` do not apply here).
 *
 * @throws {@link LowRankError} for bad input (exit 2) or a diverging run (exit 1).
 */
export async function runFactorRatings(input: string, f: RatingsFlags, cmd: Command): Promise<void> {
  const given = (name: string): boolean => {
    const src = cmd.getOptionValueSource(name);
    return src !== undefined && src !== 'default';
  };
  const isRatings = f.format === 'ratings';
  const requested = ratingsMethodOf({ ...f, implicit: false });
  if (!(RATINGS_METHODS as readonly string[]).includes(requested)) {
    throw new LowRankError('E_ARG', `--method ${requested} needs every entry of the matrix; use --method bpmf, svdpp, als or gradient for ratings or missing entries`);
  }
  const method = requested as RatingsMethod;
  await checkClusterRatingsFlags(input, f, method);
  if (method === 'gradient' && f.optimizer !== 'adam' && f.optimizer !== 'sgd') {
    throw new LowRankError('E_ARG', `--optimizer ${f.optimizer} is not available with missing entries; use adam or sgd`);
  }
  if (isRatings && (f.missing !== undefined || f.mask !== undefined)) {
    throw new LowRankError('E_ARG', '--missing and --mask are for dense inputs, not --format ratings (a ratings file lists only observed entries)');
  }
  for (const [flag, v] of [['--energy', f.energy], ['--tol', f.tol], ['--ratio', f.ratio]] as const) {
    if (v !== undefined) throw new LowRankError('E_ARG', `${flag} chooses a rank from the singular values of a complete matrix; with missing entries give --rank K`);
  }
  if (f.rank === undefined && !isRatings) throw new LowRankError('E_ARG', 'a dense matrix with missing entries needs --rank K');
  const lossTol = f.lossTol;
  if (f.lr !== undefined) checkPositive('--lr', f.lr);
  if (lossTol !== undefined) checkPositive('--loss-tol', lossTol, true);
  if (f.reg !== undefined) checkPositive('--reg', f.reg, true);
  if (f.alpha !== undefined) checkPositive('--alpha', f.alpha);
  const testFraction = f.testFraction ?? 0;
  if (!(testFraction >= 0 && testFraction < 1)) throw new LowRankError('E_ARG', `--test-fraction must be in [0, 1), got ${testFraction}`);
  if (f.perUser && testFraction === 0) throw new LowRankError('E_ARG', '--per-user needs --test-fraction F > 0');
  if (f.test !== undefined && testFraction > 0) throw new LowRankError('E_ARG', '--test FILE and --test-fraction both choose the held-out ratings; give one');
  if (f.test !== undefined && !isRatings) throw new LowRankError('E_ARG', '--test FILE is for ratings input (--format ratings)');
  if (f.folds !== undefined && !f.tune && (f.test !== undefined || testFraction > 0)) {
    throw new LowRankError('E_ARG', '--folds K holds out each fold in turn; it cannot be combined with --test or --test-fraction (except with --tune, where the folds tune)');
  }
  if (f.implicit && (f.tune || f.compare || f.folds !== undefined)) throw new LowRankError('E_ARG', '--implicit is evaluated on a held-out split (--test-fraction F or --test FILE); --tune, --compare and --folds are for explicit ratings');
  if (f.tune && f.compare) throw new LowRankError('E_ARG', '--tune and --compare cannot be combined: tune one --method at a time');
  if (f.tune && f.rank !== undefined) throw new LowRankError('E_ARG', '--tune chooses the rank; drop --rank');
  // The tuned λ (α for bpmf) replaces the one given.
  if (f.tune && f.reg !== undefined) throw new LowRankError('E_ARG', '--tune chooses the rank and λ; drop --reg');
  if (f.tune && f.alpha !== undefined) throw new LowRankError('E_ARG', '--tune chooses the rank and α; drop --alpha');

  const data = await loadData(input, f);
  const { entries } = data;
  const n = entries.rows;
  const m = entries.cols;
  if (f.rank !== undefined) checkRank(f.rank, n, m);
  checkRatingsMemory(f.memory, entries.values.length, n, m, ratingsRankOf(method, f.rank));
  const talk = !f.json && !f.quiet;
  const fitOptions = (which: RatingsMethod, range: readonly [number, number]): FitRatingsOptions => ({
    method: which,
    rank: which === method ? f.rank : undefined,
    reg: which === method && f.reg !== undefined ? f.reg : !isRatings && which === 'gradient' ? 0.02 : undefined,
    biases: f.biases ?? isRatings,
    sweeps: f.sweeps,
    optimizer: f.optimizer as 'adam' | 'sgd',
    epochs: given('epochs') ? f.epochs : undefined,
    lr: f.lr,
    batchSize: f.batchSize,
    momentum: given('momentum') ? f.momentum : undefined,
    earlyStopping: isRatings,
    samples: f.samples,
    burnIn: f.burnIn,
    alpha: f.alpha,
    lossTol,
    seed: f.seed,
    range,
  });

  if (f.folds !== undefined && !f.tune) {
    if (talk) process.stderr.write(`${f.folds}-fold cross-validation (seed ${f.seed}), no model written\n`);
    const splits = kFoldSplits(entries, { folds: f.folds, seed: f.seed });
    const names = f.compare ? RATINGS_METHODS : [method];
    const perFold: EvalRow[][] = [];
    for (let fold = 0; fold < splits.length; fold++) {
      const s = splits[fold];
      const range = rangeOf(s.train.values);
      const rows = [...baselineRows(s.train, s.test, undefined, range)];
      for (const name of names) {
        const t = performance.now();
        const fitted = fitRatings(s.train, fitOptions(name, range));
        const ms = performance.now() - t;
        const model = { ...fitted.model, range };
        rows.push({ name: modelLabel(fitted), train: ratingErrors(model, s.train), test: scoreTestSet(model, s.test), ms });
        if (talk) process.stderr.write(`fold ${fold + 1}/${splits.length}: ${name} held-out RMSE ${rows[rows.length - 1].test!.all.rmse.toFixed(4)} (${(ms / 1000).toFixed(1)} s)\n`);
      }
      perFold.push(rows);
    }
    printFolds(input, data.describe, f, perFold);
    return;
  }

  const out = f.out ?? join('.', `${basename(input, extname(input))}.lowrank`);
  const outputOptions = { inputs: [input, f.mask, f.test], force: f.force };
  if (!f.compare) await checkOutputDir(out, { ...outputOptions, names: MODEL_DIR_FILES });
  let train: CooMatrix;
  let test: CooMatrix;
  let coldStart: UnknownRatings | undefined;
  let testDescribe: string;
  if (f.test !== undefined) {
    const t = parseRatings(await readTextFile(f.test), {
      source: f.test, duplicates: f.duplicates ?? 'error', unknown: 'keep',
      userIndex: indexOf(data.users ?? []), itemIndex: indexOf(data.items ?? []),
    });
    train = entries;
    test = t.entries;
    coldStart = t.unknown;
    const u = coldStart?.unknownUsers ?? 0;
    const i = coldStart?.unknownItems ?? 0;
    const c = coldStart?.values.length ?? 0;
    testDescribe = `Test: ${f.test}: ${test.values.length + c} ratings; ${u} user${u === 1 ? '' : 's'} and ${i} item${i === 1 ? '' : 's'} unseen in training (${c} rating${c === 1 ? '' : 's'} predicted by fallbacks)`;
  } else {
    ({ train, test } = splitEntries(entries, { testFraction, seed: f.seed, perRow: f.perUser }));
    testDescribe = test.values.length > 0
      ? `Split: ${train.values.length} training, ${test.values.length} held out (${(testFraction * 100).toFixed(1)}%${f.perUser ? ' of each user' : ''}, seed ${f.seed})`
      : 'Split: none (all entries train; --test FILE or --test-fraction F for held-out figures)';
  }
  if (train.values.length === 0) throw new LowRankError('E_ARG', `no training entries left after holding out --test-fraction ${testFraction}`);
  const hasTest = test.values.length + (coldStart?.values.length ?? 0) > 0;
  const range = rangeOf(train.values);
  if (f.implicit) {
    await runFactorImplicit({
      input, out, describe: data.describe, train, test, testDescribe, users: data.users, items: data.items,
      rank: f.rank, alpha: f.alpha, reg: f.reg, sweeps: f.sweeps, seed: f.seed, json: f.json, quiet: f.quiet, outputOptions,
      seen: seenItemsOf(entries),
    });
    return;
  }
  const t0 = performance.now();

  let tuned: TuningResult | null = null;
  const chosen = fitOptions(method, range);
  if (f.tune) {
    tuned = runTuning(method, train, chosen, { search: f.trials !== undefined ? 'random' : 'grid', trials: f.trials, folds: f.folds, seed: f.seed, talk });
    Object.assign(chosen, tuned.rows[0].params);
  }
  const tuning = tuned ? tuned.rows : null;

  const onProgress = talk && !f.compare
    ? (p: Progress) => {
        const what = method === 'gradient' || method === 'svdpp' ? 'epoch' : 'sweep';
        const held = p.validationRmse !== undefined ? `, ${method === 'gradient' && isRatings ? 'validation' : 'held-out'} RMSE ${p.validationRmse.toFixed(4)}` : '';
        process.stderr.write(`${what} ${p.epoch + 1}/${p.total}: train RMSE ${Math.sqrt(p.loss).toFixed(4)}${held} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
      }
    : undefined;
  const rows = baselineRows(train, test, coldStart, range);
  const names = f.compare ? RATINGS_METHODS : [method];
  let main: { fitted: FittedRatings; row: EvalRow } | null = null;
  for (const name of names) {
    const t = performance.now();
    const opts = name === method ? chosen : fitOptions(name, range);
    const fitOpts = { ...opts, validation: test.values.length > 0 ? test : undefined, onProgress };
    const fitted = f.cluster !== undefined ? await fitRatingsOnCluster(train, fitOpts, f) : fitRatings(train, fitOpts);
    const ms = performance.now() - t;
    if (f.dtype === 'float32') fitted.model = { ...fitted.model, U: fitted.model.U.astype('float32'), V: fitted.model.V.astype('float32') };
    const model = { ...fitted.model, range };
    const row: EvalRow = { name: modelLabel(fitted), train: ratingErrors(model, train), test: hasTest ? scoreTestSet(model, test, coldStart) : null, ms };
    rows.push(row);
    if (talk && f.compare) process.stderr.write(`${row.name}: ${(ms / 1000).toFixed(1)} s\n`);
    if (name === method) main = { fitted, row };
  }
  if (f.compare || !main) {
    printCompare(input, data.describe, testDescribe, range, rows, f);
    return;
  }
  const { fitted } = main;
  const result = fitted.model;
  const es = fitted.earlyStopping;
  if (es?.worseThanBaseline && !f.quiet) {
    process.stderr.write(`warning: the gradient model is not better than the bias baseline on its early-stopping split (RMSE ${es.validationRmse.toFixed(4)} vs ${es.baselineRmse.toFixed(4)}); the default --method bpmf or a larger --reg does better\n`);
  }
  const biasRow = rows[1];
  if (main.row.test && biasRow.test && !(main.row.test.all.rmse < biasRow.test.all.rmse) && !f.quiet) {
    process.stderr.write(`warning: held-out RMSE ${main.row.test.all.rmse.toFixed(4)} is not below the bias baseline's ${biasRow.test.all.rmse.toFixed(4)}: the factors add nothing here\n`);
  }
  const reg = method === 'bpmf' ? DEFAULT_RATINGS_REG.als : fitted.reg;
  const baselines = {
    globalMean: { train: rows[0].train, test: rows[0].test?.all ?? null },
    biases: { train: rows[1].train, test: rows[1].test?.all ?? null },
  };
  const metrics = { train: main.row.train, test: main.row.test?.all ?? null, baselines };
  const split = f.test !== undefined
    ? { train: train.values.length, test: test.values.length + (coldStart?.values.length ?? 0), testFile: f.test, seed: f.seed }
    : { train: train.values.length, test: test.values.length, testFraction, perUser: !!f.perUser, seed: f.seed };
  const coldStartReport = main.row.test && f.test !== undefined
    ? { unknownUsers: coldStart?.unknownUsers ?? 0, unknownItems: coldStart?.unknownItems ?? 0, fallbacks: main.row.test.fallbacks, known: main.row.test.known, baselineKnown: biasRow.test?.known ?? null }
    : null;
  const files = await writeModelDir(out, {
    factorization: result,
    reg,
    range,
    users: data.users,
    items: data.items,
    seen: seenItemsOf(entries),
    extra: { input, nnz: entries.values.length, split, metrics, ...(tuned ? { tuning, tuningSearch: { search: tuned.search, ...tuned.space } } : {}) },
  }, outputOptions);

  if (f.json) {
    printJson({
      input,
      format: isRatings ? 'ratings' : 'matrix',
      shape: [n, m],
      nnz: entries.values.length,
      density: entries.values.length / (n * m),
      duplicatesMerged: data.duplicatesMerged,
      range,
      split,
      method: result.method,
      rank: result.rank,
      params: result.params,
      epochsRun: result.epochsRun,
      finalLoss: result.lossHistory ? result.lossHistory[result.lossHistory.length - 1] : undefined,
      timings: result.timings,
      ...metrics,
      coldStart: coldStartReport,
      earlyStopping: es ?? null,
      tuning,
      tuningSearch: tuned ? { search: tuned.search, on: tuned.on, ...tuned.space } : null,
      files,
    });
    return;
  }
  const sweep = result.timings.sweepMsMax !== undefined ? `, slowest sweep ${(result.timings.sweepMsMax / 1000).toFixed(2)} s` : '';
  const lines = [`Input: ${data.describe}`, testDescribe];
  if (tuned) lines.push(...tuningLines(tuned, method));
  lines.push(`Method: ${main.row.name}, ${(result.timings.totalMs / 1000).toFixed(2)} s${sweep}`);
  if (es) {
    lines.push(`Early stopping: best epoch ${es.bestEpoch + 1} of ${result.epochsRun} on a ${EARLY_STOPPING_FRACTION * 100}% validation split of the training ratings (validation RMSE ${es.validationRmse.toFixed(4)}, bias baseline ${es.baselineRmse.toFixed(4)})`);
  }
  lines.push(`Predictions clipped to [${range[0]}, ${range[1]}]`, ...errorTable(rows));
  if (coldStartReport && main.row.test) {
    const fb = main.row.test.fallbacks;
    lines.push(`Cold start: ${fb.item} by item bias (unseen user), ${fb.user} by user bias (unseen item), ${fb.global} by global mean; on the ${main.row.test.known.count} known pairs RMSE ${main.row.test.known.rmse.toFixed(4)} (bias baseline ${biasRow.test?.known.rmse.toFixed(4)})`);
  }
  if (main.row.test && biasRow.test) {
    const gain = 1 - main.row.test.all.rmse / biasRow.test.all.rmse;
    lines.push(`${method}: held-out RMSE ${(Math.abs(gain) * 100).toFixed(1)}% ${gain >= 0 ? 'below' : 'ABOVE'} the bias baseline`);
  }
  lines.push(`Wrote ${files.join(', ')}`);
  process.stdout.write(lines.join('\n') + '\n');
}

/** The global-mean and bias baselines as rows, fitted on `train`. */
function baselineRows(train: CooMatrix, test: CooMatrix, coldStart: UnknownRatings | undefined, range: [number, number]): EvalRow[] {
  const csr = CsrMatrix.fromCoo(train);
  const hasTest = test.values.length + (coldStart?.values.length ?? 0) > 0;
  const row = (name: string, b: Biases): EvalRow => {
    const model: RatingModel = { U: Matrix.zeros(train.rows, 0), V: Matrix.zeros(0, train.cols), biases: b, range };
    return { name, train: ratingErrors(model, train), test: hasTest ? scoreTestSet(model, test, coldStart) : null, ms: 0 };
  };
  return [row('global mean', globalMeanBaseline(csr)), row('user + item biases', biasBaseline(csr))];
}

/** A method's one-line description with its rank and knobs. */
function modelLabel(fitted: FittedRatings): string {
  const r = fitted.model;
  if (r.method === 'bpmf') return `bpmf rank ${r.params.sampleRank} (${r.params.samples} samples, ${r.params.keep} kept, α ${r.params.alpha})`;
  if (r.method === 'svdpp') return `svdpp rank ${r.rank} (λ ${fitted.reg}, ${r.epochsRun} epochs, lr ${r.params.lr})`;
  if (r.method === 'als') return `als rank ${r.rank} (λ ${fitted.reg}, ${r.epochsRun} sweeps${r.params.biases ? ', biases' : ''})`;
  return `gradient rank ${r.rank} (${r.params.optimizer}, λ ${fitted.reg}, ${r.epochsRun} epochs, batch ${r.params.batchSize}${r.params.biases ? ', biases' : ''})`;
}

function fmtErr(e: RatingErrors | null | undefined, width: number): string {
  return e ? `${e.rmse.toFixed(4).padStart(width)} ${e.mae.toFixed(4).padStart(8)}` : `${'-'.padStart(width)} ${'-'.padStart(8)}`;
}

function errorTable(rows: EvalRow[]): string[] {
  const w = Math.max(24, ...rows.map((r) => r.name.length));
  return [
    `${'model'.padEnd(w)} ${'train RMSE'} ${'MAE'.padStart(8)}  ${'held-out RMSE'} ${'MAE'.padStart(8)} ${'time s'.padStart(8)}`,
    ...rows.map((r) => `${r.name.padEnd(w)} ${fmtErr(r.train, 10)}  ${fmtErr(r.test?.all, 13)} ${(r.ms / 1000).toFixed(2).padStart(8)}`),
  ];
}

function printCompare(input: string, describe: string, testDescribe: string, range: [number, number], rows: EvalRow[], f: RatingsFlags): void {
  if (f.json) {
    printJson({ input, range, models: rows.map((r) => ({ name: r.name, train: r.train, test: r.test?.all ?? null, known: r.test?.known ?? null, fallbacks: r.test?.fallbacks ?? null, trainSeconds: r.ms / 1000 })) });
    return;
  }
  process.stdout.write([`Input: ${describe}`, testDescribe, `Predictions clipped to [${range[0]}, ${range[1]}]; no model written (--compare)`, ...errorTable(rows)].join('\n') + '\n');
}

function printFolds(input: string, describe: string, f: RatingsFlags, perFold: EvalRow[][]): void {
  const names = perFold[0].map((r) => r.name.replace(/ \(.*$/, ''));
  const summary = names.map((name, q) => ({
    name: perFold[0][q].name,
    rmse: summarizeFolds(perFold.map((rows) => rows[q].test!.all.rmse)),
    mae: summarizeFolds(perFold.map((rows) => rows[q].test!.all.mae)),
    trainSeconds: summarizeFolds(perFold.map((rows) => rows[q].ms / 1000)),
    perFold: perFold.map((rows) => rows[q].test!.all.rmse),
    key: name,
  }));
  if (f.json) {
    printJson({ input, folds: perFold.length, seed: f.seed, models: summary.map(({ key: _key, ...s }) => s) });
    return;
  }
  const w = Math.max(24, ...summary.map((s) => s.name.length));
  const fmt = (s: FoldSummary): string => `${s.mean.toFixed(4)} ± ${s.std.toFixed(4)}`;
  const lines = [
    `Input: ${describe}`,
    `${perFold.length}-fold cross-validation (seed ${f.seed}): held-out RMSE mean ± standard deviation over the folds; no model written`,
    `${'model'.padEnd(w)} ${'RMSE'.padStart(17)} ${'MAE'.padStart(17)} ${'s/fold'.padStart(7)}  per fold`,
    ...summary.map((s) => `${s.name.padEnd(w)} ${fmt(s.rmse).padStart(17)} ${fmt(s.mae).padStart(17)} ${s.trainSeconds.mean.toFixed(2).padStart(7)}  ${s.perFold.map((x) => x.toFixed(4)).join(' ')}`),
  ];
  const bias = summary[1].rmse.mean;
  for (const s of summary.slice(2)) lines.push(`${s.key}: mean held-out RMSE ${(Math.abs(1 - s.rmse.mean / bias) * 100).toFixed(1)}% ${s.rmse.mean < bias ? 'below' : 'ABOVE'} the bias baseline`);
  process.stdout.write(lines.join('\n') + '\n');
}

function indexOf(ids: string[]): Map<string, number> {
  const out = new Map<string, number>();
  ids.forEach((id, i) => out.set(id, i));
  return out;
}

async function loadData(input: string, f: RatingsFlags): Promise<LoadedData> {
  if (f.format === 'ratings') {
    const text = await readTextFile(input);
    const r = parseRatings(text, { source: input, duplicates: f.duplicates ?? 'error' });
    const nnz = r.entries.values.length;
    const merged = r.merged > 0 ? `, ${r.merged} duplicate lines merged (${f.duplicates})` : '';
    return {
      entries: r.entries,
      users: r.users,
      items: r.items,
      duplicatesMerged: r.merged,
      describe: `${input} (ratings: ${r.users.length} users × ${r.items.length} items, ${nnz} ratings, ${pct(nnz, r.users.length * r.items.length)} observed, range ${r.range[0]}–${r.range[1]}${merged})`,
    };
  }
  checkOneStdin([input, f.mask ?? '']);
  // --missing nan: empty / NA / null CSV cells are holes too (read as NaN).
  const a = await readDenseInput(input, { missing: f.missing === 'nan' ? 'nan' : undefined, quiet: f.json || f.quiet });
  const mask = f.mask !== undefined ? await readDenseInput(f.mask, { quiet: true }) : undefined;
  const csr = sparseFromDense(a, { missing: f.missing ?? 'none', mask, what: input });
  if (csr.nnz === 0) throw new LowRankError('E_ARG', `${input}: every entry is missing`);
  return {
    entries: csr.toCoo(),
    users: null,
    items: null,
    duplicatesMerged: 0,
    describe: `${input} (${a.rows}×${a.cols}, ${csr.nnz} observed entries, ${pct(csr.nnz, a.rows * a.cols)})`,
  };
}

/** The items each user rated: the CSR pattern of the loaded entries, which come sorted by (user, item) without repeats. */
function seenItemsOf(entries: CooMatrix): SeenItems {
  const c = CsrMatrix.fromSortedCoo(entries);
  return { indptr: c.indptr, indices: c.indices };
}

function rangeOf(values: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function pct(a: number, b: number): string {
  return `${((100 * a) / b).toFixed(2)}%`;
}
