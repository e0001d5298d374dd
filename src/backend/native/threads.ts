/**
 * The native tier's default thread count: one OpenBLAS thread per core the other processes leave
 * free. OpenBLAS's workers split every large call evenly and wait for the slowest; on a core that
 * another process keeps busy that share runs at half speed or worse, and the waiting workers spin
 * on the cores the late one needs. Measured on this 2-core machine with one busy-looping process
 * beside it (bench/threads.ts, load average ≈ 10 from other work as well): exact SVD 500² took
 * 11.4 s on two threads against 0.54 s on one (issue 15 saw 262–3283 ms against 125–151 ms); a
 * GEMM 2000³, whose blocks are large, still gained from the second thread (0.9 s against 1.5 s).
 * The collapse costs far more than the second thread gains, so the default counts the cores that
 * other processes kept busy just before the first large call and leaves them out. Node only
 * (reads the machine's CPU times).
 *
 * @module
 */
import { availableParallelism, cpus, loadavg } from 'node:os';

/** Cumulative CPU times: all cores' busy time and this process's own, with the wall clock. */
export interface CpuSample {
  /** `performance.now()` when taken, ms. */
  at: number;
  /** Busy (user + nice + sys + irq) time summed over every core since boot, ms. */
  busyMs: number;
  /** This process's own CPU time (all its threads), ms. */
  ownMs: number;
}

/**
 * Shortest window (ms) over which {@link busyCoresOfOthers} trusts a difference of two samples:
 * the kernel's CPU times tick every 10 ms, so a shorter window reads mostly rounding.
 */
export const MIN_SAMPLE_WINDOW_MS = 50;

/**
 * A core counts as busy when other processes used at least this share of it over the window: half
 * a core taken from one of two OpenBLAS threads already makes the split wait for it.
 */
export const BUSY_CORE_SHARE = 0.5;

/** The CPU times now (see {@link CpuSample}). */
export function cpuSample(): CpuSample {
  let busy = 0;
  for (const c of cpus()) busy += c.times.user + c.times.nice + c.times.sys + c.times.irq;
  const own = process.cpuUsage();
  return { at: performance.now(), busyMs: busy, ownMs: (own.user + own.system) / 1000 };
}

/**
 * How many cores' worth of CPU the *other* processes used between two samples (≥ 0): the machine's
 * busy time minus this process's own, over the wall time. `null` when the window is shorter than
 * {@link MIN_SAMPLE_WINDOW_MS}.
 */
export function busyCoresOfOthers(from: CpuSample, to: CpuSample = cpuSample()): number | null {
  const wall = to.at - from.at;
  if (wall < MIN_SAMPLE_WINDOW_MS) return null;
  return Math.max(0, (to.busyMs - from.busyMs - (to.ownMs - from.ownMs)) / wall);
}

/** Taken when this module loads (the CLI imports it first thing): the start of the window. */
const startSample = cpuSample();

/**
 * The default OpenBLAS thread count: the cores minus those that other processes keep busy (each
 * counted from {@link BUSY_CORE_SHARE} of a core; when this process may use fewer cores than the
 * machine has, its share of the others' load), at least 1. Busy cores are measured over the
 * window since this module loaded (in the CLI: while the command's modules load, ≈ 0.1 s) when
 * that is at least {@link MIN_SAMPLE_WINDOW_MS}; over a shorter one, from the 1-minute load
 * average less this process's own share. Used when neither `--threads` nor `LOWRANK_THREADS` is given.
 *
 * @param options.cores the machine's cores (default `os.availableParallelism()`); `options.since`
 *   the start of the window (default: when this module loaded).
 * @example
 * ```ts
 * backend.setThreads(defaultNativeThreads()); // 2 on an idle 2-core machine, 1 beside a busy process
 * ```
 */
export function defaultNativeThreads(options: { cores?: number; since?: CpuSample } = {}): number {
  const cores = options.cores ?? availableParallelism();
  const now = cpuSample();
  let others = busyCoresOfOthers(options.since ?? startSample, now);
  if (others === null) {
    // Load average: runnable threads over the last minute, this process's included.
    const ownCores = now.at > 0 ? now.ownMs / now.at : 0;
    others = Math.max(0, loadavg()[0] - ownCores);
  }
  // CPU times are the whole machine's: with fewer cores of our own (an affinity mask, a cpuset),
  // count the others' load as spread evenly and take our cores' share of it.
  const share = Math.min(1, cores / Math.max(1, cpus().length));
  const busy = Math.floor(others * share + (1 - BUSY_CORE_SHARE));
  return Math.max(1, Math.min(cores, cores - busy));
}
