import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DaemonTokenCreatedSchema,
  DaemonTokenCreateSchema,
  type DaemonTokenDto,
  DaemonTokenSchema,
} from '@hamstream/protocol';
import { Type } from 'typebox';
import type { StoredDaemonToken } from '../auth/accounts-file.js';
import { canManageToken } from '../auth/policy.js';
import { checkResource } from '../auth/resources.js';
import { ProblemError, problem } from '../errors.js';
import { errorResponses, type RouteDeps, who } from './deps.js';

const TokenParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{16}$' }) });

function tokenDto(t: StoredDaemonToken): DaemonTokenDto {
  return {
    id: t.id,
    sessions: t.sessions,
    label: t.label,
    createdBy: t.createdBy,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
  };
}

/**
 * Tokens for ingest daemons, bound to sessions the creator may write: the daemon can stream into those
 * sessions over `/ingest` and do nothing else. The secret is answered once; only its hash is stored.
 */
export const daemonTokenRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (
  app,
  { auth, registry, lookups },
) => {
  app.addHook('onSend', async (_req, reply) => {
    void reply.header('cache-control', 'no-store');
  });

  app.get(
    '/api/daemon-tokens',
    {
      config: { access: 'staff' },
      schema: {
        summary: 'Daemon tokens you created (admins: all), without secrets',
        response: { 200: Type.Array(DaemonTokenSchema), ...errorResponses },
      },
    },
    async (req) => {
      const p = who(req);
      return auth
        .listDaemonTokens()
        .filter((t) => canManageToken(p, t))
        .map(tokenDto);
    },
  );

  app.post(
    '/api/daemon-tokens',
    {
      config: { access: 'staff' },
      schema: {
        summary: 'Create a token for an ingest daemon, bound to sessions you run',
        body: DaemonTokenCreateSchema,
        response: { 201: DaemonTokenCreatedSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const p = who(req);
      for (const id of req.body.sessions) {
        const verdict = checkResource('session', id, p, true, lookups);
        if (verdict === 'not-found') throw new ProblemError(problem('NOT_FOUND', `no session ${id}`));
        if (verdict === 'forbidden')
          throw new ProblemError(problem('FORBIDDEN', `session ${id} is not yours`));
        if (registry.get(id)?.meta.status === 'ended') {
          throw new ProblemError(problem('SESSION_ENDED', `session ${id} has ended`));
        }
      }
      const { secret, token } = await auth.createDaemonToken({
        sessions: req.body.sessions,
        createdBy: p.id,
        label: req.body.label ?? null,
        ...(req.body.ttlHours !== undefined ? { ttlMs: req.body.ttlHours * 3_600_000 } : {}),
      });
      return reply.code(201).send({ token: tokenDto(token), secret });
    },
  );

  app.delete(
    '/api/daemon-tokens/:id',
    {
      config: { access: 'staff', owns: { kind: 'daemon-token', param: 'id' } },
      schema: {
        summary: 'Revoke a token (its daemon is disconnected at once)',
        params: TokenParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await auth.revokeDaemonToken(req.params.id);
      return reply.code(204).send(null);
    },
  );
};
