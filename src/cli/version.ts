import { readFileSync } from 'node:fs';

/** The version in lowrank's package.json (read once from next to dist/ or src/). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
