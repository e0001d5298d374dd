/**
 * The randomized SVD as the first call of a process (cold JavaScript: interpreted until V8
 * optimizes each loop), as `lowrank factor` runs it: one `randomizedSvd(A, k)` on its defaults per
 * fresh `node` process, for each source tree given, the trees alternating round by round so that
 * all see the same machine load. Prints per tree the median wall time of that one call and, with
 * `--profile`, the median self time a CPU profile (100 µs samples) gives the JavaScript of the
 * randomized path's own files — svd-flip.ts, rng.ts, randomized-range.ts, rayleigh-ritz-gram.ts,
 * cholesky-qr.ts, randomized-svd.ts, block-krylov.ts (the last four call BLAS: their self time is
 * their loops plus whatever of the kernel wrappers V8 inlined into them). Compare a checkout of
 * an older commit (its native addon built, or `native/` linked to one) with today's tree.
 *
 *   npx tsx bench/randomized-first-call.ts [--rounds=7] [--threads=2] [--profile] FILE.npy K TREE [TREE…]
 *
 * The native tier is required (the BLAS time is the same on both sides; what differs is the
 * JavaScript around it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeTreeModules } from './tree-modules.js';

/** The files whose self time `--profile` reports. */
const FILES = ['svd-flip.ts', 'rng.ts', 'randomized-range.ts', 'rayleigh-ritz-gram.ts', 'cholesky-qr.ts', 'randomized-svd.ts', 'block-krylov.ts'];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (process.argv[2] === '--child') {
  // One process, one call: imports, read, then the first randomizedSvd timed.
  const [tree, file, k, threads] = process.argv.slice(3);
  const { backend, readNpy, randomizedSvd } = await nativeTreeModules(tree, Number(threads));
  const a = readNpy(readFileSync(file), file);
  const t = performance.now();
  const res = randomizedSvd(a, Number(k), { backend });
  const ms = performance.now() - t;
  console.log(JSON.stringify({ ms, passes: res.passes, s0: res.S[0] }));
} else {
  const args = process.argv.slice(2);
  const opt = (name: string, fallback: string): string => args.find((x) => x.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
  const rounds = Number(opt('rounds', '7'));
  const threads = opt('threads', '2');
  const profile = args.includes('--profile');
  const [file, k, ...trees] = args.filter((x) => !x.startsWith('--'));
  if (!file || !k || trees.length === 0) throw new Error('usage: randomized-first-call.ts [--rounds=7] [--threads=2] [--profile] FILE.npy K TREE [TREE…]');
  const self = fileURLToPath(import.meta.url);
  const times = trees.map(() => [] as number[]);
  const selfMs = trees.map(() => FILES.map(() => [] as number[]));
  const s0 = trees.map(() => NaN);
  const load0 = loadavg()[0];
  for (let r = 0; r < rounds; r++) {
    trees.forEach((tree, t) => {
      const dir = mkdtempSync(join(tmpdir(), 'lowrank-first-call-'));
      try {
        const flags = profile ? ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '100'] : [];
        const out = execFileSync(process.execPath, [...flags, '--import', 'tsx', self, '--child', tree, file, k, threads], { encoding: 'utf8' });
        const res = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { ms: number; s0: number };
        times[t].push(res.ms);
        if (r > 0 && res.s0 !== s0[t]) throw new Error(`${tree}: σ₁ differs between runs (${res.s0} vs ${s0[t]})`);
        s0[t] = res.s0;
        if (profile) FILES.forEach((f, i) => selfMs[t][i].push(profileSelfMs(dir, f)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  console.log(`# randomizedSvd(${file}, k = ${k}) as the first call of a process, native tier, ${threads} threads, ${rounds} alternating rounds; load ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
  const header = ['tree', 'first call ms (median)', 'σ₁', ...(profile ? FILES.map((f) => `${f} self ms`) : [])];
  console.log(header.join(' | '));
  trees.forEach((tree, t) => {
    const row = [tree, median(times[t]).toFixed(1), s0[t].toPrecision(17), ...(profile ? selfMs[t].map((xs) => median(xs).toFixed(1)) : [])];
    console.log(row.join(' | '));
  });
}

/** Self time (ms) of the JavaScript of source file `file` in the CPU profiles under `dir` (all threads). */
function profileSelfMs(dir: string, file: string): number {
  let us = 0;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.cpuprofile')) continue;
    const p = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { nodes: { id: number; callFrame: { url: string } }[]; samples: number[]; timeDeltas: number[] };
    const inFile = new Set(p.nodes.filter((n) => n.callFrame.url.endsWith(`/${file}`)).map((n) => n.id));
    // timeDeltas[i] is the time before sample i; the time after it is what sample i stands for.
    for (let i = 0; i + 1 < p.samples.length; i++) if (inFile.has(p.samples[i])) us += p.timeDeltas[i + 1];
  }
  return us / 1000;
}
