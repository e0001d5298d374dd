/**
 * The Node pipeline of `lowrank weights`: open a weight file or model, choose the tensors and
 * their ranks, and stream the output tensor by tensor (dense drop-in or factored), plus
 * `weights expand` (factored → dense). Only one tensor (and its SVD) is in memory at a time,
 * apart from a bounded cache of SVDs between the rank choice and the output
 * ({@link WEIGHTS_SVD_CACHE_BYTES}). Outputs appear atomically (`./weights-writer.ts`).
 *
 * @module
 */
import { basename } from 'node:path';

import { LowRankError } from '../core/errors.js';
import { Matrix, assertFinite } from '../core/matrix.js';
import { matmul } from '../linalg/matmul.js';
import { whiteningFromActivations, type Whitening } from '../methods/activation-aware.js';
import {
  FACTOR_U_SUFFIX,
  FACTOR_V_SUFFIX,
  LOWRANK_METADATA_KEY,
  analyzeTensor,
  chooseRanks,
  expandFactors,
  factorsAtRank,
  selectTensor,
  spectrumFigures,
  type MatrixView,
  type RankRule,
  type SelectionOptions,
  type TensorAnalysis,
  type WeightLayout,
} from '../methods/weight-compression.js';
import { writeNpz, type NpzArrayInput } from './npz.js';
import { checkOutputDir, checkOutputFile } from './output-set.js';
import { SAFETENSORS_DTYPE_BYTES, decodeFloats, elementCount, encodeFloats, type SafetensorsDtype } from './safetensors.js';
import { TFJS_SHARD_BYTES, tfjsShardNames, type TfjsWeightSpec } from './tfjs-weights.js';
import { NPZ_METADATA_NAME, openWeights, type WeightSource, type WeightTensor } from './weights-files.js';
import { AtomicOutput, SafetensorsStreamWriter, ShardedByteWriter } from './weights-writer.js';

/**
 * Most bytes of SVDs kept between choosing the ranks and writing the output (256 MiB); tensors
 * beyond it are read and decomposed again, so peak memory stays near the largest tensor's
 * working set whatever the model's size.
 */
export const WEIGHTS_SVD_CACHE_BYTES = 256 * 1024 * 1024;

/** The record of factored tensors stored under {@link LOWRANK_METADATA_KEY}. */
export interface FactoredRecord {
  format: 'lowrank-factored';
  version: 1;
  tensors: Record<string, { shape: number[]; dtype: SafetensorsDtype; rule: MatrixView['rule']; rows: number; cols: number; rank: number }>;
}

/** Options of {@link compressWeights}. */
export interface CompressWeightsOptions {
  /** A weight file or model ({@link openWeights}). */
  input: string;
  /** Output: a file for a single safetensors / npz input, a folder for sharded and tfjs models. */
  out: string;
  /** Compute and report without writing anything (`out` is ignored). */
  dryRun?: boolean;
  /**
   * `dense`: same names, shapes and dtypes; `factored`: NAME.lowrank_u / NAME.lowrank_v in the
   * tensor's dtype. tfjs models: compressed weights are written as float32 (a quantised kernel
   * that is approximated loses its quantisation); kept weights are copied byte for byte.
   */
  format: 'dense' | 'factored';
  rule: RankRule;
  /** Layout of n-D kernels (default: `keras` for tfjs models, else `torch`). */
  layout?: WeightLayout;
  include?: RegExp;
  exclude?: RegExp;
  minSize?: number;
  /** Per-weight sample inputs (samples × in-features) for activation-aware compression. */
  calibration?: string;
  /** Relative ridge of the whitening (see `DEFAULT_ACTIVATION_RIDGE`). */
  ridge?: number;
  /** Progress: a phase, the tensor, and how far. */
  onProgress?: (phase: 'analyse' | 'write', name: string, done: number, total: number) => void;
}

/** One row of the report. */
export interface WeightTensorReport {
  name: string;
  shape: number[];
  dtype: SafetensorsDtype;
  /** Compressed (factored or approximated). */
  compressed: boolean;
  /** Why it was kept as it is. */
  reason?: string;
  /** Matrix view rows×cols and rule (selected tensors). */
  view?: { rows: number; cols: number; rule: string };
  /** Rank kept (compressed tensors). */
  rank: number | null;
  /** Full rank min(rows, cols) (selected tensors). */
  fullRank?: number;
  paramsBefore: number;
  /** k·(rows+cols) when compressed, else as before. */
  paramsAfter: number;
  /** ‖W − Ŵ‖_F/‖W‖_F of the approximation as stored (0 when kept). */
  relativeError: number;
  /** The Eckart–Young optimum for this rank (relative; whitened norm when activation-aware). */
  optimalError?: number;
  /** Activation-aware: the relative error in the whitened norm ‖(W − Ŵ)L‖/‖WL‖ as stored. */
  whitenedError?: number;
  /** Share of Σσᵢ² kept (whitened, activation-aware). */
  energyKept?: number;
}

/** What {@link compressWeights} did. */
export interface WeightCompressionReport {
  input: string;
  out: string;
  format: 'dense' | 'factored';
  inputFormat: WeightSource['format'];
  layout: WeightLayout;
  activationAware: boolean;
  rule: RankRule;
  tensors: WeightTensorReport[];
  totals: {
    /** Every tensor's elements before and after. */
    paramsBefore: number;
    paramsAfter: number;
    /** The compressed tensors only. */
    selectedBefore: number;
    selectedAfter: number;
    /** Tensor data bytes before and after (factored format; dense outputs keep the size). */
    bytesBefore: number;
    bytesAfter: number;
    /** √(Σ‖W − Ŵ‖²) / √(Σ‖W‖²) over the compressed tensors. */
    relativeError: number;
  };
}

/** A tensor of the output: where it goes, and how to make its bytes. */
interface OutTensor {
  name: string;
  shape: number[];
  dtype: SafetensorsDtype;
  /** The input tensor it comes from (its shard decides the output shard). */
  from: WeightTensor;
  /** tfjs: the manifest entry (copied for kept weights, float32 for new ones). */
  tfjs?: TfjsWeightSpec;
  produce: () => Promise<Uint8Array>;
}

/**
 * Compresses a weight file or model (see `lowrank weights --help` for the rules) and writes the
 * output atomically.
 *
 * @returns the report (per tensor and totals).
 * @throws {@link LowRankError} `E_ARG` for bad options or a calibration without inputs for a
 *   selected weight; the errors of {@link openWeights} for bad files (nothing is written);
 *   `E_IO` when the output cannot be written.
 * @example
 * ```ts
 * const rep = await compressWeights({ input: 'model.safetensors', out: 'small.safetensors', format: 'factored',
 *   rule: { kind: 'params', value: 0.3, allocation: 'global' } });
 * ```
 */
export async function compressWeights(o: CompressWeightsOptions): Promise<WeightCompressionReport> {
  const src = await openWeights(o.input);
  const calib = o.calibration ? await openWeights(o.calibration) : null;
  try {
    // The output is checked before the (possibly long) computation; it is written only at the end.
    if (!o.dryRun) await checkOutput(src, o.out);
    const layout = o.layout ?? (src.format === 'tfjs' ? 'keras' : 'torch');
    const sel: SelectionOptions = { layout, include: o.include, exclude: o.exclude, minSize: o.minSize };
    const selections = src.tensors.map((t) => selectTensor(t, sel));
    const selected = src.tensors.map((t, i) => ({ t, i, s: selections[i] })).filter((x) => x.s.selected) as Array<{ t: WeightTensor; i: number; s: { selected: true; view: MatrixView } }>;
    // Calibration inputs must exist for every selected weight before any work starts.
    const calibFor = new Map<string, WeightTensor>();
    if (calib) {
      for (const { t, s } of selected) {
        const c = findCalibration(calib, t.name);
        if (!c) throw new LowRankError('E_ARG', `${calib.path}: no calibration inputs for weight '${t.name}' (expected a samples×${s.view.inputSide === 'cols' ? s.view.cols : s.view.rows} tensor named '${t.name}' or '${moduleName(t.name)}')`);
        const inDim = s.view.inputSide === 'cols' ? s.view.cols : s.view.rows;
        if (c.shape.length !== 2 || c.shape[1] !== inDim) {
          throw new LowRankError('E_SHAPE', `${calib.path}: calibration '${c.name}' has shape [${c.shape.join(', ')}], expected samples×${inDim} (the input features of '${t.name}', ${s.view.rows}×${s.view.cols} ${s.view.rule} view)`);
        }
        calibFor.set(t.name, c);
      }
    }
    const analyse = async (t: WeightTensor, view: MatrixView): Promise<{ w: Matrix; a: TensorAnalysis }> => {
      const w = new Matrix(view.rows, view.cols, await src.readFloats(t));
      assertFinite(w, `${t.file}: tensor '${t.name}'`);
      let wh: Whitening | undefined;
      const c = calibFor.get(t.name);
      if (c && calib) {
        const x = new Matrix(c.shape[0], c.shape[1], await calib.readFloats(c));
        assertFinite(x, `${calib.path}: calibration '${c.name}'`);
        wh = whiteningFromActivations(x, o.ridge);
      }
      return { w, a: analyzeTensor(w, view, wh) };
    };
    // Phase 1: spectra (and a bounded cache of the SVDs).
    const cache = new Map<string, TensorAnalysis>();
    let cached = 0;
    const spectra: Float64Array[] = [];
    for (let j = 0; j < selected.length; j++) {
      const { t, s } = selected[j];
      o.onProgress?.('analyse', t.name, j, selected.length);
      const { a } = await analyse(t, s.view);
      spectra.push(a.svd.S);
      const size = 8 * (a.svd.U.data.length + a.svd.Vt.data.length + (a.whitening ? a.whitening.L.data.length : 0));
      if (cached + size <= WEIGHTS_SVD_CACHE_BYTES) {
        cache.set(t.name, a);
        cached += size;
      }
    }
    const choices = chooseRanks(
      selected.map(({ t, s }, j) => ({ s: spectra[j], rows: s.view.rows, cols: s.view.cols, bytesPerElement: SAFETENSORS_DTYPE_BYTES[outDtypeName(src, t.dtype)], storedBytesPerElement: SAFETENSORS_DTYPE_BYTES[t.dtype] })),
      o.rule,
    );
    const chosen = new Map(selected.map(({ t, s }, j) => [t.name, { view: s.view, choice: choices[j], spectrum: spectra[j] }]));
    // Phase 2: output tensors (specs known now) and the report, filled as they are written.
    const reports: WeightTensorReport[] = [];
    const outs: OutTensor[] = [];
    const record: FactoredRecord = { format: 'lowrank-factored', version: 1, tensors: {} };
    let errNum = 0;
    let errDen = 0;
    let written = 0;
    for (let i = 0; i < src.tensors.length; i++) {
      const t = src.tensors[i];
      const params = elementCount(t.shape);
      const c = chosen.get(t.name);
      const sl = selections[i];
      if (!c || c.choice.dense) {
        reports.push({
          name: t.name, shape: t.shape, dtype: t.dtype, compressed: false,
          reason: !sl.selected ? sl.reason : 'factors would not be smaller',
          ...(c ? { view: { rows: c.view.rows, cols: c.view.cols, rule: c.view.rule }, fullRank: Math.min(c.view.rows, c.view.cols) } : {}),
          rank: null, paramsBefore: params, paramsAfter: params, relativeError: 0,
        });
        outs.push({ name: t.name, shape: t.shape, dtype: t.dtype, from: t, tfjs: t.tfjs, produce: () => src.readRaw(t) });
        continue;
      }
      const { view, choice, spectrum } = c;
      const k = choice.rank;
      const rep: WeightTensorReport = {
        name: t.name, shape: t.shape, dtype: t.dtype, compressed: true,
        view: { rows: view.rows, cols: view.cols, rule: view.rule }, rank: k, fullRank: Math.min(view.rows, view.cols),
        paramsBefore: params, paramsAfter: k * (view.rows + view.cols), relativeError: NaN,
        ...(() => { const f = spectrumFigures(spectrum, k); return { optimalError: f.optimalRelative, energyKept: f.energyKept }; })(),
      };
      reports.push(rep);
      const dt = outDtypeName(src, t.dtype);
      // The factors of this tensor, computed once for the one or two output tensors that need them.
      let pending: Promise<{ u: Uint8Array; v: Uint8Array; dense: Uint8Array | null }> | null = null;
      const compute = (): Promise<{ u: Uint8Array; v: Uint8Array; dense: Uint8Array | null }> => {
        pending ??= (async () => {
          o.onProgress?.('write', t.name, written++, selected.length);
          let a = cache.get(t.name);
          let w: Matrix;
          if (a) w = new Matrix(view.rows, view.cols, await src.readFloats(t));
          else ({ w, a } = await analyse(t, view));
          cache.delete(t.name);
          const f = k === 0 ? { u: Matrix.zeros(view.rows, 0), v: Matrix.zeros(0, view.cols) } : factorsAtRank(a, k);
          let u = encodeFloats(f.u.data, dt);
          let v = encodeFloats(f.v.data, dt);
          let dense: Uint8Array | null = null;
          let approx: Matrix;
          if (o.format === 'dense') {
            dense = encodeFloats(expandFactors(f.u, f.v).data, dt);
            approx = new Matrix(view.rows, view.cols, decodeFloats(dense, dt));
            u = v = new Uint8Array(0);
          } else {
            approx = expandFactors(new Matrix(view.rows, k, decodeFloats(u, dt)), new Matrix(k, view.cols, decodeFloats(v, dt)));
          }
          let num = 0;
          let den = 0;
          for (let q = 0; q < w.data.length; q++) {
            const d = w.data[q] - approx.data[q];
            num += d * d;
            den += w.data[q] * w.data[q];
          }
          rep.relativeError = den === 0 ? 0 : Math.sqrt(num / den);
          errNum += num;
          errDen += den;
          if (a.whitening) rep.whitenedError = whitenedRelativeError(w, approx, a);
          return { u, v, dense };
        })();
        return pending;
      };
      if (o.format === 'dense') {
        outs.push({ name: t.name, shape: t.shape, dtype: dt, from: t, tfjs: tfjsFloat(t, t.shape), produce: async () => (await compute()).dense as Uint8Array });
      } else {
        record.tensors[t.name] = { shape: t.shape, dtype: t.dtype, rule: view.rule, rows: view.rows, cols: view.cols, rank: k };
        const us = [view.rows, k];
        const vs = [k, view.cols];
        outs.push({ name: t.name + FACTOR_U_SUFFIX, shape: us, dtype: dt, from: t, tfjs: tfjsFloat(t, us, FACTOR_U_SUFFIX), produce: async () => (await compute()).u });
        outs.push({ name: t.name + FACTOR_V_SUFFIX, shape: vs, dtype: dt, from: t, tfjs: tfjsFloat(t, vs, FACTOR_V_SUFFIX), produce: async () => (await compute()).v });
      }
    }
    if (o.dryRun) {
      for (const x of outs) if (chosen.has(x.from.name)) await x.produce();
    } else {
      await writeOutput(src, outs, o.out, o.format === 'factored' ? record : null);
    }
    const sum = (f: (r: WeightTensorReport) => number, only = false): number => reports.reduce((a, r) => a + (only && !r.compressed ? 0 : f(r)), 0);
    // Stored bytes: kept tensors as they are; compressed ones in the output dtype (float32 for tfjs).
    const bytesOf = (r: WeightTensorReport, after: boolean): number => (after ? r.paramsAfter : r.paramsBefore) * SAFETENSORS_DTYPE_BYTES[after && r.compressed ? outDtypeName(src, r.dtype) : r.dtype];
    return {
      input: o.input,
      out: o.dryRun ? '' : o.out,
      format: o.format,
      inputFormat: src.format,
      layout,
      activationAware: calib !== null,
      rule: o.rule,
      tensors: reports,
      totals: {
        paramsBefore: sum((r) => r.paramsBefore),
        paramsAfter: sum((r) => r.paramsAfter),
        selectedBefore: sum((r) => r.paramsBefore, true),
        selectedAfter: sum((r) => r.paramsAfter, true),
        bytesBefore: sum((r) => bytesOf(r, false)),
        bytesAfter: sum((r) => bytesOf(r, true)),
        relativeError: errDen === 0 ? 0 : Math.sqrt(errNum / errDen),
      },
    };
  } finally {
    await src.close();
    await calib?.close();
  }
}

/** The dtype a compressed tensor is written in: its own, or float32 for tfjs models. */
function outDtypeName(src: WeightSource, d: SafetensorsDtype): SafetensorsDtype {
  return src.format === 'tfjs' ? 'F32' : d;
}

/** ‖(W − Ŵ)·L‖ / ‖W·L‖ in the orientation of the analysis. */
function whitenedRelativeError(w: Matrix, approx: Matrix, a: TensorAnalysis): number {
  const wh = a.whitening as Whitening;
  const diff = new Matrix(w.rows, w.cols, new Float64Array(w.data.length));
  for (let q = 0; q < w.data.length; q++) diff.data[q] = w.data[q] - approx.data[q];
  const dl = matmul(a.transposed ? diff.transpose() : diff, wh.L);
  let num = 0;
  for (const x of dl.data) num += x * x;
  return a.total === 0 ? 0 : Math.sqrt(num / a.total);
}

/** The tfjs manifest entry of a new float32 weight (the kept ones copy theirs). */
function tfjsFloat(t: WeightTensor, shape: number[], suffix = ''): TfjsWeightSpec | undefined {
  return t.tfjs ? { name: t.name + suffix, shape, dtype: 'float32' } : undefined;
}

/** The calibration tensor for a weight: the same name, or its module's name (without `.weight` / `/kernel`). */
function findCalibration(calib: WeightSource, name: string): WeightTensor | undefined {
  const m = moduleName(name);
  return calib.tensors.find((c) => c.name === name) ?? calib.tensors.find((c) => c.name === m);
}

/** `fc1.weight` → `fc1`, `dense/kernel` → `dense`. */
export function moduleName(name: string): string {
  return name.replace(/[./](weight|kernel)$/, '');
}

/**
 * Writes the output tensors in the input's format: one safetensors file, a sharded folder
 * (same shard names and a new index), a tfjs folder (model.json + `.bin` shards) or an `.npz`.
 */
async function writeOutput(src: WeightSource, outs: OutTensor[], out: string, record: FactoredRecord | null): Promise<void> {
  const kind = outputKind(src);
  const ao = await AtomicOutput.create(out, kind, { inputs: inputFiles(src) });
  try {
    if (src.format === 'safetensors') {
      const meta: Record<string, string> = { ...(src.metadata ?? {}) };
      if (record) meta[LOWRANK_METADATA_KEY] = JSON.stringify(record);
      else delete meta[LOWRANK_METADATA_KEY];
      const files = src.shards ? [...new Set(src.tensors.map((t) => t.file))] : [src.tensors[0]?.file ?? src.path];
      const weightMap: Record<string, string> = {};
      let totalSize = 0;
      for (const file of files) {
        const list = src.shards ? outs.filter((x) => x.from.file === file) : outs;
        const w = await SafetensorsStreamWriter.start(ao, basename(file), list, meta);
        for (const x of list) {
          const bytes = await x.produce();
          await w.append(x.name, bytes);
          weightMap[x.name] = basename(file);
          totalSize += bytes.byteLength;
        }
        w.finish();
      }
      if (src.shards) {
        await ao.writeFile(basename(src.path), JSON.stringify({ metadata: { ...meta, total_size: totalSize }, weight_map: weightMap }, null, 2) + '\n');
      }
    } else if (src.format === 'tfjs') {
      const specs = outs.map((x) => x.tfjs as TfjsWeightSpec);
      const total = outs.reduce((a, x) => a + elementCount(x.shape) * tfjsBytes(x.tfjs as TfjsWeightSpec), 0);
      const paths = tfjsShardNames(total);
      const json = { ...(src.tfjsJson ?? {}) } as Record<string, unknown>;
      json.weightsManifest = [{ paths, weights: specs }];
      const udm = { ...((json.userDefinedMetadata as Record<string, unknown> | undefined) ?? {}) };
      if (record) udm[LOWRANK_METADATA_KEY] = record;
      else delete udm[LOWRANK_METADATA_KEY];
      if (Object.keys(udm).length) json.userDefinedMetadata = udm;
      else delete json.userDefinedMetadata;
      const w = new ShardedByteWriter(ao, paths, TFJS_SHARD_BYTES);
      for (const x of outs) await w.append(await x.produce());
      await ao.writeFile(basename(src.path), JSON.stringify(json) + '\n');
    } else {
      const arrays = new Map<string, NpzArrayInput>();
      for (const x of outs) arrays.set(x.name, { shape: x.shape, data: decodeFloats(await x.produce(), x.dtype) });
      const meta = { ...(src.metadata ?? {}) };
      if (record) meta[LOWRANK_METADATA_KEY] = JSON.stringify(record);
      else delete meta[LOWRANK_METADATA_KEY];
      if (Object.keys(meta).length) {
        const bytes = new TextEncoder().encode(JSON.stringify(meta));
        arrays.set(NPZ_METADATA_NAME, { shape: [bytes.length], data: bytes });
      }
      await ao.writeFile('', writeNpz(arrays));
    }
    await ao.commit();
  } catch (err) {
    await ao.abort();
    throw err;
  }
}

/** An output that would replace one of the files being read is refused (E_ARG). */
function inputFiles(src: WeightSource): string[] {
  return [src.path, ...new Set(src.tensors.map((t) => t.file))];
}

/** The output kind of a source: a folder for sharded and tfjs models, else one file. */
function outputKind(src: WeightSource): 'file' | 'dir' {
  return src.format === 'tfjs' || src.shards ? 'dir' : 'file';
}

async function checkOutput(src: WeightSource, out: string): Promise<void> {
  if (outputKind(src) === 'dir') await checkOutputDir(out, { inputs: inputFiles(src) });
  else await checkOutputFile(out, { inputs: inputFiles(src), createParents: true });
}

function tfjsBytes(spec: TfjsWeightSpec): number {
  if (spec.quantization) return spec.quantization.dtype === 'uint8' ? 1 : 2;
  return spec.dtype === 'bool' ? 1 : 4;
}

/**
 * Turns a factored file or model (written by `lowrank weights --format factored`) back into a
 * dense one: each NAME.lowrank_u · NAME.lowrank_v becomes NAME again, in its original shape
 * and dtype; every other tensor is copied.
 *
 * @returns the names of the tensors expanded.
 * @throws {@link LowRankError} `E_FORMAT` when the input has no lowrank record or a factor is
 *   missing or has the wrong shape.
 * @example
 * ```ts
 * await expandWeights('small.safetensors', 'dense.safetensors');
 * ```
 */
export async function expandWeights(input: string, out: string): Promise<string[]> {
  const src = await openWeights(input);
  try {
    const raw = src.format === 'tfjs'
      ? ((src.tfjsJson?.userDefinedMetadata as Record<string, unknown> | undefined)?.[LOWRANK_METADATA_KEY] as FactoredRecord | undefined)
      : src.metadata?.[LOWRANK_METADATA_KEY] ? (JSON.parse(src.metadata[LOWRANK_METADATA_KEY]) as FactoredRecord) : undefined;
    if (!raw || raw.format !== 'lowrank-factored' || typeof raw.tensors !== 'object') {
      throw new LowRankError('E_FORMAT', `${input}: no '${LOWRANK_METADATA_KEY}' record of factored tensors (not written by lowrank weights --format factored)`);
    }
    const byName = new Map(src.tensors.map((t) => [t.name, t]));
    const outs: OutTensor[] = [];
    for (const t of src.tensors) {
      if (t.name.endsWith(FACTOR_V_SUFFIX) && raw.tensors[t.name.slice(0, -FACTOR_V_SUFFIX.length)]) continue;
      const base = t.name.endsWith(FACTOR_U_SUFFIX) ? t.name.slice(0, -FACTOR_U_SUFFIX.length) : null;
      const rec = base !== null ? raw.tensors[base] : undefined;
      if (base === null || !rec) {
        outs.push({ name: t.name, shape: t.shape, dtype: t.dtype, from: t, tfjs: t.tfjs, produce: () => src.readRaw(t) });
        continue;
      }
      const vt = byName.get(base + FACTOR_V_SUFFIX);
      if (!vt || t.shape.join() !== `${rec.rows},${rec.rank}` || vt.shape.join() !== `${rec.rank},${rec.cols}`) {
        throw new LowRankError('E_FORMAT', `${input}: factors of '${base}' missing or not ${rec.rows}×${rec.rank} and ${rec.rank}×${rec.cols}`);
      }
      const dtype = src.format === 'tfjs' ? 'F32' : rec.dtype;
      outs.push({
        name: base,
        shape: rec.shape,
        dtype,
        from: t,
        tfjs: t.tfjs ? { name: base, shape: rec.shape, dtype: 'float32' } : undefined,
        produce: async () => {
          const u = new Matrix(rec.rows, rec.rank, await src.readFloats(t));
          const v = new Matrix(rec.rank, rec.cols, await src.readFloats(vt));
          return encodeFloats(expandFactors(u, v).data, dtype);
        },
      });
    }
    await writeOutput(src, outs, out, null);
    return Object.keys(raw.tensors);
  } finally {
    await src.close();
  }
}
