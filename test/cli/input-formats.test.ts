/**
 * CLI end-to-end: the inputs a new user tries (issue 9, items 12, 20, 24, 25) — CSV headers,
 * row labels, ';', holes; stdin and stdout; .npz; sparse .mtx; --center (PCA).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Matrix } from '../../src/core/matrix.js';
import { readDelimited } from '../../src/io/csv.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { parseNpz, writeNpz } from '../../src/io/npz.js';
import { CLI_ARGS, tempDir } from './run-cli.js';

const SPARSE = fileURLToPath(new URL('../fixtures/sparse/', import.meta.url));
interface SparseEntry { file: string; shape: [number, number]; values: number[]; pca: { k: number; singularValues: number[]; explainedVarianceRatio: number[] } }
const sparseManifest = JSON.parse(readFileSync(`${SPARSE}manifest.json`, 'utf8')) as SparseEntry[];

function run(args: string[], cwd: string, input?: string | Uint8Array): { code: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI_ARGS, ...args], { cwd, input, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

function stderrLines(s: string): string[] {
  return s.split('\n').filter((l) => l !== '');
}

describe('CSV inputs (items 12, 24)', () => {
  test('a header row is skipped with one note on stderr; the data are factored', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'h.csv'), 'x,y,z\n1,2,3\n4,5,6\n7,8,10\n');
    const r = run(['factor', 'h.csv', '--rank', '1', '--out', 'o'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(stderrLines(r.stderr), ["lowrank: note: h.csv: line 1 read as a header (x, y, z), not data"]);
    assert.match(r.stdout.toString(), /Input: h\.csv \(3, 3\)/);
  });

  for (const [name, row, cell] of [['underscore', '1_000,2,3', "'1_000'"], ['empty field', '1,,3', "''"], ['Unicode minus', '\u22121,2,3', "'\u22121'"]] as const) {
    test(`a corrupt first row (${name}) is refused at its cell, exit 2, nothing written`, () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'c.csv'), `${row}\n4,5,6\n7,8,9\n`);
      const r = run(['factor', 'c.csv', '--rank', '1', '--out', 'o'], dir);
      assert.equal(r.code, 2);
      const lines = stderrLines(r.stderr);
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0].includes(`c.csv line 1, column`) && lines[0].includes(cell), lines[0]);
      assert.equal(existsSync(join(dir, 'o')), false);
    });
  }

  test("';' delimiter and a text first column of row labels: detected, noted, skipped", () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'l.csv'), 'name;a;b;c\nann;1;2;3\nbob;4;5;6.5\ncid;7;8;9\n');
    const r = run(['spectrum', 'l.csv', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.toString()) as { shape: number[] };
    assert.deepEqual(out.shape, [3, 3]);
    const text = run(['spectrum', 'l.csv'], dir);
    const notes = stderrLines(text.stderr);
    assert.equal(notes.length, 2, text.stderr);
    assert.match(notes[1], /first column 'name' holds row labels \(ann, bob, cid\), skipped/);
  });

  test('--missing nan reads empty, NA and null cells as holes (one note) and factors the observed entries', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'm.csv'), 'a,b,c\n1,,3\n4,5,NA\n7,8,9\n2,null,4\n');
    const r = run(['factor', 'm.csv', '--missing', 'nan', '--rank', '1', '--out', 'o', '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'o')));
    const plain = run(['factor', 'm.csv', '--rank', '1', '--out', 'p'], dir);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /m\.csv line 2, column 2: '' is not a number \(a missing value\? pass --missing nan\)/);
  });

  test('--index-col skips numeric row ids', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'i.csv'), '0,1,2\n1,3,4\n2,5,7\n');
    const r = run(['spectrum', 'i.csv', '--index-col', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout.toString()) as { shape: number[] }).shape, [3, 2]);
  });
});

describe('standard streams (item 20)', () => {
  test('factor - reads a CSV from stdin; spectrum - reads a .npy from stdin', () => {
    const dir = tempDir();
    const r = run(['factor', '-', '--rank', '1', '--json'], dir, '1,2\n3,4\n5,6.5\n');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.toString()) as { input: string; shape: number[]; files: string[] };
    assert.equal(out.input, '<stdin>');
    assert.deepEqual(out.shape, [3, 2]);
    assert.ok(out.files.every((f) => f.startsWith('stdin.lowrank')));
    const npy = writeNpy(Matrix.fromRows([[3, 0], [0, 4]]));
    const s = run(['spectrum', '-', '--json'], dir, npy);
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual((JSON.parse(s.stdout.toString()) as { singularValues: number[] }).singularValues, [4, 3]);
  });

  test('reconstruct --out - writes the product to stdout (CSV by default, --format npy), creates no file named -', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'U.npy'), writeNpy(Matrix.fromRows([[1], [2]])));
    writeFileSync(join(dir, 'V.npy'), writeNpy(Matrix.fromRows([[3, 4.5]])));
    const csv = run(['reconstruct', 'U.npy', 'V.npy', '--out', '-'], dir);
    assert.equal(csv.code, 0, csv.stderr);
    assert.deepEqual(readDelimited(csv.stdout.toString()).matrix.toRows(), [[3, 4.5], [6, 9]]);
    const npy = run(['reconstruct', 'U.npy', 'V.npy', '--out', '-', '--format', 'npy'], dir);
    assert.equal(npy.code, 0, npy.stderr);
    assert.deepEqual(readNpy(new Uint8Array(npy.stdout)).toRows(), [[3, 4.5], [6, 9]]);
    assert.equal(existsSync(join(dir, '-')), false);
    // U from stdin
    const piped = run(['reconstruct', '-', 'V.npy', '--out', '-'], dir, writeNpy(Matrix.fromRows([[1], [2]])));
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout.toString(), csv.stdout.toString());
  });

  test('image - reads a PNG from stdin (default output stdin.lowrank.png)', () => {
    const dir = tempDir();
    const png = readFileSync(fileURLToPath(new URL('../fixtures/images/raccoon.png', import.meta.url)));
    const r = run(['image', '-', '--rank', '3'], dir, png);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /Input: <stdin> 256×192 PNG/);
    assert.ok(existsSync(join(dir, 'stdin.lowrank.png')));
  });

  test('factor --out FILE.npz writes one .npz (U, V, S); --out - writes it to stdout with the report on stderr', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.npy'), writeNpy(Matrix.fromRows([[3, 1, 0], [1, 3, 1], [0, 1, 3], [1, 1, 1]])));
    const file = run(['factor', 'a.npy', '--rank', '2', '--out', 'f.npz'], dir);
    assert.equal(file.code, 0, file.stderr);
    const arrays = parseNpz(new Uint8Array(readFileSync(join(dir, 'f.npz'))));
    assert.deepEqual([...arrays.keys()], ['U', 'V', 'S']);
    assert.deepEqual(arrays.get('U')!.shape, [4, 2]);
    const piped = run(['factor', 'a.npy', '--rank', '2', '--out', '-'], dir);
    assert.equal(piped.code, 0, piped.stderr);
    assert.deepEqual(parseNpz(new Uint8Array(piped.stdout)).get('S')!.data, arrays.get('S')!.data);
    assert.match(piped.stderr, /Wrote <stdout>/);
    // the .npz's factors evaluate against the original
    const e = run(['eval', 'a.npy', 'f.npz:U', 'f.npz:V', '--json'], dir);
    assert.equal(e.code, 0, e.stderr);
    assert.ok((JSON.parse(e.stdout.toString()) as { gap: number }).gap < 1e-9);
    const figs = run(['factor', 'a.npy', '--rank', '2', '--out', 'g.npz', '--png'], dir);
    assert.equal(figs.code, 2);
    assert.equal(existsSync(join(dir, 'g.npz')), false);
  });

  test('eval reads the original from stdin; two inputs from stdin are refused', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'U.npy'), writeNpy(Matrix.fromRows([[1], [2]])));
    writeFileSync(join(dir, 'V.npy'), writeNpy(Matrix.fromRows([[3, 4]])));
    const r = run(['eval', '-', 'U.npy', 'V.npy', '--json'], dir, '3,4\n6,8\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout.toString()) as { frobenius: number }).frobenius, 0);
    const two = run(['eval', '-', '-', 'V.npy'], dir, '1\n');
    assert.equal(two.code, 2);
    assert.match(two.stderr, /only one input can be read from stdin/);
  });
});

describe('.npz and .mtx inputs (item 24), --center (item 25)', () => {
  test('an .npz input: its one array, or FILE.npz:NAME of several', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'one.npz'), writeNpz({ a: Matrix.fromRows([[2, 0], [0, 1]]) }, { compression: 'deflate' }));
    writeFileSync(join(dir, 'f.npz'), writeNpz({ U: Matrix.fromRows([[1], [2]]), V: Matrix.fromRows([[3, 4]]) }));
    const s = run(['spectrum', 'one.npz', '--json'], dir);
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual((JSON.parse(s.stdout.toString()) as { singularValues: number[] }).singularValues, [2, 1]);
    const p = run(['reconstruct', 'f.npz:U', 'f.npz:V', '--out', '-'], dir);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout.toString(), '3,4\n6,8\n');
    const bad = run(['spectrum', 'f.npz'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /holds 2 arrays \('U', 'V'\); name the one to read/);
  });

  const general = sparseManifest.find((e) => e.file === 'general.mtx')!;

  test('a sparse .mtx is factored through a sparse operator; --center gives scikit-learn PCA\'s explained_variance_ratio_', () => {
    const dir = tempDir();
    const r = run(['factor', join(SPARSE, 'general.mtx'), '--rank', String(general.pca.k), '--center', '--power-iters', '10', '--out', 'o', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.toString()) as { sparse: boolean; centered: boolean; singularValues: number[]; explainedVarianceRatio: number[]; files: string[] };
    assert.equal(out.sparse, true);
    assert.equal(out.centered, true);
    general.pca.explainedVarianceRatio.forEach((want, i) => assert.ok(Math.abs(out.explainedVarianceRatio[i] - want) <= 1e-6, `ratio ${i}: ${out.explainedVarianceRatio[i]} vs sklearn ${want}`));
    general.pca.singularValues.forEach((want, i) => assert.ok(Math.abs(out.singularValues[i] - want) <= 1e-6 * general.pca.singularValues[0]));
    const mean = readNpy(new Uint8Array(readFileSync(join(dir, 'o', 'mean.npy'))));
    assert.equal(mean.cols, general.shape[1]);
    const text = run(['factor', join(SPARSE, 'general.mtx'), '--rank', '3', '--out', 'o2'], dir);
    assert.match(text.stdout.toString(), /sparse, \d+ stored entries .* never densified/);
    const refused = run(['factor', join(SPARSE, 'general.mtx'), '--rank', '3', '--method', 'svd', '--out', 'o3'], dir);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--method svd needs a dense matrix/);
  });

  test('--center on a dense input: the same explained-variance ratios as scikit-learn', () => {
    const dir = tempDir();
    const [n, m] = general.shape;
    writeFileSync(join(dir, 'g.npy'), writeNpy(new Matrix(n, m, Float64Array.from(general.values))));
    const r = run(['factor', 'g.npy', '--rank', String(general.pca.k), '--center', '--method', 'svd', '--json', '--out', 'o'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.toString()) as { explainedVarianceRatio: number[] };
    general.pca.explainedVarianceRatio.forEach((want, i) => assert.ok(Math.abs(out.explainedVarianceRatio[i] - want) <= 1e-10, `ratio ${i}: ${out.explainedVarianceRatio[i]} vs sklearn ${want}`));
    assert.ok(existsSync(join(dir, 'o', 'mean.npy')));
  });

  test('spectrum --center: every component\'s explained-variance ratio, as scikit-learn\'s PCA', () => {
    const dir = tempDir();
    const [n, m] = general.shape;
    writeFileSync(join(dir, 'g.npy'), writeNpy(new Matrix(n, m, Float64Array.from(general.values))));
    const r = run(['spectrum', 'g.npy', '--center', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.toString()) as { centered: boolean; explainedVarianceRatio: number[] };
    assert.equal(out.centered, true);
    assert.equal(out.explainedVarianceRatio.length, Math.min(n, m));
    general.pca.explainedVarianceRatio.forEach((want, i) => assert.ok(Math.abs(out.explainedVarianceRatio[i] - want) <= 1e-10));
    const sum = out.explainedVarianceRatio.reduce((s, x) => s + x, 0);
    assert.ok(Math.abs(sum - 1) < 1e-12, `the ratios of all components sum to 1, got ${sum}`);
  });

  test('spectrum of a sparse .mtx never densifies it; with --center the leading ratios are scikit-learn\'s', () => {
    const dir = tempDir();
    const r = run(['spectrum', join(SPARSE, 'general.mtx'), '--center', '--top', String(general.pca.k), '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.toString()) as { sparse: boolean; nnz: number; explainedVarianceRatio: number[] };
    assert.equal(out.sparse, true);
    // default power iterations of the randomized SVD: the leading ratios to ~1e-7 on this spectrum
    general.pca.explainedVarianceRatio.forEach((want, i) => assert.ok(Math.abs(out.explainedVarianceRatio[i] - want) <= 1e-5, `${out.explainedVarianceRatio[i]} vs ${want}`));
  });
});
