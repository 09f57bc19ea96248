import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdSchema, TargetsBodySchema, TargetsSchema } from '@hamstream/protocol';
import { Type } from 'typebox';
import { canReadTargets, DEFAULT_TARGETS } from '../auth/policy.js';
import { errorResponses, type RouteDeps, who } from './deps.js';

const SubjectParams = Type.Object({ subject: IdSchema });

/**
 * ROM targets per exercise and the cadence band, per subject; `default` applies to everyone else
 * (staff read it, admins change it).
 */
export const targetRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, registry }) => {
  app.get(
    '/api/targets',
    {
      config: { access: 'account' },
      schema: {
        summary: 'The stored targets you may see',
        response: { 200: Type.Array(TargetsSchema), ...errorResponses },
      },
    },
    async (req) => {
      const p = who(req);
      return store.listTargets().filter((t) => {
        if (t.subject === DEFAULT_TARGETS) return canReadTargets(p, DEFAULT_TARGETS);
        const subject = store.getSubject(t.subject);
        return subject ? canReadTargets(p, subject) : p.role === 'admin';
      });
    },
  );

  app.get(
    '/api/targets/:subject',
    {
      config: { access: 'account', owns: { kind: 'targets', param: 'subject' } },
      schema: {
        summary: 'Targets that apply to a subject (its own, else `default`, else built-in)',
        params: SubjectParams,
        response: { 200: TargetsSchema, ...errorResponses },
      },
    },
    async (req) => ({ ...registry.targetsFor(req.params.subject), subject: req.params.subject }),
  );

  app.put(
    '/api/targets/:subject',
    {
      config: { access: 'staff', owns: { kind: 'targets', param: 'subject' } },
      schema: {
        summary: 'Set a subject’s targets (admins: also `default`); live sessions pick them up at once',
        params: SubjectParams,
        body: TargetsBodySchema,
        response: { 200: TargetsSchema, ...errorResponses },
      },
    },
    async (req) => {
      const targets = { subject: req.params.subject, romDeg: req.body.romDeg, cadence: req.body.cadence };
      await store.putTargets(targets);
      registry.refreshTargets(targets.subject);
      return targets;
    },
  );
};
