/**
 * The CLI's own overhead (issue 15): what `lowrank factor` costs beyond the library call, and what
 * `lowrank --version` costs beyond starting Node.
 *
 *   npx tsx bench/cli-overhead.ts [--reps=N] [--cli=PATH]     (also part of `npm run bench`)
 *
 * Needs a built CLI (`npm run build`: dist/bin/lowrank.js, or the one `--cli` names; the library
 * sides use the dist/ two levels above it). Rows:
 * - `lowrank --version` wall time ÷ `node -e 0` wall time (goal ≤ 1.5), medians of interleaved runs;
 * - `lowrank factor A.npy --rank 50` process wall time (start, imports, reading, factorizing, the
 *   error pass, writing) ÷ the library call that does the same work — read the file and factorize
 *   it through the public API, `autoFactorize(readNpy(readFileSync(A.npy)), { rank: 50 })` — timed
 *   in this process (goal ≤ 1.3), on a 2000×2000 and an 8000×2000 float64 matrix of rank-100
 *   signal plus noise. Both sides take the default thread count (see src/backend/native/threads.ts).
 *   Beside it, for reading that ratio, the same call as the first of a fresh Node process (cold
 *   JIT, as a script that calls the library once), timed inside that process; and the wall time
 *   of a whole `node` process running the same job as a library script — import the built public
 *   entries, read the .npy, factorize, compute the error figures
 *   (`approximationErrorsFromFactors`, as factor prints them) — so what the CLI adds beyond
 *   Node's own start-up and the library's first call shows (no goal: for reading); and the wall
 *   time of the same job as a Python script with numpy and scikit-learn (bench/cli_peer_factor.py:
 *   `randomized_svd` at its defaults, the same error figures, the factors saved), the peer a user of
 *   that stack would run (Debian's /usr/bin/python3 with python3-sklearn; skipped without it).
 *
 * Process and library runs alternate, so both see the same machine load; the machine is shared
 * and noisy: read the ratios, not the times.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { selectBackend } from '../src/backend/native/index.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/rng.js';
import { matmul } from '../src/linalg/matmul.js';
import { readNpy, writeNpy } from '../src/io/npy.js';
import { autoFactorize } from '../src/methods/auto.js';

/** The bundled CLI that package.json's `bin` names (scripts/build-cli.mjs). */
const DEFAULT_CLI = fileURLToPath(new URL('../dist/bin/lowrank.js', import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall time of one child process, in ms; throws when it fails. */
function runProcess(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr.trim().split('\n').pop()}`);
  return ms;
}

/**
 * The library call `lowrank factor` stands for, as the first call of a fresh Node process using the
 * same build as the CLI (`dist/`): imports, then read + `autoFactorize` timed; returns that time, ms.
 */
function runColdLibrary(dist: string, file: string, threads: number): number {
  const url = (p: string): string => JSON.stringify(pathToFileURL(join(dist, p)).href);
  const script = `import { readFileSync } from 'node:fs';
const [{ selectBackend }, { readNpy }, { autoFactorize }] = await Promise.all([import(${url('backend/native/index.js')}), import(${url('io/npy.js')}), import(${url('methods/auto.js')})]);
selectBackend({ threads: ${threads} });
const t = performance.now();
autoFactorize(readNpy(readFileSync(process.argv[1]), 'A', { copy: false }), { rank: 50 });
console.log(performance.now() - t);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`library call in a fresh process failed (${r.status}): ${r.stderr.trim().split('\n').pop()}`);
  return Number(r.stdout.trim().split('\n').pop());
}

/**
 * `lowrank factor FILE --rank 50` done as a user's script with the built library: a whole fresh
 * `node` process (start, imports of the public entries — lowrank, lowrank/io, lowrank/methods,
 * lowrank/node as dist/ holds them — read, `autoFactorize`, the error figures
 * `approximationErrorsFromFactors` gives, with the ‖A‖_F the method already knows, as factor
 * passes it); returns its wall time, ms.
 */
function runLibraryScript(dist: string, file: string, threads: number): number {
  const url = (p: string): string => JSON.stringify(pathToFileURL(join(dist, p)).href);
  const script = `import { readFileSync } from 'node:fs';
import { approximationErrorsFromFactors } from ${url('index.node.js')};
import { readNpy } from ${url('io.js')};
import { autoFactorize } from ${url('methods.node.js')};
import { selectBackend } from ${url('node.js')};
selectBackend({ threads: ${threads} });
const a = readNpy(readFileSync(process.argv[1]), process.argv[1], { copy: false });
const f = autoFactorize(a, { rank: 50 });
const e = approximationErrorsFromFactors(a, f.U, f.V, { normA: f.params.normA });
if (!(e.relative >= 0)) process.exit(1);`;
  return runProcess(['--input-type=module', '-e', script, file]);
}

/** The Python peer script (numpy + scikit-learn doing `lowrank factor`'s job). */
const PEER_SCRIPT = fileURLToPath(new URL('./cli_peer_factor.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** Whether Debian's python3 can run the peer (numpy and scikit-learn import). */
function hasPythonPeer(): boolean {
  return spawnSync(PYTHON, ['-c', 'import numpy, sklearn.utils.extmath'], { encoding: 'utf8' }).status === 0;
}

/** Wall time of one peer process doing `factor FILE --rank 50 --out DIR`, in ms; throws when it fails. */
function runPythonPeer(file: string, out: string, threads: number): number {
  const t = performance.now();
  // The same BLAS kernels and thread count as lowrank's native tier (src/backend/native/openblas-coretype.ts).
  const env = { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX', OPENBLAS_NUM_THREADS: String(threads) };
  const r = spawnSync(PYTHON, [PEER_SCRIPT, file, '50', out], { encoding: 'utf8', env });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`python peer failed (${r.status}): ${r.stderr.trim().split('\n').pop()}`);
  return ms;
}

/** A rows×cols float64 matrix: rank-100 Gaussian signal plus 0.1·N(0, 1) noise (bench/native_peers.py's case (a) shape of data). */
function signalPlusNoise(rows: number, cols: number, rng: Rng): Matrix {
  const r = 100;
  const l = Matrix.zeros(rows, r);
  const rt = Matrix.zeros(r, cols);
  for (let i = 0; i < l.data.length; i++) l.data[i] = rng.normal();
  for (let i = 0; i < rt.data.length; i++) rt.data[i] = rng.normal();
  const a = matmul(l, rt);
  for (let i = 0; i < a.data.length; i++) a.data[i] += 0.1 * rng.normal();
  return a;
}

export interface CliOverheadRow {
  benchmark: string;
  processMs: number;
  referenceMs: number;
  reference: string;
  ratio: number;
  goal: number;
}

/** Runs the CLI overhead rows and prints them; returns them. */
export async function benchCliOverhead(opts: { reps?: number; cli?: string } = {}): Promise<CliOverheadRow[]> {
  const CLI = opts.cli ?? DEFAULT_CLI;
  const dist = dirname(dirname(CLI));
  console.log('\n# CLI overhead: process wall time ÷ reference (medians of interleaved runs; noisy shared machine, read the ratios)');
  if (!existsSync(CLI)) {
    console.log(`# ${CLI} missing: run npm run build first`);
    return [];
  }
  const backend = selectBackend({ backend: 'auto' });
  // One thread count on every side (this process's default), so the ratios compare like with like.
  const threads = backend.threads;
  console.log(`# backend of every side: ${backend.name}, ${threads} thread${threads > 1 ? 's' : ''}`);
  const rows: CliOverheadRow[] = [];
  const reps = opts.reps ?? 7;

  const version: number[] = [];
  const empty: number[] = [];
  runProcess([CLI, '--version']);
  runProcess(['-e', '0']);
  for (let i = 0; i < reps * 2; i++) {
    empty.push(runProcess(['-e', '0']));
    version.push(runProcess([CLI, '--version']));
  }
  rows.push({ benchmark: 'lowrank --version', processMs: median(version), referenceMs: median(empty), reference: 'node -e 0', ratio: median(version) / median(empty), goal: 1.5 });

  const peer = hasPythonPeer();
  if (!peer) console.log(`# python peer skipped: ${PYTHON} lacks numpy or scikit-learn (apt-get install python3-sklearn)`);
  const dir = mkdtempSync(join(tmpdir(), 'lowrank-cli-bench-'));
  try {
    for (const [n, m] of [[2000, 2000], [8000, 2000]] as const) {
      const a = signalPlusNoise(n, m, new Rng(n + m));
      const file = join(dir, `a${n}x${m}.npy`);
      writeFileSync(file, writeNpy(a));
      const args = [CLI, '--threads', String(threads), 'factor', file, '--rank', '50', '--out', join(dir, 'out'), '--quiet'];
      const lib = (): number => {
        const t = performance.now();
        autoFactorize(readNpy(readFileSync(file), file, { copy: false }), { rank: 50 });
        return performance.now() - t;
      };
      lib();
      runProcess(args);
      runLibraryScript(dist, file, threads);
      if (peer) runPythonPeer(file, join(dir, 'peer'), threads);
      const procMs: number[] = [];
      const libMs: number[] = [];
      const coldMs: number[] = [];
      const scriptMs: number[] = [];
      const peerMs: number[] = [];
      const r = Math.max(3, Math.ceil(reps / 2));
      for (let i = 0; i < r; i++) {
        libMs.push(lib());
        procMs.push(runProcess(args));
        coldMs.push(runColdLibrary(dist, file, threads));
        scriptMs.push(runLibraryScript(dist, file, threads));
        if (peer) peerMs.push(runPythonPeer(file, join(dir, 'peer'), threads));
      }
      const row = (benchmark: string, ref: number[], reference: string, goal: number): CliOverheadRow => ({
        benchmark, processMs: median(procMs), referenceMs: median(ref), reference, ratio: median(procMs) / median(ref), goal,
      });
      rows.push(
        row(`lowrank factor ${n}×${m} --rank 50`, libMs, 'read .npy + autoFactorize, in-process', 1.3),
        // The same library call as the first of a fresh process: its code not yet optimized by the
        // JIT, as for a script that calls the library once (for reading the ratio above; no goal).
        row('  the same, vs a fresh process', coldMs, 'read + autoFactorize, first call of a process', NaN),
        // The same job as a user's script over the built library, a whole process too: what the CLI
        // costs beyond Node's start, the library's imports and its first call (no goal).
        row('  the same, vs a library script', scriptMs, 'node process: import, read, factorize, errors', NaN),
      );
      // The peer stack's whole process for the same job (for reading; no goal).
      if (peer) rows.push(row('  the same, vs numpy + scikit-learn', peerMs, 'python process: import, load, randomized_svd, errors, save', NaN));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const w = [36, 12, 58, 12, 8, 12];
  const line = (c: Array<string | number>): string => c.map((x, i) => (i === 0 || i === 2 ? String(x).padEnd(w[i]) : String(x).padStart(w[i]))).join(' | ');
  console.log(`# load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(line(['benchmark', 'process', 'reference', 'ref. time', 'ratio', 'goal met']));
  for (const r of rows) {
    console.log(line([r.benchmark, `${r.processMs.toFixed(0)} ms`, r.reference, `${r.referenceMs.toFixed(0)} ms`, `${r.ratio.toFixed(2)}×`, Number.isNaN(r.goal) ? '-' : `≤ ${r.goal}: ${r.ratio <= r.goal ? 'yes' : 'no'}`]));
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const reps = process.argv.find((x) => x.startsWith('--reps='));
  const cli = process.argv.find((x) => x.startsWith('--cli='));
  await benchCliOverhead({ reps: reps ? Number(reps.slice(7)) : undefined, cli: cli ? resolve(cli.slice(6)) : undefined });
}
