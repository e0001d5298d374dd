/**
 * `.npy` row blocks read over HTTP by Range requests, from a node:http server started here on
 * 127.0.0.1 that honours Range (and one that ignores it): the streamed factors from a URL are
 * the local file's bit for bit, in one process and through a worker allowed the URL's prefix; a
 * worker without the prefix refuses the job with a one-line reason, and the run exits 1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { writeNpy } from '../../src/io/npy.js';
import { NpyRowReader } from '../../src/io/npy-stream.js';
import { allowedUrl } from '../../src/cluster/jobs.js';
import { runCli, tempDir } from '../cli/run-cli.js';
import { ClusterHarness, waitFor } from './harness.js';

// Bitwise identity across processes needs the same kernel tier and thread count on every side (the
// native tier's default thread count follows the machine's load at start-up; 1 and 2 threads differ
// in the last bits): every process of this file runs one thread.
process.env.LOWRANK_THREADS = '1';

const dir = tempDir('lowrank-http-range-');
const data = join(dir, 'data');
mkdirSync(data);
const h = new ClusterHarness(dir);
let server: Server;
let base = '';
/** Every request's Range header ('' when none) and path. */
const requests: { path: string; range: string }[] = [];

before(async () => {
  const rng = new Rng(4);
  const a = new Float64Array(600 * 30);
  rng.fillNormal(a);
  for (let i = 0; i < 600; i++) for (let j = 0; j < 30; j++) a[i * 30 + j] *= 0.85 ** j;
  writeFileSync(join(data, 'a.npy'), writeNpy(new Matrix(600, 30, a)));
  const bytes = readFileSync(join(data, 'a.npy'));
  server = createServer((req, res) => {
    const range = req.headers.range ?? '';
    requests.push({ path: req.url ?? '', range });
    if (req.url === '/ignores/a.npy') {
      res.writeHead(200, { 'Content-Length': bytes.length });
      res.end(bytes);
      return;
    }
    if (req.url !== '/data/a.npy') {
      res.writeHead(404).end();
      return;
    }
    const m = /^bytes=(\d+)-(\d+)$/.exec(range);
    if (!m) {
      res.writeHead(200, { 'Content-Length': bytes.length }).end(bytes);
      return;
    }
    const from = Number(m[1]);
    if (from >= bytes.length) {
      res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` }).end();
      return;
    }
    const to = Math.min(Number(m[2]), bytes.length - 1);
    res.writeHead(206, { 'Content-Range': `bytes ${from}-${to}/${bytes.length}`, 'Content-Length': to - from + 1 });
    res.end(bytes.subarray(from, to + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await h.startRedis();
});

after(async () => {
  await h.close();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const FACTOR = ['--rank', '5', '--block-rows', '70', '--seed', '1', '--quiet'];
const outputs = (out: string) => ['U.npy', 'V.npy', 'S.npy'].map((f) => readFileSync(join(dir, out, f)));

test('NpyRowReader over HTTP: the rows of the local file, each read one Range request; a server ignoring Range is refused', async () => {
  requests.length = 0;
  const local = await NpyRowReader.open(join(data, 'a.npy'));
  const remote = await NpyRowReader.open(`${base}/data/a.npy`);
  try {
    assert.deepEqual(remote.info, { ...local.info, path: `${base}/data/a.npy` });
    const a = await local.readRows(123, 77);
    const b = await remote.readRows(123, 77);
    assert.deepEqual(b.data, a.data);
  } finally {
    await local.close();
    await remote.close();
  }
  assert.equal(requests.length, 2);
  assert.ok(requests.every((r) => /^bytes=\d+-\d+$/.test(r.range)), JSON.stringify(requests));
  await assert.rejects(NpyRowReader.open(`${base}/ignores/a.npy`), /the server ignored the Range request/);
  await assert.rejects(NpyRowReader.open(`${base}/missing.npy`), /HTTP 404/);
});

test('allowedUrl: scheme, host, port and directory of a prefix; .. and credentials refused', () => {
  const prefixes = ['http://store:8080/data/'];
  assert.equal(allowedUrl('http://store:8080/data/x/a.npy', prefixes, 'path'), 'http://store:8080/data/x/a.npy');
  for (const url of ['http://store:8080/data/../etc/a.npy', 'http://store:8080/database.npy', 'https://store:8080/data/a.npy', 'http://store:8081/data/a.npy', 'http://other:8080/data/a.npy', 'http://u:p@store:8080/data/a.npy', 'http://store:8080/data/']) {
    assert.throws(() => allowedUrl(url, prefixes, 'path'), /job payload: path/, url);
  }
  assert.throws(() => allowedUrl('http://store:8080/data/a.npy', [], 'path'), /only under its --allow-url-prefix/);
});

test('factor URL: one process and a worker allowed the prefix give the local file\'s factors bit for bit; a worker without it refuses', { timeout: 120000 }, async () => {
  try {
    const ref = runCli(['factor', join(data, 'a.npy'), ...FACTOR, '--out', 'ref'], dir);
    assert.equal(ref.code, 0, ref.stderr);
    const want = outputs('ref');
    // Spawned, not spawnSync: the HTTP server runs in this process.
    const single = h.cli(['factor', `${base}/data/a.npy`, ...FACTOR, '--out', 'single']);
    assert.equal(await single.exited, 0, single.out());
    outputs('single').forEach((b, i) => assert.ok(b.equals(want[i]), `one process: file ${i} differs`));

    const refusing = h.worker(data, 1500);
    await waitFor('worker ready', () => refusing.out().includes('ready'));
    const refused = h.cli(['factor', `${base}/data/a.npy`, ...FACTOR, '--cluster', h.url, '--out', 'refused']);
    assert.equal(await refused.exited, 1, refused.out());
    assert.match(refused.out(), /lowrank: error: cluster: block \d+ of pass 1 failed after 1 attempt\(s\): job payload: path "http:.*\/data\/a\.npy" is a URL; this worker reads URLs only under its --allow-url-prefix/);
    assert.match(refusing.out(), /refused job .*: job payload: path "http:.*" is a URL/);
    await h.stopAll();

    const w = h.cli(['worker', '--redis', h.url, '--data-root', data, '--allow-url-prefix', `${base}/data/`]);
    await waitFor('worker ready', () => w.out().includes('ready'));
    requests.length = 0;
    const run = h.cli(['factor', `${base}/data/a.npy`, ...FACTOR, '--cluster', h.url, '--out', 'cluster']);
    assert.equal(await run.exited, 0, run.out());
    outputs('cluster').forEach((b, i) => assert.ok(b.equals(want[i]), `cluster: file ${i} differs`));
    assert.ok(requests.length > 0 && requests.every((r) => r.range !== ''), 'every read is a Range request');
  } finally {
    await h.stopAll();
  }
});

test('worker --allow-url-prefix must be an http(s) URL without credentials', () => {
  for (const bad of ['ftp://x/', 'http://u:p@x/', 'not a url']) {
    const r = runCli(['worker', '--redis', 'redis://127.0.0.1:1', '--allow-url-prefix', bad], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--allow-url-prefix must be an http:\/\/ or https:\/\/ URL/);
  }
});
