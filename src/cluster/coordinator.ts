/**
 * The coordinator of the distributed streamed SVD: a {@link RowBlockExecutor} whose blocks are
 * computed by `lowrank worker` processes through a BullMQ queue. One job per block and pass, with
 * a deterministic job id (`run-pass-block`), so a coordinator restarted with the same run id finds
 * the completed jobs and only waits for the rest; the results are consumed in block order, so the
 * sums are bitwise those of the single process. Retries (attempts), the stalled-job recovery of a
 * killed worker and a bounded wait are BullMQ's and reported. Node only.
 *
 * @module
 */
import { Job, Queue } from 'bullmq';
import { LowRankError } from '../core/errors.js';
import type { DType } from '../core/matrix.js';
import type { NpyStreamInfo } from '../io/npy-stream.js';
import type { BlockResult, BlockTask, RowBlockExecutor } from '../linalg/row-block-svd.js';
import { BLOCK_QUEUE, decodeResult, encodeFloat64, type BlockJobData, type BlockJobResult } from './jobs.js';
import { keyValueClient, redisConnection } from './redis-url.js';
import { blockRange, type BlockProgress, type RowBlockPlan } from './row-blocks.js';
import { resolve } from 'node:path';

/** Attempts per block job (the first run plus 2 retries) before the run fails. */
export const DEFAULT_JOB_ATTEMPTS = 3;

/** Longest wait without any block completing before the run fails: 10 minutes. */
export const DEFAULT_IDLE_TIMEOUT_MS = 600000;

/** How long completed jobs and panels stay in Redis for a restarted coordinator: one day. */
const KEEP_SECONDS = 86400;

const POLL_MS = 25;

/** Options of {@link ClusterExecutor.connect}. */
export interface ClusterOptions {
  /** The run's id (default: a new one); a restart with the same id resumes. */
  jobId?: string;
  /** Per-block progress. */
  onBlock?: BlockProgress;
  /** Attempts per job (default {@link DEFAULT_JOB_ATTEMPTS}). */
  attempts?: number;
  /** Fail when no block completes for this long (default {@link DEFAULT_IDLE_TIMEOUT_MS}). */
  idleTimeoutMs?: number;
}

/**
 * Row blocks computed by the workers of a BullMQ queue.
 *
 * @example
 * ```ts
 * const exec = await ClusterExecutor.connect('redis://127.0.0.1:6379', 'big.npy', info, plan);
 * const r = await rowBlockSvd(exec, 50);
 * await exec.close();
 * ```
 */
export class ClusterExecutor implements RowBlockExecutor {
  private constructor(
    private readonly queue: Queue<BlockJobData, BlockJobResult>,
    private readonly run_: string,
    private readonly path: string,
    private readonly info: NpyStreamInfo,
    private readonly plan: RowBlockPlan,
    private readonly options: ClusterOptions,
  ) {}

  /**
   * Connects to the queue at `url` for the blocks of `path` (a file every worker sees at this path).
   * @throws {@link LowRankError} `E_ARG` for a bad URL, or a run id already used with other parameters.
   */
  static async connect(url: string, path: string, info: NpyStreamInfo, plan: RowBlockPlan, options: ClusterOptions = {}): Promise<ClusterExecutor> {
    const connection = redisConnection(url, '--cluster');
    const queue = new Queue<BlockJobData, BlockJobResult>(BLOCK_QUEUE, { connection });
    const run = options.jobId ?? `run${Date.now()}p${process.pid}`;
    if (!/^[A-Za-z0-9_.]{1,100}$/.test(run)) throw new LowRankError('E_ARG', `--job-id must be 1–100 letters, digits, '_' or '.', got '${run}'`);
    const abs = resolve(path);
    const client = keyValueClient(await queue.client);
    const meta = JSON.stringify({ path: abs, rows: info.rows, cols: info.cols, blockRows: plan.blockRows });
    const metaKey = `lowrank:${run}:meta`;
    await client.set(metaKey, meta, 'EX', KEEP_SECONDS, 'NX');
    const stored = await client.get(metaKey);
    if (stored !== meta) {
      await queue.close();
      throw new LowRankError('E_ARG', `--job-id ${run} belongs to another run (${stored ?? 'expired'}); use a new id`);
    }
    return new ClusterExecutor(queue, run, abs, info, plan, options);
  }

  /** The run id (give it as `--job-id` to resume). */
  get runId(): string {
    return this.run_;
  }

  get rows(): number {
    return this.info.rows;
  }

  get cols(): number {
    return this.info.cols;
  }

  get dtype(): DType {
    return this.info.dtype;
  }

  async run(task: BlockTask, pass: number, consume: (b: number, rowStart: number, result: BlockResult) => void): Promise<void> {
    const client = keyValueClient(await this.queue.client);
    let jobTask: BlockJobData['task'];
    // A task fingerprint in the job id: a resumed run reuses a completed job only for the very same task.
    if (task.kind === 'sketch') {
      jobTask = { kind: 'sketch', seed: task.seed, sizes: task.sizes };
    } else {
      const zKey = `lowrank:${this.run_}:z:${pass}`;
      const z = task.z.dtype === 'float64' ? (task.z.data as Float64Array) : Float64Array.from(task.z.data);
      await client.set(zKey, Buffer.from(encodeFloat64(z), 'base64'), 'EX', KEEP_SECONDS);
      jobTask = task.kind === 'gram' ? { kind: 'gram', zKey, l: task.z.cols, withNorm: task.withNorm } : { kind: 'product', zKey, l: task.z.cols };
    }
    const total = this.plan.blockCount;
    const ids: string[] = [];
    for (let b = 0; b < total; b++) {
      const { start, count } = blockRange(this.plan, b);
      const id = `${this.run_}-${pass}-${b}`;
      ids.push(id);
      const existing = await Job.fromId<BlockJobData, BlockJobResult>(this.queue, id);
      if (existing && (await existing.getState()) === 'failed') {
        await existing.retry('failed'); // a resumed run gives a failed block one more round
        continue;
      }
      if (existing) continue;
      const data: BlockJobData = { run: this.run_, pass, block: b, path: this.path, start, count, rows: this.info.rows, cols: this.info.cols, task: jobTask };
      await this.queue.add('block', data, {
        jobId: id,
        attempts: this.options.attempts ?? DEFAULT_JOB_ATTEMPTS,
        backoff: { type: 'fixed', delay: 500 },
        removeOnComplete: { age: KEEP_SECONDS },
        removeOnFail: { age: KEEP_SECONDS },
      });
    }
    const done = new Map<number, BlockResult>();
    let next = 0;
    let bytes = 0;
    let lastProgress = Date.now();
    const idle = this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const pending = new Set(ids.map((_, b) => b));
    while (next < total) {
      for (const b of [...pending]) {
        const state = await this.queue.getJobState(ids[b]);
        if (state !== 'completed' && state !== 'failed') continue;
        // Read after the state: a job read while it ran would carry no return value yet.
        const job = await Job.fromId<BlockJobData, BlockJobResult>(this.queue, ids[b]);
        if (!job) throw new LowRankError('E_IO', `cluster: job ${ids[b]} disappeared from the queue`);
        if (state === 'completed') {
          done.set(b, decodeResult(job.returnvalue));
          pending.delete(b);
          lastProgress = Date.now();
        } else if (state === 'failed') {
          throw new LowRankError('E_IO', `cluster: block ${b} of pass ${pass} failed after ${job.attemptsMade} attempt(s): ${job.failedReason}`);
        }
      }
      while (done.has(next)) {
        const { start, count } = blockRange(this.plan, next);
        consume(next, start, done.get(next)!);
        done.delete(next);
        bytes += count * this.info.rowBytes;
        next++;
        this.options.onBlock?.(pass, next, total, bytes);
      }
      if (next < total) {
        if (Date.now() - lastProgress > idle) {
          throw new LowRankError('E_IO', `cluster: no block of pass ${pass} completed for ${(idle / 1000).toFixed(0)} s (${pending.size} waiting): are workers running on ${BLOCK_QUEUE}?`);
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
  }

  /** Closes the queue connection. */
  close(): Promise<void> {
    return this.queue.close();
  }
}
