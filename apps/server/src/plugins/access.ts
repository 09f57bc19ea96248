import { ok, type Result } from '@hamstream/core';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type Problem, ProblemError, problem } from '../errors.js';

/**
 * Who may call a route, declared on every `/api` route as `config: { access }`:
 * - `public`: anyone (only `GET /api/health`);
 * - `therapist`: the dashboard's user (subjects, sessions, targets, summaries, set controls);
 * - `ingest`: an ingest daemon (the `/ingest` socket namespace);
 * - `admin`: server administration (reserved).
 * Today the demo user is implicit: {@link implicitDemoAccess} grants every role to everyone. The
 * access-control issue replaces it with a real {@link AccessControl} (tokens, sessions); the routes and
 * sockets already ask for it, so nothing else changes then.
 */
export type Access = 'public' | 'therapist' | 'ingest' | 'admin';

export interface Principal {
  id: string;
  roles: readonly Access[];
}

/** How credentials become a principal. Bearer token for HTTP, `handshake.auth.token` for sockets. */
export interface AccessControl {
  authenticate(credentials: {
    token: string | null;
  }): Result<Principal, Problem> | Promise<Result<Principal, Problem>>;
}

export const DEMO_PRINCIPAL: Principal = { id: 'demo', roles: ['public', 'therapist', 'ingest', 'admin'] };

/** The implicit demo user: every request is the demo therapist. Replace before exposing the server. */
export const implicitDemoAccess: AccessControl = {
  authenticate: () => ok(DEMO_PRINCIPAL),
};

/** Checks that `principal` may do what `access` asks. */
export function authorize(principal: Principal, access: Access): Result<Principal, Problem> {
  if (access === 'public' || principal.roles.includes(access)) return ok(principal);
  return { ok: false, error: problem('FORBIDDEN', `this needs the ${access} role`) };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every /api route (the server refuses to start otherwise). */
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m ? m[1]!.trim() : null;
}

/**
 * The access plugin: refuses to register an `/api` route without `config.access` (so no route can be
 * forgotten when real auth lands) and checks every non-public request before its handler runs.
 */
const access: FastifyPluginAsync<{ accessControl: AccessControl }> = async (app, opts) => {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no config.access`);
  });
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const who = await opts.accessControl.authenticate({ token: bearerToken(req) });
    if (!who.ok) throw new ProblemError(who.error);
    const allowed = authorize(who.value, access);
    if (!allowed.ok) throw new ProblemError(allowed.error);
    req.principal = who.value;
  });
};

export const accessPlugin = fp(access, { name: 'hamstream-access' });
