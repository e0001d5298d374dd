#!/usr/bin/env node
/**
 * Builds the playground (web/) into a folder of static files, `dist/web/` by default:
 * index.html, style.css, app.js, worker.js (bundled by esbuild, ES2022 modules, no runtime
 * imports) and the example photo copied from the test fixtures. Nothing is fetched at run time
 * beyond these files, so the folder works from any static host; `lowrank playground` serves it
 * with the COOP/COEP headers that make the page cross-origin isolated.
 *
 * Usage: node scripts/build-web.mjs [--out DIR] [--dev]   (--dev: no minification, inline source maps)
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildArgs, writeFolderInPlace } from './folder-in-place.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { out, dev } = buildArgs(join(root, 'dist', 'web'));

// A reader (the server, a test) sees the old build or the new one, never a mix.
await writeFolderInPlace(out, 'build-web', async (tmp) => {
  await build({
    entryPoints: { app: join(root, 'web/src/main.ts'), worker: join(root, 'web/src/worker.ts') },
    outdir: tmp,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const html = (await readFile(join(root, 'web/index.html'), 'utf8')).replaceAll('{{version}}', pkg.version);
  await writeFile(join(tmp, 'index.html'), html);
  await copyFile(join(root, 'web/style.css'), join(tmp, 'style.css'));
  await copyFile(join(root, 'test/fixtures/images/raccoon.png'), join(tmp, 'raccoon.png'));
});
