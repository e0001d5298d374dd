/**
 * The WebAssembly SIMD128 tier against its peers, side by side in one run (issue 10's must-show
 * ratios). The machine is shared and loaded: every figure is a median of several runs, peers run
 * interleaved or right after ours, and the ratios matter, not the times.
 *
 * 1. GEMM 1024³ float32, one thread, against tfjs-backend-wasm (XNNPACK, `setThreadsCount(1)`),
 *    interleaved call by call in this process; float64 against our float32; two threads against
 *    one.
 * 2. The seed's training (100×50, rank 10, 500 Adam epochs, float32) on the wasm tier against the
 *    seed's PyTorch program (bench/seed_pytorch.py); the whole `LOWRANK_BACKEND=wasm lowrank demo`
 *    process against the whole seed program's process (python3 start, torch import, one training).
 * 3. Exact SVD 500×500 float64 against numpy.linalg.svd; randomized SVD of a 2000×2000
 *    rank-100 + 0.1·noise matrix at k = 50 against scikit-learn's randomized_svd.
 *
 * Run: `npx tsx bench/wasm.ts` (also part of `npm run bench`; `--svd`: part 3 only, `--quick`: fewer repeats). Needs Debian's python3 with numpy,
 * torch and scikit-learn for the peers; a missing peer prints a note instead of a ratio.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { setBackend } from '../src/backend/select.js';
import type { GemmArgs } from '../src/backend/backend.js';
import { createWasm } from '../src/backend/wasm/index.js';
import { compileOptimized, loadWasmNode } from '../src/backend/wasm/node.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/rng.js';
import { svd } from '../src/linalg/svd.js';
import { randomizedSvd } from '../src/linalg/randomized-svd.js';
import { benchDemo, pythonWith } from './demo.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function line(cols: Array<string | number>, widths: number[]): string {
  return cols.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
}

const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

/** Runs a python snippet that prints one JSON line; null (with the reason printed) on failure. */
function python<T>(module: string, code: string): T | null {
  const py = pythonWith(module);
  if (!py) {
    console.log(`# peer missing: python3 with ${module}`);
    return null;
  }
  const r = spawnSync(py, ['-c', code], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.log(`# peer failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as T;
}

/** GEMM: ours (1 and 2 threads, f32 and f64) and tfjs-wasm f32 one thread, interleaved. */
async function benchGemmPeers(reps: number): Promise<void> {
  const N = 1024;
  const wasm = loadWasmNode(2).backend;
  // One thread as a one-thread tier runs it: the plain (non-shared) memory module.
  const single = createWasm({ spawner: null, compile: compileOptimized, threads: 1 }).backend;
  if (!wasm || !single) throw new Error('the wasm tier did not load');
  setWasmPaths(join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const rng = new Rng(7);
  const a32 = new Float32Array(N * N).map(() => rng.uniform() - 0.5);
  const b32 = new Float32Array(N * N).map(() => rng.uniform() - 0.5);
  const a64 = Float64Array.from(a32);
  const b64 = Float64Array.from(b32);
  const ta = tf.tensor2d(a32, [N, N]);
  const tb = tf.tensor2d(b32, [N, N]);
  const args = (a: Float32Array | Float64Array, b: Float32Array | Float64Array): GemmArgs => ({
    transA: false, transB: false, m: N, n: N, k: N, alpha: 1, a, lda: N, b, ldb: N, beta: 0,
    c: a instanceof Float64Array ? new Float64Array(N * N) : new Float32Array(N * N), ldc: N,
  });
  const g32 = args(a32, b32);
  const g64 = args(a64, b64);
  const runTf = (): void => {
    const c = tf.matMul(ta, tb);
    c.dataSync();
    c.dispose();
  };
  const t = { tf: [] as number[], f32: [] as number[], f64: [] as number[], f32s: [] as number[], f32x2: [] as number[] };
  for (let r = -1; r < reps; r++) {
    const x = { tf: time(runTf), f32: time(() => single.gemm(g32)), f64: time(() => single.gemm(g64)) };
    wasm.setThreads(1);
    const s1 = time(() => wasm.gemm(g32));
    wasm.setThreads(2);
    const y = time(() => wasm.gemm(g32));
    if (r < 0) continue; // warm-up
    t.tf.push(x.tf);
    t.f32.push(x.f32);
    t.f64.push(x.f64);
    t.f32s.push(s1);
    t.f32x2.push(y);
  }
  ta.dispose();
  tb.dispose();
  const gf = (ms: number): number => (2 * N ** 3) / ms / 1e6;
  const m = { tf: median(t.tf), f32: median(t.f32), f64: median(t.f64), f32s: median(t.f32s), f32x2: median(t.f32x2) };
  console.log(`\n# wasm tier: GEMM ${N}³, C = A·B (median of ${reps}, interleaved call by call; machine shared with other load)`);
  const w = [44, 10, 9, 10];
  console.log(line(['kernel', 'median ms', 'GFLOP/s', 'ratio'], w));
  console.log(line(['tfjs-backend-wasm (XNNPACK) f32, 1 thread', m.tf.toFixed(1), gf(m.tf).toFixed(1), '1.00×'], w));
  const r1 = m.tf / m.f32;
  const r64 = m.f32 / m.f64;
  const r2 = m.f32s / m.f32x2;
  const rs = m.f32 / m.f32s;
  console.log(line(['lowrank wasm f32, 1 thread', m.f32.toFixed(1), gf(m.f32).toFixed(1), `${r1.toFixed(2)}×`], w) + `  vs tfjs-wasm (goal ≥ 1.0×: ${verdict(r1 >= 1)})`);
  console.log(line(['lowrank wasm f64, 1 thread', m.f64.toFixed(1), gf(m.f64).toFixed(1), `${r64.toFixed(2)}×`], w) + `  vs our f32 (goal ≥ 0.45×: ${verdict(r64 >= 0.45)})`);
  console.log(line(['lowrank wasm f32, 1 thread, shared memory', m.f32s.toFixed(1), gf(m.f32s).toFixed(1), `${rs.toFixed(2)}×`], w) + '  vs the plain-memory module (the threaded build, one thread)');
  console.log(line(['lowrank wasm f32, 2 threads, shared memory', m.f32x2.toFixed(1), gf(m.f32x2).toFixed(1), `${r2.toFixed(2)}×`], w) + `  vs 1 thread on shared memory (goal ≥ 1.7×: ${verdict(r2 >= 1.7)}); ${(m.f32 / m.f32x2).toFixed(2)}× vs the plain one-thread module`);
}

/** The seed's training on the wasm tier vs the seed's PyTorch program; the demo process vs the seed's process. */
function benchSeed(reps: number): void {
  const wasm = loadWasmNode().backend;
  if (!wasm) throw new Error('the wasm tier did not load');
  setBackend(wasm);
  const rows = benchDemo({ repeats: reps });
  console.log(`\n# wasm tier: the seed's training, 100×50, rank 10, 500 Adam epochs, float32 (median of ${reps})`);
  const w = [52, 10, 9];
  console.log(line(['program', 'median ms', 'speed-up'], w));
  const torch = rows.find((r) => r.name.startsWith('pytorch'));
  for (const r of rows) {
    const ratio = torch && Number.isFinite(torch.medianMs) ? torch.medianMs / r.medianMs : NaN;
    const goal = r === rows[0] && Number.isFinite(ratio) ? `  (goal ≥ 5×: ${verdict(ratio >= 5)})` : '';
    console.log(line([r.name, Number.isFinite(r.medianMs) ? r.medianMs.toFixed(1) : 'n/a', Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '-'], w) + goal + (r.note ? `  ${r.note}` : ''));
  }

  // Whole processes: start, load, train, report, exit.
  const cli = join(ROOT, 'dist/cli/main.js');
  const py = pythonWith('torch');
  if (!existsSync(cli) || !py) {
    console.log(`# demo process comparison skipped: ${existsSync(cli) ? 'python3 with torch missing' : 'dist/cli/main.js missing (npm run build)'}`);
    return;
  }
  const seed = join(ROOT, 'bench/seed_pytorch.py');
  const ours: number[] = [];
  const theirs: number[] = [];
  const out = mkdtempSync(join(tmpdir(), 'lowrank-wasm-bench-'));
  let failed = '';
  for (let r = 0; r < reps && !failed; r++) {
    const o = time(() => {
      const p = spawnSync(process.execPath, [cli, 'demo', '--out', join(out, `demo${r}`)], { env: { ...process.env, LOWRANK_BACKEND: 'wasm' }, encoding: 'utf8' });
      if (p.status !== 0) failed = `LOWRANK_BACKEND=wasm lowrank demo exited ${p.status}: ${p.stderr.trim().split('\n').pop()}`;
    });
    const s = time(() => {
      const p = spawnSync(py, [seed, '100', '50', '20', '10', '500', '1'], { encoding: 'utf8' });
      if (p.status !== 0) failed = `the seed program exited ${p.status}: ${p.stderr.trim().split('\n').pop()}`;
    });
    ours.push(o);
    theirs.push(s);
  }
  rmSync(out, { recursive: true, force: true });
  if (failed) {
    console.log(`# demo process comparison failed: ${failed}`);
    return;
  }
  const ratio = median(ours) / median(theirs);
  console.log(line(['LOWRANK_BACKEND=wasm lowrank demo (process)', median(ours).toFixed(0), `${ratio.toFixed(2)}×`], w) + `  of the seed program's process time (goal ≤ 0.5×: ${verdict(ratio <= 0.5)})`);
  console.log(line(['seed PyTorch program (process, one training)', median(theirs).toFixed(0), '1.00×'], w));
}

/** Exact SVD 500² and randomized SVD 2000² k = 50 on the wasm tier vs numpy and scikit-learn. */
function benchSvd(reps: number): void {
  const wasm = loadWasmNode().backend;
  if (!wasm) throw new Error('the wasm tier did not load');
  const rng = new Rng(11);
  const n = 500;
  const a = new Matrix(n, n, new Float64Array(n * n).map(() => rng.normal()));
  const ours: number[] = [];
  for (let r = -1; r < reps; r++) {
    const ms = time(() => svd(a, { backend: wasm }));
    if (r >= 0) ours.push(ms);
  }
  const np = python<{ ms: number; numpy: string }>('numpy', `
import json, time, numpy as np
a = np.random.default_rng(11).standard_normal((${n}, ${n}))
np.linalg.svd(a, full_matrices=False)
ts = []
for _ in range(${reps}):
    t = time.perf_counter(); np.linalg.svd(a, full_matrices=False); ts.append((time.perf_counter() - t) * 1e3)
print(json.dumps({"ms": sorted(ts)[len(ts) // 2], "numpy": np.__version__}))`);
  console.log(`\n# wasm tier: exact and randomized SVD, float64 (median of ${reps})`);
  const w = [52, 10, 9];
  console.log(line(['problem / program', 'median ms', 'ratio'], w));
  if (np) {
    const ratio = median(ours) / np.ms;
    console.log(line([`svd 500×500, lowrank wasm`, median(ours).toFixed(1), `${ratio.toFixed(2)}×`], w) + `  of numpy's time (goal ≤ 3×: ${verdict(ratio <= 3)})`);
    console.log(line([`svd 500×500, numpy ${np.numpy} (LAPACK gesdd)`, np.ms.toFixed(1), '1.00×'], w));
  }

  // 2000×2000: rank-100 signal G₁G₂ (standard normal) + 0.1·N(0, 1) noise, k = 50 (bench/randomized_peers.py's case a; our own draw).
  const N = 2000;
  const g1 = new Float64Array(N * 100).map(() => rng.normal());
  const g2 = new Float64Array(100 * N).map(() => rng.normal());
  const big = new Float64Array(N * N).map(() => 0.1 * rng.normal());
  wasm.gemm({ transA: false, transB: false, m: N, n: N, k: 100, alpha: 1, a: g1, lda: 100, b: g2, ldb: N, beta: 1, c: big, ldc: N });
  const A = new Matrix(N, N, big);
  const rs: number[] = [];
  for (let r = -1; r < reps; r++) {
    const ms = time(() => randomizedSvd(A, 50, { backend: wasm, seed: r + 1 }));
    if (r >= 0) rs.push(ms);
  }
  const sk = python<{ ms: number; sklearn: string }>('sklearn', `
import json, time, numpy as np, sklearn
from sklearn.utils.extmath import randomized_svd
rng = np.random.default_rng(20110217)
a = rng.standard_normal((${N}, 100)) @ rng.standard_normal((100, ${N})) + 0.1 * rng.standard_normal((${N}, ${N}))
randomized_svd(a, 50, random_state=0)
ts = []
for i in range(${reps}):
    t = time.perf_counter(); randomized_svd(a, 50, random_state=i); ts.append((time.perf_counter() - t) * 1e3)
print(json.dumps({"ms": sorted(ts)[len(ts) // 2], "sklearn": sklearn.__version__}))`);
  if (sk) {
    const ratio = median(rs) / sk.ms;
    console.log(line([`randomized svd 2000² k=50, lowrank wasm`, median(rs).toFixed(1), `${ratio.toFixed(2)}×`], w) + `  of scikit-learn's time (goal ≤ 3×: ${verdict(ratio <= 3)})`);
    console.log(line([`randomized_svd, scikit-learn ${sk.sklearn}`, sk.ms.toFixed(1), '1.00×'], w));
  }
}

/** Every wasm-tier comparison; `quick` uses fewer repeats. */
export async function benchWasm(opts: { quick?: boolean; svdOnly?: boolean } = {}): Promise<void> {
  const reps = opts.quick ? 3 : 7;
  if (opts.svdOnly) return benchSvd(opts.quick ? 3 : 5);
  await benchGemmPeers(reps);
  benchSeed(opts.quick ? 3 : 5);
  benchSvd(opts.quick ? 3 : 5);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await benchWasm({ quick: process.argv.includes('--quick'), svdOnly: process.argv.includes('--svd') });
}
