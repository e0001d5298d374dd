/**
 * What the build scripts share: their `--out DIR` / `--dev` arguments, and writing an output
 * folder so that a reader (a server, a test, a running CLI) sees the old folder or the new one,
 * never a mix: the files go to a temporary sibling, which is renamed into place when complete.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * The build arguments: `--out DIR` (default `defaultOut`), `--dev`.
 * @param {string} defaultOut
 * @returns {{ out: string, dev: boolean }}
 */
export function buildArgs(defaultOut) {
  const args = process.argv.slice(2);
  const outArg = args.indexOf('--out');
  return { out: resolve(outArg >= 0 ? args[outArg + 1] : defaultOut), dev: args.includes('--dev') };
}

/**
 * Runs `fill(tmp)` on an empty temporary sibling of `out`, then replaces `out` with it; on failure
 * removes the temporary folder, prints `label: message` and exits 1. Prints `label: wrote out`.
 * @param {string} out
 * @param {string} label
 * @param {(tmp: string) => Promise<void>} fill
 */
export async function writeFolderInPlace(out, label, fill) {
  const tmp = `${out}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
    await rm(out, { recursive: true, force: true });
    await mkdir(dirname(out), { recursive: true });
    await rename(tmp, out);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    console.error(`${label}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  console.log(`${label}: wrote ${out}`);
}
