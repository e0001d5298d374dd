import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
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

  it('unknown user or item: one line, exit 2', () => {
    const r = runCli(['recommend', 'model', '--user', 'nobody'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr.trim(), /^lowrank: error: unknown user 'nobody'/);
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
  });
});
