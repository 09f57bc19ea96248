import { CSRF_HEADER } from '@hamstream/protocol';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuthService } from '../auth/auth-service.js';
import { clearSessionCookie, readSessionCookie } from '../auth/cookies.js';
import type { AccountPrincipal } from '../auth/principal.js';
import { checkResource, type ResourceKind, type ResourceLookups } from '../auth/resources.js';
import { ProblemError, problem } from '../errors.js';

/**
 * Who may call a route, declared on every `/api` route as `config: { access }` (the server refuses to
 * start with an `/api` route that declares none):
 * - `public`: anyone, no credentials (only `GET /api/health`);
 * - `credentials`: the request body carries the credentials (sign-in); answers 401 without good ones;
 * - `account`: any signed-in account (admin, therapist, runner): reads, narrowed by `owns` and by
 *   filtering lists to what the account may see;
 * - `staff`: admins and therapists (everything that changes data);
 * - `admin`: admins only (accounts).
 * Daemon tokens never pass on REST (they are for `/ingest`).
 */
export type Access = 'public' | 'credentials' | 'account' | 'staff' | 'admin';

export const ACCESS_LEVELS: readonly Access[] = ['public', 'credentials', 'account', 'staff', 'admin'];

/** The route's `:param` names a resource whose relation to the caller is checked before the handler. */
export interface Owns {
  kind: ResourceKind;
  param: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every /api route (the server refuses to start otherwise). */
    access?: Access;
    /** Checked for every caller: 404 when the resource does not exist, 403 when it is not theirs. */
    owns?: Owns;
    /** Answers while the account still has to change its one-time password (the /api/auth routes). */
    beforePasswordChange?: boolean;
  }
  interface FastifyRequest {
    principal: AccountPrincipal | null;
  }
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function bearerToken(authorization: string | undefined): string | null {
  if (typeof authorization !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? m[1]! : null;
}

/** A bearer header wins over the cookie (an API client means what it sends). */
export function credentialsOf(headers: {
  authorization?: string | undefined;
  cookie?: string | undefined;
}): { token: string; via: 'cookie' | 'bearer' } | null {
  const bearer = bearerToken(headers.authorization);
  if (bearer) return { token: bearer, via: 'bearer' };
  const cookie = readSessionCookie(headers.cookie);
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

/**
 * A browser's `Origin` must be this server (`host` as the client addressed it). No Origin: not a
 * cross-site browser request (browsers send it on every cross-origin request and every WebSocket).
 */
export function originMatches(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    const o = new URL(origin);
    // Through URL both ways, so a default port (`:80` in Host, absent in Origin) compares equal.
    return o.host === new URL(`${o.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

export function requirePrincipal(req: FastifyRequest): AccountPrincipal {
  if (!req.principal) throw new ProblemError(problem('UNAUTHORIZED', 'sign in first'));
  return req.principal;
}

export interface AccessPluginOptions {
  auth: AuthService;
  resources: ResourceLookups;
  /** Whether cookies this request would get are `Secure` (https, directly or behind a proxy). */
  secureCookies: (req: FastifyRequest) => boolean;
}

/**
 * Authentication and authorisation of every `/api` request, before its body is even read:
 * credentials (bearer or cookie) → principal (401 without), daemon tokens refused (403), CSRF (cookie +
 * unsafe method needs the `x-hamstream-csrf` header and a same-origin `Origin`), one-time password
 * (403 until changed), role (403), then the relation to the `:param` resource (404 / 403).
 */
const access: FastifyPluginAsync<AccessPluginOptions> = async (app, opts) => {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const config = route.config as { access?: Access; owns?: Owns } | undefined;
    if (!config?.access || !ACCESS_LEVELS.includes(config.access)) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no valid config.access`);
    }
    if (config.owns && !route.url.includes(`:${config.owns.param}`)) {
      throw new Error(
        `route ${String(route.method)} ${route.url}: owns.param :${config.owns.param} is not in the path`,
      );
    }
  });

  const deny = (
    reply: FastifyReply,
    req: FastifyRequest,
    via: 'cookie' | 'bearer' | null,
    message: string,
  ) => {
    // A stale cookie is cleared, so the browser stops sending it.
    if (via === 'cookie')
      void reply.header('set-cookie', clearSessionCookie({ secure: opts.secureCookies(req) }));
    return new ProblemError(problem('UNAUTHORIZED', message));
  };

  app.addHook('onRequest', async (req, reply) => {
    const config = req.routeOptions.config;
    const level = config.access;
    if (level === undefined || level === 'public') return;
    const unsafe = !SAFE_METHODS.has(req.method);
    const sameOrigin = originMatches(req.headers.origin, req.host);
    if (level === 'credentials') {
      // Sign-in from another site's page (login CSRF): refused by Origin; a plain form cannot send JSON.
      if (!sameOrigin) throw new ProblemError(problem('CSRF', 'cross-origin sign-in refused'));
      return;
    }
    const creds = credentialsOf(req.headers);
    if (!creds) throw deny(reply, req, null, 'sign in first');
    const who = opts.auth.authenticate(creds.token, creds.via);
    if (!who) throw deny(reply, req, creds.via, 'the sign-in has expired or is not valid; sign in again');
    if (who.kind !== 'account') {
      throw new ProblemError(problem('FORBIDDEN', 'daemon tokens may only stream to /ingest'));
    }
    if (creds.via === 'cookie' && unsafe) {
      if (!sameOrigin) throw new ProblemError(problem('CSRF', 'cross-origin request refused'));
      if (typeof req.headers[CSRF_HEADER] !== 'string') {
        throw new ProblemError(problem('CSRF', `requests that change data need the ${CSRF_HEADER} header`));
      }
    }
    if (who.mustChangePassword && !config.beforePasswordChange) {
      throw new ProblemError(
        problem('PASSWORD_CHANGE_REQUIRED', 'change the one-time password first (POST /api/auth/password)'),
      );
    }
    const roleOk =
      level === 'account' ||
      (level === 'staff' && (who.role === 'admin' || who.role === 'therapist')) ||
      (level === 'admin' && who.role === 'admin');
    if (!roleOk) throw new ProblemError(problem('FORBIDDEN', `this needs the ${level} role`));
    if (config.owns) {
      const id = (req.params as Record<string, string | undefined>)[config.owns.param] ?? '';
      const verdict = checkResource(config.owns.kind, id, who, unsafe, opts.resources);
      if (verdict === 'not-found') {
        throw new ProblemError(problem('NOT_FOUND', `no ${config.owns.kind} ${id}`));
      }
      if (verdict === 'forbidden') {
        throw new ProblemError(problem('FORBIDDEN', `this ${config.owns.kind} is not yours`));
      }
    }
    req.principal = who;
  });
};

export const accessPlugin = fp(access, { name: 'hamstream-access' });
