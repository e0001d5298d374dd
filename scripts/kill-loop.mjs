#!/usr/bin/env node
/**
 * Kill loop: runs `lowrank factor` again and again into the same output directory (a dense
 * matrix, and ratings with a model directory), kills each run with SIGKILL at a random moment —
 * half of them while the output set is being written (the moment its temporary directory
 * appears, plus a random delay up to 1.2× the write phase of an uninterrupted run), half anywhere in
 * the run — and checks after every kill that the
 * output directory holds a complete set, either the old one or the new one, never a mix (each run
 * uses another rank, so a mix shows as factors of different ranks). Then it interrupts runs
 * with SIGINT and SIGTERM during the writes and checks that no temporary is left behind.
 *
 * Usage: node scripts/kill-loop.mjs [--kills N] [--signals N] [--seed S] [--small] [--keep] [--cli MAIN.js]
 *   N kills each for dense and ratings (default 30), N interrupts each for SIGINT and SIGTERM
 *   (default 5). The CLI is dist/cli/main.js (npm run build first), the TypeScript sources
 *   with LOWRANK_TEST_FROM_SOURCE=1, or another build's main.js with --cli (to compare versions). Prints the counts; exits 1 when any check failed.
 *
 * The loop itself is exported (runKillLoop) for the end-to-end test in test/cli/kill-loop.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MANIFEST = '.lowrank-outputs.json';

/** The node arguments that start the CLI (built, or the sources through tsx). */
export function defaultCliArgs() {
  if (process.env.LOWRANK_TEST_FROM_SOURCE === '1') {
    const require = createRequire(import.meta.url);
    return ['--import', pathToFileURL(require.resolve('tsx/esm')).href, fileURLToPath(new URL('../src/cli/main.ts', import.meta.url))];
  }
  return [fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))];
}

/** A small deterministic RNG (mulberry32), so a run of the loop can be repeated. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A float64 C-order .npy file of the given shape. */
function npyBytes(rows, cols, fill) {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = Buffer.alloc(10 + header.length + rows * cols * 8);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  for (let i = 0; i < rows * cols; i++) out.writeDoubleLE(fill(i), 10 + header.length + 8 * i);
  return out;
}

/** The shape in a .npy file's header. */
function npyShape(path) {
  const head = readFileSync(path).subarray(0, 256).toString('latin1');
  const m = /'shape': \(([^)]*)\)/.exec(head);
  if (!m) throw new Error(`${path}: no .npy header`);
  return m[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
}

/**
 * The rank of the complete set in `dir`, or throws describing what is incomplete or mixed.
 * Dense: U n×k, V k×m, S k (and every file of the manifest present). Ratings: model.json's rank,
 * U users×k, V k×items, biases and ids of matching lengths.
 */
function checkSet(dir, kind) {
  // (a directory written before output sets had manifests: check the files themselves)
  const manifest = existsSync(join(dir, MANIFEST)) ? JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) : { files: readdirSync(dir) };
  for (const f of manifest.files) if (!existsSync(join(dir, f))) throw new Error(`${f} listed but missing`);
  const [n, k] = npyShape(join(dir, 'U.npy'));
  const [k2, m] = npyShape(join(dir, 'V.npy'));
  if (k !== k2) throw new Error(`mix: U has rank ${k}, V rank ${k2}`);
  if (kind === 'dense') {
    const [k3] = npyShape(join(dir, 'S.npy'));
    if (k3 !== k) throw new Error(`mix: S has ${k3} values, U rank ${k}`);
    if (!manifest.files.includes('S.npy')) throw new Error('manifest lacks S.npy');
    return k;
  }
  const meta = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  if (meta.rank !== k || meta.rows !== n || meta.cols !== m) throw new Error(`mix: model.json says rank ${meta.rank} ${meta.rows}×${meta.cols}, U/V are rank ${k} ${n}×${m}`);
  const users = JSON.parse(readFileSync(join(dir, 'users.json'), 'utf8'));
  if (users.length !== n) throw new Error(`mix: users.json has ${users.length} ids for ${n} rows`);
  const [nb] = npyShape(join(dir, 'user_bias.npy'));
  if (nb !== n) throw new Error(`mix: user_bias has ${nb} entries for ${n} rows`);
  return k;
}

/** Temporaries of `target` (hidden siblings named .<target>.lowrank-<kind>-<pid>-<hex>). */
function temporaries(parent, target) {
  return readdirSync(parent).filter((e) => e.startsWith(`.${target}.lowrank-`));
}

/**
 * Starts one CLI run; resolves with its exit code/signal. `onWriteStart` fires when its temporary
 * set appears; `onRenameInto` when a file is renamed into the existing output directory itself.
 */
function start(cliArgs, args, cwd, target, onWriteStart, onRenameInto = null) {
  const child = spawn(process.execPath, [...cliArgs, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // The write phase starts when the run's temporary set appears beside the target (or, for a
  // build that renames file by file, when a temporary file appears inside the target).
  const watchers = [];
  const fire = () => {
    for (const w of watchers.splice(0)) w.close();
    onWriteStart?.(child);
  };
  if (onWriteStart) {
    watchers.push(watch(cwd, (_event, name) => {
      if (typeof name === 'string' && name.startsWith(`.${target}.lowrank-new-${child.pid}-`)) fire();
    }));
    if (existsSync(join(cwd, target))) {
      watchers.push(watch(join(cwd, target), (_event, name) => {
        if (typeof name === 'string' && name.endsWith('.tmp')) fire();
      }));
    }
  }
  if (onRenameInto && existsSync(join(cwd, target))) {
    const w = watch(join(cwd, target), (event, name) => {
      if (event === 'rename' && typeof name === 'string' && !name.startsWith('.') && existsSync(join(cwd, target, name))) {
        w.close();
        onRenameInto(child);
      }
    });
    watchers.push(w);
  }
  const done = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      for (const w of watchers.splice(0)) w.close();
      resolve({ code, signal, stderr });
    });
  });
  return { child, done };
}

/**
 * Runs the loop in `dir` (a fresh temporary directory by default) and returns the counts.
 * @param {{ kills?: number, signals?: number, seed?: number, small?: boolean, keep?: boolean, cliArgs?: string[], dir?: string, log?: (s: string) => void }} o
 */
export async function runKillLoop(o = {}) {
  const kills = o.kills ?? 30;
  const signals = o.signals ?? 5;
  const random = rng(o.seed ?? 1);
  const cliArgs = o.cliArgs ?? defaultCliArgs();
  const log = o.log ?? (() => {});
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'lowrank-kill-loop-'));
  const failures = [];

  // inputs: a 3000×200 dense matrix; 20000 ratings of 1500 users × 300 items (small: 600×80; 3000 of 300 × 60)
  const [n, m, nnz, users, items] = o.small ? [600, 80, 3000, 300, 60] : [3000, 200, 20000, 1500, 300];
  writeFileSync(join(dir, 'a.npy'), npyBytes(n, m, () => random() * 2 - 1));
  const lines = ['user,item,rating'];
  for (let i = 0; i < nnz; i++) lines.push(`u${Math.floor(random() * users)},i${Math.floor(random() * items)},${1 + Math.floor(random() * 5)}`);
  writeFileSync(join(dir, 'r.csv'), lines.join('\n') + '\n');

  const kinds = {
    dense: { target: 'dense-out', args: (k, i) => ['factor', 'a.npy', '--rank', String(k), '--out', 'dense-out', '--quiet', ...(i % 2 ? ['--png'] : [])] },
    ratings: { target: 'ratings-out', args: (k) => ['factor', 'r.csv', '--format', 'ratings', '--duplicates', 'mean', '--method', 'als', '--rank', String(k), '--sweeps', '2', '--out', 'ratings-out', '--quiet'] },
  };
  const counts = {};
  for (const [kind, spec] of Object.entries(kinds)) {
    const c = { kills: 0, old: 0, new: 0, betweenRenames: 0, duringWrites: 0, atFirstRename: 0, finishedFirst: 0, staleAfterKill: 0, mixed: 0, leftAtEnd: 0, msPerRun: 0, msWritePhase: 0 };
    counts[kind] = c;
    // the first complete set, the time a run takes and how long its write phase lasts (from its
    // temporary set appearing to its exit), so that kills during the writes spread over all of it
    const t0 = performance.now();
    let writeStart = 0;
    const first = await start(cliArgs, spec.args(3, 0), dir, spec.target, () => (writeStart = performance.now())).done;
    c.msPerRun = Math.round(performance.now() - t0);
    c.msWritePhase = Math.max(1, Math.round(performance.now() - (writeStart || t0)));
    if (first.code !== 0) throw new Error(`${kind}: first run failed (${first.code}): ${first.stderr}`);
    let current = checkSet(join(dir, spec.target), kind);
    let i = 0;
    while (c.kills < kills) {
      i++;
      const k = current === 3 + (i % 17) ? 4 + (i % 17) : 3 + (i % 17);
      // three kinds of kill, in turn: during the writes, anywhere, and the instant a file event
      // shows in the existing output directory (a build that renames file by file is killed right
      // after its first rename: the negative control that shows this loop can see a mix; the set
      // swap only touches that directory when it removes the old set, after the swap)
      const mode = i % 3;
      const duringWrites = mode === 0;
      const onStart = duringWrites ? (child) => setTimeout(() => child.kill('SIGKILL'), random() * c.msWritePhase * 1.2) : null;
      const run = start(cliArgs, spec.args(k, i), dir, spec.target, onStart, mode === 2 ? (child) => child.kill('SIGKILL') : null);
      if (mode === 1) setTimeout(() => run.child.kill('SIGKILL'), random() * c.msPerRun * 1.1);
      const r = await run.done;
      if (r.signal !== 'SIGKILL') {
        if (r.code !== 0) failures.push(`${kind} run ${i}: exit ${r.code}: ${r.stderr.trim()}`);
        c.finishedFirst++;
        current = checkSet(join(dir, spec.target), kind);
        continue;
      }
      c.kills++;
      if (duringWrites) c.duringWrites++;
      if (mode === 2) c.atFirstRename++;
      const out = join(dir, spec.target);
      const temps = temporaries(dir, spec.target);
      if (temps.length > 0) c.staleAfterKill++;
      if (!existsSync(out)) {
        // killed between the two renames: the old set waits beside it, the next run puts it back
        if (temps.some((t) => t.includes('.lowrank-old-'))) c.betweenRenames++;
        else failures.push(`${kind} kill ${c.kills}: no output directory and no old set beside it`);
        continue;
      }
      let state = 'mixed';
      try {
        const got = checkSet(out, kind);
        if (got === current) {
          c.old++;
          state = 'old';
        } else if (got === k) {
          c.new++;
          current = k;
          state = 'new';
        } else failures.push(`${kind} kill ${c.kills}: rank ${got} is neither the old ${current} nor the new ${k}`);
      } catch (err) {
        c.mixed++;
        failures.push(`${kind} kill ${c.kills}: ${err.message}`);
      }
      log(`${kind} kill ${c.kills}${duringWrites ? ' (during writes)' : mode === 2 ? ' (at the first rename)' : ''}: ${state} set, ${temps.length} temporaries beside it`);
    }
    // one more complete run: it recovers and removes every temporary of the killed runs
    const last = await start(cliArgs, spec.args(2, 0), dir, spec.target, null).done;
    if (last.code !== 0) failures.push(`${kind} final run: exit ${last.code}: ${last.stderr.trim()}`);
    else if (checkSet(join(dir, spec.target), kind) !== 2) failures.push(`${kind} final run: not the new set`);
    c.leftAtEnd = temporaries(dir, spec.target).length;
    if (c.leftAtEnd > 0) failures.push(`${kind}: ${c.leftAtEnd} temporaries left after a complete run`);
  }

  // SIGINT / SIGTERM during the writes: the run ends by the signal, no temporary is left
  const sig = { interrupted: 0, finishedFirst: 0, temporariesLeft: 0, duringCompute: 0 };
  counts.signals = sig;
  const spec = kinds.dense;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    for (let j = 0; j < signals; j++) {
      const k = 5 + j + (signal === 'SIGTERM' ? 10 : 0);
      const run = start(cliArgs, spec.args(k, 1), dir, spec.target, (child) => setTimeout(() => child.kill(signal), random() * 10));
      const r = await run.done;
      if (r.signal === signal) sig.interrupted++;
      else if (r.code === 0) sig.finishedFirst++;
      else failures.push(`${signal} run: exit ${r.code} ${r.signal}: ${r.stderr.trim()}`);
      const left = temporaries(dir, spec.target);
      if (left.length > 0) {
        sig.temporariesLeft += left.length;
        failures.push(`${signal}: temporaries left: ${left.join(', ')}`);
      }
      try {
        checkSet(join(dir, spec.target), 'dense');
      } catch (err) {
        failures.push(`${signal}: ${err.message}`);
      }
    }
    // and once during the computation, before anything is written: nothing new appears
    const before = readdirSync(dir).sort().join(',');
    const run = start(cliArgs, ['factor', 'a.npy', '--rank', '7', '--out', 'compute-out', '--quiet'], dir, 'compute-out', null);
    setTimeout(() => run.child.kill(signal), 150);
    const r = await run.done;
    if (r.signal === signal) {
      sig.duringCompute++;
      if (readdirSync(dir).sort().join(',') !== before) failures.push(`${signal} during the computation left: ${readdirSync(dir).join(', ')}`);
    }
  }
  if (!o.keep && !o.dir) rmSync(dir, { recursive: true, force: true });
  return { counts, failures, dir };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const opt = (name, def) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : def;
  };
  const t0 = performance.now();
  const { counts, failures, dir } = await runKillLoop({ kills: opt('--kills', 30), signals: opt('--signals', 5), seed: opt('--seed', 1), small: argv.includes('--small'), cliArgs: argv.includes('--cli') ? [argv[argv.indexOf('--cli') + 1]] : undefined, keep: argv.includes('--keep'), log: (s) => process.stderr.write(s + '\n') });
  process.stdout.write(JSON.stringify({ counts, failures, seconds: Math.round((performance.now() - t0) / 1000), dir: argv.includes('--keep') ? dir : undefined }, null, 2) + '\n');
  process.exitCode = failures.length > 0 ? 1 : 0;
}
