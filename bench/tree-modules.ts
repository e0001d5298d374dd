/**
 * What the cross-commit benches (bench/randomized-one-call.ts, bench/randomized-first-call.ts)
 * call from another checkout of lowrank: TREE is any commit's source tree with its native addon
 * built, and its own src/ modules are imported, so that commit's code runs as it was.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * TREE's `readNpy` and `randomizedSvd`, with its native tier selected at `threads` threads, and
 * `from(path)` to import any other module of TREE's (a file URL).
 *
 * @throws Error when TREE's native tier did not load: the comparison would not be like for like.
 */
export async function nativeTreeModules(tree: string, threads: number) {
  const from = (p: string): string => pathToFileURL(resolve(tree, p)).href;
  const { selectBackend } = await import(from('src/backend/native/index.ts'));
  const { readNpy } = await import(from('src/io/npy.ts'));
  const { randomizedSvd } = await import(from('src/linalg/randomized-svd.ts'));
  const backend = selectBackend({ backend: 'native', threads });
  if (backend.name !== 'native') throw new Error(`${tree}: the native tier did not load`);
  return { backend, readNpy, randomizedSvd, from };
}
