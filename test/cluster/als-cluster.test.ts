/**
 * Distributed ALS on a real Redis with real `lowrank worker` processes: the model of
 * `factor --format ratings --method als --cluster URL` is the single-process one bit for bit with 1
 * and 2 workers (both sides on the TypeScript tier); the library coordinator gives alsFactorize's
 * factors, biases and loss history exactly, with small blocks returned inline and a large one as a
 * file; a coordinator killed after a sweep resumes with the same --job-id; malformed payloads are
 * refused with a logged one-line reason and the run fails with exit 1; --memory refuses a budget
 * the ratings would exceed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Rng } from '../../src/core/rng.js';
import { cooMatrix, CsrMatrix } from '../../src/core/sparse.js';
import { alsFactorize } from '../../src/methods/als.js';
import { distributedAls } from '../../src/cluster/als-coordinator.js';
import { startBlockWorker } from '../../src/cluster/worker.js';
import { ALS_INLINE_BYTES } from '../../src/cluster/als-jobs.js';
import { runCli, tempDir } from '../cli/run-cli.js';
import { assertPayloadsRefused, ClusterHarness, waitFor } from './harness.js';

// Bitwise identity across processes needs the same kernel tier and thread count on every side (the
// native tier's default thread count follows the machine's load at start-up; 1 and 2 threads differ
// in the last bits): every process of this file runs one thread.
process.env.LOWRANK_THREADS = '1';

const dir = tempDir('lowrank-als-cluster-');
const shared = join(dir, 'shared');
mkdirSync(shared);
const LOCK_MS = 1500;
const JS = { LOWRANK_BACKEND: 'js' };
const h = new ClusterHarness(dir);

/** n users × m items, `per` ratings each from a rank-3 model plus noise, half-star steps in [0.5, 5]. */
function ratings(n: number, m: number, per: number, seed: number): { rows: number[]; cols: number[]; values: number[] } {
  const rng = new Rng(seed);
  const u = new Float64Array(n * 3);
  const v = new Float64Array(m * 3);
  rng.fillNormal(u);
  rng.fillNormal(v);
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const seen = new Set<number>();
    while (seen.size < Math.min(per, m)) seen.add(Math.floor(rng.uniform() * m));
    for (const j of seen) {
      let x = 3 + 0.3 * rng.normal();
      for (let t = 0; t < 3; t++) x += 0.6 * u[i * 3 + t] * v[j * 3 + t];
      rows.push(i);
      cols.push(j);
      values.push(Math.min(5, Math.max(0.5, Math.round(x * 2) / 2)));
    }
  }
  return { rows, cols, values };
}

before(async () => {
  await h.startRedis();
  const r = ratings(150, 90, 15, 5);
  const lines = ['userId,movieId,rating,timestamp', ...r.values.map((x, e) => `${r.rows[e] + 1},${r.cols[e] + 1},${x},0`)];
  writeFileSync(join(dir, 'ratings.csv'), lines.join('\n') + '\n');
});

after(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const FACTOR = ['factor', 'ratings.csv', '--format', 'ratings', '--method', 'als', '--rank', '4', '--sweeps', '3', '--seed', '2', '--test-fraction', '0.1', '--quiet'];
const CLUSTER = () => ['--cluster', h.url, '--data-root', shared, '--block-rows', '40'];
const MODEL = ['U.npy', 'V.npy', 'user_bias.npy', 'item_bias.npy'];
const model = (out: string) => MODEL.map((f) => readFileSync(join(dir, out, f)));

test('factor --cluster on ratings: 1 and 2 workers give the single-process ALS model bit for bit', { timeout: 120000 }, async () => {
  try {
    const ref = runCli([...FACTOR, '--out', 'ref'], dir, JS);
    assert.equal(ref.code, 0, ref.stderr);
    const refBytes = model('ref');
    const refJson = JSON.parse(readFileSync(join(dir, 'ref', 'model.json'), 'utf8'));
    const workers: Array<ReturnType<typeof h.worker>> = [];
    for (const n of [1, 2]) {
      while (workers.length < n) workers.push(h.worker(shared, LOCK_MS, JS));
      await waitFor('workers ready', () => workers.every((w) => w.out().includes('ready')));
      const run = h.cli([...FACTOR, ...CLUSTER(), '--out', `w${n}`], JS);
      assert.equal(await run.exited, 0, run.out());
      model(`w${n}`).forEach((b, i) => assert.ok(b.equals(refBytes[i]), `${n} worker(s): ${MODEL[i]} differs`));
      const j = JSON.parse(readFileSync(join(dir, `w${n}`, 'model.json'), 'utf8'));
      assert.deepEqual(j.metrics, refJson.metrics, `${n} worker(s): the metrics differ`);
    }
    // 150 users and 90 items in blocks of 40: 4 + 3 jobs per sweep; both workers took some.
    for (const w of workers) assert.match(w.out(), /done run\d+p\d+-als-\d-(users|items)-\d/);
    assert.deepEqual(readdirSync(shared), [], 'the run directory is removed after success');
  } finally {
    await h.stopAll();
  }
});

test('distributedAls: factors, biases and loss history of alsFactorize, small blocks inline and a large one as a file', { timeout: 120000 }, async () => {
  const worker = await startBlockWorker({ connection: h.connection, dataRoot: shared, lockMs: LOCK_MS, log: () => undefined });
  try {
    const cases = [
      { n: 150, m: 90, per: 15, k: 4, biases: false, blockRows: 33, lossTol: 0.05 },
      // 16000 users × (k + 1) float64 in one block exceed the inline limit: the worker writes a file.
      { n: 16000, m: 40, per: 3, k: 8, biases: true, blockRows: 16000, lossTol: 0 },
    ];
    assert.ok(16000 * 9 * 8 > ALS_INLINE_BYTES);
    for (const c of cases) {
      const r = ratings(c.n, c.m, c.per, 9);
      const csr = CsrMatrix.fromCoo(cooMatrix(c.n, c.m, Int32Array.from(r.rows), Int32Array.from(r.cols), Float64Array.from(r.values)));
      const opts = { rank: c.k, reg: 0.05, iterations: 4, biases: c.biases, seed: 3, lossTol: c.lossTol };
      const want = alsFactorize(csr, opts);
      const got = await distributedAls(csr, { ...opts, url: h.url, dataRoot: shared, blockRows: c.blockRows, jobId: `lib${c.n}` });
      assert.deepEqual(got.U.data, want.U.data);
      assert.deepEqual(got.V.data, want.V.data);
      assert.deepEqual(got.lossHistory, want.lossHistory);
      assert.deepEqual(got.biases, want.biases);
      assert.deepEqual(got.params, want.params);
    }
    // The same run id with other ratings (one value changed) is another run, not a resume.
    const r = ratings(150, 90, 15, 9);
    r.values[7] = r.values[7] === 5 ? 4.5 : r.values[7] + 0.5;
    const other = CsrMatrix.fromCoo(cooMatrix(150, 90, Int32Array.from(r.rows), Int32Array.from(r.cols), Float64Array.from(r.values)));
    await assert.rejects(distributedAls(other, { ...cases[0], rank: 4, reg: 0.05, iterations: 4, seed: 3, url: h.url, dataRoot: shared, jobId: 'lib150' }), /--job-id lib150 belongs to another run/);
  } finally {
    await worker.close();
  }
});

test('a coordinator killed after sweep 1 and restarted with the same --job-id reuses the completed blocks', { timeout: 120000 }, async () => {
  try {
    const refBytes = model('ref');
    const w = h.worker(shared, LOCK_MS, JS);
    const args = [...FACTOR.filter((x) => x !== '--quiet'), ...CLUSTER(), '--out', 'resumed', '--job-id', 'alsresume'];
    const first = h.cli(args, JS);
    await waitFor('sweep 1 done', () => first.out().includes('sweep 1 items: block 3/3'));
    // per-block progress: blocks done / total, throughput and ETA of the half-sweep
    assert.match(first.out(), /sweep 1 users: block 4\/4, [\d.]+ blocks\/s, ETA [\d.]+ s/);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = h.cli(args, JS);
    assert.equal(await second.exited, 0, second.out());
    model('resumed').forEach((b, i) => assert.ok(b.equals(refBytes[i]), `${MODEL[i]} differs`));
    for (const half of ['users', 'items']) {
      const runs = w.out().match(new RegExp(`done alsresume-als-1-${half}-\\d+`, 'g')) ?? [];
      assert.equal(runs.length, half === 'users' ? 4 : 3, `sweep 1 ${half}: ${runs.length} jobs done`);
    }
  } finally {
    await h.stopAll();
  }
});

test('malformed ALS payloads are refused with a one-line reason; a run directory outside the data root fails with exit 1', { timeout: 120000 }, async () => {
  const other = join(dir, 'other');
  mkdirSync(join(other, 'run'), { recursive: true });
  try {
    const w = h.worker(other, LOCK_MS, JS);
    await waitFor('worker ready', () => w.out().includes('ready'));
    writeFileSync(join(other, 'f.npy'), 'x');
    const base = {
      run: 'bad', sweep: 1, half: 'users', block: 0, dir: join(other, 'run'), indptr: join(other, 'f.npy'), indices: join(other, 'f.npy'), values: join(other, 'f.npy'),
      rows: 10, cols: 5, nnz: 20, start: 0, count: 10, fixed: join(other, 'f.npy'), fixedBias: null, k: 2, reg: 0.1, mu: 0,
    };
    const cases: [string, object, RegExp][] = [
      ['outside', { indices: '/etc/passwd' }, /indices "\/etc\/passwd" is outside the data root/],
      ['negative', { block: -1 }, /block must be a non-negative integer/],
      ['huge', { rows: 2e8, count: 2e8, k: 4000 }, /exceeds the .*block limit/],
      ['half', { half: 'both' }, /half must be 'users' or 'items'/],
      ['file', {}, /f\.npy: not a \.npy file/],
    ];
    const queue = new Queue('lowrank-blocks', { connection: h.connection });
    try {
      await assertPayloadsRefused(queue, 'als', 'badals', base, cases, w.out);
    } finally {
      await queue.close();
    }
    const run = h.cli([...FACTOR, ...CLUSTER(), '--out', 'refused'], JS);
    assert.equal(await run.exited, 1, run.out());
    assert.match(run.out(), /lowrank: error: cluster: block \d+ of sweep 1 \(users\) failed after 1 attempt\(s\): job payload: dir .* is outside the data root/);
  } finally {
    await h.stopAll();
  }
});

test('--cluster and --memory on ratings: usage errors and a budget the ratings exceed are one line, exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['--method', 'bpmf', '--cluster', 'redis://127.0.0.1:1'], /--cluster distributes ALS on ratings: give --method als \(this run: --method bpmf\)/],
    [['--method', 'als', '--cluster', 'redis://127.0.0.1:1', '--compare'], /--cluster trains one ALS model; it cannot be combined with --compare/],
    [['--method', 'als', '--data-root', shared], /--data-root is for --cluster runs on ratings/],
    [['--method', 'als', '--memory', '100MiB'], /--memory 100\.0 MiB is too small for ratings\.csv: its text alone is .* \(plus 200\.0 MiB for the process\)/],
    // Past the file's size, below the estimate: 2247 ratings of 150 users × 90 items.
    [['--method', 'als', '--memory', String(200 * 1024 ** 2 + 60000)], /--memory 200\.1 MiB is too small: \d+ ratings of 150 users × 90 items at rank 4 need about 200\.\d MiB/],
  ];
  for (const [extra, msg] of cases) {
    const r = runCli(['factor', 'ratings.csv', '--format', 'ratings', '--rank', '4', '--quiet', '--out', 'mem', ...extra], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const fits = runCli(['factor', 'ratings.csv', '--format', 'ratings', '--method', 'als', '--rank', '4', '--sweeps', '1', '--quiet', '--memory', '1GiB', '--out', 'fits'], dir);
  assert.equal(fits.code, 0, fits.stderr);
});
