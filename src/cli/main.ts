#!/usr/bin/env node
// First: starts the window over which the default thread count measures the other processes' load.
import '../backend/native/threads.js';
import { commandIndex, commandsFor } from './commands.js';
import { prefetchCommandInput } from './prefetch.js';
import { packageVersion } from './version.js';

/**
 * Runs the lowrank command line. Exit codes: 0 success; 2 usage or input errors (one line on
 * stderr naming the problem); 1 runtime failures (divergence, memory guard, unexpected errors).
 */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const commands = commandsFor(argv);
  // The input file is read on the thread pool while the modules below load.
  prefetchCommandInput(argv, commandIndex(argv));
  // A bare --version needs no other module: answered as commander would, before anything loads.
  if (commands.length === 0) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const [{ Command }, { commanderErrorLine, reportError, setMemoryBudgetFromEnvironment }, { AUTO_TIER_ORDER, BACKEND_CHOICES }, { intOption }] = await Promise.all([
    import('commander'),
    import('./failure.js'),
    import('../backend/select.js'),
    import('./options.js'),
  ]);
  const program = new Command();
  program
    .name('lowrank')
    .description('low-rank matrix approximation and compression')
    .version(packageVersion())
    .option('--verbose', 'print stack traces on errors')
    .option('--backend <tier>', `kernel tier: ${BACKEND_CHOICES.join(', ')} (auto: the first of ${AUTO_TIER_ORDER.join(', ')} that loads; default: LOWRANK_BACKEND, else auto)`)
    .option('--threads <n>', 'threads of the native or wasm tier\'s large kernels (default: LOWRANK_THREADS; else native: OPENBLAS_NUM_THREADS, else one per core that other processes do not keep busy at start-up; wasm: one per core)', intOption('--threads', 1))
    .hook('preAction', async () => {
      // Imported here: the native loader is not needed for --version or --help.
      const { selectBackend } = await import('../backend/native/index.js');
      const { backend, threads } = program.opts<{ backend?: string; threads?: number }>();
      selectBackend({ backend, threads, source: '--backend' });
    })
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(commanderErrorLine(s)) });
  try {
    const registers = await Promise.all(commands.map(([, load]) => load()));
    for (const register of registers) register(program);
    for (const cmd of program.commands) {
      cmd.exitOverride();
      cmd.option('--verbose', 'print stack traces on errors');
    }
    setMemoryBudgetFromEnvironment();
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err, verbose);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    const { reportError } = await import('./failure.js');
    process.exitCode = reportError(err, process.argv.includes('--verbose'));
  },
);
