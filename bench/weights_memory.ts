/**
 * Memory bench of `lowrank weights`: a weight file far larger than the memory the run may use is
 * read tensor by tensor and written incrementally, so peak RSS stays near the largest tensor's
 * working set.
 *
 * 1. Writes /tmp/lowrank-weights-memory/big.safetensors: 64 float32 tensors of 8192×1024
 *    (32 MiB each, 2 GiB in all; deterministic values, written one tensor at a time).
 * 2. Runs `lowrank weights big.safetensors --rank 32 --include 'layers\.(0|1)\.' --out
 *    small.safetensors` (two tensors factored by exact SVD, the other 62 streamed through)
 *    under `/usr/bin/time -v` and prints the peak resident set size against the 1 GiB goal.
 *
 * Usage: npx tsx bench/weights_memory.ts [--keep]   (the 4 GiB of files are removed unless --keep)
 * Nothing here is committed data: the file is generated in /tmp each run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

import { Rng } from '../src/core/rng.js';
import { encodeFloats } from '../src/io/safetensors.js';
import { AtomicOutput, SafetensorsStreamWriter } from '../src/io/weights-writer.js';

const DIR = '/tmp/lowrank-weights-memory';
const ROWS = 8192;
const COLS = 1024;
const COUNT = 64;
const GOAL_BYTES = 1024 ** 3;

async function generate(path: string): Promise<void> {
  const specs = Array.from({ length: COUNT }, (_, i) => ({ name: `layers.${i}.weight`, dtype: 'F32' as const, shape: [ROWS, COLS] }));
  const out = await AtomicOutput.create(path, 'file');
  const w = await SafetensorsStreamWriter.start(out, 'big.safetensors', specs, { format: 'pt' });
  const rng = new Rng(1);
  const row = new Float32Array(COLS);
  for (let i = 0; i < row.length; i++) row[i] = rng.normal();
  for (const s of specs) {
    // A cheap structured matrix: each row is the base row scaled and shifted (low rank plus a ramp).
    const data = new Float32Array(ROWS * COLS);
    for (let r = 0; r < ROWS; r++) {
      const a = rng.normal();
      const b = rng.uniform();
      for (let c = 0; c < COLS; c++) data[r * COLS + c] = a * row[c] + b * ((c * 7919 + r) % 13) / 13;
    }
    await w.append(s.name, encodeFloats(data, 'F32'));
  }
  w.finish();
  await out.commit();
}

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  mkdirSync(DIR, { recursive: true });
  const big = join(DIR, 'big.safetensors');
  const small = join(DIR, 'small.safetensors');
  const t0 = Date.now();
  await generate(big);
  console.log(`generated ${big}: ${(statSync(big).size / 1024 ** 3).toFixed(2)} GiB in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const cli = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  const tsx = fileURLToPath(import.meta.resolve('tsx'));
  const args = ['-v', process.execPath, '--import', tsx, cli, 'weights', big, '--rank', '32', '--include', 'layers\\.(0|1)\\.', '--out', small];
  const t1 = Date.now();
  const r = spawnSync('/usr/bin/time', args, { encoding: 'utf8' });
  const secs = (Date.now() - t1) / 1000;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  console.log(r.stdout.split('\n').filter((l) => /^layers\.(0|1|2)\.|Compressed|All parameters|Wrote/.test(l)).join('\n'));
  if (r.status !== 0 || !rss) {
    console.log(`lowrank failed (${r.status}): ${r.stderr.slice(-2000)}`);
    process.exitCode = 1;
  } else {
    const peak = Number(rss[1]) * 1024;
    console.log(`input ${(statSync(big).size / 1024 ** 3).toFixed(2)} GiB, output ${(statSync(small).size / 1024 ** 3).toFixed(2)} GiB, ${secs.toFixed(0)} s (shared machine: noisy)`);
    console.log(`peak RSS ${(peak / 1024 ** 2).toFixed(0)} MiB (/usr/bin/time -v) — goal ≤ ${GOAL_BYTES / 1024 ** 2} MiB: ${peak <= GOAL_BYTES ? 'met' : 'NOT met'}`);
  }
  if (!keep) rmSync(DIR, { recursive: true, force: true });
}

await main();
