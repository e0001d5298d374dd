/**
 * `lowrank recommend MODEL --user U [--top N] [--include-seen]` and `--similar-items I`: top-N
 * lists from a model directory written by `lowrank factor` (ratings or `--implicit`).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { LowRankError, escapeName } from '../core/errors.js';
import { readModelDir, readTextFile } from '../io/model-dir.js';
import { parseRatings } from '../io/ratings.js';
import { SEEN_ITEMS_FILE } from '../io/seen-items.js';
import { DEFAULT_TOP_N, recommendForUser, similarItems, type Recommendation } from '../methods/recommend.js';
import { csvField, printJson } from './format.js';
import { intOption } from './options.js';

interface RecommendFlags {
  user?: string;
  similarItems?: string;
  top: number;
  includeSeen?: boolean;
  seen?: string;
  json?: boolean;
}

/** Registers `lowrank recommend`. */
export function registerRecommend(program: Command): void {
  program
    .command('recommend')
    .description('top-N items for a user (or items similar to an item) from a model directory written by lowrank factor')
    .argument('<model>', 'model directory')
    .option('--user <id>', `recommend for this user: the items of highest predicted score, leaving out the items the user rated (the model's ${SEEN_ITEMS_FILE})`)
    .option('--similar-items <id>', 'the items closest to this one by the cosine of their factor vectors')
    .option('--top <n>', 'list length', intOption('--top', 1), DEFAULT_TOP_N)
    .option('--include-seen', 'with --user: keep the items the user already rated')
    .option('--seen <file>', `with --user: the ratings file whose items count as seen instead of the model's ${SEEN_ITEMS_FILE} (a model without one: default the training file recorded in it, when it is still there)`)
    .option('--json', 'print JSON')
    .action(async (dir: string, flags: RecommendFlags) => {
      await runRecommend(dir, flags);
    });
}

async function runRecommend(dir: string, f: RecommendFlags): Promise<void> {
  if ((f.user === undefined) === (f.similarItems === undefined)) throw new LowRankError('E_ARG', 'give exactly one of --user U or --similar-items I');
  if (f.similarItems !== undefined && (f.includeSeen || f.seen !== undefined)) throw new LowRankError('E_ARG', '--include-seen and --seen are for --user');
  if (f.includeSeen && f.seen !== undefined) throw new LowRankError('E_ARG', '--include-seen keeps every item; --seen FILE names items to leave out: give one');
  const saved = await readModelDir(dir);
  const itemIndex = new Map(saved.items.map((id, j) => [id, j]));
  let list: Recommendation[];
  let seenCount = 0;
  let seenFrom: string | null = null;
  if (f.similarItems !== undefined) {
    const j = itemIndex.get(f.similarItems);
    if (j === undefined) throw new LowRankError('E_ARG', `unknown item '${f.similarItems}': not among the model's ${saved.items.length} items`);
    list = similarItems(saved.model, j, f.top);
  } else {
    const u = saved.users.indexOf(f.user as string);
    if (u < 0) throw new LowRankError('E_ARG', `unknown user '${f.user}': not among the model's ${saved.users.length} users`);
    let exclude: ArrayLike<number> | undefined; // undefined: the model's seen items (recommendForUser)
    if (!f.includeSeen) {
      const stored = saved.model.seen;
      const recorded = typeof saved.meta.input === 'string' ? saved.meta.input : undefined;
      if (f.seen === undefined && stored) {
        seenCount = stored.indptr[u + 1] - stored.indptr[u];
        seenFrom = join(dir, SEEN_ITEMS_FILE);
      } else {
        // --seen FILE, or a model written before seen.npz: the items come from a ratings file
        seenFrom = f.seen ?? (recorded !== undefined && existsSync(recorded) ? recorded : null);
        if (seenFrom === null) {
          throw new LowRankError('E_ARG', `model '${escapeName(dir)}' has no ${SEEN_ITEMS_FILE} (written by an older lowrank) and its training file${recorded ? ` '${escapeName(recorded)}'` : ''} is not there to tell which items user '${escapeName(String(f.user))}' rated: give --seen FILE or --include-seen`);
        }
        const r = parseRatings(await readTextFile(seenFrom), { source: seenFrom, duplicates: 'last', unknown: 'keep', itemIndex, userIndex: new Map([[f.user as string, 0]]) });
        exclude = r.entries.col;
        seenCount = exclude.length;
      }
    }
    list = recommendForUser(saved.model, u, { top: f.top, exclude, includeSeen: f.includeSeen });
  }
  const rows = list.map((x, q) => ({ rank: q + 1, item: saved.items[x.item], score: x.score }));
  if (f.json) {
    printJson({ model: dir, user: f.user ?? null, similarTo: f.similarItems ?? null, seenExcluded: seenCount, seenFrom, recommendations: rows });
    return;
  }
  if (seenFrom !== null) process.stderr.write(`left out the ${seenCount} items user '${escapeName(String(f.user))}' rated in ${escapeName(seenFrom)}\n`);
  const what = f.similarItems !== undefined ? 'cosine' : saved.meta.biases ? 'predicted' : 'score';
  process.stdout.write([`rank,item,${what}`, ...rows.map((x) => `${x.rank},${csvField(x.item)},${Number(x.score.toFixed(6))}`)].join('\n') + '\n');
}
