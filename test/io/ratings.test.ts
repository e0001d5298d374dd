import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LowRankError } from '../../src/core/errors.js';
import { parsePairs, parseRatings } from '../../src/io/ratings.js';

function entries(text: string, opts = {}): Array<[string, string, number]> {
  const r = parseRatings(text, opts);
  const out: Array<[string, string, number]> = [];
  for (let e = 0; e < r.entries.values.length; e++) out.push([r.users[r.entries.row[e]], r.items[r.entries.col[e]], r.entries.values[e]]);
  return out;
}

function formatError(text: string, pattern: RegExp, opts = {}): void {
  assert.throws(() => parseRatings(text, { source: 'r.csv', ...opts }), (e: unknown) => {
    assert.ok(e instanceof LowRankError);
    assert.equal(e.code, 'E_FORMAT');
    assert.ok(!e.message.includes('\n'), 'one line');
    assert.match(e.message, pattern);
    return true;
  });
}

describe('ratings triplets', () => {
  it('CSV with a header and timestamps: ids mapped in order of first appearance', () => {
    const r = parseRatings('userId,movieId,rating,timestamp\n10,200,4,881250949\n7,200,3.5,881250950\n10,300,1,881250951\n');
    assert.equal(r.header, true);
    assert.deepEqual(r.users, ['10', '7']);
    assert.deepEqual(r.items, ['200', '300']);
    assert.deepEqual(r.range, [1, 4]);
    assert.equal(r.entries.rows, 2);
    assert.equal(r.entries.cols, 2);
    assert.deepEqual(entries('userId,movieId,rating,timestamp\n10,200,4,881250949\n7,200,3.5,881250950\n10,300,1,881250951\n'), [['10', '200', 4], ['10', '300', 1], ['7', '200', 3.5]]);
  });

  it('TSV (u.data), :: (ratings.dat), whitespace, CRLF, quotes, comments and blank lines', () => {
    assert.deepEqual(entries('196\t242\t3\t881250949\n186\t302\t3\t891717742\n'), [['196', '242', 3], ['186', '302', 3]]);
    assert.deepEqual(entries('1::1193::5::978300760\r\n1::661::3::978302109\r\n'), [['1', '1193', 5], ['1', '661', 3]]);
    assert.deepEqual(entries('# ratings\n\nalice  matrix   5\n  bob inception 2\n'), [['alice', 'matrix', 5], ['bob', 'inception', 2]]);
    assert.deepEqual(entries('"user","item","rating"\n"a, b","x",4\n'), [['a, b', 'x', 4]]);
  });

  it('header detection: string ids with a header, and a bad rating on line 1 is not a header', () => {
    assert.deepEqual(entries('user,item,rating\nalice,matrix,5\n'), [['alice', 'matrix', 5]]);
    formatError('1,2,abc\n1,3,4\n', /r\.csv line 1, column 3: 'abc' is not a number \(rating\)/);
    formatError('u,i,r\na,b,1\n', /line 1, column 3: 'r' is not a number/, { header: false });
    assert.deepEqual(entries('a,b,c\nx,y,1\n', { header: true }), [['x', 'y', 1]]);
  });

  it('errors name the line: non-numeric or non-finite rating, field count, empty ids', () => {
    formatError('user,item,rating\n1,2,3\n1,3,four\n', /r\.csv line 3, column 3: 'four' is not a number \(rating\)/);
    formatError('1,2,3\n1,3,nan\n', /r\.csv line 2, column 3: rating 'nan' is not a finite number/);
    formatError('1,2,3\n1,3\n', /r\.csv line 2 has 2 fields, expected 3 or 4/);
    formatError('1,2,3\n1,3,4,5,6\n', /r\.csv line 2 has 5 fields/);
    formatError('1,2,3\n,3,4\n', /r\.csv line 2, column 1: empty user id/);
  });

  it('an empty file, or a header alone, is an error', () => {
    formatError('', /r\.csv: no ratings \(empty input\)/);
    formatError('\n# nothing\n', /no ratings/);
    formatError('user,item,rating\n', /no ratings after the header/);
  });

  it('duplicates: an error naming both lines, or merged by mean or last', () => {
    const text = 'u,i,r\n1,10,4\n2,10,3\n1,10,2\n';
    formatError(text, /r\.csv line 4: duplicate rating for user '1' and item '10' \(first on line 2\); use --duplicates mean or last/);
    const mean = parseRatings(text, { duplicates: 'mean' });
    assert.deepEqual(Array.from(mean.entries.values), [3, 3]);
    assert.equal(mean.merged, 1);
    assert.equal(mean.lines, 3);
    assert.deepEqual(Array.from(parseRatings(text, { duplicates: 'last' }).entries.values), [2, 3]);
  });

  it('a fixed item index (fold-in): known items keep their columns, unknown ones are an error naming the line', () => {
    const itemIndex = new Map([['a', 0], ['b', 1], ['c', 2]]);
    const r = parseRatings('new,c,5\nnew,a,1\n', { itemIndex, source: 'f.csv' });
    assert.deepEqual(r.items, ['a', 'b', 'c']);
    assert.equal(r.entries.cols, 3);
    assert.deepEqual(Array.from(r.entries.col), [0, 2]);
    assert.throws(() => parseRatings('new,c,5\nnew,z,1\n', { itemIndex, source: 'f.csv' }), /f\.csv line 2: unknown item 'z'/);
  });

  it('pairs for batch prediction', () => {
    const p = parsePairs('user,item\n1,50\n2,60,ignored\n');
    assert.deepEqual(p.users, ['user', '1', '2']);
    assert.deepEqual(p.firstLine, { user: 'user', item: 'item', line: 1 });
    assert.equal(parsePairs('1\t50\n').firstLine, null);
    assert.throws(() => parsePairs('1,2\n3\n', { source: 'p.csv' }), /p\.csv line 2 has 1 field, expected 2/);
    assert.throws(() => parsePairs('', { source: 'p.csv' }), /p\.csv: no \(user, item\) pairs/);
  });
});
