import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (where the root package.json and fixtures/ are), found from this file. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(path.join(dir, 'fixtures')) && existsSync(path.join(dir, 'packages'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('repository root not found above packages/simulator');
}
