/**
 * `npm run bench`: the live path's latency and CPU. The server runs here (so `process.cpuUsage()` is
 * the server's alone); a forked child plays N virtual WT901 sensors at 100 Hz over `/ingest` and one
 * dashboard socket on `/live` (bench/load-generator.ts). Baselines from the same run: the socket.io
 * round trip under the same load (latency floor) and the engine alone on the same bytes (CPU floor).
 * Bounded: a few seconds per load level, then everything stops.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordingHeader } from '@hamstream/core';
import { createAnalyzer } from '@hamstream/engine';
import { readRecording } from '@hamstream/recording';
import { benchSessionIds } from './bench/bench-sessions.js';
import type { LoadConfig, LoadResult } from './bench/load-generator.js';
import { findFixturesDir } from './demo/demo.js';
import { startServer } from './main.js';

type Row = { group: string; name: string; value: number; unit: string; baseline?: number; note?: string };

async function wt901Packets(): Promise<{ characteristic: string; packets: string[] }> {
  const dir = findFixturesDir();
  if (!dir) throw new Error('fixtures/ not found');
  const rec = await readRecording(join(dir, 'bridge_witmotion-wt901_thigh_clean.rec.jsonl.gz'));
  const packets = rec.events.flatMap((e) => (e.type === 'packet' && e.data.length === 80 ? [e] : []));
  return { characteristic: packets[0]!.characteristic, packets: packets.map((p) => p.data) };
}

async function runLevel(
  sensors: number,
  base: Omit<LoadConfig, 'url' | 'sensors' | 'run' | 'ingestToken' | 'liveToken'>,
) {
  const dataDir = await mkdtemp(join(tmpdir(), 'hamstream-bench-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logger: false,
    dashboardDir: null,
  });
  try {
    // Real access control in the loop: one daemon token for the run's sessions, an admin's sign-in.
    const run = String(sensors);
    const ids = benchSessionIds(run, sensors);
    for (const id of ids) await server.registry.createSession({ id, owner: 'bench' });
    const password = 'bench passphrase 0000';
    await server.auth.createAccount({ id: 'bench', role: 'admin', password, mustChangePassword: false });
    const { secret: ingestToken } = await server.auth.createDaemonToken({
      sessions: ids,
      createdBy: 'bench',
    });
    const signIn = await server.auth.login({ username: 'bench', password, ip: 'bench', via: 'bearer' });
    if (!signIn.ok) throw new Error(signIn.error.message);
    const auth = { ingestToken, liveToken: signIn.value.token };
    const child = fork(fileURLToPath(new URL('./bench/load-generator.js', import.meta.url)), [], {
      stdio: 'ignore',
    });
    let cpuStart: NodeJS.CpuUsage | null = null;
    let wallStart = 0;
    const result = await new Promise<LoadResult>((resolve, reject) => {
      child.on('message', (m: { type: string; result?: LoadResult; error?: string }) => {
        if (m.type === 'measuring') {
          cpuStart = process.cpuUsage();
          wallStart = performance.now();
        } else if (m.type === 'result') resolve(m.result!);
        else if (m.type === 'error') reject(new Error(m.error));
      });
      child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
      child.send({ ...base, ...auth, url: server.url, sensors, run } satisfies LoadConfig);
    });
    // The child reports after its window; the server's CPU window is the same length.
    const cpu = process.cpuUsage(cpuStart ?? undefined);
    const wallMs = Math.min(performance.now() - wallStart, base.measureS * 1000 + 200);
    return { result, cpuCores: (cpu.user + cpu.system) / 1000 / wallMs };
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * CPU cores the engine alone needs for 1,000 samples/s, on the same notifications: warm, as in a server
 * that has run for a while (the first 60,000 samples through a fresh process cost ~5× the later ones:
 * JIT warm-up), so the best of several rounds, each on a fresh analyzer.
 */
function engineOnlyCoresPer1k(characteristic: string, packets: string[]): number {
  const header: RecordingHeader = {
    type: 'header',
    format: 'hamstream.recording',
    version: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    activity: 'bridge',
    devices: [
      { id: 'S', driver: 'witmotion-wt901', placement: 'thigh', side: 'right', config: { rateHz: 100 } },
    ],
  };
  const n = 30_000; // 60,000 samples per round
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const analyzer = createAnalyzer(header);
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      analyzer.push({
        type: 'packet',
        t: i * 20,
        device: 'S',
        characteristic,
        data: packets[i % packets.length]!,
      });
    }
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, (cpu.user + cpu.system) / 1e6);
  }
  return (best / (2 * n)) * 1000;
}

export async function bench(report: (row: Row) => void): Promise<void> {
  const { characteristic, packets } = await wt901Packets();
  const base = { watched: 10, warmupS: 2, measureS: 5, characteristic, packets };
  const engineCores = engineOnlyCoresPer1k(characteristic, packets);

  const a = await runLevel(100, base);
  const r = a.result;
  const note100 = `${r.sensors} sensors × 100 Hz (4 per session), ${r.sessionUpdates} session updates`;
  report({
    group: 'live latency',
    name: 'event → session view p50',
    value: r.freshness.p50,
    unit: 'ms',
    baseline: r.rtt.p50,
    note: `${note100}; baseline: socket.io round trip`,
  });
  report({
    group: 'live latency',
    name: 'event → session view p99',
    value: r.freshness.p99,
    unit: 'ms',
    baseline: r.rtt.p99,
    note: 'goal ≤ 25 ms',
  });
  report({
    group: 'live latency',
    name: 'event → wall tile p99',
    value: r.wall.p99,
    unit: 'ms',
    baseline: r.rtt.p99,
    note: 'wall capped at 10 Hz',
  });
  report({
    group: 'live latency',
    name: 'any event until shown p99',
    value: r.staleness.p99,
    unit: 'ms',
    note: 'includes the 20 Hz display-rate coalescing',
  });
  report({ group: 'live latency', name: 'ingest ack p99 (disk write)', value: r.ack.p99, unit: 'ms' });
  report({
    group: 'server cpu',
    name: 'per 1,000 samples/s',
    value: (a.cpuCores / (r.samplesPerS / 1000)) * 100,
    unit: '% core',
    baseline: engineCores * 100,
    note: 'baseline: the engine alone on the same bytes',
  });

  const b = await runLevel(200, base);
  report({
    group: 'server cpu',
    name: '200 sensors × 100 Hz',
    value: b.cpuCores,
    unit: 'cores',
    note: `goal ≤ 0.5; ${(b.result.samplesPerS / 1000).toFixed(1)} k samples/s arrived; p99 event → view ${b.result.freshness.p99.toFixed(1)} ms`,
  });
}
