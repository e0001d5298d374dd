/**
 * Adaptive passes of the randomized SVD and its fast mode, one command:
 *
 *   npx tsx bench/randomized-adaptive.ts [--repeats N] [--backend auto|js|native] [--skip-fast] [--threads T]
 *
 * 1. The four accuracy cases of bench/accuracy.ts (built by bench/randomized_peers.py with
 *    Debian's /usr/bin/python3): the adaptive default (`tolRitz` = DEFAULT_TOL_RITZ) beside the
 *    fixed count it replaces (`tolRitz: 0`, every auto iteration), run interleaved in this
 *    process — error ÷ optimum, the passes chosen and why, median times and their ratio.
 *    Goal (issue 15): error within 1e−4 relative of the optimum, time ≤ 0.8× the fixed default.
 * 2. The fast mode `passes: 4` against `torch.svd_lowrank(q=k+10, niter=2)` on 2000², 4000²
 *    and 8000×2000 (k = 20, 50): two peer servers (randomized_peers.py --serve, torch as shipped
 *    and with OPENBLAS_CORETYPE=SkylakeX) time torch on the same .npy files between lowrank's own
 *    runs, round by round. Goal: error ≤ torch's, time ≤ 1.0× torch's. The peers' BLAS is printed.
 *
 * Both parts run lowrank on one stated thread count (printed): `--threads T`, else the peers' BLAS
 * threads (as many as the peer's OpenBLAS runs, which is also what torch uses), so that the two parts
 * compare; lowrank's own default (which leaves out cores others keep busy) is restored at the end.
 * The machine may be busy: medians of N runs (default 5), and ratios taken side by side.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Matrix } from '../src/core/matrix.js';
import { readNpy } from '../src/io/npy.js';
import { frobeniusErrorBlocked } from '../src/linalg/error-estimators.js';
import { DEFAULT_TOL_RITZ, randomizedSvd, type RandomizedSvdOptions, type RandomizedSvdResult } from '../src/linalg/randomized-svd.js';
import { selectBackend } from '../src/backend/native/index.js';
import { benchArgs } from './bench-args.js';

interface PeerCase { name: string; title: string; file: string; shape: [number, number]; k: number; optimum: number; torch?: { ratio: number; median_ms: number } }
interface PeerOutput { numpy: string; torch: string; torch_threads?: number; blas_threads?: number | null; blas?: unknown; cases: PeerCase[] }

const PYTHON = '/usr/bin/python3';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function peers(dir: string, repeats: number, fast: boolean, env: NodeJS.ProcessEnv = process.env): PeerOutput {
  const script = fileURLToPath(new URL('./randomized_peers.py', import.meta.url));
  const r = spawnSync(PYTHON, [script, dir, String(repeats), ...(fast ? ['--fast'] : [])], { encoding: 'utf8', maxBuffer: 1 << 26, env });
  if (r.status !== 0) throw new Error(`peer script failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as PeerOutput;
}

function errorRatio(a: Matrix, res: RandomizedSvdResult, optimum: number): number {
  const us = res.U.clone();
  const k = us.cols;
  for (let i = 0; i < us.rows; i++) for (let j = 0; j < k; j++) us.data[i * k + j] *= res.S[j];
  return frobeniusErrorBlocked(a, us, res.Vt) / optimum;
}

/** Runs the variants interleaved `repeats` times; returns each one's first result, error ratio and median ms. */
function sideBySide(a: Matrix, k: number, optimum: number, variants: RandomizedSvdOptions[], repeats: number) {
  const times = variants.map(() => [] as number[]);
  const first: RandomizedSvdResult[] = [];
  for (let rep = 0; rep < repeats; rep++) {
    variants.forEach((v, i) => {
      const t = performance.now();
      const res = randomizedSvd(a, k, { seed: 0, ...v });
      times[i].push(performance.now() - t);
      if (rep === 0) first[i] = res;
    });
  }
  return variants.map((_, i) => ({ res: first[i], ratio: errorRatio(a, first[i], optimum), ms: median(times[i]) }));
}

/** A torch peer server (randomized_peers.py --serve / --serve-from): one request, one JSON answer. */
interface PeerServer { head: PeerOutput; ask(cmd: string): Promise<{ ms?: number; err?: number }>; close(): void }

async function startPeer(dir: string, build: boolean, env: NodeJS.ProcessEnv): Promise<PeerServer> {
  const script = fileURLToPath(new URL('./randomized_peers.py', import.meta.url));
  const child = spawn(PYTHON, [script, dir, build ? '--serve' : '--serve-from'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error('peer server ended early (see its stderr above)');
    return r.value;
  };
  const head = JSON.parse(await next()) as PeerOutput;
  return {
    head,
    ask: async (cmd) => {
      child.stdin.write(`${cmd}\n`);
      return JSON.parse(await next()) as { ms?: number; err?: number };
    },
    close: () => child.stdin.end('quit\n'),
  };
}

/**
 * Part 2: `passes: 4` against torch.svd_lowrank(q=k+10, niter=2), both timed in turn within each
 * round (lowrank, torch as shipped, torch with OPENBLAS_CORETYPE=SkylakeX), medians over the
 * rounds: a load that comes and goes hits all three alike.
 */
async function fastMode(dir: string, backend: ReturnType<typeof selectBackend>, repeats: number, threads: number | undefined): Promise<boolean> {
  // torch as shipped (Debian's OpenBLAS picks its kernels itself: OPENBLAS_CORETYPE unset) and
  // with the SkylakeX kernels the native loader forces; lowrank is compared with the faster.
  const shippedEnv = { ...process.env };
  delete shippedEnv.OPENBLAS_CORETYPE;
  const skx = await startPeer(dir, true, { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX' });
  const shipped = await startPeer(dir, false, shippedEnv);
  let ok = true;
  // Like for like: lowrank runs on as many BLAS threads as the peer's OpenBLAS (its default
  // leaves out cores other processes keep busy, torch's does not), or on --threads.
  const own = backend.threads;
  const peerThreads = blasThreads(skx.head.blas);
  setThreads(backend, threads ?? peerThreads);
  try {
    console.log(`\n# Fast mode: lowrank passes 4 vs torch ${skx.head.torch} svd_lowrank(q=k+10, niter=2) (${skx.head.torch_threads ?? '?'} torch threads), interleaved rounds (lowrank, torch as shipped, torch SkylakeX), medians of ${repeats}; torch time = the faster median of its two BLAS settings`);
    console.log(`# peer BLAS as shipped: ${JSON.stringify(shipped.head.blas)}`);
    console.log(`# peer BLAS with OPENBLAS_CORETYPE=SkylakeX: ${JSON.stringify(skx.head.blas)}`);
    console.log(`# lowrank threads: ${backend.threads} (${threads !== undefined ? `--threads; the peer's BLAS threads: ${peerThreads ?? 'unknown'}` : peerThreads ? 'the peer\'s BLAS threads' : 'as in part 1: the peer\'s BLAS threads unknown'})`);
    console.log(`${'case'.padEnd(20)} ${'err/opt (lowrank)'.padStart(18)} ${'err/opt (torch)'.padStart(16)} ${'lowrank ms'.padStart(11)} ${'torch ms'.padStart(9)} ${'(shipped'.padStart(9)} ${'SkylakeX)'.padStart(9)} ${'time ratio'.padStart(10)}`);
    let a: Matrix | undefined;
    let file = '';
    for (const c of skx.head.cases) {
      if (c.file !== file) {
        a = undefined; // let the previous matrix go before the next is read
        a = readNpy(new Uint8Array(readFileSync(c.file)), c.file);
        file = c.file;
      }
      const m = a as Matrix;
      const stem = basename(c.file, '.npy');
      const times = { lr: [] as number[], shipped: [] as number[], skx: [] as number[] };
      let first: RandomizedSvdResult | undefined;
      for (let rep = 0; rep < repeats; rep++) {
        const t = performance.now();
        const res = randomizedSvd(m, c.k, { seed: 0, backend, passes: 4 });
        times.lr.push(performance.now() - t);
        first ??= res;
        times.shipped.push((await shipped.ask(`run ${stem} ${c.k}`)).ms as number);
        times.skx.push((await skx.ask(`run ${stem} ${c.k}`)).ms as number);
      }
      const ratio = errorRatio(m, first as RandomizedSvdResult, c.optimum);
      const torchRatio = ((await skx.ask(`err ${stem} ${c.k}`)).err as number) / c.optimum;
      const lr = median(times.lr);
      const torchMs = Math.min(median(times.shipped), median(times.skx));
      const good = ratio <= torchRatio && lr <= torchMs;
      ok &&= good;
      console.log(`${c.name.padEnd(20)} ${ratio.toFixed(6).padStart(18)} ${torchRatio.toFixed(6).padStart(16)} ${lr.toFixed(1).padStart(11)} ${torchMs.toFixed(1).padStart(9)} ${median(times.shipped).toFixed(1).padStart(9)} ${median(times.skx).toFixed(1).padStart(9)} ${(lr / torchMs).toFixed(2).padStart(10)}${good ? '' : '  MISSED'}`);
    }
  } finally {
    setThreads(backend, own);
    shipped.close();
    skx.close();
  }
  return ok;
}

/** The thread count of the BLAS in a peer's `blas` report (threadpoolctl), if it names one. */
function blasThreads(blas: unknown): number | undefined {
  const pools = (blas as { threadpoolctl?: unknown } | undefined)?.threadpoolctl;
  if (!Array.isArray(pools)) return undefined;
  const b = pools.find((p: { user_api?: string }) => p.user_api === 'blas') as { num_threads?: number } | undefined;
  return typeof b?.num_threads === 'number' ? b.num_threads : undefined;
}

/** Sets the tier's thread count when it has one to set and a count is given. */
function setThreads(backend: ReturnType<typeof selectBackend>, threads: number | undefined): void {
  if (threads !== undefined && backend.setThreads) backend.setThreads(threads);
}

/** Runs both parts; returns whether every goal was met. `threads`: lowrank's thread count in both parts (default: the peers' BLAS threads). */
export async function benchRandomizedAdaptive(opts: { repeats?: number; backend?: string; skipFast?: boolean; threads?: number } = {}): Promise<boolean> {
  const repeats = opts.repeats ?? 5;
  const backend = selectBackend({ backend: opts.backend ?? 'auto', source: '--backend' });
  const own = backend.threads;
  let ok = true;
  const dir = mkdtempSync(join(tmpdir(), 'lowrank-adaptive-'));
  try {
    const acc = peers(join(dir, 'acc'), 1, false);
    setThreads(backend, opts.threads ?? acc.blas_threads ?? undefined);
    const why = opts.threads !== undefined ? '--threads' : acc.blas_threads ? 'the peers\' BLAS threads' : 'lowrank\'s default';
    const tier = backend.name === 'js' ? 'TypeScript tier' : `native tier, ${backend.threads} thread(s) (${why}; lowrank's own default here: ${own})`;
    console.log(`# Adaptive randomized SVD (tolRitz ${DEFAULT_TOL_RITZ}) vs the fixed auto count (tolRitz 0), lowrank ${tier}, medians of ${repeats} interleaved runs (busy machine: ratios are the figure)`);
    console.log(`${'case'.padEnd(52)} ${'passes'.padStart(6)} ${'stop'.padStart(10)} ${'err/opt−1'.padStart(10)} ${'ms'.padStart(8)} ${'fixed passes'.padStart(12)} ${'fixed err/opt−1'.padStart(15)} ${'fixed ms'.padStart(9)} ${'time ratio'.padStart(10)}`);
    for (const c of acc.cases) {
      const a = readNpy(new Uint8Array(readFileSync(c.file)), c.file);
      const [ad, fx] = sideBySide(a, c.k, c.optimum, [{ backend }, { backend, tolRitz: 0 }], repeats);
      const ratio = ad.ms / fx.ms;
      const good = ad.ratio - 1 <= 1e-4 && ratio <= 0.8;
      ok &&= good;
      console.log(`${`(${c.name}) ${c.title}`.padEnd(52)} ${String(ad.res.passes).padStart(6)} ${ad.res.stopReason.padStart(10)} ${(ad.ratio - 1).toExponential(2).padStart(10)} ${ad.ms.toFixed(1).padStart(8)} ${String(fx.res.passes).padStart(12)} ${(fx.ratio - 1).toExponential(2).padStart(15)} ${fx.ms.toFixed(1).padStart(9)} ${ratio.toFixed(2).padStart(10)}${good ? '' : '  MISSED'}`);
    }
    if (opts.skipFast) return ok;
    ok = (await fastMode(join(dir, 'fast'), backend, repeats, opts.threads)) && ok;
    return ok;
  } finally {
    setThreads(backend, own);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--threads');
  const threads = at >= 0 ? Number(args[at + 1]) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new Error(`--threads must be a positive integer, got ${args[at + 1]}`);
  void benchRandomizedAdaptive({ ...benchArgs(args), skipFast: args.includes('--skip-fast'), threads });
}
