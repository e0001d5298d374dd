/**
 * The distributed streamed SVD on a real Redis (Debian's /usr/bin/redis-server on 127.0.0.1 at a
 * free port, started and stopped here) with real `lowrank worker` processes: the same bits as the
 * single-process run with 1, 2 and 3 workers; a worker killed holding a job (stalled-job
 * recovery); a coordinator restarted with the same job id resuming; malformed payloads refused
 * with a logged one-line reason and the run failing without hanging.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { writeNpy } from '../../src/io/npy.js';
import { CLI_ARGS, runCli, tempDir } from '../cli/run-cli.js';
import { assertPayloadsRefused, ClusterHarness, waitFor } from './harness.js';

// Bitwise identity across processes needs the same kernel tier and thread count on every side (the
// native tier's default thread count follows the machine's load at start-up; 1 and 2 threads differ
// in the last bits): every process of this file runs one thread.
process.env.LOWRANK_THREADS = '1';

const dir = tempDir('lowrank-cluster-');
const data = join(dir, 'data');
mkdirSync(data);
const LOCK_MS = 1500;
const h = new ClusterHarness(dir);
const start = (args: string[], extra: string[] = []) => h.start(args, extra);
const url = () => h.url;
const startWorker = (root = data) => h.worker(root, LOCK_MS);
const stopAll = () => h.stopAll();

before(async () => {
  await h.startRedis();
  // 1200×90 float64, rank 8 plus noise; 12 blocks of 100 rows.
  const rng = new Rng(7);
  const a = new Float64Array(1200 * 90);
  const u = new Float64Array(1200 * 8);
  const v = new Float64Array(8 * 90);
  rng.fillNormal(u);
  rng.fillNormal(v);
  for (let i = 0; i < 1200; i++) for (let j = 0; j < 90; j++) {
    let x = 0.05 * rng.normal();
    for (let t = 0; t < 8; t++) x += u[i * 8 + t] * v[t * 90 + j] * 0.8 ** t;
    a[i * 90 + j] = x;
  }
  writeFileSync(join(data, 'a.npy'), writeNpy(new Matrix(1200, 90, a)));
});

after(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const FACTOR = ['factor', join(data, 'a.npy'), '--rank', '6', '--block-rows', '100', '--seed', '3', '--quiet'];
const outputs = (out: string) => ['U.npy', 'V.npy', 'S.npy'].map((f) => readFileSync(join(dir, out, f)));

test('1, 2 and 3 workers give the single-process result bit for bit (4 passes, 12 blocks)', { timeout: 120000 }, async () => {
  try {
  const ref = runCli([...FACTOR, '--out', 'ref'], dir);
  assert.equal(ref.code, 0, ref.stderr);
  const refBytes = outputs('ref');
  const workers: ReturnType<typeof startWorker>[] = [];
  for (const n of [1, 2, 3]) {
    while (workers.length < n) workers.push(startWorker());
    await waitFor('workers ready', () => workers.every((w) => w.out().includes('ready')));
    const run = start([...CLI_ARGS, ...FACTOR, '--cluster', url(), '--out', `w${n}`]);
    assert.equal(await run.exited, 0, run.out());
    outputs(`w${n}`).forEach((b, i) => assert.ok(b.equals(refBytes[i]), `${n} workers: file ${i} differs`));
  }
  // Every worker took part in the 3-worker run's 48 jobs.
  for (const w of workers) assert.match(w.out(), /done run\d+p\d+-4-\d+/);
  } finally {
    await stopAll();
  }
});

test('a worker SIGKILLed while holding a job: the job is rerun after its lock expires and the result is identical', { timeout: 120000 }, async () => {
  try {
  const refBytes = outputs('ref');
  const grabber = start([fileURLToPath(new URL('./grab-job.mjs', import.meta.url)), String(h.port), String(LOCK_MS)]);
  const run = start([...CLI_ARGS, ...FACTOR, '--cluster', url(), '--out', 'killed', '--job-id', 'killed1']);
  await waitFor('the grabber to take a job', () => grabber.out().includes('took'));
  const taken = /took (\S+)/.exec(grabber.out())![1];
  grabber.child.kill('SIGKILL');
  await grabber.exited;
  const w = startWorker();
  assert.equal(await run.exited, 0, run.out());
  assert.ok(w.out().includes(`done ${taken}`), `the killed worker's job ${taken} was rerun: ${w.out()}`);
  outputs('killed').forEach((b, i) => assert.ok(b.equals(refBytes[i]), `file ${i} differs`));
  } finally {
    await stopAll();
  }
});

test('a coordinator killed after 2 passes and restarted with the same --job-id resumes from the completed blocks', { timeout: 120000 }, async () => {
  try {
  const refBytes = outputs('ref');
  const w = startWorker();
  const first = start([...CLI_ARGS, ...FACTOR.filter((x) => x !== '--quiet'), '--cluster', url(), '--out', 'resumed', '--job-id', 'resume1']);
  await waitFor('pass 2 done', () => first.out().includes('pass 2/4: block 12/12'));
  first.child.kill('SIGKILL');
  await first.exited;
  const second = start([...CLI_ARGS, ...FACTOR, '--cluster', url(), '--out', 'resumed', '--job-id', 'resume1']);
  assert.equal(await second.exited, 0, second.out());
  outputs('resumed').forEach((b, i) => assert.ok(b.equals(refBytes[i]), `file ${i} differs`));
  // Each block of passes 1 and 2 was computed once, not again after the restart.
  for (const pass of [1, 2]) {
    const runs = w.out().match(new RegExp(`done resume1-${pass}-\\d+`, 'g')) ?? [];
    assert.equal(runs.length, 12, `pass ${pass}: ${runs.length} jobs done`);
  }
  } finally {
    await stopAll();
  }
});

test('malformed payloads are refused with a one-line reason; a run outside the data root fails fast', { timeout: 120000 }, async () => {
  try {
  const other = join(dir, 'other');
  mkdirSync(other);
  const w = startWorker(other);
  await waitFor('worker ready', () => w.out().includes('ready'));
  const queue = new Queue('lowrank-blocks', { connection: h.connection });
  try {
  const base = { run: 'bad', pass: 1, block: 0, path: join(other, 'x.npy'), start: 0, count: 10, rows: 100, cols: 10, task: { kind: 'sketch', seed: 0, sizes: { range: 3, coRange: 3, core: 7, test: 2 } } };
  writeFileSync(join(other, 'x.npy'), writeNpy(Matrix.zeros(100, 10)));
  const cases: [string, object, RegExp][] = [
    ['outside', { path: '/etc/passwd' }, /outside the data root/],
    ['negative', { block: -1 }, /block must be a non-negative integer/],
    ['huge', { count: 1e8, rows: 1e9, cols: 1e6 }, /exceeds the .*block limit/],
  ];
  await assertPayloadsRefused(queue, 'block', 'bad', base, cases, w.out);
  } finally {
    await queue.close();
  }
  // The coordinator names a file outside this worker's data root: it reports a refused block (whichever the
  // worker refused first) and exits.
  const t0 = Date.now();
  const run = start([...CLI_ARGS, ...FACTOR, '--cluster', url(), '--out', 'refused']);
  const code = await run.exited;
  assert.equal(code, 1, `a failed cluster run is a runtime failure (exit 1), not bad input: ${run.out()}`);
  assert.match(run.out(), /lowrank: error: cluster: block \d+ of pass 1 failed after 1 attempt\(s\): job payload: path .* is outside the data root/);
  assert.ok(Date.now() - t0 < 60000);
  } finally {
    await stopAll();
  }
});

test('no worker on the queue: the run fails with E_CLUSTER after its idle timeout instead of hanging', { timeout: 60000 }, async () => {
  const { ClusterExecutor } = await import('../../src/cluster/coordinator.js');
  const { npyStreamInfo } = await import('../../src/io/npy-stream.js');
  const path = join(data, 'a.npy');
  const info = npyStreamInfo(path);
  const plan = { rows: info.rows, cols: info.cols, blockRows: 600, blockCount: 2 };
  const exec = await ClusterExecutor.connect(url(), path, info, plan, { jobId: 'idle1', idleTimeoutMs: 800 });
  const t0 = Date.now();
  try {
    await assert.rejects(exec.run({ kind: 'sketch', seed: 0, sizes: { range: 3, coRange: 3, core: 7, test: 2 } }, 1, () => undefined), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'E_CLUSTER');
      assert.match(err.message, /no job completed for 1 s, block 0 of pass 1 waiting \(2 in all\)/);
      return true;
    });
  } finally {
    await exec.close();
  }
  assert.ok(Date.now() - t0 < 20000);
});
