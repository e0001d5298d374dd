import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { ADAPTIVE_OVERSAMPLE, AUTO_POWER_ITERS, DEFAULT_KRYLOV_OVERSAMPLE, DEFAULT_OVERSAMPLE, DEFAULT_TOL_RITZ, KRYLOV_FEW_ITERS } from '../linalg/randomized-svd-defaults.js';
import { DEFAULT_LEARNING_RATE } from '../methods/gradient-defaults.js';

/** Parses an integer flag value; `E_ARG` naming the flag otherwise. */
export function intOption(flag: string, min = -Infinity): (value: string) => number {
  return (value: string) => {
    const x = Number(value);
    if (value.trim() === '' || !Number.isInteger(x) || x < min) {
      throw new LowRankError('E_ARG', `${flag} must be an integer${min > -Infinity ? ` ≥ ${min}` : ''}, got '${value}'`);
    }
    return x;
  };
}

/** Parses a finite number flag value; `E_ARG` naming the flag otherwise. */
export function numberOption(flag: string): (value: string) => number {
  return (value: string) => {
    const x = Number(value);
    if (value.trim() === '' || !Number.isFinite(x)) {
      throw new LowRankError('E_ARG', `${flag} must be a finite number, got '${value}'`);
    }
    return x;
  };
}

/** Parses a flag value that must be one of `choices`. */
export function choiceOption<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new LowRankError('E_ARG', `${flag} must be one of ${choices.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
}

/**
 * Flags that only mean something in one situation: `flags` (attribute names as commander
 * stores them, e.g. `lossTol` for `--loss-tol`) apply only when `applies` is true; `context`
 * says when that is (e.g. `--method gradient`), for the message.
 */
export interface FlagScope {
  flags: readonly string[];
  applies: boolean;
  context: string;
}

/** Whether the user gave `name` (on the command line or through its environment variable), not its default. */
export function flagGiven(cmd: Command, name: string): boolean {
  const source = cmd.getOptionValueSource(name);
  return source === 'cli' || source === 'env';
}

/** The flag as the user typed it: `--loss-tol` for `lossTol`, `--no-krylov` when the negation was given. */
export function flagLabel(cmd: Command, name: string): string {
  const options = cmd.options.filter((o) => o.attributeName() === name);
  const value = cmd.getOptionValue(name);
  const chosen = options.find((o) => (o.negate ? value === false : value !== false)) ?? options[0];
  return chosen?.long ?? `--${name}`;
}

/**
 * The one check every command runs on its flags: a flag given where it does not apply is an
 * error naming it, never silently ignored (`--epochs` with `--method svd`, `--png` with ratings).
 *
 * @throws {@link LowRankError} `E_ARG`: "--epochs applies only to --method gradient".
 * @example
 * ```ts
 * rejectInapplicableFlags(cmd, [{ flags: ['epochs', 'lr'], applies: method === 'gradient', context: '--method gradient' }]);
 * ```
 */
export function rejectInapplicableFlags(cmd: Command, scopes: readonly FlagScope[]): void {
  for (const scope of scopes) {
    if (scope.applies) continue;
    for (const name of scope.flags) {
      if (flagGiven(cmd, name)) throw new LowRankError('E_ARG', `${flagLabel(cmd, name)} applies only to ${scope.context}`);
    }
  }
}

/**
 * The defaults as `--help` states them, written from the library's constants (one source per
 * default; test/api/defaults-help.test.ts compares the printed help with the constants).
 */
export const DEFAULTS_HELP = {
  oversample: `default ${DEFAULT_KRYLOV_OVERSAMPLE} for block Krylov, ${DEFAULT_OVERSAMPLE} for subspace iteration and for block Krylov with q ≤ ${KRYLOV_FEW_ITERS}`,
  tolRitz: `default ${DEFAULT_TOL_RITZ}: the predicted further gain of the wanted Ritz energy ÷ the squared error left (blocks of k + ${ADAPTIVE_OVERSAMPLE} unless --oversample); 0 runs every auto iteration`,
  passes: 'default adaptive, at most the auto power iterations',
  powerIters: `default auto: block Krylov ${AUTO_POWER_ITERS.krylov.small} when k < ${AUTO_POWER_ITERS.smallRankFraction}·min(n, m), else ${AUTO_POWER_ITERS.krylov.other}; subspace iteration ${AUTO_POWER_ITERS.subspace.small}, else ${AUTO_POWER_ITERS.subspace.other}`,
  lr: `default ${DEFAULT_LEARNING_RATE.adam} adam, ${DEFAULT_LEARNING_RATE.sgd} sgd, ${DEFAULT_LEARNING_RATE.scaled} scaled`,
} as const;
