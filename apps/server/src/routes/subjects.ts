import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  SubjectCreateSchema,
  SubjectHistorySchema,
  SubjectPatchSchema,
  SubjectSchema,
} from '@hamstream/protocol';
import { Type } from 'typebox';
import type { AuthService } from '../auth/auth-service.js';
import { canReadSubject } from '../auth/policy.js';
import { ProblemError, problem } from '../errors.js';
import { errorResponses, IdParams, type RouteDeps, who } from './deps.js';

function therapistMustExist(auth: AuthService, id: string): void {
  const a = auth.getAccount(id);
  if (a?.role !== 'therapist' || a.disabled) {
    throw new ProblemError(problem('BAD_REQUEST', `no therapist account ${id}`));
  }
}

/** Subjects (pseudonymous patients): each owned by one therapist; runners see only themself. */
export const subjectRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { store, auth, history }) => {
  app.get(
    '/api/subjects',
    {
      config: { access: 'account' },
      schema: {
        summary: 'The subjects you may see (therapists: their own; runners: themself; admins: all)',
        response: { 200: Type.Array(SubjectSchema), ...errorResponses },
      },
    },
    async (req) => {
      const p = who(req);
      return store.listSubjects().filter((s) => canReadSubject(p, s));
    },
  );

  app.post(
    '/api/subjects',
    {
      config: { access: 'staff' },
      schema: {
        summary: 'Create a subject (pseudonymous id, never a name); a therapist becomes its owner',
        body: SubjectCreateSchema,
        response: { 201: SubjectSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const p = who(req);
      let therapist: string | null;
      if (p.role === 'admin') {
        therapist = req.body.therapist ?? null;
        if (therapist !== null) therapistMustExist(auth, therapist);
      } else {
        if (req.body.therapist !== undefined && req.body.therapist !== p.id) {
          throw new ProblemError(problem('FORBIDDEN', 'only admins create subjects for another therapist'));
        }
        therapist = p.id;
      }
      if (store.getSubject(req.body.id))
        throw new ProblemError(problem('CONFLICT', `subject ${req.body.id} exists`));
      const subject = {
        id: req.body.id,
        note: req.body.note ?? null,
        baselineCadenceSpm: req.body.baselineCadenceSpm ?? null,
        createdAt: new Date().toISOString(),
        therapist,
      };
      await store.putSubject(subject);
      return reply.code(201).send(subject);
    },
  );

  app.get(
    '/api/subjects/:id',
    {
      config: { access: 'account', owns: { kind: 'subject', param: 'id' } },
      schema: {
        summary: 'One subject',
        params: IdParams,
        response: { 200: SubjectSchema, ...errorResponses },
      },
    },
    async (req) => store.getSubject(req.params.id)!,
  );

  app.patch(
    '/api/subjects/:id',
    {
      config: { access: 'staff', owns: { kind: 'subject', param: 'id' } },
      schema: {
        summary: 'Change a subject’s note or baseline cadence; admins: hand it to another therapist',
        params: IdParams,
        body: SubjectPatchSchema,
        response: { 200: SubjectSchema, ...errorResponses },
      },
    },
    async (req) => {
      const p = who(req);
      const s = store.getSubject(req.params.id)!;
      if (req.body.therapist !== undefined) {
        if (p.role !== 'admin') {
          throw new ProblemError(problem('FORBIDDEN', 'only admins hand a subject to another therapist'));
        }
        if (req.body.therapist !== null) therapistMustExist(auth, req.body.therapist);
      }
      const next = {
        ...s,
        ...(req.body.note !== undefined ? { note: req.body.note } : {}),
        ...(req.body.baselineCadenceSpm !== undefined
          ? { baselineCadenceSpm: req.body.baselineCadenceSpm }
          : {}),
        ...(req.body.therapist !== undefined ? { therapist: req.body.therapist } : {}),
      };
      await store.putSubject(next);
      return next;
    },
  );

  app.get(
    '/api/subjects/:id/history',
    {
      // The subject's own runner, its therapist, admins (like the subject itself).
      config: { access: 'account', owns: { kind: 'subject', param: 'id' } },
      schema: {
        summary:
          'Progress across sessions: ROM per exercise, peak force and asymmetry, Nordic break angle, cadence; ' +
          'each point flagged against the first session in range with the minimal detectable change',
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: SubjectHistorySchema, ...errorResponses },
      },
    },
    async (req) => {
      const { from, to } = req.query;
      if (from !== undefined && to !== undefined && Date.parse(from) > Date.parse(to)) {
        throw new ProblemError(problem('BAD_REQUEST', '`from` is after `to`'));
      }
      return history.subjectHistory(req.params.id, {
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      });
    },
  );
};

const HistoryQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'sessions started at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'sessions started at or before' })),
  },
  { additionalProperties: false },
);
