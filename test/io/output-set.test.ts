import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { CARRY_OVER_MAX_ENTRIES, checkOutputDir, checkOutputFile, OUTPUT_MANIFEST, OutputDirWriter, OutputFileWriter, recoverOutput, writeFilesAtomic, writeOutputDir } from '../../src/io/output-set.js';
import { assertLowRankRejects } from '../helpers.js';


/** Hidden temporaries the module names `.<target>.lowrank-<kind>-<pid>-<hex>`. */
function temporaries(dir: string): string[] {
  return readdirSync(dir).filter((e) => /\.lowrank-(new|old|tmp|probe)-\d+-[0-9a-f]{8}$/.test(e));
}

/** A pid that has exited (so its temporaries are stale). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/** The contents of a directory: name → file text (directories as '<dir>'). */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir).sort()) out[e] = statSync(join(dir, e)).isDirectory() ? '<dir>' : readFileSync(join(dir, e), 'utf8');
  return out;
}

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'lowrank-output-set-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeOutputDir', () => {
  test('writes the set and its manifest, creating missing parents, and leaves no temporary', async () => {
    const out = join(root, 'fresh', 'deeper', 'set');
    const paths = await writeOutputDir(out, [{ name: 'U.npy', bytes: 'u1' }, { name: 'V.npy', bytes: new Uint8Array([118, 49]) }]);
    assert.deepEqual(paths, [join(out, 'U.npy'), join(out, 'V.npy')]);
    assert.deepEqual(listing(out), { [OUTPUT_MANIFEST]: JSON.stringify({ format: 'lowrank-output-set', version: 1, files: ['U.npy', 'V.npy'] }) + '\n', 'U.npy': 'u1', 'V.npy': 'v1' });
    assert.deepEqual(temporaries(join(root, 'fresh', 'deeper')), []);
  });

  test('replaces the old set whole: its files not written again go, other files stay (same inode), modes are kept', async () => {
    const out = join(root, 'replace');
    await writeOutputDir(out, [{ name: 'U.npy', bytes: 'old U' }, { name: 'V.npy', bytes: 'old V' }, { name: 'comparison.png', bytes: 'old figure' }]);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    mkdirSync(join(out, 'sub'));
    writeFileSync(join(out, 'sub', 'keep.txt'), 'kept');
    const notesIno = statSync(join(out, 'notes.txt')).ino;
    chmodSync(join(out, 'U.npy'), 0o600);
    chmodSync(out, 0o750);
    await writeOutputDir(out, [{ name: 'U.npy', bytes: 'new U' }, { name: 'V.npy', bytes: 'new V' }, { name: 'S.npy', bytes: 'new S' }]);
    const l = listing(out);
    assert.deepEqual(Object.keys(l), [OUTPUT_MANIFEST, 'S.npy', 'U.npy', 'V.npy', 'notes.txt', 'sub']);
    assert.equal(l['U.npy'], 'new U');
    assert.equal(l['notes.txt'], 'mine');
    assert.equal(readFileSync(join(out, 'sub', 'keep.txt'), 'utf8'), 'kept');
    assert.equal(statSync(join(out, 'notes.txt')).ino, notesIno, 'carried by a hard link, not copied');
    assert.equal(statSync(join(out, 'U.npy')).mode & 0o777, 0o600);
    assert.equal(statSync(out).mode & 0o777, 0o750);
    assert.deepEqual(temporaries(root), []);
  });

  test('refuses to replace an input file unless force; an input the set only carries over is fine', async () => {
    const out = join(root, 'inputs');
    await writeOutputDir(out, [{ name: 'U.npy', bytes: 'factor' }]);
    writeFileSync(join(out, 'a.npy'), 'input');
    const before = listing(out);
    await assertLowRankRejects(writeOutputDir(out, [{ name: 'U.npy', bytes: 'x' }], { inputs: [join(out, 'U.npy')] }), 'E_ARG', `would replace the input '${join(out, 'U.npy')}'`, '--force');
    assert.deepEqual(listing(out), before);
    await writeOutputDir(out, [{ name: 'U.npy', bytes: 'x' }], { inputs: [join(out, 'a.npy'), undefined, '-'] });
    assert.equal(readFileSync(join(out, 'a.npy'), 'utf8'), 'input');
    await writeOutputDir(out, [{ name: 'U.npy', bytes: 'forced' }], { inputs: [join(out, 'U.npy')], force: true });
    assert.equal(readFileSync(join(out, 'U.npy'), 'utf8'), 'forced');
  });

  test('a directory with more entries of its own than can be carried over is refused before and at the write', async () => {
    const out = join(root, 'crowded');
    mkdirSync(join(out, 'sub'), { recursive: true });
    for (let i = 0; i < CARRY_OVER_MAX_ENTRIES; i++) writeFileSync(join(out, 'sub', `f${i}`), '');
    await assertLowRankRejects(checkOutputDir(out), 'E_ARG', `holds more than ${CARRY_OVER_MAX_ENTRIES} other files and folders`, 'a directory of its own');
    await assertLowRankRejects(writeOutputDir(out, [{ name: 'U.npy', bytes: 'u' }]), 'E_ARG', 'holds more than');
    assert.equal(existsSync(join(out, 'U.npy')), false);
    assert.deepEqual(temporaries(root), []);
    await rm(join(out, 'sub', 'f0'));
    await writeOutputDir(out, [{ name: 'U.npy', bytes: 'u' }]);
    assert.equal(readdirSync(join(out, 'sub')).length, CARRY_OVER_MAX_ENTRIES - 1);
  });

  test('a failing write leaves the old set untouched, no temporary, and no parent it created', async () => {
    const out = join(root, 'failing');
    await writeOutputDir(out, [{ name: 'U.npy', bytes: 'old' }]);
    const before = listing(out);
    const bad = { name: 'V.npy', bytes: 42 as unknown as string };
    await assertLowRankRejects(writeOutputDir(out, [{ name: 'U.npy', bytes: 'new' }, bad]), 'E_IO', `cannot write '${join(out, 'V.npy')}'`);
    assert.deepEqual(listing(out), before);
    assert.deepEqual(temporaries(root), []);
    const nested = join(root, 'never', 'made');
    await assertLowRankRejects(writeOutputDir(nested, [bad]), 'E_IO');
    assert.equal(existsSync(join(root, 'never')), false);
  });

  test('bad names, the working directory and a file in the way are refused', async () => {
    await assertLowRankRejects(writeOutputDir(join(root, 'n'), [{ name: '../x', bytes: '' }]), 'E_ARG', "'../x'");
    await assertLowRankRejects(writeOutputDir(join(root, 'n'), [{ name: 'a', bytes: '' }, { name: 'a', bytes: '' }]), 'E_ARG');
    await assertLowRankRejects(writeOutputDir(join(root, 'n'), [{ name: OUTPUT_MANIFEST, bytes: '' }]), 'E_ARG');
    await assertLowRankRejects(writeOutputDir('.', [{ name: 'a', bytes: '' }]), 'E_ARG', 'working directory');
    await assertLowRankRejects(writeOutputDir('/', [{ name: 'a', bytes: '' }]), 'E_ARG', 'working directory or one above it');
    writeFileSync(join(root, 'plain'), 'x');
    await assertLowRankRejects(writeOutputDir(join(root, 'plain'), [{ name: 'a', bytes: '' }]), 'E_IO', 'exists and is not a directory');
    assert.equal(existsSync(join(root, 'n')), false);
  });
});

describe('streaming writers (sets larger than memory)', () => {
  test('OutputDirWriter: files streamed through handles appear only on commit; abort leaves nothing', async () => {
    const out = join(root, 'stream');
    const w = await OutputDirWriter.open(out);
    const fh = await w.openFile('big.bin');
    for (let i = 0; i < 4; i++) await fh.write(new Uint8Array(1000).fill(i));
    await w.writeFile('index.json', '{}');
    assert.equal(existsSync(out), false, 'nothing at the target before commit');
    await assertLowRankRejects(w.openFile('index.json'), 'E_ARG', 'not a plain, unique file name');
    assert.deepEqual(await w.commit(), [join(out, 'big.bin'), join(out, 'index.json')]);
    assert.equal(statSync(join(out, 'big.bin')).size, 4000);
    const again = await OutputDirWriter.open(out);
    await again.writeFile('big.bin', 'replacement');
    await again.abort();
    await again.abort();
    assert.equal(statSync(join(out, 'big.bin')).size, 4000, 'abort left the old set');
    assert.deepEqual(temporaries(root), []);
  });

  test('OutputFileWriter: a streamed file replaces the old one on commit, keeping its mode; abort removes the temporary and the parents it made', async () => {
    const p = join(root, 'streamed.safetensors');
    writeFileSync(p, 'old');
    chmodSync(p, 0o600);
    const w = await OutputFileWriter.open(p);
    await w.handle.write('new bytes');
    assert.equal(readFileSync(p, 'utf8'), 'old');
    await w.commit();
    assert.equal(readFileSync(p, 'utf8'), 'new bytes');
    assert.equal(statSync(p).mode & 0o777, 0o600);
    const w2 = await OutputFileWriter.open(join(root, 'made', 'for', 'x.bin'), { createParents: true });
    await w2.handle.write('x');
    await w2.abort();
    assert.equal(existsSync(join(root, 'made')), false);
  });
});

describe('symbolic links', () => {
  test('an output directory or file behind a link is replaced where the link points; the link stays', async () => {
    const real = join(root, 'real-out');
    await writeOutputDir(real, [{ name: 'U.npy', bytes: 'old' }]);
    symlinkSync(real, join(root, 'link-out'));
    await writeOutputDir(join(root, 'link-out'), [{ name: 'U.npy', bytes: 'new' }]);
    assert.ok(lstatSync(join(root, 'link-out')).isSymbolicLink());
    assert.equal(readFileSync(join(real, 'U.npy'), 'utf8'), 'new');
    writeFileSync(join(root, 'real.csv'), 'old');
    symlinkSync(join(root, 'real.csv'), join(root, 'link.csv'));
    await writeFilesAtomic([{ path: join(root, 'link.csv'), bytes: 'new' }]);
    assert.ok(lstatSync(join(root, 'link.csv')).isSymbolicLink());
    assert.equal(readFileSync(join(root, 'real.csv'), 'utf8'), 'new');
    assert.deepEqual(temporaries(root), []);
  });
});

describe('recoverOutput (after kill -9)', () => {
  test('a kill between the two renames: the old set goes back into place', async () => {
    const parent = join(root, 'recover');
    mkdirSync(parent);
    const pid = deadPid();
    const old = join(parent, `.out.lowrank-old-${pid}-0123abcd`);
    mkdirSync(old);
    writeFileSync(join(old, 'U.npy'), 'old set');
    mkdirSync(join(parent, `.out.lowrank-new-${pid}-89abcdef`));
    await recoverOutput(join(parent, 'out'));
    assert.deepEqual(readdirSync(parent), ['out']);
    assert.equal(readFileSync(join(parent, 'out', 'U.npy'), 'utf8'), 'old set');
  });

  test('stale temporaries of dead runs are removed by the next write; those of live runs are left', async () => {
    const parent = join(root, 'stale');
    mkdirSync(parent);
    const pid = deadPid();
    mkdirSync(join(parent, `.out.lowrank-new-${pid}-00000001`));
    mkdirSync(join(parent, `.out.lowrank-old-${pid}-00000002`));
    writeFileSync(join(parent, `.f.csv.lowrank-tmp-${pid}-00000003`), 'half');
    const live = `.out.lowrank-new-${process.pid}-00000004`;
    mkdirSync(join(parent, live));
    writeFileSync(join(parent, 'unrelated.lowrank-new-1-00000005'), 'not ours');
    await writeOutputDir(join(parent, 'out'), [{ name: 'U.npy', bytes: 'u' }]);
    await writeFilesAtomic([{ path: join(parent, 'f.csv'), bytes: 'f' }]);
    assert.deepEqual(readdirSync(parent).sort(), [live, 'f.csv', 'out', 'unrelated.lowrank-new-1-00000005'].sort());
    assert.equal(readFileSync(join(parent, 'out', 'U.npy'), 'utf8'), 'u');
  });

  test('SIGINT during the writes removes the temporaries and ends the process by the signal', async () => {
    const parent = join(root, 'signal');
    mkdirSync(parent);
    const script = join(parent, 'writer.mts');
    const moduleUrl = new URL('../../src/io/output-set.ts', import.meta.url).href;
    // 40 files of 4 MB, flushed one by one: long enough to be interrupted while writing
    writeFileSync(script, `import { writeOutputDir } from '${moduleUrl}';
const files = Array.from({ length: 40 }, (_, i) => ({ name: 'f' + i + '.bin', bytes: new Uint8Array(4 << 20).fill(i) }));
await writeOutputDir(${JSON.stringify(join(parent, 'out'))}, files);
`);
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script], { stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // wait for the temporary set to appear, then interrupt
    for (let i = 0; i < 600 && temporaries(parent).length === 0 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    const r = await exited;
    assert.deepEqual(temporaries(parent), [], 'no temporary left');
    if (r.signal === 'SIGINT') assert.equal(existsSync(join(parent, 'out')), false, 'interrupted before the swap: no output');
    else assert.equal(r.code, 0, 'finished before the signal');
  });
});

describe('writeFilesAtomic', () => {
  test('keeps the permission bits of the file it replaces', async () => {
    const p = join(root, 'mode.csv');
    writeFileSync(p, 'old');
    chmodSync(p, 0o640);
    await writeFilesAtomic([{ path: p, bytes: 'new' }]);
    assert.equal(readFileSync(p, 'utf8'), 'new');
    assert.equal(statSync(p).mode & 0o777, 0o640);
  });

  test('refuses an input as target (unless force) and two outputs on one path', async () => {
    const p = join(root, 'in.png');
    writeFileSync(p, 'input image');
    await assertLowRankRejects(writeFilesAtomic([{ path: p, bytes: 'x' }], { inputs: [p] }), 'E_ARG', 'would replace the input');
    assert.equal(readFileSync(p, 'utf8'), 'input image');
    await assertLowRankRejects(writeFilesAtomic([{ path: join(root, 'same'), bytes: 'a' }, { path: join(root, '.', 'same'), bytes: 'b' }]), 'E_ARG', 'same file');
    await writeFilesAtomic([{ path: p, bytes: 'x' }], { inputs: [p], force: true });
    assert.equal(readFileSync(p, 'utf8'), 'x');
  });

  test('creates missing parents only when asked, and removes them again when the write fails', async () => {
    await assertLowRankRejects(writeFilesAtomic([{ path: join(root, 'np', 'a.png'), bytes: 'a' }]), 'E_IO', 'no such directory');
    await assertLowRankRejects(writeFilesAtomic([{ path: join(root, 'np', 'a.png'), bytes: 'a' }, { path: join(root, 'np', 'b.png'), bytes: 7 as unknown as string }], { createParents: true }), 'E_IO', 'b.png');
    assert.equal(existsSync(join(root, 'np')), false);
    await writeFilesAtomic([{ path: join(root, 'np', 'a.png'), bytes: 'a' }], { createParents: true });
    assert.deepEqual(readdirSync(join(root, 'np')), ['a.png']);
  });
});

describe('checks before a run create nothing', () => {
  test('checkOutputDir: a new nested directory, an existing set, a file in the way, an input among the names', async () => {
    const before = readdirSync(root).sort();
    await checkOutputDir(join(root, 'a', 'b', 'c'));
    assert.deepEqual(readdirSync(root).sort(), before);
    writeFileSync(join(root, 'afile'), '');
    await assertLowRankRejects(checkOutputDir(join(root, 'afile')), 'E_IO', 'exists and is not a directory');
    await assertLowRankRejects(checkOutputDir(join(root, 'afile', 'sub')), 'E_IO', 'a path component is not a directory');
    await assertLowRankRejects(checkOutputDir('.'), 'E_ARG', 'working directory');
    const out = join(root, 'checked');
    await writeOutputDir(out, [{ name: 'U.npy', bytes: 'u' }]);
    await assertLowRankRejects(checkOutputDir(out, { inputs: [join(out, 'U.npy')], names: ['U.npy'] }), 'E_ARG', 'would replace the input');
    await checkOutputDir(out, { inputs: [join(out, 'U.npy')], names: ['U.npy'], force: true });
    await assertLowRankRejects(checkOutputDir('/proc/lowrank-test-out'), 'E_IO', "cannot write to --out '/proc/lowrank-test-out'");
  });

  test('checkOutputFile: a directory in the way, a missing directory, the input itself', async () => {
    await assertLowRankRejects(checkOutputFile(root, { what: '--side-by-side' }), 'E_IO', '--side-by-side', 'is a directory');
    await assertLowRankRejects(checkOutputFile(join(root, 'nope', 'x.png')), 'E_IO', 'no such directory');
    await checkOutputFile(join(root, 'nope', 'x.png'), { createParents: true });
    assert.equal(existsSync(join(root, 'nope')), false);
    writeFileSync(join(root, 'mine.png'), 'png');
    await assertLowRankRejects(checkOutputFile(join(root, 'mine.png'), { inputs: [join(root, 'mine.png')] }), 'E_ARG', "would replace the input");
  });
});
