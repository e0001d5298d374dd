/**
 * BLAS threads under load (issue 15): the native tier's exact SVD 500² and 2000² and GEMM 2000³
 * (float64) on one and on two OpenBLAS threads, on the machine as it is and with a competing busy
 * process (`node -e 'for(;;){}'`, one core's worth), plus the default that lowrank picks itself
 * ({@link defaultNativeThreads}: fewer threads when the other processes keep cores busy).
 *
 *   npx tsx bench/threads.ts [--reps=N] [--only=svd500,svd2000,gemm2000]   (also part of `npm run bench`)
 *
 * Configurations alternate run by run (one, two, default; then again), so every column sees the
 * same background; the competitor is started before and stopped after each block of its rows.
 * The machine is shared: the load average is printed beside the table; read the ratios.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src/backend/native/index.js';
import { cpuSample, defaultNativeThreads } from '../src/backend/native/threads.js';
import type { NativeBackend } from '../src/backend/native/backend.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/rng.js';
import { matmul } from '../src/linalg/matmul.js';
import { svd } from '../src/linalg/svd.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function gaussian(rows: number, cols: number, rng: Rng): Matrix {
  const a = Matrix.zeros(rows, cols);
  for (let i = 0; i < a.data.length; i++) a.data[i] = rng.normal();
  return a;
}

/** One row of the table: a kernel, with or without the competitor, median ms per thread setting. */
export interface ThreadsBenchRow {
  benchmark: string;
  competitor: boolean;
  oneMs: number;
  twoMs: number;
  /** The default's median and the thread count it chose (the last run's). */
  defaultMs: number;
  defaultThreads: number;
}

/** A busy-looping Node process (one core's worth of competition) until `stop`. */
function startCompetitor(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
}

async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Runs the table and prints it; returns the rows. */
export async function benchThreads(opts: { reps?: number; only?: string[] } = {}): Promise<ThreadsBenchRow[]> {
  console.log('\n# BLAS threads under load: median ms on 1 and 2 OpenBLAS threads and the default, without and with a competing busy process');
  const backend = selectBackend({ backend: 'auto' });
  if (backend.name !== 'native') {
    console.log(`# skipped: the native tier did not load (backend ${backend.name})`);
    return [];
  }
  const native = backend as NativeBackend;
  const before = native.threads;
  const reps = opts.reps ?? 5;
  const rng = new Rng(15);
  const cases: Array<{ key: string; name: string; run: () => void }> = [];
  const a500 = gaussian(500, 500, rng);
  const a2000 = gaussian(2000, 2000, rng);
  const b2000 = gaussian(2000, 2000, rng);
  cases.push({ key: 'svd500', name: 'exact SVD 500² float64', run: () => void svd(a500, { backend }) });
  cases.push({ key: 'gemm2000', name: 'GEMM 2000³ float64', run: () => void matmul(a2000, b2000, { backend }) });
  cases.push({ key: 'svd2000', name: 'exact SVD 2000² float64', run: () => void svd(a2000, { backend }) });
  const rows: ThreadsBenchRow[] = [];
  const w = [24, 10, 9, 9, 7, 17, 14];
  const line = (cols: Array<string | number>): string => cols.map((x, i) => (i === 0 ? String(x).padEnd(w[i]) : String(x).padStart(w[i]))).join(' | ');
  const printRow = (r: ThreadsBenchRow): void =>
    console.log(line([r.benchmark, r.competitor ? 'busy loop' : 'none', `${r.oneMs.toFixed(0)} ms`, `${r.twoMs.toFixed(0)} ms`, `${(r.twoMs / r.oneMs).toFixed(2)}×`, `${r.defaultMs.toFixed(0)} ms (${r.defaultThreads})`, loadavg().map((x) => x.toFixed(1)).join(' ')]));
  for (const competitor of [false, true]) {
    const busy = competitor ? startCompetitor() : null;
    try {
      if (busy) await settle(300);
      for (const c of cases) {
        if (opts.only && !opts.only.includes(c.key)) continue;
        const one: number[] = [];
        const two: number[] = [];
        const auto: number[] = [];
        let chosen = 0;
        const timed = (threads: number): number => {
          native.setThreads(threads);
          const t = performance.now();
          c.run();
          return performance.now() - t;
        };
        timed(1);
        for (let r = 0; r < reps; r++) {
          // The default's own window: 200 ms before the round, as the CLI's is its start-up.
          const since = cpuSample();
          await settle(200);
          chosen = defaultNativeThreads({ since });
          // The three settings in a rotating order, so none is always the one after the pause.
          const order = [() => one.push(timed(1)), () => two.push(timed(2)), () => auto.push(timed(chosen))];
          for (let j = 0; j < 3; j++) order[(r + j) % 3]();
        }
        const row: ThreadsBenchRow = { benchmark: c.name, competitor, oneMs: median(one), twoMs: median(two), defaultMs: median(auto), defaultThreads: chosen };
        rows.push(row);
        if (rows.length === 1) console.log(line(['benchmark', 'competitor', '1 thread', '2 threads', '2 ÷ 1', 'default (threads)', 'load average']));
        printRow(row);
      }
    } finally {
      busy?.kill();
    }
  }
  native.setThreads(before);
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const reps = process.argv.find((x) => x.startsWith('--reps='));
  const only = process.argv.find((x) => x.startsWith('--only='));
  await benchThreads({ reps: reps ? Number(reps.slice(7)) : undefined, only: only ? only.slice(7).split(',') : undefined });
}
