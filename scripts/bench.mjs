#!/usr/bin/env node
// `npm run bench`: runs every workspace's compiled `dist/bench.js` and prints its figures.
// Each figure is shown beside a baseline measured in the same run (machines here are shared
// and noisy, so ratios are what to compare across runs, not absolute numbers).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { workspaces } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const only = process.argv.slice(2); // optional filter: workspace folder names

const rows = [];
const fmt = (v) =>
  Math.abs(v) >= 1e6
    ? `${(v / 1e6).toFixed(2)} M`
    : Math.abs(v) >= 1e3
      ? `${(v / 1e3).toFixed(1)} k`
      : v.toFixed(2);

for (const ws of workspaces) {
  const name = path.basename(ws);
  if (only.length > 0 && !only.includes(name)) continue;
  const file = path.join(root, ws, 'dist', 'bench.js');
  if (!existsSync(file)) continue;
  const mod = await import(pathToFileURL(file).href);
  if (typeof mod.bench !== 'function') continue;
  process.stderr.write(`bench: ${ws} …\n`);
  await mod.bench((row) => {
    rows.push({ ws: name, ...row });
    const ratio = row.baseline
      ? `  ${(row.value / row.baseline).toFixed(2)}× baseline (${fmt(row.baseline)} ${row.unit})`
      : '';
    const note = row.note ? `  — ${row.note}` : '';
    console.log(
      `${name.padEnd(10)} ${row.group.padEnd(22)} ${row.name.padEnd(34)} ${fmt(row.value).padStart(10)} ${row.unit}${ratio}${note}`,
    );
  });
}
if (rows.length === 0) {
  console.error('bench: no benchmarks found — run `npm run build` first');
  process.exitCode = 1;
}
