import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingEvent, RecordingHeader } from '@hamstream/core';
import { createRecordingWriter, type RecordingWriter, readRecording } from '@hamstream/recording';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadNobleCentral } from '../noble/load-noble-central.js';
import { type IngestTestServer, startIngestTestServer } from '../test-support/ingest-test-server.js';
import { makeRecording } from '../test-support/make-recording.js';
import { DEFAULT_TUNING, type IngestConfig, sensorsFromDevices } from './config.js';
import { type AckFile, ackPathFor, Forwarder } from './forwarder.js';
import { startIngestDaemon } from './ingest-daemon.js';
import { silentLogger } from './logger.js';

const header: RecordingHeader = {
  type: 'header',
  format: 'hamstream.recording',
  version: 1,
  startedAt: '2026-11-20T10:00:00.000Z',
  devices: [{ id: 'L-shank', driver: 'witmotion-wt901', placement: 'shank', side: 'left', config: {} }],
};

const fast = { reconnectionDelay: 50, reconnectionDelayMax: 200 };

let dir: string;
const servers: IngestTestServer[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hamstream-fwd-'));
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function server(options: Parameters<typeof startIngestTestServer>[0] = {}) {
  const s = await startIngestTestServer(options);
  servers.push(s);
  return s;
}

const waitFor = async (cond: () => boolean, timeoutMs = 5000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A recording writer plus a forwarder on it, as the daemon wires them. */
async function pair(url: string, memoryEvents = 10_000, token = 'secret', ackTimeoutMs = 1000) {
  const path = join(dir, 'session.rec.jsonl');
  const writer: RecordingWriter = await createRecordingWriter(path, header);
  const forwarder = new Forwarder({
    url,
    token,
    session: 'sess-1',
    header,
    daemonId: 'test',
    recordingPath: path,
    flushRecording: () => writer.flush(),
    ackPath: ackPathFor(path),
    batchSize: 50,
    window: 200,
    memoryEvents,
    ackTimeoutMs,
    logger: silentLogger,
    socketOptions: fast,
  });
  let t = 0;
  const write = (n: number) => {
    for (let i = 0; i < n; i++) {
      const event: RecordingEvent = {
        type: 'packet',
        t: t++,
        device: 'L-shank',
        characteristic: '0000ffe400001000800000805f9a34fb',
        data: (t % 256).toString(16).padStart(2, '0'),
      };
      writer.write(event);
      forwarder.push(writer.eventsWritten, event);
    }
  };
  return { path, writer, forwarder, write };
}

const seqs = (s: IngestTestServer) => s.sessions.get('sess-1')?.events.map((e) => e.seq) ?? [];
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('forwarder', () => {
  it('sends every event with its seq and gets them acknowledged; the ack position is kept beside the recording', async () => {
    const srv = await server({ token: 'secret' });
    const { forwarder, write, writer, path } = await pair(srv.url);
    forwarder.start();
    write(500);
    expect(await forwarder.drain(5000)).toBe(true);
    expect(seqs(srv)).toEqual(range(500));
    expect(srv.sessions.get('sess-1')!.duplicates).toBe(0);
    // The server got the recording's events, unchanged.
    await writer.close();
    const onDisk = await readRecording(path);
    expect(srv.sessions.get('sess-1')!.events.map((e) => e.event)).toEqual(onDisk.events);
    await forwarder.close();
    const ack = JSON.parse(await readFile(ackPathFor(path), 'utf8')) as AckFile;
    expect(ack).toMatchObject({ session: 'sess-1', ackedSeq: 500, lastSeq: 500 });
  });

  it('keeps events while the server is down and resends them after a restart: all exactly once', async () => {
    const srv = await server();
    const { forwarder, write, writer } = await pair(srv.url);
    forwarder.start();
    write(100);
    await waitFor(() => seqs(srv).length === 100);
    await srv.stop();
    write(300); // server down: nothing acknowledged
    await new Promise((r) => setTimeout(r, 100));
    expect(forwarder.status()).toMatchObject({ connected: false, ackedSeq: 100, lastSeq: 400 });
    await srv.restart();
    write(100);
    expect(await forwarder.drain(5000)).toBe(true);
    expect(seqs(srv)).toEqual(range(500));
    await forwarder.close();
    await writer.close();
  });

  it('re-reads from the recording file what no longer fits in memory', async () => {
    const srv = await server();
    const { forwarder, write, writer } = await pair(srv.url, 20);
    write(300); // not connected yet: only the newest 20 stay in memory
    forwarder.start();
    expect(await forwarder.drain(5000)).toBe(true);
    expect(seqs(srv)).toEqual(range(300));
    expect(forwarder.status().readFromDisk).toBe(280);
    await forwarder.close();
    await writer.close();
  });

  it('resends everything when the server lost its copy, and what an unanswered batch carried', async () => {
    const srv = await server({ dropEveryNthBatch: 3 });
    const { forwarder, write, writer } = await pair(srv.url, 10_000, 'secret', 200);
    forwarder.start();
    write(400);
    expect(await forwarder.drain(8000)).toBe(true);
    expect(seqs(srv)).toEqual(range(400));
    expect(forwarder.status().resends).toBeGreaterThan(0);
    // The server's storage is wiped: on reconnect it says lastSeq 0 and gets the whole session again.
    await srv.stop();
    srv.sessions.clear();
    await srv.restart();
    await waitFor(() => seqs(srv).length === 400, 8000);
    expect(seqs(srv)).toEqual(range(400));
    await forwarder.close();
    await writer.close();
  }, 20_000);

  it('keeps retrying while the server refuses the token, and never marks anything acknowledged', async () => {
    const srv = await server({ token: 'right' });
    const { forwarder, write, writer } = await pair(srv.url, 1000, 'wrong');
    forwarder.start();
    write(10);
    await waitFor(() => srv.rejected >= 1);
    expect(await forwarder.drain(200)).toBe(false);
    expect(forwarder.status()).toMatchObject({ ackedSeq: 0, lastSeq: 10, lastError: 'unauthorized' });
    await forwarder.close();
    await writer.close();
  });
});

describe('daemon forwarding', () => {
  it('gets every recorded event to the server exactly once although the server restarts mid-session', async () => {
    const srv = await server({ token: 't0k' });
    const fixture = makeRecording('mem:fwd', [
      { kind: 'witmotion', id: 'L-shank', durationMs: 20_000 },
      { kind: 'tindeq', id: 'handle', durationMs: 20_000 },
    ]);
    const central = await loadNobleCentral({
      adapter: { kind: 'virtual', recordings: [fixture.path] },
      preloaded: [fixture],
      virtual: { speed: 20 },
    });
    const config: IngestConfig = {
      session: 'sess-1',
      sensors: sensorsFromDevices(central.virtual!.peripherals.map((p) => p.device)),
      record: join(dir, 'daemon.rec.jsonl'),
      server: { url: srv.url, token: 't0k' },
      tuning: DEFAULT_TUNING,
    };
    const daemon = await startIngestDaemon(config, { central, socketOptions: fast });
    await waitFor(() => seqs(srv).length > 200);
    await srv.stop();
    await new Promise((r) => setTimeout(r, 250));
    await srv.restart();
    const summary = await daemon.stopped;
    await central.close();
    expect(summary.drained).toBe(true);
    const onDisk = await readRecording(summary.recordingPath);
    const stored = srv.sessions.get('sess-1')!;
    expect(stored.events.map((e) => e.seq)).toEqual(range(onDisk.events.length));
    expect(stored.events.map((e) => e.event)).toEqual(onDisk.events);
    expect(stored.header.devices.map((d) => d.id)).toEqual(['L-shank', 'handle']);
  }, 20_000);

  it('resumes after a daemon restart: same recording continued, the server ends with every event once', async () => {
    const srv = await server();
    const fixture = makeRecording('mem:resume', [{ kind: 'tindeq', id: 'handle', durationMs: 8_000 }]);
    const record = join(dir, 'resume.rec.jsonl');
    const runOnce = async (resume: boolean, drainTimeoutMs: number) => {
      const central = await loadNobleCentral({
        adapter: { kind: 'virtual', recordings: [fixture.path] },
        preloaded: [fixture],
        virtual: { speed: 20 },
      });
      const config: IngestConfig = {
        session: 'sess-1',
        sensors: sensorsFromDevices(central.virtual!.peripherals.map((p) => p.device)),
        record,
        server: { url: srv.url, token: 'x' },
        tuning: { ...DEFAULT_TUNING, drainTimeoutMs },
      };
      const daemon = await startIngestDaemon(config, { central, socketOptions: fast, resume });
      return { daemon, central };
    };
    // Run 1: the server goes away halfway and the daemon stops with events unacknowledged.
    const first = await runOnce(false, 200);
    await waitFor(() => seqs(srv).length > 100);
    await srv.stop();
    const s1 = await first.daemon.stopped;
    await first.central.close();
    expect(s1.drained).toBe(false);
    const afterFirst = await readRecording(record);
    const ack = JSON.parse(await readFile(ackPathFor(record), 'utf8')) as AckFile;
    expect(ack.ackedSeq).toBeLessThan(afterFirst.events.length);

    // Run 2, same session, --resume: the file continues and the server catches up.
    await srv.restart();
    const second = await runOnce(true, 5000);
    const s2 = await second.daemon.stopped;
    await second.central.close();
    expect(s2.drained).toBe(true);
    const onDisk = await readRecording(record);
    expect(onDisk.header.startedAt).toBe(afterFirst.header.startedAt);
    expect(onDisk.events.slice(0, afterFirst.events.length)).toEqual(afterFirst.events);
    expect(onDisk.events.length).toBeGreaterThan(afterFirst.events.length + 100);
    const stored = srv.sessions.get('sess-1')!;
    expect(stored.events.map((e) => e.seq)).toEqual(range(onDisk.events.length));
    expect(stored.events.map((e) => e.event)).toEqual(onDisk.events);
  }, 20_000);

  it('refuses to resume a recording made with other sensors', async () => {
    const fixture = makeRecording('mem:a', [{ kind: 'tindeq', id: 'handle', durationMs: 500 }]);
    const other = makeRecording('mem:b', [{ kind: 'witmotion', id: 'L-shank', durationMs: 500 }]);
    const record = join(dir, 'other.rec.jsonl');
    const run = async (rec: typeof fixture, resume: boolean) => {
      const central = await loadNobleCentral({
        adapter: { kind: 'virtual', recordings: [rec.path] },
        preloaded: [rec],
        virtual: { speed: 20 },
      });
      const config: IngestConfig = {
        session: 'sess-2',
        sensors: sensorsFromDevices(central.virtual!.peripherals.map((p) => p.device)),
        record,
        server: null,
        tuning: DEFAULT_TUNING,
      };
      try {
        const d = await startIngestDaemon(config, { central, resume });
        await d.stopped;
      } finally {
        await central.close();
      }
    };
    await run(fixture, false);
    await expect(run(other, true)).rejects.toThrow(
      /was recorded with sensors handle:tindeq-progressor, the configuration has L-shank:witmotion-wt901: cannot resume/,
    );
  });
});
