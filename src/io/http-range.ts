/**
 * Byte ranges of a file served over HTTP(S) by `Range` requests (RFC 9110 §14): what a row-block
 * reader needs to read a `.npy` that lives on a web server or object store instead of a shared
 * disk — the header once, then each block by its byte range, never the whole file. Uses `fetch`.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';

/** True for an `http://` or `https://` URL (a path otherwise). */
export function isHttpUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** A server that does not honour `Range` must not make a worker download a whole large file. */
const NO_RANGE = 'the server ignored the Range request (status 200); serve the file from a server that honours Range';

/**
 * A file on an HTTP(S) server read by byte ranges.
 *
 * @example
 * ```ts
 * const { source, head } = await HttpRangeSource.open('https://data.example/big.npy', 65536);
 * const bytes = new Uint8Array(4096);
 * await source.read(bytes, 128);
 * ```
 */
export class HttpRangeSource {
  private constructor(readonly url: string, readonly size: number) {}

  /**
   * Reads the first `probe` bytes (fewer when the file is shorter) and learns the file's size from
   * the `Content-Range` of the answer.
   * @throws {@link LowRankError} `E_IO` when the request fails, the server refuses the range or
   *   ignores it, or does not say the file's size.
   */
  static async open(url: string, probe: number): Promise<{ source: HttpRangeSource; head: Uint8Array }> {
    const res = await get(url, `bytes=0-${probe - 1}`);
    if (res.status === 416) return { source: new HttpRangeSource(url, 0), head: new Uint8Array(0) };
    const total = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
    if (!total) throw new LowRankError('E_IO', `${url}: the answer to a Range request has no Content-Range with the file size`);
    const head = new Uint8Array(await res.arrayBuffer());
    return { source: new HttpRangeSource(url, Number(total[1])), head };
  }

  /**
   * Fills `bytes` from byte `position` of the file.
   * @throws {@link LowRankError} `E_IO` when the request fails or returns another number of bytes.
   */
  async read(bytes: Uint8Array, position: number): Promise<void> {
    if (bytes.length === 0) return;
    const res = await get(this.url, `bytes=${position}-${position + bytes.length - 1}`);
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.length !== bytes.length) throw new LowRankError('E_IO', `${this.url}: asked for bytes [${position}, ${position + bytes.length}), the server sent ${body.length} bytes`);
    bytes.set(body);
  }

  /** Nothing to release (each read is its own request). */
  async close(): Promise<void> {}
}

async function get(url: string, range: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Range: range }, redirect: 'error' });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new LowRankError('E_IO', `${url}: cannot fetch: ${cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))}`);
  }
  if (res.status === 206 || res.status === 416) return res;
  await res.body?.cancel();
  throw new LowRankError('E_IO', `${url}: ${res.status === 200 ? NO_RANGE : `HTTP ${res.status} ${res.statusText}`}`);
}
