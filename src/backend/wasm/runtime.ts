/**
 * The WebAssembly tier's runtime: one linear memory, one instance of the kernels per thread, the
 * memory layout, operand copies and the GEMM thread pool. Browser-safe: threads are started
 * through an injected {@link WorkerSpawner} (Node's comes from `node.ts`).
 *
 * Memory layout (byte offsets, all 16-byte aligned):
 *
 * ```
 * 0 … __heap_base      module stack (unused by the kernels) and data
 * job                  JOB_BYTES: the job block (a GEMM or ALS rows) shared with workers (see kernels.c `Job`)
 * scratch              scratchStride × thread slots: packed A, packed B, edge tile per thread (ALS: row systems)
 * operands             per call: copies of the inputs and outputs, reused by the next call
 * ```
 *
 * wasm32 addresses 4 GiB at most: a call whose operands do not fit is refused with
 * `E_UNSUPPORTED` (CLI exit 2) naming the native tier. Memory grows on demand and never shrinks.
 *
 * @packageDocumentation
 */
import { LowRankError } from '../../core/errors.js';
import type { FloatArray } from '../../core/matrix.js';
import type { GemmArgs } from '../backend.js';
import { SIMD_MODULE_BASE64, SIMD_MT_MODULE_BASE64 } from './module-bytes.js';
import { WORKER_SOURCE, type WorkerSpawner } from './worker-source.js';

/** WebAssembly page size (64 KiB). */
const PAGE = 65536;
/** wasm32's addressable limit: 65536 pages = 4 GiB. */
export const WASM_MAX_BYTES = 4 * 1024 * 1024 * 1024;
const MAX_PAGES = WASM_MAX_BYTES / PAGE;
/** Bytes reserved for the job block. */
const JOB_BYTES = 128;
/** Int32 indices of the job block's words (kernels.c `Job`). */
const J = { seq: 0, next: 1, done: 2, nchunks: 3, f64: 4, transA: 5, transB: 6, m: 7, n: 8, k: 9, a: 10, lda: 11, b: 12, ldb: 13, c: 14, ldc: 15, splitN: 16, chunk: 17, scratch: 18, scratchStride: 19, stop: 20, helped: 21, kind: 26, sweep: 27, bounds: 28, gram: 29, failed: 30 } as const;
/** `kind` of a job: a GEMM, or the rows of an explicit or implicit ALS half-sweep (kernels.c `Job`). */
export const JOB_GEMM = 0;
export const JOB_ALS_ROWS = 1;
export const JOB_IMPLICIT_ALS_ROWS = 2;
/** Float64 indices of alpha and beta in the job block. */
const J_ALPHA = 11;
const J_BETA = 12;

/**
 * Below this many multiply-adds a GEMM runs on the calling thread alone: waking a worker costs
 * tens of microseconds, about what 2²¹ multiply-adds take at this tier's speed.
 */
export const THREADED_GEMM_MIN_WORK = 1 << 21;
/** Chunks per thread of a threaded GEMM: more than one evens out cores slowed by other load. */
export const GEMM_CHUNKS_PER_THREAD = 3;

/** The exported functions of kernels.c. */
interface KernelExports {
  gemm_run(job: number, tid: number): void;
  gemm_scratch_bytes(): number;
  factor_gradient_f32(n: number, m: number, k: number, u: number, v: number, a: number, gu: number, gv: number, scale: number, r: number): number;
  factor_gradient_f64(n: number, m: number, k: number, u: number, v: number, a: number, gu: number, gv: number, scale: number, r: number): number;
  adam_f32(len: number, p: number, g: number, m: number, v: number, b1: number, b2: number, eps: number, stepSize: number, invSqrtBc2: number): void;
  adam_f64(len: number, p: number, g: number, m: number, v: number, b1: number, b2: number, eps: number, stepSize: number, invSqrtBc2: number): void;
  svd_f64(m: number, n: number, a: number, s: number, u: number, vt: number, work: number): number;
  residual_lanes_f64_f64(x: number, y: number, len: number, below: number, lanes: number): void;
  residual_lanes_f64_f32(x: number, y: number, len: number, below: number, lanes: number): void;
  residual_lanes_f32_f32(x: number, y: number, len: number, below: number, lanes: number): void;
  residual_lanes_f32_f64(x: number, y: number, len: number, below: number, lanes: number): void;
  svd_f64_work(m: number, n: number): number;
  als_scratch_doubles(d: number): number;
  als_sweep_bytes(): number;
  als_sweep_init(
    p: number, rows: number, k: number, indptr: number, indices: number, values: number, fixed: number, fixedBias: number,
    out: number, outBias: number, reg: number, mu: number,
  ): void;
  implicit_sweep_init(
    p: number, rows: number, cols: number, k: number, indptr: number, indices: number, values: number, fixed: number,
    out: number, alpha: number, reg: number, gram: number,
  ): void;
  als_half_sweep_f64(
    rows: number, k: number, indptr: number, indices: number, values: number, fixed: number, fixedBias: number,
    out: number, outBias: number, reg: number, mu: number, scratch: number,
  ): number;
  implicit_als_scratch_doubles(k: number): number;
  implicit_als_half_sweep_f64(
    rows: number, cols: number, k: number, indptr: number, indices: number, values: number, fixed: number,
    out: number, alpha: number, reg: number, scratch: number,
  ): number;
  __heap_base: WebAssembly.Global;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const align16 = (x: number): number => Math.ceil(x / 16) * 16;

/** Bytes that {@link WasmRuntime.alloc} reserves for `elements` of float64 (`f64`) or 32-bit elements: 16-byte aligned. */
export const bytesOf = (elements: number, f64: boolean): number => align16(elements * (f64 ? 8 : 4));

/** Options of {@link WasmRuntime.create}. */
export interface RuntimeOptions {
  /** Use the threaded module on a shared memory (needs `SharedArrayBuffer`). */
  shared: boolean;
  /** Starts workers; `null`: one thread. */
  spawner: WorkerSpawner | null;
  /** Whether this thread may block in `Atomics.wait` (else it spins while workers finish). */
  canBlock: boolean;
  /** Compiles the module bytes (default `new WebAssembly.Module`); Node's entry compiles eagerly optimized. */
  compile?: (bytes: Uint8Array<ArrayBuffer>) => WebAssembly.Module;
}

/** A placed operand: its byte offset in linear memory. */
export type Ptr = number;

/** Arguments of {@link WasmRuntime.gemmAt}: {@link GemmArgs} with operands already in linear memory. */
export type GemmAt = Omit<GemmArgs, 'a' | 'b' | 'c'> & { f64: boolean; a: Ptr; b: Ptr; c: Ptr };

/**
 * One memory, its instances and threads. Synchronous by design: the module is compiled with
 * `new WebAssembly.Module` (allowed in Node for any size, in browsers for modules this small and
 * in workers), so {@link getBackend} can stay synchronous.
 */
export class WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  private readonly module: WebAssembly.Module;
  readonly ex: KernelExports;
  private readonly jobPtr: number;
  private readonly scratchStride: number;
  private readonly spawner: WorkerSpawner | null;
  private readonly canBlock: boolean;
  /** Thread slots with scratch (the calling thread included). */
  private slots = 1;
  /** Workers started (threads − 1 at most). */
  private workers = 0;
  /** Threads a GEMM may use. */
  threads = 1;
  /** Start of the per-call operand area. */
  private operandBase = 0;
  /** Next free byte of the current call's operands. */
  private top = 0;
  private i32!: Int32Array;
  private f64view!: Float64Array;
  private f32view!: Float32Array;
  private u8!: Uint8Array;

  private constructor(opts: RuntimeOptions) {
    this.shared = opts.shared;
    this.spawner = opts.shared ? opts.spawner : null;
    this.canBlock = opts.canBlock;
    const bytes = decodeBase64(opts.shared ? SIMD_MT_MODULE_BASE64 : SIMD_MODULE_BASE64);
    this.module = opts.compile ? opts.compile(bytes) : new WebAssembly.Module(bytes);
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: opts.shared } as WebAssembly.MemoryDescriptor);
    this.ex = new WebAssembly.Instance(this.module, { env: { memory: this.memory } }).exports as unknown as KernelExports;
    this.jobPtr = align16(Number(this.ex.__heap_base.value));
    this.scratchStride = align16(this.ex.gemm_scratch_bytes());
    this.operandBase = this.jobPtr + JOB_BYTES + this.scratchStride;
    this.ensureBytes(this.operandBase);
    this.refreshViews();
  }

  /** Compiles and instantiates the kernels; throws what the engine throws when it cannot. */
  static create(opts: RuntimeOptions): WasmRuntime {
    return new WasmRuntime(opts);
  }

  /** Whether more than one thread can run here. */
  get canThread(): boolean {
    return this.spawner !== null;
  }

  /** Uses up to `threads` threads for large GEMMs (workers start with the first such GEMM). */
  setThreads(threads: number): void {
    this.threads = this.canThread ? threads : 1;
    if (this.threads > this.slots) {
      // Scratch slots sit below the operand area; per-call operands are re-placed every call.
      this.slots = this.threads;
      this.operandBase = this.jobPtr + JOB_BYTES + this.slots * this.scratchStride;
      this.ensureBytes(this.operandBase);
    }
  }

  /**
   * Starts the workers {@link threads} asks for. Called by the first GEMM large enough to be
   * split, so that a process whose products are all small (the seed's demo) never pays for them.
   */
  private startWorkers(): void {
    while (this.workers < this.threads - 1 && this.spawner) {
      this.workers++;
      this.spawner(WORKER_SOURCE, { module: this.module, memory: this.memory, job: this.jobPtr, tid: this.workers });
    }
  }

  private refreshViews(): void {
    const buf = this.memory.buffer;
    if (this.u8 !== undefined && this.u8.buffer === buf && this.u8.byteLength === buf.byteLength) return;
    this.i32 = new Int32Array(buf);
    this.f64view = new Float64Array(buf);
    this.f32view = new Float32Array(buf);
    this.u8 = new Uint8Array(buf);
  }

  /** Grows memory to at least `bytes`; refuses sizes wasm32 cannot address. */
  private ensureBytes(bytes: number): void {
    if (bytes > WASM_MAX_BYTES) {
      throw new LowRankError(
        'E_UNSUPPORTED',
        `the problem needs ${(bytes / 2 ** 30).toFixed(2)} GiB of WebAssembly memory, over wasm32's 4 GiB limit; use the native tier (--backend native, LOWRANK_BACKEND=native) or smaller blocks`,
      );
    }
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch (err) {
      throw new LowRankError(
        'E_MEMORY',
        `could not grow WebAssembly memory to ${(bytes / 2 ** 30).toFixed(2)} GiB (${String((err as Error).message ?? err)}); use the native tier or smaller blocks`,
      );
    }
    this.refreshViews();
  }

  /**
   * Starts placing the operands of one call: `bytes` is their total size (each rounded up to
   * 16), checked against the 4 GiB limit and made available at once so that later views stay valid.
   */
  begin(bytes: number): void {
    this.top = this.operandBase;
    this.ensureBytes(this.operandBase + bytes);
    this.refreshViews();
  }

  /** Reserves `elements` of the dtype of `like` (16-byte aligned); returns its byte offset. */
  alloc(elements: number, f64: boolean): Ptr {
    const p = this.top;
    this.top += bytesOf(elements, f64);
    return p;
  }

  /** Reserves room for `src` and copies it in; returns its byte offset. */
  put(src: FloatArray, length = src.length): Ptr {
    const f64 = src instanceof Float64Array;
    const p = this.alloc(length, f64);
    this.view(f64).set(length === src.length ? src : src.subarray(0, length), p / (f64 ? 8 : 4));
    return p;
  }

  /** Reserves room for `length` elements of an Int32Array and copies them in; returns its byte offset. */
  putInt32(src: Int32Array, length = src.length): Ptr {
    const p = this.alloc(length, false);
    new Int32Array(this.memory.buffer, p, length).set(length === src.length ? src : src.subarray(0, length));
    return p;
  }

  /** The typed view of linear memory for one dtype. */
  view(f64: boolean): FloatArray {
    return f64 ? this.f64view : this.f32view;
  }

  /** Copies `length` elements at `p` back into `dst`. */
  get(p: Ptr, dst: FloatArray, length = dst.length): void {
    const f64 = dst instanceof Float64Array;
    const start = p / (f64 ? 8 : 4);
    dst.set(this.view(f64).subarray(start, start + length) as Float64Array & Float32Array);
  }

  /**
   * GEMM on operands in linear memory, split over the threads when large enough: chunks of
   * columns of C (n ≥ m) or of rows, claimed by whichever thread is free.
   */
  gemmAt(g: GemmAt): void {
    const work = g.m * g.n * g.k;
    const threads = work >= THREADED_GEMM_MIN_WORK ? this.threads : 1;
    if (threads > 1 && this.workers < threads - 1) this.startWorkers();
    const splitN = g.n >= g.m;
    const total = splitN ? g.n : g.m;
    const unit = splitN ? 8 : 6;
    let chunk = total;
    if (threads > 1) chunk = Math.max(unit, Math.ceil(total / (threads * GEMM_CHUNKS_PER_THREAD) / unit) * unit);
    const nchunks = Math.max(1, Math.ceil(total / chunk));
    const i32 = this.i32;
    const base = this.jobPtr >> 2;
    Atomics.store(i32, base + J.next, 1 << 30); // no claims while the job is written
    i32[base + J.nchunks] = nchunks;
    i32[base + J.f64] = g.f64 ? 1 : 0;
    i32[base + J.transA] = g.transA ? 1 : 0;
    i32[base + J.transB] = g.transB ? 1 : 0;
    i32[base + J.m] = g.m;
    i32[base + J.n] = g.n;
    i32[base + J.k] = g.k;
    i32[base + J.a] = g.a;
    i32[base + J.lda] = g.lda;
    i32[base + J.b] = g.b;
    i32[base + J.ldb] = g.ldb;
    i32[base + J.c] = g.c;
    i32[base + J.ldc] = g.ldc;
    i32[base + J.splitN] = splitN ? 1 : 0;
    i32[base + J.chunk] = chunk;
    i32[base + J.scratch] = this.jobPtr + JOB_BYTES;
    i32[base + J.scratchStride] = this.scratchStride;
    this.f64view[(this.jobPtr >> 3) + J_ALPHA] = g.alpha;
    this.f64view[(this.jobPtr >> 3) + J_BETA] = g.beta;
    i32[base + J.kind] = JOB_GEMM;
    this.runJob(nchunks);
  }

  /** Bytes of scratch each thread slot has (a threaded ALS job needs its row systems to fit). */
  get slotBytes(): number {
    return this.scratchStride;
  }

  /**
   * The rows of an ALS half-sweep as a job over the threads: chunk c is rows
   * [bounds[c], bounds[c + 1]) (Int32, at byte offset `bounds`), solved with the operands written
   * at `sweep` (als.h `als_sweep_init` / `implicit_sweep_init`) in each thread's scratch slot.
   * Returns the lowest row whose system is not positive definite, or −1.
   */
  rowsJob(kind: typeof JOB_ALS_ROWS | typeof JOB_IMPLICIT_ALS_ROWS, sweep: Ptr, bounds: Ptr, nchunks: number, gram: Ptr): number {
    if (this.threads > 1 && nchunks > 1 && this.workers < this.threads - 1) this.startWorkers();
    const i32 = this.i32;
    const base = this.jobPtr >> 2;
    Atomics.store(i32, base + J.next, 1 << 30);
    i32[base + J.nchunks] = nchunks;
    i32[base + J.kind] = kind;
    i32[base + J.sweep] = sweep;
    i32[base + J.bounds] = bounds;
    i32[base + J.gram] = gram;
    i32[base + J.scratch] = this.jobPtr + JOB_BYTES;
    i32[base + J.scratchStride] = this.scratchStride;
    Atomics.store(i32, base + J.failed, 0x7fffffff);
    this.runJob(nchunks);
    const failed = Atomics.load(i32, base + J.failed);
    return failed === 0x7fffffff ? -1 : failed;
  }

  /** Runs the job just written (`nchunks` chunks): wakes workers when it has several, takes chunks itself, waits for the rest. */
  private runJob(nchunks: number): void {
    const i32 = this.i32;
    const base = this.jobPtr >> 2;
    Atomics.store(i32, base + J.done, 0);
    Atomics.store(i32, base + J.next, 0);
    if (nchunks > 1 && this.workers > 0) {
      Atomics.add(i32, base + J.seq, 1);
      Atomics.notify(i32, base + J.seq, Math.min(this.workers, nchunks - 1));
    }
    this.ex.gemm_run(this.jobPtr, 0);
    if (nchunks > 1) {
      for (;;) {
        const d = Atomics.load(i32, base + J.done);
        if (d >= nchunks) break;
        if (this.canBlock) Atomics.wait(i32, base + J.done, d, 1000);
      }
    }
  }

  /** GEMM chunks run by worker threads so far (0 when every chunk ran on the calling thread). */
  get workerChunks(): number {
    return Atomics.load(this.i32, (this.jobPtr >> 2) + J.helped);
  }

  /** Stops the workers (they exit at their next wake-up). */
  dispose(): void {
    Atomics.store(this.i32, (this.jobPtr >> 2) + J.stop, 1);
    Atomics.add(this.i32, (this.jobPtr >> 2) + J.seq, 1);
    Atomics.notify(this.i32, (this.jobPtr >> 2) + J.seq);
    this.workers = 0;
  }
}
