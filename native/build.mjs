#!/usr/bin/env node
// Builds the native addon (native/build/Release/lowrank_native.node) with node-gyp, for
// `npm install` and `npm run build:native`. It never fails the install: without OpenBLAS (or a
// compiler) it prints one line and lowrank runs on its TypeScript tier; `lowrank info` says why.
//
// Environment:
//   LOWRANK_SKIP_NATIVE=1      do not build (and the loader ignores an existing build)
//   LOWRANK_OPENBLAS_LIBDIR    extra library directory holding libopenblas.so
//   LOWRANK_OPENBLAS_LIB       library name to link instead of "openblas"
// Flags: --verbose prints node-gyp's output; --strict exits 1 when the build fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const logDir = join(here, 'build');
const logFile = join(logDir, 'install.log');
const verbose = process.argv.includes('--verbose');
const strict = process.argv.includes('--strict');
const FIX = 'apt-get install libopenblas-dev for the native speed';

function done(ok, line, log) {
  try {
    mkdirSync(logDir, { recursive: true });
    writeFileSync(logFile, log ?? `${line}\n`);
  } catch {
    // A read-only install location only loses the log.
  }
  console.log(line);
  process.exit(!ok && strict ? 1 : 0);
}

if (process.env.LOWRANK_SKIP_NATIVE === '1') {
  done(false, 'lowrank: native addon skipped (LOWRANK_SKIP_NATIVE=1); using the TypeScript tier');
}

// On Linux, look for the library first: without it the build can only fail, after compiling.
if (process.platform === 'linux') {
  const lib = `lib${process.env.LOWRANK_OPENBLAS_LIB || 'openblas'}.so`;
  const dirs = [process.env.LOWRANK_OPENBLAS_LIBDIR, '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib', '/usr/local/lib64', '/opt/OpenBLAS/lib'].filter(Boolean);
  if (!dirs.some((d) => existsSync(join(d, lib)))) {
    done(false, `lowrank: native addon not built (${lib} not found); using the TypeScript tier — ${FIX}`);
  }
}

// node-gyp: npm's own when run by npm, else a local or global one.
const require = createRequire(import.meta.url);
let gyp = process.env.npm_config_node_gyp;
if (!gyp || !existsSync(gyp)) {
  try {
    gyp = require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const npmGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    gyp = existsSync(npmGyp) ? npmGyp : null;
  }
}
if (!gyp) done(false, `lowrank: native addon not built (node-gyp not found); using the TypeScript tier`);

const args = [gyp, 'rebuild', `--directory=${here}`];
// Use the installed Node headers when nothing else is configured, so that no download is needed.
const prefix = join(dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: verbose ? 'inherit' : 'pipe' });
const log = `${process.execPath} ${args.join(' ')}\n\n${r.stdout ?? ''}\n${r.stderr ?? ''}\n`;
if (r.status === 0 && existsSync(join(here, 'build', 'Release', 'lowrank_native.node'))) {
  done(true, 'lowrank: native addon built (OpenBLAS + LAPACK)', log);
}
const lines = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim());
const why = lines.find((l) => /error|cannot find|not found/i.test(l) && !/^gyp (ERR|info)/.test(l)) ?? (r.error ? String(r.error.message) : `node-gyp exited with ${r.status}`);
done(false, `lowrank: native addon not built (${why.slice(0, 160)}); using the TypeScript tier — ${FIX}; log: native/build/install.log`, log);
