import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingEvent } from '@hamstream/core';
import { readRecording } from '@hamstream/recording';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectEvents, tempDataDir, testHeader } from '../testing/harness.js';
import { LocalSessionStore } from './local-session-store.js';
import type { SessionMeta } from './session-store.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDataDir();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const meta = (id: string): SessionMeta => ({
  id,
  subject: 'p1',
  status: 'live',
  createdAt: '2026-11-20T10:00:00.000Z',
  endedAt: null,
  daemonId: 'd1',
  header: testHeader(),
});

describe('LocalSessionStore', () => {
  it('keeps subjects, targets and sessions across restarts', async () => {
    const a = new LocalSessionStore(dir);
    await a.init();
    await a.putSubject({ id: 'p1', note: null, baselineCadenceSpm: 160, createdAt: 'x' });
    await a.putTargets({ subject: 'default', romDeg: { bridge: 30 }, cadence: null });
    await a.putSession(meta('s1'));
    await a.writeSummary({
      session: 's1',
      provisional: true,
      analysis: {
        recording: { startedAt: 'x', durationS: 1, devices: [] },
        sets: [],
        cadence: [],
        quality: [],
      },
    });
    await a.close();
    const b = new LocalSessionStore(dir);
    await b.init();
    expect(b.getSubject('p1')?.baselineCadenceSpm).toBe(160);
    expect(b.getTargets('default')?.romDeg).toEqual({ bridge: 30 });
    expect(b.getSession('s1')).toEqual(meta('s1'));
    expect((await b.readSummary('s1'))?.provisional).toBe(true);
    expect(await b.readSummary('nope')).toBeNull();
  });

  it('coalesces a burst of metadata writes, the last value wins', async () => {
    const s = new LocalSessionStore(dir);
    await s.init();
    const writes = Array.from({ length: 50 }, (_, i) =>
      s.putSubject({ id: `p${i}`, note: null, baselineCadenceSpm: null, createdAt: 'x' }),
    );
    await Promise.all(writes);
    const stored = JSON.parse(await readFile(join(dir, 'subjects.json'), 'utf8')) as unknown[];
    expect(stored).toHaveLength(50);
  });

  it('writes a readable recording with server marks told apart', async () => {
    const s = new LocalSessionStore(dir);
    await s.init();
    const app = await s.openRecording('s1', testHeader());
    const p1 = app.append(connectEvents(2));
    const mark = app.appendServerMark({ type: 'mark', t: 1, activity: 'bridge', side: 'right' });
    const p2 = app.append(connectEvents(2, 'R-thigh', 1));
    expect(app.daemonEventCount).toBe(4);
    expect(app.eventCount).toBe(5);
    await Promise.all([p1, mark, p2]);
    await app.close();
    const rec = await readRecording(s.recordingPath('s1')!);
    expect(rec.header.startedAt).toBe('2026-11-20T10:00:00.000Z');
    expect(rec.events.map((e) => e.type)).toEqual(['connect', 'connect', 'mark', 'connect', 'connect']);
    expect(rec.events[2]).toMatchObject({ activity: 'bridge', side: 'right', source: 'server' });
  });

  it('resumes after a crash: cuts a torn last line and counts daemon events exactly', async () => {
    const s = new LocalSessionStore(dir);
    await s.init();
    const first = await s.openRecording('s1', testHeader());
    await first.append(connectEvents(3));
    await first.appendServerMark({ type: 'mark', t: 2, activity: null });
    await first.close();
    const path = s.recordingPath('s1')!;
    await appendFile(path, '{"type":"connect","t":3,"dev'); // killed mid-line
    const replayed: RecordingEvent[] = [];
    const again = await s.openRecording('s1', testHeader({ startedAt: '2030-01-01T00:00:00.000Z' }), (e) =>
      replayed.push(e),
    );
    // The file's own header is kept; 3 daemon events + 1 server mark came back.
    expect(again.header.startedAt).toBe('2026-11-20T10:00:00.000Z');
    expect(again.daemonEventCount).toBe(3);
    expect(again.eventCount).toBe(4);
    expect(again.lastT).toBe(2);
    expect(replayed.map((e) => e.type)).toEqual(['connect', 'connect', 'connect', 'mark']);
    await again.append(connectEvents(1, 'R-thigh', 3));
    await again.close();
    const rec = await readRecording(path);
    expect(rec.stats.truncatedLastLine).toBe(false);
    expect(rec.events).toHaveLength(5);
  });

  it('starts a header-less file afresh', async () => {
    const s = new LocalSessionStore(dir);
    await s.init();
    const path = join(dir, 'sessions', 's2', 'recording.rec.jsonl');
    await (await s.openRecording('s2', testHeader())).close();
    await writeFile(path, '{"type":"conn');
    const app = await s.openRecording('s2', testHeader());
    expect(app.eventCount).toBe(0);
    await app.close();
    expect((await readRecording(path)).header.devices).toHaveLength(1);
  });
});
