/**
 * How the command line reports a failure: exactly one line on stderr (names escaped, so a file
 * name holding a newline cannot forge a second line), exit 2 for input and usage errors, 1 for
 * runtime failures; and the memory budget that the size guard checks allocations against.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { CommanderError } from 'commander';
import { LowRankError, escapeName } from '../core/errors.js';
import { setMemoryBudget } from '../core/size-guard.js';

/** V8's messages for an allocation too large to make (mapped to a one-line memory failure, exit 1). */
const ALLOCATION_FAILURE = /^(Invalid typed array length|Array buffer allocation failed|Invalid array length|Invalid string length|Invalid array buffer length)/;

/**
 * Prints the one-line message of a failed run and returns its exit code: 0 for help/version, 2
 * for usage errors (commander already printed them) and input errors, 1 for runtime failures,
 * V8 allocation failures and unexpected errors. `verbose` adds the stack trace.
 *
 * @example
 * ```ts
 * process.exitCode = reportError(err, argv.includes('--verbose'));
 * ```
 */
export function reportError(err: unknown, verbose: boolean): number {
  if (err instanceof CommanderError) {
    // Help and version exit 0; commander already printed its one-line message for the rest.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2;
  }
  const e = err instanceof Error ? err : null;
  let line: string;
  let code: number;
  if (err instanceof LowRankError) {
    line = `lowrank: error: ${err.message}`;
    code = err.isInputError ? 2 : 1;
  } else if (e instanceof RangeError && ALLOCATION_FAILURE.test(e.message)) {
    line = `lowrank: error: out of memory (${e.message}): the data is too large for this machine`;
    code = 1;
  } else {
    line = `lowrank: unexpected error: ${e?.message ?? String(err)}`;
    code = 1;
  }
  process.stderr.write(`${escapeName(line)}\n`);
  if (verbose && e?.stack) process.stderr.write(e.stack + '\n');
  return code;
}

/**
 * Commander's own error messages (unknown option, missing argument …) as one line: it echoes
 * what the user typed, which may hold control characters.
 * @example
 * ```ts
 * commanderErrorLine("error: unknown option '--x\ny'\n"); // "error: unknown option '--x\\ny'\n"
 * ```
 */
export function commanderErrorLine(message: string): string {
  // Commander puts its own suggestion on a second line: keep it on the same one, then escape the
  // rest (a newline inside a name the user typed stays visible as \n).
  const joined = message.replace(/\n+$/, '').replace(/\n(\(Did you mean [^\n]*\?\))$/, ' $1');
  return `${escapeName(joined)}\n`;
}

/** Files holding a container's memory limit (cgroup v2, then v1); `max` or a huge number means none. */
const CGROUP_MEMORY_LIMITS = ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'];

/**
 * Sets the size guard's memory budget for this process: `LOWRANK_MAX_MEMORY` (bytes, or with a
 * K/M/G/T suffix, binary), else the machine's memory (or the container's limit, when lower), so
 * an input whose size cannot fit fails with one line before anything is allocated.
 *
 * @throws {@link LowRankError} `E_ARG` when `LOWRANK_MAX_MEMORY` is not a size.
 * @example
 * ```ts
 * setMemoryBudgetFromEnvironment({ LOWRANK_MAX_MEMORY: '8G' }); // Matrix.zeros(60000, 60000) now fails with E_MEMORY
 * ```
 */
export function setMemoryBudgetFromEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const text = env.LOWRANK_MAX_MEMORY;
  if (text === undefined || text === '') {
    const total = totalmem();
    const limit = containerMemoryLimit();
    if (limit !== null && limit < total) setMemoryBudget(limit, "this container's memory limit");
    else setMemoryBudget(total, "this machine's memory");
    return;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  const bytes = m ? Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase()) : NaN;
  if (!(bytes > 0)) throw new LowRankError('E_ARG', `LOWRANK_MAX_MEMORY must be a size such as 8G or 500M, got '${escapeName(text)}'`);
  setMemoryBudget(bytes, 'LOWRANK_MAX_MEMORY');
}

/** The container's memory limit in bytes, or null when there is none (or it cannot be read). */
function containerMemoryLimit(): number | null {
  for (const path of CGROUP_MEMORY_LIMITS) {
    try {
      const bytes = Number(readFileSync(path, 'utf8').trim());
      // "max", or v1's "unlimited" (a number near 2^63)
      if (Number.isFinite(bytes) && bytes > 0 && bytes < 2 ** 60) return bytes;
      return null;
    } catch {
      // not this cgroup version
    }
  }
  return null;
}
