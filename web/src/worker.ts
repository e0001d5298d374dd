/**
 * The playground's compute worker: exact SVD, the seed's network trained by Adam / SGD /
 * scaled GD with live loss points, and ALS on ratings with held-out RMSE. Keeps the page
 * responsive while it computes.
 *
 * Pause and step: when the page is cross-origin isolated it shares an Int32Array control word;
 * the training's progress callback (every epoch) blocks on it with Atomics.wait while paused, so
 * a pause keeps the optimizer state and resumes where it stopped. Without shared memory the page
 * terminates the worker to pause and replays the (deterministic, seeded) run to resume.
 *
 * @module
 */
import { Matrix, LowRankError, getBackend, svd, type Progress } from '../../src/index.js';
import { CsrMatrix, alsFactorize, cooMatrix, ratingErrors } from '../../src/ratings.js';
import { gradientFactorize } from '../../src/methods.js';
import {
  CONTROL_ABORT, CONTROL_BUDGET, CONTROL_PAUSE, CONTROL_STATE,
  type WorkerReply, type WorkerRequest,
} from './protocol.js';

/** Loss points are sent at most this often (ms), so a long run does not flood the page. */
const FLUSH_MS = 40;

/** Thrown from the progress callback to end a run the page aborted or paused by replay. */
class Stop extends Error {
  constructor(readonly epoch: number) {
    super('stopped');
  }
}

const post = (msg: WorkerReply, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(msg, transfer);

function messageOf(err: unknown): string {
  if (err instanceof LowRankError) return err.message;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function runSvd(r: Extract<WorkerRequest, { type: 'svd' }>): void {
  const t0 = performance.now();
  const f = svd(new Matrix(r.rows, r.cols, r.data));
  const ms = performance.now() - t0;
  const U = f.U.data as Float64Array;
  const Vt = f.Vt.data as Float64Array;
  post({ type: 'svd', id: r.id, U, S: f.S, Vt, rows: r.rows, cols: r.cols, ms, backend: getBackend().name }, [U.buffer, Vt.buffer]);
}

function runTrain(r: Extract<WorkerRequest, { type: 'train' }>): void {
  const control = r.control ? new Int32Array(r.control) : null;
  let points: number[] = [];
  let last = performance.now();
  const flush = (): void => {
    if (points.length > 0) post({ type: 'progress', id: r.id, points });
    points = [];
    last = performance.now();
  };
  const onProgress = (p: Progress): void => {
    if (r.stopAt >= 0 && p.epoch >= r.stopAt) {
      flush();
      throw new Stop(p.epoch);
    }
    if (p.epoch >= r.from) points.push(p.epoch, p.loss);
    if (performance.now() - last >= FLUSH_MS) flush();
    if (!control) return;
    // A step budget counts epochs down; when it runs out the run pauses.
    if (Atomics.load(control, CONTROL_BUDGET) > 0 && Atomics.sub(control, CONTROL_BUDGET, 1) === 1) {
      Atomics.compareExchange(control, CONTROL_STATE, 0, CONTROL_PAUSE);
    }
    for (;;) {
      const state = Atomics.load(control, CONTROL_STATE);
      if (state === CONTROL_ABORT) throw new Stop(p.epoch);
      if (state !== CONTROL_PAUSE) break;
      flush();
      post({ type: 'paused', id: r.id, epoch: p.epoch });
      Atomics.wait(control, CONTROL_STATE, CONTROL_PAUSE);
    }
  };
  try {
    const f = gradientFactorize(new Matrix(r.rows, r.cols, r.data), {
      rank: r.rank, optimizer: r.optimizer, lr: r.lr, epochs: r.epochs, seed: r.seed, logEvery: 1, onProgress,
    });
    flush();
    const U = f.U.data;
    const V = f.V.data;
    post({ type: 'done', id: r.id, U, V, rank: r.rank, epochsRun: f.epochsRun ?? r.epochs, trainMs: f.timings.trainMs, backend: getBackend().name }, [U.buffer, V.buffer]);
  } catch (err) {
    if (err instanceof Stop) post({ type: 'stopped', id: r.id, epoch: err.epoch });
    else throw err;
  }
}

function runAls(r: Extract<WorkerRequest, { type: 'als' }>): void {
  const train = cooMatrix(r.rows, r.cols, r.train.row, r.train.col, r.train.values);
  const test = cooMatrix(r.rows, r.cols, r.test.row, r.test.col, r.test.values);
  const points: number[] = [];
  const validation: number[] = [];
  const t0 = performance.now();
  const f = alsFactorize(CsrMatrix.fromCoo(train), {
    rank: r.rank, reg: r.reg, iterations: r.iterations, seed: r.seed, biases: true, validation: test,
    onProgress: (p) => {
      points.push(p.epoch, p.loss);
      validation.push(p.epoch, p.validationRmse ?? NaN);
    },
  });
  const trainMs = performance.now() - t0;
  post({ type: 'progress', id: r.id, points, validation });
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of r.train.values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const range: [number, number] = [lo, hi];
  const heldOutRmse = ratingErrors({ U: f.U, V: f.V, biases: f.biases, range }, test).rmse;
  const U = f.U.data;
  const V = f.V.data;
  post({ type: 'done', id: r.id, U, V, rank: r.rank, epochsRun: f.epochsRun ?? r.iterations, trainMs, backend: getBackend().name, heldOutRmse, biases: f.biases, range }, [U.buffer, V.buffer]);
}

self.onmessage = (e: MessageEvent<WorkerRequest>): void => {
  const r = e.data;
  try {
    if (r.type === 'svd') runSvd(r);
    else if (r.type === 'train') runTrain(r);
    else runAls(r);
  } catch (err) {
    post({ type: 'error', id: r.id, message: messageOf(err) });
  }
};
