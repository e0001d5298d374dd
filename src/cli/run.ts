/**
 * The command line past start-up (see main.ts): defines the program with the commands `argv` needs
 * (src/cli/commands.ts), selects the kernel tier before the action and runs it. Imported by main.ts
 * once the run is more than a bare `--version`; scripts/build-cli.mjs bundles it as the CLI's
 * second file, so `lowrank --version` compiles none of it.
 *
 * @module
 */
import { commandsFor } from './commands.js';
import { packageVersion } from './version.js';

export { reportError } from './failure.js';

/**
 * Runs the lowrank command line (after main.ts's start-up). Exit codes: 0 success; 2 usage or
 * input errors (one line on stderr naming the problem); 1 runtime failures (divergence, memory
 * guard, unexpected errors).
 */
export async function run(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const commands = commandsFor(argv);
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
