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
import { Queue } from 'bullmq';
import type { DType } from '../core/matrix.js';
import type { NpyStreamInfo } from '../io/npy-stream.js';
import type { BlockResult, BlockTask, RowBlockExecutor } from '../linalg/row-block-svd.js';
import { BLOCK_QUEUE, decodeResult, encodeFloat64, type BlockJobData, type BlockJobResult } from './jobs.js';
import { claimRun, KEEP_SECONDS, runIdOf, runJobRound, type RoundJob, type RoundOptions } from './job-rounds.js';
import { keyValueClient, redisConnection } from './redis-url.js';
import { blockRange, type BlockProgress, type RowBlockPlan } from './row-blocks.js';
import { resolve } from 'node:path';
import { isHttpUrl } from '../io/http-range.js';

export { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_JOB_ATTEMPTS } from './job-rounds.js';

/** Options of {@link ClusterExecutor.connect}. */
export interface ClusterOptions extends RoundOptions {
  /** The run's id (default: a new one); a restart with the same id resumes. */
  jobId?: string;
  /** Per-block progress. */
  onBlock?: BlockProgress;
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
   * Connects to the queue at `url` for the blocks of `path` (a file every worker sees at this path,
   * or an `http(s)://` URL the workers read by Range requests, under their `--allow-url-prefix`).
   * @throws {@link LowRankError} `E_ARG` for a bad URL, or a run id already used with other parameters.
   */
  static async connect(url: string, path: string, info: NpyStreamInfo, plan: RowBlockPlan, options: ClusterOptions = {}): Promise<ClusterExecutor> {
    const connection = redisConnection(url, '--cluster');
    const queue = new Queue<BlockJobData, BlockJobResult>(BLOCK_QUEUE, { connection });
    const abs = isHttpUrl(path) ? path : resolve(path);
    try {
      const run = runIdOf(options.jobId);
      await claimRun(queue, run, { path: abs, rows: info.rows, cols: info.cols, blockRows: plan.blockRows });
      return new ClusterExecutor(queue, run, abs, info, plan, options);
    } catch (err) {
      await queue.close();
      throw err;
    }
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
    const jobs: RoundJob<BlockJobData>[] = [];
    for (let b = 0; b < total; b++) {
      const { start, count } = blockRange(this.plan, b);
      const data: BlockJobData = { run: this.run_, pass, block: b, path: this.path, start, count, rows: this.info.rows, cols: this.info.cols, task: jobTask };
      jobs.push({ id: `${this.run_}-${pass}-${b}`, name: 'block', data });
    }
    let bytes = 0;
    await runJobRound(this.queue, jobs, this.options, (b) => `block ${b} of pass ${pass}`, (b, result) => {
      const { start, count } = blockRange(this.plan, b);
      consume(b, start, decodeResult(result));
      bytes += count * this.info.rowBytes;
      this.options.onBlock?.(pass, b + 1, total, bytes);
    });
  }

  /** Closes the queue connection. */
  close(): Promise<void> {
    return this.queue.close();
  }
}
