import { join } from 'node:path';
import { readRecording } from '@hamstream/recording';
import { afterEach, describe, expect, it } from 'vitest';
import {
  adminBearer,
  connectEvents,
  daemonTokenFor,
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
/** A daemon connection with a token bound to `sessions` (created when missing). */
async function client(s: ListeningTestServer, sessions: string[] = ['sess']): Promise<IngestClient> {
  const c = await ingestClient(s.url, await daemonTokenFor(s, sessions));
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
    const c = await client(s);
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
    const first = await client(s);
    await hello(first, 'sess', testHeader());
    await sendBatch(first, 'sess', sequenced(events.slice(0, 4)));
    first.disconnect();
    await expect.poll(() => s.registry.get('sess')!.model.state().ingestOnline).toBe(false);
    const second = await client(s);
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
    // The token is stored (hashed) in the data folder: the daemon keeps using it after the restart.
    const token = await daemonTokenFor(a, ['sess']);
    const c1 = await ingestClient(a.url, token);
    await hello(c1, 'sess', testHeader());
    await sendBatch(c1, 'sess', sequenced(events.slice(0, 6)));
    const marked = await a.app.inject({
      method: 'POST',
      url: '/api/sessions/sess/sets/start',
      headers: { authorization: `Bearer ${await adminBearer(a)}` },
      payload: { activity: 'bridge', side: 'right' },
    });
    expect(marked.statusCode).toBe(200);
    c1.disconnect();
    await a.close();

    const b = await server({ dataDir });
    const c2 = await ingestClient(b.url, token);
    cleanups.push(() => {
      c2.disconnect();
    });
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
    const c = await client(s, ['sess', 'sess2', 'never-said-hello']);
    await hello(c, 'sess', testHeader());
    expect(await hello(c, 'sess', testHeader({ startedAt: '2026-11-21T10:00:00.000Z' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('already holds a recording'),
    });
    expect(await hello(c, 'bad id!', testHeader())).toMatchObject({ ok: false });
    expect(await hello(c, 'sess2', { ...testHeader(), format: 'nope' } as never)).toMatchObject({
      ok: false,
      error: expect.stringContaining('malformed ingest:hello'),
    });
    // The right shape, but not a valid header: the recording validator names the problem.
    expect(await hello(c, 'sess2', testHeader({ startedAt: 'yesterday' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('bad header'),
    });
    expect(await sendBatch(c, 'never-said-hello', sequenced(connectEvents(1)))).toEqual({
      ok: false,
      error: 'say ingest:hello for session never-said-hello first (with a token for it)',
    });
  });

  it('stores up to an invalid event, then names it', async () => {
    const s = await server();
    const c = await client(s);
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

  it('takes only a valid daemon token, and writes only the sessions it is bound to', async () => {
    const s = await server();
    await expect(ingestClient(s.url, 'wrong')).rejects.toThrow('a valid daemon token is required');
    // A person's sign-in is not a daemon token.
    await expect(ingestClient(s.url, await adminBearer(s))).rejects.toThrow(
      'a valid daemon token is required',
    );
    const other = await daemonTokenFor(s, ['other']);
    const c = await client(s, ['sess']);
    expect(await hello(c, 'other', testHeader())).toEqual({
      ok: false,
      error: 'this token may not write session other',
    });
    expect(await sendBatch(c, 'other', sequenced(connectEvents(1)))).toMatchObject({ ok: false });
    expect(s.registry.get('other')!.appender).toBeNull();
    expect(await hello(c, 'sess', testHeader())).toEqual({ ok: true, lastSeq: 0 });
    // The other daemon cannot write into this session, even after this one said hello.
    const intruder = await ingestClient(s.url, other);
    cleanups.push(() => {
      intruder.disconnect();
    });
    expect(await sendBatch(intruder, 'sess', sequenced(connectEvents(1)))).toMatchObject({ ok: false });
    expect(s.registry.get('sess')!.appender!.daemonEventCount).toBe(0);
  });

  it('disconnects a daemon whose token is revoked, at once', async () => {
    const s = await server();
    const token = await daemonTokenFor(s, ['sess']);
    const c = await ingestClient(s.url, token);
    cleanups.push(() => {
      c.disconnect();
    });
    expect(await hello(c, 'sess', testHeader())).toEqual({ ok: true, lastSeq: 0 });
    const gone = new Promise<string>((resolve) => c.once('disconnect', resolve));
    const id = s.auth.listDaemonTokens()[0]!.id;
    await s.auth.revokeDaemonToken(id);
    expect(await gone).toBe('io server disconnect');
    await expect(ingestClient(s.url, token)).rejects.toThrow('a valid daemon token is required');
  });
});
