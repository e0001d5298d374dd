#!/usr/bin/env node
/**
 * Bundles the command line (`dist/cli/main.js`, as tsc emits it) into one file, `dist/bin/lowrank.js`
 * (the package's `bin`), so a run compiles one script instead of loading ≈ 80 modules one by one
 * (Node's ES module loader spends about a millisecond a module on resolving, opening, reading and
 * linking). The lazy `import()`s of the sources (each command in src/cli/commands.ts, the readers of
 * rarer formats, the figures) stay lazy: esbuild wraps those modules in functions that run on first
 * import, so `lowrank --version` or `lowrank factor` evaluates only what it evaluated before.
 * (One file beat esbuild's code splitting, which gave ≈ 40 chunks for a factor run: `factor --help`
 * took 62 ms of CPU over an empty Node process as one file, 74 ms split, 103 ms unbundled.)
 *
 * What stays outside the bundle, loaded from node_modules at run time as before: `sharp` (native;
 * imported dynamically), `bullmq` (it reads its Lua scripts from its own folder; its static imports
 * in src/cluster become a `require` run when a cluster module is first used, not at start-up),
 * `ioredis`, `node-addon-api`. Node builtins are external (platform node). Paths resolved from
 * `import.meta.url` keep working because the bundle lies two levels below the package root, as
 * `dist/cli/*.js` do: package.json (`--version`), `dist/web` (`lowrank playground`); the native
 * addon is looked for from the nearest folder holding package.json (src/backend/native/load.ts).
 * The WebAssembly module is inlined (src/backend/wasm/module-bytes.ts) and its workers are
 * evaluated from source, so they need no file. The library entry points (dist/index.js, …) stay
 * as tsc emits them.
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

/** Packages left to Node's resolver at run time (native code, or files read relative to the package). */
const EXTERNAL = ['sharp', 'ioredis', 'node-addon-api'];

/**
 * `import … from 'bullmq'` (a CommonJS package) becomes a module of the bundle that `require`s it
 * when first evaluated: an external ES import would be hoisted to the top of the one file and load
 * bullmq and ioredis (≈ 200 ms) on every run.
 */
const lazyRequire = (names) => ({
  name: 'lazy-require',
  setup(b) {
    const filter = new RegExp(`^(${names.join('|')})$`);
    b.onResolve({ filter }, (a) => (a.kind === 'require-call' ? { path: a.path, external: true } : { path: a.path, namespace: 'lazy-require' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-require' }, (a) => ({ contents: `module.exports = require(${JSON.stringify(a.path)});`, loader: 'js' }));
  },
});

// Build into a sibling temporary folder and rename it into place, so a run sees the old bundle or
// the new one, never a half-written file.
const tmp = `${out}.tmp-${process.pid}`;
await rm(tmp, { recursive: true, force: true });
await mkdir(tmp, { recursive: true });
try {
  await build({
    entryPoints: { lowrank: join(root, 'dist/cli/main.js') },
    outdir: tmp,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: ['node20'],
    external: EXTERNAL,
    plugins: [lazyRequire(['bullmq'])],
    // commander and the bullmq module above are CommonJS: their require() needs a real one in an ES module.
    banner: { js: "import { createRequire as __lowrankCreateRequire } from 'node:module'; const require = __lowrankCreateRequire(import.meta.url);" },
    minify: !dev,
    keepNames: true,
    sourcemap: dev ? 'inline' : false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await rm(out, { recursive: true, force: true });
  await mkdir(dirname(out), { recursive: true });
  await rename(tmp, out);
} catch (err) {
  await rm(tmp, { recursive: true, force: true });
  console.error(`build-cli: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
console.log(`build-cli: wrote ${out}`);
