import type { AccountPrincipal, DaemonPrincipal } from './principal.js';

/**
 * Who may see and change what: pure rules over the relations (a subject's therapist, a runner's own
 * subject, a session's subject and creator, a daemon token's sessions). The access plugin and the socket
 * namespaces ask these; nothing else decides.
 *
 * - admin: everything.
 * - therapist: the subjects they own, those subjects' sessions and targets, sessions they created
 *   without a subject; reads `default` targets. Never another therapist's patients.
 * - runner: reads their own subject, its sessions, summaries, live view and targets. Writes nothing.
 * - daemon token: writes the sessions it is bound to, over `/ingest` only. No REST, no `/live`.
 */

export interface SubjectRef {
  id: string;
  therapist?: string | null;
}

export interface SessionRef {
  id: string;
  subject: string | null;
  owner?: string | null;
}

export interface TokenRef {
  createdBy: string;
}

export type SubjectLookup = (id: string) => SubjectRef | null;

/**
 * The therapist responsible for a session: its subject's therapist when the subject is known (so a
 * patient handed to another therapist takes their sessions along), else the account that created it.
 */
export function sessionTherapist(session: SessionRef, subjectOf: SubjectLookup): string | null {
  if (session.subject !== null) {
    const subject = subjectOf(session.subject);
    if (subject) return subject.therapist ?? null;
  }
  return session.owner ?? null;
}

export function canReadSubject(p: AccountPrincipal, subject: SubjectRef): boolean {
  switch (p.role) {
    case 'admin':
      return true;
    case 'therapist':
      return subject.therapist === p.id;
    case 'runner':
      return p.subject !== null && subject.id === p.subject;
  }
}

export function canWriteSubject(p: AccountPrincipal, subject: SubjectRef): boolean {
  return p.role === 'admin' || (p.role === 'therapist' && subject.therapist === p.id);
}

export function canReadSession(p: AccountPrincipal, session: SessionRef, subjectOf: SubjectLookup): boolean {
  switch (p.role) {
    case 'admin':
      return true;
    case 'therapist':
      return sessionTherapist(session, subjectOf) === p.id;
    case 'runner':
      return p.subject !== null && session.subject === p.subject;
  }
}

export function canWriteSession(p: AccountPrincipal, session: SessionRef, subjectOf: SubjectLookup): boolean {
  return p.role === 'admin' || (p.role === 'therapist' && sessionTherapist(session, subjectOf) === p.id);
}

/** Targets of `default` apply to everyone: staff read them, only admins change them. */
export const DEFAULT_TARGETS = 'default';

export function canReadTargets(p: AccountPrincipal, subject: SubjectRef | typeof DEFAULT_TARGETS): boolean {
  if (subject === DEFAULT_TARGETS) return p.role === 'admin' || p.role === 'therapist';
  return canReadSubject(p, subject);
}

export function canWriteTargets(p: AccountPrincipal, subject: SubjectRef | typeof DEFAULT_TARGETS): boolean {
  if (subject === DEFAULT_TARGETS) return p.role === 'admin';
  return canWriteSubject(p, subject);
}

/** A daemon token is managed (listed, revoked) by its creator and by admins. */
export function canManageToken(p: AccountPrincipal, token: TokenRef): boolean {
  return p.role === 'admin' || token.createdBy === p.id;
}

/** A daemon writes only the sessions its token is bound to. */
export function canIngest(p: DaemonPrincipal, session: string): boolean {
  return p.sessions.includes(session);
}
