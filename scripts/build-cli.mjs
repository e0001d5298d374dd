#!/usr/bin/env node
/**
 * Bundles the command line (tsc's `dist/cli/*.js`) into `dist/bin/`:
 * - `lowrank.js`, the package's `bin`: main.ts alone (a bare `--version`, the input read ahead),
 *   which imports `cli-loader.js` for every other run, so `lowrank --version` compiles ≈ 1 KB;
 * - `cli.cjs`: run.ts and everything it reaches in one file instead of ≈ 80 modules to resolve,
 *   open and link one by one (Node's ES module loader spends about a millisecond a module). The
 *   lazy `import()`s of the sources (each command in src/cli/commands.ts, the readers of rarer
 *   formats, the figures) stay lazy: esbuild wraps those modules in functions run on first use,
 *   and the `require`s of packages and builtins they hold run then too (bullmq, http… only when
 *   used). CommonJS, because Node 20 has no code cache for ES modules;
 * - `cli.cache`: V8's code cache of cli.cjs, made by a training run here (a small randomized
 *   `factor`), so a run deserializes the functions it needs instead of parsing and compiling
 *   600 KB; `cli-loader.js` compiles cli.cjs with it (a Node whose V8 version or flags differ
 *   rejects it and compiles as usual) and exports `run` and `reportError`;
 * - `shared.cjs`: the modules both hold state for (the start of the thread default's load window,
 *   src/backend/native/threads.ts; the input read ahead, src/cli/prefetch.ts), so each exists once.
 * Measured (docs in issue 15's notes): `factor --help` 190 ms of CPU as ES modules unbundled vs
 * 154 ms this way (an empty Node process: 115 ms).
 *
 * What stays outside, loaded at run time: `sharp` (native), `bullmq` (it reads its Lua scripts
 * from its own folder), `ioredis`, `node-addon-api`. The package's own files — package.json
 * (`--version`), `dist/web` (`lowrank playground`), the native addon — are found from the nearest
 * folder above `import.meta.url` (in cli.cjs: the loader's URL of cli.cjs) holding package.json
 * (src/backend/native/package-root.ts), whatever the depth. The WebAssembly module is inlined (src/backend/wasm/module-bytes.ts)
 * and its workers are evaluated from source, so they need no file. The library entry points
 * (dist/index.js, …) stay as tsc emits them.
 *
 * Usage: node scripts/build-cli.mjs [--out DIR] [--dev]   (after tsc; --dev: no minification, inline source maps)
 */
import { spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildArgs, writeFolderInPlace } from './folder-in-place.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { out, dev } = buildArgs(join(root, 'dist', 'bin'));
const dist = join(root, 'dist');

/** Packages left to Node's resolver at run time (native code, or files read relative to the package). */
const EXTERNAL = ['sharp', 'ioredis', 'node-addon-api', 'bullmq'];
/** Modules with state that lowrank.js and cli.cjs must share: bundled once, in shared.cjs. */
const SHARED = [join(dist, 'backend/native/threads.js'), join(dist, 'cli/prefetch.js')];

/**
 * Relative imports of a {@link SHARED} module become `./shared.cjs`; `renames` maps other files to
 * sibling outputs. In an ES module output (`esm`), shared.cjs is loaded by `require` (a module of
 * the bundle whose body is `module.exports = require('./shared.cjs')`): an ES import of a CommonJS
 * file first starts Node's export scanner, ≈ 7 ms of `lowrank --version`.
 */
const linkOutputs = (renames = {}, esm = false) => ({
  name: 'link-outputs',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (a) => {
      if (a.kind === 'require-call' && a.path === './shared.cjs') return { path: a.path, external: true };
      const target = resolve(a.resolveDir, a.path);
      if (SHARED.includes(target)) return esm ? { path: './shared.cjs', namespace: 'shared' } : { path: './shared.cjs', external: true };
      if (renames[target]) return { path: renames[target], external: true };
      return undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'shared' }, () => ({ contents: "module.exports = require('./shared.cjs');", loader: 'js', resolveDir: out }));
  },
});

const common = {
  bundle: true,
  platform: 'node',
  target: ['node20'],
  external: EXTERNAL,
  minify: !dev,
  keepNames: true,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * cli-loader.js: compiles cli.cjs with V8's code cache (cli.cache) when this Node accepts it (the
 * V8 version and flags it was made with; else V8 rejects it and compiles as usual), runs it as
 * CommonJS would, and exports its `run` and `reportError`. With LOWRANK_BUILD_CODE_CACHE=FILE set
 * (the build's training run only) it writes the cache, with every function compiled by then, at exit.
 */
const LOADER = `import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

const file = fileURLToPath(new URL('./cli.cjs', import.meta.url));
let cachedData;
try {
  cachedData = readFileSync(new URL('./cli.cache', import.meta.url));
} catch {
  cachedData = undefined;
}
const source = '(function (exports, require, module, __filename, __dirname, __lowrankUrl) {' + readFileSync(file, 'utf8') + '\\n})';
const script = new Script(source, { filename: file, cachedData });
const cli = { exports: {} };
script.runInThisContext()(cli.exports, createRequire(file), cli, file, dirname(file), pathToFileURL(file).href);
const cacheOut = process.env.LOWRANK_BUILD_CODE_CACHE;
if (cacheOut) process.once('exit', () => writeFileSync(cacheOut, script.createCachedData()));
export const { run, reportError } = cli.exports;
/** Whether V8 took the code cache (for the tests: false means the cache is missing or stale). */
export const codeCacheUsed = cachedData !== undefined && !script.cachedDataRejected;
`;

/** A small float64 .npy (rows×cols of smooth values plus a little structure) for the training run. */
function trainingNpy(rows, cols) {
  let dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  dict += ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const bytes = Buffer.alloc(10 + dict.length + 8 * rows * cols);
  bytes.write('\x93NUMPY\x01\x00', 0, 'latin1');
  bytes.writeUInt16LE(dict.length, 8);
  bytes.write(dict, 10, 'latin1');
  for (let i = 0; i < rows * cols; i++) bytes.writeDoubleLE(Math.sin(0.37 * i) + ((i * 7919) % 13) / 13, 10 + dict.length + 8 * i);
  return bytes;
}

// A run sees the old files or the new ones, never a mix.
await writeFolderInPlace(out, 'build-cli', async (tmp) => {
  await build({
    ...common,
    format: 'cjs',
    stdin: { contents: SHARED.map((p) => `export * from ${JSON.stringify(p)};`).join('\n'), resolveDir: dist, loader: 'js' },
    outfile: join(tmp, 'shared.cjs'),
  });
  await build({
    ...common,
    format: 'esm',
    entryPoints: [join(dist, 'cli/main.js')],
    outfile: join(tmp, 'lowrank.js'),
    banner: { js: "import { createRequire as __lowrankCreateRequire } from 'node:module'; const require = __lowrankCreateRequire(import.meta.url);" },
    plugins: [linkOutputs({ [join(dist, 'cli/run.js')]: './cli-loader.js' }, true)],
  });
  // CommonJS, so that V8's code cache applies (Node 20 has none for ES modules): import.meta.url
  // becomes the loader's __lowrankUrl, import() a require, and the requires of builtins and
  // packages run when the requiring module is first evaluated (bullmq, http… only when used).
  await build({
    ...common,
    format: 'cjs',
    entryPoints: [join(dist, 'cli/run.js')],
    outfile: join(tmp, 'cli.cjs'),
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__lowrankUrl' },
    plugins: [linkOutputs()],
  });
  await writeFile(join(tmp, 'cli-loader.js'), LOADER);
  // The training run: a small randomized factorization, whose compiled functions go in the cache.
  const npy = join(tmp, 'training.npy');
  await writeFile(npy, trainingNpy(120, 90));
  const trained = spawnSync(process.execPath, [join(tmp, 'lowrank.js'), 'factor', npy, '--rank', '5', '--method', 'randomized', '--out', join(tmp, 'training'), '--quiet'], {
    env: { ...process.env, LOWRANK_BUILD_CODE_CACHE: join(tmp, 'cli.cache') },
    encoding: 'utf8',
  });
  // Without a cache the CLI works as well, only compiles more at start-up.
  if (trained.status !== 0) console.error(`build-cli: no code cache (the training run failed: ${trained.stderr.trim().split('\n').pop()})`);
  await rm(npy);
  await rm(join(tmp, 'training'), { recursive: true, force: true });
});
