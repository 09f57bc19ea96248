import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdSchema, TargetsBodySchema, TargetsSchema } from '@hamstream/protocol';
import { Type } from 'typebox';
import { ProblemError, problem } from '../errors.js';
import { errorResponses, type RouteDeps } from './deps.js';

const SubjectParams = Type.Object({ subject: IdSchema });

/** ROM targets per exercise and the cadence band, per subject; `default` applies to everyone else. */
export const targetRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, registry }) => {
  app.get(
    '/api/targets',
    {
      config: { access: 'therapist' },
      schema: {
        summary: 'All stored targets',
        response: { 200: Type.Array(TargetsSchema), ...errorResponses },
      },
    },
    async () => store.listTargets(),
  );

  app.get(
    '/api/targets/:subject',
    {
      config: { access: 'therapist' },
      schema: {
        summary: 'Targets that apply to a subject (its own, else `default`, else built-in)',
        params: SubjectParams,
        response: { 200: TargetsSchema, ...errorResponses },
      },
    },
    async (req) => {
      const { subject } = req.params;
      if (subject !== 'default' && !store.getSubject(subject) && !store.getTargets(subject)) {
        throw new ProblemError(problem('NOT_FOUND', `no subject ${subject}`));
      }
      return { ...registry.targetsFor(subject), subject };
    },
  );

  app.put(
    '/api/targets/:subject',
    {
      config: { access: 'therapist' },
      schema: {
        summary: 'Set a subject’s targets (or `default`); live sessions pick them up at once',
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
