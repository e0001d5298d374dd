/**
 * Error codes carried by {@link LowRankError}.
 *
 * - `E_ARG`: an argument is out of range or malformed (rank 0, negative learning rate, …).
 * - `E_SHAPE`: shapes disagree (inner dimensions, header shape vs data, 3-D arrays).
 * - `E_FORMAT`: a file is not in the format it claims (bad magic, truncated, ragged CSV).
 * - `E_UNSUPPORTED`: a valid file that lowrank refuses (object/pickle dtype, complex numbers).
 * - `E_NONFINITE`: NaN or Inf where finite numbers are required.
 * - `E_IO`: a file cannot be read or written.
 * - `E_DIVERGED`: an iterative method produced NaN/Inf (runtime failure, not bad input).
 * - `E_MEMORY`: a request would exceed a memory guard (runtime failure).
 */
export type LowRankErrorCode =
  | 'E_ARG'
  | 'E_SHAPE'
  | 'E_FORMAT'
  | 'E_UNSUPPORTED'
  | 'E_NONFINITE'
  | 'E_IO'
  | 'E_DIVERGED'
  | 'E_MEMORY';

/** Codes that mean "the input or the invocation is wrong" (CLI exit 2); others are runtime failures (exit 1). */
export const INPUT_ERROR_CODES: ReadonlySet<LowRankErrorCode> = new Set<LowRankErrorCode>([
  'E_ARG',
  'E_SHAPE',
  'E_FORMAT',
  'E_UNSUPPORTED',
  'E_NONFINITE',
  'E_IO',
]);

/**
 * The one error type lowrank throws for bad input and known runtime failures.
 * The message is a single line naming the argument, file, line/column or byte offset.
 *
 * @example
 * ```ts
 * throw new LowRankError('E_ARG', 'rank must be an integer in [1, 50], got 0');
 * ```
 */
export class LowRankError extends Error {
  /** Machine-readable category of the failure. */
  readonly code: LowRankErrorCode;

  constructor(code: LowRankErrorCode, message: string) {
    super(message);
    this.name = 'LowRankError';
    this.code = code;
  }

  /** True when the error is the caller's input or arguments (CLI exit code 2). */
  get isInputError(): boolean {
    return INPUT_ERROR_CODES.has(this.code);
  }
}
