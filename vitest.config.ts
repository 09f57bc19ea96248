import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

// One vitest project per workspace folder (packages/*, apps/*, tests/*).
const projectDirs = ['packages', 'apps', 'tests'].flatMap((group) =>
  existsSync(path.join(root, group))
    ? readdirSync(path.join(root, group), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `${group}/${d.name}`)
    : [],
);

// Tests run on the TypeScript sources: each workspace's package name resolves to its src/index.ts.
const alias = projectDirs
  .filter((dir) => existsSync(path.join(root, dir, 'package.json')))
  .map((dir) => {
    const { name } = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as {
      name: string;
    };
    return {
      find: new RegExp(`^${name.replace('/', '\\/')}$`),
      replacement: path.join(root, dir, 'src/index.ts'),
    };
  });

export default defineConfig({
  resolve: { alias },
  test: {
    projects: projectDirs.map((dir) => ({
      extends: true,
      test: {
        name: dir.split('/')[1] ?? dir,
        root: path.join(root, dir),
        include: ['**/*.test.ts'],
        exclude: ['**/node_modules/**', '**/dist/**'],
      },
    })),
  },
});
