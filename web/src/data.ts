/**
 * The playground's data: the seed's synthetic matrix, the built-in examples, and files the user
 * chooses or drops (.npy, .csv/.tsv/.txt, PNG/JPEG). Every loader validates before it allocates
 * and throws a {@link LowRankError} with one line naming the problem; the page shows it and
 * keeps its previous state.
 *
 * @module
 */
import { LowRankError, Matrix, Rng, matmul } from '../../src/index.js';
import { seedMatrix } from '../../src/methods.js';
import { parseDelimited, readNpy } from '../../src/io.js';
import { splitEntries, cooMatrix, type CooMatrix } from '../../src/ratings.js';
import { luma } from '../../src/methods.js';

/** Largest matrix (cells) the page accepts: its exact SVD must stay interactive on one core. */
export const MAX_CELLS = 2048 * 2048;
/** Images with more pixels are refused from their header, before any decoding (a 20,000×20,000 PNG would need 1.6 GB). */
export const MAX_IMAGE_PIXELS = 40_000_000;
/** Images are shown at most this many pixels a side (larger ones are scaled down when decoded): exact SVD of 512×512 is the bench's size. */
export const IMAGE_MAX_SIDE = 512;

/** What the page works on: a dense matrix, or observed entries with holes (ratings). */
export interface Dataset {
  /** Short description for the page (`seed 100×50`, `photo.png 512×384 grey`). */
  label: string;
  /** The dense matrix (for data with holes: the observed entries, NaN elsewhere — drawn, not factored). */
  matrix: Matrix;
  /** Observed entries split into training and held-out parts, for data with holes. */
  ratings?: { train: CooMatrix; test: CooMatrix };
  /** For images: the RGB channels (0–255), so the page can show the photo in colour. */
  channels?: Matrix[];
}

/** Checks the seed controls: positive integer sizes, hidden rank ≤ min(n, m), finite noise ≥ 0. */
export function seedDataset(n: number, m: number, hidden: number, noise: number, seed: number): Dataset {
  for (const [name, v] of [['n', n], ['m', m], ['hidden rank', hidden]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new LowRankError('E_ARG', `${name} must be a positive integer, got ${v}`);
  }
  if (n * m > MAX_CELLS) throw new LowRankError('E_ARG', `n×m = ${n}×${m} is more than the page takes (${MAX_CELLS} cells)`);
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new LowRankError('E_ARG', `noise must be a finite number ≥ 0, got ${noise}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new LowRankError('E_ARG', `seed must be a non-negative integer, got ${seed}`);
  return { label: `seed ${n}×${m}, hidden rank ${hidden}, noise ${noise}, seed ${seed}`, matrix: seedMatrix(n, m, hidden, noise, seed) };
}

/** A smooth 2-D field (a sum of a few separable waves and a Gaussian bump): its spectrum falls fast. */
export function fieldDataset(): Dataset {
  const n = 120;
  const m = 160;
  const a = Matrix.zeros(n, m);
  for (let i = 0; i < n; i++) {
    const y = i / (n - 1);
    for (let j = 0; j < m; j++) {
      const x = j / (m - 1);
      a.data[i * m + j] =
        Math.sin(2 * Math.PI * x) * Math.cos(3 * Math.PI * y) +
        0.5 * Math.sin(5 * Math.PI * x * y) +
        Math.exp(-((x - 0.3) ** 2 + (y - 0.6) ** 2) / 0.02);
    }
  }
  return { label: `smooth field ${n}×${m}`, matrix: a };
}

/**
 * A small ratings sample with holes: 80 users × 60 items, ratings 1–5 from a rank-3 taste model
 * plus noise, 30% of the entries observed, 20% of those held out (all from seed 0).
 */
export function ratingsDataset(): Dataset {
  const n = 80;
  const m = 60;
  const k = 3;
  const rng = new Rng(7);
  const u = Matrix.zeros(n, k);
  const v = Matrix.zeros(k, m);
  for (let i = 0; i < u.data.length; i++) u.data[i] = rng.normal();
  for (let i = 0; i < v.data.length; i++) v.data[i] = rng.normal();
  const taste = matmul(u, v);
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  const shown = new Matrix(n, m, new Float64Array(n * m).fill(NaN));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (rng.uniform() >= 0.3) continue;
      const r = Math.min(5, Math.max(1, Math.round(3 + 0.8 * taste.data[i * m + j] + 0.3 * rng.normal())));
      rows.push(i);
      cols.push(j);
      values.push(r);
      shown.data[i * m + j] = r;
    }
  }
  const all = cooMatrix(n, m, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(values));
  return withHoles(`ratings ${n} users × ${m} items`, shown, all);
}

/** Share of the observed entries held out to measure ALS on data with holes (seeded split, seed 0). */
export const HOLDOUT_FRACTION = 0.2;

/** A dataset with holes from its observed entries: a seeded split into training and held-out parts. */
function withHoles(label: string, shown: Matrix, observed: CooMatrix): Dataset {
  const { train, test } = splitEntries(observed, { testFraction: HOLDOUT_FRACTION, seed: 0 });
  return { label: `${label}, ${observed.values.length} observed (${test.values.length} held out)`, matrix: shown, ratings: { train, test } };
}

/**
 * A matrix read from a file: NaN entries are holes (missing values: the page trains ALS on the
 * others); ±Inf is refused.
 */
function fromFile(a: Matrix, label: string, name: string, where: (i: number) => string): Dataset {
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i];
    if (Number.isNaN(x)) continue;
    if (!Number.isFinite(x)) throw new LowRankError('E_NONFINITE', `${name}: ${where(i)} is ${x}; the page takes finite numbers, or NaN for a missing value`);
    rows.push(Math.floor(i / a.cols));
    cols.push(i % a.cols);
    values.push(x);
  }
  if (values.length === a.data.length) return { label, matrix: a };
  if (values.length === 0) throw new LowRankError('E_ARG', `${name}: every entry is NaN (missing); nothing to fit`);
  return withHoles(`${label} with ${a.data.length - values.length} missing`, a, cooMatrix(a.rows, a.cols, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(values)));
}

function checkCells(rows: number, cols: number, source: string): void {
  if (rows * cols > MAX_CELLS) {
    throw new LowRankError('E_ARG', `${source}: ${rows}×${cols} is more than the page takes (${MAX_CELLS} cells); use the CLI for large matrices`);
  }
  if (rows < 1 || cols < 1) throw new LowRankError('E_SHAPE', `${source}: the matrix is empty (${rows}×${cols})`);
}

/** A `.npy` file (numpy's format, any real dtype) as a float64 matrix; 1-D arrays become one row; NaN entries are holes. */
export function npyDataset(bytes: Uint8Array, name: string): Dataset {
  const a = readNpy(bytes, name);
  checkCells(a.rows, a.cols, name);
  const matrix = a.dtype === 'float64' ? a : a.astype('float64');
  return fromFile(matrix, `${name} ${a.rows}×${a.cols} ${a.dtype}`, name, (i) => `entry [${Math.floor(i / a.cols)}, ${i % a.cols}]`);
}

/** A delimited text file (CSV/TSV/whitespace, an optional header row) as a float64 matrix; `nan` cells are holes. */
export function csvDataset(text: string, name: string): Dataset {
  const a = parseDelimited(text, { source: name });
  checkCells(a.rows, a.cols, name);
  const matrix = a.dtype === 'float64' ? a : a.astype('float64');
  return fromFile(matrix, `${name} ${a.rows}×${a.cols}`, name, (i) => `row ${Math.floor(i / a.cols) + 1}, column ${(i % a.cols) + 1}`);
}

/**
 * Width and height of a PNG or JPEG from its header, without decoding it.
 * @throws {@link LowRankError} `E_FORMAT` when the bytes are neither (or the header is cut short).
 */
export function imageSize(bytes: Uint8Array, name: string): { width: number; height: number; format: 'png' | 'jpeg' } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) {
    if (bytes.length < 24) throw new LowRankError('E_FORMAT', `${name}: PNG header cut short at byte ${bytes.length}`);
    return { width: dv.getUint32(16), height: dv.getUint32(20), format: 'png' };
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let p = 2;
    while (p + 4 <= bytes.length) {
      if (bytes[p] !== 0xff) throw new LowRankError('E_FORMAT', `${name}: corrupt JPEG: no marker at byte ${p}`);
      const marker = bytes[p + 1];
      if (marker === 0xff) {
        p++;
        continue;
      }
      const len = dv.getUint16(p + 2);
      // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        if (p + 9 > bytes.length) break;
        return { height: dv.getUint16(p + 5), width: dv.getUint16(p + 7), format: 'jpeg' };
      }
      p += 2 + len;
    }
    throw new LowRankError('E_FORMAT', `${name}: JPEG without a frame header (cut short?)`);
  }
  throw new LowRankError('E_FORMAT', `${name}: not a PNG or JPEG file (unknown signature)`);
}

/**
 * Decodes a PNG/JPEG through the browser (createImageBitmap, canvas), after checking its size
 * from the header: more than {@link MAX_IMAGE_PIXELS} pixels is refused before decoding; larger
 * than {@link IMAGE_MAX_SIDE} a side is scaled down while decoding. The matrix is the grey level
 * (Rec. 601 luma, 0–255); the RGB channels are kept for the colour view.
 */
export async function imageDataset(bytes: Uint8Array, name: string): Promise<Dataset> {
  const { width, height, format } = imageSize(bytes, name);
  if (width < 1 || height < 1) throw new LowRankError('E_FORMAT', `${name}: image header says ${width}×${height}`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new LowRankError('E_ARG', `${name}: ${width}×${height} pixels is too large (at most ${MAX_IMAGE_PIXELS / 1e6} million pixels); scale it down first`);
  }
  const scale = Math.min(1, IMAGE_MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  let bitmap: ImageBitmap;
  try {
    const blob = new Blob([bytes as BlobPart], { type: format === 'png' ? 'image/png' : 'image/jpeg' });
    bitmap = await createImageBitmap(blob, scale < 1 ? { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' } : {});
  } catch {
    throw new LowRankError('E_FORMAT', `${name}: the browser could not decode this ${format.toUpperCase()} (corrupt file?)`);
  }
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const px = ctx.getImageData(0, 0, w, h).data;
  const channels = [0, 1, 2].map(() => Matrix.zeros(h, w));
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) channels[c].data[i] = px[i * 4 + c];
  }
  const size = scale < 1 ? `${width}×${height} shown at ${w}×${h}` : `${w}×${h}`;
  return { label: `${name} ${size}`, matrix: luma(channels), channels };
}

/** Reads a chosen or dropped file by its extension. */
export async function fileDataset(file: File): Promise<Dataset> {
  const name = file.name;
  const ext = name.toLowerCase().replace(/^.*(\.[^.]*)$/, '$1');
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (ext === '.npy') return npyDataset(bytes, name);
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return csvDataset(new TextDecoder().decode(bytes), name);
  if (ext === '.png' || ext === '.jpg' || ext === '.jpeg') return imageDataset(bytes, name);
  throw new LowRankError('E_UNSUPPORTED', `${name}: unknown file type '${ext}' (the page reads .npy, .csv, .tsv, .txt, .png, .jpg)`);
}
