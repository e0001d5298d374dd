/**
 * What the cluster tests share: a real Redis (Debian's /usr/bin/redis-server on 127.0.0.1 at a
 * free port, started and stopped by the test file), child processes that are all killed at the
 * end of each test, and polling with a deadline.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Job, Queue } from 'bullmq';
import { CLI_ARGS } from '../cli/run-cli.js';
import type { RedisConnection } from '../../src/cluster/redis-url.js';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** Polls `cond` every 50 ms until it holds; throws after `ms`. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 60000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Enqueues one job per malformed payload (`base` patched by each case, job id `prefix-<case>`) and
 * checks that the worker refuses each: failed, its reason matching, not retried, and one line
 * `refused job <id>: <reason>` in the worker's log `workerOut()`.
 */
export async function assertPayloadsRefused(
  queue: Queue, jobName: string, prefix: string, base: object, cases: readonly [string, object, RegExp][], workerOut: () => string,
): Promise<void> {
  for (const [id, patch] of cases) await queue.add(jobName, { ...base, ...patch } as never, { jobId: `${prefix}-${id}`, attempts: 3 });
  for (const [id, , reason] of cases) {
    await waitFor(`job ${id} failed`, async () => (await (await Job.fromId(queue, `${prefix}-${id}`))?.getState()) === 'failed');
    const job = (await Job.fromId(queue, `${prefix}-${id}`))!;
    assert.match(job.failedReason, reason);
    assert.equal(job.attemptsMade, 1, 'a refused payload is not retried');
    const line = workerOut().split('\n').find((l) => l.includes(`refused job ${prefix}-${id}:`));
    assert.ok(line && reason.test(line), `logged: ${workerOut()}`);
  }
}

/** A started child: its process, its stdout and stderr so far, and its exit code (128 for a signal). */
export interface Started {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number>;
}

/** Redis and the processes of one test file. */
export class ClusterHarness {
  port = 0;
  private redis?: ChildProcess;
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly cwd: string) {}

  /** redis://127.0.0.1:PORT. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** BullMQ connection options of the test's Redis. */
  get connection(): RedisConnection {
    return { host: '127.0.0.1', port: this.port, db: 0, maxRetriesPerRequest: null };
  }

  /** Starts redis-server and waits until it answers. */
  async startRedis(): Promise<void> {
    this.port = await freePort();
    this.redis = spawn('/usr/bin/redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.redis.on('error', (err) => assert.fail(`cannot start /usr/bin/redis-server (apt-get install redis-server): ${err.message}`));
    const q = new Queue('probe', { connection: this.connection });
    await waitFor('redis', async () => { try { await ((await q.client) as unknown as { ping(): Promise<unknown> }).ping(); return true; } catch { return false; } });
    await q.close();
  }

  /** Starts `node ...extra ...args` in the test's directory. */
  start(args: string[], extra: string[] = [], env: NodeJS.ProcessEnv = {}): Started {
    const child = spawn(process.execPath, [...extra, ...args], { cwd: this.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.children.add(child);
    let text = '';
    child.stdout!.on('data', (b) => (text += b));
    child.stderr!.on('data', (b) => (text += b));
    const exited = new Promise<number>((resolve) => child.on('exit', (code, sig) => {
      this.children.delete(child);
      resolve(code ?? (sig ? 128 : -1));
    }));
    return { child, out: () => text, exited };
  }

  /** Starts `lowrank ...args`. */
  cli(args: string[], env: NodeJS.ProcessEnv = {}): Started {
    return this.start([...CLI_ARGS, ...args], [], env);
  }

  /** Starts `lowrank worker` on the test's Redis with the given data root and lock. */
  worker(root: string, lockMs: number, env: NodeJS.ProcessEnv = {}): Started {
    return this.cli(['worker', '--redis', this.url, '--data-root', root, '--lock-ms', String(lockMs)], env);
  }

  /** Kills every process started (not Redis) and waits for them, so a failed test leaves none behind. */
  async stopAll(): Promise<void> {
    const all = [...this.children];
    for (const c of all) c.kill('SIGKILL');
    await Promise.all(all.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)))));
  }

  /** Stops everything, Redis included. */
  async close(): Promise<void> {
    await this.stopAll();
    this.redis?.kill('SIGKILL');
  }
}
