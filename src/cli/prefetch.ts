/**
 * Reading a command's input file while the CLI's modules load. main.ts starts the read of a
 * `factor` run's `.npy` input before it evaluates commander and the command, parses the options
 * and loads the kernel tier; the read runs on libuv's thread pool meanwhile (one `read` of the
 * whole file into a fresh buffer: the page faults of that buffer are taken there too), and
 * {@link readInput}'s file read takes the bytes when its path is the one started.
 *
 * Only an optimisation: a prefetch that fails for any reason (no such file, a folder, too large
 * for one buffer) gives `null`, and the usual read then runs and reports the problem as before.
 *
 * @module
 */
import { close, fstatSync, openSync, read, statSync } from 'node:fs';

/**
 * Largest file read ahead, 256 MiB: beyond it the read is a small share of the run, and a larger
 * buffer taken before the options are checked could exceed what the run may use (the size guard,
 * a `--memory` budget) before the command can refuse it.
 */
const MAX_PREFETCH_BYTES = 2 ** 28;

/**
 * Options after which the input is not read whole (streamed by row blocks, or read by workers):
 * the ones that make `factor` run out of core, as factor.ts decides (`--passes 1` among them).
 */
const NO_PREFETCH_OPTIONS = ['--memory', '--cluster', '--block-rows'];

/** Whether `argv` streams its input: one of {@link NO_PREFETCH_OPTIONS}, or the single pass (`--passes 1`). */
function streamsInput(argv: readonly string[]): boolean {
  return argv.some((a, i) => NO_PREFETCH_OPTIONS.some((o) => a === o || a.startsWith(`${o}=`)) || a === '--passes=1' || (a === '--passes' && argv[i + 1] === '1'));
}

/** Extensions read ahead: `.npy`, whose bytes {@link readInput} uses as they are (no decoding copy). */
const PREFETCH_EXTENSIONS = ['.npy'];

const started = new Map<string, Promise<Uint8Array | null>>();

/**
 * Starts reading ahead the input of a `factor` run: its first argument after the command name
 * (`argv[commandAt]`) that is neither an option nor right after one (so not an option's value),
 * e.g. `A.npy` in `factor A.npy --rank 50` or `factor --rank 50 A.npy`. Other commands, and inputs
 * placed after a flag, are read when the command asks (nothing is lost but the overlap); so are
 * runs that stream their input (`--memory`, `--block-rows`, `--passes 1`) or hand it to workers (`--cluster`).
 */
export function prefetchCommandInput(argv: readonly string[], commandAt: number): void {
  if (argv[commandAt] !== 'factor') return;
  if (streamsInput(argv)) return;
  for (let i = commandAt + 1; i < argv.length; i++) {
    if (argv[i] === '--') return;
    if (!argv[i].startsWith('-') && !argv[i - 1].startsWith('-')) return prefetchFile(argv[i]);
  }
}

/**
 * Starts reading `path` ahead (at most once per path) when its extension is one read ahead;
 * does nothing otherwise. Never throws and never rejects.
 */
export function prefetchFile(path: string): void {
  const lower = path.toLowerCase();
  if (started.has(path) || !PREFETCH_EXTENSIONS.some((ext) => lower.endsWith(ext))) return;
  started.set(path, readWhole(path).catch(() => null));
}

/**
 * The bytes of `path` read ahead by {@link prefetchFile}, or `null` when it was not started or
 * failed (the caller then reads the file itself). Each prefetch is handed out once.
 */
export async function takePrefetched(path: string): Promise<Uint8Array | null> {
  const pending = started.get(path);
  if (!pending) return null;
  started.delete(path);
  return pending;
}

/**
 * Opens and sizes the file here (synchronously: ≈ 0.1 ms) and hands the whole read to the thread
 * pool as one request, so it proceeds while the main thread compiles and runs the command's code
 * (separate open, stat and read requests would each wait for the busy main thread in between).
 */
function readWhole(path: string): Promise<Uint8Array | null> {
  let fd: number;
  try {
    // Regular files only: opening a FIFO would wait for its writer here.
    if (!statSync(path).isFile()) return Promise.resolve(null);
    fd = openSync(path, 'r');
  } catch {
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    const finish = (bytes: Uint8Array | null): void => close(fd, () => resolve(bytes));
    try {
      const info = fstatSync(fd);
      if (!info.isFile() || info.size > MAX_PREFETCH_BYTES) return finish(null);
      const bytes = new Uint8Array(info.size);
      const readFrom = (done: number): void => {
        if (done === bytes.length) return finish(bytes);
        read(fd, bytes, done, bytes.length - done, done, (err, n) => (err || n === 0 ? finish(null) : readFrom(done + n)));
      };
      readFrom(0);
    } catch {
      finish(null);
    }
  });
}
