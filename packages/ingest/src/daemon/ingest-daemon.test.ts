import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordingEvent } from '@hamstream/core';
import { readRecording } from '@hamstream/recording';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadNobleCentral } from '../noble/load-noble-central.js';
import { makeRecording, POLAR_CP, packetsOf } from '../test-support/make-recording.js';
import type { VirtualAdapterOptions, VirtualRecording } from '../virtual/virtual-bindings.js';
import { DEFAULT_TUNING, type IngestConfig, sensorsFromDevices } from './config.js';
import { startIngestDaemon } from './ingest-daemon.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hamstream-ingest-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runVirtual(recordings: VirtualRecording[], virtual: VirtualAdapterOptions, tuning = {}) {
  const central = await loadNobleCentral({
    adapter: { kind: 'virtual', recordings: recordings.map((r) => r.path) },
    preloaded: recordings,
    virtual,
  });
  const config: IngestConfig = {
    session: 'test-session',
    sensors: sensorsFromDevices(central.virtual!.peripherals.map((p) => p.device)),
    record: join(dir, 'out.rec.jsonl'),
    server: null,
    tuning: { ...DEFAULT_TUNING, ...tuning },
  };
  const daemon = await startIngestDaemon(config, { central });
  const summary = await daemon.stopped;
  const stats = central.virtual!.stats();
  await central.close();
  const out = await readRecording(summary.recordingPath);
  return { summary, stats, out, config };
}

/**
 * Time scale of the output against the original, per device: the median over packet pairs half the
 * stream apart of Δt_out / Δt_original (robust to a scheduling stall on a busy machine).
 */
function timeScale(
  original: readonly RecordingEvent[],
  output: readonly RecordingEvent[],
  device: string,
): number {
  const x = packetsOf(original, device).map((p) => p.t);
  const y = packetsOf(output, device).map((p) => p.t);
  const n = Math.min(x.length, y.length);
  const half = Math.floor(n / 2);
  const ratios: number[] = [];
  for (let i = 0; i + half < n; i++) ratios.push((y[i + half]! - y[i]!) / (x[i + half]! - x[i]!));
  ratios.sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length / 2)]!;
}

describe('ingest daemon on the virtual adapter', () => {
  // Timing is measured on a machine shared with other work: a retry absorbs a starved scheduler.
  it('records every packet byte-identical and in order, with the original spacing ÷ speed, and ends by itself', {
    timeout: 20_000,
    retry: 2,
  }, async () => {
    const fixture = makeRecording('mem:mixed', [
      { kind: 'witmotion', id: 'L-shank', durationMs: 20_000 },
      { kind: 'polar-h10', id: 'chest', durationMs: 20_000 },
      { kind: 'tindeq', id: 'handle', durationMs: 20_000 },
      { kind: 'rsc', id: 'foot', durationMs: 20_000 },
    ]);
    const speed = 20;
    const { summary, out } = await runVirtual([fixture], { speed });
    expect(summary.reason).toBe('source ended');
    for (const device of ['L-shank', 'chest', 'handle', 'foot']) {
      const want = packetsOf(fixture.events, device).map((p) => `${p.characteristic}:${p.data}`);
      const got = packetsOf(out.events, device).map((p) => `${p.characteristic}:${p.data}`);
      expect(got).toEqual(want);
    }
    // Spacing: output time against original time has slope 1/speed, within a few percent.
    for (const device of ['L-shank', 'handle', 'chest', 'foot']) {
      const ratio = timeScale(fixture.events, out.events, device) * speed;
      expect(ratio).toBeGreaterThan(0.97);
      expect(ratio).toBeLessThan(1.03);
    }
    // Link events: one connect and the final disconnect per device.
    for (const device of ['L-shank', 'chest', 'handle', 'foot']) {
      const link = out.events.filter(
        (e) => (e.type === 'connect' || e.type === 'disconnect') && e.device === device,
      );
      expect(link.map((e) => e.type)).toEqual(['connect', 'disconnect']);
      expect(link[1]).toMatchObject({ reason: 'end of recording' });
    }
    expect(summary.sensors.every((s) => s.decodeErrors === 0)).toBe(true);
  });

  it('finds configured sensors by name prefix, even when configured differently from the recording', async () => {
    const fixture = makeRecording('mem:named', [
      { kind: 'witmotion', id: 'L-shank', durationMs: 6000, rateHz: 100 },
      { kind: 'tindeq', id: 'handle', durationMs: 6000 },
    ]);
    const central = await loadNobleCentral({
      adapter: { kind: 'virtual', recordings: [fixture.path] },
      preloaded: [fixture],
      virtual: { speed: 20 },
    });
    const config: IngestConfig = {
      session: 'named',
      sensors: [
        // No rate: the daemon writes nothing to the WT901, which streams once subscribed anyway.
        {
          id: 'thigh',
          driver: 'witmotion-wt901',
          placement: 'thigh',
          side: 'left',
          name: 'WT901',
          config: {},
        },
        {
          id: 'force',
          driver: 'tindeq-progressor',
          placement: 'handle',
          side: 'left',
          name: 'Progressor',
          config: {},
        },
      ],
      record: join(dir, 'named.rec.jsonl'),
      server: null,
      tuning: DEFAULT_TUNING,
    };
    const daemon = await startIngestDaemon(config, { central });
    const summary = await daemon.stopped;
    await central.close();
    const out = await readRecording(summary.recordingPath);
    expect(out.header.devices.map((d) => d.id)).toEqual(['thigh', 'force']);
    const data = (events: readonly RecordingEvent[], device: string) =>
      packetsOf(events, device).map((p) => p.data);
    expect(data(out.events, 'thigh')).toEqual(data(fixture.events, 'L-shank'));
    expect(data(out.events, 'force')).toEqual(data(fixture.events, 'handle'));
  });

  it('loses --drop packets (seeded) and counts the gaps in clocked streams', async () => {
    const fixture = makeRecording('mem:drop', [
      { kind: 'polar-h10', id: 'chest', durationMs: 20_000 },
      { kind: 'tindeq', id: 'handle', durationMs: 20_000 },
      { kind: 'witmotion', id: 'L-shank', durationMs: 20_000 },
    ]);
    const { stats, out, summary } = await runVirtual([fixture], {
      speed: 40,
      dropProbability: 0.05,
      seed: 7,
    });
    for (const device of ['chest', 'handle', 'L-shank']) {
      const st = stats.find((s) => s.device === device)!;
      const want = packetsOf(fixture.events, device).map((p) => p.data);
      const got = packetsOf(out.events, device).map((p) => p.data);
      // What arrived is the original minus exactly the dropped packets, in order.
      expect(got.length + st.dropped + st.lostOffline).toBe(want.length);
      expect(st.dropped / want.length).toBeGreaterThan(0.02);
      expect(st.dropped / want.length).toBeLessThan(0.09);
      let j = 0;
      for (const d of got) {
        while (j < want.length && want[j] !== d) j++;
        expect(j).toBeLessThan(want.length);
        j++;
      }
    }
    // Polar and Tindeq carry a sensor clock: every run of lost packets shows up as one gap.
    for (const device of ['chest', 'handle']) {
      const st = stats.find((s) => s.device === device)!;
      const sensor = summary.sensors.find((s) => s.id === device)!;
      expect(st.dropRuns).toBeGreaterThan(0);
      expect(sensor.gaps).toBe(st.dropRuns);
    }
  }, 20_000);

  it('reconnects within 2 s after forced disconnects and records the link events', async () => {
    const fixture = makeRecording('mem:flaky', [
      { kind: 'witmotion', id: 'L-shank', durationMs: 30_000 },
      { kind: 'polar-h10', id: 'chest', durationMs: 30_000 },
      { kind: 'tindeq', id: 'handle', durationMs: 30_000 },
    ]);
    const { out, stats } = await runVirtual([fixture], { speed: 20, disconnectEverySec: 0.4 });
    for (const device of ['L-shank', 'chest', 'handle']) {
      const st = stats.find((s) => s.device === device)!;
      expect(st.forcedDisconnects).toBeGreaterThanOrEqual(2);
      const link = out.events.filter(
        (e) => (e.type === 'connect' || e.type === 'disconnect') && e.device === device,
      );
      const forced = link.filter((e) => e.type === 'disconnect' && /disconnect-every/.test(e.reason ?? ''));
      expect(forced.length).toBe(st.forcedDisconnects);
      for (let i = 0; i < link.length - 1; i++) {
        const e = link[i]!;
        if (e.type !== 'disconnect' || !/disconnect-every/.test(e.reason ?? '')) continue;
        const next = link[i + 1]!;
        expect(next.type).toBe('connect');
        expect(next).toMatchObject({ reason: 'reconnect' });
        expect(next.t - e.t).toBeLessThan(2000);
      }
      // The stream resumed after each reconnect: data keeps its original order, some lost in outages.
      const data = (events: readonly RecordingEvent[]) =>
        packetsOf(events, device)
          .filter((p) => p.characteristic !== POLAR_CP)
          .map((p) => p.data);
      const want = data(fixture.events);
      const got = data(out.events);
      expect(got.length).toBeGreaterThan(want.length * 0.5);
      let j = 0;
      for (const d of got) {
        while (j < want.length && want[j] !== d) j++;
        expect(j).toBeLessThan(want.length);
        j++;
      }
      const lastConnect = link.filter((e) => e.type === 'connect').pop()!;
      expect(packetsOf(out.events, device).some((p) => p.t > lastConnect.t)).toBe(true);
    }
    // The Polar answered its start command again on every connection (the daemon restarted its stream).
    const answers = packetsOf(out.events, 'chest').filter((p) => p.characteristic === POLAR_CP);
    const connects = out.events.filter((e) => e.type === 'connect' && e.device === 'chest');
    expect(answers).toHaveLength(connects.length);
  }, 30_000);

  it('streams 8 sensors at once; one that never answers disturbs none of the others', async () => {
    const good = makeRecording('mem:seven', [
      { kind: 'witmotion', id: 'L-thigh', durationMs: 12_000 },
      { kind: 'witmotion', id: 'R-thigh', durationMs: 12_000 },
      { kind: 'witmotion', id: 'L-shank', durationMs: 12_000, rateHz: 100 },
      { kind: 'witmotion', id: 'R-shank', durationMs: 12_000 },
      { kind: 'polar-h10', id: 'chest', durationMs: 12_000 },
      { kind: 'tindeq', id: 'handle', durationMs: 12_000 },
      { kind: 'rsc', id: 'foot', durationMs: 12_000 },
    ]);
    // A Polar that connects but never answers its control point and never sends data.
    const silent = makeRecording('mem:silent', [{ kind: 'polar-h10', id: 'broken', durationMs: 0 }]);
    silent.events = [];
    const { out, summary } = await runVirtual(
      [good, silent],
      { speed: 20 },
      { responseTimeoutMs: 200, silenceTimeoutMs: 300 },
    );
    expect(summary.sensors).toHaveLength(8);
    for (const device of ['L-thigh', 'R-thigh', 'L-shank', 'R-shank', 'chest', 'handle', 'foot']) {
      const want = packetsOf(good.events, device).map((p) => `${p.characteristic}:${p.data}`);
      const got = packetsOf(out.events, device).map((p) => `${p.characteristic}:${p.data}`);
      expect(got).toEqual(want);
      const link = out.events.filter(
        (e) => (e.type === 'connect' || e.type === 'disconnect') && e.device === device,
      );
      expect(link.map((e) => e.type)).toEqual(['connect', 'disconnect']);
    }
    const broken = summary.sensors.find((s) => s.id === 'broken')!;
    expect(broken.packets).toBe(0);
    expect(broken.connects).toBeGreaterThanOrEqual(1);
    expect(packetsOf(out.events, 'broken')).toHaveLength(0);
  }, 30_000);

  it('stops cleanly on request: stop writes, a disconnect per sensor, a readable recording', async () => {
    const fixture = makeRecording('mem:long', [
      { kind: 'tindeq', id: 'handle', durationMs: 60_000 },
      { kind: 'witmotion', id: 'L-shank', durationMs: 60_000 },
    ]);
    const central = await loadNobleCentral({
      adapter: { kind: 'virtual', recordings: [fixture.path] },
      preloaded: [fixture],
      virtual: { speed: 10 },
    });
    const config: IngestConfig = {
      session: 'stop-test',
      sensors: sensorsFromDevices(central.virtual!.peripherals.map((p) => p.device)),
      record: join(dir, 'stop.rec.jsonl'),
      server: null,
      tuning: DEFAULT_TUNING,
    };
    const daemon = await startIngestDaemon(config, { central });
    const streaming = new Promise<void>((resolve) => {
      const seen = new Set<string>();
      daemon.on('sensor', (s) => {
        if (s.state === 'streaming') seen.add(s.id);
        if (seen.size === 2) resolve();
      });
    });
    await streaming;
    await new Promise((r) => setTimeout(r, 150));
    daemon.mark('isometric-hamstring', 'left');
    const summary = await daemon.stop('SIGINT');
    await central.close();
    expect(summary.reason).toBe('SIGINT');
    const out = await readRecording(summary.recordingPath);
    expect(out.stats.truncatedLastLine).toBe(false);
    expect(out.events.some((e) => e.type === 'mark' && e.activity === 'isometric-hamstring')).toBe(true);
    for (const device of ['handle', 'L-shank']) {
      const link = out.events.filter(
        (e) => (e.type === 'connect' || e.type === 'disconnect') && e.device === device,
      );
      expect(link.map((e) => e.type)).toEqual(['connect', 'disconnect']);
      expect(link[1]).toMatchObject({ reason: 'shutdown: SIGINT' });
      expect(packetsOf(out.events, device).length).toBeGreaterThan(5);
    }
    expect(summary.eventsWritten).toBe(out.events.length);
  }, 20_000);

  it('loops a recording with --loop until stopped', async () => {
    const fixture = makeRecording('mem:loop', [{ kind: 'tindeq', id: 'handle', durationMs: 1000 }]);
    const central = await loadNobleCentral({
      adapter: { kind: 'virtual', recordings: [fixture.path] },
      preloaded: [fixture],
      virtual: { speed: 20, loop: true },
    });
    const config: IngestConfig = {
      session: 'loop-test',
      sensors: sensorsFromDevices(central.virtual!.peripherals.map((p) => p.device)),
      record: join(dir, 'loop.rec.jsonl'),
      server: null,
      tuning: DEFAULT_TUNING,
    };
    const daemon = await startIngestDaemon(config, { central });
    await new Promise((r) => setTimeout(r, 250)); // 5 s of recording time: the 1 s recording several times
    const summary = await daemon.stop('enough');
    const stats = central.virtual!.stats();
    await central.close();
    const want = packetsOf(fixture.events, 'handle').map((p) => p.data);
    const out = await readRecording(summary.recordingPath);
    const got = packetsOf(out.events, 'handle').map((p) => p.data);
    expect(stats[0]!.loops).toBeGreaterThanOrEqual(2);
    expect(got.length).toBeGreaterThan(want.length * 2);
    // Each loop replays the same bytes in the same order.
    expect(got.slice(0, want.length)).toEqual(want);
    expect(got.slice(want.length, 2 * want.length)).toEqual(want);
  }, 20_000);
});

/**
 * The committed simulator fixtures through the virtual adapter and the daemon: every device's packets
 * come out byte-identical and in order. The two chosen cover every driver, Polar control-point answers
 * (Verity ACC+GYRO with FACTOR), an RSC feature re-read after a recorded reconnect, and burst loss.
 */
const FIXTURES = fileURLToPath(new URL('../../../../fixtures/', import.meta.url));
const CASES = [
  'run_witmotion-wt901+polar-pmd+ble-rsc_shank+chest+foot_hard.rec.jsonl.gz',
  'standing-hamstring-curl_polar-pmd_shank_hard.rec.jsonl.gz',
];

// In this file (not its own) so that its CPU-heavy 200× replays never run beside the timing test above.
describe('committed fixtures replayed through the daemon', () => {
  it.each(CASES)(
    '%s: byte-identical packets per device',
    async (name) => {
      const path = join(FIXTURES, name);
      expect(existsSync(path), `fixture ${path} is missing: run npm run fixtures`).toBe(true);
      const fixture = await readRecording(path);
      const central = await loadNobleCentral({ adapter: `virtual:${path}`, virtual: { speed: 200 } });
      const daemon = await startIngestDaemon(
        {
          session: 'fixture',
          sensors: sensorsFromDevices(central.virtual!.peripherals.map((p) => p.device)),
          record: join(dir, `${name}.out.rec.jsonl`),
          server: null,
          tuning: DEFAULT_TUNING,
        },
        { central },
      );
      const summary = await daemon.stopped;
      await central.close();
      expect(summary.reason).toBe('source ended');
      const out = await readRecording(summary.recordingPath);
      for (const device of fixture.header.devices) {
        const want = packetsOf(fixture.events, device.id).map((p) => `${p.characteristic}:${p.data}`);
        const got = packetsOf(out.events, device.id).map((p) => `${p.characteristic}:${p.data}`);
        expect(got.length).toBe(want.length);
        expect(got).toEqual(want);
      }
      expect(summary.sensors.every((s) => s.decodeErrors === 0)).toBe(true);
    },
    30_000,
  );
});
