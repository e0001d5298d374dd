#!/usr/bin/env node
/**
 * Bundles the command line (tsc's `dist/cli/*.js`) into three files in `dist/bin/`:
 * - `lowrank.js`, the package's `bin`: main.ts alone (a bare `--version`, the input read ahead),
 *   which imports `cli.js` for every other run, so `lowrank --version` compiles ≈ 10 KB, not 600;
 * - `cli.js`: run.ts and everything it reaches, one file instead of ≈ 80 modules to resolve, open
 *   and link one by one (Node's ES module loader spends about a millisecond a module). The lazy
 *   `import()`s of the sources (each command in src/cli/commands.ts, the readers of rarer formats,
 *   the figures) stay lazy: esbuild wraps those modules in functions run on first import;
 * - `shared.js`: the modules both hold state for (the start of the thread default's load window,
 *   src/backend/native/threads.ts; the input read ahead, src/cli/prefetch.ts), imported by the
 *   other two so each exists once.
 * (One file for the whole CLI beat esbuild's code splitting, which gave ≈ 40 chunks for a factor
 * run: `factor --help` took 62 ms of CPU over an empty Node process as one file, 74 ms split,
 * 103 ms unbundled; but compiling the one file cost `--version` ≈ 25 ms, hence the small entry.)
 *
 * What stays outside, loaded at run time as before: `sharp` (native; imported dynamically),
 * `bullmq` (it reads its Lua scripts from its own folder), `ioredis`, `node-addon-api`. Static
 * imports of bullmq and of the Node builtins only some commands use (http, child_process,
 * worker_threads, crypto) become a `require` run when the importing module is first evaluated:
 * as ES imports they would be hoisted to the top of the file and load on every run (bullmq and
 * ioredis ≈ 200 ms). Paths resolved from `import.meta.url` keep working because the files lie
 * two levels below the package root, as `dist/cli/*.js` do: package.json (`--version`), `dist/web`
 * (`lowrank playground`); the native addon is looked for from the nearest folder holding
 * package.json (src/backend/native/load.ts). The WebAssembly module is inlined
 * (src/backend/wasm/module-bytes.ts) and its workers are evaluated from source, so they need no
 * file. The library entry points (dist/index.js, …) stay as tsc emits them.
 *
 * Usage: node scripts/build-cli.mjs [--out DIR] [--dev]   (after tsc; --dev: no minification, inline source maps)
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = resolve(outArg >= 0 ? args[outArg + 1] : join(root, 'dist', 'bin'));
const dev = args.includes('--dev');
const dist = join(root, 'dist');

/** Packages left to Node's resolver at run time (native code, or files read relative to the package). */
const EXTERNAL = ['sharp', 'ioredis', 'node-addon-api'];
/** Imported by a `require` when the importing module is first evaluated (see above). */
const LAZY = ['bullmq', 'node:http', 'node:child_process', 'node:worker_threads', 'node:crypto'];
/** Modules with state that lowrank.js and cli.js must share: bundled once, in shared.js. */
const SHARED = [join(dist, 'backend/native/threads.js'), join(dist, 'cli/prefetch.js')];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `import … from 'x'` for x in `names`: a module of the bundle whose body is `module.exports = require('x')`. */
const lazyRequire = (names) => ({
  name: 'lazy-require',
  setup(b) {
    const filter = new RegExp(`^(${names.map(escape).join('|')})$`);
    b.onResolve({ filter }, (a) => (a.kind === 'require-call' ? { path: a.path, external: true } : { path: a.path, namespace: 'lazy-require' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-require' }, (a) => ({ contents: `module.exports = require(${JSON.stringify(a.path)});`, loader: 'js' }));
  },
});

/** Relative imports of a {@link SHARED} module become imports of `./shared.js`; `renames` maps other files to sibling outputs. */
const linkOutputs = (renames = {}) => ({
  name: 'link-outputs',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (a) => {
      const target = resolve(a.resolveDir, a.path);
      if (SHARED.includes(target)) return { path: './shared.js', external: true };
      if (renames[target]) return { path: renames[target], external: true };
      return undefined;
    });
  },
});

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: ['node20'],
  external: EXTERNAL,
  // commander and the lazily required modules are CommonJS: their require() needs a real one in an ES module.
  banner: { js: "import { createRequire as __lowrankCreateRequire } from 'node:module'; const require = __lowrankCreateRequire(import.meta.url);" },
  minify: !dev,
  keepNames: true,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'none',
  logLevel: 'warning',
};

// Build into a sibling temporary folder and rename it into place, so a run sees the old files or
// the new ones, never a mix.
const tmp = `${out}.tmp-${process.pid}`;
await rm(tmp, { recursive: true, force: true });
await mkdir(tmp, { recursive: true });
try {
  await build({
    ...common,
    stdin: { contents: SHARED.map((p) => `export * from ${JSON.stringify(p)};`).join('\n'), resolveDir: dist, loader: 'js' },
    outfile: join(tmp, 'shared.js'),
  });
  await build({ ...common, entryPoints: [join(dist, 'cli/main.js')], outfile: join(tmp, 'lowrank.js'), plugins: [linkOutputs({ [join(dist, 'cli/run.js')]: './cli.js' })] });
  await build({ ...common, entryPoints: [join(dist, 'cli/run.js')], outfile: join(tmp, 'cli.js'), plugins: [linkOutputs(), lazyRequire(LAZY)] });
  await rm(out, { recursive: true, force: true });
  await mkdir(dirname(out), { recursive: true });
  await rename(tmp, out);
} catch (err) {
  await rm(tmp, { recursive: true, force: true });
  console.error(`build-cli: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
console.log(`build-cli: wrote ${out}`);
