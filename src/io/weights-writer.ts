/**
 * Writing weight files incrementally and atomically (Node only). A model larger than memory is
 * written tensor by tensor: {@link SafetensorsStreamWriter} writes the header first (every
 * shape, dtype and so every offset is known once the ranks are chosen) and then appends each
 * tensor's bytes as they are computed. Everything goes into an {@link AtomicOutput} (the output
 * mechanism of `./output-set.ts`): a temp file (for one output file) or a temp sibling folder (for
 * a set: shards + index, tfjs model.json + `.bin`s, a LoRA adapter) that is put into place only
 * when every byte is written, so a failed run leaves nothing behind and never clobbers an old output.
 *
 * @module
 */
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

import { LowRankError } from '../core/errors.js';
import { OutputDirWriter, OutputFileWriter, fsReason, type OutputOptions } from './output-set.js';
import { safetensorsPrefix, type SafetensorsSpec } from './safetensors.js';

/**
 * An output file or folder that appears only on {@link AtomicOutput.commit}: a thin adapter over
 * the one output mechanism of `./output-set.ts` ({@link OutputFileWriter} for a file,
 * {@link OutputDirWriter} for a set: shards + index, tfjs model.json + `.bin`s, a LoRA adapter),
 * so weight files get the same guarantees as every other output (old or new set after a kill,
 * no temporary after SIGINT/SIGTERM, modes kept, inputs refused unless `force`).
 *
 * @example
 * ```ts
 * const out = await AtomicOutput.create('small.safetensors', 'file');
 * const fh = await out.openFile('small.safetensors'); // in file mode the name is ignored
 * … await out.commit();
 * ```
 */
export class AtomicOutput {
  private constructor(
    /** The final path. */
    readonly target: string,
    /** `file`: one file; `dir`: a folder of files. */
    readonly kind: 'file' | 'dir',
    private readonly writer: OutputFileWriter | OutputDirWriter,
  ) {}

  /**
   * Prepares an output at `target` (its parent folder is created when missing, and removed again
   * if the output is abandoned).
   * @param options the command's inputs (refused as targets unless `force`) and the option name for messages.
   * @throws {@link LowRankError} `E_IO` when the parent folder cannot be written; `E_ARG` for an input.
   */
  static async create(target: string, kind: 'file' | 'dir', options: OutputOptions = {}): Promise<AtomicOutput> {
    const writer = kind === 'file' ? await OutputFileWriter.open(target, { ...options, createParents: true }) : await OutputDirWriter.open(target, options);
    return new AtomicOutput(target, kind, writer);
  }

  /** Opens a new file of the output for writing (`name` is relative to the folder; ignored for a single file). */
  async openFile(name: string): Promise<FileHandle> {
    return this.writer instanceof OutputFileWriter ? this.writer.handle : this.writer.openFile(name);
  }

  /** Writes a whole small file of the output (JSON, index). */
  async writeFile(name: string, bytes: Uint8Array | string): Promise<void> {
    const fh = await this.openFile(name);
    await writeAll(fh, typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes, this.kind === 'file' ? this.target : join(this.target, name));
  }

  /** Flushes every file and puts the output into place (an old output of that name is replaced). */
  async commit(): Promise<void> {
    await this.writer.commit();
  }

  /** Removes everything written so far (safe to call more than once, and after a failure). */
  async abort(): Promise<void> {
    await this.writer.abort();
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array, what: string): Promise<void> {
  try {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await fh.write(bytes, done, bytes.length - done);
      done += bytesWritten;
    }
  } catch (err) {
    throw new LowRankError('E_IO', `cannot write '${what}': ${fsReason(err, true)}`);
  }
}

/**
 * Writes one safetensors file tensor by tensor: the header for every spec at once, then each
 * tensor's bytes by {@link SafetensorsStreamWriter.append}, strictly in the order of the specs.
 *
 * @example
 * ```ts
 * const w = await SafetensorsStreamWriter.start(out, 'model.safetensors', specs, metadata);
 * for (const s of specs) await w.append(s.name, bytesOf(s));
 * w.finish();
 * ```
 */
export class SafetensorsStreamWriter {
  private next = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly specs: readonly SafetensorsSpec[],
    private readonly sizes: number[],
    private readonly what: string,
  ) {}

  /** Opens `name` in `out` and writes the header of `specs`. */
  static async start(out: AtomicOutput, name: string, specs: readonly SafetensorsSpec[], metadata?: Record<string, string> | null): Promise<SafetensorsStreamWriter> {
    const { prefix, sizes } = safetensorsPrefix(specs, metadata);
    const fh = await out.openFile(name);
    const what = out.kind === 'file' ? out.target : join(out.target, name);
    await writeAll(fh, prefix, what);
    return new SafetensorsStreamWriter(fh, specs, sizes, what);
  }

  /**
   * Appends the next tensor's bytes.
   * @throws {@link LowRankError} `E_SHAPE` when `name` is not the next spec or its length is wrong (a bug, not bad input).
   */
  async append(name: string, bytes: Uint8Array): Promise<void> {
    const i = this.next;
    if (i >= this.specs.length || this.specs[i].name !== name || bytes.byteLength !== this.sizes[i]) {
      throw new LowRankError('E_SHAPE', `${this.what}: tensor '${name}' (${bytes.byteLength} bytes) written out of order or with the wrong size`);
    }
    await writeAll(this.fh, bytes, this.what);
    this.next++;
  }

  /** Checks that every tensor was written. */
  finish(): void {
    if (this.next !== this.specs.length) {
      throw new LowRankError('E_SHAPE', `${this.what}: ${this.specs.length - this.next} tensors were not written`);
    }
  }
}

/**
 * Appends bytes to a sequence of shard files of at most `shardBytes` each (tfjs `.bin` shards):
 * a tensor may span two shards, as tfjs allows.
 */
export class ShardedByteWriter {
  private shard = -1;
  private fh: FileHandle | null = null;
  private left = 0;

  constructor(
    private readonly out: AtomicOutput,
    private readonly names: readonly string[],
    private readonly shardBytes: number,
  ) {}

  /** Appends bytes, opening the next shard when the current one is full. */
  async append(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      if (this.fh === null || this.left === 0) {
        this.shard++;
        if (this.shard >= this.names.length) throw new LowRankError('E_SHAPE', `more bytes than the ${this.names.length} shards planned`);
        this.fh = await this.out.openFile(this.names[this.shard]);
        this.left = this.shardBytes;
      }
      const n = Math.min(this.left, bytes.length - at);
      await writeAll(this.fh, bytes.subarray(at, at + n), join(this.out.target, this.names[this.shard]));
      at += n;
      this.left -= n;
    }
  }
}
