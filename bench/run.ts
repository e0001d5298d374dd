/**
 * `npm run bench`: every benchmark in one command, peers run in the same invocation, ratios
 * printed. The machine is noisy: medians of several runs, and the ratios matter, not the times.
 *
 * - first the native tier's table (bench/native.ts): GEMM, exact SVD, randomized SVD and the
 *   gradient method against numpy, scikit-learn and PyTorch (`--quick`: the short rows only);
 * - BLAS threads under load (bench/threads.ts): exact SVD 500², 2000² and GEMM 2000³ on one and two
 *   OpenBLAS threads and the default, without and with a competing busy process;
 * - the CLI's own overhead (bench/cli-overhead.ts): `lowrank factor` process time ÷ library time
 *   (read + factorize) and `lowrank --version` ÷ `node -e 0`;
 * - adaptive randomized passes against the fixed count, and `passes: 4` against
 *   torch.svd_lowrank (bench/randomized-adaptive.ts); the default against the default of commit
 *   1b0cfb4, a fixed 10 passes (bench/randomized-default-at.sh);
 * - then the TypeScript tier, the fallback without OpenBLAS (in a child process that does not load
 *   the addon, `--ts-tier`):
 * - GEMM 1024³ of the TypeScript tier (GFLOP/s), beside numpy's (python3) as the reference tier;
 * - the seed demo's training (100×50, rank 10, 500 Adam epochs) beside the seed's own PyTorch
 *   program (bench/seed_pytorch.py, Debian's python3-torch).
 * - the WebAssembly tier (bench/wasm.ts): GEMM vs tfjs-backend-wasm, float64/float32, 2 threads/1,
 *   the seed's training and demo process vs PyTorch, exact/randomized SVD vs numpy/scikit-learn;
 * - the playground measured in headless Chromium (bench/playground.ts): 500 Adam epochs of the
 *   seed problem and the exact SVD of a 512×512 image in the page, beside Node and numpy.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchDemo, pythonWith } from './demo.js';
import { benchGemm } from './gemm.js';
import { benchCliOverhead } from './cli-overhead.js';
import { benchThreads } from './threads.js';
import { benchRandomizedAdaptive } from './randomized-adaptive.js';
import { benchNative } from './native.js';
import { printPlaygroundBench } from './playground.js';
import { benchWasm } from './wasm.js';
import { jsBackend } from '../src/backend/js/index.js';
import { setBackend } from '../src/backend/select.js';

function line(cols: Array<string | number>, widths: number[]): string {
  return cols.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
}

async function main(): Promise<void> {
  if (!process.argv.includes('--ts-tier')) {
    await benchNative({ quick: process.argv.includes('--quick') });
    // BLAS threads under load: one and two threads with and without a competing busy process (bench/threads.ts).
    await benchThreads({ reps: process.argv.includes('--quick') ? 3 : undefined, only: process.argv.includes('--quick') ? ['svd500', 'gemm2000'] : undefined });
    // The CLI's own overhead: process time ÷ library time, --version ÷ an empty Node (bench/cli-overhead.ts).
    await benchCliOverhead({ reps: process.argv.includes('--quick') ? 3 : undefined });
    // Adaptive randomized passes vs the fixed count, and --passes 4 vs torch.svd_lowrank (bench/randomized-adaptive.ts).
    await benchRandomizedAdaptive({ repeats: process.argv.includes('--quick') ? 3 : 5 });
    // The adaptive default against the default of the day issue 15 was filed (fixed 10 passes,
    // commit 1b0cfb4), from a git worktree of that commit (bench/randomized-default-at.sh).
    const atCommit = spawnSync('bash', [fileURLToPath(new URL('./randomized-default-at.sh', import.meta.url)), '1b0cfb4', '2', process.argv.includes('--quick') ? '3' : '5'], { stdio: 'inherit' });
    if (atCommit.status !== 0) console.log('# randomized default at 1b0cfb4: not run (needs a git checkout with that commit, OpenBLAS and /usr/bin/python3)');
    // The TypeScript tier runs in a process of its own with the addon not loaded: OpenBLAS's
    // worker threads keep spinning after a call and would take the second core from it.
    const self = fileURLToPath(import.meta.url);
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--ts-tier'], { stdio: 'inherit', env: { ...process.env, LOWRANK_SKIP_NATIVE: '1' } });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
    return;
  }
  // What runs without OpenBLAS.
  setBackend(jsBackend);
  console.log('\n# TypeScript tier: GEMM, n×n×n, C = A·B');
  const ours = await benchGemm({ sizes: [1024], repeats: 3 });
  const py = pythonWith('numpy');
  let peer: Array<{ dtype: string; n: number; median_ms: number; gflops: number }> = [];
  let peerName = 'numpy: missing (install python3-numpy)';
  if (py) {
    const r = spawnSync(py, [fileURLToPath(new URL('./numpy_gemm.py', import.meta.url)), '1024'], { encoding: 'utf8' });
    if (r.status === 0) {
      const j = JSON.parse(r.stdout.trim().split('\n').pop() as string);
      peer = j.rows;
      peerName = `numpy ${j.numpy}`;
    } else peerName = `numpy failed: ${r.stderr.trim().split('\n').pop()}`;
  }
  const w = [28, 8, 6, 11, 9, 14];
  console.log(line(['tier', 'dtype', 'n', 'median ms', 'GFLOP/s', 'vs numpy'], w));
  for (const r of ours) {
    const p = peer.find((x) => x.dtype === r.dtype && x.n === r.n);
    console.log(line([r.name, r.dtype, r.n, r.medianMs.toFixed(1), r.gflops.toFixed(2), p ? `${(r.gflops / p.gflops).toFixed(3)}×` : '-'], w));
  }
  for (const p of peer) console.log(line([peerName, p.dtype, p.n, p.median_ms.toFixed(1), p.gflops.toFixed(2), '1.000×'], w));

  console.log('\n# TypeScript tier: seed demo training, 100×50, rank 10, 500 Adam epochs (median of 5)');
  const rows = benchDemo();
  const w2 = [52, 11, 12];
  console.log(line(['program', 'median ms', 'speed-up'], w2));
  const torch = rows.find((r) => r.name.startsWith('pytorch'));
  for (const r of rows) {
    const ratio = torch && Number.isFinite(torch.medianMs) ? `${(torch.medianMs / r.medianMs).toFixed(2)}×` : '-';
    console.log(line([r.name, Number.isFinite(r.medianMs) ? r.medianMs.toFixed(1) : 'n/a', ratio], w2) + (r.note ? `  ${r.note}` : ''));
  }

  // The WebAssembly tier against tfjs-wasm, PyTorch, numpy and scikit-learn (bench/wasm.ts).
  await benchWasm({ quick: process.argv.includes('--quick') });

  // The playground in a browser page (the page runs the browser tiers, never the addon).
  await printPlaygroundBench();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
