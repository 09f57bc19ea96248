import { describe, expect, it } from 'vitest';
import {
  canIngest,
  canManageToken,
  canReadSession,
  canReadSubject,
  canReadTargets,
  canWriteSession,
  canWriteSubject,
  canWriteTargets,
  type SubjectRef,
  sessionTherapist,
} from './policy.js';
import type { AccountPrincipal, DaemonPrincipal, Role } from './principal.js';

const account = (id: string, role: Role, subject: string | null = null): AccountPrincipal => ({
  kind: 'account',
  id,
  role,
  subject,
  demo: false,
  mustChangePassword: false,
  via: 'bearer',
  sessionKey: id,
  expiresAtMs: Number.POSITIVE_INFINITY,
});

const subjects: Record<string, SubjectRef> = {
  p1: { id: 'p1', therapist: 'alice' },
  p2: { id: 'p2', therapist: 'bob' },
  orphan: { id: 'orphan', therapist: null },
};
const subjectOf = (id: string) => subjects[id] ?? null;

const admin = account('root', 'admin');
const alice = account('alice', 'therapist');
const bob = account('bob', 'therapist');
const runner1 = account('r1', 'runner', 'p1');
const runner2 = account('r2', 'runner', 'p2');

describe('policy', () => {
  it('subjects: admins all, a therapist their own, a runner themself (read only)', () => {
    const table: Array<[AccountPrincipal, string, boolean, boolean]> = [
      [admin, 'p1', true, true],
      [admin, 'orphan', true, true],
      [alice, 'p1', true, true],
      [alice, 'p2', false, false],
      [alice, 'orphan', false, false],
      [runner1, 'p1', true, false],
      [runner1, 'p2', false, false],
    ];
    for (const [p, s, read, write] of table) {
      expect(canReadSubject(p, subjects[s]!), `${p.id} reads ${s}`).toBe(read);
      expect(canWriteSubject(p, subjects[s]!), `${p.id} writes ${s}`).toBe(write);
    }
  });

  it('sessions follow their subject’s therapist, else their creator', () => {
    expect(sessionTherapist({ id: 's', subject: 'p1', owner: 'bob' }, subjectOf)).toBe('alice');
    expect(sessionTherapist({ id: 's', subject: null, owner: 'bob' }, subjectOf)).toBe('bob');
    // A subject the server does not know (a legacy header): the creator.
    expect(sessionTherapist({ id: 's', subject: 'ghost', owner: 'bob' }, subjectOf)).toBe('bob');
    expect(sessionTherapist({ id: 's', subject: 'orphan', owner: 'bob' }, subjectOf)).toBeNull();
    const s1 = { id: 's1', subject: 'p1', owner: 'alice' };
    const table: Array<[AccountPrincipal, boolean, boolean]> = [
      [admin, true, true],
      [alice, true, true],
      [bob, false, false],
      [runner1, true, false],
      [runner2, false, false],
    ];
    for (const [p, read, write] of table) {
      expect(canReadSession(p, s1, subjectOf), p.id).toBe(read);
      expect(canWriteSession(p, s1, subjectOf), p.id).toBe(write);
    }
    // A session handed over with its subject: the new therapist has it, the old one no longer.
    const moved = (id: string) => (id === 'p1' ? { id: 'p1', therapist: 'bob' } : subjectOf(id));
    expect(canReadSession(bob, s1, moved)).toBe(true);
    expect(canReadSession(alice, s1, moved)).toBe(false);
    // Runners see sessions of their subject only, never subject-less ones.
    expect(canReadSession(runner1, { id: 's', subject: null, owner: 'alice' }, subjectOf)).toBe(false);
  });

  it('targets: `default` read by staff, written by admins; otherwise as the subject', () => {
    expect([admin, alice, runner1].map((p) => canReadTargets(p, 'default'))).toEqual([true, true, false]);
    expect([admin, alice, runner1].map((p) => canWriteTargets(p, 'default'))).toEqual([true, false, false]);
    expect(canReadTargets(runner1, subjects.p1!)).toBe(true);
    expect(canWriteTargets(runner1, subjects.p1!)).toBe(false);
    expect(canWriteTargets(bob, subjects.p1!)).toBe(false);
  });

  it('daemon tokens: managed by their creator and admins; write only their sessions', () => {
    expect(canManageToken(alice, { createdBy: 'alice' })).toBe(true);
    expect(canManageToken(bob, { createdBy: 'alice' })).toBe(false);
    expect(canManageToken(admin, { createdBy: 'alice' })).toBe(true);
    const daemon: DaemonPrincipal = {
      kind: 'daemon',
      id: 't',
      sessions: ['s1', 's2'],
      createdBy: 'alice',
      expiresAtMs: Number.POSITIVE_INFINITY,
    };
    expect(['s1', 's2', 's3'].map((s) => canIngest(daemon, s))).toEqual([true, true, false]);
  });
});
