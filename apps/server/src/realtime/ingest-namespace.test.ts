import { join } from 'node:path';
import { err, ok } from '@hamstream/core';
import { readRecording } from '@hamstream/recording';
import { afterEach, describe, expect, it } from 'vitest';
import { problem } from '../errors.js';
import {
  connectEvents,
  hello,
  type IngestClient,
  ingestClient,
  type ListeningTestServer,
  sendBatch,
  sequenced,
  startTestServer,
  tempDataDir,
  testHeader,
} from '../testing/harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(opts: Parameters<typeof startTestServer>[0] = {}): Promise<ListeningTestServer> {
  const s = await startTestServer(opts);
  cleanups.push(() => s.dispose());
  return s;
}
async function client(url: string): Promise<IngestClient> {
  const c = await ingestClient(url);
  cleanups.push(() => {
    c.disconnect();
  });
  return c;
}
const recordingOf = (s: ListeningTestServer, id: string) =>
  readRecording(join(s.dataDir, 'sessions', id, 'recording.rec.jsonl'));

describe('/ingest namespace', () => {
  it('acks by sequence and drops repeats', async () => {
    const s = await server();
    const c = await client(s.url);
    const events = connectEvents(10);
    expect(await hello(c, 'sess', testHeader())).toEqual({ ok: true, lastSeq: 0 });
    expect(await sendBatch(c, 'sess', sequenced(events.slice(0, 5)))).toEqual({ ok: true, ackedSeq: 5 });
    // A resend overlapping what is stored: 3..7 → only 6 and 7 are new.
    expect(await sendBatch(c, 'sess', sequenced(events.slice(2, 7), 3))).toEqual({ ok: true, ackedSeq: 7 });
    // Entirely repeated: nothing stored, the ack says where the server is.
    expect(await sendBatch(c, 'sess', sequenced(events.slice(0, 7)))).toEqual({ ok: true, ackedSeq: 7 });
    // A gap (8 missing): nothing past it is stored, the daemon resends from 8.
    expect(await sendBatch(c, 'sess', sequenced(events.slice(8, 10), 9))).toEqual({ ok: true, ackedSeq: 7 });
    expect(await sendBatch(c, 'sess', sequenced(events.slice(7), 8))).toEqual({ ok: true, ackedSeq: 10 });
    await s.registry.get('sess')!.appender!.flush();
    const rec = await recordingOf(s, 'sess');
    expect(rec.events).toEqual(events);
  });

  it('resumes after a reconnect: hello answers the last stored seq', async () => {
    const s = await server();
    const events = connectEvents(8);
    const first = await client(s.url);
    await hello(first, 'sess', testHeader());
    await sendBatch(first, 'sess', sequenced(events.slice(0, 4)));
    first.disconnect();
    await expect.poll(() => s.registry.get('sess')!.model.state().ingestOnline).toBe(false);
    const second = await client(s.url);
    expect(await hello(second, 'sess', testHeader())).toEqual({ ok: true, lastSeq: 4 });
    // The daemon resends what it never saw acked (3..8): repeats dropped.
    expect(await sendBatch(second, 'sess', sequenced(events.slice(2), 3))).toEqual({ ok: true, ackedSeq: 8 });
    expect(s.registry.get('sess')!.model.state().ingestOnline).toBe(true);
    await s.registry.get('sess')!.appender!.flush();
    expect((await recordingOf(s, 'sess')).events).toEqual(events);
  });

  it('survives a server restart: every event stored exactly once, marks kept apart from seqs', async () => {
    const dataDir = await tempDataDir();
    const events = connectEvents(12);
    const a = await startTestServer({ dataDir, keepData: true });
    const c1 = await ingestClient(a.url);
    await hello(c1, 'sess', testHeader());
    await sendBatch(c1, 'sess', sequenced(events.slice(0, 6)));
    const marked = await a.app.inject({
      method: 'POST',
      url: '/api/sessions/sess/sets/start',
      payload: { activity: 'bridge', side: 'right' },
    });
    expect(marked.statusCode).toBe(200);
    c1.disconnect();
    await a.close();

    const b = await server({ dataDir });
    const c2 = await client(b.url);
    // 6 daemon events stored; the server's own mark does not count as a seq.
    expect(await hello(c2, 'sess', testHeader())).toEqual({ ok: true, lastSeq: 6 });
    expect(await sendBatch(c2, 'sess', sequenced(events.slice(4), 5))).toEqual({ ok: true, ackedSeq: 12 });
    // State was rebuilt from the recording: the mark's activity is current again.
    expect(b.registry.get('sess')!.model.state().activity).toBe('bridge');
    await b.registry.get('sess')!.appender!.flush();
    const rec = await recordingOf(b, 'sess');
    expect(rec.events.filter((e) => e.type === 'connect')).toEqual(events);
    expect(rec.events.filter((e) => e.type === 'mark')).toHaveLength(1);
  });

  it('refuses a second recording under the same session id and bad input with a reason', async () => {
    const s = await server();
    const c = await client(s.url);
    await hello(c, 'sess', testHeader());
    expect(await hello(c, 'sess', testHeader({ startedAt: '2026-11-21T10:00:00.000Z' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('already holds a recording'),
    });
    expect(await hello(c, 'bad id!', testHeader())).toMatchObject({ ok: false });
    expect(await hello(c, 'sess2', { ...testHeader(), format: 'nope' } as never)).toMatchObject({
      ok: false,
      error: expect.stringContaining('bad header'),
    });
    expect(await sendBatch(c, 'never-said-hello', sequenced(connectEvents(1)))).toEqual({
      ok: false,
      error: 'unknown session: send ingest:hello first',
    });
  });

  it('stores up to an invalid event, then names it', async () => {
    const s = await server();
    const c = await client(s.url);
    await hello(c, 'sess', testHeader());
    const batch = sequenced([
      { type: 'connect', t: 0, device: 'R-thigh' },
      { type: 'packet', t: 1, device: 'R-thigh', characteristic: 'ffe4', data: 'XYZ' },
      { type: 'connect', t: 2, device: 'R-thigh' },
    ]);
    const ack = await sendBatch(c, 'sess', batch);
    expect(ack).toMatchObject({ ok: false, error: expect.stringMatching(/^seq 2: bad hex/) });
    expect(s.registry.get('sess')!.appender!.daemonEventCount).toBe(1);
    const back = await sendBatch(c, 'sess', sequenced([{ type: 'connect', t: 0.5, device: 'ghost' }], 2));
    expect(back).toMatchObject({ ok: false, error: expect.stringContaining('not declared') });
    const backwards = await sendBatch(
      c,
      'sess',
      sequenced([{ type: 'connect', t: -1, device: 'R-thigh' }], 2),
    );
    expect(backwards).toMatchObject({ ok: false, error: expect.stringContaining('back in time') });
  });

  it('checks handshake.auth.token through the access control', async () => {
    const s = await server({
      accessControl: {
        authenticate: ({ token }) =>
          token === 'daemon-token'
            ? ok({ id: 'd', roles: ['ingest'] })
            : err(problem('UNAUTHORIZED', 'ingest token required')),
      },
    });
    await expect(ingestClient(s.url, 'wrong')).rejects.toThrow('ingest token required');
    const c = await ingestClient(s.url, 'daemon-token');
    cleanups.push(() => {
      c.disconnect();
    });
    expect(await hello(c, 'sess', testHeader())).toEqual({ ok: true, lastSeq: 0 });
  });
});
