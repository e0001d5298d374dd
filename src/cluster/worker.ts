/**
 * The BullMQ worker of the distributed streamed SVD and of distributed ALS: takes row-block jobs,
 * validates each payload (paths inside the data root, block and sizes in range), reads the block
 * by positioned reads, runs the per-block kernel of `linalg/row-block-svd.ts` (or, for an `als`
 * job, `alsHalfSweep` through `als-jobs.ts`) and returns the encoded result.
 * A refused payload fails its job at once (no retry) with a one-line reason, also logged.
 * Node only; BullMQ is imported here, never by the other commands.
 *
 * @module
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { NpyRowReader } from '../io/npy-stream.js';
import { runBlockTask, type BlockTask } from '../linalg/row-block-svd.js';
import { BLOCK_QUEUE, decodeFloat64, encodeResult, validateBlockJob, type BlockJobData, type BlockJobResult } from './jobs.js';
import { keyValueClient, type RedisConnection } from './redis-url.js';
import { ALS_JOB_NAME, runAlsJob, validateAlsJob, type AlsFixedCache, type AlsJobData, type AlsJobResult } from './als-jobs.js';
import { MAX_BLOCK_BYTES } from './row-blocks.js';

/** Default BullMQ lock of a running job: 30 s (BullMQ's own default); a killed worker's job is retried after it expires. */
export const DEFAULT_LOCK_MS = 30000;

/** Options of {@link startBlockWorker}. */
export interface BlockWorkerOptions {
  /** Redis connection. */
  connection: RedisConnection;
  /** Jobs run at once (default 1: the GEMMs already use every core). */
  concurrency?: number;
  /** Only files under this directory may be read (default: the current directory). */
  dataRoot?: string;
  /** `http(s)://` prefixes under which `.npy` URLs may be read by Range requests (default: none, URLs refused). */
  allowUrlPrefixes?: readonly string[];
  /** Lock duration in ms (default {@link DEFAULT_LOCK_MS}); the stalled check runs every half of it. */
  lockMs?: number;
  /** One line per event (refusals, failures, completions). */
  log: (line: string) => void;
}

/**
 * Starts a worker on the block queue. Resolves once it is connected; `close()` stops it after the
 * running jobs.
 *
 * @example
 * ```ts
 * const w = await startBlockWorker({ connection: redisConnection('redis://127.0.0.1:6379'), log: console.error });
 * ```
 */
export async function startBlockWorker(options: BlockWorkerOptions): Promise<Worker<BlockJobData | AlsJobData, BlockJobResult | AlsJobResult>> {
  const dataRoot = options.dataRoot ?? process.cwd();
  const readers = new Map<string, Promise<NpyRowReader>>();
  const panels = new Map<string, Float64Array>();
  const buffers: ArrayBuffer[] = [];
  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
  // A plain queue client for the Z panels stored by the coordinator.
  const queue = new Queue(BLOCK_QUEUE, { connection: options.connection });
  const client = keyValueClient(await queue.client);
  const alsCache: { current?: AlsFixedCache } = {};
  const refuse = (job: Job, err: unknown): never => {
    const why = err instanceof Error ? err.message : String(err);
    options.log(`refused job ${job.id}: ${why}`);
    throw new UnrecoverableError(why);
  };
  const processAlsJob = async (job: Job<AlsJobData, AlsJobResult>): Promise<AlsJobResult> => {
    let d: AlsJobData;
    try {
      d = validateAlsJob(job.data, dataRoot);
    } catch (err) {
      return refuse(job, err);
    }
    try {
      return await runAlsJob(d, alsCache);
    } catch (err) {
      // A file that is not what its payload says is refused like a bad payload (no retry); E_DIVERGED and the like fail the job.
      if (err instanceof LowRankError && err.isInputError) return refuse(job, err);
      throw err;
    }
  };
  const processJob = async (job: Job<BlockJobData | AlsJobData, BlockJobResult | AlsJobResult>): Promise<BlockJobResult | AlsJobResult> => {
    options.log(`start ${job.id}`);
    if (job.name === ALS_JOB_NAME) return processAlsJob(job as Job<AlsJobData, AlsJobResult>);
    const d = job.data as BlockJobData;
    let path: string;
    try {
      path = validateBlockJob(d, dataRoot, options.allowUrlPrefixes);
    } catch (err) {
      return refuse(job, err);
    }
    if (!readers.has(path)) readers.set(path, NpyRowReader.open(path));
    const reader = await readers.get(path)!;
    const info = reader.info;
    if (info.rows !== d.rows || info.cols !== d.cols || d.count * info.rowBytes > MAX_BLOCK_BYTES) {
      const why = info.rows !== d.rows || info.cols !== d.cols
        ? `job payload: shape ${d.rows}×${d.cols} disagrees with ${path} (${info.rows}×${info.cols})`
        : `job payload: block of ${d.count} rows of ${info.rowBytes} bytes exceeds the ${MAX_BLOCK_BYTES}-byte block limit`;
      options.log(`refused job ${job.id}: ${why}`);
      throw new UnrecoverableError(why);
    }
    let task: BlockTask;
    const t = d.task;
    if (t.kind === 'sketch') {
      task = t;
    } else {
      let z = panels.get(t.zKey);
      if (!z) {
        const bytes = await client.getBuffer(t.zKey);
        if (!bytes || bytes.length !== d.cols * t.l * 8) {
          const why = `job payload: panel ${t.zKey} is missing or not ${d.cols}×${t.l} float64`;
          options.log(`refused job ${job.id}: ${why}`);
          throw new UnrecoverableError(why);
        }
        z = decodeFloat64(bytes.toString('base64'));
        panels.clear();
        panels.set(t.zKey, z);
      }
      const zm = new Matrix(d.cols, t.l, z);
      task = t.kind === 'gram' ? { kind: 'gram', z: zm, withNorm: t.withNorm } : { kind: 'product', z: zm };
    }
    // Read buffers are reused between jobs (at most one per concurrent job): a fresh 240 MB buffer
    // costs its page faults on every block, about half of the block's read time here.
    const need = d.count * info.rowBytes;
    const free = buffers.findIndex((b) => b.byteLength >= need);
    const buffer = free >= 0 ? buffers.splice(free, 1)[0] : new ArrayBuffer(need);
    try {
      const block = await reader.readRows(d.start, d.count, buffer);
      return encodeResult(runBlockTask(block, d.start, task));
    } catch (err) {
      if (err instanceof LowRankError) throw new UnrecoverableError(err.message);
      throw err;
    } finally {
      if (buffers.length < (options.concurrency ?? 1)) buffers.push(buffer);
    }
  };
  const worker = new Worker<BlockJobData | AlsJobData, BlockJobResult | AlsJobResult>(BLOCK_QUEUE, processJob, {
    connection: options.connection,
    concurrency: options.concurrency ?? 1,
    lockDuration: lockMs,
    stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
    maxStalledCount: 2,
  });
  worker.on('failed', (job, err) => {
    if (!(err instanceof UnrecoverableError)) options.log(`job ${job?.id ?? '?'} failed: ${err.message}`);
  });
  worker.on('closed', () => {
    void queue.close();
    for (const r of readers.values()) void r.then((x) => x.close(), () => undefined);
  });
  await worker.waitUntilReady();
  return worker;
}
