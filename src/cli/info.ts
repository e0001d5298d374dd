import type { Command } from 'commander';
import { backendSelection, type NativeBackend } from '../backend/native/index.js';
import { printJson } from './format.js';
import { packageVersion } from './version.js';

/** Registers `lowrank info`: version, kernel tier (and why native is not in use), threads. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the version, the kernel tier in use and its threads')
    .option('--json', 'print one JSON object')
    .action((flags: { json?: boolean }) => {
      const sel = backendSelection();
      const backend = sel.backend;
      const native = sel.native.backend as NativeBackend | null;
      const info = {
        version: packageVersion(),
        backend: backend.name,
        tier: backend.name === 'js' ? 'plain TypeScript (register-blocked, packed GEMM)' : `native (OpenBLAS/LAPACK, ${native?.config.core ?? '?'} kernels)`,
        selected: `${sel.choice} (${sel.source})`,
        threads: backend.threads,
        native: native ? `loaded: ${native.config.openblas}` : `not available: ${sel.native.reason}`,
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
      };
      if (flags.json) {
        printJson(info);
        return;
      }
      process.stdout.write(
        [
          `lowrank ${info.version}`,
          `backend: ${info.backend} — ${info.tier}`,
          `selected: ${info.selected}`,
          `threads: ${info.threads}`,
          `native: ${info.native}`,
          `node: ${info.node} (${info.platform})`,
        ].join('\n') + '\n',
      );
    });
}
