import { join } from 'node:path';
import type { Command } from 'commander';
import { rejectInapplicableFlags } from './options.js';
import { LowRankError, escapeName } from '../core/errors.js';
import { checkOutputFile, writeFileAtomic } from '../io/files.js';
import { MODEL_DIR_FILES, readModelDir, readTextFile, type SavedModel } from '../io/model-dir.js';
import { parsePairs, parseRatings } from '../io/ratings.js';
import { RowFolder, type FoldedRow } from '../methods/fold-in.js';
import { predictOrFallback, predictWithRow, type PredictionSource } from '../methods/rating-model.js';
import { csvField, printJson } from './format.js';

interface PredictFlags {
  user?: string;
  item?: string;
  pairs?: string;
  foldIn?: string;
  out?: string;
  clip: boolean;
  json?: boolean;
  force?: boolean;
  strict?: boolean;
}

/** Registers `lowrank predict MODEL_DIR --user U --item I` (and `--pairs FILE`, `--fold-in FILE`). */
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('predict ratings from a model directory written by lowrank factor --format ratings (or --missing nan)')
    .argument('<model>', 'model directory')
    .option('--user <id>', 'user id (a row number for models of dense inputs)')
    .option('--item <id>', 'item id (a column number for models of dense inputs)')
    .option('--pairs <file>', 'CSV/TSV of user,item[,rating] lines to predict; writes user,item,prediction (and the rating, with the RMSE on stderr, when the file has one); users or items unseen in training fall back to the item bias, the user bias or the global mean (counted on stderr)')
    .option('--strict', 'with --pairs: refuse a user or item unseen in training instead of falling back')
    .option('--fold-in <file>', 'ratings (user,item,rating lines) of new users, solved with the items fixed, without retraining')
    .option('--out <file>', 'with --pairs: write the predictions to this file instead of stdout')
    .option('--force', 'allow --out to replace one of the input files')
    .option('--no-clip', 'do not clip predictions to the training ratings\' range')
    .option('--json', 'print JSON')
    .action(async (dir: string, flags: PredictFlags, cmd: Command) => {
      rejectInapplicableFlags(cmd, [{ flags: ['strict', 'out'], applies: flags.pairs !== undefined, context: '--pairs FILE' }]);
      await runPredict(dir, flags);
    });
}

/** A user resolved for prediction: a trained row or a folded-in one. */
interface UserRow {
  factors: ArrayLike<number>;
  bias: number;
  foldedIn: boolean;
}

async function runPredict(dir: string, f: PredictFlags): Promise<void> {
  if (f.pairs === undefined && f.item === undefined) {
    throw new LowRankError('E_ARG', 'give --user U --item I, or --pairs FILE');
  }
  if (f.pairs !== undefined && (f.user !== undefined || f.item !== undefined)) {
    throw new LowRankError('E_ARG', '--pairs cannot be combined with --user/--item');
  }
  const writeOptions = { inputs: [f.pairs, f.foldIn, ...MODEL_DIR_FILES.map((name) => join(dir, name))], force: f.force };
  if (f.out !== undefined) await checkOutputFile(f.out, writeOptions);
  const saved = await readModelDir(dir);
  const userIndex = indexOf(saved.users);
  const itemIndex = indexOf(saved.items);
  const folded = f.foldIn !== undefined ? await foldIn(saved, itemIndex, f.foldIn) : new Map<string, FoldedRow>();

  const k = saved.model.U.cols;
  const resolveUser = (user: string, where: string): UserRow => {
    const fr = folded.get(user);
    if (fr) return { factors: fr.factors, bias: fr.bias, foldedIn: true };
    const i = userIndex.get(user);
    if (i === undefined) {
      throw new LowRankError('E_ARG', `${where}unknown user '${user}': not among the model's ${saved.users.length} users (fold them in with --fold-in FILE of their ratings)`);
    }
    return { factors: saved.model.U.data.subarray(i * k, (i + 1) * k), bias: saved.model.biases ? saved.model.biases.user[i] : 0, foldedIn: false };
  };
  const resolveItem = (item: string, where: string): number => {
    const j = itemIndex.get(item);
    if (j === undefined) throw new LowRankError('E_ARG', `${where}unknown item '${item}': not among the model's ${saved.items.length} items`);
    return j;
  };

  if (f.pairs === undefined) {
    let user = f.user;
    if (user === undefined) {
      if (folded.size !== 1) throw new LowRankError('E_ARG', '--item needs --user (or a --fold-in file with exactly one user)');
      user = folded.keys().next().value as string;
    }
    const row = resolveUser(user, '');
    const j = resolveItem(f.item as string, '');
    const prediction = predictWithRow(saved.model, row.factors, row.bias, j, f.clip);
    if (f.json) printJson({ user, item: f.item, prediction, foldedIn: row.foldedIn, clipped: f.clip && !!saved.model.range });
    else process.stdout.write(`${formatPrediction(prediction)}\n`);
    return;
  }

  const pairs = parsePairs(await readTextFile(f.pairs), { source: f.pairs });
  let start = 0;
  if (pairs.firstLine) {
    const { user, item } = pairs.firstLine;
    const known = (folded.has(user) || userIndex.has(user)) || itemIndex.has(item);
    if (!known) start = 1; // a header line such as "user,item"
  }
  if (start >= pairs.users.length) throw new LowRankError('E_FORMAT', `${f.pairs}: no (user, item) pairs after the header (empty input)`);
  const withRatings = pairs.ratings.subarray(start).every((x) => !Number.isNaN(x));
  const lines: string[] = [withRatings ? 'user,item,prediction,rating' : 'user,item,prediction'];
  const predictions: Array<{ user: string; item: string; prediction: number; source: PredictionSource; rating?: number }> = [];
  const sources: Record<PredictionSource, number> = { model: 0, item: 0, user: 0, global: 0 };
  let sse = 0;
  let sae = 0;
  for (let p = start; p < pairs.users.length; p++) {
    const where = `${f.pairs} line ${pairs.lines[p]}: `;
    const user = pairs.users[p];
    const item = pairs.items[p];
    const knownUser = folded.has(user) || userIndex.has(user);
    const j = itemIndex.get(item);
    let prediction: number;
    let source: PredictionSource = 'model';
    if ((knownUser && j !== undefined) || f.strict) {
      const row = resolveUser(user, where);
      prediction = predictWithRow(saved.model, row.factors, row.bias, resolveItem(item, where), f.clip);
    } else if (folded.has(user)) {
      // a folded-in user with an unseen item: μ + the user's solved bias
      const fb = predictOrFallback({ ...saved.model, biases: saved.model.biases && { ...saved.model.biases, user: Float64Array.of(folded.get(user)!.bias) } }, 0, -1, f.clip);
      ({ value: prediction, source } = fb);
    } else {
      ({ value: prediction, source } = predictOrFallback(saved.model, userIndex.get(user) ?? -1, j ?? -1, f.clip));
    }
    sources[source]++;
    const entry: (typeof predictions)[number] = { user, item, prediction, source };
    let line = `${csvField(user)},${csvField(item)},${formatPrediction(prediction)}`;
    if (withRatings) {
      const rating = pairs.ratings[p];
      entry.rating = rating;
      line += `,${formatPrediction(rating)}`;
      sse += (prediction - rating) ** 2;
      sae += Math.abs(prediction - rating);
    }
    lines.push(line);
    predictions.push(entry);
  }
  const count = predictions.length;
  const errors = withRatings ? { rmse: Math.sqrt(sse / count), mae: sae / count, count } : null;
  const fallbacks = { item: sources.item, user: sources.user, global: sources.global };
  if (!f.json && !(f.out === undefined && !withRatings && sources.model === count)) {
    const fb = count - sources.model;
    const summary = `${count} pairs: ${sources.model} by the model, ${fb} cold-start${fb > 0 ? ` (${sources.item} by item bias: unseen user; ${sources.user} by user bias: unseen item; ${sources.global} by global mean: both unseen)` : ''}`;
    process.stderr.write(`${summary}${errors ? `; RMSE ${errors.rmse.toFixed(4)}, MAE ${errors.mae.toFixed(4)} against the file's ratings` : ''}\n`);
  }
  if (f.out !== undefined) {
    await writeFileAtomic(f.out, lines.join('\n') + '\n', writeOptions);
    if (f.json) printJson({ pairs: f.pairs, out: f.out, count: predictions.length, fallbacks, errors, foldedIn: [...folded.keys()] });
    else process.stderr.write(`wrote ${escapeName(f.out)} (${predictions.length} predictions)\n`);
    return;
  }
  if (f.json) printJson({ pairs: f.pairs, predictions, fallbacks, errors, foldedIn: [...folded.keys()] });
  else process.stdout.write(lines.join('\n') + '\n');
}

/** Solves every user of a ratings file against the model's fixed items. */
async function foldIn(saved: SavedModel, itemIndex: Map<string, number>, path: string): Promise<Map<string, FoldedRow>> {
  const r = parseRatings(await readTextFile(path), { source: path, itemIndex });
  const folder = new RowFolder(saved.model, { reg: saved.meta.reg });
  const out = new Map<string, FoldedRow>();
  const { row, col, values } = r.entries;
  let from = 0;
  for (let u = 0; u < r.users.length; u++) {
    let to = from;
    while (to < row.length && row[to] === u) to++;
    out.set(r.users[u], folder.fold(col.slice(from, to), values.slice(from, to)));
    from = to;
  }
  return out;
}

function indexOf(ids: string[]): Map<string, number> {
  const m = new Map<string, number>();
  ids.forEach((id, i) => m.set(id, i));
  return m;
}

function formatPrediction(x: number): string {
  return String(Number(x.toFixed(6)));
}
