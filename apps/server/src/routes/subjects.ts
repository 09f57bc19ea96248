import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SubjectCreateSchema, SubjectPatchSchema, SubjectSchema } from '@hamstream/protocol';
import { Type } from 'typebox';
import { ProblemError, problem } from '../errors.js';
import { errorResponses, IdParams, type RouteDeps } from './deps.js';

export const subjectRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store }) => {
  app.get(
    '/api/subjects',
    {
      config: { access: 'therapist' },
      schema: { summary: 'All subjects', response: { 200: Type.Array(SubjectSchema), ...errorResponses } },
    },
    async () => store.listSubjects(),
  );

  app.post(
    '/api/subjects',
    {
      config: { access: 'therapist' },
      schema: {
        summary: 'Create a subject (pseudonymous id, never a name)',
        body: SubjectCreateSchema,
        response: { 201: SubjectSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      if (store.getSubject(req.body.id))
        throw new ProblemError(problem('CONFLICT', `subject ${req.body.id} exists`));
      const subject = {
        id: req.body.id,
        note: req.body.note ?? null,
        baselineCadenceSpm: req.body.baselineCadenceSpm ?? null,
        createdAt: new Date().toISOString(),
      };
      await store.putSubject(subject);
      return reply.code(201).send(subject);
    },
  );

  app.get(
    '/api/subjects/:id',
    {
      config: { access: 'therapist' },
      schema: {
        summary: 'One subject',
        params: IdParams,
        response: { 200: SubjectSchema, ...errorResponses },
      },
    },
    async (req) => {
      const s = store.getSubject(req.params.id);
      if (!s) throw new ProblemError(problem('NOT_FOUND', `no subject ${req.params.id}`));
      return s;
    },
  );

  app.patch(
    '/api/subjects/:id',
    {
      config: { access: 'therapist' },
      schema: {
        summary: 'Change a subject’s note or baseline cadence',
        params: IdParams,
        body: SubjectPatchSchema,
        response: { 200: SubjectSchema, ...errorResponses },
      },
    },
    async (req) => {
      const s = store.getSubject(req.params.id);
      if (!s) throw new ProblemError(problem('NOT_FOUND', `no subject ${req.params.id}`));
      const next = {
        ...s,
        ...(req.body.note !== undefined ? { note: req.body.note } : {}),
        ...(req.body.baselineCadenceSpm !== undefined
          ? { baselineCadenceSpm: req.body.baselineCadenceSpm }
          : {}),
      };
      await store.putSubject(next);
      return next;
    },
  );
};
