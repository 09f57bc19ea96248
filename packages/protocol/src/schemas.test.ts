import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { ingestEventsPayloadSchema, ingestHelloSchema } from './ingest.js';
import { liveWatchRequestSchema } from './live.js';
import {
  AccountCreateSchema,
  DaemonTokenCreateSchema,
  LoginSchema,
  PasswordChangeSchema,
  TargetsBodySchema,
} from './rest.js';

const header = {
  type: 'header',
  format: 'hamstream.recording',
  version: 1,
  startedAt: '2026-11-20T10:00:00.000Z',
  devices: [],
};

describe('wire schemas refuse what they do not know', () => {
  it('ingest payloads: exact top level, open events (the recording format grows)', () => {
    const hello = Compile(ingestHelloSchema);
    expect(hello.Check({ session: 's', header, daemonId: 'd' })).toBe(true);
    expect(hello.Check({ session: 's', header: { ...header, future: 1 }, daemonId: 'd' })).toBe(true);
    expect(hello.Check({ session: 's', header, daemonId: 'd', token: 'x' })).toBe(false);
    const events = Compile(ingestEventsPayloadSchema);
    const entry = { seq: 1, event: { type: 'connect', t: 0, device: 'a', future: true } };
    expect(events.Check({ session: 's', batch: [entry] })).toBe(true);
    expect(events.Check({ session: 's', batch: [{ ...entry, extra: 1 }] })).toBe(false);
    expect(events.Check({ session: 's', batch: [null] })).toBe(false);
    expect(events.Check({ session: 's', batch: Array.from({ length: 501 }, () => entry) })).toBe(false);
  });

  it('live watch requests: the wall or one session, nothing else', () => {
    const watch = Compile(liveWatchRequestSchema);
    expect(watch.Check({ view: 'wall' })).toBe(true);
    expect(watch.Check({ view: 'session', session: 's-1' })).toBe(true);
    expect(watch.Check({ view: 'session' })).toBe(false);
    expect(watch.Check({ view: 'wall', session: 's-1' })).toBe(false);
    expect(watch.Check({ view: 'session', session: 'x'.repeat(65) })).toBe(false);
  });

  it('REST bodies with credentials or accounts: unknown fields are errors', () => {
    expect(Compile(LoginSchema).Check({ username: 'a', password: 'b', remember: true })).toBe(false);
    expect(Compile(PasswordChangeSchema).Check({ currentPassword: 'a', newPassword: 'short' })).toBe(false);
    expect(Compile(AccountCreateSchema).Check({ id: 'alice', role: 'therapist', password: 'x' })).toBe(false);
    expect(Compile(AccountCreateSchema).Check({ id: 'alice', role: 'root' })).toBe(false);
    expect(Compile(DaemonTokenCreateSchema).Check({ sessions: ['s'], scope: 'all' })).toBe(false);
    const targets = Compile(TargetsBodySchema);
    expect(targets.Check({ romDeg: { bridge: 30 }, cadence: null })).toBe(true);
    expect(
      targets.Check({ romDeg: {}, cadence: { baselineSpm: null, changePct: 5, tolerancePct: 2, x: 1 } }),
    ).toBe(false);
    expect(targets.Check({ romDeg: { ['x'.repeat(65)]: 30 }, cadence: null })).toBe(false);
  });
});
