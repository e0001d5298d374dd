/**
 * Failures leave nothing half-done (issue 9, items 7–11), end to end: exit codes, exactly one
 * line on stderr, and nothing created or changed on disk.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import { Matrix } from '../../src/core/matrix.js';
import { writeNpy } from '../../src/io/npy.js';
import { makePng } from '../io/make-png.js';
import { runCli, tempDir, type CliResult } from './run-cli.js';

/** A fresh directory with a 30×20 matrix a.npy (rank ≤ 20). */
function workspace(): string {
  const dir = tempDir('lowrank-failures-');
  const a = Matrix.zeros(30, 20);
  for (let i = 0; i < a.data.length; i++) a.data[i] = Math.sin(0.37 * i + 1) + (i % 7) * 0.1;
  writeFileSync(join(dir, 'a.npy'), writeNpy(a));
  return dir;
}

/** Every file under `dir` with its bytes and mode, to compare before/after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p, `${prefix}${e}/`);
      else out[`${prefix}${e}`] = `${(st.mode & 0o777).toString(8)}:${readFileSync(p).toString('base64')}`;
    }
  };
  walk(dir, '');
  return out;
}

/** Asserts the exit code and exactly one line on stderr matching every pattern. */
function expectOneLine(r: CliResult, code: number, ...patterns: RegExp[]): string {
  assert.equal(r.code, code, `exit ${r.code}, stderr: ${r.stderr}`);
  assert.ok(r.stderr.endsWith('\n'), JSON.stringify(r.stderr));
  const lines = r.stderr.slice(0, -1).split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got ${JSON.stringify(r.stderr)}`);
  assert.match(lines[0], /^lowrank: (error|unexpected error): |^error: /);
  for (const p of patterns) assert.match(lines[0], p);
  return lines[0];
}

/** Runs a failing command and asserts that nothing in `dir` was created or changed. */
function expectNothingChanged(dir: string, args: string[], code: number, ...patterns: RegExp[]): string {
  const before = snapshot(dir);
  const line = expectOneLine(runCli(args, dir), code, ...patterns);
  assert.deepEqual(snapshot(dir), before, 'nothing created or changed');
  assert.deepEqual(readdirSync(dir).filter((e) => e.includes('.lowrank-')), [], 'no temporaries');
  return line;
}

describe('item 7: nothing is created on exit 2 or 1', () => {
  test('a late input check (rank too large for the matrix read) creates no output directory', () => {
    const dir = workspace();
    expectNothingChanged(dir, ['factor', 'a.npy', '--rank', '25', '--out', 'deep/out'], 2, /rank/);
  });

  test('a diverging run (exit 1) creates no output directory', () => {
    const dir = workspace();
    expectNothingChanged(dir, ['factor', 'a.npy', '--rank', '3', '--method', 'gradient', '--lr', '1e12', '--epochs', '50', '--out', 'out', '--quiet'], 1, /diverge|NaN|not finite|worse/i);
  });

  test('demo with a bad rank creates nothing', () => {
    const dir = workspace();
    expectNothingChanged(dir, ['demo', '--rank', '60', '--out', 'demo-out'], 2, /rank/);
  });

  test('ratings with a late check create nothing', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'r.csv'), 'u1,i1,5\nu2,i2,3\nu1,i2,4\n');
    expectNothingChanged(dir, ['factor', 'r.csv', '--format', 'ratings', '--method', 'als', '--rank', '5', '--out', 'rout'], 2, /rank/);
  });
});

describe('item 8: permission bits kept; outputs over an input refused without --force', () => {
  test('replacing a set keeps the files\' and the directory\'s modes', () => {
    const dir = workspace();
    assert.equal(runCli(['factor', 'a.npy', '--rank', '3', '--out', 'o', '--quiet'], dir).code, 0);
    chmodSync(join(dir, 'o', 'U.npy'), 0o600);
    chmodSync(join(dir, 'o', 'V.npy'), 0o644);
    chmodSync(join(dir, 'o'), 0o700);
    const before = readFileSync(join(dir, 'o', 'U.npy'));
    assert.equal(runCli(['factor', 'a.npy', '--rank', '4', '--out', 'o', '--quiet'], dir).code, 0);
    assert.notDeepEqual(readFileSync(join(dir, 'o', 'U.npy')), before, 'replaced');
    assert.equal(statSync(join(dir, 'o', 'U.npy')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'o', 'V.npy')).mode & 0o777, 0o644);
    assert.equal(statSync(join(dir, 'o')).mode & 0o777, 0o700);
  });

  test('factor dir/U.npy --out dir: exit 2, nothing changed; --force replaces it', () => {
    const dir = workspace();
    assert.equal(runCli(['factor', 'a.npy', '--rank', '3', '--out', 'd', '--quiet'], dir).code, 0);
    expectNothingChanged(dir, ['factor', 'd/U.npy', '--rank', '2', '--out', 'd'], 2, /--out would replace the input 'd\/U\.npy'/, /--force/);
    const r = runCli(['factor', 'd/U.npy', '--rank', '2', '--out', 'd', '--force', '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
  });

  test('an input that only lives in the output directory is kept, not refused', () => {
    const dir = workspace();
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'a.npy'), readFileSync(join(dir, 'a.npy')));
    assert.equal(runCli(['factor', 'd/a.npy', '--rank', '2', '--out', 'd', '--quiet'], dir).code, 0);
    assert.deepEqual(readFileSync(join(dir, 'd', 'a.npy')), readFileSync(join(dir, 'a.npy')));
  });

  test('image mine.png --out mine.png: exit 2, the image unchanged', () => {
    const dir = workspace();
    const px = Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 37) % 256);
    writeFileSync(join(dir, 'mine.png'), makePng(16, 16, 2, 8, px));
    expectNothingChanged(dir, ['image', 'mine.png', '--rank', '2', '--out', 'mine.png'], 2, /--out would replace the input 'mine\.png'/);
    expectNothingChanged(dir, ['image', 'mine.png', '--rank', '2', '--out', 'x.png', '--side-by-side', 'mine.png'], 2, /--side-by-side would replace the input/);
  });

  test('reconstruct U V --out U.npy and predict --pairs p.csv --out p.csv: exit 2', () => {
    const dir = workspace();
    assert.equal(runCli(['factor', 'a.npy', '--rank', '3', '--out', 'd', '--quiet'], dir).code, 0);
    expectNothingChanged(dir, ['reconstruct', 'd/U.npy', 'd/V.npy', '--out', 'd/V.npy'], 2, /would replace the input 'd\/V\.npy'/);
    writeFileSync(join(dir, 'r.csv'), 'u1,i1,5\nu2,i2,3\nu1,i2,4\nu3,i1,2\n');
    assert.equal(runCli(['factor', 'r.csv', '--format', 'ratings', '--method', 'als', '--rank', '1', '--out', 'm', '--quiet'], dir).code, 0);
    writeFileSync(join(dir, 'p.csv'), 'u1,i1\nu2,i1\n');
    expectNothingChanged(dir, ['predict', 'm', '--pairs', 'p.csv', '--out', 'p.csv'], 2, /would replace the input 'p\.csv'/);
    expectNothingChanged(dir, ['predict', 'm', '--pairs', 'p.csv', '--out', 'm/model.json'], 2, /would replace the input/);
  });
});

describe('item 9: sizes are checked before memory is allocated', () => {
  /** A header-only float64 .npy of the given shape (no data: the shape has a zero). */
  function emptyNpy(path: string, shape: [number, number]): void {
    let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape[0]}, ${shape[1]}), }`;
    header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
    const b = Buffer.alloc(10 + header.length);
    b.write('\x93NUMPY\x01\x00', 0, 'latin1');
    b.writeUInt16LE(header.length, 8);
    b.write(header, 10, 'latin1');
    writeFileSync(path, b);
  }

  test('reconstruct of (1e8×0)·(0×9e15): exit 2, one line', () => {
    const dir = workspace();
    emptyNpy(join(dir, 'u.npy'), [100000000, 0]);
    emptyNpy(join(dir, 'v.npy'), [0, 9000000000000000]);
    expectNothingChanged(dir, ['reconstruct', 'u.npy', 'v.npy', '--out', 'p.npy'], 2, /100000000×9e\+15/, /more than one array can hold/);
  });

  test('demo --n 100000 --m 100000: exit 2; within the array limit but over LOWRANK_MAX_MEMORY: exit 1 with a memory message', () => {
    const dir = workspace();
    expectNothingChanged(dir, ['demo', '--n', '100000', '--m', '100000', '--out', 'o'], 2, /100000×100000/, /more than one array can hold/);
    const before = snapshot(dir);
    const r = runCli(['demo', '--n', '30000', '--m', '30000', '--out', 'o'], dir, { LOWRANK_MAX_MEMORY: '1G' });
    expectOneLine(r, 1, /needs 6\.7 GiB, more than LOWRANK_MAX_MEMORY \(1\.0 GiB\)/);
    assert.deepEqual(snapshot(dir), before);
    expectOneLine(runCli(['demo', '--out', 'o'], dir, { LOWRANK_MAX_MEMORY: 'lots' }), 2, /LOWRANK_MAX_MEMORY must be a size/);
  });

  test('a CSV whose 10⁶-field first line implies a huge matrix: exit 2 naming the file', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'wide.csv'), ','.repeat(999999) + '\n' + '1\n'.repeat(500000));
    expectNothingChanged(dir, ['factor', 'wide.csv', '--rank', '1', '--out', 'o'], 2, /wide\.csv/);
  });
});

describe('item 10: names are escaped; every error is one line', () => {
  const forged = 'x\nlowrank: error: forged second line';
  test('a missing input, a bad CSV, an unknown extension, an --out in the way, a model directory, an unknown option', () => {
    const dir = workspace();
    const l1 = expectNothingChanged(dir, ['factor', `${forged}.npy`, '--rank', '1'], 2, /cannot read 'x\\nlowrank: error: forged second line\.npy'/);
    assert.ok(!l1.includes('\n'));
    writeFileSync(join(dir, `${forged}.csv`), '1,2\n3\n');
    expectNothingChanged(dir, ['factor', `${forged}.csv`, '--rank', '1'], 2, /x\\nlowrank/);
    writeFileSync(join(dir, `${forged}.bin`), 'x');
    expectNothingChanged(dir, ['factor', `${forged}.bin`, '--rank', '1'], 2, /x\\nlowrank/);
    writeFileSync(join(dir, forged), 'a file');
    expectNothingChanged(dir, ['factor', 'a.npy', '--rank', '1', '--out', join(forged, 'sub')], 2, /x\\nlowrank/);
    expectNothingChanged(dir, ['predict', forged, '--user', 'a', '--item', 'b'], 2, /x\\nlowrank/);
    expectNothingChanged(dir, ['factor', 'a.npy', '--rank', '1', `--bogus\n${forged}`], 2, /unknown option/, /\\n/);
    expectNothingChanged(dir, ['image', `${forged}\u202e.png`, '--rank', '1'], 2, /\\u202e/);
  });
});

describe('item 11: predict validates the model directory', () => {
  let dir: string;
  before(() => {
    dir = workspace();
    writeFileSync(join(dir, 'r.csv'), 'u1,i1,5\nu2,i2,3\nu1,i2,4\nu3,i1,2\n');
    assert.equal(runCli(['factor', 'r.csv', '--format', 'ratings', '--method', 'als', '--rank', '1', '--out', 'm', '--quiet'], dir).code, 0);
  });

  test('the model as written predicts (negative control)', () => {
    const r = runCli(['predict', 'm', '--user', 'u1', '--item', 'i1'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Number.isFinite(Number(r.stdout.trim())), r.stdout);
  });

  test('a field of the wrong type, duplicate ids, NaN factors, a shape that disagrees: exit 2 naming it', () => {
    const meta = JSON.parse(readFileSync(join(dir, 'm', 'model.json'), 'utf8')) as Record<string, unknown>;
    const users = readFileSync(join(dir, 'm', 'users.json'), 'utf8');
    const u = readFileSync(join(dir, 'm', 'U.npy'));
    const predict = ['predict', 'm', '--user', 'u1', '--item', 'i1'];
    const restore = (): void => {
      writeFileSync(join(dir, 'm', 'model.json'), JSON.stringify(meta));
      writeFileSync(join(dir, 'm', 'users.json'), users);
      writeFileSync(join(dir, 'm', 'U.npy'), u);
    };
    writeFileSync(join(dir, 'm', 'model.json'), JSON.stringify({ ...meta, rank: '1' }));
    expectNothingChanged(dir, predict, 2, /model\.json: field 'rank' must be an integer ≥ 1, got "1"/);
    writeFileSync(join(dir, 'm', 'model.json'), JSON.stringify({ ...meta, range: [5, 1] }));
    expectNothingChanged(dir, predict, 2, /field 'range'/);
    restore();
    writeFileSync(join(dir, 'm', 'users.json'), JSON.stringify(['u1', 'u2', 'u1']));
    expectNothingChanged(dir, predict, 2, /users\.json: id 'u1' appears twice/);
    restore();
    writeFileSync(join(dir, 'm', 'U.npy'), writeNpy(Matrix.fromRows([[1], [NaN], [0]])));
    expectNothingChanged(dir, predict, 2, /U\.npy holds NaN at row 1, column 0/);
    writeFileSync(join(dir, 'm', 'U.npy'), writeNpy(Matrix.fromRows([[1], [0]])));
    expectNothingChanged(dir, predict, 2, /U\.npy is 2×1, but model\.json's rows × rank is 3×1/);
    restore();
    assert.equal(runCli(predict, dir).code, 0);
  });
});
