/**
 * Parsers of the CLI's byte-size options (`--bytes`, `--memory`), apart from the commands that
 * run with them so that defining a command does not import its pipeline.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';

/** `--bytes` values: a number with an optional unit (B, kB/KB = 1000, KiB = 1024, MB, MiB, GB, GiB). */
export function bytesOption(value: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([kmgt]?i?b?)\s*$/i.exec(value);
  const units: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3, t: 1e12, tb: 1e12, tib: 1024 ** 4 };
  const mult = m ? units[m[2].toLowerCase()] : undefined;
  if (!m || mult === undefined) throw new LowRankError('E_ARG', `--bytes must be a size such as 5000000, 5MB or 1.5GiB, got '${value}'`);
  return Math.floor(Number(m[1]) * mult);
}

/** Parses `--memory`: a size such as 2GiB, 1.5GB or 500MiB. */
export function memoryOption(value: string): number {
  try {
    return bytesOption(value);
  } catch {
    throw new LowRankError('E_ARG', `--memory must be a size such as 2GiB, 1500MB or 500MiB, got '${value}'`);
  }
}
