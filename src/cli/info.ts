import type { Command } from 'commander';
import { getBackend } from '../backend/select.js';
import { printJson } from './format.js';
import { packageVersion } from './version.js';

/** Registers `lowrank info`: version, kernel tier and threads. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the version, the kernel tier in use and its threads')
    .option('--json', 'print one JSON object')
    .action((flags: { json?: boolean }) => {
      const backend = getBackend();
      const info = {
        version: packageVersion(),
        backend: backend.name,
        tier: backend.name === 'js' ? 'plain TypeScript (register-blocked, packed GEMM)' : 'native (OpenBLAS/LAPACK)',
        threads: backend.threads,
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
      };
      if (flags.json) {
        printJson(info);
        return;
      }
      process.stdout.write(
        [`lowrank ${info.version}`, `backend: ${info.backend} — ${info.tier}`, `threads: ${info.threads}`, `node: ${info.node} (${info.platform})`].join('\n') + '\n',
      );
    });
}
