import {
  type AccountCreate,
  type AccountDto,
  type AccountPatch,
  type AccountResult,
  CSRF_HEADER,
  type DaemonTokenCreated,
  type LoginResult,
  type MarkResult,
  type MeDto,
  type SessionCreate,
  type SessionDto,
  type SubjectDto,
  type TargetsBody,
  type TargetsDto,
} from '@hamstream/protocol';
import type { SubjectHistoryDto } from './history.js';

/** The server said 401: the sign-in is gone (expired, signed out elsewhere). */
export class SignedOutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignedOutError';
  }
}

const signedOutListeners = new Set<() => void>();
/** Called when any request finds the sign-in gone: the app shows the sign-in screen. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/**
 * The session cookie (HttpOnly, set by the server at sign-in) authenticates every call; page scripts
 * never see it. Calls that change data carry the CSRF header, which no other site's page can send.
 */
async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path.replace(/^\//, ''), document.baseURI), {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (res.status === 204 ? {} : await res.json()) as T & { message?: string };
  if (res.status === 401 && !path.startsWith('/api/auth/login') && !path.startsWith('/api/auth/demo')) {
    for (const l of signedOutListeners) l();
    throw new SignedOutError(json.message ?? 'signed out');
  }
  if (!res.ok) throw new Error(json.message ?? `${method} ${path}: HTTP ${res.status}`);
  return json;
}

export const api = {
  me: () => call<MeDto>('GET', '/api/auth/me'),
  login: (username: string, password: string) =>
    call<LoginResult>('POST', '/api/auth/login', { username, password }),
  demoLogin: (key: string) => call<LoginResult>('POST', '/api/auth/demo', { key }),
  logout: () => call<Record<string, never>>('POST', '/api/auth/logout'),
  changePassword: (currentPassword: string, newPassword: string) =>
    call<MeDto>('POST', '/api/auth/password', { currentPassword, newPassword }),
  startSet: (session: string, activity: string, side?: string) =>
    call<MarkResult>('POST', `/api/sessions/${encodeURIComponent(session)}/sets/start`, {
      activity,
      ...(side ? { side } : {}),
    }),
  stopSet: (session: string) =>
    call<MarkResult>('POST', `/api/sessions/${encodeURIComponent(session)}/sets/stop`),
  endSession: (session: string) =>
    call<SessionDto>('POST', `/api/sessions/${encodeURIComponent(session)}/end`),
  targets: (subject: string) => call<TargetsDto>('GET', `/api/targets/${encodeURIComponent(subject)}`),
  putTargets: (subject: string, body: TargetsBody) =>
    call<TargetsDto>('PUT', `/api/targets/${encodeURIComponent(subject)}`, body),
  history: (subject: string) =>
    call<SubjectHistoryDto>('GET', `/api/subjects/${encodeURIComponent(subject)}/history`),
  subjects: () => call<SubjectDto[]>('GET', '/api/subjects'),
  createSubject: (id: string) => call<SubjectDto>('POST', '/api/subjects', { id }),
  createSession: (body: SessionCreate) => call<SessionDto>('POST', '/api/sessions', body),
  accounts: () => call<AccountDto[]>('GET', '/api/accounts'),
  /** The one-time password in the answer is shown once. */
  createAccount: (body: AccountCreate) => call<AccountResult>('POST', '/api/accounts', body),
  updateAccount: (id: string, body: AccountPatch) =>
    call<AccountResult>('PATCH', `/api/accounts/${encodeURIComponent(id)}`, body),
  /** A token for one ingest daemon, bound to these sessions; the secret is answered once. */
  createDaemonToken: (sessions: string[], label: string) =>
    call<DaemonTokenCreated>('POST', '/api/daemon-tokens', { sessions, label }),
};
