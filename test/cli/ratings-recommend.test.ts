import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseNpz, writeNpz } from '../../src/io/npz.js';
import { generateRatings, ratingsCsv } from '../fixtures/generate-ratings.js';
import { runCli, tempDir } from './run-cli.js';

describe('lowrank recommend, lowrank factor --implicit', () => {
  const dir = tempDir();
  const seenOf1 = new Set<string>();

  before(() => {
    const g = generateRatings({ users: 120, items: 200, ratings: 4000, seed: 6 });
    const text = ratingsCsv(g);
    writeFileSync(join(dir, 'r.csv'), text);
    for (const line of text.split('\n').slice(1)) {
      const [u, i] = line.split(',');
      if (u === '1') seenOf1.add(i);
    }
    const r = runCli(['factor', 'r.csv', '--method', 'als', '--rank', '4', '--out', 'model', '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
  });

  it('--user: N items the user has not rated, best first', () => {
    const r = runCli(['recommend', 'model', '--user', '1', '--top', '7', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.recommendations.length, 7);
    assert.equal(j.seenExcluded, seenOf1.size);
    for (const x of j.recommendations) assert.ok(!seenOf1.has(x.item), `seen item ${x.item} recommended`);
    const scores = j.recommendations.map((x: any) => x.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  });

  it('the seen items come from the model directory (seen.npz): the training file is not needed', () => {
    const r0 = runCli(['factor', 'r.csv', '--method', 'als', '--rank', '4', '--out', 'moved', '--quiet'], dir);
    assert.equal(r0.code, 0, r0.stderr);
    renameSync(join(dir, 'r.csv'), join(dir, 'r-away.csv'));
    try {
      const r = runCli(['recommend', 'moved', '--user', '1', '--top', '7', '--json'], dir);
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.seenExcluded, seenOf1.size);
      assert.equal(j.seenFrom, join('moved', 'seen.npz'));
      for (const x of j.recommendations) assert.ok(!seenOf1.has(x.item), `seen item ${x.item} recommended`);
      // a model written before seen.npz, its training file gone: one line naming what to give
      rmSync(join(dir, 'moved', 'seen.npz'));
      const meta = JSON.parse(readFileSync(join(dir, 'moved', 'model.json'), 'utf8'));
      delete meta.seen;
      writeFileSync(join(dir, 'moved', 'model.json'), JSON.stringify(meta));
      const old = runCli(['recommend', 'moved', '--user', '1'], dir);
      assert.equal(old.code, 2);
      assert.match(old.stderr.trim(), /^lowrank: error: model 'moved' has no seen\.npz \(written by an older lowrank\) and its training file 'r\.csv' is not there[^\n]*--seen FILE or --include-seen$/);
      // ... which --seen FILE answers
      const given = runCli(['recommend', 'moved', '--user', '1', '--top', '7', '--seen', 'r-away.csv', '--json'], dir);
      assert.equal(given.code, 0, given.stderr);
      assert.deepEqual(JSON.parse(given.stdout).recommendations, j.recommendations);
    } finally {
      renameSync(join(dir, 'r-away.csv'), join(dir, 'r.csv'));
    }
    // the older model with its training file back: read from there, as before
    const back = runCli(['recommend', 'moved', '--user', '1', '--top', '7', '--json'], dir);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(JSON.parse(back.stdout).seenFrom, 'r.csv');
    assert.equal(JSON.parse(back.stdout).seenExcluded, seenOf1.size);
  });

  it('a damaged seen.npz: exit 2, one line naming the file and the array', () => {
    const r0 = runCli(['factor', 'r.csv', '--method', 'als', '--rank', '4', '--out', 'damaged', '--quiet'], dir);
    assert.equal(r0.code, 0, r0.stderr);
    const path = join(dir, 'damaged', 'seen.npz');
    const arrays = parseNpz(new Uint8Array(readFileSync(path)));
    const indices = Int32Array.from(arrays.get('indices')!.data);
    const indptr = BigInt64Array.from(arrays.get('indptr')!.data, (x) => BigInt(x));
    const cases: Array<[Record<string, { shape: number[]; data: Int32Array | BigInt64Array | Float64Array }>, RegExp]> = [
      [{ indptr: { shape: [indptr.length], data: indptr }, indices: { shape: [indices.length], data: indices.map((x, e) => (e === 5 ? 200 : x)) } }, /'indices' entry 5 is 200, outside the model's 200 items/],
      [{ indptr: { shape: [indptr.length - 1], data: indptr.subarray(1) }, indices: { shape: [indices.length], data: indices } }, /'indptr' has 120 entries, but model\.json's rows is 120 \(expected 121\)/],
      [{ indptr: { shape: [indptr.length], data: indptr }, indices: { shape: [indices.length], data: Float64Array.from(indices) } }, /'indices' has dtype '<f8', expected integers/],
      [{ indptr: { shape: [indptr.length], data: indptr } }, /no array 'indices'/],
    ];
    for (const [arraysOut, message] of cases) {
      writeFileSync(path, writeNpz(arraysOut));
      const r = runCli(['recommend', 'damaged', '--user', '1'], dir);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /damaged[/\\]seen\.npz/);
      assert.match(r.stderr, message);
    }
  });

  it('--include-seen keeps rated items: its list scores at least as high', () => {
    const all = JSON.parse(runCli(['recommend', 'model', '--user', '1', '--top', '7', '--include-seen', '--json'], dir).stdout);
    const unseen = JSON.parse(runCli(['recommend', 'model', '--user', '1', '--top', '7', '--json'], dir).stdout);
    for (let q = 0; q < 7; q++) assert.ok(all.recommendations[q].score >= unseen.recommendations[q].score);
  });

  it('--similar-items: cosine scores in [-1, 1], the item itself left out; CSV by default', () => {
    const r = runCli(['recommend', 'model', '--similar-items', '3', '--top', '5'], dir);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'rank,item,cosine');
    assert.equal(lines.length, 6);
    for (const l of lines.slice(1)) {
      const [, item, cos] = l.split(',');
      assert.notEqual(item, '3');
      assert.ok(Math.abs(Number(cos)) <= 1 + 1e-12);
    }
  });

  it('unknown user or item, contradicting flags: one line, exit 2', () => {
    const r = runCli(['recommend', 'model', '--user', 'nobody'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr.trim(), /^lowrank: error: unknown user 'nobody'/);
    const both = runCli(['recommend', 'model', '--user', '1', '--include-seen', '--seen', 'r.csv'], dir);
    assert.equal(both.code, 2);
    assert.match(both.stderr.trim(), /^lowrank: error: --include-seen keeps every item; --seen FILE names items to leave out: give one$/);
  });

  it('--implicit: ranking metrics beside the popularity baseline, and a model recommend reads', () => {
    const r = runCli(['factor', 'r.csv', '--implicit', '--rank', '8', '--test-fraction', '0.2', '--out', 'implicit', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.method, 'implicit-als');
    for (const key of ['precision', 'recall', 'ndcg', 'map']) {
      assert.ok(j.ranking.model[key] >= 0 && j.ranking.model[key] <= 1);
      assert.ok(j.ranking.popularity[key] >= 0 && j.ranking.popularity[key] <= 1);
    }
    assert.equal(j.ranking.model.k, 10);
    const rec = runCli(['recommend', 'implicit', '--user', '2', '--top', '3'], dir);
    assert.equal(rec.code, 0, rec.stderr);
    assert.equal(rec.stdout.trim().split('\n')[0], 'rank,item,score');
    assert.match(rec.stderr, /left out the \d+ items user '2' rated in implicit[/\\]seen\.npz/);
  });
});
