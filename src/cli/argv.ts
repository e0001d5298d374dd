/**
 * What the CLI reads off its arguments before commander and the commands load: where the command
 * name is, and whether the run is a bare `--version`. Kept apart from commands.ts (whose table
 * names every command module) so that the start-up entry (main.ts) stays small.
 *
 * @module
 */

/** Global options that take a value as the next argument (so that value is not the command name). */
export const GLOBAL_VALUE_OPTIONS: ReadonlySet<string> = new Set(['--backend', '--threads']);

/**
 * Index in `argv` of the command name: the first argument that is neither an option nor the value
 * of a global option taking one (`--backend native factor …`); -1 when there is none (or only
 * after `--`).
 */
export function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (GLOBAL_VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** Whether `argv` asks for the version alone (`--version`/`-V`, no command, no `--help`/`-h`). */
export function versionOnly(argv: readonly string[]): boolean {
  if (commandIndex(argv) >= 0 || argv.some((a) => a === '--help' || a === '-h')) return false;
  return argv.some((a) => a === '--version' || a === '-V');
}
