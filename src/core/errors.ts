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
 * - `E_CLUSTER`: a distributed run failed: a job failed after its bounded retries, or no job
 *   completed within the idle timeout (runtime failure; a refused payload's reason is in the message).
 */
export type LowRankErrorCode =
  | 'E_ARG'
  | 'E_SHAPE'
  | 'E_FORMAT'
  | 'E_UNSUPPORTED'
  | 'E_NONFINITE'
  | 'E_IO'
  | 'E_DIVERGED'
  | 'E_MEMORY'
  | 'E_CLUSTER';

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

  /** @param message one line; control and invisible characters in it are escaped ({@link escapeName}) so that it stays one line. */
  constructor(code: LowRankErrorCode, message: string) {
    super(escapeName(message));
    this.name = 'LowRankError';
    this.code = code;
  }

  /** True when the error is the caller's input or arguments (CLI exit code 2). */
  get isInputError(): boolean {
    return INPUT_ERROR_CODES.has(this.code);
  }
}

/**
 * Characters that must not reach a terminal or a log line raw: C0/C1 controls and DEL, the line
 * and paragraph separators, bidirectional and zero-width format characters, the BOM, and lone
 * UTF-16 surrogates. A file name or id holding one of them could forge a second message line,
 * hide text or reorder it.
 */
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_CHARS = new RegExp(UNSAFE_CHAR.source, 'g');
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Makes a file name, id or message safe to echo on one line: returns `s` unchanged when it holds
 * no control or invisible character, else a copy with backslashes doubled and each such character
 * written as an escape (`\n`, `\r`, `\t`, `\x1b`, `\u202e`), as Python's `repr` does. The one
 * helper every message that echoes a name uses; {@link LowRankError} applies it to its whole
 * message, so no error message spans two lines.
 *
 * @example
 * ```ts
 * escapeName('data.csv'); // 'data.csv'
 * escapeName('a\nlowrank: error: forged'); // 'a\\nlowrank: error: forged' (one line)
 * ```
 */
export function escapeName(s: string): string {
  if (!UNSAFE_CHAR.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(UNSAFE_CHARS, (c) => {
    const code = c.charCodeAt(0);
    return SHORT_ESCAPES[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
