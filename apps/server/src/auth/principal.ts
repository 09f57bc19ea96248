import type { Role } from '@hamstream/protocol';

export type { Role } from '@hamstream/protocol';

/** A signed-in person (admin, therapist or runner), by session cookie or bearer token. */
export interface AccountPrincipal {
  kind: 'account';
  id: string;
  role: Role;
  /** Runners: the subject they are. */
  subject: string | null;
  demo: boolean;
  mustChangePassword: boolean;
  /** How the credential came: a cookie needs the CSRF header on state-changing requests. */
  via: 'cookie' | 'bearer';
  /** SHA-256 of the sign-in token: names the sign-in (logout, revocation) without holding the secret. */
  sessionKey: string;
  expiresAtMs: number;
}

/** An ingest daemon, by a token bound to the sessions it may write. */
export interface DaemonPrincipal {
  kind: 'daemon';
  /** The token id (not secret): for logs and revocation. */
  id: string;
  sessions: readonly string[];
  createdBy: string;
  expiresAtMs: number;
}

export type Principal = AccountPrincipal | DaemonPrincipal;

/** Who it is, for logs: never a secret. */
export function describePrincipal(p: Principal): string {
  return p.kind === 'account' ? `${p.role}:${p.id}` : `daemon-token:${p.id}`;
}
