/**
 * One process, one case: `randomizedSvd(A, k)` on its defaults from the source tree TREE, timed
 * (a warm-up call, then the median of REPS calls), with its error ÷ the optimum when given.
 * Used by bench/randomized-default-at.sh to compare the default of an older commit with today's
 * in alternating processes; TREE may be any checkout of lowrank with its native addon built.
 *
 *   npx tsx bench/randomized-one-call.ts TREE FILE.npy K THREADS REPS [OPTIMUM]
 *
 * Prints one JSON line: { ms, passes, errRatio }.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [treeArg, file, kArg, threadsArg, repsArg, optimumArg] = process.argv.slice(2);
if (!treeArg || !file || !kArg || !threadsArg || !repsArg) throw new Error('usage: randomized-one-call.ts TREE FILE.npy K THREADS REPS [OPTIMUM]');
const from = (p: string): string => pathToFileURL(resolve(treeArg, p)).href;
const { selectBackend } = await import(from('src/backend/native/index.ts'));
const { readNpy } = await import(from('src/io/npy.ts'));
const { randomizedSvd } = await import(from('src/linalg/randomized-svd.ts'));
const { frobeniusErrorBlocked } = await import(from('src/linalg/error-estimators.ts'));
const backend = selectBackend({ backend: 'native', threads: Number(threadsArg) });
if (backend.name !== 'native') throw new Error(`${treeArg}: the native tier did not load`);
const a = readNpy(readFileSync(file), file);
const k = Number(kArg);
const times: number[] = [];
let res = randomizedSvd(a, k, { seed: 1 });
for (let r = 0; r < Number(repsArg); r++) {
  const t = performance.now();
  res = randomizedSvd(a, k, { seed: 1 });
  times.push(performance.now() - t);
}
times.sort((x, y) => x - y);
const us = res.U.clone();
for (let i = 0; i < us.rows; i++) for (let j = 0; j < k; j++) us.data[i * k + j] *= res.S[j];
const optimum = optimumArg ? Number(optimumArg) : NaN;
const errRatio = frobeniusErrorBlocked(a, us, res.Vt) / optimum;
console.log(JSON.stringify({ ms: times[Math.floor(times.length / 2)], passes: res.passes ?? null, errRatio }));
