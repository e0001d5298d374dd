/**
 * The seed's training (100×50, rank 10, 500 Adam epochs, float32) timed in lowrank and in the
 * seed's own PyTorch program (bench/seed_pytorch.py, Debian's python3-torch), same process tree.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { seedMatrix } from '../src/methods/seed-data.js';
import { gradientFactorize } from '../src/methods/gradient.js';

/** One row of the demo benchmark. */
export interface DemoBenchRow {
  name: string;
  medianMs: number;
  /** Median over the runs of error / optimum − 1, when known. */
  gap?: number;
  note?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Python that has torch: Debian's (python3-torch) first, then whatever python3 is on PATH. */
export function pythonWith(module: string): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', `import ${module}`], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

/**
 * Times lowrank's gradient method on the seed problem (median of `repeats` after one warm-up)
 * and the seed's PyTorch program (median of `repeats`).
 */
export function benchDemo(opts: { n?: number; m?: number; rank?: number; epochs?: number; repeats?: number } = {}): DemoBenchRow[] {
  const n = opts.n ?? 100;
  const m = opts.m ?? 50;
  const rank = opts.rank ?? 10;
  const epochs = opts.epochs ?? 500;
  const repeats = opts.repeats ?? 5;
  const hidden = Math.min(20, n, m);
  const rows: DemoBenchRow[] = [];
  const times: number[] = [];
  for (let rep = -1; rep < repeats; rep++) {
    const a = seedMatrix(n, m, hidden, 0.1, Math.max(0, rep));
    const f = gradientFactorize(a, { rank, epochs, seed: Math.max(0, rep) });
    if (rep >= 0) times.push(f.timings.trainMs);
  }
  rows.push({ name: `lowrank gradient (adam, ${epochs} epochs, float32)`, medianMs: median(times) });
  const py = pythonWith('torch');
  if (!py) {
    rows.push({ name: 'pytorch (seed program)', medianMs: NaN, note: 'peer missing: install python3-torch' });
    return rows;
  }
  const script = fileURLToPath(new URL('./seed_pytorch.py', import.meta.url));
  const r = spawnSync(py, [script, String(n), String(m), String(hidden), String(rank), String(epochs), String(repeats)], { encoding: 'utf8' });
  if (r.status !== 0) {
    rows.push({ name: 'pytorch (seed program)', medianMs: NaN, note: `peer failed: ${r.stderr.trim().split('\n').pop()}` });
    return rows;
  }
  const j = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { median_s: number; torch: string; threads: number; runs: Array<{ gap: number }> };
  rows.push({
    name: `pytorch ${j.torch} (seed program, ${j.threads} thread${j.threads > 1 ? 's' : ''})`,
    medianMs: j.median_s * 1000,
    gap: median(j.runs.map((x) => x.gap)),
  });
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = benchDemo();
  for (const r of rows) console.log(`${r.name.padEnd(50)} ${r.medianMs.toFixed(1).padStart(8)} ms ${r.note ?? ''}`);
  if (rows.length === 2 && Number.isFinite(rows[1].medianMs)) console.log(`speed-up vs PyTorch: ${(rows[1].medianMs / rows[0].medianMs).toFixed(2)}×`);
}
