/**
 * `lowrank playground`: serves the built playground (dist/web, made by scripts/build-web.mjs)
 * on 127.0.0.1 with the cross-origin isolation headers (COOP/COEP) that enable
 * SharedArrayBuffer and threads in the page.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../backend/native/package-root.js';
import { LowRankError } from '../core/errors.js';
import { intOption } from './options.js';

/** Port `lowrank playground` listens on unless `--port` says otherwise (0: any free port). */
export const DEFAULT_PLAYGROUND_PORT = 8765;

/** The only address the playground listens on: it is a local tool, never exposed to the network. */
export const PLAYGROUND_HOST = '127.0.0.1';

/** MIME types of the files a build holds (and a few a user might add); anything else is application/octet-stream. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.npy': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers sent with every response: cross-origin isolation (COOP + COEP), no sniffing, no caching of a rebuilt page. */
export const PLAYGROUND_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

/**
 * The built playground folder: `dist/web` under the package root ({@link packageRoot}), from the
 * installed package and from the sources (tsx) alike.
 */
export function defaultWebRoot(): string {
  return join(packageRoot(), 'dist', 'web');
}

/** A running playground server. */
export interface PlaygroundServer {
  /** `http://127.0.0.1:PORT/`. */
  url: string;
  port: number;
  /** The folder served. */
  root: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Options of {@link servePlayground}. */
export interface ServePlaygroundOptions {
  /** Port (default {@link DEFAULT_PLAYGROUND_PORT}; 0 picks a free one). */
  port?: number;
  /** Folder to serve (default {@link defaultWebRoot}). */
  root?: string;
}

/**
 * Serves a static folder on 127.0.0.1: GET and HEAD only, `/` is `index.html`, paths that
 * resolve (after decoding and following links) outside the folder are refused with 403.
 *
 * @throws {@link LowRankError} `E_IO` when the folder holds no index.html (not built) or the port is taken.
 * @example
 * ```ts
 * const s = await servePlayground({ port: 0 });
 * console.log(s.url); await s.close();
 * ```
 */
export async function servePlayground(options: ServePlaygroundOptions = {}): Promise<PlaygroundServer> {
  const root = await realpath(options.root ?? defaultWebRoot()).catch(() => resolve(options.root ?? defaultWebRoot()));
  if (!existsSync(resolve(root, 'index.html'))) {
    throw new LowRankError('E_IO', `no playground build in ${root} (index.html missing): run 'npm run build:web'`);
  }
  const server = createServer((req, res) => {
    handle(root, req, res).catch(() => send(res, 500, 'internal error'));
  });
  const port = options.port ?? DEFAULT_PLAYGROUND_PORT;
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      fail(new LowRankError('E_IO', `cannot listen on ${PLAYGROUND_HOST}:${port}: ${err.code === 'EADDRINUSE' ? 'the port is in use (choose another with --port, or 0 for any free port)' : err.message}`));
    });
    server.listen(port, PLAYGROUND_HOST, () => ok());
  });
  const actual = (server.address() as { port: number }).port;
  return { url: `http://${PLAYGROUND_HOST}:${actual}/`, port: actual, root, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((ok) => {
    server.close(() => ok());
    server.closeAllConnections();
  });
}

function send(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { ...PLAYGROUND_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${status} ${text}\n`);
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'method not allowed');
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    send(res, 400, 'bad request');
    return;
  }
  if (pathname.includes('\0')) {
    send(res, 400, 'bad request');
    return;
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const target = resolve(root, '.' + pathname);
  if (!inside(root, target)) {
    send(res, 403, 'forbidden');
    return;
  }
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    send(res, 404, 'not found');
    return;
  }
  // A link inside the folder that points outside it is refused like a path with '..'.
  if (!inside(root, real)) {
    send(res, 403, 'forbidden');
    return;
  }
  const info = await stat(real);
  if (!info.isFile()) {
    send(res, 404, 'not found');
    return;
  }
  const body = await readFile(real);
  res.writeHead(200, {
    ...PLAYGROUND_HEADERS,
    'Content-Type': MIME_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(body.length),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Opens a URL in the desktop's browser (xdg-open, open or start); failures are reported, not thrown. */
function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`lowrank: could not open a browser (${cmd}); open ${url} yourself\n`));
  child.unref();
}

/** Registers `lowrank playground`. */
export function registerPlayground(program: Command): void {
  program
    .command('playground')
    .description('serve the browser playground on 127.0.0.1 (live SVD and training, spectrum, downloads)')
    .option('--port <n>', `port (0: any free port)`, intOption('--port', 0), DEFAULT_PLAYGROUND_PORT)
    .option('--open', 'open the page in the default browser')
    .option('--dir <folder>', 'serve another build of the playground (default: the installed dist/web)')
    .action(async (flags: { port: number; open?: boolean; dir?: string }) => {
      if (flags.port > 65535) throw new LowRankError('E_ARG', `--port must be an integer in [0, 65535], got ${flags.port}`);
      const server = await servePlayground({ port: flags.port, root: flags.dir });
      process.stderr.write(`lowrank playground: serving ${server.root} at ${server.url} (Ctrl-C to stop)\n`);
      process.stdout.write(server.url + '\n');
      if (flags.open) openBrowser(server.url);
      await new Promise<void>((done) => {
        const stop = (): void => {
          void server.close().then(done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
