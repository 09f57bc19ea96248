import {
  canManageToken,
  canReadSession,
  canReadSubject,
  canReadTargets,
  canWriteSession,
  canWriteSubject,
  canWriteTargets,
  DEFAULT_TARGETS,
  type SessionRef,
  type SubjectLookup,
  type TokenRef,
} from './policy.js';
import type { AccountPrincipal } from './principal.js';

/** What a route's `:param` names; the access plugin checks the relation before the handler runs. */
export type ResourceKind = 'subject' | 'session' | 'targets' | 'daemon-token';

export type ResourceCheck = 'ok' | 'not-found' | 'forbidden';

export interface ResourceLookups {
  subject: SubjectLookup;
  session(id: string): SessionRef | null;
  daemonToken(id: string): TokenRef | null;
}

/**
 * May `p` read (or, with `write`, change) the resource `kind`/`id`? `not-found` when it does not exist
 * (a 404 tells nothing about anyone's data), `forbidden` when it exists but is not theirs.
 */
export function checkResource(
  kind: ResourceKind,
  id: string,
  p: AccountPrincipal,
  write: boolean,
  lookups: ResourceLookups,
): ResourceCheck {
  const verdict = (allowed: boolean): ResourceCheck => (allowed ? 'ok' : 'forbidden');
  switch (kind) {
    case 'subject': {
      const s = lookups.subject(id);
      if (!s) return 'not-found';
      return verdict(write ? canWriteSubject(p, s) : canReadSubject(p, s));
    }
    case 'session': {
      const s = lookups.session(id);
      if (!s) return 'not-found';
      return verdict(write ? canWriteSession(p, s, lookups.subject) : canReadSession(p, s, lookups.subject));
    }
    case 'targets': {
      const target = id === DEFAULT_TARGETS ? DEFAULT_TARGETS : lookups.subject(id);
      if (!target) return 'not-found';
      return verdict(write ? canWriteTargets(p, target) : canReadTargets(p, target));
    }
    case 'daemon-token': {
      const t = lookups.daemonToken(id);
      if (!t) return 'not-found';
      return verdict(canManageToken(p, t));
    }
  }
}
