import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of the built CLI: the bundle that package.json's `bin` names (npm test builds it first: tsc, then scripts/build-cli.mjs). */
export const CLI = fileURLToPath(new URL('../../dist/bin/lowrank.js', import.meta.url));

/**
 * The node arguments that start the CLI: the bundled `dist/bin/lowrank.js` by default, or the TypeScript
 * sources through tsx when `LOWRANK_TEST_FROM_SOURCE=1` (development without a build).
 */
export const CLI_ARGS: readonly string[] = process.env.LOWRANK_TEST_FROM_SOURCE === '1'
  ? ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))]
  : [CLI];

/** Result of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `lowrank ...args` in `cwd` and returns its exit code and output. */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [...CLI_ARGS, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'lowrank-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
