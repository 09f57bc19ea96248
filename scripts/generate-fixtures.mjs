#!/usr/bin/env node
// `npm run fixtures`: regenerates the simulated fixture library in fixtures/ from the named,
// seeded scenarios of @hamstream/simulator (deterministic: same code → byte-identical files),
// and rewrites fixtures/README.md with one line per fixture.
// Usage: node scripts/generate-fixtures.mjs [NAME_SUBSTRING...]
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturesReadme, generateScenario, SCENARIOS, writeGeneratedRecording } from '@hamstream/simulator';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'fixtures');
const only = process.argv.slice(2);

for (const def of SCENARIOS) {
  if (only.length > 0 && !only.some((s) => def.name.includes(s))) continue;
  const t0 = performance.now();
  const rec = generateScenario(def.name);
  const file = path.join(outDir, `${def.name}.rec.jsonl.gz`);
  await writeGeneratedRecording(file, rec);
  const ms = (performance.now() - t0).toFixed(0);
  console.log(`fixtures: ${path.relative(root, file)} (${rec.events.length} events, ${ms} ms)`);
}
await writeFile(path.join(outDir, 'README.md'), fixturesReadme());
console.log('fixtures: fixtures/README.md');
