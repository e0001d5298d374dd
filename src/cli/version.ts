import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../backend/native/package-root.js';

/** The version in lowrank's package.json (at {@link packageRoot}, whether src/, dist/ or the bundle runs). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
