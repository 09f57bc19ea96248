import { err, type Result } from '@hamstream/core';

/** An expected failure at the API: a stable code (HAMSTREAM_ERR_*), an HTTP status, one clear line. */
export interface Problem {
  code: string;
  statusCode: number;
  message: string;
  /** 429: when to try again (sent as `Retry-After`). */
  retryAfterS?: number;
}

/** Every code the server answers with, created once (fastify's `FST_ERR_*` style). */
export const ERRORS = {
  NOT_FOUND: { code: 'HAMSTREAM_ERR_NOT_FOUND', statusCode: 404 },
  CONFLICT: { code: 'HAMSTREAM_ERR_CONFLICT', statusCode: 409 },
  SESSION_ENDED: { code: 'HAMSTREAM_ERR_SESSION_ENDED', statusCode: 409 },
  SESSION_NOT_LIVE: { code: 'HAMSTREAM_ERR_SESSION_NOT_LIVE', statusCode: 409 },
  BAD_REQUEST: { code: 'HAMSTREAM_ERR_BAD_REQUEST', statusCode: 400 },
  UNAUTHORIZED: { code: 'HAMSTREAM_ERR_UNAUTHORIZED', statusCode: 401 },
  FORBIDDEN: { code: 'HAMSTREAM_ERR_FORBIDDEN', statusCode: 403 },
  /** A state-changing request with the session cookie but without the CSRF header (or from another origin). */
  CSRF: { code: 'HAMSTREAM_ERR_CSRF', statusCode: 403 },
  /** Signed in with a one-time password: only /api/auth/* answers until it is changed. */
  PASSWORD_CHANGE_REQUIRED: { code: 'HAMSTREAM_ERR_PASSWORD_CHANGE_REQUIRED', statusCode: 403 },
  TOO_MANY_REQUESTS: { code: 'HAMSTREAM_ERR_TOO_MANY_REQUESTS', statusCode: 429 },
  TOO_LARGE: { code: 'HAMSTREAM_ERR_TOO_LARGE', statusCode: 413 },
  /** An uploaded recording that does not follow the format (nothing was stored). */
  BAD_RECORDING: { code: 'HAMSTREAM_ERR_BAD_RECORDING', statusCode: 400 },
  STORAGE: { code: 'HAMSTREAM_ERR_STORAGE', statusCode: 500 },
} as const;

export type ErrorKind = keyof typeof ERRORS;

export function problem(kind: ErrorKind, message: string): Problem {
  return { ...ERRORS[kind], message };
}

export function fail<T = never>(kind: ErrorKind, message: string): Result<T, Problem> {
  return err(problem(kind, message));
}

/** Thrown from route handlers; the error handler turns it into the API error shape. */
export class ProblemError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly retryAfterS: number | undefined;
  constructor(p: Problem) {
    super(p.message);
    this.name = 'ProblemError';
    this.code = p.code;
    this.statusCode = p.statusCode;
    this.retryAfterS = p.retryAfterS;
  }
}

/** Unwraps a Result in a route handler: the value, or a thrown ProblemError. */
export function orThrow<T>(r: Result<T, Problem>): T {
  if (r.ok) return r.value;
  throw new ProblemError(r.error);
}
