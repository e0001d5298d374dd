#!/usr/bin/env node
// First: starts the window over which the default thread count measures the other processes' load.
import '../backend/native/threads.js';
import { commandIndex, versionOnly } from './argv.js';
import { prefetchCommandInput } from './prefetch.js';
import { packageVersion } from './version.js';

/**
 * Runs the lowrank command line. Exit codes: 0 success; 2 usage or input errors (one line on
 * stderr naming the problem); 1 runtime failures (divergence, memory guard, unexpected errors).
 *
 * This entry stays small: a bare `--version` is answered here, as commander would, before anything
 * else loads; every other run starts reading its input (prefetch.ts) and imports the rest (run.ts).
 */
export async function main(argv: string[]): Promise<number> {
  if (versionOnly(argv)) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  // The input file is read on the thread pool while the modules below load.
  prefetchCommandInput(argv, commandIndex(argv));
  const { run } = await import('./run.js');
  return run(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    const { reportError } = await import('./run.js');
    process.exitCode = reportError(err, process.argv.includes('--verbose'));
  },
);
