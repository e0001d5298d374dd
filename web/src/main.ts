/**
 * The playground page: controls, the URL-hash state, the views and the downloads. Compute runs
 * in workers (worker.ts); this module only wires the DOM to the library.
 *
 * Test contract: the controls carry stable `data-testid` attributes (see web/index.html); the
 * `error`, `optimum`, `gap` and `ratio` cells hold plain numbers; `body[data-state]` is
 * `loading`, `ready`, `running`, `pausing` (asked, not yet confirmed by the worker), `paused` or `done`.
 *
 * @module
 */
import { LowRankError, Matrix, approximationErrors, compressionRatio, matmul, optimalFrobeniusError, optimalityGap, psnr, type ThinSvd } from '../../src/index.js';
import { writeNpy } from '../../src/io.js';
import { reconstructImage, type ImageSvd } from '../../src/methods.js';
import { buildReport, encodePng, factorizationFigures, lineChart, optimalMse, spectrumFigure, channelsToRgba, type Series } from '../../src/viz.js';
import { fileDataset, fieldDataset, imageDataset, ratingsDataset, seedDataset, type Dataset } from './data.js';
import { drawHeatmap, drawResidual, finiteRange, putImage } from './draw.js';
import {
  CONTROL_ABORT, CONTROL_BUDGET, CONTROL_PAUSE, CONTROL_RUN, CONTROL_STATE,
  type TrainOptimizer, type WorkerReply, type WorkerRequest,
} from './protocol.js';
import { DEFAULT_LR, DEFAULT_SETTINGS, formatHash, parseHash, type Settings } from './state.js';

/** Epochs one press of `step` runs. */
export const STEP_EPOCHS = 10;
/** The example photo shipped with the page (copied from test/fixtures/images by the build). */
const PHOTO_URL = 'raccoon.png';

const el = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const input = (id: string): HTMLInputElement => el<HTMLInputElement>(id);

// ---------------------------------------------------------------- state
let settings: Settings = parseHash(location.hash);
let dataset: Dataset | null = null;
/** Exact SVD of the data (dense data only), computed once per dataset and reused by every rank. */
let full: ThinSvd | null = null;
/** Per-channel SVDs of a colour photo (colour mode). */
let colour: ImageSvd | null = null;
let svdWorker: Worker | null = null;
let trainWorker: Worker | null = null;
let requestId = 0;
let svdRequest = -1;
let colourRequests: number[] = [];

interface Run {
  id: number;
  method: 'adam' | 'sgd' | 'scaled' | 'als';
  state: 'running' | 'paused' | 'done';
  epochs: number[];
  losses: number[];
  validation: number[];
  control: Int32Array | null;
  /** Without shared memory: the epoch a replay resumes from. */
  resumeAt: number;
  lastEpoch: number;
}
let run: Run | null = null;

/** The factorization the views show: the SVD at the chosen rank, or a trained one. */
interface Shown {
  label: string;
  U: Matrix;
  V: Matrix;
  approx: Matrix;
  /** ALS: held-out RMSE. */
  heldOutRmse?: number;
}
let trained: Shown | null = null;

// ---------------------------------------------------------------- small helpers
/** A number as the metric cells hold it: plain text, every digit (the shortest string that reads back as the same double). */
function num(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? '' : String(x);
}

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  const m = el('message');
  m.textContent = text;
  m.dataset.kind = kind;
}

function fail(err: unknown): void {
  const text = err instanceof LowRankError ? err.message : err instanceof Error ? err.message : String(err);
  say(text, 'error');
}

/**
 * Shows the page's state in `body[data-state]`: `pausing` is a pause asked of the worker and not
 * yet confirmed; `paused` means the worker has stopped (it confirms at its next epoch).
 */
function setState(s: 'loading' | 'ready' | 'running' | 'pausing' | 'paused' | 'done'): void {
  document.body.dataset.state = s;
  const pause = el<HTMLButtonElement>('pause');
  pause.disabled = !(s === 'running' || s === 'paused' || s === 'pausing');
  pause.textContent = s === 'paused' || s === 'pausing' ? 'resume' : 'pause';
  el<HTMLButtonElement>('train').disabled = s === 'running' || s === 'loading';
}

const hasHoles = (): boolean => dataset?.ratings !== undefined;
const isTrainMethod = (): boolean => settings.method === 'adam' || settings.method === 'sgd' || settings.method === 'scaled';

function writeHash(): void {
  const h = formatHash(settings);
  if (location.hash !== h) history.replaceState(null, '', h);
}

function download(name: string, bytes: Uint8Array | string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---------------------------------------------------------------- workers
/** The kernel tier the workers run on (the library's getBackend() there), in the header. */
function showTier(backend: string): void {
  el('tier').textContent = `kernel tier: ${backend}${crossOriginIsolated ? ', cross-origin isolated' : ''}`;
}

function newWorker(onReply: (r: WorkerReply) => void): Worker {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.onmessage = (e: MessageEvent<WorkerReply>) => onReply(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    say(`worker failed: ${e.message}`, 'error');
  };
  return w;
}

function post(w: Worker, msg: WorkerRequest, transfer: Transferable[] = []): void {
  w.postMessage(msg, transfer);
}

function startSvd(): void {
  svdWorker?.terminate();
  svdWorker = null;
  for (const w of colourWorkers.splice(0)) w.terminate();
  colourParts.length = 0;
  full = null;
  colour = null;
  colourRequests = [];
  if (!dataset || hasHoles()) return;
  svdWorker = newWorker(onSvdReply);
  const a = dataset.matrix;
  svdRequest = ++requestId;
  post(svdWorker, { type: 'svd', id: svdRequest, rows: a.rows, cols: a.cols, data: Float64Array.from(a.data) });
  if (dataset.channels && settings.color === 'rgb') requestColour();
}

/** One worker per colour channel: the three SVDs run in parallel on a multi-core machine. */
const colourWorkers: Worker[] = [];

function requestColour(): void {
  if (!dataset?.channels || colourRequests.length > 0) return;
  colourRequests = dataset.channels.map((c) => {
    const id = ++requestId;
    const w = newWorker(onSvdReply);
    colourWorkers.push(w);
    post(w, { type: 'svd', id, rows: c.rows, cols: c.cols, data: Float64Array.from(c.data) });
    return id;
  });
}

const colourParts: Array<ThinSvd | null> = [];
function onSvdReply(r: WorkerReply): void {
  if (r.type === 'error') {
    fail(new Error(r.message));
    return;
  }
  if (r.type !== 'svd') return;
  const k = Math.min(r.rows, r.cols);
  const d: ThinSvd = { U: new Matrix(r.rows, k, r.U), S: r.S, Vt: new Matrix(k, r.cols, r.Vt) };
  if (r.id === svdRequest) {
    full = d;
    showTier(r.backend);
    el('timing').textContent = `exact SVD of ${r.rows}×${r.cols} in ${r.ms.toFixed(1)} ms`;
    el('timing').dataset.svdMs = String(r.ms);
    if (document.body.dataset.state === 'loading') setState('ready');
    render();
    return;
  }
  const c = colourRequests.indexOf(r.id);
  if (c < 0) return;
  colourParts[c] = d;
  if (colourRequests.every((_, i) => colourParts[i])) {
    for (const w of colourWorkers.splice(0)) w.terminate();
    const svds = colourParts.splice(0) as ThinSvd[];
    const totals = svds.map((d) => d.S.reduce((acc, x) => acc + x * x, 0));
    // As imageSvd(channels, 'rgb') returns it, from the three workers' exact SVDs.
    const exact = { mode: 'rgb' as const, names: ['R', 'G', 'B'], rows: r.rows, cols: r.cols, svds, totals, method: 'exact' as const };
    colour = exact;
    render();
  }
}

// ---------------------------------------------------------------- data
/** Loads the data the settings name; on failure shows the message and keeps the previous data and settings. */
async function loadData(next: Settings): Promise<boolean> {
  let d: Dataset;
  try {
    if (next.src === 'seed' || next.src === 'file') d = seedDataset(next.n, next.m, next.h, next.noise, next.seed);
    else if (next.src === 'field') d = fieldDataset();
    else if (next.src === 'ratings') d = ratingsDataset();
    else {
      const res = await fetch(PHOTO_URL);
      if (!res.ok) throw new LowRankError('E_IO', `${PHOTO_URL}: HTTP ${res.status}`);
      d = await imageDataset(new Uint8Array(await res.arrayBuffer()), PHOTO_URL);
    }
  } catch (err) {
    fail(err);
    showControls();
    return false;
  }
  const wasFile = next.src === 'file';
  if (wasFile) next.src = 'seed';
  settings = next;
  useDataset(d);
  if (wasFile) say('A link cannot carry a file: choose it again (showing the seed data meanwhile).');
  return true;
}

function useDataset(d: Dataset): void {
  dataset = d;
  resetRun();
  const maxRank = Math.min(d.matrix.rows, d.matrix.cols);
  settings.rank = Math.max(1, Math.min(Math.round(settings.rank) || 1, maxRank));
  if (hasHoles()) settings.method = 'als';
  else if (settings.method === 'als') settings.method = 'svd';
  el('data-label').textContent = d.label;
  setState('loading');
  showControls();
  startSvd();
  if (hasHoles()) setState('ready');
  render();
}

async function loadFile(file: File): Promise<void> {
  let d: Dataset;
  try {
    d = await fileDataset(file);
  } catch (err) {
    fail(err);
    return;
  }
  settings = { ...settings, src: 'file' };
  useDataset(d);
  say(`Loaded ${d.label}.`);
}

// ---------------------------------------------------------------- controls
function showControls(): void {
  const s = settings;
  const d = dataset;
  (el('source') as HTMLSelectElement).value = s.src;
  (el('source').querySelector('option[value=file]') as HTMLOptionElement).disabled = s.src !== 'file';
  for (const k of ['n', 'm', 'h', 'noise', 'seed', 'lr', 'epochs', 'init', 'reg', 'iters'] as const) input(k).value = String(s[k]);
  (el('color') as HTMLSelectElement).value = s.color;
  const method = el<HTMLSelectElement>('method');
  method.value = s.method;
  for (const o of Array.from(method.options)) o.disabled = hasHoles() ? o.value !== 'als' : o.value === 'als';
  const rank = input('rank');
  rank.max = String(d ? Math.min(d.matrix.rows, d.matrix.cols) : 1);
  rank.value = String(s.rank);
  el('rank-out').textContent = String(s.rank);
  const cls = document.body.classList;
  cls.toggle('is-seed', s.src === 'seed');
  cls.toggle('is-image', d?.channels !== undefined);
  cls.toggle('is-train', isTrainMethod());
  cls.toggle('is-als', s.method === 'als');
  el('error-label').textContent = s.method === 'als' ? 'held-out RMSE' : 'Frobenius error ‖A − UV‖';
  writeHash();
}

function readNumber(id: string): number {
  return Number(input(id).value);
}

/** A data control changed: reload the data, or restore the control when the value is refused. */
async function onDataControl(): Promise<void> {
  const next: Settings = {
    ...settings,
    src: el<HTMLSelectElement>('source').value as Settings['src'],
    n: readNumber('n'), m: readNumber('m'), h: readNumber('h'), noise: readNumber('noise'), seed: readNumber('seed'),
  };
  // As `lowrank demo --seed s`, one seed drives the data and the initialisation, unless the init seed was set apart.
  if (settings.init === settings.seed) next.init = next.seed;
  if (await loadData(next)) say('');
}

/** Method, rank or a hyper-parameter changed. Training results of other settings are dropped. */
function onMethodControl(e: Event): void {
  const target = e.target as HTMLElement;
  const next = { ...settings };
  if (target.id === 'rank') next.rank = readNumber('rank');
  else if (target.id === 'method') {
    next.method = el<HTMLSelectElement>('method').value as Settings['method'];
    if (next.method === 'adam' || next.method === 'sgd' || next.method === 'scaled') next.lr = DEFAULT_LR[next.method];
  } else if (target.id === 'color') next.color = el<HTMLSelectElement>('color').value as Settings['color'];
  else {
    const key = target.id as 'lr' | 'epochs' | 'init' | 'reg' | 'iters';
    const v = readNumber(key);
    const ok = key === 'lr' ? v > 0 && Number.isFinite(v) : key === 'reg' ? v >= 0 && Number.isFinite(v) : Number.isSafeInteger(v) && v >= (key === 'init' ? 0 : 1);
    if (!ok) {
      say(`${key === 'lr' ? 'learning rate' : key === 'iters' ? 'sweeps' : key} must be ${key === 'lr' ? 'a number > 0' : key === 'reg' ? 'a number ≥ 0' : key === 'init' ? 'an integer ≥ 0' : 'an integer ≥ 1'}, got '${input(key).value}'`, 'error');
      showControls();
      return;
    }
    next[key] = v;
  }
  const max = dataset ? Math.min(dataset.matrix.rows, dataset.matrix.cols) : 1;
  next.rank = Math.max(1, Math.min(max, Math.round(next.rank) || 1));
  const onlyRank = target.id === 'rank' && settings.method === 'svd';
  settings = next;
  if (target.id === 'color' && settings.color === 'rgb') requestColour();
  if (!onlyRank && target.id !== 'color') resetRun();
  showControls();
  render();
}

// ---------------------------------------------------------------- training
function resetRun(): void {
  if (run && run.state !== 'done') {
    if (run.control) {
      Atomics.store(run.control, CONTROL_STATE, CONTROL_ABORT);
      Atomics.notify(run.control, CONTROL_STATE);
    }
    trainWorker?.terminate();
    trainWorker = null;
  }
  run = null;
  trained = null;
  el('epoch').textContent = '';
  if (dataset) setState(hasHoles() || full ? 'ready' : 'loading');
  drawLoss();
}

function ensureTrainWorker(): Worker {
  if (!trainWorker) trainWorker = newWorker(onTrainReply);
  return trainWorker;
}

/** Starts (or, without shared memory, replays from `from`) a training run; `stopAt` ≥ 0 pauses there. */
function sendTrain(r: Run, from: number, stopAt: number): void {
  const a = (dataset as Dataset).matrix;
  post(ensureTrainWorker(), {
    type: 'train', id: r.id, rows: a.rows, cols: a.cols, data: Float64Array.from(a.data),
    optimizer: r.method as TrainOptimizer, rank: settings.rank, lr: settings.lr, epochs: settings.epochs, seed: settings.init,
    from, stopAt, control: r.control ? (r.control.buffer as SharedArrayBuffer) : null,
  });
}

function startTraining(stepOnly: boolean): void {
  if (!dataset) return;
  if (settings.method === 'svd') {
    if (!full) return say('The SVD is still being computed.');
    trained = null;
    render();
    setState('done');
    return;
  }
  resetRun();
  const control = typeof SharedArrayBuffer !== 'undefined' && crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(8)) : null;
  run = { id: ++requestId, method: settings.method, state: 'running', epochs: [], losses: [], validation: [], control, resumeAt: 0, lastEpoch: -1 };
  if (settings.method === 'als') {
    const { train, test } = dataset.ratings as NonNullable<Dataset['ratings']>;
    const part = (c: typeof train) => ({ row: c.row.slice(), col: c.col.slice(), values: c.values.slice() });
    post(ensureTrainWorker(), {
      type: 'als', id: run.id, rows: train.rows, cols: train.cols, train: part(train), test: part(test),
      rank: settings.rank, reg: settings.reg, iterations: settings.iters, seed: settings.init,
    });
  } else {
    if (control && stepOnly) Atomics.store(control, CONTROL_BUDGET, STEP_EPOCHS);
    sendTrain(run, 0, !control && stepOnly ? STEP_EPOCHS : -1);
  }
  setState('running');
  say('');
}

function pauseOrResume(): void {
  if (!run || run.state === 'done') return;
  if (run.state === 'running') {
    run.state = 'paused';
    if (run.control) {
      // The worker blocks at its next epoch and confirms with 'paused'.
      Atomics.store(run.control, CONTROL_STATE, CONTROL_PAUSE);
      setState('pausing');
    } else {
      trainWorker?.terminate();
      trainWorker = null;
      run.resumeAt = run.lastEpoch + 1;
      setState('paused');
    }
  } else resume(-1);
}

function resume(budget: number): void {
  if (!run || run.state !== 'paused') return;
  run.state = 'running';
  setState('running');
  if (run.control) {
    Atomics.store(run.control, CONTROL_BUDGET, Math.max(0, budget));
    Atomics.store(run.control, CONTROL_STATE, CONTROL_RUN);
    Atomics.notify(run.control, CONTROL_STATE);
  } else sendTrain(run, run.resumeAt, budget > 0 ? run.resumeAt + budget : -1);
}

function step(): void {
  if (!isTrainMethod()) return startTraining(false);
  if (run && run.state === 'paused') resume(STEP_EPOCHS);
  else if (!run || run.state === 'done') startTraining(true);
}

function onTrainReply(r: WorkerReply): void {
  if (!run || r.id !== run.id) return;
  const a = (dataset as Dataset).matrix;
  if (r.type === 'progress') {
    for (let i = 0; i < r.points.length; i += 2) {
      run.epochs.push(r.points[i]);
      run.losses.push(r.points[i + 1]);
      run.lastEpoch = r.points[i];
    }
    if (r.validation) run.validation.push(...r.validation.filter((_, i) => i % 2 === 1));
    if (run.method !== 'als') showTrainingMetrics(a);
    scheduleLoss();
  } else if (r.type === 'paused' || r.type === 'stopped') {
    // A confirmation that crossed a resume on its way is stale: the worker runs again.
    if (r.type === 'paused' && run.control && Atomics.load(run.control, CONTROL_STATE) !== CONTROL_PAUSE) return;
    run.state = 'paused';
    run.resumeAt = r.epoch;
    if (r.type === 'stopped') {
      trainWorker?.terminate();
      trainWorker = null;
    }
    setState('paused');
  } else if (r.type === 'done') {
    run.state = 'done';
    const U = new Matrix(a.rows, r.rank, r.U);
    const V = new Matrix(r.rank, a.cols, r.V);
    let approx = matmul(U.astype('float64'), V.astype('float64'));
    if (r.biases) {
      const { global, user, item } = r.biases;
      const [lo, hi] = r.range ?? [-Infinity, Infinity];
      const d = approx.data;
      for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) d[i * a.cols + j] = Math.min(hi, Math.max(lo, d[i * a.cols + j] + global + user[i] + item[j]));
      approx = new Matrix(a.rows, a.cols, d);
    }
    trained = { label: run.method, U, V, approx, heldOutRmse: r.heldOutRmse };
    el('timing').textContent = `${run.method}: ${r.epochsRun} ${run.method === 'als' ? 'sweeps' : 'epochs'} in ${r.trainMs.toFixed(1)} ms (${r.backend} tier)`;
    el('epoch').textContent = String(r.epochsRun - 1);
    showTier(r.backend);
    el('timing').dataset.trainMs = String(r.trainMs);
    el('timing').dataset.backend = r.backend;
    setState('done');
    render();
    scheduleLoss();
  } else if (r.type === 'error') {
    resetRun();
    fail(new Error(r.message));
  }
}

/** Error during training from the loss (the MSE before the last update): ‖A − UV‖_F = √(loss·n·m). */
function showTrainingMetrics(a: Matrix): void {
  if (!run || run.losses.length === 0) return;
  const error = Math.sqrt(run.losses[run.losses.length - 1] * a.rows * a.cols);
  const optimum = full ? optimalFrobeniusError(full.S, settings.rank) : null;
  el('error').textContent = num(error);
  el('gap').textContent = optimum === null ? '' : num(optimalityGap(error, optimum));
  el('epoch').textContent = String(run.lastEpoch);
}

// ---------------------------------------------------------------- views
/** U_k·diag(S_k) (n×k) and V_k^T (k×m) of the cached SVD: the `left` split of svdFactorize. */
function svdFactors(d: ThinSvd, k: number): { U: Matrix; V: Matrix } {
  const n = d.U.rows;
  const r = d.U.cols;
  const m = d.Vt.cols;
  const U = Matrix.zeros(n, k);
  for (let i = 0; i < n; i++) for (let l = 0; l < k; l++) U.data[i * k + l] = d.U.data[i * r + l] * d.S[l];
  const V = new Matrix(k, m, (d.Vt.data as Float64Array).slice(0, k * m));
  return { U, V };
}

function current(): Shown | null {
  if (trained) return trained;
  if (!full || hasHoles()) return null;
  const { U, V } = svdFactors(full, settings.rank);
  return { label: 'svd', U, V, approx: matmul(U, V) };
}

function render(): void {
  if (!dataset) return;
  const a = dataset.matrix;
  const k = settings.rank;
  const shown = current();
  const training = isTrainMethod() || settings.method === 'als';
  const optimum = full ? optimalFrobeniusError(full.S, k) : null;
  el('optimum').textContent = num(optimum);
  el('ratio').textContent = num(compressionRatio(a.rows, a.cols, k));
  el<HTMLButtonElement>('download-u').disabled = !shown;
  el<HTMLButtonElement>('download-v').disabled = !shown;
  // A method that has not run yet shows the SVD's pictures but none of its numbers.
  const own = shown && (!training || trained);
  const [lo, hi] = finiteRange(a);
  drawHeatmap(el('heatmap-original'), a, lo, hi);
  let relative: number | null = null;
  if (shown) {
    drawHeatmap(el('heatmap-approx'), shown.approx, lo, hi);
    const res = Matrix.zeros(a.rows, a.cols);
    for (let i = 0; i < res.data.length; i++) res.data[i] = a.data[i] - shown.approx.data[i];
    drawResidual(el('heatmap-residual'), res);
    el('approx-caption').textContent = own ? `approximation UV (${shown.label}, rank ${k})` : `exact SVD at rank ${k} (press train to run ${settings.method})`;
  } else {
    for (const id of ['heatmap-approx', 'heatmap-residual']) putImage(el(id), { width: 1, height: 1, data: new Uint8ClampedArray([240, 240, 240, 255]) });
    el('approx-caption').textContent = hasHoles() ? 'predictions (press train to run ALS)' : 'approximation (computing the SVD…)';
  }
  if (own && shown) {
    if (shown.heldOutRmse !== undefined) {
      el('error').textContent = num(shown.heldOutRmse);
      el('gap').textContent = '';
      el('avg-percent').textContent = '';
      el('relative').textContent = '';
    } else {
      const e = approximationErrors(a, shown.approx);
      relative = e.relative;
      el('error').textContent = num(e.frobenius);
      el('gap').textContent = optimum === null ? '' : num(optimalityGap(e.frobenius, optimum));
      el('avg-percent').textContent = num(e.avgPercent);
      el('relative').textContent = num(e.relative);
    }
  } else if (!run) {
    for (const id of ['error', 'gap', 'avg-percent', 'relative']) el(id).textContent = '';
  }
  renderImage(shown, own ? shown : null);
  renderSpectrum(relative);
  drawLoss();
}

function renderImage(shown: Shown | null, own: Shown | null): void {
  const d = dataset as Dataset;
  if (!d.channels) return;
  const k = settings.rank;
  const grey = [d.matrix];
  const colourMode = settings.color === 'rgb';
  putImage(el('image-original'), channelsToRgba(colourMode ? d.channels : grey));
  let rec: Matrix[] | null = null;
  let label = '';
  if (colourMode && (!own || own.label === 'svd')) {
    if (colour) {
      rec = reconstructImage(colour, [k, k, k]);
      label = `colour, rank ${k} per channel (exact SVD)`;
    }
  } else if (shown) {
    const clipped = Matrix.zeros(shown.approx.rows, shown.approx.cols);
    for (let i = 0; i < clipped.data.length; i++) clipped.data[i] = Math.min(255, Math.max(0, shown.approx.data[i]));
    rec = [clipped];
    label = `grey, rank ${k} (${own ? own.label : 'exact SVD'})`;
  }
  if (!rec) {
    el('image-caption').textContent = 'computing the colour SVDs…';
    el('psnr').textContent = '';
    return;
  }
  putImage(el('image-approx'), channelsToRgba(rec));
  const value = psnr(rec.length === 3 ? d.channels : grey, rec);
  el('psnr').textContent = num(value);
  el('image-caption').textContent = `${label}, PSNR ${value.toFixed(2)} dB`;
}

function renderSpectrum(relative: number | null): void {
  const box = el('spectrum');
  if (!full) {
    box.innerHTML = `<p class="note">${hasHoles() ? 'Data with holes has no SVD: ALS fits the observed entries only.' : 'computing the SVD…'}</p>`;
    return;
  }
  box.innerHTML = spectrumFigure(full.S, settings.rank, relative === null ? {} : { achievedRelativeError: relative, achievedLabel: `${trained?.label ?? 'svd'}, rank ${settings.rank}` });
}

let lossScheduled = false;
function scheduleLoss(): void {
  if (lossScheduled) return;
  lossScheduled = true;
  requestAnimationFrame(() => {
    lossScheduled = false;
    drawLoss();
  });
}

/** The optimal MSE ‖A − A_k‖²_F / (n·m): the loss the network would reach at the optimum. */
function optimalLoss(): number | null {
  return full && dataset ? optimalMse(full.S, settings.rank, dataset.matrix.rows, dataset.matrix.cols) : null;
}

/** Most points drawn per line of the live loss chart: longer runs are thinned evenly (the last point kept) so a redraw stays well under a frame. */
export const LOSS_CHART_MAX_POINTS = 1500;

/** Every ⌈len / max⌉-th entry of `xs`, and the last. */
function thin(xs: readonly number[], max: number): number[] {
  if (xs.length <= max) return xs as number[];
  const step = Math.ceil(xs.length / max);
  const out: number[] = [];
  for (let i = 0; i < xs.length; i += step) out.push(xs[i]);
  if ((xs.length - 1) % step !== 0) out.push(xs[xs.length - 1]);
  return out;
}

function lossSvg(width: number, height: number): string | null {
  if (!run || run.losses.length === 0) return null;
  const als = run.method === 'als';
  const x = thin(run.epochs, LOSS_CHART_MAX_POINTS);
  const series: Series[] = [{ name: als ? 'training MSE' : 'training loss (MSE)', x, y: thin(run.losses, LOSS_CHART_MAX_POINTS) }];
  if (als && run.validation.length > 0) series.push({ name: 'held-out MSE', x, y: thin(run.validation.map((v) => v * v), LOSS_CHART_MAX_POINTS) });
  const opt = als ? null : optimalLoss();
  return lineChart(series, {
    title: `${run.method}, rank ${settings.rank}: ${run.losses.length} ${als ? 'sweeps' : 'epochs'}`,
    subtitle: `last ${run.losses[run.losses.length - 1].toPrecision(4)}${opt ? ` · optimum ${opt.toPrecision(4)} (${(run.losses[run.losses.length - 1] / opt).toFixed(2)}×)` : ''}`,
    xLabel: als ? 'sweep' : 'epoch',
    yLabel: 'MSE (log scale)',
    logY: true,
    hLines: opt ? [{ value: opt, label: 'optimum (truncated SVD)', color: '#d62728' }] : [],
    legend: als ? 'top-right' : 'none',
    width,
    height,
  });
}

function drawLoss(): void {
  const box = el('loss-chart');
  box.dataset.points = String(run?.losses.length ?? 0);
  const svg = lossSvg(900, 340);
  box.innerHTML = svg ?? `<p class="note">${isTrainMethod() || settings.method === 'als' ? 'Press train: the loss is drawn as it falls, the optimum as a line.' : 'The exact SVD is computed, not trained: choose adam, sgd or scaled to watch the network learn.'}</p>`;
}

// ---------------------------------------------------------------- downloads
function factorsForDownload(): Shown | null {
  return current();
}

/** Rasterises an SVG string (from the library's figures) into PNG bytes through a canvas. */
async function svgToPngBytes(svg: string): Promise<Uint8Array> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.naturalWidth;
  c.height = img.naturalHeight;
  const ctx = c.getContext('2d') as CanvasRenderingContext2D;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.drawImage(img, 0, 0);
  const blob = await new Promise<Blob | null>((ok) => c.toBlob(ok, 'image/png'));
  if (!blob) throw new LowRankError('E_IO', 'the browser could not encode the figure as PNG');
  return new Uint8Array(await blob.arrayBuffer());
}

function figureSet(): ReturnType<typeof factorizationFigures> | null {
  const shown = factorsForDownload();
  if (!dataset || !shown || hasHoles()) return null;
  return factorizationFigures({
    original: dataset.matrix,
    approximation: shown.approx,
    rank: settings.rank,
    lossHistory: trained && run ? run.losses : undefined,
    spectrum: full?.S,
    methodLabel: shown.label,
  });
}

/** Which canvas stands for a figure when the library's figures cannot be drawn (data with holes). */
const FIGURE_CANVAS: Partial<Record<FigureName, string>> = { comparison: 'heatmap-approx', residual: 'heatmap-residual' };
type FigureName = 'comparison' | 'residual' | 'loss' | 'spectrum';

/** Downloads one figure as PNG: the library's SVG figure rasterised, or (data with holes) the canvas through the library's PNG encoder. */
async function downloadFigure(key: FigureName): Promise<void> {
  const svg = figureSet()?.[key];
  if (svg) return download(`${key}.png`, await svgToPngBytes(svg), 'image/png');
  const id = hasHoles() ? FIGURE_CANVAS[key] : undefined;
  if (!id || !trained) return say(`No ${key} figure yet: ${key === 'loss' ? 'train a network first' : key === 'spectrum' ? 'data with holes has no spectrum' : 'compute or train first'}.`, 'error');
  const c = el<HTMLCanvasElement>(id);
  const px = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height);
  download(`${key}.png`, encodePng({ width: px.width, height: px.height, data: px.data }), 'image/png');
}

function downloadReport(): void {
  const figs = figureSet();
  const shown = factorsForDownload();
  if (!figs || !shown || !dataset) return say('Nothing to report yet: compute or train first.', 'error');
  const cells = ['error', 'optimum', 'gap', 'ratio', 'avg-percent', 'relative', 'psnr'].map((id) => [el(id).closest('tr')?.querySelector('th')?.textContent ?? id, el(id).textContent || null]);
  const html = buildReport({
    title: 'lowrank playground',
    subtitle: `${dataset.label}: rank ${settings.rank} by ${shown.label}`,
    parameters: { ...settings, link: location.href },
    tables: [{ title: 'Metrics', columns: ['', shown.label], rows: cells.map(([name, v]) => [name, v === null ? null : Number(v)]) }],
    figures: (['comparison', 'residual', 'loss', 'spectrum'] as const).filter((k) => figs[k]).map((k) => ({ title: k, svg: figs[k] })),
    footer: 'Made by the lowrank playground. One self-contained file: no scripts, no network.',
  });
  download('report.html', html, 'text/html');
}

// ---------------------------------------------------------------- wiring
function wire(): void {
  for (const id of ['source', 'n', 'm', 'h', 'noise', 'seed']) el(id).addEventListener('change', () => void onDataControl());
  for (const id of ['method', 'color', 'lr', 'epochs', 'init', 'reg', 'iters']) el(id).addEventListener('change', onMethodControl);
  el('rank').addEventListener('input', (e) => {
    el('rank-out').textContent = input('rank').value;
    onMethodControl(e);
  });
  el('train').addEventListener('click', () => startTraining(false));
  el('pause').addEventListener('click', pauseOrResume);
  el('step').addEventListener('click', step);
  el('reset').addEventListener('click', () => {
    resetRun();
    render();
  });
  el('file').addEventListener('change', () => {
    const f = input('file').files?.[0];
    if (f) void loadFile(f);
    input('file').value = '';
  });
  const save = (name: 'U' | 'V'): void => {
    const s = factorsForDownload();
    if (s) download(`${name}.npy`, writeNpy(s[name]), 'application/octet-stream');
  };
  el('download-u').addEventListener('click', () => save('U'));
  el('download-v').addEventListener('click', () => save('V'));
  for (const key of ['comparison', 'residual', 'loss', 'spectrum'] as const) {
    el(`download-${key}`).addEventListener('click', () => void downloadFigure(key).catch(fail));
  }
  el('download-report').addEventListener('click', downloadReport);
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey || t.closest('input, select, textarea')) return;
    const action = { t: () => startTraining(false), p: pauseOrResume, s: step, r: () => el('reset').click() }[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  });
  const drop = el('drop');
  window.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.hidden = false;
  });
  window.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) drop.hidden = true;
  });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.hidden = true;
    const f = e.dataTransfer?.files[0];
    if (f) void loadFile(f);
  });
  window.addEventListener('hashchange', () => void loadData(parseHash(location.hash)));
}

wire();
void loadData(settings).then((ok) => {
  if (!ok) void loadData({ ...DEFAULT_SETTINGS });
});
