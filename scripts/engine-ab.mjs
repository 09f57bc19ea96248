#!/usr/bin/env node
// Same-process A/B of the engine: `node scripts/engine-ab.mjs snapshot` copies packages/engine/dist to
// dist-ab (before a change); after rebuilding (`npx tsc -b`), `node scripts/engine-ab.mjs [FIXTURE…]`
// replays fixtures through both builds, interleaved, and prints new/old CPU time per sample. On these
// shared machines whole runs swing 2–3×; interleaving in one process keeps the ratio to a few %.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'packages/engine/dist');
const snapshot = path.join(root, 'packages/engine/dist-ab');
const args = process.argv.slice(2);

if (args[0] === 'snapshot') {
  rmSync(snapshot, { recursive: true, force: true });
  cpSync(dist, snapshot, { recursive: true });
  console.log(`snapshot of ${path.relative(root, dist)} in ${path.relative(root, snapshot)}`);
  process.exit(0);
}
if (!existsSync(snapshot)) {
  console.error('no snapshot: run `node scripts/engine-ab.mjs snapshot` before the change');
  process.exit(2);
}
const NEW = await import(pathToFileURL(path.join(dist, 'index.js')).href);
const OLD = await import(pathToFileURL(path.join(snapshot, 'index.js')).href);
const { hexToBytes } = await import('@hamstream/core');
const fixtures = args.length > 0 ? args : ['prone-hamstring-curl_witmotion-wt901_shank_clean.rec.jsonl.gz'];
const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

for (const name of fixtures) {
  const lines = gunzipSync(readFileSync(path.join(root, 'fixtures', name)))
    .toString('utf8')
    .split('\n')
    .filter(Boolean);
  const header = JSON.parse(lines[0]);
  const events = lines.slice(1).map((l) => JSON.parse(l));
  const items = events.map((e) =>
    e.type === 'packet' ? { e, bytes: hexToBytes(e.data) } : { e, bytes: null },
  );
  const run = (engine, hex) => () => {
    const a = engine.createAnalyzer(header, { display: false });
    for (const it of items) {
      if (it.bytes && !hex) a.pushPacket(it.e.t, it.e.device, it.e.characteristic, it.bytes);
      else a.push(it.e);
    }
    a.finish();
    return a.output().quality.reduce((n, q) => n + q.samples, 0);
  };
  const variants = {
    oldBytes: run(OLD, false),
    newBytes: run(NEW, false),
    oldHex: run(OLD, true),
    newHex: run(NEW, true),
  };
  const samples = variants.newBytes();
  const best = {};
  for (let round = 0; round < 20; round++) {
    for (const [k, fn] of Object.entries(variants)) {
      const t0 = cpuS();
      let reps = 0;
      for (; cpuS() - t0 < 0.1; reps++) fn();
      best[k] = Math.min(best[k] ?? Number.POSITIVE_INFINITY, (cpuS() - t0) / reps / samples);
    }
  }
  const r = (a, b) => (best[a] / best[b]).toFixed(3);
  console.log(
    `${name}: new/old CPU per sample — bytes ${r('newBytes', 'oldBytes')}, hex ${r('newHex', 'oldHex')}`,
  );
}
