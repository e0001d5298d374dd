/**
 * What every coordinator of a distributed run shares: claiming a run id (a restarted coordinator
 * with the same id resumes; another run's id is refused), and one round of jobs — enqueued with
 * deterministic ids (a completed job is reused, a failed one retried once more), awaited with a
 * bounded idle time and consumed in index order, so sums and assemblies on the coordinator are
 * bitwise those of the single process. Used by the streamed SVD (`coordinator.ts`) and by
 * distributed ALS (`als-coordinator.ts`). Node only.
 *
 * @module
 */
import { Job, type Queue } from 'bullmq';
import { LowRankError } from '../core/errors.js';
import { keyValueClient } from './redis-url.js';

/** Attempts per job (the first run plus 2 retries) before the run fails. */
export const DEFAULT_JOB_ATTEMPTS = 3;

/** Longest wait without any job completing before the run fails: 10 minutes. */
export const DEFAULT_IDLE_TIMEOUT_MS = 600000;

/** How long completed jobs, panels and run records stay in Redis for a restarted coordinator: one day. */
export const KEEP_SECONDS = 86400;

const POLL_MS = 25;

/** Bounds of a round of jobs. */
export interface RoundOptions {
  /** Attempts per job (default {@link DEFAULT_JOB_ATTEMPTS}). */
  attempts?: number;
  /** Fail when no job completes for this long (default {@link DEFAULT_IDLE_TIMEOUT_MS}). */
  idleTimeoutMs?: number;
}

/** One job of a round: its deterministic id, BullMQ name and payload. */
export interface RoundJob<D> {
  id: string;
  name: string;
  data: D;
}

/** Checks a run id: 1–100 letters, digits, '_' or '.'. Default: a new id from the time and pid. */
export function runIdOf(jobId: string | undefined): string {
  const run = jobId ?? `run${Date.now()}p${process.pid}`;
  if (!/^[A-Za-z0-9_.]{1,100}$/.test(run)) throw new LowRankError('E_ARG', `--job-id must be 1–100 letters, digits, '_' or '.', got '${run}'`);
  return run;
}

/**
 * Records the parameters of run `run` in Redis, or checks them against those recorded by an
 * earlier coordinator of the same run (which this one then resumes).
 *
 * @param meta a JSON-able description of everything the jobs depend on.
 * @throws {@link LowRankError} `E_ARG` when the id belongs to a run with other parameters.
 */
export async function claimRun(queue: Queue, run: string, meta: object): Promise<void> {
  const client = keyValueClient(await queue.client);
  const text = JSON.stringify(meta);
  const key = `lowrank:${run}:meta`;
  await client.set(key, text, 'EX', KEEP_SECONDS, 'NX');
  const stored = await client.get(key);
  if (stored !== text) throw new LowRankError('E_ARG', `--job-id ${run} belongs to another run (${stored ?? 'expired'}); use a new id`);
}

/**
 * Runs one round of jobs and hands their results to `consume` in index order (job b only after
 * jobs 0…b−1), as soon as each prefix is complete. A job already in the queue under its id (a
 * resumed run) is not added again: completed, its result is reused; failed, it is retried.
 *
 * @param what names job b in messages, e.g. `block 3 of pass 2`.
 * @throws {@link LowRankError} `E_CLUSTER` when a job fails after its attempts (its reason, such as
 *   a worker's refusal of the payload, is in the message) or no job completes within the idle timeout.
 */
export async function runJobRound<D, R>(
  queue: Queue<D, R>, jobs: readonly RoundJob<D>[], options: RoundOptions, what: (b: number) => string,
  consume: (b: number, result: R) => void | Promise<void>,
): Promise<void> {
  for (const j of jobs) {
    const existing = await Job.fromId<D, R>(queue, j.id);
    if (existing && (await existing.getState()) === 'failed') {
      await existing.retry('failed'); // a resumed run gives a failed job one more round
      continue;
    }
    if (existing) continue;
    // BullMQ types add()'s name and data through conditional types of D; both are given here as they are.
    await queue.add(j.name as never, j.data as never, {
      jobId: j.id,
      attempts: options.attempts ?? DEFAULT_JOB_ATTEMPTS,
      backoff: { type: 'fixed', delay: 500 },
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
    });
  }
  const done = new Map<number, R>();
  const pending = new Set(jobs.map((_, b) => b));
  const idle = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let next = 0;
  let lastProgress = Date.now();
  while (next < jobs.length) {
    for (const b of [...pending]) {
      const state = await queue.getJobState(jobs[b].id);
      if (state !== 'completed' && state !== 'failed') continue;
      // Read after the state: a job read while it ran would carry no return value yet.
      const job = await Job.fromId<D, R>(queue, jobs[b].id);
      if (!job) throw new LowRankError('E_CLUSTER', `cluster: job ${jobs[b].id} disappeared from the queue`);
      if (state === 'failed') throw new LowRankError('E_CLUSTER', `cluster: ${what(b)} failed after ${job.attemptsMade} attempt(s): ${job.failedReason}`);
      done.set(b, job.returnvalue);
      pending.delete(b);
      lastProgress = Date.now();
    }
    while (done.has(next)) {
      await consume(next, done.get(next)!);
      done.delete(next);
      next++;
    }
    if (next < jobs.length) {
      if (Date.now() - lastProgress > idle) {
        throw new LowRankError('E_CLUSTER', `cluster: no job completed for ${(idle / 1000).toFixed(0)} s, ${what(next)} waiting (${pending.size} in all): are workers running on ${queue.name}?`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
