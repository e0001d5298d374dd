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
import { nativeTreeModules } from './tree-modules.js';

const [treeArg, file, kArg, threadsArg, repsArg, optimumArg] = process.argv.slice(2);
if (!treeArg || !file || !kArg || !threadsArg || !repsArg) throw new Error('usage: randomized-one-call.ts TREE FILE.npy K THREADS REPS [OPTIMUM]');
const { readNpy, randomizedSvd, from } = await nativeTreeModules(treeArg, Number(threadsArg));
const { frobeniusErrorBlocked } = await import(from('src/linalg/error-estimators.ts'));
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
