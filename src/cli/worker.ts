/**
 * `lowrank worker --redis redis://HOST:PORT [--concurrency N] [--data-root DIR]`: serves the
 * row-block jobs of `lowrank factor DATA --cluster URL` until SIGINT/SIGTERM. One line per event
 * on stderr; BullMQ is loaded only by this command and the cluster path of `factor`.
 *
 * @module
 */
import type { Command } from 'commander';
import { LowRankError } from '../core/errors.js';
import { intOption } from './options.js';

/** Parses one `--allow-url-prefix`: an http:// or https:// URL without credentials. */
function urlPrefixOption(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new LowRankError('E_ARG', `--allow-url-prefix must be an http:// or https:// URL, got '${value}'`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) {
    throw new LowRankError('E_ARG', `--allow-url-prefix must be an http:// or https:// URL without credentials, got '${value}'`);
  }
  return u.href;
}

/**
 * Registers `lowrank worker`.
 *
 * @example
 * ```ts
 * registerWorker(program); // lowrank worker --redis redis://127.0.0.1:6379 --data-root /data
 * ```
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('serve the row-block jobs of `lowrank factor DATA.npy --cluster URL` from a Redis queue (BullMQ); reads only files under --data-root')
    .requiredOption('--redis <url>', 'redis://[user:password@]host[:port][/db] or rediss:// (TLS)')
    .option('--concurrency <n>', 'jobs at once (default 1: each job\'s GEMMs use every core)', intOption('--concurrency', 1), 1)
    .option('--data-root <dir>', 'only files under this directory may be read (default: the current directory)')
    .option('--allow-url-prefix <url>', 'also read .npy files by HTTP(S) Range requests under this URL prefix (repeatable; default: none, so a job cannot make the worker fetch arbitrary URLs)', (v: string, all: string[] = []) => [...all, urlPrefixOption(v)])
    .option('--lock-ms <ms>', 'job lock in ms: a killed worker\'s job is rerun by another after this (default 30000)', intOption('--lock-ms', 1000))
    .action(async (flags: { redis: string; concurrency: number; dataRoot?: string; lockMs?: number; allowUrlPrefix?: string[] }) => {
      const { redisConnection } = await import('../cluster/redis-url.js');
      const { startBlockWorker } = await import('../cluster/worker.js');
      const { getBackend } = await import('../backend/select.js');
      const log = (line: string) => process.stderr.write(`lowrank worker ${process.pid}: ${line}\n`);
      const connection = redisConnection(flags.redis);
      const allowUrlPrefixes = flags.allowUrlPrefix ?? [];
      const worker = await startBlockWorker({ connection, concurrency: flags.concurrency, dataRoot: flags.dataRoot, lockMs: flags.lockMs, allowUrlPrefixes, log });
      worker.on('completed', (job) => log(`done ${job.id}`));
      log(`ready on ${connection.tls ? 'rediss' : 'redis'}://${connection.host}:${connection.port}, concurrency ${flags.concurrency}, kernel tier ${getBackend().name} (${getBackend().threads} thread${getBackend().threads === 1 ? '' : 's'}), data root ${flags.dataRoot ?? process.cwd()}${allowUrlPrefixes.length > 0 ? `, URLs under ${allowUrlPrefixes.join(', ')}` : ''}`);
      await new Promise<void>((resolve) => {
        const stop = () => void worker.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
