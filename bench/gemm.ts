/**
 * GEMM throughput of the plain TypeScript tier on n×n×n products.
 *
 * Run directly: `npx tsx bench/gemm.ts [n …]` prints a table of median time and GFLOP/s
 * (2n³ / time). Keep runs short on shared machines: the default is one size, three repeats.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsBackend } from '../src/backend/js/index.js';
import type { Backend } from '../src/backend/backend.js';
import { allocFloat, type DType, type FloatArray } from '../src/core/matrix.js';
import { Rng } from '../src/core/rng.js';

/** One measured configuration. */
export interface GemmBenchResult {
  /** What ran, e.g. `js gemm`. */
  name: string;
  dtype: string;
  /** m = n = k. */
  n: number;
  /** Median wall time of one product, in milliseconds. */
  medianMs: number;
  /** 2n³ / median time, in 10⁹ floating-point operations per second. */
  gflops: number;
}

/** Options of {@link benchGemm}. */
export interface GemmBenchOptions {
  /** Square sizes n (default [1024]). */
  sizes?: number[];
  /** Element types (default float64 then float32). */
  dtypes?: DType[];
  /** Timed runs per configuration after one warm-up run (default 3). */
  repeats?: number;
}

function randomBuffer(dtype: DType, length: number, rng: Rng): FloatArray {
  const out = allocFloat(dtype, length);
  for (let i = 0; i < length; i++) out[i] = 2 * rng.uniform() - 1;
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Measures the js backend's `gemm` (C = A·B, beta = 0) on n×n×n products: one warm-up run
 * (JIT compilation, scratch allocation), then the median of `repeats` timed runs.
 */
export async function benchGemm(opts: GemmBenchOptions = {}): Promise<GemmBenchResult[]> {
  const sizes = opts.sizes ?? [1024];
  const dtypes = opts.dtypes ?? ['float64', 'float32'];
  const repeats = Math.max(1, opts.repeats ?? 3);
  const backend: Backend = jsBackend;
  const results: GemmBenchResult[] = [];
  const rng = new Rng(1);
  for (const dtype of dtypes) {
    for (const n of sizes) {
      const a = randomBuffer(dtype, n * n, rng);
      const b = randomBuffer(dtype, n * n, rng);
      const c = allocFloat(dtype, n * n);
      const run = (): void =>
        backend.gemm({ transA: false, transB: false, m: n, n, k: n, alpha: 1, a, lda: n, b, ldb: n, beta: 0, c, ldc: n });
      run();
      const times: number[] = [];
      for (let r = 0; r < repeats; r++) {
        // Let pending I/O (e.g. a progress reporter) run between timed products.
        await new Promise<void>((done) => setImmediate(done));
        const t0 = performance.now();
        run();
        times.push(performance.now() - t0);
      }
      const medianMs = median(times);
      results.push({ name: `${backend.name} gemm`, dtype, n, medianMs, gflops: (2 * n ** 3) / (medianMs * 1e6) });
    }
  }
  return results;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const sizes = process.argv.slice(2).map(Number).filter((x) => Number.isInteger(x) && x > 0);
  const rows = await benchGemm(sizes.length > 0 ? { sizes } : {});
  console.log('backend   dtype     n      median ms  GFLOP/s');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(9)} ${r.dtype.padEnd(9)} ${String(r.n).padStart(5)}  ${r.medianMs.toFixed(1).padStart(9)}  ${r.gflops.toFixed(2).padStart(7)}`,
    );
  }
}
