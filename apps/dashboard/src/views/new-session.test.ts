import type { SessionDto } from '@hamstream/protocol';
import { describe, expect, it } from 'vitest';
import { ingestCommand } from './new-session.js';

const session = (id: string, subject: string | null): SessionDto => ({
  id,
  subject,
  status: 'created',
  createdAt: '2026-11-22T10:00:00.000Z',
  startedAt: null,
  endedAt: null,
  devices: [],
  activity: null,
  side: null,
  ingestOnline: false,
  eventCount: 0,
  durationS: 0,
  setCount: 0,
  repTotal: 0,
});

describe('ingestCommand', () => {
  it('names the server, session, subject, token and a recording file, one option per line', () => {
    const cmd = ingestCommand('https://clinic.example:8443', {
      session: session('s-1', 'athlete-07'),
      secret: 'hsd_ab12_c-D.e',
    });
    expect(cmd.split(' \\\n  ')).toEqual([
      'hamstream ingest --config sensors.json',
      '--server https://clinic.example:8443',
      '--session s-1',
      '--subject athlete-07',
      '--token hsd_ab12_c-D.e',
      '--record s-1.rec.jsonl.gz',
    ]);
  });

  it('leaves out the subject of a session without one and quotes what a shell would split', () => {
    const cmd = ingestCommand("http://host/it's here", { session: session('s-2', null), secret: 't' });
    expect(cmd).not.toContain('--subject');
    expect(cmd).toContain(`--server 'http://host/it'\\''s here'`);
  });
});
